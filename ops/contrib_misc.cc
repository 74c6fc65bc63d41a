// Activation, matmul and conv contrib ops as ORT 1.29.0 declares them; ContribRules() joins the
// families. M, N, K as in a GEMM: A (.., M, K) x B (.., K, N).
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

// The matrix view of a FusedMatMul operand: transBatch moves dim 0 to the row position
// ([d0, b.., k] is read as [b.., d0, k]), then trans swaps the last two. contrib_defs.cc
// FusedMatMulShapeInference.
Shape FusedOperand(const Shape& raw, bool trans, bool trans_batch) {
  const int rank = raw.dim_size();
  if (rank == 1) return raw;  // numpy: a vector is never transposed
  Shape s;
  const int first = trans_batch ? 1 : 0;
  const int last = trans_batch ? rank - 1 : rank - 2;
  for (int i = first; i < last; ++i) *s.add_dim() = raw.dim(i);
  const Dim& row = trans_batch ? raw.dim(0) : raw.dim(rank - 2);
  const Dim& col = raw.dim(rank - 1);
  *s.add_dim() = trans ? col : row;
  *s.add_dim() = trans ? row : col;
  return s;
}

void FusedMatMulInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* a = InputShape(ctx, 0);
  const Shape* b = InputShape(ctx, 1);
  if (a == nullptr || b == nullptr) return;
  const bool ta = onnx::getAttribute(ctx, "transA", 0) != 0;
  const bool tb = onnx::getAttribute(ctx, "transB", 0) != 0;
  const bool tba = onnx::getAttribute(ctx, "transBatchA", 0) != 0;
  const bool tbb = onnx::getAttribute(ctx, "transBatchB", 0) != 0;
  // ORT core/providers/cpu/math/matmul_helper.h: transBatch needs equal ranks >= 3.
  if ((tba || tbb) && (a->dim_size() < 3 || a->dim_size() != b->dim_size()))
    fail_shape_inference("transBatchA/transBatchB need inputs of equal rank >= 3, got ranks ", a->dim_size(), " and ",
                         b->dim_size());
  SetOutputShape(ctx, 0, MatMulShape(FusedOperand(*a, ta, tba), FusedOperand(*b, tb, tbb)));
}

// GemmFastGelu: MatMul(X, W) (+ bias) then FastGelu; the shape is numpy matmul's. bert_defs.cc.
void MatMulInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* a = InputShape(ctx, 0);
  const Shape* b = InputShape(ctx, 1);
  if (a != nullptr && b != nullptr) SetOutputShape(ctx, 0, MatMulShape(*a, *b));
}

// MatMulNBits: A (.., K) times a quantized (K, N) weight: Y (.., N). contrib_defs.cc MatMulNBits.
void MatMulNBitsInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const int64_t k = onnx::getAttribute(ctx, "K", -1);
  const int64_t n = onnx::getAttribute(ctx, "N", -1);
  if (k <= 0 || n <= 0) fail_shape_inference("attributes K and N must be positive, got K=", k, " N=", n);
  const Shape* a = InputShape(ctx, 0);
  if (a == nullptr) return;
  if (a->dim_size() == 0) fail_shape_inference("input 0 (A) has rank 0, expected >= 1");
  const Dim& a_k = a->dim(a->dim_size() - 1);
  if (Known(a_k) && a_k.dim_value() != k)
    fail_shape_inference("input 0 (A) has last dim ", a_k.dim_value(), ", expected K=", k);
  Shape y = *a;
  y.mutable_dim(y.dim_size() - 1)->Clear();
  y.mutable_dim(y.dim_size() - 1)->set_dim_value(n);
  SetOutputShape(ctx, 0, y);
}

// BiasSplitGelu: X (B,S,D) + bias (D), split in halves: Y (B,S,D/2). diffusion_defs.cc.
void BiasSplitGeluInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShapeOfRank(ctx, 0, {3}, "X");
  const Shape* bias = InputShapeOfRank(ctx, 1, {1}, "bias");
  if (x == nullptr) return;
  const Dim& d = bias != nullptr && Known(bias->dim(0)) ? bias->dim(0) : x->dim(2);
  SetOutputShape(ctx, 0, MakeShape({x->dim(0), x->dim(1), DivDim(d, 2, 1, "bias length vs 2 halves")}));
}

const std::vector<std::string> kGeluTypes = {"tensor(float16)", "tensor(float)", "tensor(double)", "tensor(bfloat16)"};

}  // namespace

std::vector<OpSchema> ContribMiscRules() {
  std::vector<OpSchema> r;
  // contrib_defs.cc Gelu ver1.
  r.push_back(MsSchema("Gelu")
                  .Input(0, "X", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", kGeluTypes, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // contrib_defs.cc BiasGelu ver1: B is a 1-D bias over A's last dim.
  r.push_back(MsSchema("BiasGelu")
                  .Input(0, "A", "", "T")
                  .Input(1, "B", "", "T")
                  .Output(0, "C", "", "T")
                  .TypeConstraint("T", kGeluTypes, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // bert_defs.cc FastGelu ver1.
  r.push_back(MsSchema("FastGelu")
                  .Input(0, "X", "", "T")
                  .Input(1, "bias", "", "T", OpSchema::Optional)
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", kGeluTypes, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // contrib_defs.cc QuickGelu ver1.
  r.push_back(MsSchema("QuickGelu")
                  .Attr("alpha", "", AttributeProto::FLOAT, 1.702f)
                  .Input(0, "X", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", kGeluTypes, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // diffusion_defs.cc BiasAdd ver1 (CUDA only): X (B,S,C) + bias (C) + skip (B,S,C).
  r.push_back(MsSchema("BiasAdd")
                  .Input(0, "X", "", "T")
                  .Input(1, "bias", "", "T")
                  .Input(2, "skip", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", {"tensor(float16)", "tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // diffusion_defs.cc BiasSplitGelu ver1 (CUDA only).
  r.push_back(MsSchema("BiasSplitGelu")
                  .Input(0, "X", "", "T")
                  .Input(1, "bias", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", {"tensor(float16)", "tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(BiasSplitGeluInference));
  // bert_defs.cc GemmFastGelu ver1 (CUDA/ROCm only).
  r.push_back(MsSchema("GemmFastGelu")
                  .Input(0, "X", "", "T")
                  .Input(1, "W", "", "T")
                  .Input(2, "bias", "", "T", OpSchema::Optional)
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"}, "")
                  .TypeAndShapeInferenceFunction(MatMulInference));
  // contrib_defs.cc FusedMatMul ver1.
  r.push_back(MsSchema("FusedMatMul")
                  .Input(0, "A", "", "T")
                  .Input(1, "B", "", "T")
                  .Attr("alpha", "", AttributeProto::FLOAT, 1.0f)
                  .Attr("transA", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("transB", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("transBatchA", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("transBatchB", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", kGeluTypes, "")
                  .TypeAndShapeInferenceFunction(FusedMatMulInference));
  // contrib_defs.cc FusedConv ver1: Conv's shape; Z is an optional residual added after conv.
  r.push_back(MsSchema("FusedConv")
                  .Attr("auto_pad", "", AttributeProto::STRING, std::string("NOTSET"))
                  .Attr("kernel_shape", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("dilations", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("strides", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("pads", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("group", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Attr("activation", "", AttributeProto::STRING, onnx::OPTIONAL_VALUE)
                  .Attr("activation_params", "", AttributeProto::FLOATS, onnx::OPTIONAL_VALUE)
                  .Input(0, "X", "", "T")
                  .Input(1, "W", "", "T")
                  .Input(2, "B", "", "T", OpSchema::Optional)
                  .Input(3, "Z", "", "T", OpSchema::Optional)
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", {"tensor(float16)", "tensor(float)", "tensor(double)"}, "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { DelegateToOnnx(ctx, "Conv", 11); }));
  // contrib_defs.cc MatMulNBits ver1.
  r.push_back(MsSchema("MatMulNBits")
                  .Attr("K", "", AttributeProto::INT)
                  .Attr("N", "", AttributeProto::INT)
                  .Attr("bits", "", AttributeProto::INT, static_cast<int64_t>(4))
                  .Attr("block_size", "", AttributeProto::INT)
                  .Attr("accuracy_level", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Input(0, "A", "", "T1")
                  .Input(1, "B", "", "T2")
                  .Input(2, "scales", "", "T1")
                  .Input(3, "zero_points", "", "T3", OpSchema::Optional)
                  .Input(4, "g_idx", "", "T4", OpSchema::Optional)
                  .Input(5, "bias", "", "T1", OpSchema::Optional)
                  .Output(0, "Y", "", "T1")
                  .TypeConstraint("T1", {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"}, "")
                  .TypeConstraint("T2", {"tensor(uint8)"}, "")
                  .TypeConstraint("T3", {"tensor(uint8)", "tensor(float16)", "tensor(float)", "tensor(bfloat16)"}, "")
                  .TypeConstraint("T4", {"tensor(int32)"}, "")
                  .TypeAndShapeInferenceFunction(MatMulNBitsInference));
  return r;
}

std::vector<OpSchema> ContribRules() {
  std::vector<OpSchema> r = ContribAttentionRules();
  for (auto& s : ContribNormRules()) r.push_back(std::move(s));
  for (auto& s : ContribMiscRules()) r.push_back(std::move(s));
  for (auto& s : ContribQuantizedRules()) r.push_back(std::move(s));
  for (auto& s : ContribMoERules()) r.push_back(std::move(s));
  return r;
}

}  // namespace wsest::ops
