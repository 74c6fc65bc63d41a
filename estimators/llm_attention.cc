// ai.onnx Attention (opset 23 and 24) on the CUDA EP, mirroring ONNX Runtime 1.29.0
// core/providers/cuda/llm/attention.cc Attention<T>::ComputeInternal and its three runners
// (RunFlashAttention, RunMemoryEfficientAttention, RunUnfusedAttention), with the shapes of
// core/providers/cpu/llm/attention_helper.h ComputeOutputShapeForAttention.
//
// Dispatch, in the EP's order: flash -> memory-efficient (CUTLASS) -> unified unfused. Every condition
// is a function of shapes, attributes, the element type and the device, so the choice is exact.
// Layout: 3-D Q/K/V are BSNH (the output is transposed back, `transpose_output`); 4-D are BNSH. Flash and
// memory-efficient want Q in BSNH and write BSNH, so 4-D inputs take transpose scratch; unfused wants BNSH,
// so 3-D inputs do.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "estimators/attention_common.h"
#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

namespace attn = wsest::estimators::attention;

constexpr const char* kFlashRunner =
    "onnxruntime 1.29.0 core/providers/cuda/llm/attention.cc Attention<T>::RunFlashAttention";
constexpr const char* kMeaRunner =
    "onnxruntime 1.29.0 core/providers/cuda/llm/attention.cc Attention<T>::RunMemoryEfficientAttention";
constexpr const char* kUnfusedRunner =
    "onnxruntime 1.29.0 core/providers/cuda/llm/attention.cc Attention<T>::RunUnfusedAttention";
constexpr const char* kMaskToBias =
    "onnxruntime 1.29.0 core/providers/cuda/llm/attention.cc Attention<T>::ConvertAttnMaskToBias";
constexpr const char* kUnfusedWorkspace =
    "onnxruntime 1.29.0 core/providers/cuda/llm/attention.cc RunUnfusedAttention "
    "(contrib_ops/cuda/bert/unfused_attention.h GetUnfusedAttentionWorkspaceSize)";

// attention_helper::AttentionParameters, as ComputeOutputShapeForAttention fills it.
struct LlmDims {
  DataType dtype = DataType::kUndefined;
  int64_t element_size = 0;
  bool is_bsnh = false;  // 3-D inputs: parameters.transpose_output
  int64_t batch_size = 0;
  int64_t q_sequence_length = 0;
  int64_t kv_sequence_length = 0;
  int64_t past_sequence_length = 0;
  int64_t total_sequence_length = 0;
  int64_t q_num_heads = 0;
  int64_t kv_num_heads = 0;
  int64_t head_size = 0;
  int64_t v_head_size = 0;
  bool is_causal = false;
  bool has_past = false;
  bool has_nonpad = false;  // opset 24 nonpad_kv_seqlen
  bool has_mask = false;
  bool mask_is_bool = false;
  int64_t mask_elements = 0;
  bool has_present_key = false;
  bool has_present_value = false;
  int64_t qk_mode = -1;  // QKMatMulOutputMode: kNone (-1) unless output 3 exists, then the attribute (default 0)
  bool is_gqa() const { return q_num_heads != kv_num_heads; }
  bool has_output_qk() const { return qk_mode != -1; }
};

Error Invalid(const NodeView& node, const std::string& cause) { return InvalidArgument(node.Label() + ": " + cause); }

// The value of `input`'s dim `axis`, or sets *unknown naming it.
int64_t Need(const NodeView& node, size_t input, const char* what, size_t axis, std::string* unknown) {
  const Dim& d = node.inputs[input].dims[axis];
  if (d.known()) return d.value;
  if (unknown->empty()) {
    *unknown = fmt::format("{}: {} dim {} '{}' is symbolic", node.Label(), what, axis, d.symbol.empty() ? "?" : d.symbol);
  }
  return -1;
}

Result<LlmDims> ParseLlm(const NodeView& node, std::string* unknown) {
  LlmDims d;
  for (size_t i = 0; i < 3; ++i) {
    if (!node.has_input(i)) return Invalid(node, fmt::format("input {} ({}) is missing", i, i == 0 ? "Q" : i == 1 ? "K" : "V"));
    if (!node.inputs[i].has_shape) {
      *unknown = fmt::format("{}: input {} has no shape", node.Label(), i);
      return d;
    }
  }
  const TensorInfo& q = node.inputs[0];
  const TensorInfo& k = node.inputs[1];
  const TensorInfo& v = node.inputs[2];
  d.dtype = q.dtype;
  d.element_size = ElementSize(d.dtype);
  if (q.rank() != 3 && q.rank() != 4) return Invalid(node, fmt::format("input 0 (Q) rank {}, expected 3 or 4", q.rank()));
  if (k.rank() != q.rank() || v.rank() != q.rank()) {
    return Invalid(node, fmt::format("Q, K and V must have the same rank, got {}, {}, {}", q.rank(), k.rank(), v.rank()));
  }
  d.is_bsnh = q.rank() == 3;
  d.is_causal = node.GetInt("is_causal", 0) == 1;
  if (d.is_bsnh) {
    // 3-D: the head counts come from q_num_heads / kv_num_heads.
    d.q_num_heads = node.GetInt("q_num_heads", 0);
    d.kv_num_heads = node.GetInt("kv_num_heads", 0);
    if (d.q_num_heads <= 0 || d.kv_num_heads <= 0) {
      return Invalid(node, "3-D inputs need positive q_num_heads and kv_num_heads attributes");
    }
    d.batch_size = Need(node, 0, "Q", 0, unknown);
    d.q_sequence_length = Need(node, 0, "Q", 1, unknown);
    const int64_t q_hidden = Need(node, 0, "Q", 2, unknown);
    d.kv_sequence_length = Need(node, 1, "K", 1, unknown);
    const int64_t k_hidden = Need(node, 1, "K", 2, unknown);
    const int64_t v_hidden = Need(node, 2, "V", 2, unknown);
    if (!unknown->empty()) return d;
    if (q_hidden % d.q_num_heads != 0 || k_hidden % d.kv_num_heads != 0 || v_hidden % d.kv_num_heads != 0) {
      return Invalid(node, fmt::format("hidden sizes Q {}, K {}, V {} are not multiples of q_num_heads {} / kv_num_heads {}",
                                       q_hidden, k_hidden, v_hidden, d.q_num_heads, d.kv_num_heads));
    }
    d.head_size = q_hidden / d.q_num_heads;
    d.v_head_size = v_hidden / d.kv_num_heads;
    if (k_hidden / d.kv_num_heads != d.head_size) {
      return Invalid(node, fmt::format("K head size {} differs from Q head size {}", k_hidden / d.kv_num_heads, d.head_size));
    }
  } else {
    d.batch_size = Need(node, 0, "Q", 0, unknown);
    d.q_num_heads = Need(node, 0, "Q", 1, unknown);
    d.q_sequence_length = Need(node, 0, "Q", 2, unknown);
    d.head_size = Need(node, 0, "Q", 3, unknown);
    d.kv_num_heads = Need(node, 1, "K", 1, unknown);
    d.kv_sequence_length = Need(node, 1, "K", 2, unknown);
    d.v_head_size = Need(node, 2, "V", 3, unknown);
    if (!unknown->empty()) return d;
    if (k.dims[3].known() && k.dims[3].value != d.head_size) {
      return Invalid(node, fmt::format("K dim 3 = {}, expected Q's head size {}", k.dims[3].value, d.head_size));
    }
  }
  if (d.kv_num_heads <= 0 || d.q_num_heads % d.kv_num_heads != 0) {
    return Invalid(node, fmt::format("q_num_heads {} is not a multiple of kv_num_heads {}", d.q_num_heads, d.kv_num_heads));
  }

  // past_key / past_value: [B, kv_num_heads, past_sequence_length, head_size]; total = past + kv.
  d.has_past = node.has_input(4);
  if (d.has_past != node.has_input(5)) return Invalid(node, "past_key and past_value must be both present or both absent");
  if (d.has_past) {
    const TensorInfo& past = node.inputs[4];
    if (!past.has_shape) {
      *unknown = node.Label() + ": past_key has no shape";
      return d;
    }
    if (past.rank() != 4) return Invalid(node, fmt::format("input 4 (past_key) rank {}, expected 4", past.rank()));
    d.past_sequence_length = Need(node, 4, "past_key", 2, unknown);
    if (!unknown->empty()) return d;
  }
  d.total_sequence_length = d.past_sequence_length + d.kv_sequence_length;
  d.has_nonpad = node.has_input(6);
  if (d.has_nonpad && d.has_past) {
    return Invalid(node, "nonpad_kv_seqlen and past_key are mutually exclusive (external vs internal cache)");
  }

  d.has_mask = node.has_input(3);
  if (d.has_mask) {
    const TensorInfo& mask = node.inputs[3];
    d.mask_is_bool = mask.dtype == DataType::kBool;
    if (d.mask_is_bool) {
      // A bool mask becomes a T-typed bias of the mask's own element count.
      if (!mask.fully_known()) {
        *unknown = fmt::format("{}: attn_mask {} is symbolic; a bool mask is converted to a bias of its size",
                               node.Label(), mask.first_unknown_dim());
        return d;
      }
      d.mask_elements = *mask.element_count();
    }
  }
  d.has_present_key = node.has_output(1);
  d.has_present_value = node.has_output(2);
  if (node.has_output(3)) d.qk_mode = node.GetInt("qk_matmul_output_mode", 0);

  // REGISTER_KERNEL_TYPED / REGISTER_KERNEL_TYPED_24: float, MLFloat16, BFloat16.
  if (d.dtype != DataType::kFloat && d.dtype != DataType::kFloat16 && d.dtype != DataType::kBfloat16) {
    *unknown = node.Label() + ": the CUDA Attention kernel is not registered for " + DataTypeName(d.dtype) +
               " (float, float16, bfloat16)";
  }
  return d;
}

Bytes Elems(const LlmDims& d, int64_t a, int64_t b, int64_t c, int64_t e) {
  return Bytes::FromDim(d.element_size) * a * b * c * e;
}

// A bool attn_mask is converted into a T bias of the same element count.
void AddMaskBias(Estimate& e, const LlmDims& d, const char* source) {
  if (d.has_mask && d.mask_is_bool) e.Add("converted_mask_bias", Bytes::FromDim(d.element_size) * d.mask_elements, source);
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/llm/attention.cc Attention<T>::ComputeInternal (registered for
// opset 23 (versioned 23-23) and 24+, T in {float, MLFloat16, BFloat16}).
Result<Estimate> EstimateOnnxAttention(const NodeView& node, const Target& target) {
  std::string unknown;
  WSEST_ASSIGN_OR_RETURN(LlmDims d, ParseLlm(node, &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown);
  WSEST_ASSIGN_OR_RETURN(attn::KernelOptions ko, attn::ParseKernelOptions(target.ep));

  const DeviceProfile& dev = target.device;
  const int sm = dev.sm();
  const bool is_float = d.dtype == DataType::kFloat;
  const bool is_fp16 = d.dtype == DataType::kFloat16;
  const bool is_bf16 = d.dtype == DataType::kBfloat16;
  std::vector<Candidate> tried;

  // --- Flash: the `flash_eligible` conjunction, in its order.
  // Constructor: disable_flash_attention_ = is float || !UseFlashAttention().
  const bool causal_cross_no_past =
      d.is_causal && d.q_sequence_length != d.total_sequence_length && d.past_sequence_length == 0;
  std::string flash_reject;
  if (is_float) flash_reject = "float element type";
  else if (!ko.use_flash_attention) flash_reject = "disabled (sdpa_kernel / ORT_DISABLE_FLASH_ATTENTION)";
  else if (!attn::FlashIsSupported(sm, d.head_size, d.q_num_heads, d.kv_num_heads)) {
    flash_reject = fmt::format("flash::is_supported false (SM {}, head_size {})", sm, d.head_size);
  } else if (d.head_size != d.v_head_size) flash_reject = "head_size != v_head_size";
  else if (d.has_output_qk()) flash_reject = "output_qk requested";
  else if (causal_cross_no_past) flash_reject = "causal with q_sequence_length != total_sequence_length and no past (upper-left alignment)";
  else if (d.has_mask) flash_reject = "attn_mask present";
  if (flash_reject.empty()) {
    Estimate e{"flash", Exactness::kExact};
    e.candidates = std::move(tried);
    // softmax_lse and the split accumulators: get_num_splits_and_buffer_sizes(B, Sq, T, Nq, H, SMs).
    e.Add("softmax_lse", attn::FlashSoftmaxLseBytes(d.batch_size, d.q_num_heads, d.q_sequence_length),
          attn::kSrcFlashSoftmaxLse);
    const attn::FlashSplitBuffers splits = attn::FlashSplitBufferSizes(
        d.batch_size, d.q_sequence_length, d.total_sequence_length, d.q_num_heads, d.head_size, dev.sm_count);
    if (splits.num_splits > 1) {
      e.Add("softmax_lse_accum", splits.softmax_lse_accum, attn::kSrcFlashSplits);
      e.Add("out_accum", splits.out_accum, attn::kSrcFlashSplits);
    }
    if (!d.is_bsnh) {
      // 4-D: q_bsnh_buffer (Q transposed to BSNH) and out_bsnh_buffer (flash writes BSNH).
      e.Add("q_bsnh", Elems(d, d.batch_size, d.q_sequence_length, d.q_num_heads, d.head_size), kFlashRunner);
      e.Add("out_bsnh", Elems(d, d.batch_size, d.q_sequence_length, d.q_num_heads, d.v_head_size), kFlashRunner);
    }
    if (d.has_nonpad) {
      e.Add("seqlens_k", Bytes(4) * d.batch_size, kFlashRunner);  // Path 1: nonpad_kv_seqlen -> int32
    } else if (d.has_past) {
      // Path 2: past_seqlens, new K/V transposed to BSNH for the concat when 4-D, and seqlens_k.
      e.Add("past_seqlens", Bytes(4) * d.batch_size, kFlashRunner);
      if (!d.is_bsnh) {
        e.Add("k_bsnh", Elems(d, d.batch_size, d.kv_sequence_length, d.kv_num_heads, d.head_size), kFlashRunner);
        e.Add("v_bsnh", Elems(d, d.batch_size, d.kv_sequence_length, d.kv_num_heads, d.v_head_size), kFlashRunner);
      }
      e.Add("seqlens_k", Bytes(4) * d.batch_size, kFlashRunner);
    }
    return e;
  }
  tried.push_back({"flash", flash_reject, std::nullopt});

  // --- Memory-efficient: the `mea_eligible` conjunction, then the bias-stride alignment check.
  std::string mea_reject;
  if (!ko.use_efficient_attention) mea_reject = "disabled (sdpa_kernel / ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION)";
  else if (!attn::HasMemoryEfficientAttention(sm, is_fp16, is_bf16, d.head_size, d.v_head_size)) {
    mea_reject = fmt::format("has_memory_efficient_attention false (SM {}, head sizes {}/{}, {})", sm, d.head_size,
                             d.v_head_size, DataTypeName(d.dtype));
  } else if (d.has_output_qk()) mea_reject = "output_qk requested";
  else if (d.has_past && d.head_size != d.v_head_size) mea_reject = "past_key with head_size != v_head_size";
  else if (d.is_gqa() && is_float) mea_reject = "grouped heads with float (LaunchUngroup has no fp32 instance)";
  else if (d.has_mask && d.total_sequence_length % 4 != 0) {
    mea_reject = fmt::format("attn_mask bias row stride total_sequence_length {} is not a multiple of 4",
                             d.total_sequence_length);
  }
  if (mea_reject.empty()) {
    Estimate e{"memory_efficient", Exactness::kExact};
    e.candidates = std::move(tried);
    if (!d.is_bsnh) {
      e.Add("q_bsnh", Elems(d, d.batch_size, d.q_sequence_length, d.q_num_heads, d.head_size), kMeaRunner);
      e.Add("out_bsnh", Elems(d, d.batch_size, d.q_sequence_length, d.q_num_heads, d.v_head_size), kMeaRunner);
    }
    if (d.has_past) {
      // The concat needs a destination even when present_key/value are not requested.
      if (!d.has_present_key) {
        e.Add("present_k_scratch", Elems(d, d.batch_size, d.kv_num_heads, d.total_sequence_length, d.head_size), kMeaRunner);
      }
      if (!d.has_present_value) {
        e.Add("present_v_scratch", Elems(d, d.batch_size, d.kv_num_heads, d.total_sequence_length, d.v_head_size),
              kMeaRunner);
      }
      e.Add("past_seqlens", Bytes(4) * d.batch_size, kMeaRunner);
      if (!d.is_bsnh) {
        e.Add("k_bsnh", Elems(d, d.batch_size, d.kv_sequence_length, d.kv_num_heads, d.head_size), kMeaRunner);
        e.Add("v_bsnh", Elems(d, d.batch_size, d.kv_sequence_length, d.kv_num_heads, d.v_head_size), kMeaRunner);
      }
    }
    if (d.is_gqa()) {
      // LaunchUngroup: K and V expanded to q_num_heads over total_sequence_length.
      e.Add("k_expand", Elems(d, d.batch_size, d.total_sequence_length, d.q_num_heads, d.head_size), kMeaRunner);
      e.Add("v_expand", Elems(d, d.batch_size, d.total_sequence_length, d.q_num_heads, d.head_size), kMeaRunner);
    }
    if (d.has_nonpad) e.Add("seqlens_k", Bytes(4) * d.batch_size, kMeaRunner);
    AddMaskBias(e, d, kMaskToBias);
    if (attn::MemoryEfficientNeedsAccumulator(d.v_head_size, is_float)) {
      e.Add("workspace_fp32",
            attn::MemoryEfficientAccumulatorBytes(d.batch_size, d.q_sequence_length, d.q_num_heads, d.v_head_size),
            attn::kSrcMemoryEfficientAccumulator);
    }
    return e;
  }
  tried.push_back({"memory_efficient", mea_reject, std::nullopt});

  // --- Unified unfused: only kNone and kQK output modes.
  if (d.qk_mode != -1 && d.qk_mode != 0) {
    Estimate e = Estimate::Unknown(fmt::format(
        "{}: qk_matmul_output_mode {} is NOT_IMPLEMENTED by the CUDA unfused path (kNone and kQK only)", node.Label(),
        d.qk_mode));
    tried.push_back({"unfused", "qk_matmul_output_mode not kNone/kQK", std::nullopt});
    e.candidates = std::move(tried);
    return e;
  }
  Estimate e{"unfused", Exactness::kExact};
  e.candidates = std::move(tried);
  if (d.is_bsnh) {
    e.Add("q_bnsh", Elems(d, d.batch_size, d.q_sequence_length, d.q_num_heads, d.head_size), kUnfusedRunner);
  }
  if (d.has_past) {
    e.Add("past_seqlens", Bytes(4) * d.batch_size, kUnfusedRunner);
    if (!d.is_bsnh) {
      e.Add("k_new_bsnh", Elems(d, d.batch_size, d.kv_sequence_length, d.kv_num_heads, d.head_size), kUnfusedRunner);
      e.Add("v_new_bsnh", Elems(d, d.batch_size, d.kv_sequence_length, d.kv_num_heads, d.v_head_size), kUnfusedRunner);
    }
  } else if (d.is_bsnh && !(d.has_present_key && d.has_present_value)) {
    // No present outputs to transpose into: K/V go to BNSH scratch.
    e.Add("k_bnsh", Elems(d, d.batch_size, d.total_sequence_length, d.kv_num_heads, d.head_size), kUnfusedRunner);
    e.Add("v_bnsh", Elems(d, d.batch_size, d.total_sequence_length, d.kv_num_heads, d.v_head_size), kUnfusedRunner);
  }
  if (d.has_nonpad) e.Add("seqlens_k", Bytes(4) * d.batch_size, kUnfusedRunner);
  AddMaskBias(e, d, kMaskToBias);
  if (d.is_bsnh) {
    e.Add("out_bnsh", Elems(d, d.batch_size, d.q_sequence_length, d.q_num_heads, d.v_head_size), kUnfusedRunner);
  }
  // GetUnfusedAttentionWorkspaceSize(B, Nq, Sq, T): fp32 QK and the softmax scratch, each align256(4*B*N*Sq*T).
  const Bytes qk =
      attn::AttentionScratchBytes(4, d.batch_size, d.q_num_heads, d.q_sequence_length, d.total_sequence_length);
  e.Add("unfused_workspace", qk + qk, kUnfusedWorkspace);
  return e;
}

}  // namespace wsest::estimators
