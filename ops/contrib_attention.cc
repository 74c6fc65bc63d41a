// com.microsoft attention ops, as ORT 1.29.0 declares them (inputs, outputs, attributes in ORT's
// order). Shapes follow what the kernels allocate; dim names as in the CUDA EP: B batch, S query
// sequence, L key/value sequence, P past sequence, T total sequence, N query heads, Nkv key/value
// heads, H head size, Hv value head size, D hidden (N*H), Dv value hidden.
#include <onnx/defs/schema.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/rules.h"

namespace wsest::ops {
namespace {

namespace onnx = ONNX_NAMESPACE;
using onnx::AttributeProto;
using onnx::OpSchema;

int64_t RequiredHeads(Ctx& ctx, const char* attr) {
  const int64_t n = onnx::getAttribute(ctx, attr, 0);
  if (n <= 0) fail_shape_inference("attribute ", attr, " must be positive, got ", n);
  return n;
}

// Present key/value for ops that concatenate past and new keys: (B, N, P + L, H); with a shared
// buffer, present is past. bert_defs.cc MultiHeadAttentionTypeAndShapeInference.
void SetPresent(Ctx& ctx, size_t out, const Shape* past, bool share_buffer, const Dim& b, int64_t n,
                const Dim& l, const Dim& h) {
  if (past != nullptr && share_buffer) {
    SetOutputShape(ctx, out, *past);
    return;
  }
  const Dim t = past != nullptr ? AddDims(past->dim(2), l) : l;
  SetOutputShape(ctx, out, MakeShape({b, KnownDim(n), t, h}));
}

// bert_defs.cc MultiHeadAttention (ORT 1.29.0) and contrib_ops/cpu/bert/multihead_attention_helper.h:
// query (B,S,D) | packed QKV (B,L,N,3,H); key (B,L,D) | BNSH (B,N,L,H) | packed KV (B,L,N,2,H);
// value (B,L,Dv) | BNSH (B,N,L,Hv). output (B,S,N*Hv); present (B,N,P+L,H); qk (B,N,S,P+L).
void MultiHeadAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const bool has_past = HasInput(ctx, 6);
  PropagateType(ctx, has_past ? 6 : 0, 1);
  PropagateType(ctx, has_past ? 7 : 0, 2);
  PropagateType(ctx, 0, 3);
  const int64_t n = RequiredHeads(ctx, "num_heads");
  const Shape* q = InputShapeOfRank(ctx, 0, {3, 5}, "query");
  const Shape* k = InputShapeOfRank(ctx, 1, {3, 4, 5}, "key");
  const Shape* v = InputShapeOfRank(ctx, 2, {3, 4}, "value");
  if (q == nullptr) return;
  const Dim& b = q->dim(0);
  const Dim& s = q->dim(1);
  Dim h, l;
  if (q->dim_size() == 5) {  // packed QKV: S == L
    h = q->dim(4);
    l = s;
  } else {
    h = DivDim(q->dim(2), n, 0, "query hidden size vs num_heads");
    if (k == nullptr) return;
    l = k->dim_size() == 4 ? k->dim(2) : k->dim(1);
  }
  Dim hv = h;
  if (v != nullptr) hv = v->dim_size() == 4 ? v->dim(3) : DivDim(v->dim(2), n, 2, "value hidden size vs num_heads");
  SetOutputShape(ctx, 0, MakeShape({b, s, MulDim(hv, n)}));
  // Buffer sharing: past_sequence_length given with past (attention_base/MHA helper).
  const bool share = HasInput(ctx, 8) && has_past;
  const Shape* past_k = has_past ? InputShapeOfRank(ctx, 6, {4}, "past_key") : nullptr;
  const Shape* past_v = HasInput(ctx, 7) ? InputShapeOfRank(ctx, 7, {4}, "past_value") : nullptr;
  if (has_past && (past_k == nullptr || past_v == nullptr)) return;
  SetPresent(ctx, 1, past_k, share, b, n, l, h);
  SetPresent(ctx, 2, past_v, share, b, n, l, hv);
  Dim t = l;  // no past: T = L
  if (past_k != nullptr) t = share ? past_k->dim(2) : AddDims(past_k->dim(2), l);
  SetOutputShape(ctx, 3, MakeShape({b, KnownDim(n), s, t}));
}

// Attention (packed QKV weights): input (B,S,Din), weights (Din, D+D+Dv), bias (D+D+Dv),
// past (2,B,N,P,H). output (B,S,Dv); present (2,B,N,P+S,H), or past's shape when shared.
// bert_defs.cc Attention + shape_inference_functions.cc AttentionTypeAndShapeInference.
void AttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  PropagateType(ctx, 0, 1);
  const int64_t n = RequiredHeads(ctx, "num_heads");
  const Shape* x = InputShapeOfRank(ctx, 0, {3}, "input");
  const Shape* w = InputShapeOfRank(ctx, 1, {2}, "weights");
  if (x == nullptr) return;
  std::vector<int64_t> qkv;
  onnx::getRepeatedAttribute(ctx, "qkv_hidden_sizes", qkv);
  if (!qkv.empty() && qkv.size() != 3)
    fail_shape_inference("attribute qkv_hidden_sizes has ", qkv.size(), " values, expected 3");
  Dim d, dv;
  if (!qkv.empty()) {
    d = KnownDim(qkv[0]);
    dv = KnownDim(qkv[2]);
  } else if (w != nullptr) {
    d = DivDim(w->dim(1), 3, 1, "weights columns vs 3 equal Q/K/V parts");
    dv = d;
  }
  SetOutputShape(ctx, 0, MakeShape({x->dim(0), x->dim(1), dv}));
  const Dim h = DivDim(d, n, 1, "hidden size vs num_heads");
  const Shape* past = InputShapeOfRank(ctx, 4, {5}, "past");
  if (HasInput(ctx, 4) && past == nullptr) return;
  if (past != nullptr && onnx::getAttribute(ctx, "past_present_share_buffer", 0) != 0) {
    SetOutputShape(ctx, 1, *past);
    return;
  }
  const Dim t = past != nullptr ? AddDims(past->dim(3), x->dim(1)) : x->dim(1);
  SetOutputShape(ctx, 1, MakeShape({KnownDim(2), x->dim(0), KnownDim(n), t, h}));
}

// DecoderMaskedMultiHeadAttention (S == 1): query (B,1,D) or packed (B,1,D+D+Dv); key/value
// (B,L,D) or cross-attention BNSH (B,N,L,H); past_key/past_value (B,N,M,H) with M the buffer
// length (shared with present). output (B,1,Dv); qk (B,N,1,T). bert_defs.cc
// DecoderMaskedMultiHeadAttention and contrib_ops/cuda/bert/decoder_masked_multihead_attention.cc.
void DecoderMaskedMultiHeadAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  PropagateType(ctx, HasInput(ctx, 5) ? 5 : 0, 1);
  PropagateType(ctx, HasInput(ctx, 6) ? 6 : 0, 2);
  PropagateType(ctx, 0, 3);
  const int64_t n = RequiredHeads(ctx, "num_heads");
  const Shape* q = InputShapeOfRank(ctx, 0, {3}, "query");
  const Shape* k = InputShapeOfRank(ctx, 1, {3, 4}, "key");
  const Shape* v = InputShapeOfRank(ctx, 2, {3, 4}, "value");
  if (q == nullptr) return;
  const Dim& b = q->dim(0);
  Dim dv;
  if (!HasInput(ctx, 1) && !HasInput(ctx, 2)) {
    dv = DivDim(q->dim(2), 3, 0, "packed QKV width vs 3 equal parts");
  } else if (v != nullptr) {
    dv = v->dim_size() == 4 ? MulDim(v->dim(3), n) : v->dim(2);
  } else {
    return;
  }
  SetOutputShape(ctx, 0, MakeShape({b, q->dim(1), dv}));
  const Shape* past_k = InputShapeOfRank(ctx, 5, {4}, "past_key");
  const Shape* past_v = InputShapeOfRank(ctx, 6, {4}, "past_value");
  if (past_k != nullptr) SetOutputShape(ctx, 1, *past_k);
  if (past_v != nullptr) SetOutputShape(ctx, 2, *past_v);
  // qk: total length is the buffer length for self attention, L for cross attention.
  if (k != nullptr && k->dim_size() == 4)
    SetOutputShape(ctx, 3, MakeShape({b, KnownDim(n), q->dim(1), k->dim(2)}));
  else if (past_k != nullptr)
    SetOutputShape(ctx, 3, MakeShape({b, KnownDim(n), q->dim(1), past_k->dim(2)}));
}

// DecoderMaskedSelfAttention: Attention's inputs with past (2,B,N,M,H) sharing present's buffer.
void DecoderMaskedSelfAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  PropagateType(ctx, 0, 1);
  const Shape* x = InputShapeOfRank(ctx, 0, {3}, "input");
  const Shape* w = InputShapeOfRank(ctx, 1, {2}, "weights");
  if (x != nullptr) {
    std::vector<int64_t> qkv;
    onnx::getRepeatedAttribute(ctx, "qkv_hidden_sizes", qkv);
    Dim dv = !qkv.empty() ? KnownDim(qkv.back())
                          : (w != nullptr ? DivDim(w->dim(1), 3, 1, "weights columns vs 3 equal parts") : UnknownDim());
    SetOutputShape(ctx, 0, MakeShape({x->dim(0), x->dim(1), dv}));
  }
  if (const Shape* past = InputShapeOfRank(ctx, 4, {5}, "past")) SetOutputShape(ctx, 1, *past);
}

// GroupQueryAttention: query (B,S,N*H) with key/value (B,L,Nkv*H), or packed (B,S,(N+2Nkv)*H);
// past_key/past_value (B,Nkv,P,H); total_sequence_length T (int32 scalar). output (B,S,N*H);
// present (B,Nkv,max(P,T),H); output_qk (B,N,S,T). bert_defs.cc GroupQueryAttention and
// contrib_ops/cpu/bert/group_query_attention_helper.h (present length = max(past, total)).
void GroupQueryAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const bool has_past = HasInput(ctx, 3);
  PropagateType(ctx, has_past ? 3 : 0, 1);
  PropagateType(ctx, has_past ? 4 : 0, 2);
  PropagateType(ctx, 0, 3);
  const int64_t n = RequiredHeads(ctx, "num_heads");
  const int64_t nkv = RequiredHeads(ctx, "kv_num_heads");
  const Shape* q = InputShapeOfRank(ctx, 0, {3}, "query");
  if (q == nullptr) return;
  const Dim& b = q->dim(0);
  const Dim& s = q->dim(1);
  const bool packed = !HasInput(ctx, 1);
  const Dim h = packed ? DivDim(q->dim(2), n + 2 * nkv, 0, "packed QKV width vs (num_heads + 2 * kv_num_heads)")
                       : DivDim(q->dim(2), n, 0, "query hidden size vs num_heads");
  SetOutputShape(ctx, 0, MakeShape({b, s, MulDim(h, n)}));
  Dim l = s;
  if (!packed) {
    if (const Shape* k = InputShapeOfRank(ctx, 1, {3}, "key")) l = k->dim(1);
  }
  Dim t;
  if (const auto total = ConstInts(ctx, 6); total && total->size() == 1) t = KnownDim((*total)[0]);
  const Shape* past = has_past ? InputShapeOfRank(ctx, 3, {4}, "past_key") : nullptr;
  Dim present_len;
  if (has_past) {
    if (past == nullptr) return;
    const Dim& p = past->dim(2);
    if (Known(p) && Known(t)) present_len = KnownDim(std::max(p.dim_value(), t.dim_value()));
  } else {
    present_len = Known(t) ? t : l;
  }
  const Shape present = MakeShape({b, KnownDim(nkv), present_len, h});
  SetOutputShape(ctx, 1, present);
  SetOutputShape(ctx, 2, present);
  if (Known(t)) SetOutputShape(ctx, 3, MakeShape({b, KnownDim(n), s, t}));
}

// SparseAttention: GQA's layout; past and present share a (B,Nkv,M,H) buffer. bert_defs.cc.
void SparseAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  PropagateType(ctx, 3, 1);
  PropagateType(ctx, 4, 2);
  const int64_t n = RequiredHeads(ctx, "num_heads");
  const int64_t nkv = RequiredHeads(ctx, "kv_num_heads");
  if (const Shape* q = InputShapeOfRank(ctx, 0, {3}, "query")) {
    const bool packed = !HasInput(ctx, 1);
    const Dim h = packed ? DivDim(q->dim(2), n + 2 * nkv, 0, "packed QKV width vs (num_heads + 2 * kv_num_heads)")
                         : DivDim(q->dim(2), n, 0, "query hidden size vs num_heads");
    SetOutputShape(ctx, 0, MakeShape({q->dim(0), q->dim(1), MulDim(h, n)}));
  }
  if (const Shape* pk = InputShapeOfRank(ctx, 3, {4}, "past_key")) SetOutputShape(ctx, 1, *pk);
  if (const Shape* pv = InputShapeOfRank(ctx, 4, {4}, "past_value")) SetOutputShape(ctx, 2, *pv);
}

// PackedAttention: input (Tok, Din), bias (D+D+Dv). output (Tok, Dv). bert_defs.cc.
void PackedAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShapeOfRank(ctx, 0, {2}, "input");
  const Shape* bias = InputShapeOfRank(ctx, 2, {1}, "bias");
  if (x == nullptr) return;
  std::vector<int64_t> qkv;
  onnx::getRepeatedAttribute(ctx, "qkv_hidden_sizes", qkv);
  if (!qkv.empty() && qkv.size() != 3)
    fail_shape_inference("attribute qkv_hidden_sizes has ", qkv.size(), " values, expected 3");
  Dim dv;
  if (!qkv.empty())
    dv = KnownDim(qkv[2]);
  else if (bias != nullptr)
    dv = DivDim(bias->dim(0), 3, 2, "bias length vs 3 equal Q/K/V parts");
  SetOutputShape(ctx, 0, MakeShape({x->dim(0), dv}));
}

// PackedMultiHeadAttention: query (Tok, D) with value (Tok, Dv), or packed QKV (Tok, N, 3, H).
// output (Tok, Dv) or (Tok, N*H). bert_defs.cc.
void PackedMultiHeadAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* q = InputShapeOfRank(ctx, 0, {2, 4}, "query");
  if (q == nullptr) return;
  if (q->dim_size() == 4) {
    SetOutputShape(ctx, 0, MakeShape({q->dim(0), MulDims(q->dim(1), q->dim(3))}));
    return;
  }
  if (const Shape* v = InputShapeOfRank(ctx, 2, {2}, "value")) SetOutputShape(ctx, 0, MakeShape({q->dim(0), v->dim(1)}));
}

const std::vector<std::string> kFloatHalf = {"tensor(float)", "tensor(float16)"};
const std::vector<std::string> kFloatHalfBf16 = {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"};

}  // namespace

std::vector<OpSchema> ContribAttentionRules() {
  std::vector<OpSchema> r;
  // bert_defs.cc MultiHeadAttention ver1.
  r.push_back(MsSchema("MultiHeadAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("unidirectional", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Input(0, "query", "", "T")
                  .Input(1, "key", "", "T", OpSchema::Optional)
                  .Input(2, "value", "", "T", OpSchema::Optional)
                  .Input(3, "bias", "", "T", OpSchema::Optional)
                  .Input(4, "key_padding_mask", "", "M", OpSchema::Optional)
                  .Input(5, "attention_bias", "", "T", OpSchema::Optional)
                  .Input(6, "past_key", "", "T", OpSchema::Optional)
                  .Input(7, "past_value", "", "T", OpSchema::Optional)
                  .Input(8, "past_sequence_length", "", "M", OpSchema::Optional)
                  .Input(9, "cache_indirection", "", "M", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "present_key", "", "T", OpSchema::Optional)
                  .Output(2, "present_value", "", "T", OpSchema::Optional)
                  .Output(3, "qk", "", "QK", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("QK", kFloatHalfBf16, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(MultiHeadAttentionInference));
  // bert_defs.cc Attention ver1.
  r.push_back(MsSchema("Attention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("unidirectional", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("qkv_hidden_sizes", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("past_present_share_buffer", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("do_rotary", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("rotary_embedding_dim", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "weights", "", "T")
                  .Input(2, "bias", "", "T", OpSchema::Optional)
                  .Input(3, "mask_index", "", "M", OpSchema::Optional)
                  .Input(4, "past", "", "T", OpSchema::Optional)
                  .Input(5, "attention_bias", "", "T", OpSchema::Optional)
                  .Input(6, "past_sequence_length", "", "M", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "present", "", "T", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(AttentionInference));
  // bert_defs.cc PackedAttention ver1 (CUDA only).
  r.push_back(MsSchema("PackedAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("qkv_hidden_sizes", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "weights", "", "T")
                  .Input(2, "bias", "", "T")
                  .Input(3, "token_offset", "", "M")
                  .Input(4, "cumulative_sequence_length", "", "M")
                  .Input(5, "attention_bias", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(PackedAttentionInference));
  // bert_defs.cc PackedMultiHeadAttention ver1 (CUDA only).
  r.push_back(MsSchema("PackedMultiHeadAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Input(0, "query", "", "T")
                  .Input(1, "key", "", "T", OpSchema::Optional)
                  .Input(2, "value", "", "T", OpSchema::Optional)
                  .Input(3, "bias", "", "T", OpSchema::Optional)
                  .Input(4, "token_offset", "", "M")
                  .Input(5, "cumulative_sequence_length", "", "M")
                  .Input(6, "attention_bias", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(PackedMultiHeadAttentionInference));
  // bert_defs.cc DecoderMaskedSelfAttention ver1 (CUDA only).
  r.push_back(MsSchema("DecoderMaskedSelfAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("past_present_share_buffer", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("do_rotary", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "weights", "", "T")
                  .Input(2, "bias", "", "T")
                  .Input(3, "mask_index", "", "M", OpSchema::Optional)
                  .Input(4, "past", "", "T")
                  .Input(5, "attention_bias", "", "T", OpSchema::Optional)
                  .Input(6, "past_sequence_length", "", "M")
                  .Input(7, "beam_width", "", "M", OpSchema::Optional)
                  .Input(8, "cache_indirection", "", "M", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "present", "", "T")
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(DecoderMaskedSelfAttentionInference));
  // bert_defs.cc DecoderMaskedMultiHeadAttention ver1.
  r.push_back(MsSchema("DecoderMaskedMultiHeadAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("past_present_share_buffer", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("output_qk", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "query", "", "T")
                  .Input(1, "key", "", "T", OpSchema::Optional)
                  .Input(2, "value", "", "T", OpSchema::Optional)
                  .Input(3, "mask_index", "", "M", OpSchema::Optional)
                  .Input(4, "attention_bias", "", "T", OpSchema::Optional)
                  .Input(5, "past_key", "", "T", OpSchema::Optional)
                  .Input(6, "past_value", "", "T", OpSchema::Optional)
                  .Input(7, "past_sequence_length", "", "M", OpSchema::Optional)
                  .Input(8, "beam_width", "", "M", OpSchema::Optional)
                  .Input(9, "cache_indirection", "", "M", OpSchema::Optional)
                  .Input(10, "bias", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "present_key", "", "T", OpSchema::Optional)
                  .Output(2, "present_value", "", "T", OpSchema::Optional)
                  .Output(3, "qk", "", "QK", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("QK", kFloatHalf, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(DecoderMaskedMultiHeadAttentionInference));
  // bert_defs.cc GroupQueryAttention ver1 (with the KV-cache quantization inputs 12, 13).
  r.push_back(MsSchema("GroupQueryAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("kv_num_heads", "", AttributeProto::INT)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("softcap", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("local_window_size", "", AttributeProto::INT, static_cast<int64_t>(-1))
                  .Attr("do_rotary", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("rotary_interleaved", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("smooth_softmax", "", AttributeProto::INT, static_cast<int64_t>(-1))
                  .Attr("qk_output", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("k_quant_type", "", AttributeProto::STRING, std::string("NONE"))
                  .Attr("v_quant_type", "", AttributeProto::STRING, std::string("NONE"))
                  .Attr("kv_cache_bit_width", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "query", "", "T")
                  .Input(1, "key", "", "T", OpSchema::Optional)
                  .Input(2, "value", "", "T", OpSchema::Optional)
                  .Input(3, "past_key", "", "T_CACHE", OpSchema::Optional)
                  .Input(4, "past_value", "", "T_CACHE", OpSchema::Optional)
                  .Input(5, "seqlens_k", "", "M")
                  .Input(6, "total_sequence_length", "", "M")
                  .Input(7, "cos_cache", "", "T", OpSchema::Optional)
                  .Input(8, "sin_cache", "", "T", OpSchema::Optional)
                  .Input(9, "position_ids", "", "tensor(int64)", OpSchema::Optional)
                  .Input(10, "attention_bias", "", "T", OpSchema::Optional)
                  .Input(11, "head_sink", "", "T", OpSchema::Optional)
                  .Input(12, "k_scale", "", "T_KV_SCALE", OpSchema::Optional)
                  .Input(13, "v_scale", "", "T_KV_SCALE", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "present_key", "", "T_CACHE")
                  .Output(2, "present_value", "", "T_CACHE")
                  .Output(3, "output_qk", "", "T", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("T_CACHE", {"tensor(float)", "tensor(float16)", "tensor(bfloat16)", "tensor(uint8)", "tensor(int8)"}, "")
                  .TypeConstraint("T_KV_SCALE", {"tensor(float)"}, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(GroupQueryAttentionInference));
  // bert_defs.cc SparseAttention ver1.
  r.push_back(MsSchema("SparseAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("kv_num_heads", "", AttributeProto::INT)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("sparse_block_size", "", AttributeProto::INT)
                  .Attr("do_rotary", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("rotary_interleaved", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "query", "", "T")
                  .Input(1, "key", "", "T", OpSchema::Optional)
                  .Input(2, "value", "", "T", OpSchema::Optional)
                  .Input(3, "past_key", "", "T")
                  .Input(4, "past_value", "", "T")
                  .Input(5, "block_row_indices", "", "M")
                  .Input(6, "block_col_indices", "", "M")
                  .Input(7, "total_sequence_length", "", "M")
                  .Input(8, "key_total_sequence_lengths", "", "M")
                  .Input(9, "cos_cache", "", "T", OpSchema::Optional)
                  .Input(10, "sin_cache", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "present_key", "", "T")
                  .Output(2, "present_value", "", "T")
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(SparseAttentionInference));
  // bert_defs.cc LongformerAttention ver1 (CUDA only): output is input's shape.
  r.push_back(MsSchema("LongformerAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("window", "", AttributeProto::INT)
                  .Input(0, "input", "", "T")
                  .Input(1, "weight", "", "T")
                  .Input(2, "bias", "", "T")
                  .Input(3, "mask", "", "T")
                  .Input(4, "global_weight", "", "T")
                  .Input(5, "global_bias", "", "T")
                  .Input(6, "global", "", "G")
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("G", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { PropagateTypeAndShape(ctx, 0, 0); }));
  // bert_defs.cc RotaryEmbedding ver1: output is input's shape.
  r.push_back(MsSchema("RotaryEmbedding")
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("interleaved", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("rotary_embedding_dim", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("num_heads", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("is_packed_batching", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "position_ids", "", "M")
                  .Input(2, "cos_cache", "", "T")
                  .Input(3, "sin_cache", "", "T")
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("M", {"tensor(int64)"}, "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { PropagateTypeAndShape(ctx, 0, 0); }));
  return r;
}

}  // namespace wsest::ops
