// com.microsoft quantized, cublasLt-ordered and remaining attention-family kernels on the CUDA EP of ONNX Runtime
// 1.29.0: QAttention, DecoderAttention, QOrderedAttention, QOrderedLongformerAttention, QuantizeWithOrder and
// GatedRelativePositionBias. QOrderedMatMul and DequantizeWithOrder take no scratch (registry rows without an
// estimator).
//
// Files mirrored (onnxruntime/contrib_ops/cuda/ unless noted): quantization/attention_quantization.cc (with
// core/providers/cuda/integer_gemm.cc GemmInt8 and bert/attention_impl.cu GetAttentionWorkspaceSize),
// bert/decoder_attention.cc, quantization/qordered_ops/qordered_attention.cc, qordered_longformer_attention.cc
// (with bert/longformer_attention_impl.cu and bert/longformer_global_impl.cu), qordered_qdq.cc and
// bert/relative_attn_bias.cc, read in tianleiwu/onnxruntime main of 2026-02-13.
//
// The qordered kernels are compiled into every CUDA build of that tree: cuda_contrib_kernels.cc registers them
// unconditionally, cmake/onnxruntime_providers_cuda.cmake excludes none of them, and qordered_attention_impl.cu
// only switches its CUB reduction functor at CUDART 12.9. Their constructors refuse a CUDA runtime older than
// 11.4, and QOrderedAttention's and QOrderedMatMul's refuse a device below SM 7.5.
//
// Every buffer here is CudaKernel::GetScratchBuffer<T>(count) (cuda_kernel.h: IAllocator::MakeUniquePtr<T>,
// count * sizeof(T) bytes, nothing for 0) unless its comment says otherwise.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "estimators/attention_common.h"
#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

namespace attn = wsest::estimators::attention;

constexpr const char* kSrcQAttention =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/attention_quantization.cc QAttention<T, int8_t>::ComputeInternal";
constexpr const char* kSrcGemmInt8 = "onnxruntime 1.29.0 core/providers/cuda/integer_gemm.cc GemmInt8";
constexpr const char* kSrcDecoderAttention =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/decoder_attention.cc DecoderAttention<T>::ComputeInternal";
constexpr const char* kSrcQOrderedAttention =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/qordered_ops/qordered_attention.cc "
    "QOrderedAttention::ComputeInternal";
constexpr const char* kSrcQOrderedLongformer =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/qordered_ops/qordered_longformer_attention.cc "
    "QOrderedLongformerAttention::ComputeInternal";
constexpr const char* kSrcLongformerWorkspace =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/longformer_attention_impl.cu GetLongformerAttentionWorkspaceSize";
constexpr const char* kSrcLongformerGlobalScratch =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/longformer_global_impl.cu GetGlobalScratchSize";
constexpr const char* kSrcQuantizeWithOrder =
    "onnxruntime 1.29.0 contrib_ops/cuda/quantization/qordered_ops/qordered_qdq.cc QuantizeWithOrder::ComputeInternal";
constexpr const char* kSrcGatedRelPosBias =
    "onnxruntime 1.29.0 contrib_ops/cuda/bert/relative_attn_bias.cc GatedRelativePositionBias<T>::ComputeInternal";

// cublasLtOrder_t values, as core/graph/contrib_ops/quantization_defs.cc documents the order_* attributes.
constexpr int64_t kOrderCol = 0;
constexpr int64_t kOrderRow = 1;
constexpr int64_t kOrderCol32 = 2;
constexpr int64_t kOrderCol4_4R2_8C = 3;
constexpr int64_t kOrderCol32_2R_4R4 = 4;

// The qordered constructors' ORT_ENFORCE((major * 10 + minor) >= 75, "... need sm75 or highter").
constexpr int kQOrderedMinSm = 75;

Error Invalid(const NodeView& node, const std::string& cause) { return InvalidArgument(node.Label() + ": " + cause); }

std::string Str(int64_t v) { return std::to_string(v); }

Result<bool> RequireInputs(const NodeView& node, std::initializer_list<std::pair<size_t, const char*>> inputs) {
  for (const auto& [index, what] : inputs) {
    if (!node.has_input(index))
      return Invalid(node, "input " + Str(static_cast<int64_t>(index)) + " (" + what + ") is missing");
  }
  return true;
}

// True when input `index` has a shape of rank `rank`; false when its shape is unknown; an error otherwise.
Result<bool> ShapedWithRank(const NodeView& node, size_t index, const char* what, int64_t rank) {
  const TensorInfo& t = node.inputs[index];
  if (!t.has_shape) return false;
  if (t.rank() != rank) {
    return Invalid(node, "input " + Str(static_cast<int64_t>(index)) + " (" + what + ") rank " + Str(t.rank()) +
                             ", expected " + Str(rank));
  }
  return true;
}

// Reads dims; the first symbolic one becomes an Unknown naming it.
class DimReader {
 public:
  explicit DimReader(const NodeView& node) : node_(node) {}
  int64_t Get(size_t input, size_t axis, const std::string& what) {
    return attn::DimValue(node_.inputs[input], axis, what, &missing_).value_or(0);
  }
  bool ok() const { return missing_.empty(); }
  Estimate Unknown() const { return Estimate::Unknown(node_.Label() + ": needs " + missing_); }

 private:
  const NodeView& node_;
  std::string missing_;
};

Estimate NotRegistered(const NodeView& node, DataType t, const char* types) {
  return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                           DataTypeName(t) + " (" + types + ")");
}

// The constant value of a bool/int scalar input, when an adapter or the model gives it.
std::optional<bool> ConstFlag(const NodeView& node, size_t index) {
  const TensorInfo* t = node.input(index);
  if (t == nullptr || !t->int_values || t->int_values->size() != 1) return std::nullopt;
  return (*t->int_values)[0] != 0;
}

Bytes MaxBytes(Bytes a, Bytes b) {
  if (a.overflow() || b.overflow()) return Bytes::Overflowed();
  return a.value() >= b.value() ? a : b;
}

// QOrderedAttention and QOrderedMatMul refuse older devices in their constructors: no session runs them there.
std::optional<Estimate> BelowQOrderedSm(const NodeView& node, const Target& target) {
  if (target.device.sm() >= kQOrderedMinSm) return std::nullopt;
  return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel's constructor requires SM >= 7.5 (" +
                           target.device.name + " is SM " + Str(target.device.sm()) + "); no session can run it");
}

// Adds the unfused kernel as the feasible candidate after the rejected ones, as the attention estimators do.
void AddChosenCandidate(Estimate& e) { e.candidates.push_back({e.variant, "", e.workspace_bytes()}); }

// CheckTensorOrder's UpdateTileRequire: rows and cols multiples of the order's tile.
Result<bool> CheckOrderTiles(const NodeView& node, const TensorInfo& t, int64_t order) {
  if (!t.has_shape || t.dims.empty()) return true;
  int64_t row_tile = 1;
  int64_t col_tile = 1;
  if (order == kOrderCol32 || order == kOrderCol4_4R2_8C || order == kOrderCol32_2R_4R4) col_tile = 32;
  if (order == kOrderCol4_4R2_8C) row_tile = 8;
  if (order == kOrderCol32_2R_4R4) row_tile = 32;
  const Dim& cols = t.dims.back();
  const Dim rows = t.dims.size() >= 2 ? t.dims[t.dims.size() - 2] : Dim::Known(1);
  if ((cols.known() && cols.value % col_tile != 0) || (rows.known() && rows.value % row_tile != 0)) {
    return Invalid(node, "input 0 rows x cols must be multiples of " + Str(row_tile) + " x " + Str(col_tile) +
                             " for cublasLt order " + Str(order) + " (\"Shape not meet clean tile requirement!\")");
  }
  return true;
}

}  // namespace

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/attention_quantization.cc QAttention<T, int8_t>::ComputeInternal
// (T in {float, float16}, int8 input and weights). The int8 GEMM (integer_gemm.cc GemmInt8) is dequantized into
// gemm_buffer and handed to Attention's QkvToContext with every fused kernel off, so it always runs unfused.
Result<Estimate> EstimateQAttention(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(
      bool have,
      RequireInputs(node, {{0, "input"}, {1, "weight"}, {2, "bias"}, {3, "input_scale"}, {4, "weight_scale"}}));
  (void)have;
  const int64_t num_heads = node.GetInt("num_heads", 0);
  if (num_heads <= 0) return Invalid(node, "attribute num_heads is " + Str(num_heads) + ", expected > 0");
  const DataType t = node.inputs[2].dtype;  // T3, the bias and output type
  if (t != DataType::kFloat && t != DataType::kFloat16) return NotRegistered(node, t, "float, float16 with int8");
  WSEST_ASSIGN_OR_RETURN(bool in_shaped, ShapedWithRank(node, 0, "input", 3));
  WSEST_ASSIGN_OR_RETURN(bool w_shaped, ShapedWithRank(node, 1, "weight", 2));
  if (!in_shaped || !w_shaped) return Estimate::Unknown(node.Label() + ": needs the shapes of input and weight");
  DimReader r(node);
  const int64_t batch = r.Get(0, 0, "batch_size (input dim 0)");
  const int64_t seq = r.Get(0, 1, "sequence_length (input dim 1)");
  const int64_t input_hidden = r.Get(0, 2, "input_hidden_size (input dim 2)");
  const int64_t w0 = r.Get(1, 0, "weight dim 0");
  const int64_t w1 = r.Get(1, 1, "weight dim 1");
  if (!r.ok()) return r.Unknown();
  // AttentionBase::CheckInputs (require_same_hidden_size = true, no qkv_hidden_sizes in QAttention's schema).
  if (w0 != input_hidden) {
    return Invalid(node, "weight dim 0 is " + Str(w0) + ", expected input_hidden_size " + Str(input_hidden));
  }
  if (w1 % 3 != 0) return Invalid(node, "weight dim 1 is " + Str(w1) + ", expected 3 times the hidden size");
  const int64_t hidden = w1 / 3;
  if (hidden % num_heads != 0) {
    return Invalid(node, "hidden size " + Str(hidden) + " is not divisible by num_heads " + Str(num_heads));
  }
  const int64_t head_size = hidden / num_heads;
  int64_t past_seq = 0;
  if (node.has_input(8)) {
    // CheckInputs reads past_sequence_length from a tensor QAttention never passes: share-buffer mode fails.
    if (node.GetInt("past_present_share_buffer", 0) != 0) {
      return Invalid(node, "past_present_share_buffer needs a past_sequence_length input, which QAttention lacks");
    }
    WSEST_ASSIGN_OR_RETURN(bool p_shaped, ShapedWithRank(node, 8, "past", 5));
    if (!p_shaped) return Estimate::Unknown(node.Label() + ": needs the shape of input 8 (past)");
    const int64_t p0 = r.Get(8, 0, "past dim 0");
    const int64_t p1 = r.Get(8, 1, "past dim 1");
    const int64_t p2 = r.Get(8, 2, "past dim 2");
    past_seq = r.Get(8, 3, "past_sequence_length (past dim 3)");
    const int64_t p4 = r.Get(8, 4, "past dim 4");
    if (!r.ok()) return r.Unknown();
    if (p0 != 2 || p1 != batch || p2 != num_heads || p4 != head_size) {
      return Invalid(node, "past shape expected (2, " + Str(batch) + ", " + Str(num_heads) +
                               ", past_sequence_length, " + Str(head_size) + ")");
    }
  }
  const int64_t total_seq = past_seq + seq;
  const int64_t element_size = ElementSize(t);

  Estimate e{"unfused", Exactness::kExact};
  const std::string fused_off = "QAttention passes fused_runner = nullptr and use_*_attention = false";
  attn::Reject(e, "flash", fused_off);
  attn::Reject(e, "trt_fused", fused_off);
  attn::Reject(e, "memory_efficient", fused_off);
  // m = B * S, n = 3 * hidden, k = input_hidden; num_elements = m * n.
  const Bytes num_elements = Bytes::FromDim(batch) * seq * Bytes::FromDim(3) * hidden;
  // gemm_buffer: GetScratchBuffer<T>(num_elements * element_size): a count of T, so sizeof(T) twice.
  e.Add("gemm_buffer", num_elements * element_size * element_size, kSrcQAttention);
  // gemm_buffer_quantized: GetScratchBuffer<int32_t>(num_elements).
  e.Add("gemm_buffer_quantized", num_elements * Bytes(4), kSrcQAttention);
  // GemmInt8 pads A (lda = k) and B (ldb = n) to a leading dimension that is a multiple of 32 when it is not:
  // GetScratchBuffer<int8_t>(m * roundoff(k, 32)) and GetScratchBuffer<int8_t>(k * roundoff(n, 32)). n = 3 * hidden
  // is a multiple of 32 exactly when hidden is (3 and 32 are coprime).
  const Bytes a_padded =
      input_hidden % 32 != 0 ? Bytes::FromDim(batch) * seq * AlignUp(Bytes::FromDim(input_hidden), 32) : Bytes(0);
  const Bytes b_padded =
      hidden % 32 != 0 ? Bytes::FromDim(input_hidden) * AlignUp(Bytes::FromDim(3) * hidden, 32) : Bytes(0);
  // work_space: GetAttentionWorkspaceSize(..., no_qkv_workspace = true) with every fused kernel off: no Q/K/V
  // part, 2 * GetAttentionScratchSize(e, B, N, S, T). (QkvToContext still places Q/K/V in it: has_qkv_workspace.)
  const Bytes work_space = Bytes(2) * attn::AttentionScratchBytes(element_size, batch, num_heads, seq, total_seq);
  // The padded copies die when GemmInt8 returns, before work_space is taken: the peak holds one or the other.
  const Bytes padding = a_padded + b_padded;
  const bool padding_phase_peaks =
      !padding.overflow() && !work_space.overflow() && padding.value() > work_space.value();
  if (padding_phase_peaks) {
    e.Add("gemm_int8_a_padded", a_padded, kSrcGemmInt8);
    e.Add("gemm_int8_b_padded", b_padded, kSrcGemmInt8);
    e.reason = "peak during GemmInt8: its padded copies (" + Str(static_cast<int64_t>(padding.value())) +
               " B) outweigh work_space (" + Str(static_cast<int64_t>(work_space.value())) +
               " B), taken after they are freed";
  } else {
    e.Add("work_space", work_space, attn::kSrcGetAttentionScratchSize);
    if (!padding.overflow() && padding.value() > 0) {
      e.reason = "GemmInt8's padded copies (" + Str(static_cast<int64_t>(padding.value())) +
                 " B) are freed before work_space is taken, so the peak holds work_space";
    }
  }
  AddChosenCandidate(e);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/decoder_attention.cc DecoderAttention<T>::ComputeInternal (T in {float,
// float16}). static_kv, use_past and has_layer_state are bool tensors copied to the host at run time; they pick
// the K/V source (query projection, key projection, cache + projection, cache alone) and so the lengths.
Result<Estimate> EstimateDecoderAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "query"},
                                                         {1, "key"},
                                                         {2, "q_weight"},
                                                         {3, "kv_weight"},
                                                         {4, "bias"},
                                                         {8, "static_kv"},
                                                         {9, "use_past"},
                                                         {10, "has_layer_state"},
                                                         {11, "has_key_padding_mask"}}));
  (void)have;
  const int64_t num_heads = node.GetInt("num_heads", 0);
  if (num_heads <= 0) return Invalid(node, "attribute num_heads is " + Str(num_heads) + ", expected > 0");
  const DataType t = node.inputs[0].dtype;
  if (t != DataType::kFloat && t != DataType::kFloat16) return NotRegistered(node, t, "float, float16");
  WSEST_ASSIGN_OR_RETURN(bool q_shaped, ShapedWithRank(node, 0, "query", 3));
  WSEST_ASSIGN_OR_RETURN(bool k_shaped, ShapedWithRank(node, 1, "key", 3));
  if (!q_shaped || !k_shaped) return Estimate::Unknown(node.Label() + ": needs the shapes of query and key");
  DimReader r(node);
  // CheckInputs: query (S, B, hidden), key (L, B, hidden).
  const int64_t seq = r.Get(0, 0, "sequence_length (query dim 0)");
  const int64_t batch = r.Get(0, 1, "batch_size (query dim 1)");
  const int64_t hidden = r.Get(0, 2, "hidden_size (query dim 2)");
  const int64_t key_seq = r.Get(1, 0, "key_sequence_length (key dim 0)");
  const int64_t key_batch = r.Get(1, 1, "key dim 1");
  const int64_t key_hidden = r.Get(1, 2, "key dim 2");
  if (!r.ok()) return r.Unknown();
  if (key_batch != batch) return Invalid(node, "query and key shall have the same batch size");
  if (key_hidden != hidden) return Invalid(node, "query and key shall have the same hidden size");
  // head_size = hidden_size / num_heads_ (integer division; CheckInputs does not ask for divisibility).
  const int64_t head_size = hidden / num_heads;
  const int64_t element_size = ElementSize(t);
  const bool has_caches = node.has_input(6) && node.has_input(7);

  std::vector<Candidate> tried;
  std::vector<attn::FeasibleKernel> feasible;
  const std::optional<bool> static_kv_value = ConstFlag(node, 8);
  const std::optional<bool> use_past_value = ConstFlag(node, 9);
  const std::optional<bool> layer_state_value = ConstFlag(node, 10);
  for (bool static_kv : {false, true}) {
    for (bool use_past : {false, true}) {
      for (bool layer_state : {false, true}) {
        if ((static_kv_value && *static_kv_value != static_kv) || (use_past_value && *use_past_value != use_past) ||
            (layer_state_value && *layer_state_value != layer_state)) {
          continue;
        }
        const bool with_cache = layer_state && use_past;
        const std::string variant =
            std::string(static_kv ? "cross_attention" : "self_attention") + (with_cache ? "_cached" : "");
        const auto seen = [&](const std::string& v) {
          for (const Candidate& c : tried) {
            if (c.variant == v) return true;
          }
          for (const attn::FeasibleKernel& f : feasible) {
            if (f.estimate.variant == v) return true;
          }
          return false;
        };
        if (seen(variant)) continue;
        if (with_cache && !has_caches) {
          // ORT_ENFORCE(nullptr != key_cache && nullptr != value_cache) on this branch.
          tried.push_back({variant, variant + ": rejected, has_layer_state and use_past need key_cache and value_cache",
                           std::nullopt});
          continue;
        }
        // kv_sequence_length per branch: S (self), L (cross), cache + S (self, cached), cache (cross, cached).
        int64_t kv_seq = static_kv ? key_seq : seq;
        if (with_cache) {
          std::string missing;
          const std::optional<int64_t> cache_seq =
              attn::DimValue(node.inputs[6], 2, "cache_sequence_length (key_cache dim 2)", &missing);
          if (!cache_seq) {
            Estimate unknown = Estimate::Unknown(node.Label() + ": needs " + missing);
            unknown.variant = variant;
            feasible.push_back({std::move(unknown), "has_layer_state and use_past"});
            continue;
          }
          kv_seq = static_kv ? *cache_seq : *cache_seq + seq;
        }
        Estimate e{variant, Exactness::kExact};
        // gemm_query_buffer_p: GetScratchBuffer<T>(B * S * hidden).
        e.Add("gemm_query_buffer", Bytes::FromDim(batch) * seq * hidden * element_size, kSrcDecoderAttention);
        // gemm_kv_buffer_p: GetScratchBuffer<T>(B * 2 * S * hidden) from the query, B * 2 * L * hidden from the key;
        // none when static_kv reads both from the cache.
        if (!(static_kv && with_cache)) {
          const int64_t projected = static_kv ? key_seq : seq;
          e.Add("gemm_kv_buffer", Bytes::FromDim(batch) * Bytes(2) * projected * hidden * element_size,
                kSrcDecoderAttention);
        }
        // qkv_buffer_p: element_size * B * (S + 2 * kv_sequence_length) * hidden.
        e.Add("qkv_buffer", Bytes::FromDim(element_size) * batch * (Bytes::FromDim(seq) + Bytes(2) * kv_seq) * hidden,
              kSrcDecoderAttention);
        // workspace_p: element_size * 2 * B * S * N * (2 * head_size + kv_sequence_length).
        e.Add("workspace",
              Bytes::FromDim(element_size) * Bytes(2) * batch * seq * num_heads *
                  (Bytes(2) * head_size + Bytes::FromDim(kv_seq)),
              kSrcDecoderAttention);
        feasible.push_back({std::move(e), "static_kv " + std::string(static_kv ? "true" : "false") +
                                              (with_cache ? ", has_layer_state and use_past" : "")});
      }
    }
  }
  if (feasible.empty()) {
    return Invalid(node, "has_layer_state and use_past are true but key_cache or value_cache is missing");
  }
  return attn::ResolveFeasible(std::move(tried), std::move(feasible), target.forced_variant,
                               "static_kv, use_past and has_layer_state are device bools read at run time");
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/qordered_ops/qordered_attention.cc
// QOrderedAttention::ComputeInternal: one int8 buffer holds the stacked QKV GEMM output and, reused, the
// transposed Q/K/V, the attention scores and probabilities.
Result<Estimate> EstimateQOrderedAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "input"}}));
  (void)have;
  const int64_t num_heads = node.GetInt("num_heads", 0);
  if (num_heads <= 0) return Invalid(node, "attribute num_heads is " + Str(num_heads) + ", expected > 0");
  // Constructor: qkv_hidden_sizes of 3 equal positive multiples of num_heads; ROW input/output, COL weight.
  const std::vector<int64_t> qkv = node.GetInts("qkv_hidden_sizes");
  if (qkv.size() != 3) return Invalid(node, "qkv_hidden_sizes is needed and must be of shape [3]");
  for (int64_t h : qkv) {
    if (h <= 0 || h % num_heads != 0) {
      return Invalid(node, "qkv_hidden_sizes element " + Str(h) + " is not a positive multiple of num_heads");
    }
  }
  if (qkv[0] != qkv[1] || qkv[0] != qkv[2]) return Invalid(node, "qkv_hidden_sizes must be equal");
  if (node.GetInt("order_input", -1) != kOrderRow || node.GetInt("order_output", -1) != kOrderRow ||
      node.GetInt("order_weight", -1) != kOrderCol) {
    return Invalid(node, "order_input and order_output must be ORDER_ROW (1) and order_weight ORDER_COL (0)");
  }
  if (std::optional<Estimate> gate = BelowQOrderedSm(node, target)) return *gate;
  WSEST_ASSIGN_OR_RETURN(bool in_shaped, ShapedWithRank(node, 0, "input", 3));
  if (!in_shaped) return Estimate::Unknown(node.Label() + ": needs the shape of input 0");
  DimReader r(node);
  const int64_t batch = r.Get(0, 0, "batch_size (input dim 0)");
  const int64_t seq = r.Get(0, 1, "sequence_length (input dim 1)");
  if (!r.ok()) return r.Unknown();
  const int64_t hidden = qkv[0];
  const int64_t head_size = hidden / num_heads;
  // ORT_ENFORCE(sequence_length % 16 == 0 && head_size % 16 == 0, "Unsupported size!").
  if (seq % 16 != 0 || head_size % 16 != 0) {
    return Invalid(node,
                   "sequence_length " + Str(seq) + " and head_size " + Str(head_size) + " must be multiples of 16");
  }
  Estimate e{"cublaslt_int8", Exactness::kExact};
  // gemm_buffer_quantized: GetScratchBuffer<int8_t>(m * n + max(m * n, 2 * B * N * S * S)), m = B * S,
  // n = 3 * hidden. QOrdered_MatMul's cublasLtMatmul calls pass no workspace.
  const Bytes mn = Bytes::FromDim(batch) * seq * Bytes(3) * hidden;
  const Bytes attention_scores = Bytes::FromDim(batch) * num_heads * seq * seq;
  e.Add("gemm_buffer_quantized", mn + MaxBytes(mn, Bytes(2) * attention_scores), kSrcQOrderedAttention);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/qordered_ops/qordered_longformer_attention.cc
// QOrderedLongformerAttention::ComputeInternal: LongformerAttention's fp16 path behind an int8 cublasLt QKV GEMM.
// The workspace depends on max_num_global, the largest per-batch count of global tokens, read on the host at
// run time; compact memory is opt-in here (ORT_LONGFORMER_COMPACT_MEMORY, default false in this constructor).
Result<Estimate> EstimateQOrderedLongformerAttention(const NodeView& node, const Target& target) {
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "input"}, {12, "global_attention_mask"}}));
  (void)have;
  const int64_t num_heads = node.GetInt("num_heads", 0);
  const int64_t window = node.GetInt("window", 0);
  if (num_heads <= 0) return Invalid(node, "attribute num_heads must be positive");
  if (window <= 0) return Invalid(node, "attribute window must be positive");
  // Constructor: order_input ROW only, weights COL for a ROW input, order_output equal to order_input.
  const int64_t order_input = node.GetInt("order_input", -1);
  if (order_input != kOrderRow || node.GetInt("order_output", -1) != order_input ||
      node.GetInt("order_weight", -1) != kOrderCol || node.GetInt("order_global_weight", -1) != kOrderCol) {
    return Invalid(node,
                   "order_input and order_output must be ORDER_ROW (1), order_weight and order_global_weight "
                   "ORDER_COL (0)");
  }
  WSEST_ASSIGN_OR_RETURN(bool in_shaped, ShapedWithRank(node, 0, "input", 3));
  if (!in_shaped) return Estimate::Unknown(node.Label() + ": needs the shape of input 0");
  DimReader r(node);
  const int64_t batch = r.Get(0, 0, "batch_size (input dim 0)");
  const int64_t seq = r.Get(0, 1, "sequence_length (input dim 1)");
  const int64_t hidden = r.Get(0, 2, "hidden_size (input dim 2)");
  if (!r.ok()) return r.Unknown();
  // LongformerAttentionBase::CheckInputs: S a multiple of 2W (a window past S / 2 cannot divide it).
  const bool divisible = seq == 0 || (window <= seq / 2 && seq % (2 * window) == 0);
  if (!divisible) {
    return Invalid(node,
                   "sequence_length " + Str(seq) + " is not divisible by 2 * window (window " + Str(window) + ")");
  }
  if (hidden % num_heads != 0) {
    return Invalid(node, "hidden size " + Str(hidden) + " is not divisible by num_heads " + Str(num_heads));
  }
  const int64_t head_size = hidden / num_heads;
  constexpr int64_t kHalf = 2;  // element_size = sizeof(MLFloat16)
  // ParseEnvironmentVariableWithDefault<bool> reads "0" or "1" (istream >> bool) and throws on anything else.
  const std::optional<std::string> compact_env = target.ep.Env("ORT_LONGFORMER_COMPACT_MEMORY");
  if (compact_env && *compact_env != "0" && *compact_env != "1") {
    return Invalid(node, "ORT_LONGFORMER_COMPACT_MEMORY is '" + *compact_env + "', expected 0 or 1");
  }
  const bool use_compact_memory = compact_env && *compact_env == "1";

  // max_num_global: exact when global_attention_mask is a constant; else the regimes' ends 0, min(W, S), S
  // (the workspace grows with it inside each of the compact and dense regimes).
  const TensorInfo& global = node.inputs[12];
  std::vector<int64_t> globals = {0, std::min(window, seq), seq};
  const bool global_known = global.int_values && static_cast<int64_t>(global.int_values->size()) == batch * seq;
  if (global_known) {
    int64_t max_num_global = 0;
    for (int64_t b = 0; b < batch; ++b) {
      int64_t count = 0;
      for (int64_t s = 0; s < seq; ++s) count += (*global.int_values)[static_cast<size_t>(b * seq + s)] != 0;
      max_num_global = std::max(max_num_global, count);
    }
    globals = {max_num_global};
  }
  std::vector<attn::FeasibleKernel> feasible;
  for (int64_t g : globals) {
    // disable_compact_memory = max_num_global > window || S == 2 * window || !use_compact_memory_.
    const bool disable_compact = g > window || seq == 2 * window || !use_compact_memory;
    const std::string variant = std::string(disable_compact ? "dense" : "compact") + (g > 0 ? "_global" : "");
    if (std::any_of(feasible.begin(), feasible.end(),
                    [&](const attn::FeasibleKernel& f) { return f.estimate.variant == variant; })) {
      continue;
    }
    Estimate e{variant, Exactness::kExact};
    // global_index_buffer: GetScratchBuffer<int>(B * S); batch_global_num_buffer: GetScratchBuffer<int>(B).
    e.Add("global_index", Bytes(4) * batch * seq, kSrcQOrderedLongformer);
    e.Add("batch_global_num", Bytes(4) * batch, kSrcQOrderedLongformer);
    // global_scratch_buffer: GetGlobalScratchSize = sizeof(int) * (S + 1024).
    e.Add("global_scratch", Bytes(4) * (Bytes::FromDim(seq) + Bytes(1024)), kSrcLongformerGlobalScratch);
    // gemm_buffer: GetScratchBuffer<int8_t>(qkv_size + qkv_size + 2 * qkv_count), qkv_count = B * S * 3 * hidden,
    // qkv_size = qkv_count * sizeof(MLFloat16): fp16 QKV and global QKV, then their int8 GEMM outputs.
    const Bytes qkv_count = Bytes::FromDim(batch) * seq * Bytes(3) * hidden;
    e.Add("gemm_buffer", qkv_count * kHalf * Bytes(2) + qkv_count * Bytes(2), kSrcQOrderedLongformer);
    // workspace_buffer: GetScratchBuffer<void>(GetLongformerAttentionWorkspaceSize(2, B, N, H, S, G, W, disable)
    // + B * S * hidden * 2), the last part the fp16 output before requantization. The softmax space is
    // GetLongformerSoftmaxWorkspaceSize: compact Align128(Align128(e * B * N * W * (5S - 3W)) + GetScratch2Size
    // (5 pointers + 10 size_t = 120 bytes)); dense 2 * GetAttentionScratchSize(e, B, N, S, S).
    Bytes softmax;
    if (!disable_compact) {
      // 5S - 3W in int64 (compact needs S != 2W with S a multiple of 2W, so it is positive); an overflow
      // becomes an overflowed byte count.
      int64_t rows = 0;
      const bool rows_overflow =
          __builtin_mul_overflow(seq, int64_t{5}, &rows) || __builtin_sub_overflow(rows, 3 * window, &rows);
      const Bytes rows_bytes = rows_overflow ? Bytes::Overflowed() : Bytes::FromDim(rows);
      const Bytes scratch1 = AlignUp(rows_bytes * window * num_heads * batch * kHalf, 128);
      softmax = AlignUp(scratch1 + Bytes(120), 128);
    } else {
      softmax = Bytes(2) * attn::AttentionScratchBytes(kHalf, batch, num_heads, seq, seq);
    }
    e.Add("softmax_workspace", softmax, kSrcLongformerWorkspace);
    // qkv_size = 3 * B * S * N * H * element_size; global Q/K/V only when max_num_global > 0.
    const Bytes qkv = Bytes(3) * batch * seq * num_heads * head_size * kHalf;
    e.Add("qkv", qkv, kSrcLongformerWorkspace);
    if (g > 0) e.Add("global_qkv", qkv, kSrcLongformerWorkspace);
    e.Add("output_fp16", Bytes::FromDim(batch) * seq * hidden * kHalf, kSrcQOrderedLongformer);
    feasible.push_back({std::move(e), "max_num_global = " + Str(g)});
  }
  return attn::ResolveFeasible(
      {}, std::move(feasible), target.forced_variant,
      global_known ? std::string() : "max_num_global counts global_attention_mask's nonzeros per batch at run time");
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/quantization/qordered_ops/qordered_qdq.cc QuantizeWithOrder::ComputeInternal
// (F in {float, float16}). ROW to COL32 quantizes in one kernel, ROW to ROW straight into the output; any other
// order quantizes into a ROW int8 scratch copy that cublasLt then reorders into the output.
Result<Estimate> EstimateQuantizeWithOrder(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(bool have, RequireInputs(node, {{0, "input"}, {1, "scale_input"}}));
  (void)have;
  const DataType t = node.inputs[0].dtype;
  if (t != DataType::kFloat && t != DataType::kFloat16) return NotRegistered(node, t, "float, float16");
  // Constructor: ORT_ENFORCE(order_input_ == CUBLASLT_ORDER_ROW).
  const int64_t order_input = node.GetInt("order_input", -1);
  const int64_t order_output = node.GetInt("order_output", -1);
  if (order_input != kOrderRow) return Invalid(node, "order_input is " + Str(order_input) + ", only ORDER_ROW (1)");
  if (order_output < kOrderCol || order_output > kOrderCol32_2R_4R4) {
    return Invalid(node, "order_output is " + Str(order_output) + ", expected a cublasLtOrder_t (0..4)");
  }
  const TensorInfo& x = node.inputs[0];
  if (x.has_shape && x.rank() < 1) return Invalid(node, "input 0 rank 0, expected at least 1");
  WSEST_ASSIGN_OR_RETURN(bool tiles_ok, CheckOrderTiles(node, x, order_output));
  (void)tiles_ok;
  if (order_output == kOrderCol32) {
    Estimate e{"row_to_col32", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kSrcQuantizeWithOrder + " runs QOrderQuantizeRowToCol32 into the output";
    return e;
  }
  if (order_output == kOrderRow) {
    Estimate e{"row_to_row", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kSrcQuantizeWithOrder + " quantizes straight into the output";
    return e;
  }
  if (!x.has_shape) return Estimate::Unknown(node.Label() + ": needs the shape of input 0");
  Bytes n(1);
  for (size_t i = 0; i < x.dims.size(); ++i) {
    if (!x.dims[i].known()) {
      return Estimate::Unknown(node.Label() + ": input 0 dim " + Str(static_cast<int64_t>(i)) + " '" +
                               (x.dims[i].symbol.empty() ? "?" : x.dims[i].symbol) + "' is symbolic");
    }
    n = n * x.dims[i].value;
  }
  Estimate e{"quantize_then_reorder", Exactness::kExact};
  // q8_buffer: GetScratchBuffer<int8_t>(n), n = batch * rows * cols (CheckTensorOrder's elementCount); Reorder's
  // cublasLtMatrixTransform takes no workspace.
  e.Add("q8_buffer", n, kSrcQuantizeWithOrder);
  return e;
}

// Mirrors ORT 1.29.0 contrib_ops/cuda/bert/relative_attn_bias.cc GatedRelativePositionBias<T>::ComputeInternal
// (T in {float, float16}): one workspace for the bias-added, transposed query, plus the GEMM output unless the
// node's output (S columns per row) can hold it.
Result<Estimate> EstimateGatedRelativePositionBias(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(
      bool have,
      RequireInputs(node,
                    {{0, "query_layer"}, {1, "query_bias"}, {2, "rel_pos"}, {3, "weight"}, {4, "bias"}, {5, "eco_a"}}));
  (void)have;
  const int64_t num_heads = node.GetInt("num_heads", 0);
  if (num_heads <= 0) return Invalid(node, "attribute num_heads is " + Str(num_heads) + ", expected > 0");
  const DataType t = node.inputs[0].dtype;
  if (t != DataType::kFloat && t != DataType::kFloat16) return NotRegistered(node, t, "float, float16");
  // is_padding_removed: token_offset (B, S) given, query (token_count, hidden); else query (B, S, hidden).
  const bool padding_removed = node.has_input(6);
  WSEST_ASSIGN_OR_RETURN(bool q_shaped, ShapedWithRank(node, 0, "query_layer", padding_removed ? 2 : 3));
  WSEST_ASSIGN_OR_RETURN(bool w_shaped, ShapedWithRank(node, 3, "weight", 2));
  bool offsets_shaped = true;
  if (padding_removed) {
    WSEST_ASSIGN_OR_RETURN(offsets_shaped, ShapedWithRank(node, 6, "token_offset", 2));
  }
  if (!q_shaped || !w_shaped || !offsets_shaped) {
    return Estimate::Unknown(node.Label() + ": needs the shapes of query_layer, weight and token_offset");
  }
  DimReader r(node);
  const int64_t hidden = r.Get(0, padding_removed ? 1 : 2, "hidden_size (query_layer's last dim)");
  const int64_t batch =
      padding_removed ? r.Get(6, 0, "batch_size (token_offset dim 0)") : r.Get(0, 0, "batch_size (query_layer dim 0)");
  const int64_t seq = padding_removed ? r.Get(6, 1, "sequence_length (token_offset dim 1)")
                                      : r.Get(0, 1, "sequence_length (query_layer dim 1)");
  const int64_t w0 = r.Get(3, 0, "weight dim 0");
  const int64_t d = r.Get(3, 1, "D (weight dim 1)");
  if (!r.ok()) return r.Unknown();
  if (hidden <= 0 || hidden % num_heads != 0) {
    return Invalid(node, "hidden size " + Str(hidden) + " is not a positive multiple of num_heads " + Str(num_heads));
  }
  const int64_t head_size = hidden / num_heads;
  if (w0 != head_size) return Invalid(node, "weight dim 0 is " + Str(w0) + ", expected head_size " + Str(head_size));
  if (d <= 0 || d % 2 != 0) return Invalid(node, "weight dim 1 is " + Str(d) + ", expected a positive even number");
  const int64_t element_size = ElementSize(t);
  // reuse_output = (seq_len >= D): the GEMM writes into the output [B, N, S, S] with ld S.
  const bool reuse_output = seq >= d;
  Estimate e{reuse_output ? "gemm_into_output" : "gemm_into_workspace", Exactness::kExact};
  e.candidates.push_back({reuse_output ? "gemm_into_workspace" : "gemm_into_output",
                          reuse_output ? "sequence_length >= D: the output holds the GEMM result"
                                       : "sequence_length " + Str(seq) + " < D " + Str(d),
                          std::nullopt});
  // workspace: GetScratchBuffer<void>(sizeof(T) * (elements_in_query + (reuse_output ? 0 : elements_after_gemm))),
  // elements_in_query = B * N * S * head_size, elements_after_gemm = B * N * S * D.
  const Bytes bns = Bytes::FromDim(batch) * num_heads * seq;
  e.Add("workspace_query", bns * head_size * element_size, kSrcGatedRelPosBias);
  if (!reuse_output) e.Add("workspace_gemm_output", bns * d * element_size, kSrcGatedRelPosBias);
  return e;
}

}  // namespace wsest::estimators
