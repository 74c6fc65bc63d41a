// Shared pieces of the CUDA attention estimators (ORT 1.29.0 contrib_ops/cuda/bert/*): the kernel
// options (sdpa_kernel bitmask and ORT_* variables, as AttentionKernelOptions::Initialize reads them),
// each backend's support test, and each backend's buffer sizes. Every function is a plain function of
// plain numbers, so the estimators for MultiHeadAttention, Attention, Packed*, GroupQueryAttention,
// SparseAttention, PagedAttention and ai.onnx Attention can share them without sharing a dims struct.
//
// Dispatch order and which sizes a given op passes in stay in each op's estimator (they differ per op:
// GQA passes KV heads to the split heuristic, MHA passes query heads, ...).
//
// Stable API: other estimator files include this header. Add functions; do not change signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsest/bytes.h"
#include "wsest/estimate.h"
#include "wsest/live.h"
#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest::estimators::attention {

// ---------------------------------------------------------------------------------------------------
// Citations ("onnxruntime 1.29.0 <file> <function>"), for Estimate::Add sources.
// ---------------------------------------------------------------------------------------------------
inline constexpr const char* kSrcGetAttentionWorkspaceSize =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/attention_impl.cu GetAttentionWorkspaceSize";
inline constexpr const char* kSrcGetAttentionScratchSize =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/attention_impl.cu GetAttentionScratchSize";
inline constexpr const char* kSrcGetSequenceOffsetSize =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/attention_impl.cu GetSequenceOffsetSize";
inline constexpr const char* kSrcFlashSoftmaxLse =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/flash_attention/flash_api.cc get_softmax_lse_size";
inline constexpr const char* kSrcFlashSplits =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/flash_attention/flash_api.cc get_num_splits_and_buffer_sizes";
inline constexpr const char* kSrcLeanSoftmaxLse =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/lean_attention/lean_api.cc get_softmax_lse_size";
inline constexpr const char* kSrcLeanSplits =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/lean_attention/lean_api.cc get_num_splits_and_buffer_sizes";
inline constexpr const char* kSrcMemoryEfficientAccumulator =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/attention_impl.cu GetAttentionWorkspaceSize "
    "(MemoryEfficientAttentionParams::need_workspace, cutlass_fmha/memory_efficient_attention.h)";
inline constexpr const char* kSrcCudnnSdpaWorkspace =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/cudnn_fmha/cudnn_flash_attention.cc run "
    "(mha_graph->get_workspace_size(), IAllocator::MakeUniquePtr)";
inline constexpr const char* kSrcCudnnSdpaSeqLenQ =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/cudnn_fmha/cudnn_flash_attention.cc run "
    "(CreateConstantSeqLenBuffer for the missing seq_len_q, IAllocator::MakeUniquePtr)";

// ---------------------------------------------------------------------------------------------------
// Kernel options: attention_kernel_options.cc AttentionKernelOptions::Initialize and
// contrib_ops/cpu/bert/attention_common.h (AttentionBackend, environment variable names).
// ---------------------------------------------------------------------------------------------------

// The sdpa_kernel provider option bits (attention_common.h enum AttentionBackend).
enum SdpaKernelBit : int64_t {
  kSdpaFlashAttention = 1,
  kSdpaEfficientAttention = 2,
  kSdpaTrtFusedAttention = 4,
  kSdpaCudnnFlashAttention = 8,
  kSdpaMath = 16,
  kSdpaTrtFlashAttention = 32,
  kSdpaTrtCrossAttention = 64,
  kSdpaTrtCausalAttention = 128,
  kSdpaLeanAttention = 256,
  kSdpaDecoderAttention = 512,
};

inline constexpr const char* kEnvDisableFlashAttention = "ORT_DISABLE_FLASH_ATTENTION";
inline constexpr const char* kEnvEnableLeanAttention = "ORT_ENABLE_LEAN_ATTENTION";
inline constexpr const char* kEnvDisableMemoryEfficientAttention = "ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION";
inline constexpr const char* kEnvDisableFusedSelfAttention = "ORT_DISABLE_FUSED_ATTENTION";
inline constexpr const char* kEnvEnableCudnnFlashAttention = "ORT_ENABLE_CUDNN_FLASH_ATTENTION";
inline constexpr const char* kEnvDisableTrtFlashAttention = "ORT_DISABLE_TRT_FLASH_ATTENTION";
inline constexpr const char* kEnvDisableFusedCrossAttention = "ORT_DISABLE_FUSED_CROSS_ATTENTION";
inline constexpr const char* kEnvEnableFusedCausalAttention = "ORT_ENABLE_FUSED_CAUSAL_ATTENTION";
inline constexpr const char* kEnvDisableDecoderAttention = "ORT_DISABLE_DECODER_ATTENTION";
inline constexpr const char* kEnvMinSeqLenEfficientAttentionFp32 = "ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32";
inline constexpr const char* kEnvMinSeqLenFlashAttentionPackedQkv = "ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV";
inline constexpr int64_t kDefaultMinSeqLenEfficientAttentionFp32 = 256;
inline constexpr int64_t kDefaultMinSeqLenFlashAttentionPackedQkv = 513;

// What AttentionKernelOptions holds after Initialize(sdpa_kernel, use_build_flag=true, ...).
struct KernelOptions {
  int64_t sdpa_kernel = 0;  // the provider option as given; > 0 means the bitmask overrides the ORT_* flags
  bool use_flash_attention = true;
  bool use_lean_attention = false;  // what the options say; lean_built says whether the build has the kernel
  bool use_efficient_attention = true;
  bool use_trt_fused_attention = true;
  bool use_cudnn_flash_attention = false;
  bool use_unfused = true;  // MATH; ORT ignores MATH=0 ("Unfused kernel cannot be disabled right now")
  bool use_trt_flash_attention = true;
  bool use_trt_cross_attention = true;
  bool use_trt_causal_attention = false;
  bool use_decoder_attention = true;
  int64_t min_seq_len_for_flash_attention_packed_qkv = kDefaultMinSeqLenFlashAttentionPackedQkv;
  int64_t min_seq_len_for_efficient_attention_fp32 = kDefaultMinSeqLenEfficientAttentionFp32;
  // USE_LEAN_ATTENTION: cmake option onnxruntime_USE_LEAN_ATTENTION defaults to OFF and no release
  // pipeline under tools/ci_build turns it on, so the published 1.29.0 CUDA packages lack lean
  // attention and Initialize(use_build_flag=true) clears use_lean_attention_. Flash and memory-efficient
  // attention are ON by default (CUDA >= 11.6), and stay on here.
  bool lean_built = false;
  // AttentionKernelOptions::AllowCudnnFlashAttentionAuto: no sdpa_kernel bitmask
  // (has_explicit_kernel_selection_) and ORT_ENABLE_CUDNN_FLASH_ATTENTION not set to 0. The ops then
  // prefer cuDNN SDPA on SM >= 90 although use_cudnn_flash_attention is off. The cuDNN path also
  // needs cudnn_sdpa::is_stable(), which each op checks against Target::cudnn_version.
  bool allow_cudnn_flash_attention_auto = true;
};

// Mirrors AttentionKernelOptions::Initialize: sdpa_kernel > 0 takes each flag from its bit (and the two
// sequence-length thresholds then default to 0); otherwise the ORT_* variables decide. The ORT_* flags
// are parsed as ORT parses a bool (istream >> bool: "0" or "1" only) and the thresholds as int; ORT
// throws on anything else, so this returns InvalidArgument naming the variable.
Result<KernelOptions> ParseKernelOptions(const EpConfig& ep);

// ---------------------------------------------------------------------------------------------------
// Common workspace pieces: attention_impl.cu.
// ---------------------------------------------------------------------------------------------------
inline constexpr uint64_t kMemoryAlignment = 256;  // attention_impl.cu kMemoryAlignment

// AlignSize: rounds up to 256 bytes.
Bytes AlignSize(Bytes bytes);

// Q/K/V materialisation in GetAttentionWorkspaceSize:
// element_size * B * N * ((S + L) * H + L * Hv); the caller passes 0 when NoQkvWorkspace holds.
Bytes QkvWorkspaceBytes(int64_t element_size, int64_t batch, int64_t num_heads, int64_t qk_head_size,
                        int64_t v_head_size, int64_t seq_len, int64_t kv_seq_len);

// GetAttentionScratchSize: AlignSize(element_size * B * N * S * T). The unfused path takes two.
Bytes AttentionScratchBytes(int64_t element_size, int64_t batch, int64_t num_heads, int64_t seq_len,
                            int64_t total_seq_len);

// GetSequenceOffsetSize: AlignSize(4 * ((has_padding ? 2B : B) + 1)).
Bytes SequenceOffsetBytes(int64_t batch, bool has_padding);

// ---------------------------------------------------------------------------------------------------
// Flash attention: flash_attention/flash_api.cc.
// ---------------------------------------------------------------------------------------------------

// flash::is_supported: sm major >= 8, H % 8 == 0, H <= 256, N % Nk == 0. (ORT_QUICK_BUILD's H == 128
// restriction is a developer build option, not modelled.)
bool FlashIsSupported(int sm, int64_t head_size, int64_t num_heads, int64_t num_heads_k);

// get_softmax_lse_size: 4 * B * N * S (fp32).
Bytes FlashSoftmaxLseBytes(int64_t batch, int64_t num_heads, int64_t seq_len_q);
// get_softmax_lse_accum_size: 4 * splits * B * S * N.
Bytes FlashSoftmaxLseAccumBytes(int64_t num_splits, int64_t batch, int64_t num_heads, int64_t seq_len_q);
// get_out_accum_size: 4 * splits * B * S * N * head_size_rounded.
Bytes FlashOutAccumBytes(int64_t num_splits, int64_t batch, int64_t num_heads, int64_t seq_len_q,
                         int64_t head_size_rounded);
// round_multiple(H, 32) as get_num_splits_and_buffer_sizes does.
int64_t FlashHeadSizeRounded(int64_t head_size);

// num_splits_heuristic: the split-KV count flash picks. block_n = 256 (H <= 64), 128 (H <= 128) or 64;
// n_blocks = ceil(T / block_n); m_blocks = ceil(S / 64); w = B * N * m_blocks. If w >= 0.8 * SMs: 1.
// Else over s in [1, min(max_splits, SMs, n_blocks)] skipping s whose ceil(n_blocks / s) equals that of
// s - 1, efficiency(s) = (w*s/SMs) / ceil(w*s/SMs) in float; returns the smallest eligible s with
// efficiency >= 0.85 * best. Not monotonic in T. Returns 1 when nothing qualifies.
int64_t FlashNumSplitsHeuristic(int64_t batch, int64_t seq_len_q, int64_t seq_len_k, int64_t num_heads,
                                int64_t head_size, int64_t num_sms, int64_t max_splits);

// get_num_splits_and_buffer_sizes (max_splits = 128): splits > 1 gives the two accumulators; otherwise
// num_splits is reported as 0 with 0-byte accumulators (ORT sets data.num_splits = 0 then).
struct FlashSplitBuffers {
  int64_t num_splits = 0;  // 0 when the heuristic says 1 (no split kernel)
  Bytes softmax_lse_accum;
  Bytes out_accum;
};
FlashSplitBuffers FlashSplitBufferSizes(int64_t batch, int64_t seq_len_q, int64_t seq_len_k, int64_t num_heads,
                                        int64_t head_size, int64_t num_sms);

// ---------------------------------------------------------------------------------------------------
// Lean attention: lean_attention/lean_api.cc (only in builds with USE_LEAN_ATTENTION; see KernelOptions).
// ---------------------------------------------------------------------------------------------------

// lean::is_supported: SM 8.x or 9.0, H in {64, 128}, N % Nk == 0.
bool LeanIsSupported(int sm, int64_t head_size, int64_t num_heads, int64_t num_heads_k);

// lean::get_num_splits_and_buffer_sizes (stream-K tiling over 2 CTAs per SM). Accumulators use KV heads
// and S * N / Nk query rows; the sync flags are 4 * B * Nk * m_blocks. All zero when num_splits <= 1.
struct LeanSplitBuffers {
  int64_t num_splits = 0;
  int64_t grid_dim_z = 0;
  int64_t max_tiles_per_tb = 0;
  Bytes softmax_lse_accum;
  Bytes out_accum;
  Bytes sync_flag;
};
LeanSplitBuffers LeanSplitBufferSizes(int64_t batch, int64_t seq_len_q, int64_t seq_len_k, int64_t num_heads,
                                      int64_t num_heads_k, int64_t head_size, int64_t num_sms, bool is_causal);

// ---------------------------------------------------------------------------------------------------
// Memory-efficient attention (CUTLASS): cutlass_fmha/memory_efficient_attention.h.
// ---------------------------------------------------------------------------------------------------
inline constexpr int64_t kEfficientAttentionMaxHeadSize = 1024;

// has_memory_efficient_attention: bf16 needs SM >= 80; SM >= 53 (fp16) or 50 (otherwise); H and Hv
// multiples of 8 and <= 1024.
bool HasMemoryEfficientAttention(int sm, bool is_half, bool is_bf16, int64_t qk_head_size, int64_t v_head_size);
// MemoryEfficientAttentionParams::need_workspace: Hv > 128 and the element type is not fp32.
bool MemoryEfficientNeedsAccumulator(int64_t v_head_size, bool is_float);
// The fp32 output accumulator: 4 * B * S * N * Hv.
Bytes MemoryEfficientAccumulatorBytes(int64_t batch, int64_t seq_len, int64_t num_heads, int64_t v_head_size);

// ---------------------------------------------------------------------------------------------------
// TensorRT fused kernels: tensorrt_fused_multihead_attention/.
// ---------------------------------------------------------------------------------------------------
inline constexpr int64_t kTrtMinSequenceLengthFlashAttention = 385;  // mha_runner.h

// flash_attention/fmha_flash_attention.h has_flash_attention_kernel.
bool TrtHasFlashAttentionKernel(int sm, int64_t head_size);
// mha_runner.cu FusedMHARunnerFP16v2::IsSupported (self attention, and causal when `causal`).
bool TrtFusedRunnerIsSupported(int sm, int64_t head_size, int64_t seq_len, bool enable_trt_flash, bool causal);
// cross_attention/fmha_cross_attention.h has_fused_cross_attention_kernel.
bool TrtHasFusedCrossAttentionKernel(int sm, int64_t head_size, int64_t kv_seq_len);
// The runner's IsValid(normalized length) also depends on which cubins loaded (shared-memory limits);
// the estimators assume the kernel for a supported (sm, H, S) loaded.

// ---------------------------------------------------------------------------------------------------
// Decoder-masked (FasterTransformer) and cuDNN SDPA.
// ---------------------------------------------------------------------------------------------------

// decoder_masked_multihead_attention_impl.h has_decoder_masked_multihead_attention: SM >= 53, H in {32,64,128}.
bool HasDecoderMaskedMultiHeadAttention(int sm, int64_t head_size);

// The overload below at the default cuDNN version (kDefaultCudnnVersion, 9.19.0).
bool CudnnSdpaIsSupported(int sm, int64_t num_heads_q, int64_t num_heads_kv, int64_t head_size_qk, int64_t head_size_v,
                          int64_t seq_len_q, int64_t seq_len_kv, bool is_causal);

// cudnn_sdpa::is_stable: cudnnGetVersion() >= 9.3.0, except 9.10.0 and 9.10.1 (known SDPA forward bugs).
bool CudnnSdpaIsStable(int cudnn_version);

// cudnn_fmha/cudnn_flash_attention.cc cudnn_sdpa::is_supported, in the newest tree read (the one whose
// decode rule the 1.29.0 binary shows): sm major >= 8, H and Hv multiples of 8 and <= 256, N % Nk == 0;
// a causal mask with more than one query token needs S <= T, and on cuDNN < 9.6 with S != T
// (bottom-right alignment) both multiples of 64. A single query token (decode) drops the causal mask
// in run(), so no causal restriction applies to it.
bool CudnnSdpaIsSupported(int sm, int cudnn_version, int64_t num_heads_q, int64_t num_heads_kv, int64_t head_size_qk,
                          int64_t head_size_v, int64_t seq_len_q, int64_t seq_len_kv, bool is_causal);

// Why cudnn_sdpa_enabled = enable_cudnn_flash_attention_ || (auto_enable_cudnn_flash_attention_ && SM >= 90)
// is false for a 16-bit T: an sdpa_kernel bitmask without the CUDNN bit, ORT_ENABLE_CUDNN_FLASH_ATTENTION=0
// (the auto-preference's kill switch), or an SM below 9.0.
std::string CudnnSdpaNotEnabledReason(const KernelOptions& o, int sm);

// cudnn_sdpa::run's own allocations: seq_len_q synthesised (4 * B, int32) when the caller passes only
// the key lengths, then the graph's workspace, asked of target.live as `q` (kSrcCudnnSdpaWorkspace).
// Without an answer the estimate becomes Unknown with a reason naming the query; its other buffers stay.
void AddCudnnSdpaBuffers(Estimate& e, const SdpaQuery& q, bool synthesized_seq_len_q, const Target& target);

// ---------------------------------------------------------------------------------------------------
// Dispatch bookkeeping shared by the estimators.
// ---------------------------------------------------------------------------------------------------

// Appends "variant: rejected, <why>" to the candidates.
void Reject(Estimate& e, const std::string& variant, const std::string& why);

// One kernel that may run when the choice can't be proven statically, with its own estimate (whose
// buffers are that kernel's; Unknown when its bytes are not knowable, e.g. cuDNN without a live GPU).
struct FeasibleKernel {
  Estimate estimate;  // variant set; exactness of that kernel alone
  std::string why;    // why it may run ("if mask is all ones", ...)
};

// Resolves a set of feasible kernels into one Estimate: `target.forced_variant` naming one of them
// picks it (its own exactness); otherwise the largest, labelled kUpperBound, or Unknown if any
// feasible kernel's bytes are unknown. `tried` (rejected candidates so far) are kept in front, then
// every feasible kernel with its bytes. A single feasible kernel is returned as is.
Estimate ResolveFeasible(std::vector<Candidate> tried, std::vector<FeasibleKernel> feasible,
                         const std::string& forced_variant, const std::string& uncertainty);

// The dim at `axis` of `t`, or the label of the missing/symbolic dim ("query dim 1 'seq'") in `missing`.
std::optional<int64_t> DimValue(const TensorInfo& t, size_t axis, const std::string& what, std::string* missing);

}  // namespace wsest::estimators::attention
