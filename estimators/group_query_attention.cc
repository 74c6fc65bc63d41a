// com.microsoft GroupQueryAttention on the CUDA EP, mirroring ONNX Runtime 1.29.0
// contrib_ops/cuda/bert/group_query_attention.cc GroupQueryAttention<T, U>::ComputeInternal, with the
// input rules of contrib_ops/cpu/bert/group_query_attention_helper.h CheckInputs, the QKV preprocessing
// sizes of group_query_attention_impl.h GQABufferRequirements::Compute and the backend recipes of
// group_query_attention_workspace.cc (GetGQAXqaWorkspaceRecipe reproduces GetXQAScratchSize) and
// group_query_attention_workspace_mea_unfused.cc.
//
// Dispatch, in the EP's order: XQA -> cuDNN SDPA -> flash (fast decode or regular, split-KV by
// num_splits_heuristic) -> memory-efficient (CUTLASS, K/V head expansion) -> unfused fallback.
//
// Two facts are decided only at run time, and make the estimate a maximum over what they allow:
//  * total_sequence_length (input 6) is a CPU scalar. Its value is read from the model when it is a
//    constant; otherwise it is bounded by the shapes (see TotalSequenceBound).
//  * past/present sharing: the kernel compares the past_key and present_key pointers
//    (`past_present_share_buffer`), which depends on how the run binds buffers (MayInplace(3, 1)).
//    XQA and flash fast decode need it; when the shapes allow both, both routes are kept.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "estimators/attention_common.h"
#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

namespace attn = wsest::estimators::attention;

constexpr const char* kGqaCompute =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/group_query_attention.cc GroupQueryAttention<T, U>::ComputeInternal";
constexpr const char* kGqaBufferRequirements =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/group_query_attention_impl.h GQABufferRequirements::Compute";
constexpr const char* kGqaXqaScratch =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/group_query_attention.cc ComputeInternal (GetXQAScratchSize, as "
    "group_query_attention_workspace.cc GetGQAXqaWorkspaceRecipe lays it out)";
constexpr const char* kGqaUnfused =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/group_query_attention.cc ComputeInternal unfused_scratch "
    "(GetUnfusedAttentionWorkspaceSize; group_query_attention_workspace_mea_unfused.cc GetGQAUnfusedWorkspaceRecipe)";

enum class KvQuant { kNone, kPerTensor, kPerChannel };

// StringToKVQuantizationType: upper-cased; anything unrecognised is NONE.
KvQuant ParseKvQuant(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (s == "PER_TENSOR") return KvQuant::kPerTensor;
  if (s == "PER_CHANNEL") return KvQuant::kPerChannel;
  return KvQuant::kNone;
}

// The node as ComputeInternal sees it after CheckInputs (names follow GroupQueryAttentionParameters).
struct GqaDims {
  DataType dtype = DataType::kUndefined;        // T
  DataType cache_dtype = DataType::kUndefined;  // U (T_CACHE)
  int64_t element_size = 0;
  int64_t batch_size = 0;
  int64_t sequence_length = 0;
  int64_t kv_sequence_length = 0;
  int64_t num_heads = 0;
  int64_t kv_num_heads = 0;
  int64_t head_size = 0;
  bool is_packed_qkv = false;
  bool has_past = false;
  int64_t past_capacity = 0;  // seqlen_past_kv_cache: past_key dim 2
  // total_sequence_length: exact when `total_exact`, else an upper bound (`total_reason` says which).
  int64_t total_sequence_length = 0;
  bool total_exact = true;
  std::string total_reason;
  int64_t present_capacity = 0;  // seqlen_present_kv_cache = max(total_sequence_length, past_capacity)
  bool is_first_prompt = false;  // sequence_length == total_sequence_length
  int64_t local_window_size = -1;
  bool do_rotary = false;
  float softcap = 0.0f;
  bool use_smooth_softmax = false;  // attribute, or a head_sink input
  bool has_head_sink = false;
  bool head_sink_is_initializer = false;
  bool has_attention_bias = false;
  bool use_qk_norm = false;
  KvQuant k_quant = KvQuant::kNone;
  KvQuant v_quant = KvQuant::kNone;
  bool same_kv_scale = false;  // k_scale and v_scale are one tensor
  int64_t kv_cache_bit_width = 0;
  bool is_quantized() const { return k_quant != KvQuant::kNone || v_quant != KvQuant::kNone; }
  int64_t group_size() const { return num_heads / kv_num_heads; }
};

// A known dim or the Unknown naming it.
struct DimOrUnknown {
  int64_t value = -1;
  std::string unknown;
};

Result<DimOrUnknown> KnownDim(const NodeView& node, size_t input, const char* what, size_t axis) {
  const TensorInfo& t = node.inputs[input];
  const Dim& dim = t.dims[axis];
  if (dim.known()) return DimOrUnknown{dim.value, {}};
  return DimOrUnknown{-1, fmt::format("{}: {} dim {} '{}' is symbolic", node.Label(), what, axis,
                                      dim.symbol.empty() ? "?" : dim.symbol)};
}

Error Invalid(const NodeView& node, const std::string& cause) { return InvalidArgument(node.Label() + ": " + cause); }

// Bounds total_sequence_length (input 6, a CPU int32 scalar) from what the model fixes.
// group_query_attention_helper.h CheckInputs: present_sequence_length = max(total, past dim 2), so a known
// present_key dim 2 bounds it; else a past cache of P rows plus S new tokens (P when shared, past_len + S
// when not, past_len <= P); else, with no past, the first-prompt check (sequence_length ==
// total_sequence_length) leaves S as the one value a prompt accepts.
void TotalSequenceBound(const NodeView& node, GqaDims& d) {
  const TensorInfo* total = node.input(6);
  if (total != nullptr && total->int_values && total->int_values->size() == 1) {
    d.total_sequence_length = (*total->int_values)[0];
    d.total_exact = true;
    d.total_reason = "total_sequence_length is the constant " + std::to_string(d.total_sequence_length);
    return;
  }
  const TensorInfo* present = node.output(1);
  if (present != nullptr && present->rank() == 4 && present->dims[2].known()) {
    d.total_sequence_length = present->dims[2].value;
    d.total_exact = false;
    d.total_reason = fmt::format("total_sequence_length is a run-time scalar; bounded by present_key dim 2 = {}",
                                 d.total_sequence_length);
    return;
  }
  if (d.has_past) {
    if (__builtin_add_overflow(d.past_capacity, d.sequence_length, &d.total_sequence_length)) {
      d.total_sequence_length = INT64_MAX;  // sizes built from it overflow and are reported by EstimateNode
    }
    d.total_exact = false;
    d.total_reason = fmt::format(
        "total_sequence_length is a run-time scalar; bounded by past_key dim 2 + sequence_length = {} + {} = {} "
        "(assumes seqlens_k consistent with the past; ORT does not check it)",
        d.past_capacity, d.sequence_length, d.total_sequence_length);
    return;
  }
  d.total_sequence_length = d.sequence_length;
  d.total_exact = true;
  d.total_reason = "no past KV: the prompt check (sequence_length == total_sequence_length) fixes it at " +
                   std::to_string(d.sequence_length);
}

// Parses into GqaDims; Unknown (in `unknown`) for a symbolic dim or an unregistered type.
Result<GqaDims> ParseGqa(const NodeView& node, std::string* unknown) {
  GqaDims d;
  d.num_heads = node.GetInt("num_heads", 0);
  d.kv_num_heads = node.GetInt("kv_num_heads", 0);
  // GroupQueryAttention constructor: ORT_ENFORCE(num_heads > 0), (kv_num_heads > 0 && num_heads % kv_num_heads == 0).
  if (d.num_heads <= 0) return Invalid(node, "attribute num_heads must be positive");
  if (d.kv_num_heads <= 0) return Invalid(node, "attribute kv_num_heads must be positive");
  if (d.num_heads % d.kv_num_heads != 0) {
    return Invalid(node, fmt::format("num_heads {} is not a multiple of kv_num_heads {}", d.num_heads, d.kv_num_heads));
  }
  if (!node.has_input(0)) return Invalid(node, "input 0 (query) is missing");
  const TensorInfo& query = node.inputs[0];
  d.dtype = query.dtype;
  d.element_size = ElementSize(d.dtype);
  d.is_packed_qkv = !node.has_input(1);
  // Check_Q_K_V / Check_QKV: "key and value shall be both present, or both absent".
  if (d.is_packed_qkv != !node.has_input(2)) {
    return Invalid(node, "inputs 1 (key) and 2 (value) must be both present or both absent");
  }
  if (!query.has_shape) {
    *unknown = node.Label() + ": query has no shape";
    return d;
  }
  if (query.rank() != 3) return Invalid(node, fmt::format("input 0 (query) rank {}, expected 3", query.rank()));

  // The dims every buffer needs: batch, sequence and hidden of query.
  for (size_t axis = 0; axis < 3; ++axis) {
    WSEST_ASSIGN_OR_RETURN(DimOrUnknown dim, KnownDim(node, 0, "query", axis));
    if (!dim.unknown.empty()) {
      *unknown = dim.unknown;
      return d;
    }
  }
  d.batch_size = query.dims[0].value;
  d.sequence_length = query.dims[1].value;
  const int64_t hidden = query.dims[2].value;
  if (d.is_packed_qkv) {
    // Check_QKV: head_size = d / (num_heads + 2 * kv_num_heads).
    const int64_t parts = d.num_heads + 2 * d.kv_num_heads;
    if (hidden % parts != 0) {
      return Invalid(node, fmt::format("packed query dim 2 = {} is not a multiple of num_heads + 2 * kv_num_heads = {}",
                                       hidden, parts));
    }
    d.head_size = hidden / parts;
    d.kv_sequence_length = d.sequence_length;
  } else {
    if (hidden % d.num_heads != 0) {
      return Invalid(node, fmt::format("query dim 2 = {} is not a multiple of num_heads {}", hidden, d.num_heads));
    }
    d.head_size = hidden / d.num_heads;  // Check_Q_K_V
    const TensorInfo& key = node.inputs[1];
    if (key.has_shape && key.rank() != 3) return Invalid(node, fmt::format("input 1 (key) rank {}, expected 3", key.rank()));
    d.kv_sequence_length = d.sequence_length;
    if (key.has_shape) {
      WSEST_ASSIGN_OR_RETURN(DimOrUnknown kv_seq, KnownDim(node, 1, "key", 1));
      if (!kv_seq.unknown.empty()) {
        *unknown = kv_seq.unknown;
        return d;
      }
      d.kv_sequence_length = kv_seq.value;
    }
  }
  // Check_Q_K_V: "head_size must be a multiple of 8".
  if (d.head_size % 8 != 0) return Invalid(node, fmt::format("head_size {} is not a multiple of 8", d.head_size));

  d.kv_cache_bit_width = node.GetInt("kv_cache_bit_width", 0);
  if (d.kv_cache_bit_width != 0 && d.kv_cache_bit_width != 4 && d.kv_cache_bit_width != 8) {
    return Invalid(node, fmt::format("kv_cache_bit_width must be 0, 4 or 8, got {}", d.kv_cache_bit_width));
  }

  // Past KV: CheckPast, BNSH [B, kv_num_heads, capacity, head_size (halved for 4-bit)].
  d.has_past = node.has_input(3);
  if (d.has_past != node.has_input(4)) return Invalid(node, "past_key and past_value must be both present or both absent");
  d.cache_dtype = d.dtype;
  if (d.has_past) {
    const TensorInfo& past = node.inputs[3];
    d.cache_dtype = past.dtype;
    if (!past.has_shape) {
      *unknown = node.Label() + ": past_key has no shape";
      return d;
    }
    if (past.rank() != 4) return Invalid(node, fmt::format("input 3 (past_key) rank {}, expected 4", past.rank()));
    if (past.dims[1].known() && past.dims[1].value != d.kv_num_heads) {
      return Invalid(node, fmt::format("input 3 (past_key) dim 1 = {}, expected kv_num_heads {}", past.dims[1].value,
                                       d.kv_num_heads));
    }
    const int64_t packed_head = d.kv_cache_bit_width == 4 ? d.head_size / 2 : d.head_size;
    if (past.dims[3].known() && past.dims[3].value != packed_head) {
      return Invalid(node, fmt::format("input 3 (past_key) dim 3 = {}, expected head_size {}", past.dims[3].value,
                                       packed_head));
    }
    WSEST_ASSIGN_OR_RETURN(DimOrUnknown cap, KnownDim(node, 3, "past_key", 2));
    if (!cap.unknown.empty()) {
      *unknown = cap.unknown;
      return d;
    }
    d.past_capacity = cap.value;
  } else if (const TensorInfo* present = node.output(1); present != nullptr && present->dtype != DataType::kUndefined) {
    d.cache_dtype = present->dtype;
  }

  d.local_window_size = node.GetInt("local_window_size", -1);
  d.do_rotary = node.GetInt("do_rotary", 0) == 1;
  d.softcap = node.GetFloat("softcap", 0.0f);
  d.has_head_sink = node.has_input(11);
  d.head_sink_is_initializer = d.has_head_sink && node.inputs[11].is_initializer;
  d.use_smooth_softmax = node.GetInt("smooth_softmax", 0) == 1 || d.has_head_sink;
  d.has_attention_bias = node.has_input(10);
  d.k_quant = ParseKvQuant(node.GetString("k_quant_type", "NONE"));
  d.v_quant = ParseKvQuant(node.GetString("v_quant_type", "NONE"));
  d.same_kv_scale = node.has_input(12) && node.has_input(13) && node.inputs[12].name == node.inputs[13].name;

  // ComputeInternal's input checks, in its order.
  if (node.has_input(14) != node.has_input(15)) {
    return Invalid(node, "q_norm_weight and k_norm_weight must be provided together");
  }
  d.use_qk_norm = node.has_input(14);
  if (d.k_quant != KvQuant::kNone && !node.has_input(12)) {
    return Invalid(node, "k_scale must be provided when k_quant_type is not NONE");
  }
  if (d.v_quant != KvQuant::kNone && !node.has_input(13)) {
    return Invalid(node, "v_scale must be provided when v_quant_type is not NONE");
  }
  if (d.has_attention_bias && d.is_quantized()) {
    return Invalid(node, "ORT's kernel refuses attention_bias with a quantized KV cache (NOT_IMPLEMENTED)");
  }
  if (d.has_attention_bias && d.use_smooth_softmax) {
    return Invalid(node, "ORT's kernel refuses attention_bias with smooth softmax or head_sink (NOT_IMPLEMENTED)");
  }
  if (d.do_rotary && (!node.has_input(7) || !node.has_input(8))) {
    return Invalid(node, "cos_cache and sin_cache must be passed when do_rotary = 1");
  }
  if (!node.has_input(5)) return Invalid(node, "input 5 (seqlens_k) is missing");
  if (!node.has_input(6)) return Invalid(node, "input 6 (total_sequence_length) is missing");
  if (const TensorInfo& total = node.inputs[6]; total.int_values && total.int_values->size() != 1) {
    return Invalid(node, "total_sequence_length tensor must be of one element");
  }

  // REGISTER_KERNEL_TYPED: T in {MLFloat16, BFloat16}; T_CACHE = T, int8 (and FP8 E4M3FN / uint8 in builds
  // with USE_FP8_KV_CACHE / USE_INT4_KV_CACHE).
  if (d.dtype != DataType::kFloat16 && d.dtype != DataType::kBfloat16) {
    *unknown = node.Label() + ": the CUDA GroupQueryAttention kernel is not registered for " + DataTypeName(d.dtype) +
               " (float16 and bfloat16 only)";
    return d;
  }
  const bool cache_ok = d.cache_dtype == d.dtype || d.cache_dtype == DataType::kInt8 ||
                        d.cache_dtype == DataType::kFloat8E4M3FN || d.cache_dtype == DataType::kUint8;
  if (!cache_ok) {
    *unknown = node.Label() + ": no CUDA GroupQueryAttention kernel for a " + DataTypeName(d.cache_dtype) + " KV cache";
    return d;
  }

  TotalSequenceBound(node, d);
  if (d.total_sequence_length <= 0) return Invalid(node, "total_sequence_length must be positive");
  d.present_capacity = std::max(d.total_sequence_length, d.past_capacity);
  d.is_first_prompt = d.sequence_length == d.total_sequence_length;
  // CheckInputs: "sequence_length shall be 1 when it is not prompt" (a subsequent prompt needs batch 1).
  if (d.total_exact && !d.is_first_prompt && d.sequence_length != 1 && d.batch_size != 1) {
    return Invalid(node, "batch_size must be 1 when sequence_length > 1 and past context is given");
  }
  return d;
}

// What a route needs from the EP's options and variables.
struct GqaOptions {
  attn::KernelOptions kernel;
  bool enable_xqa = true;          // ORT_ENABLE_XQA, default 1 (constructor)
  bool disable_flash_decode = false;  // ORT_DISABLE_FLASH_DECODE, default false
};

// Buffers common to every route: seq_lens and the QKV preprocessing buffer.
// ComputeInternal: seq_lens_buffer = GetScratchBuffer<int>(3 * B) unless fast decode with S == 1.
void AddSeqLens(Estimate& e, const GqaDims& d, bool fast_decode) {
  if (fast_decode && d.sequence_length == 1) return;
  e.Add("seq_lens", Bytes(4) * 3 * d.batch_size, kGqaCompute);
}

// GQABufferRequirements::Compute<T>(parameters, use_xqa, use_flash, fast_decode, use_mea).qkv_buffer_bytes.
Bytes QkvBufferBytes(const GqaDims& d, bool use_xqa, bool use_flash, bool fast_decode, bool use_mea) {
  if (fast_decode) return Bytes(0);
  const Bytes e = Bytes::FromDim(d.element_size);
  const Bytes q = Bytes::FromDim(d.batch_size) * d.sequence_length * d.num_heads * d.head_size;
  const Bytes k = Bytes::FromDim(d.batch_size) * d.sequence_length * d.kv_num_heads * d.head_size;
  if (use_xqa) return (d.do_rotary || d.is_packed_qkv) ? e * q : Bytes(0);
  if (use_flash) {
    if (d.is_quantized()) {
      if (!d.is_first_prompt) {
        // Decoding: rotated Q plus K and V dequantised over the whole cache capacity, + 256.
        const Bytes full = Bytes::FromDim(d.batch_size) * d.present_capacity * d.kv_num_heads * d.head_size;
        return e * (q + Bytes(2) * full) + Bytes(256);
      }
      return e * (q + k + k);
    }
    return (d.do_rotary || d.is_packed_qkv) ? e * q : Bytes(0);
  }
  if (use_mea) {
    if (d.is_packed_qkv) return e * (q + k + k);
    if (d.do_rotary) return e * (q + k);
  }
  return Bytes(0);
}

void AddQkvBuffer(Estimate& e, const GqaDims& d, bool use_xqa, bool use_flash, bool fast_decode, bool use_mea) {
  const Bytes bytes = QkvBufferBytes(d, use_xqa, use_flash, fast_decode, use_mea);
  if (bytes.overflow() || bytes.value() > 0) e.Add("unpacked_qkv_buffer", bytes, kGqaBufferRequirements);
}

// XQA's one allocation: GetXQAScratchSize (semaphores, row max, row sum, multi-block output accumulator)
// plus aligned RoPE Q/K and the dynamic FP32 head-sink conversion.
void AddXqaBuffers(Estimate& e, const GqaDims& d, int64_t sm_count) {
  constexpr uint64_t kXqaAlignment = 128;  // group_query_attention_workspace.cc kXqaAlignment
  const int64_t sequence_count = d.batch_size * d.kv_num_heads;  // fits: both are int32 in ORT
  const int64_t cache_tiles = CeilDiv(d.present_capacity, 256);   // kXqaCtaTile
  const int64_t resident = sequence_count > 0 ? sm_count / sequence_count : 0;
  const int64_t subsequences = std::min<int64_t>(std::max<int64_t>(1, resident), cache_tiles);
  const Bytes subsequence_count = Bytes::FromDim(sequence_count) * subsequences;
  const int64_t group = d.group_size();
  const int64_t m_tile = group <= 8 ? 8 : (group <= 16 ? 16 : 32);
  const Bytes semaphores = AlignUp(Bytes(4) * sequence_count, kXqaAlignment);
  const Bytes row_max = Bytes(kXqaAlignment) * subsequence_count;
  const Bytes row_sum_end = AlignUp(row_max, kXqaAlignment) + row_max;
  const Bytes vector_bytes = Bytes::FromDim(d.head_size) * m_tile * 2;
  // The output accumulator starts at the row-sum end rounded up to a multiple of one vector.
  const Bytes out_offset = vector_bytes.overflow() ? vector_bytes : AlignUp(row_sum_end, vector_bytes.value());
  const Bytes out_accum = vector_bytes * subsequence_count;
  e.Add("xqa_semaphores", semaphores, kGqaXqaScratch);
  e.Add("xqa_row_max_row_sum", out_offset, kGqaXqaScratch);  // both rows and the alignment pad before the accumulator
  e.Add("xqa_output_accumulator", out_accum, kGqaXqaScratch);
  if (d.do_rotary) {
    // ComputeInternal: q_bytes = B*N*H*e and k_bytes = B*Nk*H*e, each rounded up to 256.
    e.Add("xqa_rotary_q", AlignUp(Bytes::FromDim(d.batch_size) * d.num_heads * d.head_size * d.element_size, 256),
          kGqaCompute);
    e.Add("xqa_rotary_k", AlignUp(Bytes::FromDim(d.batch_size) * d.kv_num_heads * d.head_size * d.element_size, 256),
          kGqaCompute);
  }
  // A head_sink that is not a prepacked initializer (PrePack caches constants) is converted per launch.
  if (d.has_head_sink && !d.is_quantized() && !d.head_sink_is_initializer) {
    e.Add("xqa_head_sink_fp32", AlignUp(Bytes(4) * d.num_heads, 256), kGqaCompute);
  }
}

// The outcome of walking the cascade once, for one past/present sharing state.
struct Walk {
  std::vector<Candidate> tried;
  std::vector<attn::FeasibleKernel> feasible;
  bool no_kernel = false;
  std::string no_kernel_reason;
};

void Rejected(Walk& w, const std::string& variant, const std::string& why) {
  w.tried.push_back(Candidate{variant, why, std::nullopt});
}

// Walks ComputeInternal's dispatch once with past/present sharing fixed to `share`.
Walk WalkCascade(const GqaDims& d, bool share, const GqaOptions& o, const Target& target) {
  Walk w;
  const DeviceProfile& dev = target.device;
  const int sm = dev.sm();
  const Exactness exactness = d.total_exact ? Exactness::kExact : Exactness::kUpperBound;
  const bool is_fp16 = d.dtype == DataType::kFloat16;
  const bool is_bf16 = d.dtype == DataType::kBfloat16;
  const std::string share_note = share ? "past/present share one buffer" : "past/present are separate buffers";

  // --- XQA: ComputeInternal's `enable_xqa_ && !has_attention_bias && major >= 8 && ...` block.
  std::string xqa_reject;
  if (!o.enable_xqa) xqa_reject = "ORT_ENABLE_XQA=0";
  else if (d.has_attention_bias) xqa_reject = "attention_bias present";
  else if (dev.sm_major < 8) xqa_reject = fmt::format("SM {} < 80", sm);
  else if (d.is_first_prompt) xqa_reject = "first prompt (sequence_length == total_sequence_length)";
  else if (d.sequence_length != 1) xqa_reject = fmt::format("sequence_length {} != 1", d.sequence_length);
  else if (d.kv_sequence_length <= 0) xqa_reject = "kv_sequence_length 0 (no new K/V)";
  else if (!share) xqa_reject = "past_present_share_buffer false (" + share_note + ")";
  else if (d.softcap != 0.0f) xqa_reject = "softcap != 0";
  else if (d.use_qk_norm && d.is_quantized()) xqa_reject = "QK-Norm with a quantized KV cache";
  else if (d.use_smooth_softmax && !(d.has_head_sink && !d.is_quantized())) {
    xqa_reject = "smooth softmax without a head_sink on an unquantized cache";
  } else {
    const int64_t g = d.group_size();
    const bool head_ok = d.head_size == 64 || d.head_size == 128 || d.head_size == 256;
    const bool quant_group_ok = g == 4 || g == 8 || g == 16 || g == 32;
    const bool plain_group_ok = g == 1 || g == 2 || g == 4 || g == 5 || g == 8 || g == 16 || g == 32;
    const bool per_tensor = d.k_quant == KvQuant::kPerTensor && d.v_quant == KvQuant::kPerTensor && d.same_kv_scale;
    const bool is_int8_quantized_supported =
        d.cache_dtype == DataType::kInt8 && per_tensor && head_ok && quant_group_ok;
    const bool is_fp8_quantized_supported = d.cache_dtype == DataType::kFloat8E4M3FN && per_tensor && head_ok &&
                                            quant_group_ok && (dev.sm_major >= 9 || sm == 89);
    const bool is_non_quantized_supported = !d.is_quantized() && head_ok && plain_group_ok;
    if (!(is_non_quantized_supported || is_int8_quantized_supported || is_fp8_quantized_supported)) {
      xqa_reject = fmt::format("no XQA kernel for head_size {}, group size {}{}", d.head_size, g,
                               d.is_quantized() ? " and this quantized cache (needs one PER_TENSOR scale for K and V)"
                                                : "");
    }
  }
  if (xqa_reject.empty()) {
    // The shared-memory probe (GetXQARequiredSharedMemoryBytes <= sharedMemPerBlockOptin) passes on the
    // SM 8.x/9.x data-centre parts; a device where it fails falls through to cuDNN/flash.
    Estimate e{"xqa", exactness};
    AddXqaBuffers(e, d, dev.sm_count);
    AddSeqLens(e, d, /*fast_decode=*/false);
    AddQkvBuffer(e, d, /*use_xqa=*/true, false, false, false);
    w.feasible.push_back({std::move(e), share_note});
    return w;
  }
  Rejected(w, "xqa", xqa_reject);

  // --- cuDNN SDPA: `use_cudnn_sdpa = !data.use_xqa && !has_attention_bias && ...`. Measured on the 1.29.0
  // binary through the shadow device: the decode step (S = 1) takes it on SM 9.0 with cuDNN 9.19.0 by
  // default, with ORT_DISABLE_FLASH_ATTENTION=1 and with sdpa_kernel=8 (also on SM 8.0/8.9), and leaves it
  // with cuDNN 9.2.1 (is_stable) or on SM 7.5; an S = 1 query passes is_supported's causal rule.
  const bool cudnn_enabled =
      o.kernel.use_cudnn_flash_attention || (o.kernel.allow_cudnn_flash_attention_auto && dev.sm_major >= 9);
  std::string cudnn_reject;
  if (d.has_attention_bias) cudnn_reject = "attention_bias present";
  else if (d.is_quantized()) cudnn_reject = "quantized KV cache";
  else if (d.cache_dtype != d.dtype) cudnn_reject = "KV cache type differs from T";
  else if (d.softcap != 0.0f) cudnn_reject = "softcap != 0";
  else if (d.use_smooth_softmax) cudnn_reject = "smooth softmax or head_sink";
  else if (d.local_window_size != -1) cudnn_reject = "local_window_size != -1";
  else if (!cudnn_enabled) {
    cudnn_reject = attn::CudnnSdpaNotEnabledReason(o.kernel, sm);
  } else if (!attn::CudnnSdpaIsStable(target.cudnn_version)) {
    cudnn_reject = fmt::format("cudnn_sdpa::is_stable() false (cuDNN {}: needs >= 9.3.0, not 9.10.0/1)",
                               CudnnVersionText(target.cudnn_version));
  } else if (!attn::CudnnSdpaIsSupported(sm, target.cudnn_version, d.num_heads, d.kv_num_heads, d.head_size,
                                         d.head_size, d.sequence_length, d.present_capacity, /*is_causal=*/true)) {
    cudnn_reject = fmt::format(
        "cudnn_sdpa::is_supported false (causal with sequence_length {} > 1 needs it <= KV capacity {}, and on "
        "cuDNN < 9.6 both multiples of 64 when they differ)",
        d.sequence_length, d.present_capacity);
  }
  if (cudnn_reject.empty()) {
    Estimate e{"cudnn_sdpa", exactness};
    AddSeqLens(e, d, false);
    // The QKV buffer follows flash's rule (rotated or unpacked Q; a quantized cache never gets here).
    // Measured on the 1.29.0 binary through the shadow device: rotary decode [12, 8192, 4, K], packed
    // QKV decode the same, rotary prompt S = 128 [12, 1048576, K]. The GQABufferRequirements::Compute read
    // takes no cuDNN flag; the 1.29.0 binary sizes the cuDNN route's buffer as flash's.
    AddQkvBuffer(e, d, false, /*use_flash=*/true, false, false);
    // group_query_attention_impl.cu CudnnSdpaAttention: Q as PrepareQKV leaves it (BSNH), K/V from the
    // present cache (BNSH, capacity rows); seq_len_kv = total_seq_lens, seq_len_q = total_seq_lens on the
    // first prompt, else null (run() then synthesises it). Causal, dropped by run() for one query token.
    SdpaQuery q;
    q.dtype = d.dtype;
    q.batch = d.batch_size;
    q.num_heads_q = d.num_heads;
    q.num_heads_kv = d.kv_num_heads;
    q.head_size_qk = q.head_size_v = d.head_size;
    q.seq_len_q = d.sequence_length;
    q.seq_len_kv = d.present_capacity;
    q.layout = SdpaLayout::kQ_K_V_BSNH_BNSH_BNSH;
    q.is_causal = d.sequence_length > 1;
    q.padding_mask = true;
    attn::AddCudnnSdpaBuffers(e, q, /*synthesized_seq_len_q=*/!d.is_first_prompt, target);
    w.feasible.push_back({std::move(e), share_note});
    return w;
  }
  Rejected(w, "cudnn_sdpa", cudnn_reject);

  // --- Flash: `!use_xqa && !use_cudnn_sdpa && !has_attention_bias && !disable_flash_attention_ && is_supported`.
  std::string flash_reject;
  if (d.has_attention_bias) flash_reject = "attention_bias present";
  else if (d.element_size != 2) flash_reject = "element type is not 16-bit";
  else if (!o.kernel.use_flash_attention) flash_reject = "flash attention disabled (sdpa_kernel / ORT_DISABLE_FLASH_ATTENTION)";
  else if (!attn::FlashIsSupported(sm, d.head_size, d.num_heads, d.kv_num_heads)) {
    flash_reject = fmt::format("flash::is_supported false (SM {}, head_size {})", sm, d.head_size);
  }
  if (flash_reject.empty()) {
    // use_flash_attention_fast_decode: !disable_flash_decode_ && !is_first_prompt && kv_sequence_length > 0
    // && past_present_share_buffer && !is_inputs_quantized && !use_qk_norm.
    const bool fast_decode = !o.disable_flash_decode && !d.is_first_prompt && d.kv_sequence_length > 0 && share &&
                             !d.is_quantized() && !d.use_qk_norm;
    Estimate e{fast_decode ? "flash_decoding" : "flash", exactness};
    // softmax_lse: get_softmax_lse_size(S, B, N), fp32.
    e.Add("softmax_lse", attn::FlashSoftmaxLseBytes(d.batch_size, d.num_heads, d.sequence_length), attn::kSrcFlashSoftmaxLse);
    // Splits: num_heads_for_split = fast decode ? kv_num_heads : num_heads; KV length = total_sequence_length,
    // capped by the local window on fast decode. The accumulators are sized with all num_heads and
    // round_multiple(head_size, 32) either way (the fast-decode override, and get_num_splits_and_buffer_sizes).
    const int64_t split_heads = fast_decode ? d.kv_num_heads : d.num_heads;
    int64_t split_kv = d.total_sequence_length;
    if (fast_decode && d.local_window_size > 0) split_kv = std::min(split_kv, d.local_window_size);
    int64_t splits = 1;
    if (d.total_exact) {
      splits = attn::FlashNumSplitsHeuristic(d.batch_size, d.sequence_length, split_kv, split_heads, d.head_size,
                                             dev.sm_count, 128);
    } else {
      // The heuristic is not monotonic in the KV length: bound it by its envelope over every length up to the
      // bound. It returns 1 whenever B * heads * ceil(S / 64) >= 0.8 * SMs, whatever the length; else at most
      // min(128, SMs, ceil(kv / block_n)).
      int64_t work = 0;  // saturates: a product past int64 is far above any SM count
      if (__builtin_mul_overflow(d.batch_size, split_heads, &work) ||
          __builtin_mul_overflow(work, CeilDiv(d.sequence_length, 64), &work)) {
        work = INT64_MAX;
      }
      const int64_t block_n = d.head_size <= 64 ? 256 : (d.head_size <= 128 ? 128 : 64);
      if (static_cast<float>(work) < 0.8f * static_cast<float>(dev.sm_count)) {
        splits = std::min<int64_t>({128, dev.sm_count, CeilDiv(split_kv, block_n)});
        splits = std::max<int64_t>(splits, 1);
      }
      e.reason = fmt::format("flash split count bounded by the heuristic's envelope over KV lengths <= {}", split_kv);
    }
    if (splits > 1) {
      e.Add("softmax_lse_accum", attn::FlashSoftmaxLseAccumBytes(splits, d.batch_size, d.num_heads, d.sequence_length),
            attn::kSrcFlashSplits);
      e.Add("out_accum",
            attn::FlashOutAccumBytes(splits, d.batch_size, d.num_heads, d.sequence_length,
                                     attn::FlashHeadSizeRounded(d.head_size)),
            attn::kSrcFlashSplits);
    }
    AddSeqLens(e, d, fast_decode);
    AddQkvBuffer(e, d, false, /*use_flash=*/true, fast_decode, false);
    w.feasible.push_back({std::move(e), share_note});
    return w;
  }
  Rejected(w, "flash", flash_reject);

  // --- Memory-efficient: `!disable_memory_efficient_attention_ && !has_attention_bias &&
  // has_memory_efficient_attention(sm, fp16, bf16, H, H)`; group_query_attention_eligibility.h
  // IsGQAMemoryEfficientEligibleSeqFree also excludes a quantized cache.
  std::string mea_reject;
  if (!o.kernel.use_efficient_attention) mea_reject = "disabled (sdpa_kernel / ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION)";
  else if (d.is_quantized()) mea_reject = "quantized KV cache";
  else if (d.has_attention_bias) mea_reject = "attention_bias present (bias row stride would use the cache capacity)";
  else if (!attn::HasMemoryEfficientAttention(sm, is_fp16, is_bf16, d.head_size, d.head_size)) {
    mea_reject = fmt::format("has_memory_efficient_attention false (SM {}, head_size {}, {})", sm, d.head_size,
                             DataTypeName(d.dtype));
  }
  if (mea_reject.empty()) {
    Estimate e{"memory_efficient", exactness};
    AddSeqLens(e, d, false);
    // k_buffer / v_buffer: K and V expanded to num_heads over seqlen_present_kv_cache, when N != Nk.
    const Bytes expand = d.num_heads != d.kv_num_heads ? Bytes::FromDim(d.element_size) * d.batch_size * d.num_heads *
                                                             d.present_capacity * d.head_size
                                                       : Bytes(0);
    e.Add("k_expanded", expand, kGqaCompute);
    e.Add("v_expanded", expand, kGqaCompute);
    // fmha_buffer: fp32 B*S*N*H when MemoryEfficientAttentionParams::need_workspace(H, is_float).
    if (attn::MemoryEfficientNeedsAccumulator(d.head_size, /*is_float=*/false)) {
      e.Add("fmha_buffer", attn::MemoryEfficientAccumulatorBytes(d.batch_size, d.sequence_length, d.num_heads, d.head_size),
            attn::kSrcMemoryEfficientAccumulator);
    }
    AddQkvBuffer(e, d, false, false, false, /*use_mea=*/true);
    w.feasible.push_back({std::move(e), share_note});
    return w;
  }
  Rejected(w, "memory_efficient", mea_reject);

  // --- Unfused fallback: `!use_xqa && !use_cudnn_sdpa && !use_flash && !use_mea && !is_inputs_quantized &&
  // !use_smooth_softmax && head_sink == nullptr && past_kv_format == BNSH`.
  std::string unfused_reject;
  if (d.is_quantized()) unfused_reject = "quantized KV cache";
  else if (d.use_smooth_softmax) unfused_reject = "smooth softmax or head_sink";
  if (unfused_reject.empty()) {
    Estimate e{"unfused", exactness};
    AddSeqLens(e, d, false);
    // One GetScratchBuffer: align256(Q BNSH) + align256(Y BNSH) + GetUnfusedAttentionWorkspaceSize(B, N, S, T),
    // the latter two align256(4 * B * N * S * T) regions (fp32 QK and the softmax scratch).
    const Bytes qy =
        attn::AlignSize(Bytes::FromDim(d.element_size) * d.batch_size * d.num_heads * d.sequence_length * d.head_size);
    // Each GetUnfusedAttentionWorkspaceSize half is GetAttentionScratchSize with a 4-byte (fp32) element.
    const Bytes qk = attn::AttentionScratchBytes(4, d.batch_size, d.num_heads, d.sequence_length, d.total_sequence_length);
    e.Add("unfused_q_bnsh", qy, kGqaUnfused);
    e.Add("unfused_y_bnsh", qy, kGqaUnfused);
    e.Add("unfused_qk_fp32", qk, kGqaUnfused);
    e.Add("unfused_softmax", qk, kGqaUnfused);
    w.feasible.push_back({std::move(e), share_note});
    return w;
  }
  Rejected(w, "unfused", unfused_reject);
  w.no_kernel = true;
  w.no_kernel_reason = "no CUDA kernel accepts it (" + share_note + "); QkvToContext would fail";
  return w;
}

}  // namespace

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/group_query_attention.cc GroupQueryAttention<T, U>::ComputeInternal
// (registered for com.microsoft opset 1, T in {MLFloat16, BFloat16}).
Result<Estimate> EstimateGroupQueryAttention(const NodeView& node, const Target& target) {
  std::string unknown;
  WSEST_ASSIGN_OR_RETURN(GqaDims d, ParseGqa(node, &unknown));
  if (!unknown.empty()) return Estimate::Unknown(unknown);

  GqaOptions o;
  WSEST_ASSIGN_OR_RETURN(o.kernel, attn::ParseKernelOptions(target.ep));
  // Constructor: enable_xqa_ = 16-bit T && ORT_ENABLE_XQA (default 1) != 0; disable_flash_decode_ from
  // ORT_DISABLE_FLASH_DECODE (auto_enable_cudnn_flash_attention_ is KernelOptions'
  // allow_cudnn_flash_attention_auto: T is always 16-bit here).
  o.enable_xqa = target.ep.EnvInt("ORT_ENABLE_XQA", 1) != 0;
  o.disable_flash_decode = target.ep.EnvInt("ORT_DISABLE_FLASH_DECODE", 0) != 0;

  // past_present_share_buffer can hold only if the present cache has the past's shape (T <= past capacity).
  const bool share_possible = d.has_past && d.total_sequence_length <= d.past_capacity;
  const bool share_only_bound = d.has_past && !d.total_exact && d.total_sequence_length > d.past_capacity;
  std::vector<bool> states;
  if (!d.has_past) {
    states = {false};
  } else if (share_possible) {
    states = {true, false};
  } else if (share_only_bound) {
    // T's bound exceeds the capacity, but a smaller run-time T would still let the buffers be shared.
    states = {true, false};
  } else {
    states = {false};
  }

  std::vector<Candidate> tried;
  std::vector<attn::FeasibleKernel> feasible;
  std::vector<std::string> no_kernel;
  for (bool share : states) {
    Walk w = WalkCascade(d, share, o, target);
    for (Candidate& c : w.tried) {
      if (states.size() > 1) c.rejected_because += share ? " [shared past/present]" : " [separate past/present]";
      tried.push_back(std::move(c));
    }
    for (attn::FeasibleKernel& k : w.feasible) {
      // The same variant from both states: keep the larger.
      auto same = std::find_if(feasible.begin(), feasible.end(),
                               [&](const attn::FeasibleKernel& f) { return f.estimate.variant == k.estimate.variant; });
      if (same == feasible.end()) {
        feasible.push_back(std::move(k));
      } else if (k.estimate.workspace_bytes().value_or(0) > same->estimate.workspace_bytes().value_or(0)) {
        *same = std::move(k);
      }
    }
    if (w.no_kernel) no_kernel.push_back(w.no_kernel_reason);
  }
  if (feasible.empty()) {
    Estimate e = Estimate::Unknown(node.Label() + ": " + (no_kernel.empty() ? "no kernel" : no_kernel.front()));
    e.candidates = std::move(tried);
    return e;
  }
  std::string uncertainty = d.total_reason;
  if (states.size() > 1) {
    uncertainty += "; past_present_share_buffer is decided by the run's buffer binding (MayInplace(3, 1))";
  }
  Estimate e = attn::ResolveFeasible(std::move(tried), std::move(feasible), target.forced_variant, uncertainty);
  if (!d.total_exact && e.reason.find(d.total_reason) == std::string::npos) {
    e.reason = e.reason.empty() ? d.total_reason : e.reason + "; " + d.total_reason;
  }
  return e;
}

}  // namespace wsest::estimators
