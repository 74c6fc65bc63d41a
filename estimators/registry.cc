// The one table: (domain, op type, opset range as the CUDA EP registers its kernels) -> estimator.
// A row with a null estimator is a kernel that allocates no scratch: exact 0, its file cited.
// A kNoScratch row spans the contiguous kernel registrations of its op (listed in its comment, as the
// ONNX_OPERATOR_*_KERNEL_EX macros of the cited file give them); each cited file was read for
// GetScratchBuffer, IAllocator::MakeUniquePtr, GetTempSpaceAllocator and CudaAsyncBuffer, and has none
// on its tensor path. Notes on each: data/cuda_ep_kernels_1.29.0.md.
#include "wsest/registry.h"

#include "estimators/estimators.h"

namespace wsest {

using namespace estimators;  // NOLINT: the table reads better with bare names
constexpr EstimatorFn kNoScratch = nullptr;

namespace {
constexpr const char* kUnaryOps = "onnxruntime/core/providers/cuda/math/unary_elementwise_ops.cc";
constexpr const char* kBinaryOps = "onnxruntime/core/providers/cuda/math/binary_elementwise_ops.cc";
constexpr const char* kVariadicOps = "onnxruntime/core/providers/cuda/math/variadic_elementwise_ops.cc";
constexpr const char* kActivations = "onnxruntime/core/providers/cuda/activation/activations.cc";
constexpr const char* kContribActivations = "onnxruntime/contrib_ops/cuda/activation/activations.cc";
}  // namespace

const std::vector<EstimatorEntry>& EstimatorTable() {
  static const std::vector<EstimatorEntry> table = {
      // domain, op, since, until, family, estimator, kernel (ORT 1.29.0), variants, exactness
      {"", "BatchNormalization", 7, kLatestOpset, "norm", EstimateBatchNormalization,  // 7-8, 9-13, 14, 15+
       "onnxruntime/core/providers/cuda/nn/batch_norm.cc", "cudnn_inference,cudnn_training,cudnn_inference_fp32_params",
       "exact"},
      {"", "InstanceNormalization", 6, kLatestOpset, "norm", EstimateInstanceNormalization,  // 6+
       "onnxruntime/core/providers/cuda/nn/instance_norm.cc", "cudnn_training_n1,cudnn_training_nc_stats", "exact"},

      // Unary elementwise: UnaryElementwise::Prepare, then one Impl_<op> launch.
      {"", "Abs", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Neg", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Floor", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Ceil", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Reciprocal", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Sqrt", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Log", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Exp", 6, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 6-12, 13+
      {"", "Erf", 9, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 9-12, 13+
      {"", "Sign", 13, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 13+
      {"", "Not", 1, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 1+
      {"", "Round", 11, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 11+
      {"", "Cos", 7, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 7+
      {"", "Sin", 7, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 7+
      {"", "IsNaN", 9, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 9-12, 13-19, 20+
      {"", "IsInf", 10, kLatestOpset, "elementwise", kNoScratch, kUnaryOps, "elementwise", "exact"},  // 10-19, 20+

      // Binary elementwise: BinaryElementwiseBroadcastPrepareHelper fills BinaryElementwiseArgs (strides
      // and fast_divmods by value, TArray), then one Impl_<op> launch.
      {"", "Add", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Sub", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Mul", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Div", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-12, 13, 14+
      {"", "Pow", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-11, 12, 13-14, 15+
      {"", "And", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7+
      {"", "Or", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7+
      {"", "Xor", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7+
      {"", "PRelu", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-8, 9-15, 16+
      {"", "Equal", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-10, 11-12, 13+
      {"", "Greater", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-8, 9-12, 13+
      {"", "Less", 7, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise", "exact"},  // 7-8, 9-12, 13+
      {"", "GreaterOrEqual", 12, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise",
       "exact"},  // 12-15, 16+
      {"", "LessOrEqual", 12, kLatestOpset, "elementwise", kNoScratch, kBinaryOps, "elementwise",
       "exact"},  // 12-15, 16+

      // Variadic: 1 input copies; up to k_max_input_batch_size same-shape inputs go by value in an
      // InputBatchArray; otherwise the output is zeroed and accumulated in place. No other buffer.
      {"", "Sum", 6, kLatestOpset, "elementwise", kNoScratch, kVariadicOps, "elementwise", "exact"},  // 6-7, 8-12, 13+
      {"", "Min", 6, kLatestOpset, "elementwise", kNoScratch, kVariadicOps, "elementwise", "exact"},  // 6-11, 12, 13+
      {"", "Max", 6, kLatestOpset, "elementwise", kNoScratch, kVariadicOps, "elementwise", "exact"},  // 6-11, 12, 13+

      // Activations: UnaryElementwise::Prepare, a functor context by value, one Impl_<op> launch.
      {"", "Elu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6+
      {"", "HardSigmoid", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 6-21, 22+
      {"", "HardSwish", 14, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 14-21, 22+
      {"", "LeakyRelu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 6-15, 16+
      {"", "Relu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6-12, 13, 14+
      {"", "Selu", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6+
      {"", "Sigmoid", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6-12, 13+
      {"", "Softplus", 1, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 1+
      {"", "Softsign", 1, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 1+
      {"", "Tanh", 6, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise", "exact"},  // 6-12, 13+
      // ThresholdedRelu: the contrib kernel registers the experimental opset-1 op (open-ended); from
      // opset 10 the core kernel covers it too. Split at 10 so the rows do not overlap.
      {"", "ThresholdedRelu", 1, 9, "activation", kNoScratch, kContribActivations, "elementwise", "exact"},  // 1+
      {"", "ThresholdedRelu", 10, kLatestOpset, "activation", kNoScratch, kActivations, "elementwise",
       "exact"},  // 10+
      {"", "Affine", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise", "exact"},  // 1+
      {"", "ParametricSoftplus", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise",
       "exact"},  // 1+
      {"", "ScaledTanh", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise",
       "exact"},  // 1+
      // Gelu-20: LaunchFastGeluKernel (tanh) or LaunchGeluKernel (none), no buffer.
      {"", "Gelu", 20, kLatestOpset, "activation", kNoScratch, "onnxruntime/core/providers/cuda/tensor/gelu.cc",
       "elementwise", "exact"},  // 20+

      // Clip: Clip_6 reads min/max attributes; 11+ reads them from CPU-resident inputs 1-2.
      {"", "Clip", 6, kLatestOpset, "elementwise", kNoScratch, "onnxruntime/core/providers/cuda/math/clip.cc",
       "elementwise", "exact"},  // 6-10, 11, 12, 13+
      // Cast: one Impl_Cast / Impl_CastSat launch into the output.
      {"", "Cast", 6, kLatestOpset, "elementwise", kNoScratch, "onnxruntime/core/providers/cuda/tensor/cast_op.cc",
       "elementwise", "exact"},  // 6-8, 9-12, 13-18, 19+
      // Identity: a tensor is aliased or copied into the output (a tensor-sequence input, 14+, copies
      // each tensor through the temp-space allocator; NodeView has no sequence type to tell).
      {"", "Identity", 1, kLatestOpset, "elementwise", kNoScratch,
       "onnxruntime/core/providers/cuda/tensor/identity_op.cc", "elementwise", "exact"},  // 1-12, 13, 14-18, 19+

      // com.microsoft elementwise ops.
      {"com.microsoft", "Gelu", 1, kLatestOpset, "activation", kNoScratch, kContribActivations, "elementwise",
       "exact"},  // 1+
      {"com.microsoft", "FastGelu", 1, kLatestOpset, "activation", kNoScratch,
       "onnxruntime/contrib_ops/cuda/bert/fast_gelu.cc", "elementwise", "exact"},  // 1+
      {"com.microsoft", "BiasGelu", 1, kLatestOpset, "activation", kNoScratch,
       "onnxruntime/contrib_ops/cuda/math/bias_gelu.cc", "elementwise", "exact"},  // 1+
      {"com.microsoft", "BiasAdd", 1, kLatestOpset, "elementwise", kNoScratch,
       "onnxruntime/contrib_ops/cuda/diffusion/bias_add.cc", "elementwise", "exact"},  // 1+
  };
  return table;
}

}  // namespace wsest
