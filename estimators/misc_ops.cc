// CUDA EP kernels with scratch that fit no other family: Dropout and its bias/bitmask forms, Inverse,
// DeformConv, the int8/uint8 MaxPool, RemovePadding. (If, Loop and Scan: estimators/control_flow.cc.)
// Every buffer here is CudaKernel::GetScratchBuffer (cuda_kernel.h: IAllocator::MakeUniquePtr<T> on the
// provider's default device allocator, count * sizeof(T) bytes; nullptr without allocating for 0).
#include <algorithm>
#include <string>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kDropoutSource = "onnxruntime 1.29.0 core/providers/cuda/nn/dropout.cc Dropout<UseBitmask>::ComputeInternal";
constexpr const char* kBiasDropoutSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/math/bias_dropout.cc BiasDropout<UseBitmask>::ComputeInternal";
constexpr const char* kInverseSource = "onnxruntime 1.29.0 contrib_ops/cuda/inverse.cc Inverse::ComputeInternal";
constexpr const char* kInverseImplSource = "onnxruntime 1.29.0 contrib_ops/cuda/inverse.cc Inverse::ComputeImpl<T>";
constexpr const char* kDeformConvSource =
    "onnxruntime 1.29.0 core/providers/cuda/nn/deform_conv.cc DeformConv<T>::ComputeInternal";
constexpr const char* kPoolSource = "onnxruntime 1.29.0 core/providers/cuda/nn/pool.cc Pool<T, PoolType, Layout>::ComputeInternal";
constexpr const char* kRemovePaddingSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/remove_padding.cc RemovePadding<T>::ComputeInternal";

// cuda_utils.h: BitmaskElementType is uint32_t, kNumBitsPerBitmaskElement its 32 bits.
constexpr int64_t kBitmaskElementBytes = 4;
constexpr int64_t kBitsPerBitmaskElement = 32;

// deform_conv.cc: kMaxParallelImgs and GetDeformConvEffectiveMaxTempBytes' clamp.
constexpr int64_t kMaxParallelImgs = 32;
constexpr uint64_t kDeformConvMinTempBytes = uint64_t{32} * 1024 * 1024;
constexpr uint64_t kDeformConvMaxTempBytes = uint64_t{2} * 1024 * 1024 * 1024;

// Product of all dims of `t` as Bytes, or the reason it is not known ("input 0 dim 1 'seq' is symbolic").
Result<Bytes> ElementCount(const NodeView& node, const TensorInfo& t, const std::string& what, std::string* unknown) {
  if (!t.has_shape) {
    *unknown = node.Label() + ": " + what + " has no shape";
    return Bytes(0);
  }
  Bytes n(1);
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i].known()) {
      *unknown = node.Label() + ": " + what + " dim " + std::to_string(i) + " '" +
                 (t.dims[i].symbol.empty() ? "?" : t.dims[i].symbol) + "' is symbolic";
      return Bytes(0);
    }
    n = n * t.dims[i].value;
  }
  return n;
}

// The bytes of a dropout mask of `n` elements: bool each, or 32 to a uint32 word with a bitmask.
Bytes MaskBytes(Bytes n, bool bitmask) {
  if (!bitmask) return n;  // sizeof(bool) = 1
  if (n.overflow()) return n;
  const uint64_t words = n.value() / kBitsPerBitmaskElement + (n.value() % kBitsPerBitmaskElement != 0 ? 1 : 0);
  return Bytes(words) * Bytes(kBitmaskElementBytes);
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/nn/dropout.cc Dropout<UseBitmask>::ComputeInternal: ai.onnx
// Dropout 12 and 13+ (Dropout<false>) and com.microsoft BitmaskDropout (Dropout<true>). Opsets 7-11 are
// IdentityOp rows in the registry.
Result<Estimate> EstimateDropout(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  const bool use_bitmask = node.op_type == "BitmaskDropout";
  // dropout.cc: inference when ratio == 0, or training_mode is absent or false: a copy, no buffer.
  const bool has_training_mode = node.has_input(2);
  const TensorInfo* training_mode = node.input(2);
  const bool training_known_false = has_training_mode && training_mode->int_values &&
                                    !training_mode->int_values->empty() && (*training_mode->int_values)[0] == 0;
  const bool training_known_true = has_training_mode && training_mode->int_values &&
                                   !training_mode->int_values->empty() && (*training_mode->int_values)[0] != 0;
  // The mask output, when the node has it, receives the mask; the scratch mask is only for a missing output.
  const bool mask_output = node.has_output(1);
  if (!has_training_mode || training_known_false) {
    Estimate e{"inference", Exactness::kExact};
    e.candidates.push_back({"training", "training_mode is absent or false", std::nullopt});
    e.reason = std::string("no scratch: ") + kDropoutSource + " copies X to Y in inference mode";
    return e;
  }
  if (mask_output) {
    Estimate e{"training_mask_output", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kDropoutSource + " writes the mask into output 1";
    return e;
  }
  std::string unknown;
  WSEST_ASSIGN_OR_RETURN(Bytes n, ElementCount(node, *node.input(0), "input 0", &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown + "; the mask buffer has one entry per element");
  // The ratio input is a float the estimator cannot read: ratio == 0 would take the inference path. With
  // training_mode not a known constant either, the mask is a maximum.
  const bool ratio_default = !node.has_input(1);
  const bool training_certain = training_known_true && ratio_default;
  Estimate e{"training_scratch_mask", training_certain ? Exactness::kExact : Exactness::kUpperBound};
  if (!training_certain) {
    e.reason = "training_mode or ratio is a run-time value; the mask buffer is counted as if training with ratio > 0";
    e.candidates.push_back({"inference", "", 0});  // feasible: training_mode false or ratio 0 at run time
  }
  // temp_mask_buffer: GetScratchBuffer<void>(mask_element_count * (bitmask ? sizeof(uint32_t) : sizeof(bool))),
  // mask_element_count = N, or ceil(N / 32) with a bitmask.
  e.Add("temp_mask_buffer", MaskBytes(n, use_bitmask), kDropoutSource);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/math/bias_dropout.cc BiasDropout<UseBitmask>::ComputeInternal
// (com.microsoft BiasDropout and BitmaskBiasDropout, opset 1). Unlike Dropout it always runs the mask
// kernel (ratio forced to 0 in inference), so a missing mask output always takes the scratch mask.
Result<Estimate> EstimateBiasDropout(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  // bias_dropout.cc: "Bias input of BiasDropout is not available."
  if (!node.has_input(1)) return InvalidArgument(node.Label() + ": input 1 (bias) is missing");
  const bool use_bitmask = node.op_type == "BitmaskBiasDropout";
  if (node.has_output(1)) {
    Estimate e{"mask_output", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kBiasDropoutSource + " writes the mask into output 1";
    return e;
  }
  std::string unknown;
  WSEST_ASSIGN_OR_RETURN(Bytes n, ElementCount(node, *node.input(0), "input 0", &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown + "; the mask buffer has one entry per element");
  Estimate e{"scratch_mask", Exactness::kExact};
  // temp_mask_buffer: GetScratchBuffer<void>(mask_element_count * (bitmask ? 4 : 1)).
  e.Add("temp_mask_buffer", MaskBytes(n, use_bitmask), kBiasDropoutSource);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/inverse.cc Inverse::ComputeInternal and Inverse::ComputeImpl<T>
// (com.microsoft Inverse, opset 1; float, double, MLFloat16): cuBLAS getrf/getri batched on a copy.
Result<Estimate> EstimateInverse(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  const TensorInfo& x = *node.input(0);
  const DataType t = x.dtype;
  if (t != DataType::kFloat && t != DataType::kDouble && t != DataType::kFloat16) {
    return Estimate::Unknown(node.Label() + ": the CUDA Inverse kernel is not registered for " + DataTypeName(t) +
                             " (float, double, float16 only)");
  }
  if (!x.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape");
  if (x.rank() < 2) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(x.rank()) + ", expected at least 2");
  }
  const Dim& rows_dim = x.dims[x.dims.size() - 2];
  const Dim& cols_dim = x.dims.back();
  // ComputeInternal: ORT_ENFORCE(rows == cols, "Expecting square matrices").
  if (rows_dim.known() && cols_dim.known() && rows_dim.value != cols_dim.value) {
    return InvalidArgument(node.Label() + ": input 0 is " + std::to_string(rows_dim.value) + " x " +
                           std::to_string(cols_dim.value) + ", expected square matrices");
  }
  std::string unknown;
  WSEST_ASSIGN_OR_RETURN(Bytes input_count, ElementCount(node, x, "input 0", &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown + "; the workspace copies the input");
  const int64_t rows = rows_dim.value;
  // num_batches = SizeToDimension(rank - 2), 1 for a single matrix.
  Bytes num_batches(1);
  for (size_t i = 0; i + 2 < x.dims.size(); ++i) num_batches = num_batches * x.dims[i].value;

  const bool is_half = t == DataType::kFloat16;
  const bool is_double = t == DataType::kDouble;
  Estimate e{is_double ? "getrf_getri_fp64" : (is_half ? "getrf_getri_fp32_from_fp16" : "getrf_getri_fp32"),
             Exactness::kExact};
  // info: GetScratchBuffer<int>(num_batches); pivots: GetScratchBuffer<int>(rows * num_batches).
  e.Add("info", num_batches * Bytes(4), kInverseSource);
  e.Add("pivots", num_batches * rows * Bytes(4), kInverseSource);
  // input_workspace: float[input_count] (float and fp16, cast up) or double[input_count].
  e.Add("input_workspace", input_count * Bytes(is_double ? 8 : 4), kInverseImplSource);
  // matrix_ptrs and output_ptrs: GetScratchBuffer<T*>(n_batches), 8-byte pointers.
  e.Add("matrix_ptrs", num_batches * Bytes(8), kInverseImplSource);
  e.Add("output_ptrs", num_batches * Bytes(8), kInverseImplSource);
  // fp16 only: ml_float_output float[input_count], cast back into the output afterwards.
  if (is_half) e.Add("ml_float_output", input_count * Bytes(4), kInverseImplSource);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/nn/deform_conv.cc DeformConv<T>::ComputeInternal with
// GetNParallelImgs, GetDeformConvEffectiveMaxTempBytes and GetDeformConvParallelChunkSize (ai.onnx
// DeformConv 19-21 and 22+; float, double, MLFloat16, and BFloat16 from 22). The kernel file was read in
// a stored copy newer than the registration tables of data/ort-1.29.0-cuda-kernels.tsv (status kernel_file).
Result<Estimate> EstimateDeformConv(const NodeView& node, const Target& target) {
  for (size_t i = 0; i < 3; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected X, W, offset");
    }
  }
  if (!node.has_output(0)) return InvalidArgument(node.Label() + ": output 0 is missing");
  const TensorInfo& x = *node.input(0);
  const TensorInfo& w = *node.input(1);
  const TensorInfo& y = *node.output(0);
  if (!x.has_shape || !w.has_shape || !y.has_shape) {
    return Estimate::Unknown(node.Label() + ": X, W or Y has no shape; the column buffer needs all three");
  }
  if (x.rank() != 4 || w.rank() != 4 || y.rank() != 4) {
    return InvalidArgument(node.Label() + ": X, W and Y must be 4-D (2-D deformable convolution), got ranks " +
                           std::to_string(x.rank()) + ", " + std::to_string(w.rank()) + ", " +
                           std::to_string(y.rank()));
  }
  const int64_t elem = ElementSize(x.dtype);
  if (x.dtype != DataType::kFloat && x.dtype != DataType::kDouble && x.dtype != DataType::kFloat16 &&
      !(x.dtype == DataType::kBfloat16 && node.opset >= 22)) {
    return Estimate::Unknown(node.Label() + ": the CUDA DeformConv kernel is not registered for " +
                             DataTypeName(x.dtype));
  }
  // Y = [N, M, out_h, out_w]; "if (Y->Shape().Size() == 0) return" before the buffer.
  for (const Dim& d : y.dims) {
    if (d.known() && d.value == 0) {
      Estimate e{"empty_output", Exactness::kExact};
      e.reason = std::string("no scratch: the output is empty, ") + kDeformConvSource + " returns early";
      return e;
    }
  }
  const Dim* needed[] = {&x.dims[0], &x.dims[1], &w.dims[2], &w.dims[3], &y.dims[2], &y.dims[3]};
  const char* names[] = {"X dim 0 (N)", "X dim 1 (C)", "W dim 2 (kH)", "W dim 3 (kW)", "Y dim 2", "Y dim 3"};
  for (size_t i = 0; i < 6; ++i) {
    if (!needed[i]->known()) {
      return Estimate::Unknown(node.Label() + ": " + names[i] + " '" +
                               (needed[i]->symbol.empty() ? "?" : needed[i]->symbol) +
                               "' is symbolic; the column buffer depends on it");
    }
  }
  const int64_t n = x.dims[0].value;
  const int64_t c = x.dims[1].value;
  const Bytes kernel_size = Bytes::FromDim(w.dims[2].value) * w.dims[3].value;
  const Bytes output_image_size = Bytes::FromDim(y.dims[2].value) * y.dims[3].value;

  // GetDeformConvEffectiveMaxTempBytes: clamp(size_t(totalGlobalMem * 0.1), 32 MiB, 2 GiB). The profile's
  // memory is the nominal size; cudaDeviceProp::totalGlobalMem is a little less, so the budget is exact only
  // when the clamp decides it.
  const double raw_budget = static_cast<double>(target.device.memory_bytes) * 0.1;
  const uint64_t budget = std::clamp(static_cast<uint64_t>(raw_budget), kDeformConvMinTempBytes, kDeformConvMaxTempBytes);
  const bool budget_clamped = raw_budget >= 1.05 * static_cast<double>(kDeformConvMaxTempBytes) ||
                              raw_budget <= static_cast<double>(kDeformConvMinTempBytes);
  // bytes_per_image = output_image_size * C * kernel_size * sizeof(T).
  const Bytes bytes_per_image = output_image_size * c * kernel_size * elem;
  if (bytes_per_image.overflow()) {
    Estimate e{"chunked", Exactness::kExact};
    e.Add("col_buffer", bytes_per_image, kDeformConvSource);  // reported as an overflow by EstimateNode
    return e;
  }
  const uint64_t per_image = std::max<uint64_t>(1, bytes_per_image.value());
  // max_parallel_imgs_mem = max(1, int(budget / bytes_per_image)); target = min(32, that).
  const int64_t max_parallel_imgs_mem = std::max<int64_t>(1, static_cast<int64_t>(std::min<uint64_t>(budget / per_image, 1u << 30)));
  const int64_t target_parallel_imgs = std::min(kMaxParallelImgs, max_parallel_imgs_mem);
  // GetDeformConvParallelChunkSize(N, T): k_cap = min(N, T), rounds = ceil(N / k_cap), k = ceil(N / rounds).
  int64_t n_parallel_imgs = 1;
  if (n > 0) {
    const int64_t k_cap = std::min(n, target_parallel_imgs);
    const int64_t rounds = CeilDiv(n, k_cap);
    n_parallel_imgs = CeilDiv(n, rounds);
  }
  Estimate e{"chunked", budget_clamped ? Exactness::kExact : Exactness::kHeuristic};
  if (!budget_clamped) {
    e.reason = "the temp budget is 10% of cudaDeviceProp::totalGlobalMem, taken from the profile's nominal memory";
  }
  // col_buffer: GetScratchBuffer<T>((C * kernel_size) * n_parallel_imgs * output_image_size).
  e.Add("col_buffer", Bytes::FromDim(c) * kernel_size * n_parallel_imgs * output_image_size * elem, kDeformConvSource);
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cuda/nn/pool.cc for MaxPool 12+ (Pool<T, MaxPool<8>>): int8 and uint8
// run cuDNN in float through two casts when the node has no Indices output and default dilations;
// otherwise MaxPoolWithIndex runs with no buffer. float, double and float16 pass the tensors to cuDNN,
// whose pooling forward takes no workspace.
Result<Estimate> EstimateMaxPool(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  if (!node.has_output(0)) return InvalidArgument(node.Label() + ": output 0 is missing");
  const TensorInfo& x = *node.input(0);
  const TensorInfo& y = *node.output(0);
  // pool.cc: "Input dimension cannot be less than 3."
  if (x.has_shape && x.rank() < 3) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(x.rank()) + ", expected at least 3");
  }
  const bool int8_path = x.dtype == DataType::kInt8 || x.dtype == DataType::kUint8;
  if (!int8_path) {
    Estimate e{"cudnn", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kPoolSource + " passes the tensors to cudnnPoolingForward";
    return e;
  }
  bool default_dilations = true;
  for (int64_t v : node.GetInts("dilations")) default_dilations = default_dilations && v == 1;
  const bool has_indices = node.has_output(1);
  if (has_indices || !default_dilations) {
    Estimate e{"max_pool_with_index", Exactness::kExact};
    e.candidates.push_back({"cudnn_float_cast", has_indices ? "the Indices output is present" : "dilations are not 1",
                            std::nullopt});
    e.reason = std::string("no scratch: ") + kPoolSource + " MaxPoolWithIndex writes Y (and Indices) directly";
    return e;
  }
  for (const Dim& d : y.dims) {
    if (d.known() && d.value == 0) {
      Estimate e{"empty_output", Exactness::kExact};
      e.reason = std::string("no scratch: the output is empty, ") + kPoolSource + " returns early";
      return e;
    }
  }
  std::string unknown;
  WSEST_ASSIGN_OR_RETURN(Bytes input_count, ElementCount(node, x, "input 0", &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown + "; int8 pooling casts the input to float");
  WSEST_ASSIGN_OR_RETURN(Bytes output_count, ElementCount(node, y, "output 0", &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown + "; int8 pooling casts the output from float");
  Estimate e{"cudnn_float_cast", Exactness::kExact};
  e.candidates.push_back({"max_pool_with_index", "no Indices output and default dilations", std::nullopt});
  // temp_X: GetScratchBuffer<float>(input_count); temp_Y: GetScratchBuffer<float>(output_count).
  e.Add("temp_X", input_count * Bytes(4), kPoolSource);
  e.Add("temp_Y", output_count * Bytes(4), kPoolSource);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/remove_padding.cc RemovePadding<T>::ComputeInternal
// (com.microsoft RemovePadding, opset 1): two ints of token counts, whatever the shapes.
Result<Estimate> EstimateRemovePadding(const NodeView& node, const Target&) {
  if (!node.has_input(0) || !node.has_input(1)) {
    return InvalidArgument(node.Label() + ": inputs 0 (input) and 1 (sequence_token_count) are required");
  }
  Estimate e{"token_offsets", Exactness::kExact};
  // token_count_buffer: GetScratchBuffer<int>(2).
  e.Add("token_count_buffer", Bytes(2 * 4), kRemovePaddingSource);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/tensor/dynamic_time_warping.cc DynamicTimeWarping::ComputeInternal
// with dynamic_time_warping_impl.cu GetDynamicTimeWarpingBufferSize (com.microsoft, opset 1; float input).
Result<Estimate> EstimateDynamicTimeWarping(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  const TensorInfo& x = *node.input(0);
  if (!x.has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; the buffer needs rows and cols");
  // ComputeInternal: rank 2, or rank 3 with a leading 1.
  const bool rank_ok = x.rank() == 2 || (x.rank() == 3 && (!x.dims[0].known() || x.dims[0].value == 1));
  if (!rank_ok) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(x.rank()) +
                           ", expected 2, or 3 with a first dim of 1");
  }
  const size_t r = x.rank() == 3 ? 1 : 0;
  for (size_t i = r; i < r + 2; ++i) {
    if (!x.dims[i].known()) {
      return Estimate::Unknown(node.Label() + ": input 0 dim " + std::to_string(i) + " '" +
                               (x.dims[i].symbol.empty() ? "?" : x.dims[i].symbol) + "' is symbolic");
    }
  }
  const int64_t rows = x.dims[r].value;
  const int64_t cols = x.dims[r + 1].value;
  // GetDynamicTimeWarpingBufferSize(batch 1): two int32 index arrays of rows + cols + 1, an int64 length,
  // then a float cost and an int8 trace buffer of (rows + 1) * (cols + 1) each; one GetScratchBuffer<int8_t>.
  const Bytes max_index_len = Bytes::FromDim(rows) + Bytes::FromDim(cols) + Bytes(1);
  const Bytes cost_cells = (Bytes::FromDim(rows) + Bytes(1)) * (Bytes::FromDim(cols) + Bytes(1));
  Estimate e{"single_batch", Exactness::kExact};
  e.Add("buffer", max_index_len * Bytes(2 * 4) + Bytes(8) + cost_cells * Bytes(4 + 1),
        "onnxruntime 1.29.0 contrib_ops/cuda/tensor/dynamic_time_warping.cc DynamicTimeWarping::ComputeInternal");
  return e;
}

}  // namespace wsest::estimators
