#include "calibrate/shadow/shadow.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>

namespace wsest::internal {
extern const char kDevicesJson[];  // data/devices.json, embedded by cmake/embed_text.cmake
}

extern "C" void wsest_shadow_trace(const char* event);  // calibrate/shadow/cudart_stub.cc

namespace wsest_shadow {
namespace {

[[noreturn]] void Fatal(const std::string& why) {
  std::fprintf(stderr, "wsest shadow device: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(3);
}

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (errno != 0 || *end != '\0') Fatal(std::string(name) + "='" + v + "' is not a number");
  return n;
}

Settings Read() {
  Settings s;
  const char* id = std::getenv("WSEST_SHADOW_DEVICE");
  s.device_id = id != nullptr && *id != '\0' ? id : "h100-sxm";
  const auto doc = nlohmann::json::parse(wsest::internal::kDevicesJson);
  std::string known;
  for (const auto& d : doc.at("devices")) {
    const std::string did = d.at("id").get<std::string>();
    known += (known.empty() ? "" : ", ") + did;
    if (did != s.device_id) continue;
    s.device_name = d.at("name").get<std::string>();
    const std::string cc = d.at("compute_capability").get<std::string>();
    s.sm_major = std::stoi(cc.substr(0, cc.find('.')));
    s.sm_minor = std::stoi(cc.substr(cc.find('.') + 1));
    s.sm_count = d.at("sm_count").get<int>();
    s.memory_bytes = d.at("memory_bytes").get<uint64_t>();
    s.l2_bytes = d.at("l2_bytes").get<uint64_t>();
  }
  if (s.sm_count == 0) Fatal("unknown WSEST_SHADOW_DEVICE '" + s.device_id + "'; known: " + known);
  s.memory_bytes = EnvNumber("WSEST_SHADOW_MEMORY", s.memory_bytes);  // a smaller device: a budget
  s.cudnn_version = static_cast<int>(EnvNumber("WSEST_SHADOW_CUDNN", 91900));
  s.cuda_runtime_version = static_cast<int>(EnvNumber("WSEST_SHADOW_CUDA_RUNTIME", 13000));
  s.cuda_driver_version = static_cast<int>(EnvNumber("WSEST_SHADOW_CUDA_DRIVER", 13000));
  s.cublas_version = static_cast<int>(EnvNumber("WSEST_SHADOW_CUBLAS", 130100));
  s.library_workspace = EnvNumber("WSEST_SHADOW_LIBRARY_WORKSPACE", 0);
  return s;
}

struct LogFile {
  int fd = -1;
  std::mutex mu;
  LogFile() {
    const char* path = std::getenv("WSEST_SHADOW_LOG");
    if (path == nullptr || *path == '\0') return;
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) Fatal(std::string("cannot open WSEST_SHADOW_LOG '") + path + "'");
  }
};

LogFile& TheLog() {
  static LogFile* log = new LogFile();  // never destroyed: libraries log from their own destructors
  return *log;
}

}  // namespace

const Settings& Get() {
  static const Settings settings = Read();
  return settings;
}

bool Logging() { return TheLog().fd >= 0; }

void Log(const char* library, const std::string& json_fields) {
  LogFile& log = TheLog();
  if (log.fd < 0) return;
  // Every stub library appends to the same file: O_APPEND keeps the process's events in order.
  std::string line =
      "{\"lib\":\"" + std::string(library) + "\"" + (json_fields.empty() ? "" : ",") + json_fields + "}\n";
  std::lock_guard<std::mutex> lock(log.mu);
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t w = write(log.fd, line.data() + done, line.size() - done);
    if (w <= 0) return;
    done += static_cast<size_t>(w);
  }
}

void Trace(const std::string& event) { wsest_shadow_trace(event.c_str()); }

std::string Quote(const char* s) {
  std::string out = "\"";
  for (const char* p = s; p != nullptr && *p != '\0'; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string Hex(const void* p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "\"%p\"", p);
  return buf;
}

}  // namespace wsest_shadow
