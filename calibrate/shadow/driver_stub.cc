// libcuda.so.1 for the shadow device (calibrate/shadow/shadow.h): the driver functions the ORT 1.29.0
// CUDA provider reaches through cudaGetDriverEntryPointByVersion (`strings` of the provider lists
// them): modules loaded from cubins (the TensorRT fused attention kernels), JIT links, launches of
// their functions and tensor maps. Modules and functions are names only; launches log that name.
// Device attributes are the runtime stub's: CUdevice_attribute and cudaDeviceAttr share their values
// (cuda.h and driver_types.h).
#include <cuda.h>
#include <cuda_runtime_api.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "calibrate/shadow/shadow.h"

namespace {

struct Function {
  std::string name;
};

void LogLaunch(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
               unsigned smem) {
  wsest_shadow::Trace("launch " + reinterpret_cast<Function*>(f)->name);
  if (!wsest_shadow::Logging()) return;
  wsest_shadow::Log(
      "cuda", "\"ev\":\"launch\",\"kernel\":" + wsest_shadow::Quote(reinterpret_cast<Function*>(f)->name.c_str()) +
                  ",\"grid\":[" + std::to_string(gx) + "," + std::to_string(gy) + "," + std::to_string(gz) +
                  "],\"block\":[" + std::to_string(bx) + "," + std::to_string(by) + "," + std::to_string(bz) +
                  "],\"smem\":" + std::to_string(smem));
}

}  // namespace

extern "C" {

CUresult cuInit(unsigned int) { return CUDA_SUCCESS; }
// wsest's own live loader (src/live_loader.cc) asks the driver for a device before it opens the
// live module: the runtime stub's count.
CUresult cuDeviceGetCount(int* count) {
  return cudaGetDeviceCount(count) == cudaSuccess ? CUDA_SUCCESS : CUDA_ERROR_NO_DEVICE;
}
CUresult cuDriverGetVersion(int* version) {
  *version = wsest_shadow::Get().cuda_driver_version;
  return CUDA_SUCCESS;
}
CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attr, CUdevice device) {
  return cudaDeviceGetAttribute(value, static_cast<cudaDeviceAttr>(attr), device) == cudaSuccess
             ? CUDA_SUCCESS
             : CUDA_ERROR_INVALID_DEVICE;
}
CUresult cuGetErrorName(CUresult error, const char** name) {
  *name = error == CUDA_SUCCESS ? "CUDA_SUCCESS" : "CUDA_ERROR_NOT_SUPPORTED";
  return CUDA_SUCCESS;
}

CUresult cuModuleLoadData(CUmodule* module, const void*) {
  *module = reinterpret_cast<CUmodule>(new char[16]);
  return CUDA_SUCCESS;
}
CUresult cuModuleUnload(CUmodule module) {
  delete[] reinterpret_cast<char*>(module);
  return CUDA_SUCCESS;
}
CUresult cuModuleGetFunction(CUfunction* f, CUmodule, const char* name) {
  *f = reinterpret_cast<CUfunction>(new Function{name});
  return CUDA_SUCCESS;
}
CUresult cuFuncSetAttribute(CUfunction, CUfunction_attribute, int) { return CUDA_SUCCESS; }
CUresult cuFuncSetCacheConfig(CUfunction, CUfunc_cache) { return CUDA_SUCCESS; }
CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned smem, CUstream, void**, void**) {
  LogLaunch(f, gx, gy, gz, bx, by, bz, smem);
  return CUDA_SUCCESS;
}
CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                                   unsigned bz, unsigned smem, CUstream, void**) {
  LogLaunch(f, gx, gy, gz, bx, by, bz, smem);
  return CUDA_SUCCESS;
}

// JIT linking: the linked image is a few placeholder bytes, loadable by cuModuleLoadData above.
CUresult cuLinkCreate(unsigned int, CUjit_option*, void**, CUlinkState* state) {
  *state = reinterpret_cast<CUlinkState>(new char[16]);
  return CUDA_SUCCESS;
}
CUresult cuLinkAddData(CUlinkState, CUjitInputType, void*, size_t, const char*, unsigned int, CUjit_option*, void**) {
  return CUDA_SUCCESS;
}
CUresult cuLinkAddFile(CUlinkState, CUjitInputType, const char*, unsigned int, CUjit_option*, void**) {
  return CUDA_SUCCESS;
}
CUresult cuLinkComplete(CUlinkState state, void** cubin, size_t* size) {
  *cubin = state;
  *size = 16;
  return CUDA_SUCCESS;
}
CUresult cuLinkDestroy(CUlinkState state) {
  delete[] reinterpret_cast<char*>(state);
  return CUDA_SUCCESS;
}

CUresult cuTensorMapEncodeTiled(CUtensorMap* map, CUtensorMapDataType, cuuint32_t, void*, const cuuint64_t*,
                                const cuuint64_t*, const cuuint32_t*, const cuuint32_t*, CUtensorMapInterleave,
                                CUtensorMapSwizzle, CUtensorMapL2promotion, CUtensorMapFloatOOBfill) {
  std::memset(map, 0, sizeof(*map));
  return CUDA_SUCCESS;
}

}  // extern "C"
