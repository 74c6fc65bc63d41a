#include "calibrate/ort_runner.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace wsest::ortrun {

const OrtApi* g_ort = nullptr;
Placements g_placements;

std::string LoadOrt(const std::string& library) {
  void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!lib) throw std::runtime_error("cannot load " + library + ": " + dlerror());
  auto get_base = reinterpret_cast<const OrtApiBase* (*)()>(dlsym(lib, "OrtGetApiBase"));
  if (!get_base) throw std::runtime_error(library + " lacks OrtGetApiBase");
  g_ort = get_base()->GetApi(ORT_API_VERSION);
  if (!g_ort) {
    throw std::runtime_error(std::string("ONNX Runtime ") + get_base()->GetVersionString() +
                             " does not offer API version " + std::to_string(ORT_API_VERSION));
  }
  return get_base()->GetVersionString();
}

void Check(OrtStatus* status, const char* what) {
  if (status == nullptr) return;
  std::string msg = std::string(what) + ": " + g_ort->GetErrorMessage(status);
  g_ort->ReleaseStatus(status);
  throw std::runtime_error(msg);
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string JsonMap(const std::map<std::string, std::string>& m) {
  std::string s = "{";
  for (const auto& [k, v] : m) s += (s.size() > 1 ? "," : "") + JsonString(k) + ":" + JsonString(v);
  return s + "}";
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

std::map<std::string, std::string> ParsePairs(const std::string& text) {
  std::map<std::string, std::string> m;
  if (text == "-" || text.empty()) return m;
  for (const std::string& kv : Split(text, ';')) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) throw std::runtime_error("'" + kv + "' is not key=value");
    m[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return m;
}

void Placements::Clear() {
  std::lock_guard<std::mutex> lock(mu);
  all_on.clear();
  current_ep.clear();
  by_node.clear();
}

void Placements::Parse(const std::string& message) {
  std::lock_guard<std::mutex> lock(mu);
  std::istringstream in(message);
  std::string line;
  while (std::getline(in, line)) {
    const size_t open = line.find('['), close = line.find(']');
    if (line.find("placed on [") != std::string::npos && open != std::string::npos && close > open) {
      current_ep = line.substr(open + 1, close - open - 1);
      if (line.find("All nodes placed on") != std::string::npos) all_on = current_ep;
      continue;
    }
    const size_t lp = line.rfind(" ("), rp = line.rfind(')');
    if (!current_ep.empty() && lp != std::string::npos && rp != std::string::npos && rp > lp) {
      by_node[line.substr(lp + 2, rp - lp - 2)] = current_ep;
    }
  }
}

std::string Placements::Json() {
  std::lock_guard<std::mutex> lock(mu);
  std::string s = "{\"all\":" + JsonString(all_on) + ",\"nodes\":{";
  bool first = true;
  for (const auto& [node, ep] : by_node) {
    s += (first ? "" : ",") + JsonString(node) + ":" + JsonString(ep);
    first = false;
  }
  return s + "}}";
}

void ORT_API_CALL LogFn(void*, OrtLoggingLevel severity, const char*, const char*, const char* where,
                        const char* message) {
  if (where != nullptr && std::strstr(where, "VerifyEachNodeIsAssignedToAnEp") != nullptr) g_placements.Parse(message);
  static const bool verbose = std::getenv("WSEST_ORT_VERBOSE") != nullptr;
  if (severity >= ORT_LOGGING_LEVEL_WARNING || verbose) std::cerr << "[ORT " << where << "] " << message << "\n";
}

size_t ElementBytes(ONNXTensorElementDataType t) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
      return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
      return 8;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
      return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
      return 1;
    default:
      throw std::runtime_error("unsupported input element type " + std::to_string(int(t)));
  }
}

// `count` elements of type `t` holding the integer `fill`.
std::vector<char> Filled(ONNXTensorElementDataType t, size_t count, int64_t fill) {
  const size_t e = ElementBytes(t);
  std::vector<char> buf(count * e, 0);
  if (fill == 0) return buf;
  const float f = static_cast<float>(fill);
  uint32_t fbits;
  std::memcpy(&fbits, &f, 4);
  for (size_t i = 0; i < count; ++i) {
    char* p = buf.data() + i * e;
    switch (t) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
        std::memcpy(p, &f, 4);
        break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: {
        const double d = double(fill);
        std::memcpy(p, &d, 8);
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: {
        const uint16_t b = uint16_t(fbits >> 16);
        std::memcpy(p, &b, 2);
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: {
        // Small integers are exact in fp16: sign, exponent (rebias 127 -> 15), top 10 mantissa bits.
        const uint32_t sign = (fbits >> 16) & 0x8000u, exp = (fbits >> 23) & 0xffu, man = (fbits >> 13) & 0x3ffu;
        const uint16_t h = uint16_t(sign | ((exp - 127 + 15) << 10) | man);
        std::memcpy(p, &h, 2);
        break;
      }
      default: {
        const int64_t v = fill;
        std::memcpy(p, &v, e);  // little-endian: the low bytes of the integer
      }
    }
  }
  return buf;
}

}  // namespace wsest::ortrun
