// com.microsoft quantized, cublasLt-ordered and remaining attention-family ops as ORT 1.29.0 declares them
// (core/graph/contrib_ops/quantization_defs.cc, bert_defs.cc): QAttention, DecoderAttention, QOrderedAttention,
// QOrderedLongformerAttention, QOrderedMatMul, QuantizeWithOrder, DequantizeWithOrder, QOrderedLayerNormalization,
// QOrderedGelu and GatedRelativePositionBias. Output shapes are those the CUDA kernels allocate; dim names as in the
// EP: B batch, S sequence, P past sequence, N heads, H head size, D hidden.
#include <onnx/defs/schema.h>

#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/rules.h"

namespace wsest::ops {
namespace {

namespace onnx = ONNX_NAMESPACE;
using onnx::AttributeProto;
using onnx::OpSchema;

const std::vector<std::string> kFloatHalf = {"tensor(float)", "tensor(float16)"};

int64_t RequiredHeads(Ctx& ctx) {
  const int64_t n = onnx::getAttribute(ctx, "num_heads", 0);
  if (n <= 0) fail_shape_inference("attribute num_heads must be positive, got ", n);
  return n;
}

// attention_quantization.cc QAttention<T, int8_t>::ComputeInternal: output (B, S, D) with D = weight dim 1 / 3;
// present (2, B, N, P + S, H) (shape_inference_functions.cc AttentionTypeAndShapeInference, past at input 8).
void QAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 2, 0);  // T3, the bias type
  PropagateType(ctx, 2, 1);
  const int64_t n = RequiredHeads(ctx);
  const Shape* x = InputShapeOfRank(ctx, 0, {3}, "input");
  const Shape* w = InputShapeOfRank(ctx, 1, {2}, "weight");
  if (x == nullptr || w == nullptr) return;
  const Dim hidden = DivDim(w->dim(1), 3, 1, "weight dim 1 (3 * hidden_size)");
  SetOutputShape(ctx, 0, MakeShape({x->dim(0), x->dim(1), hidden}));
  const Shape* past = InputShapeOfRank(ctx, 8, {5}, "past");
  if (past != nullptr && onnx::getAttribute(ctx, "past_present_share_buffer", 0) != 0) {
    SetOutputShape(ctx, 1, *past);
    return;
  }
  const Dim total = past != nullptr ? AddDims(past->dim(3), x->dim(1)) : x->dim(1);
  SetOutputShape(ctx, 1, MakeShape({KnownDim(2), x->dim(0), KnownDim(n), total, DivDim(hidden, n, 1, "hidden_size")}));
}

// decoder_attention.cc DecoderAttention<T>::ComputeInternal: output is the query's shape (S, B, D); the new caches
// are (B, N, kv_sequence_length, H), kv_sequence_length picked by device bools at run time (left unknown).
void DecoderAttentionInference(Ctx& ctx) {
  for (size_t o = 0; o < 3; ++o) PropagateType(ctx, 0, o);
  const int64_t n = RequiredHeads(ctx);
  const Shape* q = InputShapeOfRank(ctx, 0, {3}, "query");
  if (q == nullptr) return;
  SetOutputShape(ctx, 0, *q);
  // head_size = hidden_size / num_heads_ (integer division in the kernel).
  const Dim h = Known(q->dim(2)) ? KnownDim(q->dim(2).dim_value() / n) : UnknownDim();
  const Shape cache = MakeShape({q->dim(1), KnownDim(n), UnknownDim(), h});
  SetOutputShape(ctx, 1, cache);
  SetOutputShape(ctx, 2, cache);
}

// qordered_attention.cc QOrderedAttention::ComputeInternal: output (B, S, qkv_hidden_sizes[0]), int8.
void QOrderedAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShapeOfRank(ctx, 0, {3}, "input");
  if (x == nullptr) return;
  std::vector<int64_t> qkv;
  onnx::getRepeatedAttribute(ctx, "qkv_hidden_sizes", qkv);
  if (qkv.size() != 3) fail_shape_inference("qkv_hidden_sizes must have 3 elements, got ", qkv.size());
  SetOutputShape(ctx, 0, MakeShape({x->dim(0), x->dim(1), KnownDim(qkv[0])}));
}

// qordered_matmul.cc QOrderedMatMul::ComputeInternal: Y is A's shape with the last dim B's (numpy matmul of A
// and B, quantization_defs.cc MatMulShapeInference(ctx, 0, 2)).
void QOrderedMatMulInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* a = InputShape(ctx, 0);
  const Shape* b = InputShape(ctx, 2);
  if (a != nullptr && b != nullptr) SetOutputShape(ctx, 0, MatMulShape(*a, *b));
}

void Int8SameShape(Ctx& ctx) {
  SetOutputType(ctx, 0, onnx::TensorProto::INT8);
  if (const Shape* s = InputShape(ctx, 0)) SetOutputShape(ctx, 0, *s);
}

// qordered_qdq.cc DequantizeWithOrder: the input's shape, of the type named by attribute `to`.
void DequantizeWithOrderInference(Ctx& ctx) {
  const int64_t to = onnx::getAttribute(ctx, "to", 0);
  if (to != onnx::TensorProto::FLOAT && to != onnx::TensorProto::FLOAT16) {
    fail_type_inference("attribute to must be float (1) or float16 (10), got ", to);
  }
  SetOutputType(ctx, 0, static_cast<int32_t>(to));
  if (const Shape* s = InputShape(ctx, 0)) SetOutputShape(ctx, 0, *s);
}

// relative_attn_bias.cc GatedRelativePositionBias<T>::ComputeInternal: output (B, N, S, S), B and S from
// token_offset (B, S) when padding is removed, else from query_layer (B, S, D).
void GatedRelativePositionBiasInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const int64_t n = RequiredHeads(ctx);
  const bool padding_removed = HasInput(ctx, 6);
  const Shape* bs =
      padding_removed ? InputShapeOfRank(ctx, 6, {2}, "token_offset") : InputShapeOfRank(ctx, 0, {3}, "query_layer");
  if (bs == nullptr) return;
  SetOutputShape(ctx, 0, MakeShape({bs->dim(0), KnownDim(n), bs->dim(1), bs->dim(1)}));
}

}  // namespace

std::vector<OpSchema> ContribQuantizedRules() {
  std::vector<OpSchema> r;
  // quantization_defs.cc QAttention ver1.
  r.push_back(MsSchema("QAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("unidirectional", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("do_rotary", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("past_present_share_buffer", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T1")
                  .Input(1, "weight", "", "T2")
                  .Input(2, "bias", "", "T3")
                  .Input(3, "input_scale", "", "T3")
                  .Input(4, "weight_scale", "", "T3")
                  .Input(5, "mask_index", "", "T4", OpSchema::Optional)
                  .Input(6, "input_zero_point", "", "T1", OpSchema::Optional)
                  .Input(7, "weight_zero_point", "", "T2", OpSchema::Optional)
                  .Input(8, "past", "", "T3", OpSchema::Optional)
                  .Output(0, "output", "", "T3")
                  .Output(1, "present", "", "T3", OpSchema::Optional)
                  .TypeConstraint("T1", {"tensor(int8)", "tensor(uint8)"}, "")
                  .TypeConstraint("T2", {"tensor(int8)", "tensor(uint8)"}, "")
                  .TypeConstraint("T3", kFloatHalf, "")
                  .TypeConstraint("T4", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(QAttentionInference));
  // bert_defs.cc DecoderAttention ver1.
  r.push_back(MsSchema("DecoderAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("mask_filter_value", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Input(0, "query", "", "T")
                  .Input(1, "key", "", "T")
                  .Input(2, "q_weight", "", "T")
                  .Input(3, "kv_weight", "", "T")
                  .Input(4, "bias", "", "T")
                  .Input(5, "key_padding_mask", "", "B", OpSchema::Optional)
                  .Input(6, "key_cache", "", "T", OpSchema::Optional)
                  .Input(7, "value_cache", "", "T", OpSchema::Optional)
                  .Input(8, "static_kv", "", "B")
                  .Input(9, "use_past", "", "B")
                  .Input(10, "has_layer_state", "", "B")
                  .Input(11, "has_key_padding_mask", "", "B")
                  .Output(0, "output", "", "T")
                  .Output(1, "new_key_cache", "", "T", OpSchema::Optional)
                  .Output(2, "new_value_cache", "", "T", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("B", {"tensor(bool)"}, "")
                  .TypeAndShapeInferenceFunction(DecoderAttentionInference));
  // quantization_defs.cc QOrderedAttention ver1.
  OpSchema qordered_attention = MsSchema("QOrderedAttention");
  qordered_attention.Attr("num_heads", "", AttributeProto::INT)
      .Attr("unidirectional", "", AttributeProto::INT, static_cast<int64_t>(0))
      .Attr("qkv_hidden_sizes", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
      .Attr("order_input", "", AttributeProto::INT)
      .Attr("order_weight", "", AttributeProto::INT)
      .Attr("order_output", "", AttributeProto::INT)
      .Input(0, "input", "", "Q");
  const char* scales_and_weights[] = {
      "scale_input",    "scale_Q_gemm",   "scale_K_gemm",   "scale_V_gemm", "Q_weight", "K_weight", "V_weight",
      "scale_Q_weight", "scale_K_weight", "scale_V_weight", "Q_bias",       "K_bias",   "V_bias"};
  for (int i = 0; i < 13; ++i) {
    // Inputs 5-7 are the int8 weights; the rest float scales and biases.
    qordered_attention.Input(i + 1, scales_and_weights[i], "", i >= 4 && i <= 6 ? "Q" : "S");
  }
  qordered_attention.Input(14, "scale_QKT_gemm", "", "S", OpSchema::Optional)
      .Input(15, "scale_QKT_softmax", "", "S", OpSchema::Optional)
      .Input(16, "scale_values_gemm", "", "S")
      .Input(17, "mask_index", "", "G", OpSchema::Optional)
      .Input(18, "past", "", "Q", OpSchema::Optional)
      .Input(19, "attention_bias", "", "S", OpSchema::Optional)
      .Output(0, "output", "", "Q")
      .TypeConstraint("Q", {"tensor(int8)"}, "")
      .TypeConstraint("S", {"tensor(float)"}, "")
      .TypeConstraint("G", {"tensor(int32)"}, "")
      .TypeAndShapeInferenceFunction(QOrderedAttentionInference);
  r.push_back(std::move(qordered_attention));
  // quantization_defs.cc QOrderedLongformerAttention ver1: output is the input's shape.
  r.push_back(MsSchema("QOrderedLongformerAttention")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Attr("window", "", AttributeProto::INT)
                  .Attr("order_input", "", AttributeProto::INT)
                  .Attr("order_weight", "", AttributeProto::INT)
                  .Attr("order_global_weight", "", AttributeProto::INT)
                  .Attr("order_output", "", AttributeProto::INT)
                  .Input(0, "input", "", "Q")
                  .Input(1, "scale_input", "", "S")
                  .Input(2, "weight", "", "Q")
                  .Input(3, "scale_weight", "", "S")
                  .Input(4, "bias", "", "S")
                  .Input(5, "scale_bias", "", "S")
                  .Input(6, "scale_qkv_gemm", "", "S")
                  .Input(7, "mask", "", "F")
                  .Input(8, "global_weight", "", "Q")
                  .Input(9, "scale_global_weight", "", "S")
                  .Input(10, "global_bias", "", "S")
                  .Input(11, "scale_global_gemm", "", "S")
                  .Input(12, "global", "", "G")
                  .Input(13, "scale_output", "", "S")
                  .Output(0, "output", "", "Q")
                  .TypeConstraint("Q", {"tensor(int8)"}, "")
                  .TypeConstraint("S", {"tensor(float)"}, "")
                  .TypeConstraint("G", {"tensor(int32)"}, "")
                  .TypeConstraint("F", {"tensor(float16)"}, "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { PropagateTypeAndShape(ctx, 0, 0); }));
  // quantization_defs.cc QOrderedMatMul ver1.
  r.push_back(MsSchema("QOrderedMatMul")
                  .Attr("order_A", "", AttributeProto::INT)
                  .Attr("order_B", "", AttributeProto::INT)
                  .Attr("order_Y", "", AttributeProto::INT)
                  .Input(0, "A", "", "Q")
                  .Input(1, "scale_A", "", "S")
                  .Input(2, "B", "", "Q")
                  .Input(3, "scale_B", "", "S")
                  .Input(4, "scale_Y", "", "S")
                  .Input(5, "bias", "", "S", OpSchema::Optional)
                  .Input(6, "C", "", "Q", OpSchema::Optional)
                  .Input(7, "scale_C", "", "S", OpSchema::Optional)
                  .Output(0, "Y", "", "Q")
                  .TypeConstraint("Q", {"tensor(int8)"}, "")
                  .TypeConstraint("S", {"tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(QOrderedMatMulInference));
  // quantization_defs.cc QuantizeWithOrder ver1 and DequantizeWithOrder ver1.
  r.push_back(MsSchema("QuantizeWithOrder")
                  .Attr("order_input", "", AttributeProto::INT)
                  .Attr("order_output", "", AttributeProto::INT)
                  .Input(0, "input", "", "F")
                  .Input(1, "scale_input", "", "S")
                  .Output(0, "output", "", "Q")
                  .TypeConstraint("Q", {"tensor(int8)"}, "")
                  .TypeConstraint("F", kFloatHalf, "")
                  .TypeConstraint("S", {"tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(Int8SameShape));
  r.push_back(MsSchema("DequantizeWithOrder")
                  .Attr("order_input", "", AttributeProto::INT)
                  .Attr("order_output", "", AttributeProto::INT)
                  .Attr("to", "", AttributeProto::INT)
                  .Input(0, "input", "", "Q")
                  .Input(1, "scale_input", "", "S")
                  .Output(0, "output", "", "F")
                  .TypeConstraint("Q", {"tensor(int8)"}, "")
                  .TypeConstraint("F", kFloatHalf, "")
                  .TypeConstraint("S", {"tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(DequantizeWithOrderInference));
  // quantization_defs.cc QOrderedLayerNormalization ver1 and QOrderedGelu ver1: the input's shape, int8.
  r.push_back(MsSchema("QOrderedLayerNormalization")
                  .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(-1))
                  .Attr("epsilon", "", AttributeProto::FLOAT, 1e-5f)
                  .Attr("order_X", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Attr("order_Y", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Input(0, "X", "", "Q")
                  .Input(1, "scale_X", "", "S")
                  .Input(2, "scale", "", "F")
                  .Input(3, "B", "", "F", OpSchema::Optional)
                  .Input(4, "scale_Y", "", "S")
                  .Output(0, "Y", "", "Q")
                  .TypeConstraint("F", kFloatHalf, "")
                  .TypeConstraint("S", {"tensor(float)"}, "")
                  .TypeConstraint("Q", {"tensor(int8)"}, "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { PropagateTypeAndShape(ctx, 0, 0); }));
  r.push_back(MsSchema("QOrderedGelu")
                  .Attr("order_X", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("order_Y", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "X", "", "Q")
                  .Input(1, "scale_X", "", "S")
                  .Input(2, "scale_Y", "", "S")
                  .Output(0, "Y", "", "Q")
                  .TypeConstraint("Q", {"tensor(int8)"}, "")
                  .TypeConstraint("S", {"tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { PropagateTypeAndShape(ctx, 0, 0); }));
  // bert_defs.cc GatedRelativePositionBias ver1.
  r.push_back(MsSchema("GatedRelativePositionBias")
                  .Attr("num_heads", "", AttributeProto::INT)
                  .Input(0, "query_layer", "", "T")
                  .Input(1, "query_bias", "", "T")
                  .Input(2, "rel_pos", "", "T")
                  .Input(3, "weight", "", "T")
                  .Input(4, "bias", "", "T")
                  .Input(5, "eco_a", "", "T")
                  .Input(6, "token_offset", "", "M", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kFloatHalf, "")
                  .TypeConstraint("M", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(GatedRelativePositionBiasInference));
  return r;
}

}  // namespace wsest::ops
