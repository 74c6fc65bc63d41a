// What the ONNX Runtime runners of calibrate/ share (wsest-measure, wsest-session): ORT's C API loaded
// with dlopen (no link-time dependency, so a runner carries to the GPU machine with only ORT's C API
// header), small JSON writers, input buffers filled with an integer, and the node placements ORT's
// verbose log reports.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "onnxruntime_c_api.h"

namespace wsest::ortrun {

// The API of the ORT library loaded by LoadOrt.
extern const OrtApi* g_ort;
// Loads `library` (libonnxruntime.so.1) with RTLD_GLOBAL and sets g_ort; returns ORT's version string.
std::string LoadOrt(const std::string& library);
// Throws std::runtime_error("what: ORT's message") for a non-null status.
void Check(OrtStatus* status, const char* what);

std::string JsonString(const std::string& s);
template <typename T>
std::string JsonArray(const std::vector<T>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}
std::string JsonMap(const std::map<std::string, std::string>& m);
std::vector<std::string> Split(const std::string& s, char sep);
// "k=v;k=v" (or "-") -> map; throws on a part without '='.
std::map<std::string, std::string> ParsePairs(const std::string& text);

size_t ElementBytes(ONNXTensorElementDataType t);
// `count` elements of type `t` holding the integer `fill`.
std::vector<char> Filled(ONNXTensorElementDataType t, size_t count, int64_t fill);

// ORT's log: warnings go to stderr as ORT would print them; the session's node placements
// (session_state.cc VerifyEachNodeIsAssignedToAnEp, a verbose message) and GetCapability's CPU
// fallbacks are kept, so each line says which EP ran each node.
struct Placements {
  std::mutex mu;
  std::string all_on;                          // "All nodes placed on [EP]"
  std::map<std::string, std::string> by_node;  // node name -> EP, from "Node(s) placed on [EP]" lists
  std::string current_ep;                      // the list being read
  void Clear();
  // " All nodes placed on [CUDAExecutionProvider]. Number of nodes: 1", or " Node(s) placed on [EP].
  // Number of nodes: N" followed by one "  OpType (name)" message per node.
  void Parse(const std::string& message);
  // {"all": EP or "", "nodes": {name: EP}}
  std::string Json();
};
extern Placements g_placements;

// The logging function to create ORT's environment with, at verbose level: warnings and errors go to
// stderr, placements into g_placements.
void ORT_API_CALL LogFn(void* param, OrtLoggingLevel severity, const char* category, const char* logid,
                        const char* code_location, const char* message);

}  // namespace wsest::ortrun
