// Small shape-inference helpers shared by the rules in ops/. Conventions: a missing shape makes a
// rule return early (the output keeps whatever it had); only a contradiction fails, naming the
// input index and the expected vs actual value (onnx adds the node's op type and name).
#pragma once

#include <onnx/defs/schema.h>
#include <onnx/defs/shape_inference.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace wsest::ops {

using Dim = ONNX_NAMESPACE::TensorShapeProto::Dimension;
using Shape = ONNX_NAMESPACE::TensorShapeProto;
using Ctx = ONNX_NAMESPACE::InferenceContext;

// Whether optional input `i` is wired (onnx 1.12 gives absent inputs a null type).
bool HasInput(const Ctx& ctx, size_t i);
// The shape of input `i`, or nullptr when the input is absent or its shape is unknown.
const Shape* InputShape(Ctx& ctx, size_t i);
// InputShape, failing unless the rank is one of `ranks`.
const Shape* InputShapeOfRank(Ctx& ctx, size_t i, std::initializer_list<int> ranks, const char* what);

inline bool Known(const Dim& d) { return d.has_dim_value(); }
Dim KnownDim(int64_t v);
Dim UnknownDim();
// Arithmetic on dims: the result is unknown unless every operand is known.
Dim MulDims(const Dim& a, const Dim& b);
Dim AddDims(const Dim& a, const Dim& b);
Dim MulDim(const Dim& a, int64_t b);
// Exact division; fails when a known `a` is not a multiple of `b` (input `input` names the source).
Dim DivDim(const Dim& a, int64_t b, size_t input, const char* what);

Shape MakeShape(std::initializer_list<Dim> dims);
// Sets output `o`'s shape when the node has that output.
void SetOutputShape(Ctx& ctx, size_t o, const Shape& shape);
// Copies input `i`'s element type (and shape when `with_shape`) to output `o`, when both exist.
void PropagateType(Ctx& ctx, size_t i, size_t o);
void PropagateTypeAndShape(Ctx& ctx, size_t i, size_t o);
// Output 0 takes input 0's type and shape (ORT's propagateShapeAndTypeFromFirstInput).
void SameAsFirstInput(Ctx& ctx);
// A com.microsoft schema named `name` at opset 1, the one version ORT declares for its contrib ops.
ONNX_NAMESPACE::OpSchema MsSchema(const char* name);
void SetOutputType(Ctx& ctx, size_t o, int32_t elem_type);

// The values of constant int input `i` (an initializer or Constant), int32 or int64.
std::optional<std::vector<int64_t>> ConstInts(Ctx& ctx, size_t i);
std::optional<std::vector<float>> ConstFloats(Ctx& ctx, size_t i);

// Normalizes `axis` into [0, rank); fails (naming `what`) when out of range.
int64_t NormalizeAxis(int64_t axis, int64_t rank, const char* what);

// numpy matmul on two shapes (ranks >= 1), with broadcast batch dims. Fails on a contradiction in
// the contracted or broadcast dims.
Shape MatMulShape(const Shape& a, const Shape& b);
// numpy multidirectional broadcast.
Shape BroadcastShapes(const std::vector<const Shape*>& shapes);

// Runs the inference function of onnx's own schema `op` (ai.onnx, newest <= `opset`) on this
// context: for contrib ops whose shapes are those of an onnx op (FusedConv is Conv's).
void DelegateToOnnx(Ctx& ctx, const char* op, int opset);
// Fails unless every value of attribute `strides` is positive: onnx 1.12's convPoolShapeInference
// (Conv and the pools) divides by each one unchecked, and a zero stride was SIGFPE (found by
// fuzz/model_fuzzer). Call it before delegating to that inference.
void CheckStridesPositive(Ctx& ctx);

// Type-constraint lists. onnx 1.12 knows no float8 or 4-bit types, so those are left out; our
// inference never checks types against constraints, so models using them still get shapes.
std::vector<std::string> FloatTypes();        // float16, float, double, bfloat16
std::vector<std::string> AllTensorTypes();    // every tensor type onnx 1.12 knows

// Rule families, one per ops/contrib_*.cc file; ContribRules() (ops/rules.h) joins them.
std::vector<ONNX_NAMESPACE::OpSchema> ContribAttentionRules();
std::vector<ONNX_NAMESPACE::OpSchema> ContribNormRules();
std::vector<ONNX_NAMESPACE::OpSchema> ContribMiscRules();
std::vector<ONNX_NAMESPACE::OpSchema> ContribQuantizedRules();
std::vector<ONNX_NAMESPACE::OpSchema> ContribMoERules();

}  // namespace wsest::ops
