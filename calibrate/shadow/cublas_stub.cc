// libcublas.so.13 for the shadow device (calibrate/shadow/shadow.h): the cuBLAS functions the ORT
// 1.29.0 CUDA provider imports. Handles are remembered; GEMMs and the other routines compute
// nothing and log their shape. cuBLAS's own workspace lives inside cuBLAS, outside ORT's allocators,
// so the stub allocates none: what cuBLAS takes on a GPU is a GPU record's to say.
#include <cublas_api.h>

#include <cstdlib>
#include <string>

#include "calibrate/shadow/shadow.h"

namespace {

struct Handle {
  cublasMath_t math = CUBLAS_DEFAULT_MATH;
};

void LogGemm(const char* call, int m, int n, int k, int batch) {
  wsest_shadow::Trace(call);
  if (!wsest_shadow::Logging()) return;
  wsest_shadow::Log("cublas", "\"ev\":\"call\",\"call\":\"" + std::string(call) + "\",\"m\":" + std::to_string(m) +
                                  ",\"n\":" + std::to_string(n) + ",\"k\":" + std::to_string(k) +
                                  ",\"batch\":" + std::to_string(batch));
}

}  // namespace

extern "C" {

cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
  *handle = reinterpret_cast<cublasHandle_t>(new Handle());
  wsest_shadow::Log("cublas", "\"ev\":\"create\"");
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
  delete reinterpret_cast<Handle*>(handle);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSetStream_v2(cublasHandle_t, cudaStream_t) { return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
  reinterpret_cast<Handle*>(handle)->math = mode;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t* mode) {
  *mode = reinterpret_cast<Handle*>(handle)->math;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value) {
  const int v = wsest_shadow::Get().cublas_version;
  *value = type == MAJOR_VERSION ? v / 10000 : type == MINOR_VERSION ? v / 100 % 100 : v % 100;
  return CUBLAS_STATUS_SUCCESS;
}
const char* cublasGetStatusName(cublasStatus_t status) {
  return status == CUBLAS_STATUS_SUCCESS ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INTERNAL_ERROR";
}
const char* cublasGetStatusString(cublasStatus_t status) {
  return status == CUBLAS_STATUS_SUCCESS ? "success" : "internal error (shadow device)";
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k, const float*,
                              const float*, int, const float*, int, const float*, float*, int) {
  LogGemm("cublasSgemm", m, n, k, 1);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgemm_v2(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k, const double*,
                              const double*, int, const double*, int, const double*, double*, int) {
  LogGemm("cublasDgemm", m, n, k, 1);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSgemmBatched(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k,
                                  const float*, const float* const[], int, const float* const[], int, const float*,
                                  float* const[], int, int batch) {
  LogGemm("cublasSgemmBatched", m, n, k, batch);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgemmBatched(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k,
                                  const double*, const double* const[], int, const double* const[], int, const double*,
                                  double* const[], int, int batch) {
  LogGemm("cublasDgemmBatched", m, n, k, batch);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k,
                                         const float*, const float*, int, long long, const float*, int, long long,
                                         const float*, float*, int, long long, int batch) {
  LogGemm("cublasSgemmStridedBatched", m, n, k, batch);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k,
                                         const double*, const double*, int, long long, const double*, int, long long,
                                         const double*, double*, int, long long, int batch) {
  LogGemm("cublasDgemmStridedBatched", m, n, k, batch);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGemmEx(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k, const void*,
                            const void*, cudaDataType, int, const void*, cudaDataType, int, const void*, void*,
                            cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t) {
  LogGemm("cublasGemmEx", m, n, k, 1);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGemmBatchedEx(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k,
                                   const void*, const void* const[], cudaDataType, int, const void* const[],
                                   cudaDataType, int, const void*, void* const[], cudaDataType, int, int batch,
                                   cublasComputeType_t, cublasGemmAlgo_t) {
  LogGemm("cublasGemmBatchedEx", m, n, k, batch);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, int k,
                                          const void*, const void*, cudaDataType, int, long long, const void*,
                                          cudaDataType, int, long long, const void*, void*, cudaDataType, int,
                                          long long, int batch, cublasComputeType_t, cublasGemmAlgo_t) {
  LogGemm("cublasGemmStridedBatchedEx", m, n, k, batch);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSgeam(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, const float*,
                           const float*, int, const float*, const float*, int, float*, int) {
  LogGemm("cublasSgeam", m, n, 0, 1);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgeam(cublasHandle_t, cublasOperation_t, cublasOperation_t, int m, int n, const double*,
                           const double*, int, const double*, const double*, int, double*, int) {
  LogGemm("cublasDgeam", m, n, 0, 1);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasScopy_v2(cublasHandle_t, int, const float*, int, float*, int) { return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t cublasDcopy_v2(cublasHandle_t, int, const double*, int, double*, int) { return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t cublasSscal_v2(cublasHandle_t, int, const float*, float*, int) { return CUBLAS_STATUS_SUCCESS; }
cublasStatus_t cublasSgetrfBatched(cublasHandle_t, int, float* const[], int, int*, int*, int) {
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgetrfBatched(cublasHandle_t, int, double* const[], int, int*, int*, int) {
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasSgetriBatched(cublasHandle_t, int, const float* const[], int, const int*, float* const[], int,
                                   int*, int) {
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasDgetriBatched(cublasHandle_t, int, const double* const[], int, const int*, double* const[], int,
                                   int*, int) {
  return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"
