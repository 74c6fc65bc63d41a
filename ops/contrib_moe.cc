// Mixture-of-experts and quantized/transposed matmul contrib ops as ORT 1.29.0 declares them
// (core/graph/contrib_ops/contrib_defs.cc): MoE, QMoE, MatMulBnb4 and TransposeMatMul.
#include <onnx/defs/schema.h>

#include <string>
#include <vector>

#include "ops/common.h"

namespace wsest::ops {
namespace {

namespace onnx = ONNX_NAMESPACE;
using onnx::AttributeProto;
using onnx::OpSchema;

// MatMulBnb4: MatmulWithQuantWeightShapeInference. A (.., K) gives Y (.., N) with transB (the default);
// with transB = 0 the weight is read untransposed, so A's last dim is N and Y's is K.
void MatMulBnb4Inference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const int64_t k = onnx::getAttribute(ctx, "K", -1);
  const int64_t n = onnx::getAttribute(ctx, "N", -1);
  const bool trans_b = onnx::getAttribute(ctx, "transB", 1) != 0;
  const Shape* a = InputShape(ctx, 0);
  if (a == nullptr) return;
  if (a->dim_size() == 0) fail_shape_inference("input 0 (A) has rank 0, expected >= 1");
  const int64_t a_last = trans_b ? k : n;
  const Dim& last = a->dim(a->dim_size() - 1);
  if (Known(last) && last.dim_value() != a_last) {
    fail_shape_inference("input 0 (A) has last dim ", last.dim_value(), ", expected ", trans_b ? "K=" : "N=", a_last);
  }
  Shape y = *a;
  y.mutable_dim(y.dim_size() - 1)->Clear();
  y.mutable_dim(y.dim_size() - 1)->set_dim_value(trans_b ? n : k);
  SetOutputShape(ctx, 0, y);
}

// TransposeMatMul: FusedMatMulShapeInference without the transBatch attributes; transA/transB swap the last two
// dims of an operand of rank >= 2 (a vector is never transposed), then numpy matmul.
Shape Transposed(const Shape& raw, bool trans) {
  if (!trans || raw.dim_size() < 2) return raw;
  Shape s = raw;
  s.mutable_dim()->SwapElements(raw.dim_size() - 2, raw.dim_size() - 1);
  return s;
}

void TransposeMatMulInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* a = InputShape(ctx, 0);
  const Shape* b = InputShape(ctx, 1);
  if (a == nullptr || b == nullptr) return;
  const bool ta = onnx::getAttribute(ctx, "transA", 0) != 0;
  const bool tb = onnx::getAttribute(ctx, "transB", 0) != 0;
  SetOutputShape(ctx, 0, MatMulShape(Transposed(*a, ta), Transposed(*b, tb)));
}

const std::vector<std::string> kMoETypes = {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"};

}  // namespace

std::vector<OpSchema> ContribMoERules() {
  std::vector<OpSchema> r;
  // contrib_defs.cc MoE ver1.
  r.push_back(MsSchema("MoE")
                  .Attr("activation_type", "", AttributeProto::STRING, std::string("relu"))
                  .Attr("swiglu_fusion", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("swiglu_limit", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("activation_alpha", "", AttributeProto::FLOAT, 1.0f)
                  .Attr("activation_beta", "", AttributeProto::FLOAT, 0.0f)
                  .Attr("k", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Attr("normalize_routing_weights", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("use_sparse_mixer", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Input(0, "input", "", "T")
                  .Input(1, "router_probs", "", "T")
                  .Input(2, "fc1_experts_weights", "", "T")
                  .Input(3, "fc1_experts_bias", "", "T", OpSchema::Optional)
                  .Input(4, "fc2_experts_weights", "", "T")
                  .Input(5, "fc2_experts_bias", "", "T", OpSchema::Optional)
                  .Input(6, "fc3_experts_weights", "", "T", OpSchema::Optional)
                  .Input(7, "fc3_experts_bias", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kMoETypes, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // contrib_defs.cc QMoE ver1.
  r.push_back(MsSchema("QMoE")
                  .Attr("activation_type", "", AttributeProto::STRING, std::string("relu"))
                  .Attr("k", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Attr("normalize_routing_weights", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("use_sparse_mixer", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("expert_weight_bits", "", AttributeProto::INT, static_cast<int64_t>(4))
                  .Attr("swiglu_fusion", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("swiglu_limit", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
                  .Attr("activation_alpha", "", AttributeProto::FLOAT, 1.0f)
                  .Attr("activation_beta", "", AttributeProto::FLOAT, 0.0f)
                  .Attr("block_size", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "router_probs", "", "T")
                  .Input(2, "fc1_experts_weights", "", "T1")
                  .Input(3, "fc1_scales", "", "T2")
                  .Input(4, "fc1_experts_bias", "", "T", OpSchema::Optional)
                  .Input(5, "fc2_experts_weights", "", "T1")
                  .Input(6, "fc2_scales", "", "T2")
                  .Input(7, "fc2_experts_bias", "", "T", OpSchema::Optional)
                  .Input(8, "fc3_experts_weights", "", "T1", OpSchema::Optional)
                  .Input(9, "fc3_scales", "", "T2", OpSchema::Optional)
                  .Input(10, "fc3_experts_bias", "", "T", OpSchema::Optional)
                  .Input(11, "fc1_zero_points", "", "T1", OpSchema::Optional)
                  .Input(12, "fc2_zero_points", "", "T1", OpSchema::Optional)
                  .Input(13, "fc3_zero_points", "", "T1", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", kMoETypes, "")
                  .TypeConstraint("T1", {"tensor(uint8)"}, "")
                  .TypeConstraint("T2", kMoETypes, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // contrib_defs.cc MatMulBnb4 ver1.
  r.push_back(MsSchema("MatMulBnb4")
                  .Attr("K", "", AttributeProto::INT)
                  .Attr("N", "", AttributeProto::INT)
                  .Attr("block_size", "", AttributeProto::INT)
                  .Attr("quant_type", "", AttributeProto::INT)
                  .Attr("training_mode", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("transB", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Input(0, "A", "", "T1")
                  .Input(1, "B", "", "T2")
                  .Input(2, "absmax", "", "T1")
                  .Output(0, "Y", "", "T1")
                  .TypeConstraint("T1", kMoETypes, "")
                  .TypeConstraint("T2", {"tensor(uint8)"}, "")
                  .TypeAndShapeInferenceFunction(MatMulBnb4Inference));
  // contrib_defs.cc TransposeMatMul ver1 (FusedMatMul's duplicate, kept for backward compatibility).
  r.push_back(MsSchema("TransposeMatMul")
                  .Input(0, "A", "", "T")
                  .Input(1, "B", "", "T")
                  .Attr("alpha", "", AttributeProto::FLOAT, 1.0f)
                  .Attr("transA", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("transB", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", {"tensor(float16)", "tensor(float)", "tensor(double)", "tensor(bfloat16)"}, "")
                  .TypeAndShapeInferenceFunction(TransposeMatMulInference));
  return r;
}

}  // namespace wsest::ops
