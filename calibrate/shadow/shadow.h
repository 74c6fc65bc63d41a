// The shadow device: stub CUDA libraries under which the real ONNX Runtime 1.29.0 CUDA provider runs
// on a machine with no GPU. Its host code decides kernel variants and sizes its buffers exactly as on
// a GPU; kernels never execute, device memory is host memory, and every allocation, launch and
// library call can be logged. This header is shared by every stub library (each links its own copy,
// so only the CUDA runtime stub keeps memory state).
//
// Settings (environment variables, read once per library):
//   WSEST_SHADOW_DEVICE            a device profile id of data/devices.json, compiled in (default
//                                  h100-sxm): name, compute capability, SM count, memory, L2
//   WSEST_SHADOW_MEMORY            the device's memory in bytes instead of the profile's: cudaMalloc
//                                  fails past it, as on a GPU with that much free (a budget)
//   WSEST_SHADOW_CUDNN             cudnnGetVersion's answer, e.g. 91900 (default 91900)
//   WSEST_SHADOW_CUDA_RUNTIME      cudaRuntimeGetVersion's answer (default 13000)
//   WSEST_SHADOW_CUDA_DRIVER       cudaDriverGetVersion's answer (default 13000)
//   WSEST_SHADOW_CUBLAS            cublasGetProperty's version, major*10000+minor*100+patch (default 130100)
//   WSEST_SHADOW_LIBRARY_WORKSPACE the workspace every library query answers (cuDNN engines, cuDNN
//                                  reductions and RNN temp space, cuBLASLt heuristics), in bytes
//                                  (default 0): a size the library decides, never ground truth
//   WSEST_SHADOW_LOG               a file that gets one JSON line per event (allocations, launches,
//                                  library calls); unset: no log
#pragma once

#include <cstdint>
#include <string>

namespace wsest_shadow {

struct Settings {
  std::string device_id;
  std::string device_name;
  int sm_major = 0;
  int sm_minor = 0;
  int sm_count = 0;
  uint64_t memory_bytes = 0;
  uint64_t l2_bytes = 0;
  int cudnn_version = 0;
  int cuda_runtime_version = 0;
  int cuda_driver_version = 0;
  int cublas_version = 0;
  uint64_t library_workspace = 0;
};

// The settings, read on first use. A bad setting (unknown device id, a version that is no number) is
// fatal: the stub prints the reason to stderr and exits with status 3, since every later answer
// would be wrong.
const Settings& Get();

// Appends one event to the log (a JSON object built by the caller, without the trailing newline;
// a sequence number and the library name are added). Thread-safe; no-op without WSEST_SHADOW_LOG.
void Log(const char* library, const std::string& json_fields);
bool Logging();

// Appends one event ("launch <kernel>", "cublasGemmEx", "cudnnBackendExecute", ...) to the process's
// trace while the runner records one (wsest_shadow_trace_begin in the runtime stub): the kernels and
// library calls a node made, which name the variant the EP chose. Defined in the runtime stub, which
// every other stub library links.
void Trace(const std::string& event);

// JSON helpers for log lines.
std::string Quote(const char* s);
std::string Hex(const void* p);

}  // namespace wsest_shadow
