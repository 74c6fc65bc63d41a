// libcudnn.so.9 for the shadow device (calibrate/shadow/shadow.h), legacy API part: the functions the
// ORT 1.29.0 CUDA provider looks up by name (`strings libonnxruntime_providers_cuda.so | grep ^cudnn`).
// Descriptors keep what is set on them; compute calls do nothing and log; every size cuDNN decides
// (convolution, reduction and RNN workspaces, dropout states) is WSEST_SHADOW_LIBRARY_WORKSPACE. The
// backend (graph) API is in cudnn_backend_stub.cc.
//
// Prototypes come from cuDNN's own headers. The RNN weight layout follows the cuDNN API reference,
// cudnnGetRNNWeightParams: per pseudo-layer, linLayerID 0..n/2-1 multiply the layer's input
// (inputSize columns in layer 0, hiddenSize * directions above) and n/2..n-1 the recurrent state
// (projSize columns); each matrix has hiddenSize rows and each bias hiddenSize elements; n is 8 for
// LSTM, 6 for GRU, 2 for plain RNNs.
#include <cudnn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "calibrate/shadow/shadow.h"

struct cudnnTensorStruct {
  cudnnDataType_t dtype = CUDNN_DATA_FLOAT;
  int rank = 0;
  int dims[CUDNN_DIM_MAX] = {};
  int strides[CUDNN_DIM_MAX] = {};
};
struct cudnnRNNStruct {
  cudnnRNNMode_t cell = CUDNN_LSTM;
  cudnnRNNBiasMode_t bias = CUDNN_RNN_DOUBLE_BIAS;
  cudnnDirectionMode_t direction = CUDNN_UNIDIRECTIONAL;
  cudnnDataType_t dtype = CUDNN_DATA_FLOAT;
  int input_size = 0, hidden_size = 0, proj_size = 0, layers = 0;
};

namespace {

void Log(const std::string& fields) { wsest_shadow::Log("cudnn", fields); }
uint64_t LibraryWorkspace() { return wsest_shadow::Get().library_workspace; }

size_t DataTypeBytes(cudnnDataType_t t) {
  switch (t) {
    case CUDNN_DATA_DOUBLE:
    case CUDNN_DATA_INT64:
      return 8;
    case CUDNN_DATA_HALF:
    case CUDNN_DATA_BFLOAT16:
      return 2;
    case CUDNN_DATA_INT8:
    case CUDNN_DATA_UINT8:
    case CUDNN_DATA_BOOLEAN:
      return 1;
    default:
      return 4;
  }
}

// A descriptor the stub only needs to exist.
template <typename T>
cudnnStatus_t CreateOpaque(T* desc) {
  *desc = reinterpret_cast<T>(new char[16]);
  return CUDNN_STATUS_SUCCESS;
}
template <typename T>
cudnnStatus_t DestroyOpaque(T desc) {
  delete[] reinterpret_cast<char*>(desc);
  return CUDNN_STATUS_SUCCESS;
}

void LogCall(const char* call, uint64_t workspace) {
  wsest_shadow::Trace(call);
  Log("\"ev\":\"call\",\"call\":\"" + std::string(call) + "\",\"workspace\":" + std::to_string(workspace));
}

}  // namespace

extern "C" {

size_t cudnnGetVersion() { return static_cast<size_t>(wsest_shadow::Get().cudnn_version); }
const char* cudnnGetErrorString(cudnnStatus_t status) {
  return status == CUDNN_STATUS_SUCCESS ? "CUDNN_STATUS_SUCCESS" : "CUDNN_STATUS_NOT_SUPPORTED (shadow device)";
}
void cudnnGetLastErrorString(char* message, size_t max_size) {
  if (max_size > 0) message[0] = '\0';
}

cudnnStatus_t cudnnCreate(cudnnHandle_t* handle) {
  Log("\"ev\":\"create\"");
  return CreateOpaque(handle);
}
cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) { return DestroyOpaque(handle); }
cudnnStatus_t cudnnSetStream(cudnnHandle_t, cudaStream_t) { return CUDNN_STATUS_SUCCESS; }
cudnnStatus_t cudnnGetStream(cudnnHandle_t, cudaStream_t* stream) {
  *stream = nullptr;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* desc) {
  *desc = new cudnnTensorStruct();
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t desc, cudnnDataType_t dtype, int rank,
                                         const int dims[], const int strides[]) {
  if (rank < 0 || rank > CUDNN_DIM_MAX) return CUDNN_STATUS_BAD_PARAM;
  desc->dtype = dtype;
  desc->rank = rank;
  for (int i = 0; i < rank; ++i) {
    desc->dims[i] = dims[i];
    desc->strides[i] = strides[i];
  }
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetTensorNdDescriptor(const cudnnTensorDescriptor_t desc, int requested, cudnnDataType_t* dtype,
                                         int* rank, int dims[], int strides[]) {
  *dtype = desc->dtype;
  *rank = desc->rank;
  for (int i = 0; i < std::min(requested, desc->rank); ++i) {
    dims[i] = desc->dims[i];
    strides[i] = desc->strides[i];
  }
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDeriveBNTensorDescriptor(cudnnTensorDescriptor_t derived, const cudnnTensorDescriptor_t x,
                                            cudnnBatchNormMode_t) {
  *derived = *x;
  derived->dims[0] = 1;
  for (int i = 2; i < x->rank; ++i) derived->dims[i] = 1;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetFilterNdDescriptor(cudnnFilterDescriptor_t, cudnnDataType_t, cudnnTensorFormat_t, int,
                                         const int[]) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetConvolutionNdDescriptor(cudnnConvolutionDescriptor_t, int, const int[], const int[], const int[],
                                              cudnnConvolutionMode_t, cudnnDataType_t) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t, int) { return CUDNN_STATUS_SUCCESS; }
cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t, cudnnMathType_t) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateActivationDescriptor(cudnnActivationDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyActivationDescriptor(cudnnActivationDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetActivationDescriptor(cudnnActivationDescriptor_t, cudnnActivationMode_t, cudnnNanPropagation_t,
                                           double) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreatePoolingDescriptor(cudnnPoolingDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyPoolingDescriptor(cudnnPoolingDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetPoolingNdDescriptor(cudnnPoolingDescriptor_t, const cudnnPoolingMode_t,
                                          const cudnnNanPropagation_t, int, const int[], const int[], const int[]) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateLRNDescriptor(cudnnLRNDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyLRNDescriptor(cudnnLRNDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetLRNDescriptor(cudnnLRNDescriptor_t, unsigned, double, double, double) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateReduceTensorDescriptor(cudnnReduceTensorDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyReduceTensorDescriptor(cudnnReduceTensorDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetReduceTensorDescriptor(cudnnReduceTensorDescriptor_t, cudnnReduceTensorOp_t, cudnnDataType_t,
                                             cudnnNanPropagation_t, cudnnReduceTensorIndices_t, cudnnIndicesType_t) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateDropoutDescriptor(cudnnDropoutDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyDropoutDescriptor(cudnnDropoutDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetDropoutDescriptor(cudnnDropoutDescriptor_t, cudnnHandle_t, float, void*, size_t,
                                        unsigned long long) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDropoutGetStatesSize(cudnnHandle_t, size_t* bytes) {
  *bytes = LibraryWorkspace();
  LogCall("cudnnDropoutGetStatesSize", *bytes);
  return CUDNN_STATUS_SUCCESS;
}

// Convolution (legacy API): one algorithm, IMPLICIT_PRECOMP_GEMM, needing the library workspace.
cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t, const cudnnTensorDescriptor_t,
                                                      const cudnnFilterDescriptor_t, const cudnnConvolutionDescriptor_t,
                                                      const cudnnTensorDescriptor_t, cudnnConvolutionFwdAlgo_t,
                                                      size_t* bytes) {
  *bytes = LibraryWorkspace();
  LogCall("cudnnGetConvolutionForwardWorkspaceSize", *bytes);
  return CUDNN_STATUS_SUCCESS;
}
static void OneAlgorithm(cudnnConvolutionFwdAlgoPerf_t* perf, size_t memory) {
  std::memset(perf, 0, sizeof(*perf));
  perf->algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
  perf->status = CUDNN_STATUS_SUCCESS;
  perf->time = 0.001f;
  perf->memory = memory;
  perf->determinism = CUDNN_DETERMINISTIC;
  perf->mathType = CUDNN_DEFAULT_MATH;
}
cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t, const cudnnTensorDescriptor_t,
                                                     const cudnnFilterDescriptor_t, const cudnnConvolutionDescriptor_t,
                                                     const cudnnTensorDescriptor_t, const int requested, int* returned,
                                                     cudnnConvolutionFwdAlgoPerf_t* perf) {
  *returned = requested > 0 ? 1 : 0;
  if (requested > 0) OneAlgorithm(perf, LibraryWorkspace());
  LogCall("cudnnGetConvolutionForwardAlgorithm_v7", LibraryWorkspace());
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle_t, const cudnnTensorDescriptor_t, const void*,
                                                     const cudnnFilterDescriptor_t, const void*,
                                                     const cudnnConvolutionDescriptor_t, const cudnnTensorDescriptor_t,
                                                     void*, const int requested, int* returned,
                                                     cudnnConvolutionFwdAlgoPerf_t* perf, void*,
                                                     size_t search_workspace) {
  const uint64_t memory = std::min<uint64_t>(LibraryWorkspace(), search_workspace);
  *returned = requested > 0 ? 1 : 0;
  if (requested > 0) OneAlgorithm(perf, memory);
  Log("\"ev\":\"call\",\"call\":\"cudnnFindConvolutionForwardAlgorithmEx\",\"search_workspace\":" +
      std::to_string(search_workspace) + ",\"workspace\":" + std::to_string(memory));
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t, const void*, const cudnnTensorDescriptor_t, const void*,
                                      const cudnnFilterDescriptor_t, const void*, const cudnnConvolutionDescriptor_t,
                                      cudnnConvolutionFwdAlgo_t, void*, size_t workspace, const void*,
                                      const cudnnTensorDescriptor_t, void*) {
  LogCall("cudnnConvolutionForward", workspace);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnConvolutionBiasActivationForward(cudnnHandle_t, const void*, const cudnnTensorDescriptor_t,
                                                    const void*, const cudnnFilterDescriptor_t, const void*,
                                                    const cudnnConvolutionDescriptor_t, cudnnConvolutionFwdAlgo_t,
                                                    void*, size_t workspace, const void*, const cudnnTensorDescriptor_t,
                                                    const void*, const cudnnTensorDescriptor_t, const void*,
                                                    const cudnnActivationDescriptor_t, const cudnnTensorDescriptor_t,
                                                    void*) {
  LogCall("cudnnConvolutionBiasActivationForward", workspace);
  return CUDNN_STATUS_SUCCESS;
}

// Reductions.
cudnnStatus_t cudnnGetReductionWorkspaceSize(cudnnHandle_t, const cudnnReduceTensorDescriptor_t,
                                             const cudnnTensorDescriptor_t, const cudnnTensorDescriptor_t,
                                             size_t* bytes) {
  *bytes = LibraryWorkspace();
  LogCall("cudnnGetReductionWorkspaceSize", *bytes);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetReductionIndicesSize(cudnnHandle_t, const cudnnReduceTensorDescriptor_t,
                                           const cudnnTensorDescriptor_t, const cudnnTensorDescriptor_t,
                                           size_t* bytes) {
  *bytes = LibraryWorkspace();
  LogCall("cudnnGetReductionIndicesSize", *bytes);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnReduceTensor(cudnnHandle_t, const cudnnReduceTensorDescriptor_t, void*, size_t, void*,
                                size_t workspace, const void*, const cudnnTensorDescriptor_t, const void*, const void*,
                                const cudnnTensorDescriptor_t, void*) {
  LogCall("cudnnReduceTensor", workspace);
  return CUDNN_STATUS_SUCCESS;
}

// Other compute calls: nothing to size.
cudnnStatus_t cudnnActivationForward(cudnnHandle_t, cudnnActivationDescriptor_t, const void*,
                                     const cudnnTensorDescriptor_t, const void*, const void*,
                                     const cudnnTensorDescriptor_t, void*) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnAddTensor(cudnnHandle_t, const void*, const cudnnTensorDescriptor_t, const void*, const void*,
                             const cudnnTensorDescriptor_t, void*) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnBatchNormalizationForwardInference(cudnnHandle_t, cudnnBatchNormMode_t, const void*, const void*,
                                                      const cudnnTensorDescriptor_t, const void*,
                                                      const cudnnTensorDescriptor_t, void*,
                                                      const cudnnTensorDescriptor_t, const void*, const void*,
                                                      const void*, const void*, double) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnBatchNormalizationForwardTraining(cudnnHandle_t, cudnnBatchNormMode_t, const void*, const void*,
                                                     const cudnnTensorDescriptor_t, const void*,
                                                     const cudnnTensorDescriptor_t, void*,
                                                     const cudnnTensorDescriptor_t, const void*, const void*, double,
                                                     void*, void*, double, void*, void*) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnLRNCrossChannelForward(cudnnHandle_t, cudnnLRNDescriptor_t, cudnnLRNMode_t, const void*,
                                          const cudnnTensorDescriptor_t, const void*, const void*,
                                          const cudnnTensorDescriptor_t, void*) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnPoolingForward(cudnnHandle_t, const cudnnPoolingDescriptor_t, const void*,
                                  const cudnnTensorDescriptor_t, const void*, const void*,
                                  const cudnnTensorDescriptor_t, void*) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSoftmaxForward(cudnnHandle_t, cudnnSoftmaxAlgorithm_t, cudnnSoftmaxMode_t, const void*,
                                  const cudnnTensorDescriptor_t, const void*, const void*,
                                  const cudnnTensorDescriptor_t, void*) {
  return CUDNN_STATUS_SUCCESS;
}

// RNNs.
cudnnStatus_t cudnnCreateRNNDescriptor(cudnnRNNDescriptor_t* desc) {
  *desc = new cudnnRNNStruct();
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDestroyRNNDescriptor(cudnnRNNDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetRNNDescriptor_v8(cudnnRNNDescriptor_t desc, cudnnRNNAlgo_t, cudnnRNNMode_t cell,
                                       cudnnRNNBiasMode_t bias, cudnnDirectionMode_t direction, cudnnRNNInputMode_t,
                                       cudnnDataType_t dtype, cudnnDataType_t, cudnnMathType_t, int32_t input_size,
                                       int32_t hidden_size, int32_t proj_size, int32_t layers, cudnnDropoutDescriptor_t,
                                       uint32_t) {
  desc->cell = cell;
  desc->bias = bias;
  desc->direction = direction;
  desc->dtype = dtype;
  desc->input_size = input_size;
  desc->hidden_size = hidden_size;
  desc->proj_size = proj_size;
  desc->layers = layers;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnCreateRNNDataDescriptor(cudnnRNNDataDescriptor_t* d) { return CreateOpaque(d); }
cudnnStatus_t cudnnDestroyRNNDataDescriptor(cudnnRNNDataDescriptor_t d) { return DestroyOpaque(d); }
cudnnStatus_t cudnnSetRNNDataDescriptor(cudnnRNNDataDescriptor_t, cudnnDataType_t, cudnnRNNDataLayout_t, int, int, int,
                                        const int[], void*) {
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetRNNTempSpaceSizes(cudnnHandle_t, cudnnRNNDescriptor_t, cudnnForwardMode_t mode,
                                        cudnnRNNDataDescriptor_t, size_t* workspace, size_t* reserve) {
  *workspace = LibraryWorkspace();
  if (reserve != nullptr) *reserve = mode == CUDNN_FWD_MODE_TRAINING ? LibraryWorkspace() : 0;
  LogCall("cudnnGetRNNTempSpaceSizes", *workspace);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetRNNWeightParams(cudnnHandle_t, cudnnRNNDescriptor_t rnn, int32_t pseudo_layer,
                                      size_t weight_space_size, const void* weight_space, int32_t lin_layer,
                                      cudnnTensorDescriptor_t m_desc, void** m_addr, cudnnTensorDescriptor_t b_desc,
                                      void** b_addr) {
  const int per_layer = rnn->cell == CUDNN_LSTM ? 8 : rnn->cell == CUDNN_GRU ? 6 : 2;
  const int directions = rnn->direction == CUDNN_BIDIRECTIONAL ? 2 : 1;
  if (lin_layer < 0 || lin_layer >= per_layer || pseudo_layer < 0 || pseudo_layer >= rnn->layers * directions) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  const int64_t hidden = rnn->hidden_size;
  const int64_t proj = rnn->proj_size > 0 ? rnn->proj_size : hidden;
  const int64_t below = pseudo_layer < directions ? rnn->input_size : proj * directions;
  const bool has_bias = rnn->bias != CUDNN_RNN_NO_BIAS;
  const int64_t elem = static_cast<int64_t>(DataTypeBytes(rnn->dtype));
  // Packed in order: every pseudo-layer's matrices, then its biases; pseudo-layers one after another.
  auto layer_bytes = [&](int p) {
    const int64_t in = p < directions ? rnn->input_size : proj * directions;
    return elem * (per_layer / 2 * hidden * in + per_layer / 2 * hidden * proj + (has_bias ? per_layer * hidden : 0));
  };
  int64_t offset = 0;
  for (int p = 0; p < pseudo_layer; ++p) offset += layer_bytes(p);
  const int64_t columns = lin_layer < per_layer / 2 ? below : proj;
  int64_t matrix_offset = offset;
  for (int l = 0; l < lin_layer; ++l) matrix_offset += elem * hidden * (l < per_layer / 2 ? below : proj);
  const int64_t bias_offset =
      offset + layer_bytes(pseudo_layer) - (has_bias ? elem * per_layer * hidden : 0) + elem * hidden * lin_layer;
  if (offset + layer_bytes(pseudo_layer) > static_cast<int64_t>(weight_space_size)) return CUDNN_STATUS_BAD_PARAM;
  char* base = static_cast<char*>(const_cast<void*>(weight_space));
  if (m_desc != nullptr) {
    const int dims[3] = {1, static_cast<int>(hidden), static_cast<int>(columns)};
    const int strides[3] = {static_cast<int>(hidden * columns), static_cast<int>(columns), 1};
    cudnnSetTensorNdDescriptor(m_desc, rnn->dtype, 3, dims, strides);
  }
  if (m_addr != nullptr) *m_addr = base + matrix_offset;
  if (b_desc != nullptr) {
    const int dims[3] = {1, static_cast<int>(hidden), 1};
    const int strides[3] = {static_cast<int>(hidden), 1, 1};
    if (has_bias) cudnnSetTensorNdDescriptor(b_desc, rnn->dtype, 3, dims, strides);
  }
  if (b_addr != nullptr) *b_addr = has_bias ? base + bias_offset : nullptr;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnRNNForward(cudnnHandle_t, cudnnRNNDescriptor_t, cudnnForwardMode_t, const int32_t[],
                              cudnnRNNDataDescriptor_t, const void*, cudnnRNNDataDescriptor_t, void*,
                              cudnnTensorDescriptor_t, const void*, void*, cudnnTensorDescriptor_t, const void*, void*,
                              size_t, const void*, size_t workspace, void*, size_t, void*) {
  LogCall("cudnnRNNForward", workspace);
  return CUDNN_STATUS_SUCCESS;
}

}  // extern "C"
