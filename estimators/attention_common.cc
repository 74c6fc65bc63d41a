// Shared attention kernel options, support tests and buffer sizes; see attention_common.h. Each function
// names the ORT 1.29.0 function it mirrors (files under onnxruntime/contrib_ops/cuda/bert/).
#include "estimators/attention_common.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace wsest::estimators::attention {
namespace {

// ORT's ParseEnvironmentVariableWithDefault<bool>: TryParseStringWithClassicLocale reads a bool with
// istream >> bool (no boolalpha), so only "0" and "1" parse; anything else fails an ORT_ENFORCE.
Result<bool> EnvBool(const EpConfig& ep, const char* name, bool default_value) {
  std::optional<std::string> v = ep.Env(name);
  if (!v) return default_value;
  if (*v == "0") return false;
  if (*v == "1") return true;
  return InvalidArgument(std::string(name) + "='" + *v +
                         "': ORT 1.29.0 parses it as a bool (0 or 1) and fails on anything else");
}

// ParseEnvironmentVariableWithDefault<int>: an integer, else ORT fails.
Result<int64_t> EnvIntStrict(const EpConfig& ep, const char* name, int64_t default_value) {
  std::optional<std::string> v = ep.Env(name);
  if (!v) return default_value;
  const int64_t sentinel_a = ep.EnvInt(name, 1);
  const int64_t sentinel_b = ep.EnvInt(name, 2);
  if (sentinel_a != sentinel_b) {  // neither parse took the value: not an integer
    return InvalidArgument(std::string(name) + "='" + *v + "': ORT 1.29.0 parses it as an int and fails");
  }
  return sentinel_a;
}

bool Bit(int64_t value, SdpaKernelBit bit) { return (value & static_cast<int64_t>(bit)) != 0; }

// Saturating product for the split heuristic's block counts (a saturated value is far above any SM count).
uint64_t SatMul(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

}  // namespace

Result<KernelOptions> ParseKernelOptions(const EpConfig& ep) {
  KernelOptions o;
  o.sdpa_kernel = ep.ProviderOptionInt("sdpa_kernel", 0);
  const int64_t value = o.sdpa_kernel;
  if (value > 0) {
    o.allow_cudnn_flash_attention_auto = false;  // has_explicit_kernel_selection_
    o.use_flash_attention = Bit(value, kSdpaFlashAttention);
    o.use_lean_attention = Bit(value, kSdpaLeanAttention);
    o.use_efficient_attention = Bit(value, kSdpaEfficientAttention);
    o.use_trt_fused_attention = Bit(value, kSdpaTrtFusedAttention);
    o.use_cudnn_flash_attention = Bit(value, kSdpaCudnnFlashAttention);
    o.use_unfused = Bit(value, kSdpaMath);
    o.use_trt_flash_attention = Bit(value, kSdpaTrtFlashAttention);
    o.use_trt_cross_attention = Bit(value, kSdpaTrtCrossAttention);
    o.use_trt_causal_attention = Bit(value, kSdpaTrtCausalAttention);
    o.use_decoder_attention = Bit(value, kSdpaDecoderAttention);
  } else {
    WSEST_ASSIGN_OR_RETURN(bool disable_flash, EnvBool(ep, kEnvDisableFlashAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool enable_lean, EnvBool(ep, kEnvEnableLeanAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool disable_mea, EnvBool(ep, kEnvDisableMemoryEfficientAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool disable_fused, EnvBool(ep, kEnvDisableFusedSelfAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool enable_cudnn, EnvBool(ep, kEnvEnableCudnnFlashAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool disable_trt_flash, EnvBool(ep, kEnvDisableTrtFlashAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool disable_cross, EnvBool(ep, kEnvDisableFusedCrossAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool enable_causal, EnvBool(ep, kEnvEnableFusedCausalAttention, false));
    WSEST_ASSIGN_OR_RETURN(bool disable_decoder, EnvBool(ep, kEnvDisableDecoderAttention, false));
    o.use_flash_attention = !disable_flash;
    o.use_lean_attention = enable_lean;
    o.use_efficient_attention = !disable_mea;
    o.use_trt_fused_attention = !disable_fused;
    o.use_cudnn_flash_attention = enable_cudnn;
    // disable_auto_cudnn_flash_attention_: the variable given and parsed false.
    o.allow_cudnn_flash_attention_auto = !(ep.Env(kEnvEnableCudnnFlashAttention) && !enable_cudnn);
    o.use_unfused = true;
    o.use_trt_flash_attention = !disable_trt_flash;
    o.use_trt_cross_attention = !disable_cross;
    o.use_trt_causal_attention = enable_causal;
    o.use_decoder_attention = !disable_decoder;
  }
  // "When value is positive, we use 0 as default minimum sequence lengths".
  WSEST_ASSIGN_OR_RETURN(
      o.min_seq_len_for_flash_attention_packed_qkv,
      EnvIntStrict(ep, kEnvMinSeqLenFlashAttentionPackedQkv, value > 0 ? 0 : kDefaultMinSeqLenFlashAttentionPackedQkv));
  WSEST_ASSIGN_OR_RETURN(
      o.min_seq_len_for_efficient_attention_fp32,
      EnvIntStrict(ep, kEnvMinSeqLenEfficientAttentionFp32, value > 0 ? 0 : kDefaultMinSeqLenEfficientAttentionFp32));
  // use_build_flag: `#ifndef USE_LEAN_ATTENTION use_lean_attention_ = false;` (see KernelOptions::lean_built).
  if (!o.lean_built) o.use_lean_attention = false;
  return o;
}

Bytes AlignSize(Bytes bytes) { return AlignUp(bytes, kMemoryAlignment); }

Bytes QkvWorkspaceBytes(int64_t element_size, int64_t batch, int64_t num_heads, int64_t qk_head_size,
                        int64_t v_head_size, int64_t seq_len, int64_t kv_seq_len) {
  const Bytes per_head =
      (Bytes::FromDim(seq_len) + kv_seq_len) * qk_head_size + Bytes::FromDim(kv_seq_len) * v_head_size;
  return Bytes::FromDim(element_size) * batch * num_heads * per_head;
}

Bytes AttentionScratchBytes(int64_t element_size, int64_t batch, int64_t num_heads, int64_t seq_len,
                            int64_t total_seq_len) {
  return AlignSize(Bytes::FromDim(element_size) * batch * num_heads * seq_len * total_seq_len);
}

Bytes SequenceOffsetBytes(int64_t batch, bool has_padding) {
  const Bytes offsets = (has_padding ? Bytes(2) * batch : Bytes::FromDim(batch)) + Bytes(1);
  return AlignSize(Bytes(4) * offsets);
}

bool FlashIsSupported(int sm, int64_t head_size, int64_t num_heads, int64_t num_heads_k) {
  return sm / 10 >= 8 && head_size % 8 == 0 && head_size <= 256 && num_heads_k > 0 && num_heads % num_heads_k == 0;
}

Bytes FlashSoftmaxLseBytes(int64_t batch, int64_t num_heads, int64_t seq_len_q) {
  return Bytes(4) * batch * num_heads * seq_len_q;
}

Bytes FlashSoftmaxLseAccumBytes(int64_t num_splits, int64_t batch, int64_t num_heads, int64_t seq_len_q) {
  return Bytes(4) * num_splits * batch * seq_len_q * num_heads;
}

Bytes FlashOutAccumBytes(int64_t num_splits, int64_t batch, int64_t num_heads, int64_t seq_len_q,
                         int64_t head_size_rounded) {
  return Bytes(4) * num_splits * batch * seq_len_q * num_heads * head_size_rounded;
}

int64_t FlashHeadSizeRounded(int64_t head_size) { return CeilDiv(head_size, 32) * 32; }

int64_t FlashNumSplitsHeuristic(int64_t batch, int64_t seq_len_q, int64_t seq_len_k, int64_t num_heads,
                                int64_t head_size, int64_t num_sms, int64_t max_splits) {
  if (batch <= 0 || seq_len_q < 0 || seq_len_k < 0 || num_heads <= 0 || num_sms <= 0 || max_splits <= 0) return 1;
  const int64_t block_n = head_size <= 64 ? 256 : (head_size <= 128 ? 128 : 64);
  const int64_t num_n_blocks = CeilDiv(seq_len_k, block_n);
  const int64_t num_m_blocks = CeilDiv(seq_len_q, 64);
  const uint64_t work = SatMul(SatMul(static_cast<uint64_t>(batch), static_cast<uint64_t>(num_heads)),
                               static_cast<uint64_t>(num_m_blocks));
  // `batch_nheads_mblocks >= 0.8f * num_SMs`: size_t against float.
  if (static_cast<float>(work) >= 0.8f * static_cast<float>(num_sms)) return 1;
  const int64_t limit = std::min({max_splits, num_sms, num_n_blocks});
  auto eligible = [num_n_blocks](int64_t s) {
    return s == 1 || CeilDiv(num_n_blocks, s) != CeilDiv(num_n_blocks, s - 1);
  };
  // efficiency = n_waves / ceil(n_waves), n_waves = float(work * s) / num_SMs, as ORT computes it in float.
  auto efficiency = [work, num_sms](int64_t s) {
    const float n_waves = static_cast<float>(work * static_cast<uint64_t>(s)) / static_cast<float>(num_sms);
    return n_waves / std::ceil(n_waves);
  };
  float max_efficiency = 0.f;
  for (int64_t s = 1; s <= limit; ++s) {
    if (eligible(s)) max_efficiency = std::max(max_efficiency, efficiency(s));
  }
  for (int64_t s = 1; s <= limit; ++s) {
    if (eligible(s) && efficiency(s) >= 0.85 * max_efficiency) return s;  // 0.85 is a double in ORT too
  }
  return 1;
}

FlashSplitBuffers FlashSplitBufferSizes(int64_t batch, int64_t seq_len_q, int64_t seq_len_k, int64_t num_heads,
                                        int64_t head_size, int64_t num_sms) {
  FlashSplitBuffers out;
  const int64_t splits = FlashNumSplitsHeuristic(batch, seq_len_q, seq_len_k, num_heads, head_size, num_sms, 128);
  if (splits > 1) {
    out.num_splits = splits;
    out.softmax_lse_accum = FlashSoftmaxLseAccumBytes(splits, batch, num_heads, seq_len_q);
    out.out_accum = FlashOutAccumBytes(splits, batch, num_heads, seq_len_q, FlashHeadSizeRounded(head_size));
  }
  return out;
}

bool LeanIsSupported(int sm, int64_t head_size, int64_t num_heads, int64_t num_heads_k) {
  const bool is_sm8x = sm / 10 == 8;
  const bool is_sm90 = sm == 90;
  return (is_sm8x || is_sm90) && (head_size == 64 || head_size == 128) && num_heads_k > 0 &&
         num_heads % num_heads_k == 0;
}

LeanSplitBuffers LeanSplitBufferSizes(int64_t batch, int64_t seq_len_q, int64_t seq_len_k, int64_t num_heads,
                                      int64_t num_heads_k, int64_t head_size, int64_t num_sms, bool is_causal) {
  LeanSplitBuffers out;
  if (batch <= 0 || seq_len_q <= 0 || seq_len_k <= 0 || num_heads <= 0 || num_heads_k <= 0 || num_sms <= 0) return out;
  const int64_t block_n = head_size <= 64 ? 256 : (head_size <= 128 ? 128 : 64);
  const int64_t block_m = 64;
  const int64_t num_m_blocks = CeilDiv(seq_len_q, block_m);
  const int64_t num_n_blocks = CeilDiv(seq_len_k, block_n);
  if (seq_len_q == 1) is_causal = false;
  const int64_t rows_q = seq_len_q * num_heads / num_heads_k;  // max_seqlen_q after folding the head groups
  uint64_t tiles_per_head = 0;
  if (is_causal) {
    for (int64_t i = 0; i < num_m_blocks; ++i)
      tiles_per_head += static_cast<uint64_t>(CeilDiv((i + 1) * block_m, block_n));
  } else {
    tiles_per_head = SatMul(static_cast<uint64_t>(num_m_blocks), static_cast<uint64_t>(num_n_blocks));
  }
  const uint64_t total_tiles =
      SatMul(SatMul(tiles_per_head, static_cast<uint64_t>(batch)), static_cast<uint64_t>(num_heads_k));
  const uint64_t sms = static_cast<uint64_t>(num_sms);
  const uint64_t nb = static_cast<uint64_t>(num_n_blocks);
  uint64_t grid = 2 * sms;
  if (total_tiles <= 4 * sms) {
    grid = std::min((total_tiles + 1) / 2, (32 * total_tiles + nb - 1) / nb);
  } else {
    grid = std::min(2 * sms, SatMul(SatMul(32 * static_cast<uint64_t>(num_heads_k), static_cast<uint64_t>(batch)),
                                    static_cast<uint64_t>(num_m_blocks)));
  }
  if (grid == 0) return out;
  const uint64_t max_tiles = (total_tiles + grid - 1) / grid;
  uint64_t splits = 0;
  if (total_tiles % grid == 0) {
    splits = max_tiles == 0 ? 0 : 1 + (nb + max_tiles - 2) / max_tiles;
  } else {
    splits = max_tiles <= 1 ? 0 : 1 + (nb + max_tiles - 3) / (max_tiles - 1);
  }
  out.grid_dim_z = static_cast<int64_t>(grid);
  out.max_tiles_per_tb = static_cast<int64_t>(max_tiles);
  if (splits > 1) {
    out.num_splits = static_cast<int64_t>(splits);
    out.softmax_lse_accum = FlashSoftmaxLseAccumBytes(out.num_splits, batch, num_heads_k, rows_q);
    out.out_accum = FlashOutAccumBytes(out.num_splits, batch, num_heads_k, rows_q, FlashHeadSizeRounded(head_size));
    out.sync_flag = Bytes(4) * batch * num_heads_k * num_m_blocks;  // get_sync_flag_size
  }
  return out;
}

bool HasMemoryEfficientAttention(int sm, bool is_half, bool is_bf16, int64_t qk_head_size, int64_t v_head_size) {
  if (is_bf16 && sm < 80) return false;
  return sm >= (is_half ? 53 : 50) && qk_head_size % 8 == 0 && v_head_size % 8 == 0 &&
         qk_head_size <= kEfficientAttentionMaxHeadSize && v_head_size <= kEfficientAttentionMaxHeadSize;
}

bool MemoryEfficientNeedsAccumulator(int64_t v_head_size, bool is_float) { return v_head_size > 128 && !is_float; }

Bytes MemoryEfficientAccumulatorBytes(int64_t batch, int64_t seq_len, int64_t num_heads, int64_t v_head_size) {
  return Bytes::FromDim(batch) * seq_len * num_heads * v_head_size * Bytes(4);
}

bool TrtHasFlashAttentionKernel(int sm, int64_t head_size) {
  const bool sm_ok = sm == 75 || sm == 80 || sm == 86 || sm == 89;
  const bool head_ok = head_size == 16 || head_size == 32 || head_size == 40 || head_size == 64 || head_size == 80 ||
                       head_size == 128 || head_size == 160 || head_size == 256;
  return (sm == 70 && head_size == 64) || (sm_ok && head_ok);
}

bool TrtFusedRunnerIsSupported(int sm, int64_t head_size, int64_t seq_len, bool enable_trt_flash, bool causal) {
  const bool sm_ok = sm == 70 || sm == 75 || sm == 80 || sm == 86 || sm == 89;
  if (causal) {
    if (!sm_ok) return false;
    if (enable_trt_flash) {
      return head_size == 64 || head_size == 32 || head_size == 40 || head_size == 80 || head_size == 128 ||
             head_size == 144 || head_size == 160 || head_size == 256;
    }
    return (head_size == 64 || head_size == 32 || head_size == 40) && seq_len <= 128;
  }
  const bool use_flash = enable_trt_flash && seq_len >= kTrtMinSequenceLengthFlashAttention;
  if (use_flash && TrtHasFlashAttentionKernel(sm, head_size)) return true;
  if (!sm_ok) return false;
  if (head_size != 64 && head_size != 32) return false;
  if (sm == 70 && head_size == 32) return false;
  return seq_len <= 384;  // the non-flash fused kernels stop at 384
}

bool TrtHasFusedCrossAttentionKernel(int sm, int64_t head_size, int64_t kv_seq_len) {
  const int64_t max_head_size = sm == 75 ? 64 : 256;
  return (sm == 75 || sm == 80 || sm == 86 || sm == 89) && head_size > 0 && head_size <= max_head_size &&
         kv_seq_len <= 128;
}

bool HasDecoderMaskedMultiHeadAttention(int sm, int64_t head_size) {
  return sm >= 53 && (head_size == 32 || head_size == 64 || head_size == 128);
}

bool CudnnSdpaIsSupported(int sm, int64_t num_heads_q, int64_t num_heads_kv, int64_t head_size_qk, int64_t head_size_v,
                          int64_t seq_len_q, int64_t seq_len_kv, bool is_causal) {
  return CudnnSdpaIsSupported(sm, kDefaultCudnnVersion, num_heads_q, num_heads_kv, head_size_qk, head_size_v, seq_len_q,
                              seq_len_kv, is_causal);
}

bool CudnnSdpaIsStable(int cudnn_version) {
  return cudnn_version >= 90300 && cudnn_version != 91000 && cudnn_version != 91001;
}

bool CudnnSdpaIsSupported(int sm, int cudnn_version, int64_t num_heads_q, int64_t num_heads_kv, int64_t head_size_qk,
                          int64_t head_size_v, int64_t seq_len_q, int64_t seq_len_kv, bool is_causal) {
  if (sm / 10 < 8 || head_size_qk % 8 != 0 || head_size_qk > 256 || head_size_v % 8 != 0 || head_size_v > 256 ||
      num_heads_kv <= 0 || num_heads_q % num_heads_kv != 0) {
    return false;
  }
  if (is_causal && seq_len_q > 1) {
    if (seq_len_q > seq_len_kv) return false;  // bottom-right alignment needs s_q <= s_kv
    const bool bottom_right = seq_len_q != seq_len_kv;
    if (bottom_right && cudnn_version < 90600 && (seq_len_q % 64 != 0 || seq_len_kv % 64 != 0)) return false;
  }
  return true;
}

std::string CudnnSdpaNotEnabledReason(const KernelOptions& o, int sm) {
  if (o.sdpa_kernel > 0) return "sdpa_kernel does not select CUDNN_FLASH_ATTENTION (8)";
  if (!o.allow_cudnn_flash_attention_auto) {
    return "ORT_ENABLE_CUDNN_FLASH_ATTENTION=0 turns off the SM >= 90 auto-preference";
  }
  return "not enabled, and the auto-preference needs SM >= 90 (SM " + std::to_string(sm) + ")";
}

void AddCudnnSdpaBuffers(Estimate& e, const SdpaQuery& q, bool synthesized_seq_len_q, const Target& target) {
  if (synthesized_seq_len_q) e.Add("cudnn_seq_len_q", Bytes(4) * q.batch, kSrcCudnnSdpaSeqLenQ, Allocator::kTempSpace);
  std::string why_not = "no live cuDNN and no record";
  if (target.live != nullptr) {
    Result<SdpaAnswer> a = target.live->SdpaWorkspace(q);
    if (a.ok()) {
      e.Add("cudnn_sdpa_workspace", Bytes(a->workspace_bytes), std::string(kSrcCudnnSdpaWorkspace) + "; " + a->source,
            Allocator::kTempSpace);
      return;
    }
    why_not = a.error().message;
  }
  e.exactness = Exactness::kUnknown;
  e.reason += std::string(e.reason.empty() ? "" : "; ") + "the cuDNN SDPA graph's workspace for " + CanonicalKey(q) +
              " is chosen by cuDNN's engine heuristics (mode A); a GPU (live query) or a record from "
              "calibrate/record_library answers it (" +
              why_not + ")";
}

void Reject(Estimate& e, const std::string& variant, const std::string& why) {
  e.candidates.push_back({variant, variant + ": rejected, " + why, std::nullopt});
}

Estimate ResolveFeasible(std::vector<Candidate> tried, std::vector<FeasibleKernel> feasible,
                         const std::string& forced_variant, const std::string& uncertainty) {
  if (feasible.empty()) return Estimate::Unknown("no feasible attention kernel");
  auto with_candidates = [&](Estimate e, const std::string& note) {
    std::vector<Candidate> all = tried;
    for (const FeasibleKernel& f : feasible) all.push_back({f.estimate.variant, "", f.estimate.workspace_bytes()});
    e.candidates = std::move(all);
    if (!note.empty()) e.reason = e.reason.empty() ? note : note + "; " + e.reason;
    return e;
  };
  if (feasible.size() == 1) return with_candidates(feasible[0].estimate, "");
  for (const FeasibleKernel& f : feasible) {  // an overflow anywhere must surface as EstimateNode's error
    if (f.estimate.overflowed_buffer()) return with_candidates(f.estimate, "");
  }
  std::string names;
  for (const FeasibleKernel& f : feasible) {
    names += (names.empty() ? "" : ", ") + f.estimate.variant + (f.why.empty() ? "" : " (" + f.why + ")");
  }
  for (const FeasibleKernel& f : feasible) {
    if (!forced_variant.empty() && f.estimate.variant == forced_variant) {
      return with_candidates(f.estimate, "forced variant '" + forced_variant + "' among feasible: " + names);
    }
  }
  const FeasibleKernel* largest = nullptr;
  for (const FeasibleKernel& f : feasible) {
    if (!f.estimate.known()) {
      Estimate u = Estimate::Unknown(uncertainty + "; feasible: " + names + "; " + f.estimate.variant +
                                     " bytes unknown: " + f.estimate.reason);
      return with_candidates(u, "");
    }
    if (largest == nullptr || *f.estimate.workspace_bytes() > *largest->estimate.workspace_bytes()) largest = &f;
  }
  Estimate e = largest->estimate;
  e.exactness = Exactness::kUpperBound;
  return with_candidates(e,
                         "upper bound over feasible kernels (" + names + "): " + uncertainty + "; --variant picks one");
}

std::optional<int64_t> DimValue(const TensorInfo& t, size_t axis, const std::string& what, std::string* missing) {
  if (!t.has_shape || axis >= t.dims.size()) {
    if (missing != nullptr && missing->empty()) *missing = what + " (no shape)";
    return std::nullopt;
  }
  const Dim& d = t.dims[axis];
  if (d.known()) return d.value;
  if (missing != nullptr && missing->empty()) {
    *missing = what + " '" + (d.symbol.empty() ? "?" : d.symbol) + "'";
  }
  return std::nullopt;
}

}  // namespace wsest::estimators::attention
