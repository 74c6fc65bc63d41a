// com.microsoft attention ops on the CUDA EP of ONNX Runtime 1.29.0: MultiHeadAttention, Attention,
// PackedAttention, PackedMultiHeadAttention, DecoderMaskedMultiHeadAttention, DecoderMaskedSelfAttention.
//
// Files mirrored (onnxruntime/contrib_ops/cuda/bert/ unless noted): multihead_attention.cc, attention.cc,
// packed_attention.cc, packed_multihead_attention.cc, decoder_masked_multihead_attention.cc,
// decoder_masked_self_attention.cc, attention_impl.cu (GetAttentionWorkspaceSize), packed_attention_impl.cu
// (its own GetAttentionWorkspaceSize), attention_prepare_qkv.cu (NoQkvWorkspace) and
// contrib_ops/cpu/bert/multihead_attention_helper.h / attention_base.cc (CheckInputs). Read in the
// 2025-26 tree of a maintainer's fork (tianleiwu/onnxruntime main, 2026-02-13); backend helpers are in
// attention_common.{h,cc}. That tree predates the cuDNN SDPA dispatch the 1.29.0 binary runs: the cuDNN
// conditions follow the newest attention.cc, attention_kernel_options.h (AllowCudnnFlashAttentionAuto)
// and cudnn_fmha/cudnn_flash_attention.cc (is_stable, is_supported, run) found in the source index, and
// where no source read shows the binary's behaviour (MultiHeadAttention's order and types), the binary
// as measured through the shadow device.
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "estimators/attention_common.h"
#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

using namespace attention;  // NOLINT: the shared backend helpers

constexpr const char* kSrcMha = "onnxruntime 1.29.0 contrib_ops/cuda/bert/multihead_attention.cc ComputeInternal";
constexpr const char* kSrcAttention = "onnxruntime 1.29.0 contrib_ops/cuda/bert/attention.cc ComputeInternal";
constexpr const char* kSrcPacked = "onnxruntime 1.29.0 contrib_ops/cuda/bert/packed_attention.cc ComputeInternal";
constexpr const char* kSrcPackedMha =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/packed_multihead_attention.cc ComputeInternal";
constexpr const char* kSrcPackedWorkspace =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/packed_attention_impl.cu GetAttentionWorkspaceSize";
constexpr const char* kSrcDmmha =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/decoder_masked_multihead_attention.cc ComputeInternal";
constexpr const char* kSrcDmsa =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/decoder_masked_self_attention.cc ComputeInternal";

// contrib_ops/cpu/bert/attention_common.h AttentionQkvFormat, the ones these ops produce.
enum class QkvFormat { kQ_K_V_BSNH, kQ_K_V_BSNH_BNSH_BNSH, kQ_KV_BSNH_BSN2H, kQKV_BSN3H, kQKV_BS3NH };

// attention_common.h AttentionMaskType.
enum class MaskType {
  kNone,
  k1dKeySeqLen,
  k1dEndStart,
  k1dKeySeqLenStart,
  k2dDummy,
  k2dKeyPadding,
  k3dAttention,
  k4dMegatron,
};

const char* MaskName(MaskType m) {
  switch (m) {
    case MaskType::kNone:
      return "none";
    case MaskType::k1dKeySeqLen:
      return "1-D key sequence lengths";
    case MaskType::k1dEndStart:
      return "1-D end/start";
    case MaskType::k1dKeySeqLenStart:
      return "1-D key lengths with starts";
    case MaskType::k2dDummy:
      return "2-D dummy";
    case MaskType::k2dKeyPadding:
      return "2-D key padding";
    case MaskType::k3dAttention:
      return "3-D attention";
    case MaskType::k4dMegatron:
      return "4-D Megatron";
  }
  return "?";
}

// Element facts of the node's T.
struct ElemType {
  DataType dtype = DataType::kUndefined;
  int64_t size = 0;
  bool fp16 = false;
  bool bf16 = false;
  bool fp32 = false;
};

ElemType Elem(DataType t) {
  ElemType e;
  e.dtype = t;
  e.size = ElementSize(t);
  e.fp16 = t == DataType::kFloat16;
  e.bf16 = t == DataType::kBfloat16;
  e.fp32 = t == DataType::kFloat;
  return e;
}

Error Bad(const NodeView& node, const std::string& why) { return InvalidArgument(node.Label() + ": " + why); }

std::string Str(int64_t v) { return std::to_string(v); }

// The first condition that fails, as "<why>", or empty when all hold. Conditions are listed in the
// order the EP's `&&` chain evaluates them.
using Cond = std::pair<bool, std::string>;
std::string FirstFailure(std::initializer_list<Cond> conds) {
  for (const Cond& c : conds) {
    if (!c.first) return c.second;
  }
  return {};
}

// Reads the dims an op needs; the first symbolic one becomes an Unknown naming it.
class DimReader {
 public:
  int64_t Get(const TensorInfo& t, size_t axis, const std::string& what) {
    std::optional<int64_t> v = DimValue(t, axis, what, &missing_);
    return v.value_or(0);
  }
  bool ok() const { return missing_.empty(); }
  Estimate Unknown(const NodeView& node) const { return Estimate::Unknown(node.Label() + ": needs " + missing_); }

 private:
  std::string missing_;
};

// The constant value of a CPU scalar input (past_sequence_length), when the model inlines it.
std::optional<int64_t> ScalarValue(const NodeView& node, size_t index) {
  const TensorInfo* t = node.input(index);
  if (t == nullptr || !t->int_values || t->int_values->size() != 1) return std::nullopt;
  return (*t->int_values)[0];
}

Result<int64_t> NumHeads(const NodeView& node) {
  const int64_t n = node.GetInt("num_heads", 0);
  if (n <= 0) return Bad(node, "attribute num_heads is " + Str(n) + ", expected > 0");
  return n;
}

Result<bool> CheckRank(const NodeView& node, size_t index, const char* name, std::initializer_list<int64_t> ranks) {
  const TensorInfo* t = node.input(index);
  if (t == nullptr)
    return Bad(node, std::string("input ") + Str(static_cast<int64_t>(index)) + " (" + name + ") is missing");
  if (!t->has_shape) return false;
  for (int64_t r : ranks) {
    if (t->rank() == r) return true;
  }
  std::string want;
  for (int64_t r : ranks) want += (want.empty() ? "" : " or ") + Str(r);
  return Bad(node, std::string("input ") + Str(static_cast<int64_t>(index)) + " (" + name + ") rank " + Str(t->rank()) +
                       ", expected " + want);
}

// One feasible outcome of a dispatch: the variant and the candidates tried before it.
struct Choice {
  std::string variant;
  std::vector<Candidate> tried;  // rejected candidates, in order
  std::string why;               // the run-time assumption under which this outcome happens (may be empty)
};

// Adds a "rejected" candidate to `c` when `why` is non-empty; returns true when the kernel is chosen.
bool Try(Choice& c, const std::string& variant, const std::string& why) {
  if (why.empty()) {
    c.variant = variant;
    return true;
  }
  c.tried.push_back({variant, variant + ": rejected, " + why, std::nullopt});
  return false;
}

// Turns the outcomes (one per run-time scenario) into the node's Estimate. `buffers` sizes one variant.
Result<Estimate> Finish(const NodeView& node, const Target& target, const std::vector<Choice>& outcomes,
                        const std::function<Result<Estimate>(const std::string&)>& buffers,
                        const std::string& uncertainty) {
  std::vector<FeasibleKernel> feasible;
  for (const Choice& c : outcomes) {
    bool seen = false;
    for (const FeasibleKernel& f : feasible) seen = seen || f.estimate.variant == c.variant;
    if (seen) continue;
    WSEST_ASSIGN_OR_RETURN(Estimate e, buffers(c.variant));
    feasible.push_back({std::move(e), c.why});
  }
  if (feasible.size() == 1) {
    Estimate e = std::move(feasible[0].estimate);
    e.candidates = outcomes[0].tried;
    e.candidates.push_back({e.variant, "", e.workspace_bytes()});
    if (!target.forced_variant.empty() && target.forced_variant != e.variant) {
      e.reason += std::string(e.reason.empty() ? "" : "; ") + "--variant '" + target.forced_variant +
                  "' ignored: the EP's choice is proven (" + e.variant + ")";
    }
    return e;
  }
  (void)node;
  return ResolveFeasible(outcomes[0].tried, std::move(feasible), target.forced_variant, uncertainty);
}

// ===================================================================================================
// MultiHeadAttention: multihead_attention.cc MultiHeadAttention<T, QK>::ComputeInternal
// ===================================================================================================

struct MhaDims {
  ElemType t;
  int64_t batch = 0;        // B
  int64_t seq = 0;          // S
  int64_t kv_seq = 0;       // L
  int64_t past_seq = 0;     // P (a bound when total_is_bound)
  int64_t total_seq = 0;    // T = P + L (an upper bound when total_is_bound)
  int64_t num_heads = 0;    // N
  int64_t head_size = 0;    // H
  int64_t v_head_size = 0;  // Hv
  int64_t hidden = 0;       // N * H
  int64_t v_hidden = 0;     // N * Hv
  QkvFormat format = QkvFormat::kQ_K_V_BSNH;
  MaskType mask = MaskType::kNone;
  bool has_mask = false;               // key_padding_mask (input 4)
  bool has_bias = false;               // bias (input 3)
  bool has_attention_bias = false;     // attention_bias (input 5)
  bool has_past = false;               // past_key (input 6)
  bool has_past_seq_len = false;       // past_sequence_length (input 8)
  bool has_cache_indirection = false;  // input 9
  bool has_present = false;            // present_key (output 1)
  bool has_output_qk = false;          // output 3
  bool unidirectional = false;
  bool share_buffer = false;                  // past_key && past_sequence_length
  std::optional<int64_t> past_seq_len_value;  // the CPU scalar, when constant
  bool total_is_bound = false;                // share buffer with an unknown past_sequence_length: T <= M
  bool broadcast_attn_bias_dim_0 = false;
  bool broadcast_attn_bias_dim_1 = false;
};

// Mirrors multihead_attention_helper::CheckInputs (and GetMaskType, Check_Q_K_V, Check_Q_KV, Check_QKV,
// CheckPast, CheckAttentionBias) as far as the shapes decide.
Result<std::variant<MhaDims, Estimate>> ParseMha(const NodeView& node) {
  using Out = std::variant<MhaDims, Estimate>;
  MhaDims d;
  WSEST_ASSIGN_OR_RETURN(d.num_heads, NumHeads(node));
  const int64_t n = d.num_heads;
  WSEST_ASSIGN_OR_RETURN(bool q_shaped, CheckRank(node, 0, "query", {3, 5}));
  const TensorInfo& q = *node.input(0);
  d.t = Elem(q.dtype);
  if (!q_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shape of input 0 (query)"));
  const TensorInfo* key = node.input(1);
  const TensorInfo* value = node.input(2);
  d.has_bias = node.has_input(3);
  d.has_mask = node.has_input(4);
  d.has_attention_bias = node.has_input(5);
  d.has_past = node.has_input(6);
  d.has_past_seq_len = node.has_input(8);
  d.has_cache_indirection = node.has_input(9);
  d.has_present = node.has_output(1);
  d.has_output_qk = node.has_output(3);
  d.unidirectional = node.GetInt("unidirectional", 0) == 1;
  if (d.has_past != node.has_input(7)) {
    return Bad(node, "inputs 6 (past_key) and 7 (past_value) shall be both present or both absent");
  }
  d.share_buffer = d.has_past && d.has_past_seq_len;

  DimReader r;
  d.batch = r.Get(q, 0, "batch_size (query dim 0)");
  d.seq = r.Get(q, 1, "sequence_length (query dim 1)");
  if (q.rank() == 3) {
    d.hidden = r.Get(q, 2, "hidden_size (query dim 2)");
  } else {
    if (key != nullptr || value != nullptr) return Bad(node, "query of rank 5 (packed QKV) needs key and value absent");
    const int64_t three = r.Get(q, 3, "query dim 3");
    if (r.ok() && three != 3) {
      return Bad(node, "query dim 3 is " + Str(three) + ", expected 3 for packed QKV (B, S, N, 3, H)");
    }
    d.head_size = r.Get(q, 4, "head_size (query dim 4)");
    d.hidden = n * d.head_size;
  }
  if (r.ok() && q.rank() == 3 && d.hidden % n != 0) {
    return Bad(node, "query hidden size " + Str(d.hidden) + " is not divisible by num_heads " + Str(n));
  }
  d.head_size = d.hidden / n;
  d.kv_seq = d.seq;
  d.v_hidden = d.hidden;

  if (key != nullptr && value == nullptr) {  // Check_Q_KV
    if (q.rank() != 3) return Bad(node, "query rank " + Str(q.rank()) + ", expected 3 with packed KV");
    WSEST_ASSIGN_OR_RETURN(bool k_shaped, CheckRank(node, 1, "key", {5}));
    if (!k_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shape of input 1 (key)"));
    d.format = QkvFormat::kQ_KV_BSNH_BSN2H;
    d.kv_seq = r.Get(*key, 1, "kv_sequence_length (key dim 1)");
    const int64_t kn = r.Get(*key, 2, "key dim 2");
    const int64_t two = r.Get(*key, 3, "key dim 3");
    const int64_t kh = r.Get(*key, 4, "key dim 4");
    if (r.ok() && (kn != n || two != 2 || kh != d.head_size)) {
      return Bad(node, "key shape expected (batch_size, kv_sequence_length, " + Str(n) + ", 2, " + Str(d.head_size) +
                           ") for packed KV");
    }
    if (d.has_bias) return Bad(node, "input 3 (bias) shall be empty when packed KV is used");
  } else if (key != nullptr) {  // Check_Q_K_V
    if (q.rank() != 3) return Bad(node, "query rank " + Str(q.rank()) + ", expected 3 with separate key and value");
    WSEST_ASSIGN_OR_RETURN(bool k_shaped, CheckRank(node, 1, "key", {3, 4}));
    WSEST_ASSIGN_OR_RETURN(bool v_shaped, CheckRank(node, 2, "value", {3, 4}));
    if (!k_shaped || !v_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shapes of key and value"));
    if (key->rank() != value->rank()) {
      return Bad(node, "key rank " + Str(key->rank()) + " and value rank " + Str(value->rank()) + " differ");
    }
    if (key->rank() == 3) {
      d.format = QkvFormat::kQ_K_V_BSNH;
      d.kv_seq = r.Get(*key, 1, "kv_sequence_length (key dim 1)");
      const int64_t kd = r.Get(*key, 2, "key dim 2");
      const int64_t vl = r.Get(*value, 1, "value dim 1");
      d.v_hidden = r.Get(*value, 2, "v_hidden_size (value dim 2)");
      if (r.ok() && kd != d.hidden) {
        return Bad(node, "key dim 2 is " + Str(kd) + ", expected hidden_size " + Str(d.hidden) + " (query dim 2)");
      }
      if (r.ok() && vl != d.kv_seq) {
        return Bad(node, "value dim 1 is " + Str(vl) + ", expected kv_sequence_length " + Str(d.kv_seq));
      }
    } else {
      d.format = QkvFormat::kQ_K_V_BSNH_BNSH_BNSH;
      const int64_t kn = r.Get(*key, 1, "key dim 1");
      d.kv_seq = r.Get(*key, 2, "kv_sequence_length (key dim 2)");
      const int64_t kh = r.Get(*key, 3, "key dim 3");
      const int64_t vn = r.Get(*value, 1, "value dim 1");
      const int64_t vh = r.Get(*value, 3, "value dim 3");
      if (r.ok() && (kn != n || kh != d.head_size || vn != kn || vh != kh)) {
        return Bad(node, "key and value shall have the same shape (batch_size, " + Str(n) + ", kv_sequence_length, " +
                             Str(d.head_size) + ")");
      }
      d.v_hidden = vn * vh;
    }
  } else if (value != nullptr) {
    return Bad(node, "input 2 (value) shall be absent when input 1 (key) is absent");
  } else {
    d.format = q.rank() == 5 ? QkvFormat::kQKV_BSN3H : QkvFormat::kQKV_BS3NH;
    if (d.format == QkvFormat::kQKV_BS3NH) {
      return Bad(node,
                 "query of rank 3 without key and value (packed QKV BS3NH) is not supported by MultiHeadAttention");
    }
  }
  d.v_head_size = d.v_hidden / n;

  if (d.has_past) {  // CheckPast
    WSEST_ASSIGN_OR_RETURN(bool pk_shaped, CheckRank(node, 6, "past_key", {4}));
    WSEST_ASSIGN_OR_RETURN(bool pv_shaped, CheckRank(node, 7, "past_value", {4}));
    if (!pk_shaped || !pv_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shape of past_key"));
    const int64_t pm = r.Get(*node.input(6), 2, "past_sequence_length (past_key dim 2)");
    if (d.share_buffer) {
      d.past_seq_len_value = ScalarValue(node, 8);
      if (d.past_seq_len_value) {
        d.past_seq = *d.past_seq_len_value;
      } else {
        // The kernel appends L tokens at position P of a cache of M = past_key dim 2 rows, so a well-formed
        // run has P + L <= M: T is bounded by M.
        d.total_is_bound = true;
        d.past_seq = pm;
      }
    } else {
      d.past_seq = pm;
    }
  }
  if (!r.ok()) return Out(r.Unknown(node));
  d.total_seq = d.total_is_bound ? d.past_seq : d.past_seq + d.kv_seq;

  if (d.has_mask) {  // GetMaskType
    const TensorInfo& m = *node.input(4);
    if (!m.has_shape) return Out(Estimate::Unknown(node.Label() + ": needs the shape of input 4 (key_padding_mask)"));
    std::vector<int64_t> md;
    for (size_t i = 0; i < m.dims.size(); ++i)
      md.push_back(r.Get(m, i, "key_padding_mask dim " + Str(static_cast<int64_t>(i))));
    if (!r.ok()) return Out(r.Unknown(node));
    const int64_t b = d.batch;
    if (md.size() == 1 && md[0] == b) {
      d.mask = MaskType::k1dKeySeqLen;
    } else if (md.size() == 1 && md[0] == 3 * b + 2) {
      d.mask = MaskType::k1dKeySeqLenStart;
    } else if (md.size() == 2 && md[0] == b && md[1] == d.total_seq) {
      d.mask = MaskType::k2dKeyPadding;
    } else if (md.size() == 3 && md[0] == b && md[1] == d.seq && md[2] == d.total_seq) {
      d.mask = MaskType::k3dAttention;
    } else {
      return Bad(node,
                 "input 4 (key_padding_mask) shape is not expected: want (B), (3B+2), (B, T) or (B, S, T) with B=" +
                     Str(b) + ", S=" + Str(d.seq) + ", T=" + Str(d.total_seq));
    }
  }
  if (d.has_attention_bias) {
    WSEST_ASSIGN_OR_RETURN(bool ab_shaped, CheckRank(node, 5, "attention_bias", {4}));
    // CheckAttentionBias: broadcast_attn_bias_dim_0/1 when dim 0/1 is 1 (they shape cuDNN's bias tensor).
    if (ab_shaped) {
      const TensorInfo& ab = *node.input(5);
      d.broadcast_attn_bias_dim_0 = ab.dims[0].known() && ab.dims[0].value == 1;
      d.broadcast_attn_bias_dim_1 = ab.dims[1].known() && ab.dims[1].value == 1;
    }
  }
  // ComputeInternal: past/present must be all, none, or present only; packed formats take none.
  const int num_past = d.has_past ? 2 : 0;
  const int num_present = (node.has_output(1) ? 1 : 0) + (node.has_output(2) ? 1 : 0);
  if (!((num_past == 0 && num_present == 0) || (num_present == 2))) {
    return Bad(node,
               "past_key, past_value, present_key and present_value shall be all provided, or all empty, or "
               "only present_key and present_value provided");
  }
  if (num_present == 2 && d.format != QkvFormat::kQ_K_V_BSNH) {
    return Bad(node, "past/present shall be empty for packed QKV, packed KV and cross attention (BNSH key/value)");
  }
  return Out(d);
}

// Run-time scenario for the MHA dispatch: a value a Target can't know.
struct MhaScenario {
  bool dmmha_runtime = true;  // the past_sequence_length value test of use_dmmha_self/cross
  std::string why;
};

Choice DispatchMha(const MhaDims& d, const KernelOptions& o, int sm, int cudnn_version, const MhaScenario& sc) {
  Choice c;
  c.why = sc.why;
  const bool is_fp16 = d.t.fp16;
  // Constructor flags (MultiHeadAttention<T, QK>::MultiHeadAttention).
  const bool disable_fused_self_attention = !is_fp16 || !o.use_trt_fused_attention;
  const bool enable_trt_flash_attention = is_fp16 && o.use_trt_flash_attention;
  const bool disable_flash_attention = !is_fp16 || !o.use_flash_attention;
  const bool enable_lean_attention = d.t.size == 2 && o.use_lean_attention;
  const bool disable_memory_efficient_attention = !o.use_efficient_attention;
  const bool disable_fused_cross_attention = !is_fp16 || !o.use_trt_cross_attention;
  // cuDNN for either 16-bit type, named as Attention's and GroupQueryAttention's constructors name it.
  // Measured on the 1.29.0 binary through the shadow device: bf16 MHA (S = 512) on SM 9.0 runs cuDNN
  // SDPA with cuDNN 9.19.0, where the multihead_attention.cc read enables cuDNN for float16 only.
  const bool is_16bit = d.t.size == 2;
  const bool enable_cudnn_flash_attention = is_16bit && o.use_cudnn_flash_attention;
  const bool auto_enable_cudnn_flash_attention = is_16bit && o.allow_cudnn_flash_attention_auto;
  const bool disable_decoder_attention = !o.use_decoder_attention;
  const bool is_mask_none_or_1d_k_len = d.mask == MaskType::kNone || d.mask == MaskType::k1dKeySeqLen;
  const std::string fp16_only = std::string("T is ") + DataTypeName(d.t.dtype) + " (fp16 only in the constructor)";

  // 1. Decoder-masked (only considered when cache_indirection is given).
  if (d.has_cache_indirection) {
    const bool use_dmmha_self = d.format == QkvFormat::kQ_K_V_BSNH && d.share_buffer && sc.dmmha_runtime;
    const bool use_dmmha_cross =
        d.format == QkvFormat::kQ_K_V_BSNH_BNSH_BNSH && !d.has_past && d.has_past_seq_len && sc.dmmha_runtime;
    const std::string why = FirstFailure({
        {!disable_decoder_attention,
         "disabled (sdpa_kernel DECODER_ATTENTION bit clear or ORT_DISABLE_DECODER_ATTENTION=1)"},
        {d.t.fp32 || d.t.fp16, "T is not float or float16"},
        {use_dmmha_self || use_dmmha_cross,
         "neither self (BSNH, shared past/present, past_sequence_length > 0) nor cross (BNSH key/value, no past, "
         "past_sequence_length != 0) form"},
        {d.seq == 1, "sequence_length " + Str(d.seq) + " != 1"},
        {d.head_size == d.v_head_size, "head_size != v_head_size"},
        {d.mask == MaskType::kNone || d.mask == MaskType::k2dKeyPadding,
         std::string("mask ") + MaskName(d.mask) + " (none or 2-D key padding only)"},
        {d.has_past_seq_len, "past_sequence_length absent"},
        {HasDecoderMaskedMultiHeadAttention(sm, d.head_size),
         "head_size " + Str(d.head_size) + " not in {32, 64, 128} or SM < 53"},
    });
    if (Try(c, "decoder_masked", why)) return c;
  } else {
    Try(c, "decoder_masked", "cache_indirection absent");
  }

  // 2. Lean.
  {
    const std::string why = FirstFailure({
        {o.lean_built, "not compiled into the 1.29.0 release build (USE_LEAN_ATTENTION is off)"},
        {enable_lean_attention, "disabled (sdpa_kernel LEAN bit or ORT_ENABLE_LEAN_ATTENTION=1 needed, 16-bit T)"},
        {d.seq == 1, "sequence_length " + Str(d.seq) + " != 1"},
        {d.past_seq > 0, "past_sequence_length is 0"},
        {!d.has_attention_bias, "attention_bias present"},
        {!d.has_mask, "key_padding_mask present"},
        {d.head_size == d.v_head_size, "head_size != v_head_size"},
        {LeanIsSupported(sm, d.head_size, d.num_heads, d.num_heads),
         "SM or head_size " + Str(d.head_size) + " unsupported"},
    });
    if (Try(c, "lean", why)) return c;
  }

  // 3. cuDNN SDPA, ahead of flash. Measured on the 1.29.0 binary through the shadow device: fp16 MHA
  // on SM 9.0 with cuDNN 9.19.0 runs cuDNN SDPA by default (no sdpa_kernel), also with
  // ORT_DISABLE_FLASH_ATTENTION=1 and ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1, while sdpa_kernel=1
  // keeps flash; sdpa_kernel=8 takes it on SM 8.0/8.9/9.0 and falls to unfused on SM 7.5 and on cuDNN
  // 9.2.1. The multihead_attention.cc read (2026-02-13) tries cuDNN after flash and only with the
  // CUDNN bit; the binary follows the newer attention.cc/group_query_attention.cc pattern instead
  // (cudnn_sdpa_enabled with the SM >= 90 auto-preference, cudnn_sdpa::is_stable, then is_supported).
  {
    const bool cudnn_sdpa_enabled = enable_cudnn_flash_attention || (auto_enable_cudnn_flash_attention && sm >= 90);
    const std::string why = FirstFailure({
        {cudnn_sdpa_enabled, is_16bit ? CudnnSdpaNotEnabledReason(o, sm)
                                      : std::string("T is ") + DataTypeName(d.t.dtype) + " (16-bit only)"},
        {is_mask_none_or_1d_k_len, std::string("mask ") + MaskName(d.mask) + " (none or 1-D key lengths only)"},
        {CudnnSdpaIsStable(cudnn_version),
         "cudnn_sdpa::is_stable() false (cuDNN " + CudnnVersionText(cudnn_version) + ": needs >= 9.3.0, not 9.10.0/1)"},
        {CudnnSdpaIsSupported(sm, cudnn_version, d.num_heads, d.num_heads, d.head_size, d.v_head_size, d.seq,
                              d.total_seq, d.unidirectional),
         "cudnn_sdpa::is_supported false (SM " + Str(sm) + ", head sizes " + Str(d.head_size) + "/" +
             Str(d.v_head_size) + ", S " + Str(d.seq) + ", T " + Str(d.total_seq) + ")"},
    });
    if (Try(c, "cudnn_sdpa", why)) return c;
  }

  // 4. Flash. MHA's packed-QKV threshold compares qkv_format with QKV_BS3NH, a format CheckInputs
  // rejects for MultiHeadAttention, so ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV never applies here.
  {
    const std::string why = FirstFailure({
        {!disable_flash_attention,
         is_fp16 ? "disabled (sdpa_kernel FLASH bit clear or ORT_DISABLE_FLASH_ATTENTION=1)" : fp16_only},
        {!d.has_attention_bias, "attention_bias present"},
        {!d.has_mask, "key_padding_mask present"},
        {!d.has_past_seq_len, "past_sequence_length present"},
        {!d.has_cache_indirection, "cache_indirection present"},
        {!d.has_output_qk, "output_qk requested"},
        {d.head_size == d.v_head_size, "head_size != v_head_size"},
        {FlashIsSupported(sm, d.head_size, d.num_heads, d.num_heads),
         "flash::is_supported false (SM " + Str(sm) + ", head_size " + Str(d.head_size) + ")"},
    });
    if (Try(c, "flash", why)) return c;
  }

  // 5. TensorRT fused cross attention.
  {
    const bool format_ok =
        d.format == QkvFormat::kQ_K_V_BSNH || (d.format == QkvFormat::kQ_KV_BSNH_BSN2H && !d.has_bias);
    const std::string why = FirstFailure({
        {!disable_fused_cross_attention,
         is_fp16 ? "disabled (sdpa_kernel TRT_CROSS bit clear or ORT_DISABLE_FUSED_CROSS_ATTENTION=1)" : fp16_only},
        {!d.unidirectional, "unidirectional"},
        {!d.has_mask, "key_padding_mask present"},
        {!d.has_attention_bias, "attention_bias present"},
        {!d.has_past, "past_key present"},
        {!d.has_past_seq_len, "past_sequence_length present"},
        {!d.has_cache_indirection, "cache_indirection present"},
        {!d.has_present, "present_key requested"},
        {!d.has_output_qk, "output_qk requested"},
        {format_ok, "QKV format is not Q_K_V_BSNH or bias-free packed KV"},
        {d.hidden == d.v_hidden, "hidden_size != v_hidden_size"},
        {TrtHasFusedCrossAttentionKernel(sm, d.head_size, d.kv_seq), "no fused cross-attention kernel (SM " + Str(sm) +
                                                                         ", head_size " + Str(d.head_size) +
                                                                         ", kv_sequence_length " + Str(d.kv_seq) + ")"},
    });
    if (Try(c, "trt_fused_cross", why)) return c;
  }

  // 6. TensorRT fused self attention (the runner uses its flash kernels from S >= 385).
  {
    const std::string why = FirstFailure({
        {!disable_fused_self_attention,
         is_fp16 ? "disabled (sdpa_kernel TRT_FUSED bit clear or ORT_DISABLE_FUSED_ATTENTION=1)" : fp16_only},
        {!d.unidirectional, "unidirectional"},
        {!d.has_attention_bias, "attention_bias present"},
        {d.format == QkvFormat::kQ_K_V_BSNH || d.format == QkvFormat::kQKV_BSN3H,
         "QKV format is not BSNH or packed BSN3H"},
        {!d.has_past && !d.has_past_seq_len && !d.has_cache_indirection, "past state present"},
        {!d.has_present, "present_key requested"},
        {!d.has_output_qk, "output_qk requested"},
        {is_mask_none_or_1d_k_len, std::string("mask ") + MaskName(d.mask) + " (none or 1-D key lengths only)"},
        {d.hidden == d.v_hidden, "hidden_size != v_hidden_size"},
        {d.seq == d.kv_seq, "sequence_length != kv_sequence_length (self attention only)"},
        {TrtFusedRunnerIsSupported(sm, d.head_size, d.seq, enable_trt_flash_attention, d.unidirectional),
         "FusedMHARunnerFP16v2::IsSupported false (SM " + Str(sm) + ", head_size " + Str(d.head_size) +
             ", sequence_length " + Str(d.seq) + ")"},
    });
    if (Try(c, "trt_fused", why)) return c;
  }

  // 7. Memory-efficient (CUTLASS). The length threshold is skipped only for float16 (bf16 uses it).
  {
    const int64_t length_threshold = o.min_seq_len_for_efficient_attention_fp32;
    const bool is_long_sequence = is_fp16 || d.seq >= length_threshold || d.kv_seq >= length_threshold;
    const std::string why = FirstFailure({
        {!disable_memory_efficient_attention,
         "disabled (sdpa_kernel EFFICIENT bit clear or ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1)"},
        {is_long_sequence, "sequence lengths " + Str(d.seq) + "/" + Str(d.kv_seq) + " below " + Str(length_threshold) +
                               " (ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32) for non-fp16"},
        {!d.has_attention_bias || d.seq % (4 * d.t.size) == 0,
         "attention_bias with sequence_length " + Str(d.seq) + " not a multiple of " + Str(4 * d.t.size)},
        {!d.has_mask || d.mask == MaskType::k1dKeySeqLenStart,
         std::string("key_padding_mask present (") + MaskName(d.mask) + "; only 1-D key lengths with starts)"},
        {!d.has_past_seq_len, "past_sequence_length present"},
        {!d.has_cache_indirection, "cache_indirection present"},
        {!d.has_output_qk, "output_qk requested"},
        {HasMemoryEfficientAttention(sm, is_fp16, d.t.bf16, d.head_size, d.v_head_size),
         "has_memory_efficient_attention false (SM " + Str(sm) + ", head sizes " + Str(d.head_size) + "/" +
             Str(d.v_head_size) + ")"},
    });
    if (Try(c, "memory_efficient", why)) return c;
  }

  c.variant = "unfused";
  return c;
}

// attention_prepare_qkv.cu NoQkvWorkspace for MultiHeadAttention's formats.
bool MhaNoQkvWorkspace(const MhaDims& d, const std::string& v) {
  const bool direct = v == "memory_efficient" || v == "flash" || v == "cudnn_sdpa";
  switch (d.format) {
    case QkvFormat::kQ_K_V_BSNH_BNSH_BNSH:
      return direct && !d.has_bias;  // NoQkvWorkspace_MHA_Cross
    case QkvFormat::kQ_KV_BSNH_BSN2H:
      return v == "trt_fused_cross";  // NoQkvWorkspace_MHA_PackedKV
    case QkvFormat::kQKV_BSN3H:
      return v == "trt_fused" && !d.has_bias;  // NoQkvWorkspace_MHA_PackedQKV
    case QkvFormat::kQ_K_V_BSNH:
      if (d.has_past || d.has_present) {
        if (d.has_bias) return false;                   // NoQkvWorkspace_MHA_WithPast_Bias
        return direct && !d.has_past && d.has_present;  // NoQkvWorkspace_MHA_WithPast_NoBias
      }
      return direct && !d.has_bias;  // NoQkvWorkspace_MHA_NoPast
    case QkvFormat::kQKV_BS3NH:
      return false;
  }
  return false;
}

Result<Estimate> MhaBuffers(const MhaDims& d, const std::string& v, const Target& target) {
  const Exactness ex = d.total_is_bound ? Exactness::kUpperBound : Exactness::kExact;
  Estimate e(v, ex);
  if (d.total_is_bound) {
    e.reason =
        "past_sequence_length is a run-time scalar: total_sequence_length taken at its bound M = past_key dim 2 (" +
        Str(d.total_seq) + ")";
  }
  const int64_t sms = target.device.sm_count;
  if (v == "flash") {
    // softmax_lse / softmax_lse_accum / out_accum: GetScratchBuffer in ComputeInternal, sized by flash_api.cc.
    e.Add("softmax_lse", FlashSoftmaxLseBytes(d.batch, d.num_heads, d.seq), kSrcFlashSoftmaxLse);
    const FlashSplitBuffers s = FlashSplitBufferSizes(d.batch, d.seq, d.total_seq, d.num_heads, d.head_size, sms);
    if (s.num_splits > 1) {
      e.Add("softmax_lse_accum", s.softmax_lse_accum, kSrcFlashSplits);
      e.Add("out_accum", s.out_accum, kSrcFlashSplits);
      e.reason += std::string(e.reason.empty() ? "" : "; ") + "flash split-KV: " + Str(s.num_splits) + " splits on " +
                  Str(sms) + " SMs";
    }
  }
  if (v == "lean") {
    e.Add("softmax_lse", FlashSoftmaxLseBytes(d.batch, d.num_heads, d.seq), kSrcLeanSoftmaxLse);
    const LeanSplitBuffers s =
        LeanSplitBufferSizes(d.batch, d.seq, d.total_seq, d.num_heads, d.num_heads, d.head_size, sms, d.unidirectional);
    if (s.num_splits > 1) {
      e.Add("softmax_lse_accum", s.softmax_lse_accum, kSrcLeanSplits);
      e.Add("out_accum", s.out_accum, kSrcLeanSplits);
      e.Add("lean_sync_flag", s.sync_flag, kSrcLeanSplits);
    }
    e.reason += std::string(e.reason.empty() ? "" : "; ") +
                "lean attention assumes a build with USE_LEAN_ATTENTION (not the 1.29.0 release packages)";
  }
  // GetAttentionWorkspaceSize: one GetScratchBuffer, Q/K/V (unless NoQkvWorkspace) plus the kernel's part.
  const bool no_qkv = MhaNoQkvWorkspace(d, v);
  const Bytes qkv =
      no_qkv ? Bytes(0)
             : QkvWorkspaceBytes(d.t.size, d.batch, d.num_heads, d.head_size, d.v_head_size, d.seq, d.kv_seq);
  Bytes kernel_part(0);
  const char* part_name = nullptr;
  const char* part_src = kSrcGetAttentionWorkspaceSize;
  if (v == "memory_efficient") {
    if (MemoryEfficientNeedsAccumulator(d.v_head_size, d.t.fp32)) {
      kernel_part = MemoryEfficientAccumulatorBytes(d.batch, d.seq, d.num_heads, d.v_head_size);
      part_name = "mea_output_accumulator";
      part_src = kSrcMemoryEfficientAccumulator;
    }
  } else if (v == "trt_fused") {
    kernel_part = SequenceOffsetBytes(d.batch, true);
    part_name = "trt_sequence_offsets";
    part_src = kSrcGetSequenceOffsetSize;
  } else if (v == "trt_fused_cross") {
    kernel_part = Bytes(2) * SequenceOffsetBytes(d.batch, true);
    part_name = "trt_sequence_offsets_q_kv";
    part_src = kSrcGetSequenceOffsetSize;
  } else if (v == "unfused" || v == "decoder_masked") {
    // GetAttentionWorkspaceSize has no decoder-masked branch: with no fused flag set it returns the
    // unfused size, and MultiHeadAttention allocates it before QkvToContext takes the DMMHA path.
    kernel_part = Bytes(2) * AttentionScratchBytes(d.t.size, d.batch, d.num_heads, d.seq, d.total_seq);
    part_name = "attention_scores_x2";
    part_src = kSrcGetAttentionScratchSize;
  }
  e.Add("workspace_qkv", qkv, std::string(kSrcGetAttentionWorkspaceSize) + (no_qkv ? " (NoQkvWorkspace: 0)" : ""));
  if (part_name != nullptr) e.Add(part_name, kernel_part, part_src);
  if (d.share_buffer) {
    // seqlens_k_total: GetScratchBuffer(sizeof(int) * B) for past/present buffer sharing.
    e.Add("seqlens_k_total", Bytes(4) * d.batch, kSrcMha);
  }
  if (v == "cudnn_sdpa") {
    // attention_impl.cu CudnnFlashAttention passes mask_index (1-D key lengths) as seq_len_kv and no
    // seq_len_q, so run() synthesises the query side when there is a mask. Q/K/V are laid out as
    // PrepareQkv_MHA_* leaves them for the cuDNN kernel: BNSH K/V for cross attention and a KV cache.
    SdpaQuery q;
    q.dtype = d.t.dtype;
    q.batch = d.batch;
    q.num_heads_q = q.num_heads_kv = d.num_heads;
    q.head_size_qk = d.head_size;
    q.head_size_v = d.v_head_size;
    q.seq_len_q = d.seq;
    q.seq_len_kv = d.total_seq;
    const bool bnsh_kv = d.format == QkvFormat::kQ_K_V_BSNH_BNSH_BNSH || d.has_past || d.has_present;
    q.layout = bnsh_kv ? SdpaLayout::kQ_K_V_BSNH_BNSH_BNSH : SdpaLayout::kQ_K_V_BSNH;
    q.is_causal = d.unidirectional && d.seq > 1;  // run(): is_causal && sequence_length_q > 1
    q.has_bias = d.has_attention_bias;
    q.broadcast_bias_dim_0 = d.broadcast_attn_bias_dim_0;
    q.broadcast_bias_dim_1 = d.broadcast_attn_bias_dim_1;
    q.padding_mask = d.has_mask;
    AddCudnnSdpaBuffers(e, q, /*synthesized_seq_len_q=*/d.has_mask, target);
  }
  return e;
}

// ===================================================================================================
// Attention: attention.cc Attention<T>::ComputeInternal
// ===================================================================================================

struct AttnDims {
  ElemType t;
  int64_t batch = 0, seq = 0, input_hidden = 0, past_seq = 0, total_seq = 0, num_heads = 0;
  int64_t hidden = 0, k_hidden = 0, v_hidden = 0, head_size = 0, v_head_size = 0;
  MaskType mask = MaskType::kNone;
  bool has_mask = false, has_past = false, has_present = false, has_attention_bias = false, unidirectional = false;
  bool total_is_bound = false;
  bool broadcast_attn_bias_dim_0 = false, broadcast_attn_bias_dim_1 = false;
};

// Mirrors AttentionBase::CheckInputs / CheckMask (attention_base.cc), require_same_hidden_size = false.
Result<std::variant<AttnDims, Estimate>> ParseAttention(const NodeView& node) {
  using Out = std::variant<AttnDims, Estimate>;
  AttnDims d;
  WSEST_ASSIGN_OR_RETURN(d.num_heads, NumHeads(node));
  const int64_t n = d.num_heads;
  WSEST_ASSIGN_OR_RETURN(bool in_shaped, CheckRank(node, 0, "input", {3}));
  WSEST_ASSIGN_OR_RETURN(bool w_shaped, CheckRank(node, 1, "weights", {2}));
  d.t = Elem(node.input(0)->dtype);
  if (!in_shaped || !w_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shapes of input and weights"));
  d.has_mask = node.has_input(3);
  d.has_past = node.has_input(4);
  d.has_attention_bias = node.has_input(5);
  d.has_present = node.has_output(1);
  d.unidirectional = node.GetInt("unidirectional", 0) == 1;
  const bool share_buffer = node.GetInt("past_present_share_buffer", 0) != 0 && d.has_past;
  if (d.has_past && d.has_attention_bias) return Bad(node, "Attention cannot have both past and attention_bias");
  if (d.has_attention_bias && node.input(5)->has_shape && node.input(5)->rank() == 4) {
    // CheckAttentionBias: broadcast_attn_bias_dim_0/1 when dim 0/1 is 1 (they shape cuDNN's bias tensor).
    const TensorInfo& ab = *node.input(5);
    d.broadcast_attn_bias_dim_0 = ab.dims[0].known() && ab.dims[0].value == 1;
    d.broadcast_attn_bias_dim_1 = ab.dims[1].known() && ab.dims[1].value == 1;
  }
  DimReader r;
  d.batch = r.Get(*node.input(0), 0, "batch_size (input dim 0)");
  d.seq = r.Get(*node.input(0), 1, "sequence_length (input dim 1)");
  d.input_hidden = r.Get(*node.input(0), 2, "input_hidden_size (input dim 2)");
  const int64_t w0 = r.Get(*node.input(1), 0, "weights dim 0");
  const int64_t w1 = r.Get(*node.input(1), 1, "weights dim 1");
  if (!r.ok()) return Out(r.Unknown(node));
  if (w0 != d.input_hidden) {
    return Bad(node, "weights dim 0 is " + Str(w0) + ", expected input_hidden_size " + Str(d.input_hidden));
  }
  if (node.has_input(2) && node.input(2)->has_shape) {
    if (node.input(2)->rank() != 1)
      return Bad(node, "input 2 (bias) rank " + Str(node.input(2)->rank()) + ", expected 1");
    const int64_t b0 = r.Get(*node.input(2), 0, "bias dim 0");
    if (r.ok() && b0 != w1) return Bad(node, "bias dim 0 is " + Str(b0) + ", expected weights dim 1 " + Str(w1));
  }
  const std::vector<int64_t> qkv = node.GetInts("qkv_hidden_sizes");
  if (!qkv.empty()) {
    if (qkv.size() != 3)
      return Bad(node, "qkv_hidden_sizes has " + Str(static_cast<int64_t>(qkv.size())) + " elements, expected 3");
    for (int64_t h : qkv) {
      if (h <= 0 || h % n != 0)
        return Bad(node, "qkv_hidden_sizes element " + Str(h) + " is not divisible by num_heads " + Str(n));
    }
    d.hidden = qkv[0];
    d.k_hidden = qkv[1];
    d.v_hidden = qkv[2];
  } else {
    d.hidden = d.k_hidden = d.v_hidden = w1 / 3;
  }
  if (d.hidden != d.k_hidden) return Bad(node, "qkv_hidden_sizes first element should be same as the second");
  if (d.hidden + d.k_hidden + d.v_hidden != w1) {
    return Bad(node, "weights dim 1 is " + Str(w1) + ", expected q + k + v hidden sizes " +
                         Str(d.hidden + d.k_hidden + d.v_hidden));
  }
  if (d.hidden % n != 0) return Bad(node, "hidden size " + Str(d.hidden) + " is not divisible by num_heads " + Str(n));
  d.head_size = d.hidden / n;
  d.v_head_size = d.v_hidden / n;
  if (d.has_past) {
    WSEST_ASSIGN_OR_RETURN(bool p_shaped, CheckRank(node, 4, "past", {5}));
    if (!p_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shape of input 4 (past)"));
    const TensorInfo& p = *node.input(4);
    const int64_t two = r.Get(p, 0, "past dim 0");
    const int64_t pb = r.Get(p, 1, "past dim 1");
    const int64_t pn = r.Get(p, 2, "past dim 2");
    const int64_t pp = r.Get(p, 3, "past_sequence_length (past dim 3)");
    const int64_t ph = r.Get(p, 4, "past dim 4");
    if (!r.ok()) return Out(r.Unknown(node));
    if (two != 2 || pb != d.batch || pn != n || ph != d.k_hidden / n) {
      return Bad(node, "past shape expected (2, " + Str(d.batch) + ", " + Str(n) + ", past_sequence_length, " +
                           Str(d.k_hidden / n) + ")");
    }
    if (share_buffer) {
      if (!node.has_input(6)) {
        return Bad(node, "input 6 (past_sequence_length) is required when past_present_share_buffer is set");
      }
      std::optional<int64_t> ps = ScalarValue(node, 6);
      if (ps) {
        d.past_seq = *ps;
      } else {
        // CheckInputs: "past tensor sequence must not smaller than total_sequence_length": T <= past dim 3.
        d.past_seq = pp - d.seq;
        d.total_is_bound = true;
      }
    } else {
      d.past_seq = pp;
    }
  }
  d.total_seq = d.past_seq + d.seq;
  if (d.has_mask) {  // CheckMask
    const TensorInfo& m = *node.input(3);
    if (!m.has_shape) return Out(Estimate::Unknown(node.Label() + ": needs the shape of input 3 (mask_index)"));
    std::vector<int64_t> md;
    for (size_t i = 0; i < m.dims.size(); ++i)
      md.push_back(r.Get(m, i, "mask_index dim " + Str(static_cast<int64_t>(i))));
    if (!r.ok()) return Out(r.Unknown(node));
    const int64_t b = d.batch;
    if (md.size() == 1 && (md[0] == b || md[0] == 2 * b || md[0] == 3 * b + 2)) {
      d.mask = md[0] == b       ? MaskType::k1dKeySeqLen
               : md[0] == 2 * b ? MaskType::k1dEndStart
                                : MaskType::k1dKeySeqLenStart;
    } else if (md.size() == 2 && md[0] == b && md[1] == d.total_seq) {
      d.mask = MaskType::k2dKeyPadding;
    } else if (md.size() == 2 && (md[0] == b || md[0] == 1) && md[1] == 1) {
      d.mask = MaskType::k2dDummy;  // CheckInputs then reports MASK_NONE, but mask_index stays non-null
    } else if (md.size() == 3 && md[0] == b && md[1] == d.seq && md[2] == d.total_seq) {
      d.mask = MaskType::k3dAttention;
    } else if (md.size() == 4 && md[0] == b && md[1] == 1 && md[2] == md[3] && md[2] >= d.total_seq) {
      d.mask = MaskType::k4dMegatron;
    } else {
      return Bad(node, "input 3 (mask_index) has an unexpected shape for B=" + Str(b) + ", S=" + Str(d.seq) +
                           ", T=" + Str(d.total_seq));
    }
  }
  return Out(d);
}

Choice DispatchAttention(const AttnDims& d, const KernelOptions& o, int sm, int cudnn_version) {
  Choice c;
  const bool is_fp16 = d.t.fp16;
  const bool is_16bit = d.t.fp16 || d.t.bf16;
  const bool disable_fused_self_attention = !is_fp16 || !o.use_trt_fused_attention;
  const bool enable_trt_flash_attention = is_fp16 && o.use_trt_flash_attention;
  const bool disable_memory_efficient_attention = d.t.bf16 || !o.use_efficient_attention;
  const bool disable_flash_attention = !is_16bit || !o.use_flash_attention;
  const bool enable_cudnn_flash_attention = is_16bit && o.use_cudnn_flash_attention;
  const bool auto_enable_cudnn_flash_attention = is_16bit && o.allow_cudnn_flash_attention_auto;
  const bool is_mask_1d_seq_len = d.mask == MaskType::k1dKeySeqLen;

  // 0. cuDNN SDPA: cudnn_sdpa_supported is decided first and every other kernel requires it false.
  // Read in the newest attention.cc found (the one with auto_enable_cudnn_flash_attention_); measured on
  // the 1.29.0 binary through the shadow device: fp16 Attention on SM 9.0 with cuDNN 9.19.0 runs it by
  // default and with ORT_DISABLE_FLASH_ATTENTION / ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION, sdpa_kernel=8
  // takes it on SM 8.0/8.9/9.0 (cuDNN 9.19.0), and cuDNN 9.2.1 or SM 7.5 leave it.
  {
    const bool cudnn_sdpa_enabled = enable_cudnn_flash_attention || (auto_enable_cudnn_flash_attention && sm >= 90);
    // CheckInputs reports MASK_NONE for the 2-D dummy mask too.
    const bool mask_none = d.mask == MaskType::kNone || d.mask == MaskType::k2dDummy;
    const std::string why = FirstFailure({
        {cudnn_sdpa_enabled, is_16bit ? CudnnSdpaNotEnabledReason(o, sm)
                                      : std::string("T is ") + DataTypeName(d.t.dtype) + " (16-bit only)"},
        {mask_none || is_mask_1d_seq_len, std::string("mask ") + MaskName(d.mask) + " (none or 1-D key lengths only)"},
        {!d.has_past, "past present"},
        {!d.has_present, "present requested"},
        {CudnnSdpaIsStable(cudnn_version),
         "cudnn_sdpa::is_stable() false (cuDNN " + CudnnVersionText(cudnn_version) + ": needs >= 9.3.0, not 9.10.0/1)"},
        {CudnnSdpaIsSupported(sm, cudnn_version, d.num_heads, d.num_heads, d.head_size, d.v_head_size, d.seq,
                              d.total_seq, d.unidirectional),
         "cudnn_sdpa::is_supported false (SM " + Str(sm) + ", head sizes " + Str(d.head_size) + "/" +
             Str(d.v_head_size) + ", S " + Str(d.seq) + ", T " + Str(d.total_seq) + ")"},
    });
    if (Try(c, "cudnn_sdpa", why)) return c;
  }

  // 1. Flash (the fused QKV is always "packed": the 513 threshold applies).
  {
    const std::string why = FirstFailure({
        {!disable_flash_attention, is_16bit ? "disabled (sdpa_kernel FLASH bit clear or ORT_DISABLE_FLASH_ATTENTION=1)"
                                            : "T is float (flash needs fp16 or bf16)"},
        {!d.has_attention_bias, "attention_bias present"},
        {!d.has_past, "past present"},
        {!d.has_present, "present requested"},
        {d.hidden == d.v_hidden, "hidden_size != v_hidden_size"},
        {!d.has_mask, "mask_index present"},
        {FlashIsSupported(sm, d.head_size, d.num_heads, d.num_heads),
         "flash::is_supported false (SM " + Str(sm) + ", head_size " + Str(d.head_size) + ")"},
        {d.seq >= o.min_seq_len_for_flash_attention_packed_qkv, "sequence_length " + Str(d.seq) + " < " +
                                                                    Str(o.min_seq_len_for_flash_attention_packed_qkv) +
                                                                    " (ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV)"},
    });
    if (Try(c, "flash", why)) return c;
  }
  // 2. TensorRT fused, the BERT runner only (`!use_flash_attention && !is_unidirectional_`). The 2026-02-13
  // tree still has a causal runner for unidirectional nodes (enable_fused_causal_attention_); the 1.29.0
  // binary has none, as the newest attention.cc: measured through the shadow device, unidirectional fp16
  // Attention (B=4, S=128) on a100 ran unfused with sdpa_kernel=128 (TRT_CAUSAL) and memory-efficient with
  // ORT_ENABLE_FUSED_CAUSAL_ATTENTION=1, where that runner would have been supported.
  Try(c, "trt_fused_causal", "the 1.29.0 Attention kernel has no TRT causal runner");
  if (d.unidirectional) {
    Try(c, "trt_fused", "unidirectional (the fused runner is for BERT-style self attention)");
  } else {
    const std::string why = FirstFailure({
        {!disable_fused_self_attention,
         is_fp16 ? "disabled (sdpa_kernel TRT_FUSED bit clear or ORT_DISABLE_FUSED_ATTENTION=1)"
                 : std::string("T is ") + DataTypeName(d.t.dtype) + " (fp16 only)"},
        {!d.has_mask || is_mask_1d_seq_len,
         std::string("mask ") + MaskName(d.mask) + " (none or 1-D key lengths only)"},
        {!d.has_past, "past present"},
        {!d.has_present, "present requested"},
        {!d.has_attention_bias, "attention_bias present"},
        {d.hidden == d.v_hidden, "hidden_size != v_hidden_size"},
        {TrtFusedRunnerIsSupported(sm, d.head_size, d.seq, enable_trt_flash_attention, false),
         "FusedMHARunnerFP16v2::IsSupported false (SM " + Str(sm) + ", head_size " + Str(d.head_size) +
             ", sequence_length " + Str(d.seq) + ")"},
    });
    if (Try(c, "trt_fused", why)) return c;
  }
  // 3. Memory-efficient.
  {
    const std::string why = FirstFailure({
        {!disable_memory_efficient_attention,
         d.t.bf16 ? "T is bfloat16 (disabled in the constructor)"
                  : "disabled (sdpa_kernel EFFICIENT bit clear or ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1)"},
        {!d.has_past, "past present"},
        {!d.has_present, "present requested"},
        {!d.has_mask || d.mask == MaskType::k1dKeySeqLenStart,
         std::string("mask_index present (") + MaskName(d.mask) + "; only 1-D key lengths with starts)"},
        {d.t.size == 2 || d.seq >= o.min_seq_len_for_efficient_attention_fp32,
         "float with sequence_length " + Str(d.seq) + " < " + Str(o.min_seq_len_for_efficient_attention_fp32) +
             " (ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32)"},
        {!d.has_attention_bias || d.seq % (4 * d.t.size) == 0,
         "attention_bias with sequence_length " + Str(d.seq) + " not a multiple of " + Str(4 * d.t.size)},
        {HasMemoryEfficientAttention(sm, is_fp16, d.t.bf16, d.head_size, d.v_head_size),
         "has_memory_efficient_attention false (SM " + Str(sm) + ", head sizes " + Str(d.head_size) + "/" +
             Str(d.v_head_size) + ")"},
    });
    if (Try(c, "memory_efficient", why)) return c;
  }
  c.variant = "unfused";
  return c;
}

Result<Estimate> AttentionBuffers(const AttnDims& d, const std::string& v, const Target& target) {
  Estimate e(v, d.total_is_bound ? Exactness::kUpperBound : Exactness::kExact);
  if (d.total_is_bound) {
    e.reason = "past_sequence_length is a run-time scalar: total_sequence_length taken at its bound past dim 3 (" +
               Str(d.total_seq) + "), which CheckInputs enforces";
  }
  // gemm_buffer: IAllocator::MakeUniquePtr on context->GetTempSpaceAllocator, B*S*(q + k + v hidden)*sizeof(T).
  e.Add("gemm_buffer",
        Bytes::FromDim(d.batch) * d.seq * (Bytes::FromDim(d.hidden) + d.k_hidden + d.v_hidden) * d.t.size,
        std::string(kSrcAttention) + " gemm_buffer (temp-space allocator)", Allocator::kTempSpace);
  if (v == "flash") {
    // GetScratchBuffer (the provider's allocator), sized by flash_api.cc.
    e.Add("softmax_lse", FlashSoftmaxLseBytes(d.batch, d.num_heads, d.seq), kSrcFlashSoftmaxLse);
    const FlashSplitBuffers s =
        FlashSplitBufferSizes(d.batch, d.seq, d.total_seq, d.num_heads, d.head_size, target.device.sm_count);
    if (s.num_splits > 1) {
      e.Add("softmax_lse_accum", s.softmax_lse_accum, kSrcFlashSplits);
      e.Add("out_accum", s.out_accum, kSrcFlashSplits);
    }
  }
  // work_space: GetAttentionWorkspaceSize(..., no_qkv_workspace = false) on the temp-space allocator.
  const std::string ws_src = std::string(kSrcGetAttentionWorkspaceSize) + " (temp-space allocator, attention.cc)";
  e.Add("workspace_qkv", QkvWorkspaceBytes(d.t.size, d.batch, d.num_heads, d.head_size, d.v_head_size, d.seq, d.seq),
        ws_src, Allocator::kTempSpace);
  if (v == "memory_efficient" && MemoryEfficientNeedsAccumulator(d.v_head_size, d.t.fp32)) {
    e.Add("mea_output_accumulator", MemoryEfficientAccumulatorBytes(d.batch, d.seq, d.num_heads, d.v_head_size), ws_src,
          Allocator::kTempSpace);
  } else if (v == "trt_fused") {
    e.Add("trt_sequence_offsets", SequenceOffsetBytes(d.batch, true), ws_src, Allocator::kTempSpace);
  } else if (v == "unfused") {
    e.Add("attention_scores_x2", Bytes(2) * AttentionScratchBytes(d.t.size, d.batch, d.num_heads, d.seq, d.total_seq),
          ws_src, Allocator::kTempSpace);
  } else if (v == "cudnn_sdpa") {
    // QkvToContext -> CudnnFlashAttention (attention_impl.cu) on the temp-space allocator: mask_index as
    // seq_len_kv, no seq_len_q (run() synthesises it when there is a mask). PrepareQkv_Attention leaves
    // Q, K and V in BNSH (format 1) for any kernel other than TRT, flash or memory-efficient.
    SdpaQuery q;
    q.dtype = d.t.dtype;
    q.batch = d.batch;
    q.num_heads_q = q.num_heads_kv = d.num_heads;
    q.head_size_qk = d.head_size;
    q.head_size_v = d.v_head_size;
    q.seq_len_q = d.seq;
    q.seq_len_kv = d.total_seq;
    q.layout = SdpaLayout::kQ_K_V_BNSH;
    q.is_causal = d.unidirectional && d.seq > 1;  // run(): is_causal && sequence_length_q > 1
    q.has_bias = d.has_attention_bias;
    q.broadcast_bias_dim_0 = d.broadcast_attn_bias_dim_0;
    q.broadcast_bias_dim_1 = d.broadcast_attn_bias_dim_1;
    q.padding_mask = d.has_mask;
    AddCudnnSdpaBuffers(e, q, /*synthesized_seq_len_q=*/d.has_mask, target);
  }
  return e;
}

// ===================================================================================================
// PackedAttention / PackedMultiHeadAttention: packed_attention.cc, packed_multihead_attention.cc
// ===================================================================================================

struct PackedDims {
  ElemType t;
  int64_t tokens = 0, batch = 0, seq = 0, num_heads = 0, input_hidden = 0;
  int64_t hidden = 0, v_hidden = 0, head_size = 0, v_head_size = 0;
  bool has_attention_bias = false, has_bias = false, packed_qkv = false, has_key = false, has_value = false;
};

// Shared tail: token_offset (B, S) at `to`, cumulative_sequence_length (B + 1) at `to + 1`.
Result<bool> ReadTokenOffsets(const NodeView& node, size_t to, DimReader& r, PackedDims& d) {
  WSEST_ASSIGN_OR_RETURN(bool to_shaped, CheckRank(node, to, "token_offset", {2}));
  WSEST_ASSIGN_OR_RETURN(bool cu_shaped, CheckRank(node, to + 1, "cumulative_sequence_length", {1}));
  if (!to_shaped || !cu_shaped) return false;
  d.batch = r.Get(*node.input(to), 0, "batch_size (token_offset dim 0)");
  d.seq = r.Get(*node.input(to), 1, "sequence_length (token_offset dim 1)");
  const int64_t cu = r.Get(*node.input(to + 1), 0, "cumulative_sequence_length dim 0");
  if (r.ok() && cu != d.batch + 1) {
    return Bad(node,
               "cumulative_sequence_length dim 0 is " + Str(cu) + ", expected batch_size + 1 = " + Str(d.batch + 1));
  }
  return true;
}

Result<std::variant<PackedDims, Estimate>> ParsePackedAttention(const NodeView& node) {
  using Out = std::variant<PackedDims, Estimate>;
  PackedDims d;
  WSEST_ASSIGN_OR_RETURN(d.num_heads, NumHeads(node));
  const int64_t n = d.num_heads;
  WSEST_ASSIGN_OR_RETURN(bool in_shaped, CheckRank(node, 0, "input", {2}));
  WSEST_ASSIGN_OR_RETURN(bool w_shaped, CheckRank(node, 1, "weights", {2}));
  WSEST_ASSIGN_OR_RETURN(bool b_shaped, CheckRank(node, 2, "bias", {1}));
  d.t = Elem(node.input(0)->dtype);
  d.has_bias = true;
  d.has_attention_bias = node.has_input(5);
  if (!in_shaped || !w_shaped || !b_shaped)
    return Out(Estimate::Unknown(node.Label() + ": needs the shapes of input, weights, bias"));
  DimReader r;
  d.tokens = r.Get(*node.input(0), 0, "token_count (input dim 0)");
  d.input_hidden = r.Get(*node.input(0), 1, "input_hidden_size (input dim 1)");
  const int64_t w0 = r.Get(*node.input(1), 0, "weights dim 0");
  const int64_t w1 = r.Get(*node.input(1), 1, "weights dim 1");
  const int64_t b0 = r.Get(*node.input(2), 0, "bias dim 0");
  WSEST_ASSIGN_OR_RETURN(bool offsets_shaped, ReadTokenOffsets(node, 3, r, d));
  if (!offsets_shaped)
    return Out(Estimate::Unknown(node.Label() + ": needs the shapes of token_offset and cumulative_sequence_length"));
  if (!r.ok()) return Out(r.Unknown(node));
  if (w0 != d.input_hidden)
    return Bad(node, "weights dim 0 is " + Str(w0) + ", expected input_hidden_size " + Str(d.input_hidden));
  if (b0 != w1) return Bad(node, "bias dim 0 is " + Str(b0) + ", expected weights dim 1 " + Str(w1));
  const std::vector<int64_t> qkv = node.GetInts("qkv_hidden_sizes");
  int64_t k_hidden = 0;
  if (!qkv.empty()) {
    if (qkv.size() != 3)
      return Bad(node, "qkv_hidden_sizes has " + Str(static_cast<int64_t>(qkv.size())) + " elements, expected 3");
    d.hidden = qkv[0];
    k_hidden = qkv[1];
    d.v_hidden = qkv[2];
  } else {
    d.hidden = k_hidden = d.v_hidden = b0 / 3;
  }
  if (d.hidden != k_hidden || d.hidden + k_hidden + d.v_hidden != b0) {
    return Bad(node, "bias dim 0 is " + Str(b0) + ", expected q + k + v hidden sizes with q == k");
  }
  if (d.hidden % n != 0 || d.v_hidden % n != 0)
    return Bad(node, "hidden sizes are not divisible by num_heads " + Str(n));
  d.head_size = d.hidden / n;
  d.v_head_size = d.v_hidden / n;
  return Out(d);
}

Result<std::variant<PackedDims, Estimate>> ParsePackedMha(const NodeView& node) {
  using Out = std::variant<PackedDims, Estimate>;
  PackedDims d;
  WSEST_ASSIGN_OR_RETURN(d.num_heads, NumHeads(node));
  const int64_t n = d.num_heads;
  WSEST_ASSIGN_OR_RETURN(bool q_shaped, CheckRank(node, 0, "query", {2, 4}));
  const TensorInfo& q = *node.input(0);
  d.t = Elem(q.dtype);
  d.has_key = node.has_input(1);
  d.has_value = node.has_input(2);
  d.has_bias = node.has_input(3);
  d.has_attention_bias = node.has_input(6);
  if (!q_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shape of input 0 (query)"));
  DimReader r;
  d.tokens = r.Get(q, 0, "token_count (query dim 0)");
  if (q.rank() == 4) {
    if (d.has_key || d.has_value) return Bad(node, "query of rank 4 (packed QKV) needs key and value absent");
    d.packed_qkv = true;
    const int64_t qn = r.Get(q, 1, "query dim 1");
    const int64_t three = r.Get(q, 2, "query dim 2");
    d.head_size = r.Get(q, 3, "head_size (query dim 3)");
    if (r.ok() && (qn != n || three != 3)) {
      return Bad(node, "query shape expected (token_count, " + Str(n) + ", 3, head_size) for packed QKV");
    }
    d.hidden = n * d.head_size;
    d.v_hidden = d.hidden;
  } else {
    if (!d.has_key || !d.has_value) return Bad(node, "inputs 1 (key) and 2 (value) are required when query has rank 2");
    WSEST_ASSIGN_OR_RETURN(bool k_shaped, CheckRank(node, 1, "key", {2}));
    WSEST_ASSIGN_OR_RETURN(bool v_shaped, CheckRank(node, 2, "value", {2}));
    if (!k_shaped || !v_shaped) return Out(Estimate::Unknown(node.Label() + ": needs the shapes of key and value"));
    d.hidden = r.Get(q, 1, "hidden_size (query dim 1)");
    const int64_t k0 = r.Get(*node.input(1), 0, "key dim 0");
    const int64_t k1 = r.Get(*node.input(1), 1, "key dim 1");
    const int64_t v0 = r.Get(*node.input(2), 0, "value dim 0");
    d.v_hidden = r.Get(*node.input(2), 1, "v_hidden_size (value dim 1)");
    if (r.ok() && (k0 != d.tokens || k1 != d.hidden))
      return Bad(node, "query and key are expected to have the same shape");
    if (r.ok() && v0 != d.tokens)
      return Bad(node, "value dim 0 is " + Str(v0) + ", expected token_count " + Str(d.tokens));
    if (r.ok() && (d.hidden % n != 0 || d.v_hidden % n != 0)) {
      return Bad(node,
                 "hidden sizes " + Str(d.hidden) + "/" + Str(d.v_hidden) + " are not divisible by num_heads " + Str(n));
    }
    d.head_size = d.hidden / n;
  }
  d.v_head_size = d.v_hidden / n;
  WSEST_ASSIGN_OR_RETURN(bool offsets_shaped, ReadTokenOffsets(node, 4, r, d));
  if (!offsets_shaped)
    return Out(Estimate::Unknown(node.Label() + ": needs the shapes of token_offset and cumulative_sequence_length"));
  if (!r.ok()) return Out(r.Unknown(node));
  if (d.has_bias && node.input(3)->has_shape) {
    const int64_t b0 = r.Get(*node.input(3), 0, "bias dim 0");
    if (r.ok() && b0 != 2 * d.hidden + d.v_hidden) {
      return Bad(node, "bias dim 0 is " + Str(b0) + ", expected " + Str(2 * d.hidden + d.v_hidden));
    }
  }
  return Out(d);
}

// TrtFusedAttention<T>::GetFusedRunner (packed_attention.cc), shared by both packed ops.
std::string PackedFusedRunnerFailure(const PackedDims& d, const KernelOptions& o, int sm) {
  const bool is_fp16 = d.t.fp16;
  const bool disable_fused_runner = d.t.size != 2 || !o.use_trt_fused_attention;
  const bool enable_trt_flash_attention = d.t.size == 2 && o.use_trt_flash_attention;
  return FirstFailure({
      {!disable_fused_runner, is_fp16 ? "disabled (sdpa_kernel TRT_FUSED bit clear or ORT_DISABLE_FUSED_ATTENTION=1)"
                                      : std::string("T is ") + DataTypeName(d.t.dtype) + " (16-bit only)"},
      {!d.has_attention_bias, "attention_bias present"},
      {d.hidden == d.v_hidden, "hidden_size != v_hidden_size"},
      {TrtFusedRunnerIsSupported(sm, d.head_size, d.seq, enable_trt_flash_attention, false),
       "FusedMHARunnerFP16v2::IsSupported false (SM " + Str(sm) + ", head_size " + Str(d.head_size) +
           ", sequence_length " + Str(d.seq) + ")"},
  });
}

Choice DispatchPackedAttention(const PackedDims& d, const KernelOptions& o, int sm) {
  Choice c;
  Try(c, "flash", "PackedAttention never uses flash (GetAttentionWorkspaceSize gets use_flash_attention = false)");
  if (Try(c, "trt_fused", PackedFusedRunnerFailure(d, o, sm))) return c;
  // No disable_memory_efficient_attention check in PackedAttention: sdpa_kernel/env can't turn it off.
  const std::string why = FirstFailure({
      {!d.has_attention_bias || d.seq % (4 * d.t.size) == 0,
       "attention_bias with sequence_length " + Str(d.seq) + " not a multiple of " + Str(4 * d.t.size)},
      {d.t.size == 2, "T is float (memory-efficient is fp16 only here)"},
      {HasMemoryEfficientAttention(sm, d.t.fp16, d.t.bf16, d.head_size, d.v_head_size),
       "has_memory_efficient_attention false (SM " + Str(sm) + ")"},
  });
  if (Try(c, "memory_efficient", why)) return c;
  c.variant = "unfused";
  return c;
}

Choice DispatchPackedMha(const PackedDims& d, const KernelOptions& o, int sm) {
  Choice c;
  const bool disable_flash_attention = d.t.size != 2 || !o.use_flash_attention;
  {
    const std::string why = FirstFailure({
        {!disable_flash_attention, d.t.size == 2
                                       ? "disabled (sdpa_kernel FLASH bit clear or ORT_DISABLE_FLASH_ATTENTION=1)"
                                       : "T is float (flash needs 16-bit T)"},
        {!d.has_attention_bias, "attention_bias present"},
        {d.head_size == d.v_head_size, "head_size != v_head_size"},
        {FlashIsSupported(sm, d.head_size, d.num_heads, d.num_heads),
         "flash::is_supported false (SM " + Str(sm) + ", head_size " + Str(d.head_size) + ")"},
        {!d.packed_qkv || d.seq >= o.min_seq_len_for_flash_attention_packed_qkv,
         "packed QKV with sequence_length " + Str(d.seq) + " < " + Str(o.min_seq_len_for_flash_attention_packed_qkv) +
             " (ORT_MIN_SEQ_LEN_FLASH_ATTENTION_PACKED_QKV)"},
    });
    if (Try(c, "flash", why)) return c;
  }
  if (Try(c, "trt_fused", PackedFusedRunnerFailure(d, o, sm))) return c;
  const std::string why = FirstFailure({
      {o.use_efficient_attention,
       "disabled (sdpa_kernel EFFICIENT bit clear or ORT_DISABLE_MEMORY_EFFICIENT_ATTENTION=1)"},
      {!d.has_attention_bias || d.seq % (4 * d.t.size) == 0,
       "attention_bias with sequence_length " + Str(d.seq) + " not a multiple of " + Str(4 * d.t.size)},
      {d.t.size == 2 || d.seq >= o.min_seq_len_for_efficient_attention_fp32,
       "float with sequence_length " + Str(d.seq) + " < " + Str(o.min_seq_len_for_efficient_attention_fp32) +
           " (ORT_MIN_SEQ_LEN_EFFICIENT_ATTENTION_FP32)"},
      {HasMemoryEfficientAttention(sm, d.t.fp16, d.t.bf16, d.head_size, d.v_head_size),
       "has_memory_efficient_attention false (SM " + Str(sm) + ")"},
  });
  if (Try(c, "memory_efficient", why)) return c;
  c.variant = "unfused";
  return c;
}

// packed_attention_impl.cu GetAttentionWorkspaceSize: qkv = e*B*N*S*(2H + Hv) unless no_qkv_workspace;
// flash + 4*B*S*N; TRT + 0; MEA + accumulator; unfused + 2 * AlignSize(e*B*N*S*S). One GetScratchBuffer.
void AddPackedWorkspace(Estimate& e, const PackedDims& d, const std::string& v, bool no_qkv, const std::string& src) {
  const Bytes qkv = no_qkv ? Bytes(0)
                           : Bytes::FromDim(d.t.size) * d.batch * d.num_heads * d.seq *
                                 (Bytes::FromDim(d.head_size) * 2 + d.v_head_size);
  e.Add("workspace_qkv", qkv, src + (no_qkv ? " (no_qkv_workspace: 0)" : ""));
  if (v == "flash") {
    e.Add("softmax_lse", FlashSoftmaxLseBytes(d.batch, d.num_heads, d.seq), src + " (flash::get_softmax_lse_size)");
  } else if (v == "memory_efficient" && MemoryEfficientNeedsAccumulator(d.v_head_size, d.t.fp32)) {
    e.Add("mea_output_accumulator", MemoryEfficientAccumulatorBytes(d.batch, d.seq, d.num_heads, d.v_head_size), src);
  } else if (v == "unfused") {
    e.Add("attention_scores_x2", Bytes(2) * AttentionScratchBytes(d.t.size, d.batch, d.num_heads, d.seq, d.seq),
          src + " (GetAttentionScratchSize)");
  }
}

Result<KernelOptions> Options(const NodeView& node, const Target& target) {
  Result<KernelOptions> o = ParseKernelOptions(target.ep);
  if (!o.ok()) return Bad(node, o.error().message);
  return o;
}

bool RegisteredType(const ElemType& t, std::initializer_list<DataType> types) {
  for (DataType d : types) {
    if (t.dtype == d) return true;
  }
  return false;
}

Estimate NotRegistered(const NodeView& node, const ElemType& t, const char* types) {
  return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                           DataTypeName(t.dtype) + " (" + types + ")");
}

}  // namespace

namespace {

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/multihead_attention.cc MultiHeadAttention<T, QK>::ComputeInternal
// (registered for T in {float, float16, bfloat16}).
Result<Estimate> MhaWorkspace(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(auto parsed, ParseMha(node));
  if (std::holds_alternative<Estimate>(parsed)) return std::get<Estimate>(parsed);
  const MhaDims d = std::get<MhaDims>(parsed);
  if (!RegisteredType(d.t, {DataType::kFloat, DataType::kFloat16, DataType::kBfloat16})) {
    return NotRegistered(node, d.t, "float, float16, bfloat16");
  }
  WSEST_ASSIGN_OR_RETURN(KernelOptions o, Options(node, target));
  // Forcing lean models a build with USE_LEAN_ATTENTION (the release packages lack it).
  if (target.forced_variant == "lean") {
    o.lean_built = true;
    o.use_lean_attention = o.sdpa_kernel > 0 ? (o.sdpa_kernel & kSdpaLeanAttention) != 0 : true;
  }
  const int sm = target.device.sm();

  // Run-time scenario: the past_sequence_length value (DMMHA). cuDNN SDPA's is_stable() reads
  // Target::cudnn_version.
  std::vector<bool> dmmha_values = {true};
  if (d.has_cache_indirection && d.has_past_seq_len) {
    if (d.format == QkvFormat::kQ_K_V_BSNH_BNSH_BNSH && !d.has_past) {
      if (d.past_seq_len_value) {
        dmmha_values = {*d.past_seq_len_value != 0};
      } else {
        dmmha_values = {true, false};
      }
    } else if (d.share_buffer) {
      if (d.past_seq_len_value) {
        dmmha_values = {*d.past_seq_len_value > 0};
      } else {
        dmmha_values = {true, false};
      }
    }
  }
  std::vector<Choice> outcomes;
  for (bool dm : dmmha_values) {
    std::string why;
    if (dmmha_values.size() > 1) {
      why = dm ? "past_sequence_length passes the DMMHA test" : "past_sequence_length fails the DMMHA test";
    }
    outcomes.push_back(DispatchMha(d, o, sm, target.cudnn_version, {dm, why}));
  }
  std::string uncertainty;
  if (dmmha_values.size() > 1) uncertainty = "the DMMHA choice reads the run-time past_sequence_length value";
  return Finish(
      node, target, outcomes, [&](const std::string& v) { return MhaBuffers(d, v, target); }, uncertainty);
}

}  // namespace

Result<Estimate> EstimateMultiHeadAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(Estimate e, MhaWorkspace(node, target));
  // The constructor's two CumulatedSequenceLengthCache buffers (query and key/value), each of
  // max_batch_size 128 + 1 int32 = 516 B, taken with the allocator's Reserve (an exact cudaMalloc)
  // when the session creates the kernel (multihead_attention.cc MultiHeadAttention constructor; the
  // 1.29.0 binary makes two 516 B cudaMallocs per node at session creation on the shadow device).
  for (const char* cache : {"cumulated_sequence_length_q_cache", "cumulated_sequence_length_kv_cache"}) {
    e.session_buffers.push_back({cache, 516, "onnxruntime 1.29.0 contrib_ops/cuda/bert/multihead_attention.cc constructor",
                                 Allocator::kExternal});
  }
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/attention.cc Attention<T>::ComputeInternal (T in {float,
// float16, bfloat16}).
Result<Estimate> EstimateAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(auto parsed, ParseAttention(node));
  if (std::holds_alternative<Estimate>(parsed)) return std::get<Estimate>(parsed);
  const AttnDims d = std::get<AttnDims>(parsed);
  if (!RegisteredType(d.t, {DataType::kFloat, DataType::kFloat16, DataType::kBfloat16})) {
    return NotRegistered(node, d.t, "float, float16, bfloat16");
  }
  WSEST_ASSIGN_OR_RETURN(KernelOptions o, Options(node, target));
  std::vector<Choice> outcomes = {DispatchAttention(d, o, target.device.sm(), target.cudnn_version)};
  return Finish(
      node, target, outcomes, [&](const std::string& v) { return AttentionBuffers(d, v, target); }, "");
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/packed_attention.cc PackedAttention<T>::ComputeInternal (T in
// {float, float16}).
Result<Estimate> EstimatePackedAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(auto parsed, ParsePackedAttention(node));
  if (std::holds_alternative<Estimate>(parsed)) return std::get<Estimate>(parsed);
  const PackedDims d = std::get<PackedDims>(parsed);
  if (!RegisteredType(d.t, {DataType::kFloat, DataType::kFloat16})) return NotRegistered(node, d.t, "float, float16");
  WSEST_ASSIGN_OR_RETURN(KernelOptions o, Options(node, target));
  std::vector<Choice> outcomes = {DispatchPackedAttention(d, o, target.device.sm())};
  return Finish(
      node, target, outcomes,
      [&](const std::string& v) -> Result<Estimate> {
        Estimate e(v, Exactness::kExact);
        // gemm_buffer: GetScratchBuffer<T>(token_count * (2 * hidden + v_hidden)).
        e.Add("gemm_buffer", Bytes::FromDim(d.tokens) * (Bytes::FromDim(d.hidden) * 2 + d.v_hidden) * d.t.size,
              kSrcPacked);
        AddPackedWorkspace(e, d, v, /*no_qkv=*/false, kSrcPackedWorkspace);
        return e;
      },
      "");
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/packed_multihead_attention.cc
// PackedMultiHeadAttention<T>::ComputeInternal (T in {float, float16}).
Result<Estimate> EstimatePackedMultiHeadAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(auto parsed, ParsePackedMha(node));
  if (std::holds_alternative<Estimate>(parsed)) return std::get<Estimate>(parsed);
  const PackedDims d = std::get<PackedDims>(parsed);
  if (!RegisteredType(d.t, {DataType::kFloat, DataType::kFloat16})) return NotRegistered(node, d.t, "float, float16");
  WSEST_ASSIGN_OR_RETURN(KernelOptions o, Options(node, target));
  std::vector<Choice> outcomes = {DispatchPackedMha(d, o, target.device.sm())};
  return Finish(
      node, target, outcomes,
      [&](const std::string& v) -> Result<Estimate> {
        Estimate e(v, Exactness::kExact);
        // "When the source and target format is same ... and no bias, need not transpose qkv."
        const bool no_qkv = (v == "trt_fused" && !d.has_key && !d.has_bias) ||
                            ((v == "memory_efficient" || v == "flash") && d.has_value && !d.has_bias);
        AddPackedWorkspace(e, d, v, no_qkv, std::string(kSrcPackedWorkspace) + " via " + kSrcPackedMha);
        return e;
      },
      "");
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/decoder_masked_multihead_attention.cc (T in {float, float16}):
// the FasterTransformer kernel reads and writes the node's own tensors; no GetScratchBuffer or temp space.
Result<Estimate> EstimateDecoderMaskedMultiHeadAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(int64_t n, NumHeads(node));
  WSEST_ASSIGN_OR_RETURN(bool q_shaped, CheckRank(node, 0, "query", {3}));
  const ElemType t = Elem(node.input(0)->dtype);
  if (!RegisteredType(t, {DataType::kFloat, DataType::kFloat16})) return NotRegistered(node, t, "float, float16");
  if (!q_shaped) return Estimate::Unknown(node.Label() + ": needs the shape of input 0 (query)");
  DimReader r;
  const int64_t s = r.Get(*node.input(0), 1, "sequence_length (query dim 1)");
  int64_t hidden = r.Get(*node.input(0), 2, "hidden_size (query dim 2)");
  if (!r.ok()) return r.Unknown(node);
  if (!node.has_input(1) && !node.has_input(2)) hidden /= 3;  // packed QKV (B, 1, 3D)
  if (s != 1) return Bad(node, "sequence_length is " + Str(s) + ", expected 1 for DecoderMaskedMultiHeadAttention");
  const int64_t head_size = hidden / n;
  if (!HasDecoderMaskedMultiHeadAttention(target.device.sm(), head_size)) {
    return Estimate::Unknown(node.Label() + ": head_size " + Str(head_size) +
                             " is not in {32, 64, 128} (or SM < 53): the 1.29.0 kernel fails at run time");
  }
  Estimate e("decoder_masked", Exactness::kExact);
  e.reason = std::string("no scratch: ") + kSrcDmmha + " launches mmha_launch_kernel on the node's tensors";
  e.candidates.push_back({"decoder_masked", "", uint64_t{0}});
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/decoder_masked_self_attention.cc (T in {float, float16}): the
// QKV projection into a GetScratchBuffer, then the decoder-masked kernel.
Result<Estimate> EstimateDecoderMaskedSelfAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(auto parsed, ParseAttention(node));
  if (std::holds_alternative<Estimate>(parsed)) return std::get<Estimate>(parsed);
  const AttnDims d = std::get<AttnDims>(parsed);
  if (!RegisteredType(d.t, {DataType::kFloat, DataType::kFloat16})) return NotRegistered(node, d.t, "float, float16");
  if (d.seq != 1) return Bad(node, "sequence_length is " + Str(d.seq) + ", expected 1 for DecoderMaskedSelfAttention");
  if (!HasDecoderMaskedMultiHeadAttention(target.device.sm(), d.head_size)) {
    return Estimate::Unknown(node.Label() + ": head_size " + Str(d.head_size) +
                             " is not in {32, 64, 128} (or SM < 53): the 1.29.0 kernel fails at run time");
  }
  Estimate e("decoder_masked", Exactness::kExact);
  // gemm_buffer: GetScratchBuffer<T1>(B * S * (2 * hidden + v_hidden)), S = 1.
  e.Add("gemm_buffer", Bytes::FromDim(d.batch) * d.seq * (Bytes::FromDim(d.hidden) * 2 + d.v_hidden) * d.t.size,
        kSrcDmsa);
  e.candidates.push_back({"decoder_masked", "", e.workspace_bytes()});
  return e;
}

}  // namespace wsest::estimators
