// com.microsoft SparseAttention, LongformerAttention and PagedAttention on the CUDA EP, mirroring ONNX
// Runtime 1.29.0:
//   contrib_ops/cuda/sparse/sparse_attention.cc SparseAttention<T>::ComputeInternal
//     (shapes: contrib_ops/cpu/sparse/sparse_attention_helper.h CheckInputs)
//   contrib_ops/cuda/bert/longformer_attention.cc LongformerAttention<T>::ComputeInternal
//     (longformer_attention_impl.cu GetLongformerAttentionWorkspaceSize, longformer_global_impl.cu
//     GetGlobalScratchSize)
//   contrib_ops/cuda/bert/paged_attention.cc PagedAttention<T, TCACHE>::ComputeInternal
// DecoderAttention (contrib_ops/cuda/bert/decoder_attention.cc) is a CUDA kernel too, but is left to the
// MHA family owner (its GEMM buffers follow the fused-Attention pattern).
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "estimators/attention_common.h"
#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

namespace attn = wsest::estimators::attention;

constexpr const char* kSparseCompute =
    "onnxruntime 1.29.0 contrib_ops/cuda/sparse/sparse_attention.cc SparseAttention<T>::ComputeInternal";
constexpr const char* kLongformerCompute =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/longformer_attention.cc LongformerAttention<T>::ComputeInternal";
constexpr const char* kLongformerWorkspace =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/longformer_attention_impl.cu GetLongformerAttentionWorkspaceSize";
constexpr const char* kLongformerGlobalScratch =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/longformer_global_impl.cu GetGlobalScratchSize";
constexpr const char* kPagedCompute =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/paged_attention.cc PagedAttention<T, TCACHE>::ComputeInternal";

Error Invalid(const NodeView& node, const std::string& cause) { return InvalidArgument(node.Label() + ": " + cause); }

// Reads dim `axis` of input `index`; on a symbolic dim sets *unknown (first one wins) and returns -1.
int64_t Need(const NodeView& node, size_t index, const char* what, size_t axis, std::string* unknown) {
  const TensorInfo& t = node.inputs[index];
  if (!t.has_shape || axis >= t.dims.size()) {
    if (unknown->empty()) *unknown = fmt::format("{}: {} has no shape", node.Label(), what);
    return -1;
  }
  const Dim& d = t.dims[axis];
  if (d.known()) return d.value;
  if (unknown->empty()) {
    *unknown = fmt::format("{}: {} dim {} '{}' is symbolic", node.Label(), what, axis, d.symbol.empty() ? "?" : d.symbol);
  }
  return -1;
}

Result<bool> RequireRank(const NodeView& node, size_t index, const char* what, int64_t rank) {
  const TensorInfo& t = node.inputs[index];
  if (t.has_shape && t.rank() != rank) {
    return Invalid(node, fmt::format("input {} ({}) rank {}, expected {}", index, what, t.rank(), rank));
  }
  return true;
}

Result<bool> RequireInputs(const NodeView& node, std::initializer_list<std::pair<size_t, const char*>> inputs) {
  for (const auto& [index, what] : inputs) {
    if (!node.has_input(index)) return Invalid(node, fmt::format("input {} ({}) is missing", index, what));
  }
  return true;
}

// Heads and the element type common to the three ops.
struct Heads {
  int64_t num_heads = 0;
  int64_t kv_num_heads = 0;
};

Result<Heads> ParseHeads(const NodeView& node) {
  Heads h;
  h.num_heads = node.GetInt("num_heads", 0);
  h.kv_num_heads = node.GetInt("kv_num_heads", 0);
  // Constructors: ORT_ENFORCE(num_heads > 0), (kv_num_heads > 0 && num_heads % kv_num_heads == 0).
  if (h.num_heads <= 0) return Invalid(node, "attribute num_heads must be positive");
  if (h.kv_num_heads <= 0 || h.num_heads % h.kv_num_heads != 0) {
    return Invalid(node, fmt::format("kv_num_heads {} must be positive and divide num_heads {}", h.kv_num_heads,
                                     h.num_heads));
  }
  return h;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// SparseAttention: one kernel family (precompiled Triton cubins), v1 for prompts, v2 for decoding or
// when ORT_DISABLE_SPARSE_ATTENTION_V1 is set. Registered for MLFloat16 and BFloat16.
// ---------------------------------------------------------------------------------------------------
Result<Estimate> EstimateSparseAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(Heads h, ParseHeads(node));
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "query"}, {3, "past_key"}, {4, "past_value"},
                                                        {5, "block_row_indices"}, {6, "block_col_indices"},
                                                        {7, "total_sequence_length"}, {8, "key_total_sequence_lengths"}}));
  (void)have;
  const int64_t block = node.GetInt("sparse_block_size", 0);
  // Constructor: ORT_ENFORCE(sparse_block_size in {16, 32, 64, 128}).
  if (block != 16 && block != 32 && block != 64 && block != 128) {
    return Invalid(node, fmt::format("sparse_block_size {} is not 16, 32, 64 or 128", block));
  }
  WSEST_ASSIGN_OR_RETURN(bool q_rank, RequireRank(node, 0, "query", 3));
  WSEST_ASSIGN_OR_RETURN(bool rows_rank, RequireRank(node, 5, "block_row_indices", 2));
  (void)q_rank;
  (void)rows_rank;
  const bool is_packed_qkv = !node.has_input(1);
  std::string unknown;
  const int64_t batch = Need(node, 0, "query", 0, &unknown);
  const int64_t seq = Need(node, 0, "query", 1, &unknown);
  const int64_t hidden = Need(node, 0, "query", 2, &unknown);
  const int64_t row_len = Need(node, 5, "block_row_indices", 1, &unknown);
  if (!unknown.empty()) return Estimate::Unknown(unknown);
  const DataType dtype = node.inputs[0].dtype;
  const int64_t e = ElementSize(dtype);
  const int64_t parts = is_packed_qkv ? h.num_heads + 2 * h.kv_num_heads : h.num_heads;
  if (hidden % parts != 0) return Invalid(node, fmt::format("query dim 2 = {} is not a multiple of {}", hidden, parts));
  const int64_t head_size = hidden / parts;
  if (row_len < 2) return Invalid(node, "block_row_indices must have shape (num_layout, max_blocks + 1)");
  // sparse_attention_helper.h: max_sequence_length = max_blocks * sparse_block_size bounds total_sequence_length.
  int64_t max_sequence_length = 0;
  if (__builtin_mul_overflow(row_len - 1, block, &max_sequence_length)) {
    return OutOfRange(node.Label() + ": max_sequence_length (max_blocks * sparse_block_size) overflows 64 bits");
  }

  if (dtype != DataType::kFloat16 && dtype != DataType::kBfloat16) {
    return Estimate::Unknown(node.Label() + ": the CUDA SparseAttention kernel is not registered for " +
                             DataTypeName(dtype) + " (float16 and bfloat16 only)");
  }
  const int sm = target.device.sm();
  // ComputeInternal's kernel limits, in order: bf16 needs SM 8.x+; is_supported_device; head 128, block 64.
  std::string reject;
  if (dtype == DataType::kBfloat16 && target.device.sm_major < 8) reject = "bfloat16 requires SM >= 80";
  else if (sm != 75 && sm != 80 && sm != 86 && sm != 89 && sm != 90) {
    reject = fmt::format("sparse_attention_v1::is_supported_device false for SM {} (7.5, 8.0, 8.6, 8.9, 9.0)", sm);
  } else if (head_size != 128 || block != 64) {
    reject = fmt::format("only head_size 128 with sparse_block_size 64 (got {}, {})", head_size, block);
  }
  if (!reject.empty()) {
    Estimate u = Estimate::Unknown(node.Label() + ": the CUDA kernel returns NOT_IMPLEMENTED: " + reject);
    u.candidates.push_back({"sparse", reject, std::nullopt});
    return u;
  }

  // total_sequence_length (input 7, CPU int32): a constant, else bounded by max_sequence_length.
  const TensorInfo& total = node.inputs[7];
  const bool total_exact = total.int_values && total.int_values->size() == 1;
  const int64_t total_seq = total_exact ? (*total.int_values)[0] : max_sequence_length;
  if (total_seq > max_sequence_length) {
    return Invalid(node, fmt::format("total_sequence_length {} exceeds max_sequence_length {}", total_seq,
                                     max_sequence_length));
  }
  const bool is_prompt = total_exact ? total_seq == seq : seq > 1;  // past_seq_len == 0
  const auto v1_env = target.ep.Env("ORT_DISABLE_SPARSE_ATTENTION_V1");
  const bool disable_v1 = v1_env && *v1_env == "1";
  const bool use_v2_kernel = disable_v1 || !is_prompt;

  Estimate est{use_v2_kernel ? "sparse_v2" : "sparse_v1", Exactness::kExact};
  est.candidates.push_back({use_v2_kernel ? "sparse_v1" : "sparse_v2",
                            use_v2_kernel ? (disable_v1 ? "ORT_DISABLE_SPARSE_ATTENTION_V1=1" : "not a prompt")
                                          : "prompt, v1 enabled",
                            std::nullopt});
  if (node.GetInt("do_rotary", 0) == 1) {
    // rotary_buffer: 2 * e * B * N * S * H + int64 position ids B * S.
    est.Add("rotary_buffer", Bytes(2) * e * batch * h.num_heads * seq * head_size + Bytes(8) * batch * seq,
            kSparseCompute);
  }
  if (!is_packed_qkv) {
    est.Add("transposed_q", Bytes::FromDim(e) * batch * seq * h.num_heads * head_size, kSparseCompute);
  } else {
    est.Add("unpacked_qkv", Bytes::FromDim(e) * batch * seq * (h.num_heads + 2 * h.kv_num_heads) * head_size,
            kSparseCompute);
  }
  if (use_v2_kernel) {
    // v2_kernel_buffer: int32 [4 * align16(B) + 2 * align16(active_q_blocks)]; a prompt's active blocks are
    // sum_b ceil(key_total_sequence_lengths[b] / block) (device data), at most B * ceil(T / block).
    const Bytes active_q_blocks = is_prompt ? Bytes::FromDim(batch) * CeilDiv(total_seq, block) : Bytes::FromDim(batch);
    const Bytes aligned_batch = AlignUp(Bytes::FromDim(batch), 16);
    const Bytes aligned_blocks = AlignUp(active_q_blocks, 16);
    est.Add("v2_kernel_buffer", Bytes(4) * (Bytes(4) * aligned_batch + Bytes(2) * aligned_blocks), kSparseCompute);
    if (is_prompt) {
      est.exactness = Exactness::kUpperBound;
      est.reason = "v2 prompt: active query blocks depend on key_total_sequence_lengths (device data); "
                   "bounded by batch * ceil(total_sequence_length / block)";
    }
  }
  if (!total_exact) {
    est.exactness = Exactness::kUpperBound;
    est.reason += std::string(est.reason.empty() ? "" : "; ") +
                  "total_sequence_length is a run-time scalar, bounded by max_sequence_length = " +
                  std::to_string(max_sequence_length);
  }
  return est;
}

// ---------------------------------------------------------------------------------------------------
// LongformerAttention: the workspace depends on max_num_global, the largest per-batch count of global
// tokens in global_attention_mask (device data, copied to the host at run time).
// ---------------------------------------------------------------------------------------------------
Result<Estimate> EstimateLongformerAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "input"}, {1, "weights"}, {2, "bias"}, {3, "mask"},
                                                        {4, "global_weights"}, {5, "global_bias"}, {6, "global"}}));
  (void)have;
  const int64_t num_heads = node.GetInt("num_heads", 0);
  const int64_t window = node.GetInt("window", 0);
  if (num_heads <= 0) return Invalid(node, "attribute num_heads must be positive");
  if (window <= 0) return Invalid(node, "attribute window must be positive");
  WSEST_ASSIGN_OR_RETURN(bool in_rank, RequireRank(node, 0, "input", 3));
  (void)in_rank;
  std::string unknown;
  const int64_t batch = Need(node, 0, "input", 0, &unknown);
  const int64_t seq = Need(node, 0, "input", 1, &unknown);
  const int64_t hidden = Need(node, 0, "input", 2, &unknown);
  if (!unknown.empty()) return Estimate::Unknown(unknown);
  if (hidden % num_heads != 0) {
    return Invalid(node, fmt::format("hidden size {} is not a multiple of num_heads {}", hidden, num_heads));
  }
  const DataType dtype = node.inputs[0].dtype;
  if (dtype != DataType::kFloat && dtype != DataType::kFloat16) {
    return Estimate::Unknown(node.Label() + ": the CUDA LongformerAttention kernel is not registered for " +
                             DataTypeName(dtype) + " (float and float16 only)");
  }
  const int64_t e = ElementSize(dtype);
  const int64_t head_size = hidden / num_heads;
  // Constructor: use_compact_memory_ = ORT_LONGFORMER_COMPACT_MEMORY (bool, default true).
  const auto compact_env = target.ep.Env("ORT_LONGFORMER_COMPACT_MEMORY");
  const bool use_compact_memory = !(compact_env && *compact_env == "0");

  // max_num_global: exact when global_attention_mask is a constant, else any value in [0, S].
  const TensorInfo& global = node.inputs[6];
  std::vector<int64_t> reachable_globals;
  bool global_exact = false;
  if (global.int_values && static_cast<int64_t>(global.int_values->size()) == batch * seq) {
    int64_t max_num_global = 0;
    for (int64_t b = 0; b < batch; ++b) {
      int64_t count = 0;
      for (int64_t s = 0; s < seq; ++s) count += (*global.int_values)[static_cast<size_t>(b * seq + s)] != 0 ? 1 : 0;
      max_num_global = std::max(max_num_global, count);
    }
    reachable_globals = {max_num_global};
    global_exact = true;
  } else {
    // The workspace is monotone in max_num_global inside each compact/dense regime, so the regimes' ends
    // are the values to try: none, up to the window (compact), and the whole sequence (dense).
    reachable_globals = {0, std::min(window, seq), seq};
  }

  // Buffers independent of max_num_global: global index, per-batch counts, index scratch, and the QKV
  // GEMM buffer (2 * qkv_size, the second half for the global projections).
  auto common = [&](Estimate& est) {
    est.Add("global_index", Bytes(4) * batch * seq, kLongformerCompute);
    est.Add("batch_global_num", Bytes(4) * batch, kLongformerCompute);
    est.Add("global_scratch", Bytes(4) * (Bytes::FromDim(seq) + Bytes(1024)), kLongformerGlobalScratch);
    const Bytes qkv = Bytes::FromDim(batch) * seq * 3 * hidden * e;
    est.Add("gemm_buffer", qkv + qkv, kLongformerCompute);
  };
  std::vector<attn::FeasibleKernel> feasible;
  for (int64_t g : reachable_globals) {
    // disable_compact_memory = max_num_global > window || S == 2 * window || !use_compact_memory_.
    const bool disable_compact = g > window || seq == 2 * window || !use_compact_memory;
    const std::string variant = std::string(disable_compact ? "dense" : "compact") + (g > 0 ? "_global" : "");
    if (std::any_of(feasible.begin(), feasible.end(),
                    [&](const attn::FeasibleKernel& f) { return f.estimate.variant == variant; })) {
      continue;
    }
    Estimate est{variant, Exactness::kExact};
    common(est);
    // GetLongformerSoftmaxWorkspaceSize: compact = Align128(Align128(e*B*N*W*(5S - 3W)) + scratch2 (5 pointers
    // + 10 size_t = 120 bytes)); dense = 2 * GetAttentionScratchSize = 2 * align256(e*B*N*S*S).
    Bytes softmax;
    if (!disable_compact) {
      // 5S - 3W in int64; an overflow (or a negative difference) becomes an overflowed byte count.
      int64_t rows = 0;
      const bool rows_overflow = __builtin_mul_overflow(seq, int64_t{5}, &rows) ||
                                 __builtin_sub_overflow(rows, 3 * window, &rows);
      const Bytes rows_bytes = rows_overflow ? Bytes::Overflowed() : Bytes::FromDim(rows);
      const Bytes scratch1 = AlignUp(rows_bytes * window * num_heads * batch * e, 128);
      softmax = AlignUp(scratch1 + Bytes(120), 128);
    } else {
      const Bytes scratch = AlignUp(Bytes::FromDim(e) * batch * num_heads * seq * seq, 256);
      softmax = scratch + scratch;
    }
    est.Add("softmax_workspace", softmax, kLongformerWorkspace);
    const Bytes qkv = Bytes(3) * batch * seq * num_heads * head_size * e;
    est.Add("qkv", qkv, kLongformerWorkspace);
    if (g > 0) est.Add("global_qkv", qkv, kLongformerWorkspace);
    feasible.push_back({std::move(est), fmt::format("max_num_global = {}", g)});
  }
  Estimate result = attn::ResolveFeasible(
      {}, std::move(feasible), target.forced_variant,
      global_exact ? std::string()
                   : "max_num_global counts global_attention_mask's nonzeros per batch at run time (0..S)");
  return result;
}

// ---------------------------------------------------------------------------------------------------
// PagedAttention: flash (prefill / mixed batches), the paged decode kernel, or memory-efficient with a
// dense gather; modelled for a native (unquantized, SEPARATE-layout) cache without attention_metadata.
// ---------------------------------------------------------------------------------------------------
Result<Estimate> EstimatePagedAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(Heads h, ParseHeads(node));
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "query"}, {3, "key_cache"}, {5, "cumulative_seqlens_q"},
                                                        {6, "past_seqlens"}, {7, "block_table"}}));
  (void)have;
  WSEST_ASSIGN_OR_RETURN(bool q_rank, RequireRank(node, 0, "query", 2));
  WSEST_ASSIGN_OR_RETURN(bool cache_rank, RequireRank(node, 3, "key_cache", 4));
  WSEST_ASSIGN_OR_RETURN(bool table_rank, RequireRank(node, 7, "block_table", 2));
  (void)q_rank;
  (void)cache_rank;
  (void)table_rank;
  const bool is_packed_qkv = !node.has_input(1);
  std::string unknown;
  const int64_t token_count = Need(node, 0, "query", 0, &unknown);
  const int64_t hidden_in = Need(node, 0, "query", 1, &unknown);
  const int64_t block_size = Need(node, 3, "key_cache", 1, &unknown);
  const int64_t batch = Need(node, 7, "block_table", 0, &unknown);
  const int64_t max_blocks_per_seq = Need(node, 7, "block_table", 1, &unknown);
  if (!unknown.empty()) return Estimate::Unknown(unknown);
  const int64_t parts = is_packed_qkv ? h.num_heads + 2 * h.kv_num_heads : h.num_heads;
  if (hidden_in % parts != 0) {
    return Invalid(node, fmt::format("query dim 1 = {} is not a multiple of {}", hidden_in, parts));
  }
  const int64_t head_size = hidden_in / parts;
  const int64_t hidden = h.num_heads * head_size;
  const int64_t kv_hidden = h.kv_num_heads * head_size;
  const DataType dtype = node.inputs[0].dtype;
  const DataType cache_dtype = node.inputs[3].dtype;
  if (dtype != DataType::kFloat16 && dtype != DataType::kBfloat16) {
    return Estimate::Unknown(node.Label() + ": the CUDA PagedAttention kernel is not registered for " +
                             DataTypeName(dtype) + " (float16 and bfloat16 only)");
  }
  // Not modelled: a quantized cache (dense dequantising gather, quantized XQA), the LATENT layout, and
  // attention_metadata bounds (native XQA, split-KV flash).
  if (cache_dtype != dtype) {
    return Estimate::Unknown(node.Label() + ": a quantized (" + DataTypeName(cache_dtype) +
                             ") paged cache is not modelled (XQA / dequantising gather paths)");
  }
  if (node.GetString("kv_cache_layout", "SEPARATE") == "LATENT") {
    return Estimate::Unknown(node.Label() + ": the LATENT (MLA) layout is not modelled");
  }
  if (node.has_input(16)) {
    return Estimate::Unknown(node.Label() + ": attention_metadata bounds (native XQA, split-KV flash) are not modelled");
  }
  const int64_t e = ElementSize(dtype);
  const int sm = target.device.sm();
  const bool is_causal = node.GetInt("is_causal", 1) == 1;
  WSEST_ASSIGN_OR_RETURN(attn::KernelOptions ko, attn::ParseKernelOptions(target.ep));

  // flash_eligible: !disable_flash && block_size % kBlockN == 0 (256/128/64 by head size) && is_supported.
  const int64_t flash_min_block = head_size <= 64 ? 256 : (head_size <= 128 ? 128 : 64);
  std::string flash_reject;
  if (!ko.use_flash_attention) flash_reject = "disabled (sdpa_kernel / ORT_DISABLE_FLASH_ATTENTION)";
  else if (block_size % flash_min_block != 0) {
    flash_reject = fmt::format("block_size {} is not a multiple of {} (a K/V tile may not straddle a page)", block_size,
                               flash_min_block);
  } else if (!attn::FlashIsSupported(sm, head_size, h.num_heads, h.kv_num_heads)) {
    flash_reject = fmt::format("flash::is_supported false (SM {}, head_size {})", sm, head_size);
  }
  const bool flash_eligible = flash_reject.empty();
  // decode_eligible: !disable_paged_decode_ (UseDecoderAttention) && its shared memory fits (assumed for
  // the data-centre parts); used when decode-shaped (token_count <= batch) and flash is not eligible.
  const bool decode_shaped = token_count <= batch;
  const bool use_paged_decode = ko.use_decoder_attention && is_causal && decode_shaped && !flash_eligible;
  const bool use_flash = flash_eligible && !use_paged_decode;
  const bool mea_eligible = !flash_eligible && ko.use_efficient_attention &&
                            attn::HasMemoryEfficientAttention(sm, dtype == DataType::kFloat16,
                                                              dtype == DataType::kBfloat16, head_size, head_size);
  const bool use_mea = mea_eligible && !use_paged_decode && is_causal;

  std::vector<Candidate> tried;
  auto common = [&](Estimate& est) {
    // cumulative_seqlens_kv: int [B + 1]; workspace: densified Q and K for rotary / QK-Norm, Q for packed QKV.
    est.Add("cumulative_seqlens_kv", Bytes(4) * (Bytes::FromDim(batch) + Bytes(1)), kPagedCompute);
    const bool needs_qk_prologue = node.GetInt("do_rotary", 0) == 1 || node.has_input(12);
    if (needs_qk_prologue) {
      est.Add("workspace", Bytes::FromDim(e) * token_count * (hidden + kv_hidden), kPagedCompute);
    } else if (is_packed_qkv) {
      est.Add("workspace", Bytes::FromDim(e) * token_count * hidden, kPagedCompute);
    }
  };
  if (use_paged_decode) {
    tried.push_back({"flash", flash_reject, std::nullopt});
    Estimate u = Estimate::Unknown(node.Label() +
                                   ": the paged decode kernel's split count (ComputePagedDecodeSplits) is not modelled");
    u.candidates = std::move(tried);
    u.candidates.push_back({"paged_decode", "", std::nullopt});
    return u;
  }
  if (use_flash) {
    Estimate est{"flash", Exactness::kExact};
    common(est);
    // softmax_lse: get_softmax_lse_size(token_count, num_heads) = 4 * tokens * N. Without attention_metadata
    // the split-KV lower bound is 0, so no split accumulators.
    est.Add("softmax_lse", Bytes(4) * token_count * h.num_heads, attn::kSrcFlashSoftmaxLse);
    est.candidates.push_back({"paged_decode", decode_shaped ? "flash eligible" : "not decode-shaped (tokens > batch)",
                              std::nullopt});
    return est;
  }
  tried.push_back({"flash", flash_reject, std::nullopt});
  tried.push_back({"paged_decode",
                   !is_causal ? "is_causal = 0" : (!decode_shaped ? "not decode-shaped (tokens > batch)" : "disabled"),
                   std::nullopt});
  if (!is_causal) {
    Estimate u = Estimate::Unknown(node.Label() + ": is_causal = 0 requires the flash backend; the kernel fails");
    u.candidates = std::move(tried);
    return u;
  }
  if (!use_mea) {
    Estimate u = Estimate::Unknown(node.Label() + ": no backend (flash, paged decode, memory-efficient) accepts it");
    u.candidates = std::move(tried);
    return u;
  }
  Estimate est{"memory_efficient", Exactness::kUpperBound};
  est.candidates = std::move(tried);
  common(est);
  // Dense gather, GQA-expanded to num_heads: total_kv_tokens is read back from the device (exact at run
  // time); bounded here by batch * max_blocks_per_seq * block_size.
  const Bytes gather = Bytes::FromDim(e) * batch * max_blocks_per_seq * block_size * h.num_heads * head_size;
  est.Add("gathered_key", gather, kPagedCompute);
  est.Add("gathered_value", gather, kPagedCompute);
  if (attn::MemoryEfficientNeedsAccumulator(head_size, /*is_float=*/false)) {
    est.Add("fmha_buffer", Bytes(4) * token_count * h.num_heads * head_size, attn::kSrcMemoryEfficientAccumulator);
  }
  est.reason = "gather buffers sized by total KV tokens (device data); bounded by the block table capacity";
  return est;
}

}  // namespace wsest::estimators
