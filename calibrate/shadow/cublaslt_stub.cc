// libcublasLt.so.13 for the shadow device (calibrate/shadow/shadow.h): the cuBLASLt functions the
// ORT 1.29.0 CUDA provider imports. The algorithm heuristic returns one algorithm whose workspace is
// WSEST_SHADOW_LIBRARY_WORKSPACE, capped by the caller's CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES
// (cuBLASLt API reference, cublasLtMatmulAlgoGetHeuristic: a result never needs more workspace than
// the preference allows); the size is the stub's, what ORT does with it is the binary's.
#include <cublasLt.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "calibrate/shadow/shadow.h"

namespace {

// The opaque preference: only the workspace cap is read back.
struct Preference {
  uint64_t max_workspace = 0;
};

}  // namespace

extern "C" {

size_t cublasLtGetVersion() { return static_cast<size_t>(wsest_shadow::Get().cublas_version); }

cublasStatus_t cublasLtCreate(cublasLtHandle_t* handle) {
  *handle = reinterpret_cast<cublasLtHandle_t>(new char[16]);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtDestroy(cublasLtHandle_t handle) {
  delete[] reinterpret_cast<char*>(handle);
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatmulDescCreate(cublasLtMatmulDesc_t* desc, cublasComputeType_t, cudaDataType_t) {
  *desc = new cublasLtMatmulDescOpaque_t();
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmulDescDestroy(cublasLtMatmulDesc_t desc) {
  delete desc;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmulDescSetAttribute(cublasLtMatmulDesc_t, cublasLtMatmulDescAttributes_t, const void*,
                                              size_t) {
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatrixLayoutCreate(cublasLtMatrixLayout_t* layout, cudaDataType, uint64_t, uint64_t, int64_t) {
  *layout = new cublasLtMatrixLayoutOpaque_t();
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatrixLayoutDestroy(cublasLtMatrixLayout_t layout) {
  delete layout;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatrixLayoutSetAttribute(cublasLtMatrixLayout_t, cublasLtMatrixLayoutAttribute_t, const void*,
                                                size_t) {
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatmulPreferenceCreate(cublasLtMatmulPreference_t* pref) {
  *pref = reinterpret_cast<cublasLtMatmulPreference_t>(new Preference());
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmulPreferenceDestroy(cublasLtMatmulPreference_t pref) {
  delete reinterpret_cast<Preference*>(pref);
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmulPreferenceSetAttribute(cublasLtMatmulPreference_t pref,
                                                    cublasLtMatmulPreferenceAttributes_t attr, const void* buf,
                                                    size_t size) {
  if (attr == CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES && size == sizeof(uint64_t)) {
    std::memcpy(&reinterpret_cast<Preference*>(pref)->max_workspace, buf, sizeof(uint64_t));
  }
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatmulAlgoGetHeuristic(cublasLtHandle_t, cublasLtMatmulDesc_t, cublasLtMatrixLayout_t,
                                              cublasLtMatrixLayout_t, cublasLtMatrixLayout_t, cublasLtMatrixLayout_t,
                                              cublasLtMatmulPreference_t pref, int requested,
                                              cublasLtMatmulHeuristicResult_t results[], int* returned) {
  const uint64_t cap = reinterpret_cast<Preference*>(pref)->max_workspace;
  const uint64_t workspace = std::min<uint64_t>(wsest_shadow::Get().library_workspace, cap);
  *returned = requested > 0 ? 1 : 0;
  if (requested > 0) {
    std::memset(&results[0], 0, sizeof(results[0]));
    results[0].workspaceSize = workspace;
    results[0].state = CUBLAS_STATUS_SUCCESS;
    results[0].wavesCount = 1.0f;
  }
  wsest_shadow::Log("cublaslt", "\"ev\":\"heuristic\",\"max_workspace\":" + std::to_string(cap) +
                                    ",\"workspace\":" + std::to_string(workspace));
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmulAlgoInit(cublasLtHandle_t, cublasComputeType_t, cudaDataType_t, cudaDataType_t,
                                      cudaDataType_t, cudaDataType_t, cudaDataType_t, int, cublasLtMatmulAlgo_t* algo) {
  std::memset(algo, 0, sizeof(*algo));
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmulAlgoConfigSetAttribute(cublasLtMatmulAlgo_t*, cublasLtMatmulAlgoConfigAttributes_t,
                                                    const void*, size_t) {
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatmul(cublasLtHandle_t, cublasLtMatmulDesc_t, const void*, const void*, cublasLtMatrixLayout_t,
                              const void*, cublasLtMatrixLayout_t, const void*, const void*, cublasLtMatrixLayout_t,
                              void*, cublasLtMatrixLayout_t, const cublasLtMatmulAlgo_t*, void*, size_t workspace_bytes,
                              cudaStream_t) {
  wsest_shadow::Trace("cublasLtMatmul");
  wsest_shadow::Log("cublaslt",
                    "\"ev\":\"call\",\"call\":\"cublasLtMatmul\",\"workspace\":" + std::to_string(workspace_bytes));
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasLtMatrixTransformDescCreate(cublasLtMatrixTransformDesc_t* desc, cudaDataType) {
  *desc = new cublasLtMatrixTransformDescOpaque_t();
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatrixTransformDescDestroy(cublasLtMatrixTransformDesc_t desc) {
  delete desc;
  return CUBLAS_STATUS_SUCCESS;
}
cublasStatus_t cublasLtMatrixTransform(cublasLtHandle_t, cublasLtMatrixTransformDesc_t, const void*, const void*,
                                       cublasLtMatrixLayout_t, const void*, const void*, cublasLtMatrixLayout_t, void*,
                                       cublasLtMatrixLayout_t, cudaStream_t) {
  return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"
