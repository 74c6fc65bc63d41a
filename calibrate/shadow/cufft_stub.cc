// libcufft.so.12 for the shadow device (calibrate/shadow/shadow.h): the cuFFT functions the ORT
// 1.29.0 CUDA provider looks up for Rfft/Irfft. Plans are handles; a plan's work area, which cuFFT
// allocates itself outside ORT's allocators, is reported as WSEST_SHADOW_LIBRARY_WORKSPACE and never
// allocated. Executions do nothing.
#include <cufftXt.h>

#include <atomic>
#include <string>

#include "calibrate/shadow/shadow.h"

namespace {
std::atomic<int> g_next_plan{1};
}

extern "C" {

cufftResult cufftCreate(cufftHandle* plan) {
  *plan = g_next_plan++;
  return CUFFT_SUCCESS;
}
cufftResult cufftDestroy(cufftHandle) { return CUFFT_SUCCESS; }
cufftResult cufftSetStream(cufftHandle, cudaStream_t) { return CUFFT_SUCCESS; }
cufftResult cufftGetVersion(int* version) {
  *version = 12000;
  return CUFFT_SUCCESS;
}
cufftResult cufftXtMakePlanMany(cufftHandle, int rank, long long int*, long long int*, long long int, long long int,
                                cudaDataType, long long int*, long long int, long long int, cudaDataType,
                                long long int batch, size_t* work_size, cudaDataType) {
  *work_size = wsest_shadow::Get().library_workspace;
  wsest_shadow::Log("cufft", "\"ev\":\"plan\",\"rank\":" + std::to_string(rank) + ",\"batch\":" +
                                 std::to_string(batch) + ",\"work_size\":" + std::to_string(*work_size));
  return CUFFT_SUCCESS;
}
cufftResult cufftXtExec(cufftHandle, void*, void*, int) {
  wsest_shadow::Trace("cufftXtExec");
  return CUFFT_SUCCESS;
}

}  // extern "C"
