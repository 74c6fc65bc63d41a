#include "ops/common.h"

#include <onnx/defs/tensor_proto_util.h>

#include <algorithm>
#include <string>

namespace wsest::ops {

namespace onnx = ONNX_NAMESPACE;

bool HasInput(const Ctx& ctx, size_t i) { return i < ctx.getNumInputs() && ctx.getInputType(i) != nullptr; }

const Shape* InputShape(Ctx& ctx, size_t i) {
  if (!HasInput(ctx, i) || !onnx::hasInputShape(ctx, i)) return nullptr;
  return &onnx::getInputShape(ctx, i);
}

const Shape* InputShapeOfRank(Ctx& ctx, size_t i, std::initializer_list<int> ranks, const char* what) {
  const Shape* s = InputShape(ctx, i);
  if (s == nullptr) return nullptr;
  if (std::find(ranks.begin(), ranks.end(), s->dim_size()) != ranks.end()) return s;
  std::string expected;
  for (int r : ranks) expected += (expected.empty() ? "" : " or ") + std::to_string(r);
  fail_shape_inference("input ", i, " (", what, ") has rank ", s->dim_size(), ", expected ", expected);
}

Dim KnownDim(int64_t v) {
  Dim d;
  d.set_dim_value(v);
  return d;
}

Dim UnknownDim() { return Dim(); }

// Bound dims reach int64's top (--dim batch=2^62, or a model's own), so a sum or product that does
// not fit is a contradiction the node's inference reports, not a wrapped dim.
Dim MulDims(const Dim& a, const Dim& b) {
  if (!Known(a) || !Known(b)) return UnknownDim();
  int64_t product = 0;
  if (__builtin_mul_overflow(a.dim_value(), b.dim_value(), &product))
    fail_shape_inference("dim ", a.dim_value(), " * ", b.dim_value(), " overflows int64");
  return KnownDim(product);
}

Dim AddDims(const Dim& a, const Dim& b) {
  if (!Known(a) || !Known(b)) return UnknownDim();
  int64_t sum = 0;
  if (__builtin_add_overflow(a.dim_value(), b.dim_value(), &sum))
    fail_shape_inference("dim ", a.dim_value(), " + ", b.dim_value(), " overflows int64");
  return KnownDim(sum);
}

Dim MulDim(const Dim& a, int64_t b) { return Known(a) ? MulDims(a, KnownDim(b)) : UnknownDim(); }

Dim DivDim(const Dim& a, int64_t b, size_t input, const char* what) {
  if (!Known(a) || b <= 0) return UnknownDim();
  if (a.dim_value() % b != 0)
    fail_shape_inference("input ", input, " (", what, "): ", a.dim_value(), " is not a multiple of ", b);
  return KnownDim(a.dim_value() / b);
}

Shape MakeShape(std::initializer_list<Dim> dims) {
  Shape s;
  for (const auto& d : dims) *s.add_dim() = d;
  return s;
}

void SetOutputShape(Ctx& ctx, size_t o, const Shape& shape) {
  if (o >= ctx.getNumOutputs()) return;
  onnx::updateOutputShape(ctx, o, shape);
}

void PropagateType(Ctx& ctx, size_t i, size_t o) {
  if (o >= ctx.getNumOutputs() || !HasInput(ctx, i)) return;
  onnx::propagateElemTypeFromInputToOutput(ctx, i, o);
}

void PropagateTypeAndShape(Ctx& ctx, size_t i, size_t o) {
  PropagateType(ctx, i, o);
  if (const Shape* s = InputShape(ctx, i)) SetOutputShape(ctx, o, *s);
}

void SameAsFirstInput(Ctx& ctx) { PropagateTypeAndShape(ctx, 0, 0); }

ONNX_NAMESPACE::OpSchema MsSchema(const char* name) {
  return ONNX_NAMESPACE::OpSchema().SetName(name).SetDomain("com.microsoft").SinceVersion(1);
}

void SetOutputType(Ctx& ctx, size_t o, int32_t elem_type) {
  if (o >= ctx.getNumOutputs()) return;
  onnx::updateOutputElemType(ctx, o, elem_type);
}

std::optional<std::vector<int64_t>> ConstInts(Ctx& ctx, size_t i) {
  if (!HasInput(ctx, i)) return std::nullopt;
  const onnx::TensorProto* t = ctx.getInputData(i);
  if (t == nullptr) return std::nullopt;
  if (t->data_type() == onnx::TensorProto::INT64) return onnx::ParseData<int64_t>(t);
  if (t->data_type() == onnx::TensorProto::INT32) {
    const auto v = onnx::ParseData<int32_t>(t);
    return std::vector<int64_t>(v.begin(), v.end());
  }
  return std::nullopt;
}

std::optional<std::vector<float>> ConstFloats(Ctx& ctx, size_t i) {
  if (!HasInput(ctx, i)) return std::nullopt;
  const onnx::TensorProto* t = ctx.getInputData(i);
  if (t == nullptr || t->data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
  return onnx::ParseData<float>(t);
}

int64_t NormalizeAxis(int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank) fail_shape_inference(what, " ", axis, " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

namespace {

// Merges two dims that must agree (broadcast dims of size 1 are handled by the caller).
Dim BroadcastDim(const Dim& a, const Dim& b) {
  if (Known(a) && Known(b)) {
    const int64_t x = a.dim_value(), y = b.dim_value();
    if (x == y || y == 1) return a;
    if (x == 1) return b;
    fail_shape_inference("cannot broadcast dims ", x, " and ", y);
  }
  if (Known(a) && a.dim_value() == 1) return b;
  if (Known(b) && b.dim_value() == 1) return a;
  if (Known(a)) return a;  // the other is symbolic and must equal it (or be 1)
  if (Known(b)) return b;
  if (a.has_dim_param() && b.has_dim_param() && a.dim_param() == b.dim_param()) return a;
  return UnknownDim();
}

}  // namespace

Shape BroadcastShapes(const std::vector<const Shape*>& shapes) {
  int rank = 0;
  for (const Shape* s : shapes) rank = std::max(rank, s->dim_size());
  Shape out;
  for (int k = 0; k < rank; ++k) {
    Dim d = KnownDim(1);
    for (const Shape* s : shapes) {
      const int j = k - (rank - s->dim_size());
      if (j >= 0) d = BroadcastDim(d, s->dim(j));
    }
    *out.add_dim() = d;
  }
  return out;
}

Shape MatMulShape(const Shape& a, const Shape& b) {
  if (a.dim_size() == 0 || b.dim_size() == 0) fail_shape_inference("matmul operands must have rank >= 1");
  // A vector operand is promoted to a matrix, and the promoted dim is dropped from the result.
  Shape l = a, r = b;
  if (a.dim_size() == 1) {
    l = MakeShape({KnownDim(1), a.dim(0)});
  }
  if (b.dim_size() == 1) {
    r = MakeShape({b.dim(0), KnownDim(1)});
  }
  const Dim& k_l = l.dim(l.dim_size() - 1);
  const Dim& k_r = r.dim(r.dim_size() - 2);
  if (Known(k_l) && Known(k_r) && k_l.dim_value() != k_r.dim_value())
    fail_shape_inference("matmul inner dims differ: input 0 has K=", k_l.dim_value(), ", input 1 has K=",
                         k_r.dim_value());
  Shape batch_l, batch_r;
  for (int i = 0; i < l.dim_size() - 2; ++i) *batch_l.add_dim() = l.dim(i);
  for (int i = 0; i < r.dim_size() - 2; ++i) *batch_r.add_dim() = r.dim(i);
  Shape out = BroadcastShapes({&batch_l, &batch_r});
  if (a.dim_size() != 1) *out.add_dim() = l.dim(l.dim_size() - 2);
  if (b.dim_size() != 1) *out.add_dim() = r.dim(r.dim_size() - 1);
  return out;
}

void DelegateToOnnx(Ctx& ctx, const char* op, int opset) {
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(op, opset, "");
  if (schema == nullptr) fail_shape_inference("onnx has no schema for ", op, " at opset ", opset);
  schema->GetTypeAndShapeInferenceFunction()(ctx);
}

void CheckStridesPositive(Ctx& ctx) {
  const onnx::AttributeProto* strides = ctx.getAttribute("strides");
  if (strides == nullptr) return;
  for (int64_t s : strides->ints())
    if (s <= 0) fail_shape_inference("attribute strides has ", s, "; every stride must be positive");
}

std::vector<std::string> FloatTypes() {
  return {"tensor(float16)", "tensor(float)", "tensor(double)", "tensor(bfloat16)"};
}

std::vector<std::string> AllTensorTypes() { return onnx::OpSchema::all_tensor_types_with_bfloat(); }

}  // namespace wsest::ops
