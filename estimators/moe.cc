// Mixture of experts on the CUDA EP: com.microsoft MoE and QMoE.
//
// Both kernels size their buffers the same way (contrib_ops/cuda/moe/moe.cc MoE<T>::ComputeInternal and
// contrib_ops/cuda/quantization/moe_quantization.cc QMoE<T>::QuantizedMoEImpl): five allocations from the
// temp-space allocator per Compute, the first sized by ft_moe/moe_kernel.cu CutlassMoeFCRunner::getWorkspaceSize.
// The grouped CUTLASS GEMMs (ft_moe/moe_gemm_kernels_template.h generic_moe_gemm_kernelLauncher) use
// GroupScheduleMode::kDeviceOnly and call gemm.initialize(args) with no workspace, and profile_gemm only times
// the candidate tactics: no tactic changes a byte, so the sizes are exact wherever CUB's sort size is known.
#include <cstdint>
#include <optional>
#include <string>

#include "estimators/cub_temp_storage.h"
#include "estimators/estimators.h"
#include "wsest/live.h"

namespace wsest::estimators {
namespace {

constexpr const char* kMoESource = "onnxruntime 1.29.0 contrib_ops/cuda/moe/moe.cc MoE<T>::ComputeInternal";
constexpr const char* kQMoESource =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/moe_quantization.cc QMoE<T>::QuantizedMoEImpl";
constexpr const char* kWorkspaceSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/moe/ft_moe/moe_kernel.cu CutlassMoeFCRunner::getWorkspaceSize";

// The input positions that differ between MoE and QMoE (contrib_defs.cc MoE ver1 and QMoE ver1).
struct MoELayout {
  const char* op;
  const char* source;
  size_t fc2_weights;
  size_t fc3_weights;
  bool quantized;
};
constexpr MoELayout kMoE{"MoE", kMoESource, 4, 6, false};
constexpr MoELayout kQMoE{"QMoE", kQMoESource, 5, 8, true};

// moe_helper::CheckInputs (contrib_ops/cpu/moe/moe_helper.h), reduced to the values the buffers need.
struct MoEDims {
  int64_t num_rows = 0;     // tokens: input dim 0, or dim 0 * dim 1 for a 3-D input
  int64_t hidden_size = 0;  // input's last dim
  int64_t num_experts = 0;  // router_probs dim 1
  int64_t inter_size = 0;   // fc2 dims[1] * dims[2] * pack_size / hidden_size
};

// ft_moe/moe_kernel.h pad_to_multiple_of_16.
Bytes PadTo16(Bytes b) { return AlignUp(b, 16); }

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// CubKeyValueSorter::getWorkspaceSize: cub::DeviceRadixSort::SortPairs<int, int> over k * num_rows pairs (an int
// item count). getWorkspaceSize asks the sorter before update_num_experts, so the default-constructed sorter's
// num_bits_ = sizeof(int) * 8 = 32 is the end bit of the query that sizes the workspace.
struct SortSize {
  std::optional<Bytes> bytes;
  std::string source;
  std::string why_not;
};
SortSize SorterTempStorage(int64_t pairs, const Target& target) {
  CubQuery q;
  q.algorithm = CubAlgorithm::kRadixSortPairs;
  q.num_items = pairs;
  q.key_dtype = DataType::kInt32;
  q.value_dtype = DataType::kInt32;
  q.offset_bytes = 4;
  q.begin_bit = 0;
  q.end_bit = 32;
  std::string live_error;
  if (target.live != nullptr) {
    Result<CubAnswer> answer = target.live->CubTempStorage(q);
    if (answer.ok()) return {Bytes(answer->temp_storage_bytes), answer->source, {}};
    live_error = answer.error().message;
  }
  const int ptx = cub_storage::AssumedPtxVersion(target.device);
  cub_storage::RadixSortShape shape;
  shape.key_bytes = 4;
  shape.value_bytes = 4;
  shape.offset_bytes = 4;
  shape.begin_bit = 0;
  shape.end_bit = 32;
  const std::optional<uint64_t> bytes = cub_storage::RadixSortPairsTempBytes(static_cast<uint64_t>(pairs), shape, ptx);
  if (!bytes) {
    return {std::nullopt,
            {},
            "the MoE sorter's CUB radix-sort temp storage at ptx " + std::to_string(ptx) +
                " takes the upsweep/downsweep passes, whose size depends on occupancy; a live query or a record "
                "answers it (" +
                CanonicalKey(q) + ")" + (live_error.empty() ? "" : " (library: " + live_error + ")")};
  }
  return {Bytes(*bytes),
          cub_storage::CubSource("DeviceRadixSort::SortPairs") + ", derived for ptx " + std::to_string(ptx) + " (" +
              CanonicalKey(q) + "), via " + kWorkspaceSource,
          {}};
}

// The first unknown dim among the named inputs, for an Unknown's reason; empty when all are known.
std::string FirstSymbolic(const NodeView& node, std::initializer_list<size_t> inputs) {
  for (size_t i : inputs) {
    const TensorInfo& t = node.inputs[i];
    if (!t.has_shape) return "input " + std::to_string(i) + " has no shape";
    for (size_t d = 0; d < t.dims.size(); ++d) {
      if (!t.dims[d].known()) {
        return "input " + std::to_string(i) + " dim " + std::to_string(d) + " '" +
               (t.dims[d].symbol.empty() ? "?" : t.dims[d].symbol) + "' is symbolic";
      }
    }
  }
  return {};
}

Result<Estimate> EstimateMoEImpl(const NodeView& node, const Target& target, const MoELayout& layout) {
  for (size_t i : {size_t{0}, size_t{1}, size_t{2}, layout.fc2_weights}) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) +
                             " is missing (input, router_probs, "
                             "fc1_experts_weights and fc2_experts_weights are required)");
    }
  }
  const TensorInfo& input = node.inputs[0];
  int64_t element_bytes = 0;  // sizeof(CudaT)
  if (input.dtype == DataType::kFloat16 || input.dtype == DataType::kBfloat16) element_bytes = 2;
  if (input.dtype == DataType::kFloat && !layout.quantized) element_bytes = 4;
  if (element_bytes == 0) {
    return Estimate::Unknown(node.Label() + ": the CUDA " + layout.op + " kernel is not registered for " +
                             DataTypeName(input.dtype) +
                             (layout.quantized ? " (float16, bfloat16 only)" : " (float, float16, bfloat16 only)"));
  }

  // MoEBase's constructor: activation_type in {relu, gelu, silu, swiglu, identity} (schema default relu), k
  // (default 1), use_sparse_mixer needs k == 2.
  const std::string activation = node.GetString("activation_type", "relu");
  if (activation != "relu" && activation != "gelu" && activation != "silu" && activation != "swiglu" &&
      activation != "identity") {
    return InvalidArgument(node.Label() + ": activation_type '" + activation +
                           "', expected relu, gelu, silu, swiglu or identity");
  }
  const bool swiglu = activation == "swiglu";
  const int64_t k = node.GetInt("k", 1);
  if (k < 1) return InvalidArgument(node.Label() + ": k " + std::to_string(k) + ", expected at least 1");
  if (node.GetInt("use_sparse_mixer", 0) == 1 && k != 2) {
    return InvalidArgument(node.Label() + ": use_sparse_mixer needs k = 2, got " + std::to_string(k));
  }
  const bool has_fc3 = node.has_input(layout.fc3_weights);
  // configure_ws_ptrs: ORT_ENFORCE(!has_fc3_) under SwiGLU.
  if (swiglu && has_fc3) return InvalidArgument(node.Label() + ": swiglu activation does not take fc3 weights");
  int64_t pack_size = 1;
  if (layout.quantized) {
    // QMoE's constructor: expert_weight_bits 4 or 8 (4 packs two weights per byte); block_size must be 0.
    const int64_t bits = node.GetInt("expert_weight_bits", 4);
    if (bits != 4 && bits != 8) {
      return InvalidArgument(node.Label() + ": expert_weight_bits " + std::to_string(bits) + ", expected 4 or 8");
    }
    pack_size = bits == 4 ? 2 : 1;
    if (node.GetInt("block_size", 0) != 0) {
      return InvalidArgument(node.Label() + ": ORT's CUDA QMoE refuses a non-zero block_size (NOT_IMPLEMENTED)");
    }
    // ComputeInternal: ORT_ENFORCE that inputs 11-13 (zero points) are absent.
    for (size_t i = 11; i <= 13; ++i) {
      if (node.has_input(i)) {
        return InvalidArgument(node.Label() + ": input " + std::to_string(i) +
                               " (a zero point) is not yet implemented on CUDA for QMoE");
      }
    }
  }

  if (std::string why = FirstSymbolic(node, {0, 1, 2, layout.fc2_weights}); !why.empty()) {
    return Estimate::Unknown(node.Label() + ": " + why + "; the token, hidden and expert counts size the buffers");
  }
  const TensorInfo& router = node.inputs[1];
  const TensorInfo& fc1 = node.inputs[2];
  const TensorInfo& fc2 = node.inputs[layout.fc2_weights];
  if (input.rank() != 2 && input.rank() != 3) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(input.rank()) + ", expected 2 or 3");
  }
  if (router.rank() != 2) {
    return InvalidArgument(node.Label() + ": input 1 rank " + std::to_string(router.rank()) + ", expected 2");
  }
  if (fc1.rank() != 3 || fc2.rank() != 3) {
    return InvalidArgument(node.Label() + ": input " +
                           std::string(fc1.rank() != 3 ? "2" : std::to_string(layout.fc2_weights)) + " rank " +
                           std::to_string(fc1.rank() != 3 ? fc1.rank() : fc2.rank()) + ", expected 3");
  }
  MoEDims d;
  const Bytes rows = input.rank() == 2 ? Bytes::FromDim(input.dims[0].value)
                                       : Bytes::FromDim(input.dims[0].value) * Bytes::FromDim(input.dims[1].value);
  if (rows.overflow() || rows.value() > INT64_MAX) {
    return OutOfRange(node.Label() + ": the token count overflows 64 bits");
  }
  d.num_rows = static_cast<int64_t>(rows.value());
  d.hidden_size = input.dims.back().value;
  d.num_experts = router.dims[1].value;
  if (d.hidden_size == 0) return InvalidArgument(node.Label() + ": hidden_size (input 0's last dim) is 0");
  const Bytes fc2_elements = Bytes::FromDim(fc2.dims[1].value) * Bytes::FromDim(fc2.dims[2].value) * pack_size;
  if (fc2_elements.overflow() || fc2_elements.value() > INT64_MAX) {
    return OutOfRange(node.Label() + ": fc2_experts_weights' element count overflows 64 bits");
  }
  d.inter_size = static_cast<int64_t>(fc2_elements.value()) / d.hidden_size;
  // CHECK_TENSOR_SHAPE(router_probs, num_rows, num_experts) and fc1's expert count.
  if (router.dims[0].value != d.num_rows) {
    return InvalidArgument(node.Label() + ": input 1 dim 0 is " + std::to_string(router.dims[0].value) +
                           ", expected num_rows " + std::to_string(d.num_rows));
  }
  if (fc1.dims[0].value != d.num_experts) {
    return InvalidArgument(node.Label() + ": input 2 dim 0 is " + std::to_string(fc1.dims[0].value) +
                           ", expected num_experts " + std::to_string(d.num_experts));
  }

  const Bytes t_bytes = Bytes::FromDim(element_bytes);
  const Bytes k_rows = Bytes::FromDim(k) * Bytes::FromDim(d.num_rows);
  // getWorkspaceSize, element counts padded to 16 (pad_to_multiple_of_16).
  const Bytes buf_size = PadTo16(k_rows * d.hidden_size);
  const Bytes interbuf_size = PadTo16(k_rows * d.inter_size);
  const Bytes padded_experts = PadTo16(Bytes::FromDim(d.num_experts));
  const Bytes num_moe_inputs = PadTo16(k_rows);
  // The gating softmax keeps its own output unless num_experts is a power of two no larger than 256.
  const bool softmax_buffer = !IsPowerOfTwo(d.num_experts) || d.num_experts > 256;
  // fc1_result_: SwiGLU keeps the 2 * inter GEMM output and the inter activation; otherwise one inter buffer,
  // plus fc3_result_ when fc3 is present.
  const Bytes fc1_result = interbuf_size * (swiglu ? 3 : has_fc3 ? 2 : 1) * t_bytes;

  // The sorter's temp storage is aliased onto fc1_result_; only its excess over fc1_result is added.
  if (k_rows.overflow() || k_rows.value() > INT32_MAX) {
    return OutOfRange(node.Label() + ": k * num_rows exceeds the int item count the MoE sorter passes to CUB");
  }
  const SortSize sort = SorterTempStorage(static_cast<int64_t>(k_rows.value()), target);
  if (!sort.bytes) return Estimate::Unknown(node.Label() + ": " + sort.why_not);
  const Bytes sorter_ws = PadTo16(*sort.bytes);
  Bytes sort_excess(0);
  if (!sorter_ws.overflow() && !fc1_result.overflow() && sorter_ws.value() > fc1_result.value()) {
    sort_excess = PadTo16(Bytes(sorter_ws.value() - fc1_result.value()));
  }

  Estimate e{swiglu    ? "cutlass_grouped_swiglu"
             : has_fc3 ? "cutlass_grouped_fc3"
                       : "cutlass_grouped",
             Exactness::kExact};
  const std::string ws = std::string(kWorkspaceSource);
  // work_space, MakeUniquePtr<void>(temp-space allocator, ws_size), split here into getWorkspaceSize's terms.
  e.Add("workspace.source_permuted_rows", Bytes(3) * num_moe_inputs * Bytes(4), ws, Allocator::kTempSpace);
  e.Add("workspace.permuted_data", buf_size * t_bytes, ws, Allocator::kTempSpace);
  e.Add("workspace.total_rows_before_expert", padded_experts * Bytes(8), ws, Allocator::kTempSpace);
  e.Add("workspace.softmax_out",
        softmax_buffer ? PadTo16(Bytes::FromDim(d.num_rows) * d.num_experts) * t_bytes : Bytes(0), ws,
        Allocator::kTempSpace);
  e.Add("workspace.fc1_result", fc1_result, ws, Allocator::kTempSpace);
  e.Add("workspace.sort_excess", sort_excess, sort.source, Allocator::kTempSpace);
  // fc2_output: k * num_rows * hidden_size * sizeof(CudaT); expert_scales: k * num_rows * sizeof(CudaT);
  // expanded_source_row_to_expanded_dest_row and expert_for_source_row: k * num_rows * sizeof(int).
  e.Add("fc2_output", k_rows * d.hidden_size * t_bytes, layout.source, Allocator::kTempSpace);
  e.Add("expert_scales", k_rows * t_bytes, layout.source, Allocator::kTempSpace);
  e.Add("expanded_source_row_to_expanded_dest_row", k_rows * Bytes(4), layout.source, Allocator::kTempSpace);
  e.Add("expert_for_source_row", k_rows * Bytes(4), layout.source, Allocator::kTempSpace);
  e.reason = "num_rows " + std::to_string(d.num_rows) + ", hidden_size " + std::to_string(d.hidden_size) +
             ", inter_size " + std::to_string(d.inter_size) + ", num_experts " + std::to_string(d.num_experts) +
             ", k " + std::to_string(k) + "; sorter temp storage " + std::to_string(sorter_ws.value()) +
             " B aliased onto fc1_result (the grouped GEMM tactics take no workspace)";
  return e;
}

}  // namespace

// Mirrors ORT 1.29.0 contrib_ops/cuda/moe/moe.cc MoE<T>::ComputeInternal (com.microsoft opset 1; T in float,
// MLFloat16, BFloat16).
Result<Estimate> EstimateMoE(const NodeView& node, const Target& target) { return EstimateMoEImpl(node, target, kMoE); }

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/moe_quantization.cc QMoE<T>::QuantizedMoEImpl (com.microsoft
// opset 1; T in MLFloat16, BFloat16 with uint8 weights of 8 bits, or 4 bits packed two per byte).
Result<Estimate> EstimateQMoE(const NodeView& node, const Target& target) {
  return EstimateMoEImpl(node, target, kQMoE);
}

}  // namespace wsest::estimators
