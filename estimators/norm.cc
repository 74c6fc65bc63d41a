// BatchNormalization and InstanceNormalization on the CUDA EP. Both call cuDNN's legacy batch-norm
// entry points (cudnn_common.h BatchNormalizationForwardInferenceHelper / ...TrainingHelper wrap
// cudnnBatchNormalizationForwardInference / cudnnBatchNormalizationForwardTraining), which take no
// workspace argument (cuDNN API reference, cudnn_ops library; only the *Ex variants,
// cudnnBatchNormalizationForwardTrainingEx with cudnnGetBatchNormalizationForwardTrainingExWorkspaceSize,
// take one, and ORT does not call them). So the only scratch is what the kernels take with
// CudaKernel::GetScratchBuffer, which returns nullptr without allocating for a count of 0 (cuda_kernel.h).
#include <initializer_list>
#include <string>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kBatchNormSource =
    "onnxruntime 1.29.0 core/providers/cuda/nn/batch_norm.cc BatchNorm<T>::ComputeInternal";
constexpr const char* kInstanceNormSource =
    "onnxruntime 1.29.0 core/providers/cuda/nn/instance_norm.cc InstanceNorm<T>::ComputeInternal";
constexpr const char* kInstanceNormHalfSource =
    "onnxruntime 1.29.0 core/providers/cuda/nn/instance_norm.cc InstanceNorm<MLFloat16>::ComputeInternal";

// The element types both kernels register (REGISTER_KERNEL_TYPED / SPECIALIZED_COMPUTE: float,
// double, MLFloat16; no BFloat16).
bool IsRegisteredType(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16;
}

// Input 0 of a norm node with the dims the kernels read: N = dims[0], C = dims[1].
struct NormDims {
  const TensorInfo* x = nullptr;
  DataType dtype = DataType::kUndefined;
  int64_t rank = 0;
  int64_t n = -1;  // -1 when symbolic
  int64_t c = -1;
};

// Names the first of `axes` of X whose value is not known, for an Unknown's reason; empty if all are.
std::string UnknownDim(const NormDims& d, std::initializer_list<int64_t> axes) {
  for (int64_t axis : axes) {
    const Dim& dim = d.x->dims[static_cast<size_t>(axis)];
    if (!dim.known()) return "dim " + std::to_string(axis) + " '" + (dim.symbol.empty() ? "?" : dim.symbol) + "'";
  }
  return {};
}

// Checks that inputs [0, count) are present; X's rank is checked by each op (its rules differ).
Result<NormDims> ParseNormDims(const NodeView& node, size_t input_count) {
  for (size_t i = 0; i < input_count; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected " +
                             std::to_string(input_count) + " inputs");
    }
  }
  NormDims d;
  d.x = node.input(0);
  d.dtype = d.x->dtype;
  d.rank = d.x->rank();
  if (d.rank >= 1) d.n = d.x->dims[0].known() ? d.x->dims[0].value : -1;
  if (d.rank >= 2) d.c = d.x->dims[1].known() ? d.x->dims[1].value : -1;
  return d;
}

// A per-channel input (scale, B, mean, var) must be 1-D of length C when both are known.
// Mirrors BatchNormHelper::ValidateInputs (spatial) and InstanceNormHelper::ValidateInputs.
Result<bool> CheckChannelInput(const NodeView& node, size_t index, const char* what, int64_t c) {
  const TensorInfo& t = node.inputs[index];
  if (!t.has_shape) return true;
  if (t.rank() != 1) {
    return InvalidArgument(node.Label() + ": input " + std::to_string(index) + " (" + what + ") rank " +
                           std::to_string(t.rank()) + ", expected 1");
  }
  if (c >= 0 && t.dims[0].known() && t.dims[0].value != c) {
    return InvalidArgument(node.Label() + ": input " + std::to_string(index) + " (" + what + ") has " +
                           std::to_string(t.dims[0].value) + " elements, expected C = " + std::to_string(c));
  }
  return true;
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/nn/batch_norm.cc BatchNorm<T>::ComputeInternal (registered
// for opsets 7-8, 9-13, 14, 15+ with T in {float, double, MLFloat16}).
Result<Estimate> EstimateBatchNormalization(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(NormDims d, ParseNormDims(node, 5));
  // The fp16 branch reads x_shape.GetDims()[1] (batch_norm.cc), and the ONNX spec gives X as (N x C x ...).
  if (d.rank >= 0 && d.rank < 2) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(d.rank) + ", expected at least 2");
  }
  // BatchNormHelper::NormalizeDims: ORT_ENFORCE(orig_dims.size() < 6).
  if (d.rank > 5) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(d.rank) + ", expected at most 5");
  }
  // spatial=0 (opsets 7-8) gives per-activation mean/var; BatchNormHelper::ValidateInputs then wants
  // (C, D1, ...) tensors, so only the spatial shapes are checked here.
  const bool spatial = node.GetInt("spatial", 1) == 1;
  if (spatial) {
    const char* names[] = {"scale", "B", "mean", "var"};
    for (size_t i = 1; i <= 4; ++i) {
      WSEST_ASSIGN_OR_RETURN(bool ok, CheckChannelInput(node, i, names[i - 1], d.c));
      (void)ok;
    }
  }
  if (!IsRegisteredType(d.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA BatchNormalization kernel is not registered for " +
                             DataTypeName(d.dtype) + " (float, double, float16 only)");
  }

  // batch_norm.cc: `if (X->IsDataType<MLFloat16>())` comes first and always runs cuDNN inference with
  // fp32 copies of scale, B, mean and var, whatever outputs the node has.
  const bool is_half = d.dtype == DataType::kFloat16;
  // batch_norm.cc: training mode "if all 5 outputs present" (running_mean, running_var, saved_mean,
  // saved_var); opset 14+ declares only 3 outputs, so Output(3) is null and inference runs.
  const bool training_mode = node.has_output(1) && node.has_output(2) && node.has_output(3) && node.has_output(4);

  if (is_half) {
    if (d.rank < 0) return Estimate::Unknown(node.Label() + ": input 0 has no shape; the float16 path needs C");
    if (std::string dim = UnknownDim(d, {1}); !dim.empty()) {
      return Estimate::Unknown(node.Label() + ": input 0 " + dim + " is symbolic; the float16 path takes 4 * C fp32");
    }
    Estimate e{"cudnn_inference_fp32_params", Exactness::kExact};
    e.candidates.push_back({"cudnn_training", "float16 input always takes the inference path", std::nullopt});
    // f_scale, f_B, f_mean, f_var: GetScratchBuffer<float>(C) each, Impl_Cast from half (batch_norm.cc).
    const Bytes per_channel_fp32 = Bytes::FromDim(d.c) * Bytes(4);
    e.Add("f_scale", per_channel_fp32, kBatchNormSource);
    e.Add("f_B", per_channel_fp32, kBatchNormSource);
    e.Add("f_mean", per_channel_fp32, kBatchNormSource);
    e.Add("f_var", per_channel_fp32, kBatchNormSource);
    return e;
  }

  // float / double: cuDNN reads scale, B, mean, var (and writes the training outputs) in place.
  Estimate e{training_mode ? "cudnn_training" : "cudnn_inference", Exactness::kExact};
  e.candidates.push_back({training_mode ? "cudnn_inference" : "cudnn_training",
                          training_mode ? "outputs 1-4 are all present (training mode)"
                                        : "outputs 1-4 are not all present",
                          std::nullopt});
  e.reason = std::string("no scratch: ") + kBatchNormSource +
             " passes the node's own tensors to cuDNN, whose batch-norm forward calls take no workspace";
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/nn/instance_norm.cc InstanceNorm<T>::ComputeInternal and its
// InstanceNorm<MLFloat16> specialisation (registered for opset 6+ with T in {float, double, MLFloat16}).
Result<Estimate> EstimateInstanceNormalization(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(NormDims d, ParseNormDims(node, 3));
  if (d.rank < 0) return Estimate::Unknown(node.Label() + ": input 0 has no shape; N and C are needed");
  // InstanceNormHelper::ValidateInputs: "number of dimensions is less than 3".
  if (d.rank < 3) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(d.rank) + ", expected at least 3");
  }
  WSEST_ASSIGN_OR_RETURN(bool scale_ok, CheckChannelInput(node, 1, "scale", d.c));
  WSEST_ASSIGN_OR_RETURN(bool bias_ok, CheckChannelInput(node, 2, "B", d.c));
  (void)scale_ok;
  (void)bias_ok;
  if (!IsRegisteredType(d.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA InstanceNormalization kernel is not registered for " +
                             DataTypeName(d.dtype) + " (float, double, float16 only)");
  }
  if (std::string dim = UnknownDim(d, {0}); !dim.empty()) {
    return Estimate::Unknown(node.Label() + ": input 0 " + dim + " is symbolic; N == 1 picks the kernel path");
  }

  const bool is_half = d.dtype == DataType::kFloat16;
  // instance_norm.cc: `if (N == 1)` treats X as one spatial batch norm in training mode.
  const bool single_instance = d.n == 1;

  if (single_instance) {
    Estimate e{"cudnn_training_n1", Exactness::kExact};
    e.candidates.push_back({"cudnn_training_nc_stats", "N == 1", std::nullopt});
    if (!is_half) {
      // InstanceNorm<T>: scale and bias go to cuDNN as they are.
      e.reason = std::string("no scratch: ") + kInstanceNormSource + " N == 1 passes scale and B to cuDNN directly";
      return e;
    }
    if (std::string dim = UnknownDim(d, {1}); !dim.empty()) {
      return Estimate::Unknown(node.Label() + ": input 0 " + dim + " is symbolic; float16 N == 1 takes 2 * C fp32");
    }
    // scale_data_fp32, bias_data_fp32: GetScratchBuffer<float>(C) each (InstanceNorm<MLFloat16>, N == 1).
    const Bytes per_channel_fp32 = Bytes::FromDim(d.c) * Bytes(4);
    e.Add("scale_data_fp32", per_channel_fp32, kInstanceNormHalfSource);
    e.Add("bias_data_fp32", per_channel_fp32, kInstanceNormHalfSource);
    return e;
  }

  if (std::string dim = UnknownDim(d, {1}); !dim.empty()) {
    return Estimate::Unknown(node.Label() + ": input 0 " + dim + " is symbolic; N > 1 takes 4 * N * C stats");
  }
  Estimate e{"cudnn_training_nc_stats", Exactness::kExact};
  e.candidates.push_back({"cudnn_training_n1", "N != 1", std::nullopt});
  // stats_count = x_shape.SizeToDimension(2) = N * C. The stats are CudaT for float and double and
  // float for MLFloat16 ("stats_desc needs to be of 'float' type even for float16 input").
  const Bytes stats_element = Bytes(is_half ? 4 : static_cast<uint64_t>(ElementSize(d.dtype)));
  const Bytes stats_bytes = Bytes::FromDim(d.n) * d.c * stats_element;
  const char* source = is_half ? kInstanceNormHalfSource : kInstanceNormSource;
  // mean, variance, unused_scale, unused_bias: GetScratchBuffer<stats type>(stats_count) each, zeroed
  // with cudaMemsetAsync before cudnnBatchNormalizationForwardTraining.
  e.Add("mean", stats_bytes, source);
  e.Add("variance", stats_bytes, source);
  e.Add("unused_scale", stats_bytes, source);
  e.Add("unused_bias", stats_bytes, source);
  return e;
}

}  // namespace wsest::estimators
