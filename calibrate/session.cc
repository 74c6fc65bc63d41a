// wsest-session: creates one ONNX Runtime 1.29.0 session for a whole model the way an application
// does (inputs in host memory, ORT's own arena and memory pattern, session config entries as given),
// optionally runs it, and prints one JSON document: which EP each node was placed on (ORT's log), the
// device memory held after session creation and across each run, and, with --save-optimized, the
// graph the session built. On the shadow device (calibrate/shadow) the memory is every cudaMalloc the
// process holds, to the byte; on a GPU, cudaMemGetInfo's used bytes (2 MiB granular).
//
//   wsest-session --ort-lib DIR/libonnxruntime.so.1 --model M.onnx [--ep cuda|cpu]
//                 [--config key=value ...] [--ep-option key=value ...] [--opt-level disable|basic|extended|all]
//                 [--input name=d0,d1,...[@fill] ...] [--runs N] [--save-optimized PATH]
//
// Used by the partitioning check (session.resource_cuda_partitioning_settings), the arena check and
// the layer plans, each against what wsest predicts for the same model.
#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "calibrate/ort_runner.h"

namespace {

using namespace wsest::ortrun;

struct Options {
  std::string ort_lib, model, ep = "cuda", opt_level = "all", save_optimized;
  std::map<std::string, std::string> config, ep_options;
  std::map<std::string, std::pair<std::vector<int64_t>, int64_t>> inputs;  // name -> dims, fill
  int runs = 0;
};

// Device memory as the CUDA runtime (or the shadow device's) reports it.
struct DeviceMemory {
  uint64_t (*shadow_used)() = nullptr;
  uint64_t (*shadow_peak)() = nullptr;
  void (*shadow_reset_peak)() = nullptr;
  const char* (*shadow_settings)() = nullptr;
  int (*mem_get_info)(size_t*, size_t*) = nullptr;
  void (*shadow_mark)(const char*) = nullptr;

  void Load() {
    void* h = dlopen("libcudart.so.13", RTLD_NOW | RTLD_GLOBAL);
    if (h == nullptr) return;
    shadow_used = reinterpret_cast<uint64_t (*)()>(dlsym(h, "wsest_shadow_used_bytes"));
    shadow_peak = reinterpret_cast<uint64_t (*)()>(dlsym(h, "wsest_shadow_peak_bytes"));
    shadow_reset_peak = reinterpret_cast<void (*)()>(dlsym(h, "wsest_shadow_reset_peak"));
    shadow_settings = reinterpret_cast<const char* (*)()>(dlsym(h, "wsest_shadow_settings"));
    mem_get_info = reinterpret_cast<int (*)(size_t*, size_t*)>(dlsym(h, "cudaMemGetInfo"));
    shadow_mark = reinterpret_cast<void (*)(const char*)>(dlsym(h, "wsest_shadow_mark"));
  }
  bool shadow() const { return shadow_used != nullptr; }
  uint64_t Used() const {
    if (shadow()) return shadow_used();
    size_t free_b = 0, total = 0;
    if (mem_get_info == nullptr || mem_get_info(&free_b, &total) != 0) return 0;
    return total - free_b;
  }
  uint64_t Peak() const { return shadow() ? shadow_peak() : Used(); }
  void ResetPeak() const {
    if (shadow()) shadow_reset_peak();
  }
  // A line in the shadow device's log between the phases (session creation, each run).
  void Mark(const std::string& label) const {
    if (shadow_mark != nullptr) shadow_mark(label.c_str());
  }
};

GraphOptimizationLevel OptLevel(const std::string& name) {
  if (name == "disable") return ORT_DISABLE_ALL;
  if (name == "basic") return ORT_ENABLE_BASIC;
  if (name == "extended") return ORT_ENABLE_EXTENDED;
  if (name == "all") return ORT_ENABLE_ALL;
  throw std::runtime_error("--opt-level '" + name + "': expected disable, basic, extended or all");
}

std::string Run(const Options& o) {
  const std::string version = LoadOrt(o.ort_lib);
  DeviceMemory mem;
  if (o.ep == "cuda") mem.Load();
  OrtEnv* env = nullptr;
  Check(g_ort->CreateEnvWithCustomLogger(LogFn, nullptr, ORT_LOGGING_LEVEL_VERBOSE, "wsest-session", &env),
        "CreateEnv");
  OrtSessionOptions* so = nullptr;
  Check(g_ort->CreateSessionOptions(&so), "CreateSessionOptions");
  Check(g_ort->SetSessionGraphOptimizationLevel(so, OptLevel(o.opt_level)), "optimization level");
  if (!o.save_optimized.empty()) {
    Check(g_ort->SetOptimizedModelFilePath(so, o.save_optimized.c_str()), "SetOptimizedModelFilePath");
  }
  for (const auto& [k, v] : o.config) Check(g_ort->AddSessionConfigEntry(so, k.c_str(), v.c_str()), k.c_str());
  if (o.ep == "cuda") {
    OrtCUDAProviderOptionsV2* cuda = nullptr;
    Check(g_ort->CreateCUDAProviderOptions(&cuda), "CreateCUDAProviderOptions");
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : o.ep_options) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    Check(g_ort->UpdateCUDAProviderOptions(cuda, keys.data(), values.data(), keys.size()), "CUDA provider options");
    Check(g_ort->SessionOptionsAppendExecutionProvider_CUDA_V2(so, cuda), "append CUDA EP");
    g_ort->ReleaseCUDAProviderOptions(cuda);
  }
  const uint64_t before = mem.Used();
  mem.ResetPeak();
  g_placements.Clear();
  OrtSession* session = nullptr;
  Check(g_ort->CreateSession(env, o.model.c_str(), so, &session), "CreateSession");
  g_ort->ReleaseSessionOptions(so);
  const uint64_t after_session = mem.Used() - before;
  mem.Mark("session created");
  const uint64_t session_peak = mem.Peak() - before;

  // Inputs in host memory, zeros or `fill`, as an application hands them to Run.
  OrtAllocator* cpu = nullptr;
  Check(g_ort->GetAllocatorWithDefaultOptions(&cpu), "default allocator");
  OrtMemoryInfo* cpu_info = nullptr;
  Check(g_ort->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &cpu_info), "CPU memory info");
  size_t n_in = 0, n_out = 0;
  Check(g_ort->SessionGetInputCount(session, &n_in), "input count");
  Check(g_ort->SessionGetOutputCount(session, &n_out), "output count");
  std::vector<std::string> in_names, out_names;
  std::vector<std::vector<char>> buffers;
  std::vector<OrtValue*> inputs;
  for (size_t i = 0; i < n_in && o.runs > 0; ++i) {
    char* name = nullptr;
    Check(g_ort->SessionGetInputName(session, i, cpu, &name), "input name");
    in_names.emplace_back(name);
    cpu->Free(cpu, name);
    OrtTypeInfo* ti = nullptr;
    Check(g_ort->SessionGetInputTypeInfo(session, i, &ti), "input type");
    const OrtTensorTypeAndShapeInfo* tsi = nullptr;
    Check(g_ort->CastTypeInfoToTensorInfo(ti, &tsi), "input tensor info");
    ONNXTensorElementDataType dtype;
    Check(g_ort->GetTensorElementType(tsi, &dtype), "input dtype");
    size_t rank = 0;
    Check(g_ort->GetDimensionsCount(tsi, &rank), "input rank");
    std::vector<int64_t> dims(rank);
    Check(g_ort->GetDimensions(tsi, dims.data(), rank), "input dims");
    g_ort->ReleaseTypeInfo(ti);
    int64_t fill = 0;
    auto given = o.inputs.find(in_names.back());
    if (given != o.inputs.end()) std::tie(dims, fill) = given->second;
    size_t count = 1;
    for (int64_t d : dims) {
      if (d < 0) throw std::runtime_error("input '" + in_names.back() + "' has a symbolic dim: give --input");
      count *= static_cast<size_t>(d);
    }
    buffers.push_back(Filled(dtype, count, fill));
    OrtValue* v = nullptr;
    Check(g_ort->CreateTensorWithDataAsOrtValue(cpu_info, buffers.back().data(), buffers.back().size(), dims.data(),
                                                dims.size(), dtype, &v),
          "input tensor");
    inputs.push_back(v);
  }
  for (size_t i = 0; i < n_out && o.runs > 0; ++i) {
    char* name = nullptr;
    Check(g_ort->SessionGetOutputName(session, i, cpu, &name), "output name");
    out_names.emplace_back(name);
    cpu->Free(cpu, name);
  }
  std::vector<const char*> in_ptrs, out_ptrs;
  for (const auto& n : in_names) in_ptrs.push_back(n.c_str());
  for (const auto& n : out_names) out_ptrs.push_back(n.c_str());
  std::string runs_json = "[";
  for (int r = 0; r < o.runs; ++r) {
    const uint64_t held_before = mem.Used();
    mem.ResetPeak();
    mem.Mark("run " + std::to_string(r + 1));
    std::vector<OrtValue*> outputs(out_ptrs.size(), nullptr);
    Check(g_ort->Run(session, nullptr, in_ptrs.data(), inputs.data(), inputs.size(), out_ptrs.data(), out_ptrs.size(),
                     outputs.data()),
          "Run");
    runs_json += std::string(r ? "," : "") + "{\"held_before\":" + std::to_string(held_before - before) +
                 ",\"peak\":" + std::to_string(mem.Peak() - before) +
                 ",\"held_after\":" + std::to_string(mem.Used() - before) + "}";
    for (OrtValue* v : outputs) g_ort->ReleaseValue(v);
  }
  runs_json += "]";
  for (OrtValue* v : inputs) g_ort->ReleaseValue(v);
  g_ort->ReleaseMemoryInfo(cpu_info);
  const std::string placements = g_placements.Json();
  g_ort->ReleaseSession(session);
  g_ort->ReleaseEnv(env);
  return "{\"schema\":\"wsest-session/1\",\"ort\":" + JsonString(version) + ",\"model\":" + JsonString(o.model) +
         ",\"ep\":" + JsonString(o.ep) + ",\"config\":" + JsonMap(o.config) +
         ",\"ep_options\":" + JsonMap(o.ep_options) +
         ",\"shadow\":" + (mem.shadow_settings ? mem.shadow_settings() : "null") + ",\"placements\":" + placements +
         ",\"memory\":{\"exact\":" + (mem.shadow() ? "true" : "false") +
         ",\"after_session\":" + std::to_string(after_session) + ",\"session_peak\":" + std::to_string(session_peak) +
         ",\"runs\":" + runs_json + "}}";
}

int Usage() {
  std::cerr << "usage: wsest-session --ort-lib LIB --model M.onnx [--ep cuda|cpu] [--config key=value ...]\n"
               "                     [--ep-option key=value ...] [--opt-level disable|basic|extended|all]\n"
               "                     [--input name=d0,d1,...[@fill] ...] [--runs N] [--save-optimized PATH]\n";
  return 2;
}

std::pair<std::string, std::string> KeyValue(const std::string& flag, const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw std::runtime_error(flag + " '" + text + "': expected key=value");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--ort-lib") {
        o.ort_lib = next();
      } else if (a == "--model") {
        o.model = next();
      } else if (a == "--ep") {
        o.ep = next();
      } else if (a == "--config") {
        o.config.insert(KeyValue(a, next()));
      } else if (a == "--ep-option") {
        o.ep_options.insert(KeyValue(a, next()));
      } else if (a == "--opt-level") {
        o.opt_level = next();
      } else if (a == "--save-optimized") {
        o.save_optimized = next();
      } else if (a == "--runs") {
        o.runs = std::stoi(next());
      } else if (a == "--input") {
        auto [name, spec] = KeyValue(a, next());
        int64_t fill = 0;
        const size_t at = spec.find('@');
        if (at != std::string::npos) {
          fill = std::stoll(spec.substr(at + 1));
          spec = spec.substr(0, at);
        }
        std::vector<int64_t> dims;
        for (const std::string& d : Split(spec, ',')) {
          if (!d.empty()) dims.push_back(std::stoll(d));
        }
        o.inputs[name] = {dims, fill};
      } else {
        return Usage();
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "wsest-session: " << e.what() << "\n";
    return Usage();
  }
  if (o.ort_lib.empty() || o.model.empty() || (o.ep != "cuda" && o.ep != "cpu")) return Usage();
  try {
    std::cout << Run(o) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cout << "{\"schema\":\"wsest-session/1\",\"model\":" << JsonString(o.model)
              << ",\"error\":" << JsonString(e.what()) << "}\n";
    std::cerr << "wsest-session: " << e.what() << "\n";
    return 1;
  }
}
