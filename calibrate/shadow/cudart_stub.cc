// libcudart.so.13 for the shadow device (calibrate/shadow/shadow.h): the CUDA runtime functions the
// ONNX Runtime 1.29.0 CUDA provider imports (`nm -D --undefined-only libonnxruntime_providers_cuda.so`),
// answered for one device profile. Device memory is anonymous host memory (reserved, not committed,
// so a large allocation costs nothing until written); kernel launches do nothing but log their name;
// stream callbacks run at once; copies and memsets are real.
//
// The prototypes come from CUDA's own cuda_runtime_api.h, so the compiler checks every signature.
// Device limits per compute capability: CUDA C++ Programming Guide, "Technical Specifications per
// Compute Capability" (threads, blocks, shared memory and registers per SM and per block).
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "calibrate/shadow/shadow.h"

namespace {

using wsest_shadow::Hex;
using wsest_shadow::Quote;

void Log(const std::string& fields) { wsest_shadow::Log("cudart", fields); }

// The limits of one compute capability that ORT and CUB read.
struct ArchLimits {
  int threads_per_sm;
  int blocks_per_sm;
  int smem_per_sm;
  int smem_per_block_optin;
  int reserved_smem_per_block;
};

ArchLimits LimitsFor(int major, int minor) {
  const int cc = major * 10 + minor;
  if (cc >= 90) return {2048, 32, 233472, 232448, 1024};              // 9.0 (and 10.0): 228 KB per SM, 227 KB per block
  if (cc == 80 || cc == 87) return {2048, 32, 167936, 166912, 1024};  // 164 KB per SM, 163 KB per block
  if (cc == 89) return {1536, 24, 102400, 101376, 1024};              // 100 KB per SM, 99 KB per block
  if (cc == 86) return {1536, 16, 102400, 101376, 1024};
  return {1024, 16, 65536, 65536, 0};  // 7.5
}

// Device memory: every allocation, with its size, so cudaMemGetInfo and the log can say what is held.
struct Memory {
  std::mutex mu;
  std::unordered_map<void*, size_t> live;
  uint64_t used = 0;
  uint64_t peak = 0;
};
Memory& Mem() {
  static Memory* m = new Memory();  // never destroyed: ORT frees memory from its own static destructors
  return *m;
}

cudaError_t DeviceAlloc(void** ptr, size_t size, const char* how) {
  if (ptr == nullptr) return cudaErrorInvalidValue;
  *ptr = nullptr;
  const auto& s = wsest_shadow::Get();
  Memory& m = Mem();
  std::lock_guard<std::mutex> lock(m.mu);
  if (size == 0) {
    Log("\"ev\":\"" + std::string(how) + "\",\"bytes\":0,\"ptr\":null");
    return cudaSuccess;
  }
  if (m.used + size > s.memory_bytes) {
    Log("\"ev\":\"" + std::string(how) + "\",\"bytes\":" + std::to_string(size) +
        ",\"error\":\"out of memory\",\"used\":" + std::to_string(m.used));
    return cudaErrorMemoryAllocation;
  }
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    Log("\"ev\":\"" + std::string(how) + "\",\"bytes\":" + std::to_string(size) + ",\"error\":\"host mmap failed\"");
    return cudaErrorMemoryAllocation;
  }
  m.live[p] = size;
  m.used += size;
  m.peak = std::max(m.peak, m.used);
  *ptr = p;
  Log("\"ev\":\"" + std::string(how) + "\",\"bytes\":" + std::to_string(size) + ",\"ptr\":" + Hex(p) +
      ",\"used\":" + std::to_string(m.used));
  return cudaSuccess;
}

cudaError_t DeviceFree(void* p, const char* how) {
  if (p == nullptr) return cudaSuccess;
  Memory& m = Mem();
  std::lock_guard<std::mutex> lock(m.mu);
  auto it = m.live.find(p);
  if (it == m.live.end()) {
    Log("\"ev\":\"" + std::string(how) + "\",\"ptr\":" + Hex(p) + ",\"error\":\"not a device allocation\"");
    return cudaErrorInvalidValue;
  }
  munmap(p, it->second);
  m.used -= it->second;
  Log("\"ev\":\"" + std::string(how) + "\",\"bytes\":" + std::to_string(it->second) + ",\"ptr\":" + Hex(p) +
      ",\"used\":" + std::to_string(m.used));
  m.live.erase(it);
  return cudaSuccess;
}

// Kernels by host stub (registered by every fatbin at load) and by library handle, for launch logs.
struct Kernels {
  std::mutex mu;
  std::unordered_map<const void*, const char*> names;
};
Kernels& TheKernels() {
  static Kernels* k = new Kernels();
  return *k;
}
const char* KernelName(const void* func) {
  Kernels& k = TheKernels();
  std::lock_guard<std::mutex> lock(k.mu);
  auto it = k.names.find(func);
  return it == k.names.end() ? "?" : it->second;
}
void LogLaunch(const void* func, dim3 grid, dim3 block, size_t smem) {
  wsest_shadow::Trace(std::string("launch ") + KernelName(func));
  if (!wsest_shadow::Logging()) return;
  Log("\"ev\":\"launch\",\"kernel\":" + Quote(KernelName(func)) + ",\"grid\":[" + std::to_string(grid.x) + "," +
      std::to_string(grid.y) + "," + std::to_string(grid.z) + "],\"block\":[" + std::to_string(block.x) + "," +
      std::to_string(block.y) + "," + std::to_string(block.z) + "],\"smem\":" + std::to_string(smem));
}

// The runner's trace of one run: kernels launched and library calls made (shadow.h, Trace).
struct TraceBuffer {
  std::mutex mu;
  bool recording = false;
  std::vector<std::string> events;
};
TraceBuffer& TheTrace() {
  static TraceBuffer* t = new TraceBuffer();
  return *t;
}

// The launch configuration nvcc's stubs push before a launch and pop inside it.
struct CallConfiguration {
  dim3 grid, block;
  size_t smem = 0;
  void* stream = nullptr;
};
thread_local std::vector<CallConfiguration> t_configurations;

// Opaque handles (streams, events, graphs, pools, libraries): distinct addresses that are never read.
void* NewHandle() { return std::malloc(16); }

bool t_capturing = false;

}  // namespace

extern "C" {

cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : cudaErrorInvalidDevice; }
cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
cudaError_t cudaDriverGetVersion(int* v) {
  *v = wsest_shadow::Get().cuda_driver_version;
  return cudaSuccess;
}
cudaError_t cudaRuntimeGetVersion(int* v) {
  *v = wsest_shadow::Get().cuda_runtime_version;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int device) {
  if (device != 0) return cudaErrorInvalidDevice;
  const auto& s = wsest_shadow::Get();
  const ArchLimits l = LimitsFor(s.sm_major, s.sm_minor);
  std::memset(p, 0, sizeof(*p));
  std::snprintf(p->name, sizeof(p->name), "%s", s.device_name.c_str());
  p->totalGlobalMem = s.memory_bytes;
  p->sharedMemPerBlock = 49152;
  p->regsPerBlock = 65536;
  p->warpSize = 32;
  p->memPitch = 2147483647;
  p->maxThreadsPerBlock = 1024;
  p->maxThreadsDim[0] = 1024;
  p->maxThreadsDim[1] = 1024;
  p->maxThreadsDim[2] = 64;
  p->maxGridSize[0] = 2147483647;
  p->maxGridSize[1] = 65535;
  p->maxGridSize[2] = 65535;
  p->totalConstMem = 65536;
  p->major = s.sm_major;
  p->minor = s.sm_minor;
  p->textureAlignment = 512;
  p->texturePitchAlignment = 32;
  p->multiProcessorCount = s.sm_count;
  p->canMapHostMemory = 1;
  p->concurrentKernels = 1;
  p->asyncEngineCount = 2;
  p->unifiedAddressing = 1;
  p->l2CacheSize = static_cast<int>(s.l2_bytes);
  p->maxThreadsPerMultiProcessor = l.threads_per_sm;
  p->streamPrioritiesSupported = 1;
  p->globalL1CacheSupported = 1;
  p->localL1CacheSupported = 1;
  p->sharedMemPerMultiprocessor = static_cast<size_t>(l.smem_per_sm);
  p->regsPerMultiprocessor = 65536;
  p->managedMemory = 1;
  p->computePreemptionSupported = 1;
  p->cooperativeLaunch = 1;
  p->sharedMemPerBlockOptin = static_cast<size_t>(l.smem_per_block_optin);
  p->maxBlocksPerMultiProcessor = l.blocks_per_sm;
  p->reservedSharedMemPerBlock = static_cast<size_t>(l.reserved_smem_per_block);
  p->hostRegisterSupported = 1;
  p->memoryPoolsSupported = 1;
  p->clusterLaunch = s.sm_major >= 9 ? 1 : 0;
  p->hostNumaId = -1;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (device != 0) return cudaErrorInvalidDevice;
  cudaDeviceProp p;
  cudaGetDeviceProperties(&p, 0);
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock:
      *value = p.maxThreadsPerBlock;
      break;
    case cudaDevAttrMaxBlockDimX:
      *value = p.maxThreadsDim[0];
      break;
    case cudaDevAttrMaxBlockDimY:
      *value = p.maxThreadsDim[1];
      break;
    case cudaDevAttrMaxBlockDimZ:
      *value = p.maxThreadsDim[2];
      break;
    case cudaDevAttrMaxGridDimX:
      *value = p.maxGridSize[0];
      break;
    case cudaDevAttrMaxGridDimY:
      *value = p.maxGridSize[1];
      break;
    case cudaDevAttrMaxGridDimZ:
      *value = p.maxGridSize[2];
      break;
    case cudaDevAttrMaxSharedMemoryPerBlock:
      *value = static_cast<int>(p.sharedMemPerBlock);
      break;
    case cudaDevAttrTotalConstantMemory:
      *value = static_cast<int>(p.totalConstMem);
      break;
    case cudaDevAttrWarpSize:
      *value = p.warpSize;
      break;
    case cudaDevAttrMaxRegistersPerBlock:
      *value = p.regsPerBlock;
      break;
    case cudaDevAttrMultiProcessorCount:
      *value = p.multiProcessorCount;
      break;
    case cudaDevAttrIntegrated:
      *value = 0;
      break;
    case cudaDevAttrCanMapHostMemory:
      *value = 1;
      break;
    case cudaDevAttrConcurrentKernels:
      *value = 1;
      break;
    case cudaDevAttrL2CacheSize:
      *value = p.l2CacheSize;
      break;
    case cudaDevAttrMaxThreadsPerMultiProcessor:
      *value = p.maxThreadsPerMultiProcessor;
      break;
    case cudaDevAttrAsyncEngineCount:
      *value = p.asyncEngineCount;
      break;
    case cudaDevAttrUnifiedAddressing:
      *value = 1;
      break;
    case cudaDevAttrComputeCapabilityMajor:
      *value = p.major;
      break;
    case cudaDevAttrComputeCapabilityMinor:
      *value = p.minor;
      break;
    case cudaDevAttrStreamPrioritiesSupported:
      *value = 1;
      break;
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor:
      *value = static_cast<int>(p.sharedMemPerMultiprocessor);
      break;
    case cudaDevAttrMaxRegistersPerMultiprocessor:
      *value = p.regsPerMultiprocessor;
      break;
    case cudaDevAttrManagedMemory:
      *value = 1;
      break;
    case cudaDevAttrCooperativeLaunch:
      *value = 1;
      break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin:
      *value = static_cast<int>(p.sharedMemPerBlockOptin);
      break;
    case cudaDevAttrMaxBlocksPerMultiprocessor:
      *value = p.maxBlocksPerMultiProcessor;
      break;
    case cudaDevAttrReservedSharedMemoryPerBlock:
      *value = static_cast<int>(p.reservedSharedMemPerBlock);
      break;
    case cudaDevAttrMemoryPoolsSupported:
      *value = 1;
      break;
    case cudaDevAttrClusterLaunch:
      *value = p.clusterLaunch;
      break;
    default:
      *value = 0;
      Log("\"ev\":\"unanswered\",\"call\":\"cudaDeviceGetAttribute\",\"attr\":" +
          std::to_string(static_cast<int>(attr)));
  }
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total) {
  const auto& s = wsest_shadow::Get();
  Memory& m = Mem();
  std::lock_guard<std::mutex> lock(m.mu);
  *total = s.memory_bytes;
  *free_bytes = s.memory_bytes - m.used;
  return cudaSuccess;
}

cudaError_t cudaMalloc(void** ptr, size_t size) { return DeviceAlloc(ptr, size, "malloc"); }
cudaError_t cudaFree(void* p) { return DeviceFree(p, "free"); }
cudaError_t cudaMallocAsync(void** ptr, size_t size, cudaStream_t) { return DeviceAlloc(ptr, size, "malloc_async"); }
cudaError_t cudaMallocFromPoolAsync(void** ptr, size_t size, cudaMemPool_t, cudaStream_t) {
  return DeviceAlloc(ptr, size, "malloc_pool");
}
cudaError_t cudaFreeAsync(void* p, cudaStream_t) { return DeviceFree(p, "free_async"); }

// Pinned host memory: ordinary host memory, logged apart from device memory.
cudaError_t cudaHostAlloc(void** ptr, size_t size, unsigned int) {
  *ptr = std::aligned_alloc(4096, (size + 4095) / 4096 * 4096 + (size == 0 ? 4096 : 0));
  Log("\"ev\":\"host_alloc\",\"bytes\":" + std::to_string(size) + ",\"ptr\":" + Hex(*ptr));
  return *ptr != nullptr ? cudaSuccess : cudaErrorMemoryAllocation;
}
cudaError_t cudaMallocHost(void** ptr, size_t size) { return cudaHostAlloc(ptr, size, 0); }
cudaError_t cudaFreeHost(void* p) {
  Log("\"ev\":\"host_free\",\"ptr\":" + Hex(p));
  std::free(p);
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, cudaMemcpyKind kind) {
  if (count != 0) std::memmove(dst, src, count);
  // Copies show where ORT put each tensor inside its arena (an initializer's H2D copy follows its
  // allocation), which region-level malloc events alone cannot.
  if (wsest_shadow::Logging()) {
    Log("\"ev\":\"memcpy\",\"kind\":" + std::to_string(static_cast<int>(kind)) + ",\"bytes\":" + std::to_string(count) +
        ",\"dst\":" + Hex(dst) + ",\"src\":" + Hex(src));
  }
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind, cudaStream_t) {
  return cudaMemcpy(dst, src, count, kind);
}
cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height,
                              cudaMemcpyKind, cudaStream_t) {
  for (size_t row = 0; row < height; ++row) {
    std::memmove(static_cast<char*>(dst) + row * dpitch, static_cast<const char*>(src) + row * spitch, width);
  }
  return cudaSuccess;
}
cudaError_t cudaMemcpyFromSymbol(void* dst, const void* symbol, size_t count, size_t offset, cudaMemcpyKind) {
  std::memcpy(dst, static_cast<const char*>(symbol) + offset, count);
  return cudaSuccess;
}
cudaError_t cudaMemset(void* p, int value, size_t count) {
  if (count != 0) std::memset(p, value, count);
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* p, int value, size_t count, cudaStream_t) { return cudaMemset(p, value, count); }

cudaError_t cudaStreamCreate(cudaStream_t* s) {
  *s = static_cast<cudaStream_t>(NewHandle());
  return cudaSuccess;
}
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned int) { return cudaStreamCreate(s); }
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  std::free(s);
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamWaitEvent(cudaStream_t, cudaEvent_t, unsigned int) { return cudaSuccess; }
cudaError_t cudaLaunchHostFunc(cudaStream_t, cudaHostFn_t fn, void* data) {
  fn(data);  // the stream is always idle: the callback's turn is now
  return cudaSuccess;
}

cudaError_t cudaEventCreate(cudaEvent_t* e) {
  *e = static_cast<cudaEvent_t>(NewHandle());
  return cudaSuccess;
}
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* e, unsigned int) { return cudaEventCreate(e); }
cudaError_t cudaEventDestroy(cudaEvent_t e) {
  std::free(e);
  return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t) { return cudaSuccess; }
cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t, cudaEvent_t) {
  *ms = 0.001f;  // no kernel runs; tuning loops that time kernels see every candidate as equal
  return cudaSuccess;
}

// CUDA graphs (enable_cuda_graph): captured work never runs, as no work ever runs.
cudaError_t cudaStreamBeginCapture(cudaStream_t, cudaStreamCaptureMode) {
  t_capturing = true;
  return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t, cudaGraph_t* graph) {
  t_capturing = false;
  *graph = static_cast<cudaGraph_t>(NewHandle());
  return cudaSuccess;
}
cudaError_t cudaStreamIsCapturing(cudaStream_t, cudaStreamCaptureStatus* status) {
  *status = t_capturing ? cudaStreamCaptureStatusActive : cudaStreamCaptureStatusNone;
  return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t, unsigned long long) {
  *exec = static_cast<cudaGraphExec_t>(NewHandle());
  return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t, cudaStream_t) { return cudaSuccess; }
cudaError_t cudaGraphDestroy(cudaGraph_t g) {
  std::free(g);
  return cudaSuccess;
}
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t g) {
  std::free(g);
  return cudaSuccess;
}

// Memory pools (ORT's CUDA mempool arena): attributes are remembered, never acted on.
cudaError_t cudaMemPoolCreate(cudaMemPool_t* pool, const cudaMemPoolProps*) {
  *pool = static_cast<cudaMemPool_t>(NewHandle());
  return cudaSuccess;
}
cudaError_t cudaMemPoolDestroy(cudaMemPool_t pool) {
  std::free(pool);
  return cudaSuccess;
}
cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t, cudaMemPoolAttr, void*) { return cudaSuccess; }
cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t, cudaMemPoolAttr, void* value) {
  std::memset(value, 0, sizeof(uint64_t));
  return cudaSuccess;
}
cudaError_t cudaMemPoolTrimTo(cudaMemPool_t, size_t) { return cudaSuccess; }

const char* cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case cudaSuccess:
      return "cudaSuccess";
    case cudaErrorInvalidValue:
      return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation:
      return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidDevice:
      return "cudaErrorInvalidDevice";
    case cudaErrorSymbolNotFound:
      return "cudaErrorSymbolNotFound";
    default:
      return "cudaErrorUnknown";
  }
}
const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess:
      return "no error";
    case cudaErrorMemoryAllocation:
      return "out of memory (shadow device)";
    default:
      return cudaGetErrorName(e);
  }
}
cudaError_t cudaGetLastError() { return cudaSuccess; }
cudaError_t cudaPeekAtLastError() { return cudaSuccess; }

// Driver entry points: the shadow driver's (driver_stub.cc), which the provider loads as a NEEDED
// library. A name without its version suffix resolves to the newest version the stub defines, as
// cuGetProcAddress resolves cuLinkCreate to cuLinkCreate_v2.
cudaError_t cudaGetDriverEntryPointByVersion(const char* symbol, void** func, unsigned int, unsigned long long,
                                             cudaDriverEntryPointQueryResult* status) {
  *func = nullptr;
  if (void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD)) {
    for (const char* suffix : {"_v3", "_v2", ""}) {
      *func = dlsym(driver, (std::string(symbol) + suffix).c_str());
      if (*func != nullptr) break;
    }
    dlclose(driver);
  }
  if (status != nullptr) *status = *func != nullptr ? cudaDriverEntryPointSuccess : cudaDriverEntryPointSymbolNotFound;
  if (*func == nullptr) {
    Log("\"ev\":\"unanswered\",\"call\":\"cudaGetDriverEntryPointByVersion\",\"symbol\":" + Quote(symbol));
    return cudaErrorSymbolNotFound;
  }
  return cudaSuccess;
}

// Kernels and their attributes.
cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attr, const void*) {
  const auto& s = wsest_shadow::Get();
  std::memset(attr, 0, sizeof(*attr));
  attr->maxThreadsPerBlock = 1024;
  attr->numRegs = 32;
  // CUB's PtxVersion reads this: the provider carries native code for every profile's architecture
  // (sm_75, 80, 86, 89, 90, 120), so the code that runs is compiled for the device's own.
  attr->ptxVersion = s.sm_major * 10 + s.sm_minor;
  attr->binaryVersion = attr->ptxVersion;
  attr->maxDynamicSharedSizeBytes = 49152;
  attr->preferredShmemCarveout = -1;
  return cudaSuccess;
}
cudaError_t cudaFuncSetAttribute(const void*, cudaFuncAttribute, int) { return cudaSuccess; }
cudaError_t cudaKernelSetAttributeForDevice(cudaKernel_t, cudaFuncAttribute, int, int) { return cudaSuccess; }

// Resident blocks per SM for a kernel of 32 registers per thread (the real register count is in the
// kernel's cubin, which only a driver reads): the smallest of the thread, block, register and shared
// memory limits. CUB's grid sizing reads it; the answer is the stub's, not a GPU's.
cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(int* blocks, const void* func, int block_size,
                                                                   size_t dynamic_smem, unsigned int) {
  const auto& s = wsest_shadow::Get();
  const ArchLimits l = LimitsFor(s.sm_major, s.sm_minor);
  const int warps = (std::max(block_size, 1) + 31) / 32;
  int n = std::min(l.blocks_per_sm, l.threads_per_sm / (warps * 32));
  n = std::min(n, 65536 / (32 * warps * 32));
  if (dynamic_smem > 0) {
    n = std::min<int>(n, static_cast<int>(l.smem_per_sm / (dynamic_smem + l.reserved_smem_per_block)));
  }
  *blocks = std::max(n, 0);
  Log("\"ev\":\"occupancy\",\"kernel\":" + Quote(KernelName(func)) + ",\"block\":" + std::to_string(block_size) +
      ",\"smem\":" + std::to_string(dynamic_smem) + ",\"blocks\":" + std::to_string(*blocks));
  return cudaSuccess;
}

cudaError_t cudaLaunchKernel(const void* func, dim3 grid, dim3 block, void**, size_t smem, cudaStream_t) {
  LogLaunch(func, grid, block, smem);
  return cudaSuccess;
}
cudaError_t cudaLaunchKernelExC(const cudaLaunchConfig_t* config, const void* func, void**) {
  LogLaunch(func, config->gridDim, config->blockDim, config->dynamicSmemBytes);
  return cudaSuccess;
}

// Libraries loaded from a cubin (context-independent loading): their kernels are named by the caller.
cudaError_t cudaLibraryLoadData(cudaLibrary_t* library, const void*, cudaJitOption*, void**, unsigned int,
                                cudaLibraryOption*, void**, unsigned int) {
  *library = static_cast<cudaLibrary_t>(NewHandle());
  return cudaSuccess;
}
cudaError_t cudaLibraryUnload(cudaLibrary_t library) {
  std::free(library);
  return cudaSuccess;
}
cudaError_t cudaLibraryGetKernel(cudaKernel_t* kernel, cudaLibrary_t, const char* name) {
  *kernel = static_cast<cudaKernel_t>(NewHandle());
  Kernels& k = TheKernels();
  std::lock_guard<std::mutex> lock(k.mu);
  k.names[*kernel] = strdup(name);
  return cudaSuccess;
}

// The registration and launch entry points nvcc's generated host code calls.
void** __cudaRegisterFatBinary(void*) { return static_cast<void**>(NewHandle()); }
void __cudaRegisterFatBinaryEnd(void**) {}
void __cudaUnregisterFatBinary(void** handle) { std::free(handle); }
void __cudaRegisterFunction(void**, const char* host_fun, char*, const char* device_name, int, uint3*, uint3*, dim3*,
                            dim3*, int*) {
  Kernels& k = TheKernels();
  std::lock_guard<std::mutex> lock(k.mu);
  k.names[host_fun] = device_name;  // the name lives in the provider's read-only data
}
void __cudaRegisterVar(void**, char*, char*, const char*, int, size_t, int, int) {}
unsigned __cudaPushCallConfiguration(dim3 grid, dim3 block, size_t smem, struct CUstream_st* stream) {
  t_configurations.push_back({grid, block, smem, stream});
  return 0;
}
cudaError_t __cudaPopCallConfiguration(dim3* grid, dim3* block, size_t* smem, void* stream) {
  if (t_configurations.empty()) return cudaErrorInvalidConfiguration;
  const CallConfiguration c = t_configurations.back();
  t_configurations.pop_back();
  *grid = c.grid;
  *block = c.block;
  *smem = c.smem;
  *static_cast<void**>(stream) = c.stream;
  return cudaSuccess;
}
cudaError_t __cudaGetKernel(cudaKernel_t* kernel, const void* host_fun) {
  *kernel = reinterpret_cast<cudaKernel_t>(const_cast<void*>(host_fun));  // the stub's address names it
  return cudaSuccess;
}
cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 grid, dim3 block, void**, size_t smem, cudaStream_t) {
  LogLaunch(kernel, grid, block, smem);
  return cudaSuccess;
}
cudaError_t __cudaLaunchKernel_ptsz(cudaKernel_t kernel, dim3 grid, dim3 block, void** args, size_t smem,
                                    cudaStream_t stream) {
  return __cudaLaunchKernel(kernel, grid, block, args, smem, stream);
}

// For the runner: the trace of a run, the settings (for its records' key), a marker in the log (run
// boundaries), and the device memory held now and at most.
void wsest_shadow_trace(const char* event) {
  TraceBuffer& t = TheTrace();
  std::lock_guard<std::mutex> lock(t.mu);
  if (t.recording) t.events.emplace_back(event);
}
void wsest_shadow_trace_begin() {
  TraceBuffer& t = TheTrace();
  std::lock_guard<std::mutex> lock(t.mu);
  t.events.clear();
  t.recording = true;
}
void wsest_shadow_trace_end() {
  TraceBuffer& t = TheTrace();
  std::lock_guard<std::mutex> lock(t.mu);
  t.recording = false;
}
size_t wsest_shadow_trace_count() {
  TraceBuffer& t = TheTrace();
  std::lock_guard<std::mutex> lock(t.mu);
  return t.events.size();
}
const char* wsest_shadow_trace_at(size_t i) {
  TraceBuffer& t = TheTrace();
  std::lock_guard<std::mutex> lock(t.mu);
  return i < t.events.size() ? t.events[i].c_str() : "";
}
const char* wsest_shadow_settings() {
  static const std::string json = [] {
    const auto& s = wsest_shadow::Get();
    return "{\"device\":" + Quote(s.device_id.c_str()) + ",\"name\":" + Quote(s.device_name.c_str()) +
           ",\"cudnn\":" + std::to_string(s.cudnn_version) +
           ",\"cuda_runtime\":" + std::to_string(s.cuda_runtime_version) +
           ",\"cuda_driver\":" + std::to_string(s.cuda_driver_version) +
           ",\"cublas\":" + std::to_string(s.cublas_version) +
           ",\"library_workspace\":" + std::to_string(s.library_workspace) + "}";
  }();
  return json.c_str();
}
void wsest_shadow_mark(const char* label) { Log("\"ev\":\"mark\",\"label\":" + Quote(label)); }
uint64_t wsest_shadow_used_bytes() {
  Memory& m = Mem();
  std::lock_guard<std::mutex> lock(m.mu);
  return m.used;
}
uint64_t wsest_shadow_peak_bytes() {
  Memory& m = Mem();
  std::lock_guard<std::mutex> lock(m.mu);
  return m.peak;
}
void wsest_shadow_reset_peak() {
  Memory& m = Mem();
  std::lock_guard<std::mutex> lock(m.mu);
  m.peak = m.used;
}

}  // extern "C"
