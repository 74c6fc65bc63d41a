// wsest-measure: runs single-node ONNX models under ONNX Runtime 1.29.0 (CUDA EP, or the CPU EP to
// test the runner without a GPU) and writes what each node requested from ORT's device allocator
// during Compute, one raw JSON line per case. `wsest-calibrate ingest` turns the lines into node
// records (data/records/README.md) with wsest's own view of each node.
//
//   wsest-measure --ort-lib DIR/libonnxruntime.so.1 --cases CASES.tsv --out RAW.jsonl
//                 [--ep cuda|cpu] [--stats-dir DIR] [--runs 3] [--gpu-name NAME] [--driver VER]
//
// CASES.tsv: one case per line, tab-separated: name, model (relative to the file), provider options
// ("k=v;k=v" or "-"), ORT_* variables ("K=V;..." or "-"), inputs ("name=d0,d1[@fill];..." or "-":
// every graph input gets a buffer of the declared dtype filled with the integer `fill`, default 0).
//
// How it measures (the arena is never involved):
// - A counting OrtAllocator is registered in the environment for the EP's default memory
//   ("Cuda" device 0, or "Cpu") and sessions set session.use_env_allocators=1, so every allocation the
//   EP's kernels make through ORT (GetScratchBuffer, the temp-space allocator, outputs) reaches it.
//   On CUDA it calls cudaMalloc/cudaFree taken from libcudart.so.13 by handle, so an LD_PRELOADed
//   calibrate/cuda_alloc_shim.so does not see them.
// - Inputs are allocated before Run; outputs are bound to device memory on the first run and the
//   returned values re-bound, so later runs allocate nothing but the node's own buffers.
// - Run 1 is cold (algorithm searches, handles); the last run is the steady one the records compare.
// - Allocations outside ORT's allocator: the shim (raw cudaMalloc/cudaMallocAsync through the dynamic
//   CUDA runtime, e.g. GemmFloat8's cuBLASLt workspace) and cudaMemGetInfo's used bytes around run 1
//   (persistent handle workspaces; 2 MiB granular).
// - ORT's own node stats: session.collect_node_memory_stats_to_file, written when the session is
//   released, copied into --stats-dir and embedded in the line.
// - Which EP each node was placed on, from ORT's verbose log (a node GetCapability rejects runs on
//   the CPU EP); on the shadow device (calibrate/shadow), the kernels and library calls of each run.
// The runner loads ORT and CUDA with dlopen: it builds with only ORT's C API header and runs where the
// libraries are on LD_LIBRARY_PATH.
#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "calibrate/ort_runner.h"
#include "onnxruntime_c_api.h"

namespace {

using namespace wsest::ortrun;

constexpr size_t kMaxTraceEvents = 256;

struct InputSpec {
  std::vector<int64_t> dims;
  int64_t fill = 0;
};

struct Case {
  std::string name, model;  // model: as resolved; model_file: as the cases file names it
  std::string model_file;
  std::map<std::string, std::string> provider_options, env;
  std::map<std::string, InputSpec> inputs;
  std::string inputs_text;
};

// The CUDA runtime functions the runner needs, by handle (never the interposed ones).
struct Cuda {
  int (*Malloc)(void**, size_t) = nullptr;
  int (*Free)(void*) = nullptr;
  int (*Memcpy)(void*, const void*, size_t, int) = nullptr;
  int (*MemGetInfo)(size_t*, size_t*) = nullptr;
  int (*DeviceSynchronize)() = nullptr;
  int (*RuntimeGetVersion)(int*) = nullptr;
  int (*DriverGetVersion)(int*) = nullptr;
  int (*DeviceGetAttribute)(int*, int, int) = nullptr;
  // The shadow device's runtime stub (calibrate/shadow): its settings and its trace of kernels and
  // library calls. Null on a real GPU.
  const char* (*ShadowSettings)() = nullptr;
  void (*TraceBegin)() = nullptr;
  void (*TraceEnd)() = nullptr;
  size_t (*TraceCount)() = nullptr;
  const char* (*TraceAt)(size_t) = nullptr;
  bool loaded = false;

  void Load() {
    void* h = dlopen("libcudart.so.13", RTLD_NOW | RTLD_GLOBAL);
    if (!h) throw std::runtime_error(std::string("cannot load libcudart.so.13: ") + dlerror());
    auto sym = [&](const char* name) {
      void* p = dlsym(h, name);
      if (!p) throw std::runtime_error(std::string("libcudart.so.13 lacks ") + name);
      return p;
    };
    Malloc = reinterpret_cast<decltype(Malloc)>(sym("cudaMalloc"));
    Free = reinterpret_cast<decltype(Free)>(sym("cudaFree"));
    Memcpy = reinterpret_cast<decltype(Memcpy)>(sym("cudaMemcpy"));
    MemGetInfo = reinterpret_cast<decltype(MemGetInfo)>(sym("cudaMemGetInfo"));
    DeviceSynchronize = reinterpret_cast<decltype(DeviceSynchronize)>(sym("cudaDeviceSynchronize"));
    RuntimeGetVersion = reinterpret_cast<decltype(RuntimeGetVersion)>(sym("cudaRuntimeGetVersion"));
    DriverGetVersion = reinterpret_cast<decltype(DriverGetVersion)>(sym("cudaDriverGetVersion"));
    DeviceGetAttribute = reinterpret_cast<decltype(DeviceGetAttribute)>(sym("cudaDeviceGetAttribute"));
    ShadowSettings = reinterpret_cast<decltype(ShadowSettings)>(dlsym(h, "wsest_shadow_settings"));
    if (ShadowSettings != nullptr) {
      TraceBegin = reinterpret_cast<decltype(TraceBegin)>(sym("wsest_shadow_trace_begin"));
      TraceEnd = reinterpret_cast<decltype(TraceEnd)>(sym("wsest_shadow_trace_end"));
      TraceCount = reinterpret_cast<decltype(TraceCount)>(sym("wsest_shadow_trace_count"));
      TraceAt = reinterpret_cast<decltype(TraceAt)>(sym("wsest_shadow_trace_at"));
    }
    loaded = true;
  }
  int64_t UsedBytes() const {
    size_t free_b = 0, total = 0;
    if (!loaded || MemGetInfo(&free_b, &total) != 0) return -1;
    return static_cast<int64_t>(total - free_b);
  }
};
Cuda g_cuda;

// The counting allocator ORT uses for the EP's default memory.
struct CountingAllocator : OrtAllocator {
  const OrtMemoryInfo* info = nullptr;
  bool cuda = false;
  std::mutex mu;
  std::unordered_map<void*, size_t> live;
  bool recording = false;
  std::vector<uint64_t> sizes;
  uint64_t held = 0, baseline = 0, peak = 0;
  uint64_t ort_calls = 0;  // Alloc/Reserve calls made by ORT (not the runner's own input buffers)

  void* Allocate(size_t size) {
    void* p = nullptr;
    if (cuda) {
      if (size == 0 || g_cuda.Malloc(&p, size) != 0) return nullptr;
    } else {
      // ORT's CPU allocator aligns to 64 bytes (MLAS packs weights for SIMD loads); so does this one.
      p = std::aligned_alloc(64, (size + 63) / 64 * 64 + (size == 0 ? 64 : 0));
    }
    std::lock_guard<std::mutex> lock(mu);
    live[p] = size;
    held += size;
    if (recording) {
      sizes.push_back(size);
      peak = std::max(peak, held - baseline);
    }
    return p;
  }
  void Release(void* p) {
    if (!p) return;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = live.find(p);
      if (it != live.end()) {
        held -= it->second;
        live.erase(it);
      }
    }
    if (cuda) {
      g_cuda.Free(p);
    } else {
      std::free(p);
    }
  }
  void Begin() {
    std::lock_guard<std::mutex> lock(mu);
    recording = true;
    sizes.clear();
    baseline = held;
    peak = 0;
  }
  void End() {
    std::lock_guard<std::mutex> lock(mu);
    recording = false;
  }
};

void* ORT_API_CALL AllocFn(OrtAllocator* self, size_t size) {
  auto* a = static_cast<CountingAllocator*>(self);
  {
    std::lock_guard<std::mutex> lock(a->mu);
    ++a->ort_calls;
  }
  return a->Allocate(size);
}
void ORT_API_CALL FreeFn(OrtAllocator* self, void* p) { static_cast<CountingAllocator*>(self)->Release(p); }
const OrtMemoryInfo* ORT_API_CALL InfoFn(const OrtAllocator* self) {
  return static_cast<const CountingAllocator*>(self)->info;
}

// The shim's counters (calibrate/cuda_alloc_shim.cc), when it is preloaded.
struct Shim {
  void (*begin)() = nullptr;
  size_t (*count)() = nullptr;
  uint64_t (*size_at)(size_t) = nullptr;
  void (*end)() = nullptr;
  bool present() const { return begin && count && size_at && end; }
  void Load() {
    begin = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "wsest_shim_begin"));
    count = reinterpret_cast<size_t (*)()>(dlsym(RTLD_DEFAULT, "wsest_shim_count"));
    size_at = reinterpret_cast<uint64_t (*)(size_t)>(dlsym(RTLD_DEFAULT, "wsest_shim_size"));
    end = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "wsest_shim_end"));
  }
  std::vector<uint64_t> Sizes() const {
    std::vector<uint64_t> v;
    for (size_t i = 0, n = count(); i < n; ++i) v.push_back(size_at(i));
    return v;
  }
};

struct RunMeasure {
  std::vector<uint64_t> allocations;
  uint64_t bytes = 0, peak = 0;
  bool has_external = false;
  std::vector<uint64_t> external;
  int64_t used_delta = 0;
  bool has_trace = false;
  std::vector<std::string> trace;  // shadow device: kernels launched and library calls, in order
  std::string Json() const {
    uint64_t ext = 0;
    for (uint64_t x : external) ext += x;
    std::string s = "{\"scratch_bytes\":" + std::to_string(bytes) + ",\"scratch_peak_bytes\":" + std::to_string(peak) +
                    ",\"allocations\":" + JsonArray(allocations);
    s += has_external
             ? ",\"external_bytes\":" + std::to_string(ext) + ",\"external_allocations\":" + JsonArray(external)
             : std::string(",\"external_bytes\":null");
    s += ",\"device_used_delta_bytes\":" + std::to_string(used_delta);
    if (has_trace) {
      s += ",\"trace\":[";
      for (size_t i = 0; i < trace.size(); ++i) s += (i ? "," : "") + JsonString(trace[i]);
      s += "]";
    }
    return s + "}";
  }
};

struct Options {
  std::string ort_lib, cases, out, ep = "cuda", stats_dir = ".", gpu_name, driver;
  int runs = 3;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Case> ReadCases(const std::string& path) {
  std::vector<Case> cases;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = Split(line, '\t');
    if (f.size() != 5) throw std::runtime_error(path + ":" + std::to_string(n) + ": expected 5 tab-separated fields");
    Case c;
    c.name = f[0];
    c.model_file = f[1];
    c.model = f[1][0] == '/' ? f[1] : dir + "/" + f[1];
    c.provider_options = ParsePairs(f[2]);
    c.env = ParsePairs(f[3]);
    c.inputs_text = f[4];
    for (const auto& [name, spec] : ParsePairs(f[4])) {
      InputSpec s;
      std::string dims = spec;
      const size_t at = spec.find('@');
      if (at != std::string::npos) {
        s.fill = std::stoll(spec.substr(at + 1));
        dims = spec.substr(0, at);
      }
      for (const std::string& d : Split(dims, ',')) {
        if (!d.empty()) s.dims.push_back(std::stoll(d));
      }
      c.inputs[name] = s;
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

class Runner {
 public:
  Runner(const Options& o) : opt_(o) {
    ort_version_ = LoadOrt(o.ort_lib);
    cuda_ = o.ep == "cuda";
    if (cuda_) g_cuda.Load();
    shim_.Load();
    Check(g_ort->CreateEnvWithCustomLogger(LogFn, nullptr, ORT_LOGGING_LEVEL_VERBOSE, "wsest-measure", &env_),
          "CreateEnv");
    OrtMemoryInfo* info = nullptr;
    Check(cuda_ ? g_ort->CreateMemoryInfo("Cuda", OrtDeviceAllocator, 0, OrtMemTypeDefault, &info)
                : g_ort->CreateCpuMemoryInfo(OrtDeviceAllocator, OrtMemTypeDefault, &info),
          "CreateMemoryInfo");
    alloc_.info = info;
    alloc_.cuda = cuda_;
    alloc_.version = ORT_API_VERSION;
    alloc_.Alloc = AllocFn;
    alloc_.Free = FreeFn;
    alloc_.Info = InfoFn;
    alloc_.Reserve = AllocFn;  // initialization-time allocations: counted like any other, outside Run
    Check(g_ort->RegisterAllocator(env_, &alloc_), "RegisterAllocator");
  }

  std::string DeviceJson() const {
    std::string s = "{\"ep\":" + JsonString(cuda_ ? "CUDAExecutionProvider" : "CPUExecutionProvider") +
                    ",\"ort\":" + JsonString(ort_version_) + ",\"gpu_name\":" + JsonString(opt_.gpu_name) +
                    ",\"driver\":" + JsonString(opt_.driver);
    if (cuda_ && g_cuda.ShadowSettings) s += ",\"shadow\":" + std::string(g_cuda.ShadowSettings());
    if (cuda_) {
      int rt = 0, drv = 0, major = 0, minor = 0, sms = 0;
      g_cuda.RuntimeGetVersion(&rt);
      g_cuda.DriverGetVersion(&drv);
      g_cuda.DeviceGetAttribute(&major, 75, 0);  // cudaDevAttrComputeCapabilityMajor
      g_cuda.DeviceGetAttribute(&minor, 76, 0);  // cudaDevAttrComputeCapabilityMinor
      g_cuda.DeviceGetAttribute(&sms, 16, 0);    // cudaDevAttrMultiProcessorCount
      s += ",\"cuda_runtime\":" + std::to_string(rt) + ",\"cuda_driver\":" + std::to_string(drv) +
           ",\"sm\":" + std::to_string(major * 10 + minor) + ",\"sm_count\":" + std::to_string(sms) +
           ",\"cudnn\":" + std::to_string(LibraryVersion("libcudnn.so.9", "cudnnGetVersion")) +
           ",\"cublas\":" + std::to_string(CublasVersion());
    }
    return s + "}";
  }

  std::string Measure(const Case& c, int index) {
    for (const auto& [k, v] : last_env_) unsetenv(k.c_str());
    for (const auto& [k, v] : c.env) setenv(k.c_str(), v.c_str(), 1);
    last_env_ = c.env;
    const std::string stats_path = opt_.stats_dir + "/" + std::to_string(index) + ".csv";
    std::remove(stats_path.c_str());

    OrtSessionOptions* so = nullptr;
    Check(g_ort->CreateSessionOptions(&so), "CreateSessionOptions");
    Check(g_ort->SetSessionGraphOptimizationLevel(so, ORT_DISABLE_ALL), "graph optimizations off");
    Check(g_ort->DisableMemPattern(so), "DisableMemPattern");
    Check(g_ort->AddSessionConfigEntry(so, "session.use_env_allocators", "1"), "use_env_allocators");
    Check(g_ort->AddSessionConfigEntry(so, "session.collect_node_memory_stats_to_file", stats_path.c_str()),
          "collect_node_memory_stats_to_file");
    if (cuda_) {
      OrtCUDAProviderOptionsV2* cuda_opts = nullptr;
      Check(g_ort->CreateCUDAProviderOptions(&cuda_opts), "CreateCUDAProviderOptions");
      std::vector<const char*> keys, values;
      for (const auto& [k, v] : c.provider_options) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
      }
      Check(g_ort->UpdateCUDAProviderOptions(cuda_opts, keys.data(), values.data(), keys.size()),
            "UpdateCUDAProviderOptions");
      Check(g_ort->SessionOptionsAppendExecutionProvider_CUDA_V2(so, cuda_opts), "append CUDA EP");
      g_ort->ReleaseCUDAProviderOptions(cuda_opts);
    }
    const uint64_t calls_before = alloc_.ort_calls;
    g_placements.Clear();
    OrtSession* session = nullptr;
    Check(g_ort->CreateSession(env_, c.model.c_str(), so, &session), "CreateSession");
    g_ort->ReleaseSessionOptions(so);

    // Inputs, allocated before any run.
    OrtAllocator* cpu_alloc = nullptr;
    Check(g_ort->GetAllocatorWithDefaultOptions(&cpu_alloc), "default allocator");
    size_t n_in = 0, n_out = 0;
    Check(g_ort->SessionGetInputCount(session, &n_in), "input count");
    Check(g_ort->SessionGetOutputCount(session, &n_out), "output count");
    OrtIoBinding* binding = nullptr;
    Check(g_ort->CreateIoBinding(session, &binding), "CreateIoBinding");
    std::vector<OrtValue*> values;
    std::vector<void*> buffers;
    std::map<std::string, std::vector<int64_t>> shapes;
    for (size_t i = 0; i < n_in; ++i) {
      char* name = nullptr;
      Check(g_ort->SessionGetInputName(session, i, cpu_alloc, &name), "input name");
      const std::string input = name;
      cpu_alloc->Free(cpu_alloc, name);
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
      auto spec = c.inputs.find(input);
      if (spec != c.inputs.end()) {
        dims = spec->second.dims;
        fill = spec->second.fill;
      }
      size_t count = 1;
      for (int64_t d : dims) {
        if (d < 0) throw std::runtime_error("input '" + input + "' has a symbolic dim: give its shape in the case");
        count *= static_cast<size_t>(d);
      }
      shapes[input] = dims;
      const std::vector<char> host = Filled(dtype, count, fill);
      void* p = alloc_.Allocate(host.size());
      if (!p && !host.empty()) throw std::runtime_error("cannot allocate input '" + input + "'");
      if (cuda_) {
        if (!host.empty()) g_cuda.Memcpy(p, host.data(), host.size(), 1 /*cudaMemcpyHostToDevice*/);
      } else if (!host.empty()) {
        std::memcpy(p, host.data(), host.size());
      }
      buffers.push_back(p);
      OrtValue* v = nullptr;
      Check(g_ort->CreateTensorWithDataAsOrtValue(alloc_.info, p, host.size(), dims.data(), dims.size(), dtype, &v),
            "input tensor");
      values.push_back(v);
      Check(g_ort->BindInput(binding, input.c_str(), v), "BindInput");
    }
    std::vector<std::string> output_names;
    for (size_t i = 0; i < n_out; ++i) {
      char* name = nullptr;
      Check(g_ort->SessionGetOutputName(session, i, cpu_alloc, &name), "output name");
      output_names.push_back(name);
      cpu_alloc->Free(cpu_alloc, name);
      Check(g_ort->BindOutputToDevice(binding, output_names.back().c_str(), alloc_.info), "BindOutputToDevice");
    }

    std::vector<RunMeasure> runs;
    OrtValue** outs = nullptr;
    size_t outs_n = 0;
    for (int r = 0; r < opt_.runs; ++r) {
      RunMeasure m;
      if (cuda_) g_cuda.DeviceSynchronize();
      const int64_t used_before = g_cuda.UsedBytes();
      if (shim_.present()) shim_.begin();
      if (g_cuda.TraceBegin) g_cuda.TraceBegin();
      alloc_.Begin();
      Check(g_ort->RunWithBinding(session, nullptr, binding), "Run");
      if (cuda_) g_cuda.DeviceSynchronize();
      alloc_.End();
      if (g_cuda.TraceBegin) {
        g_cuda.TraceEnd();
        m.has_trace = true;
        // A node launches a handful of kernels; a loop that launches thousands is cut, saying so.
        const size_t n = g_cuda.TraceCount();
        for (size_t i = 0; i < n && i < kMaxTraceEvents; ++i) m.trace.emplace_back(g_cuda.TraceAt(i));
        if (n > kMaxTraceEvents) m.trace.push_back("... " + std::to_string(n - kMaxTraceEvents) + " more");
      }
      if (shim_.present()) {
        shim_.end();
        m.has_external = true;
        m.external = shim_.Sizes();
      }
      m.used_delta = used_before < 0 ? 0 : g_cuda.UsedBytes() - used_before;
      m.allocations = alloc_.sizes;
      for (uint64_t s : m.allocations) m.bytes += s;
      m.peak = alloc_.peak;
      if (r == 0) {
        // The outputs ORT allocated on run 1 (counted in run 1 only): keep them bound from now on.
        Check(g_ort->GetBoundOutputValues(binding, cpu_alloc, &outs, &outs_n), "GetBoundOutputValues");
        g_ort->ClearBoundOutputs(binding);
        for (size_t i = 0; i < outs_n && i < output_names.size(); ++i) {
          Check(g_ort->BindOutput(binding, output_names[i].c_str(), outs[i]), "BindOutput");
        }
      }
      runs.push_back(std::move(m));
    }
    // Zero means ORT never used the registered allocator (session.use_env_allocators had no effect
    // for this device): the line's numbers then say nothing, and ingest refuses it.
    const uint64_t ort_calls = alloc_.ort_calls - calls_before;
    g_ort->ReleaseIoBinding(binding);
    for (size_t i = 0; i < outs_n; ++i) g_ort->ReleaseValue(outs[i]);
    if (outs) cpu_alloc->Free(cpu_alloc, outs);
    for (OrtValue* v : values) g_ort->ReleaseValue(v);
    g_ort->ReleaseSession(session);  // writes the stats CSV
    for (void* p : buffers) alloc_.Release(p);

    std::string shapes_json = "{";
    for (const auto& [k, v] : shapes)
      shapes_json += (shapes_json.size() > 1 ? "," : "") + JsonString(k) + ":" + JsonArray(v);
    shapes_json += "}";
    std::string runs_json = "[";
    for (size_t i = 0; i < runs.size(); ++i) runs_json += (i ? "," : "") + runs[i].Json();
    runs_json += "]";
    return "{\"schema\":\"wsest-measure/1\",\"case\":" + JsonString(c.name) + ",\"model\":" + JsonString(c.model_file) +
           ",\"provider_options\":" + JsonMap(c.provider_options) + ",\"env\":" + JsonMap(c.env) +
           ",\"input_shapes\":" + shapes_json + ",\"ort_allocator_calls\":" + std::to_string(ort_calls) +
           ",\"placements\":" + g_placements.Json() + ",\"runs\":" + runs_json +
           ",\"ort_stats_csv\":" + JsonString(ReadFile(stats_path)) + "}";
  }

 private:
  static long LibraryVersion(const char* lib, const char* fn) {
    void* h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
    if (!h) h = dlopen(lib, RTLD_NOW);
    if (!h) return 0;
    auto f = reinterpret_cast<size_t (*)()>(dlsym(h, fn));
    return f ? static_cast<long>(f()) : 0;
  }
  static long CublasVersion() {
    void* h = dlopen("libcublas.so.13", RTLD_NOW);
    if (!h) return 0;
    auto get = reinterpret_cast<int (*)(int, int*)>(dlsym(h, "cublasGetProperty"));
    if (!get) return 0;
    int major = 0, minor = 0, patch = 0;
    get(0, &major);  // MAJOR_VERSION
    get(1, &minor);  // MINOR_VERSION
    get(2, &patch);  // PATCH_LEVEL
    return major * 10000L + minor * 100L + patch;
  }

  Options opt_;
  bool cuda_ = false;
  std::string ort_version_;
  OrtEnv* env_ = nullptr;
  CountingAllocator alloc_;
  Shim shim_;
  std::map<std::string, std::string> last_env_;
};

int Usage() {
  std::cerr
      << "usage: wsest-measure --ort-lib LIB --cases CASES.tsv --out RAW.jsonl [--ep cuda|cpu] [--stats-dir DIR]\n"
         "                     [--runs N] [--gpu-name NAME] [--driver VERSION]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--ort-lib")
        o.ort_lib = next();
      else if (a == "--cases")
        o.cases = next();
      else if (a == "--out")
        o.out = next();
      else if (a == "--ep")
        o.ep = next();
      else if (a == "--stats-dir")
        o.stats_dir = next();
      else if (a == "--runs")
        o.runs = std::max(2, std::stoi(next()));
      else if (a == "--gpu-name")
        o.gpu_name = next();
      else if (a == "--driver")
        o.driver = next();
      else
        return Usage();
    } catch (const std::exception& e) {
      std::cerr << "wsest-measure: " << e.what() << "\n";
      return Usage();
    }
  }
  if (o.ort_lib.empty() || o.cases.empty() || o.out.empty() || (o.ep != "cuda" && o.ep != "cpu")) return Usage();
  try {
    Runner runner(o);
    const std::vector<Case> cases = ReadCases(o.cases);
    std::ofstream out(o.out, std::ios::app);
    const std::string device = runner.DeviceJson();
    size_t failed = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      std::string line;
      try {
        line = runner.Measure(cases[i], static_cast<int>(i));
        line.insert(line.size() - 1, ",\"device\":" + device);
        std::cerr << "measured " << cases[i].name << "\n";
      } catch (const std::exception& e) {
        ++failed;
        line = "{\"schema\":\"wsest-measure/1\",\"case\":" + JsonString(cases[i].name) +
               ",\"model\":" + JsonString(cases[i].model_file) + ",\"device\":" + device +
               ",\"error\":" + JsonString(e.what()) + "}";
        std::cerr << "FAILED " << cases[i].name << ": " << e.what() << "\n";
      }
      out << line << "\n" << std::flush;
    }
    std::cerr << cases.size() - failed << " of " << cases.size() << " cases measured\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "wsest-measure: " << e.what() << "\n";
    return 1;
  }
}
