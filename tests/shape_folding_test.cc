// Shape computations folded with the bound dims (src/shape_folding.cc): the exporter patterns onnx
// 1.12's inference stops at, each shape worked out by hand, and the reason a lost shape gives.
#include "src/shape_folding.h"

#include <gtest/gtest.h>

#include "src/node_folding.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/target.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

std::vector<int64_t> Dims(const TensorInfo& t) {
  std::vector<int64_t> out;
  for (const auto& d : t.dims) out.push_back(d.value);
  return out;
}

const TensorInfo* Output(const Model& model, const std::string& node_name) {
  for (const auto& n : model.nodes())
    if (n.name == node_name) return &n.outputs[0];
  return nullptr;
}

TEST(ShapeFolding, Paddle2OnnxReshapeOfSliceOneOfShape) {
  // paddle2onnx at opset 9: Reshape(x, Concat(Slice-1(Shape(t), starts=[0], ends=[2]), [-1])).
  // Shape(x) = [8, 120, 1, 40]; the slice keeps [8, 120]; the target [8, 120, -1] gives
  // 8*120*1*40 / (8*120) = 40 for the -1: [8, 120, 40].
  GraphBuilder g(/*opset=*/9, /*ir_version=*/4);
  g.Input("x", kFloat, {8, 120, 1, 40}).Output("y");
  g.Int64Constant("minus_one", {-1});
  g.Node("Shape", {"x"}, {"s"}, "shape");
  g.Node("Slice", {"s"}, {"head"}, "slice")
      .Attr("starts", std::vector<int64_t>{0})
      .Attr("ends", std::vector<int64_t>{2});
  g.Node("Concat", {"head", "minus_one"}, {"target"}, "concat").Attr("axis", 0);
  g.Node("Reshape", {"x", "target"}, {"r"}, "reshape");
  g.Node("Relu", {"r"}, {"y"}, "relu");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorInfo* y = Output(*model, "relu");
  ASSERT_NE(y, nullptr);
  ASSERT_TRUE(y->has_shape);
  EXPECT_EQ(Dims(*y), (std::vector<int64_t>{8, 120, 40}));
  const TensorInfo* target = Output(*model, "concat");
  ASSERT_TRUE(target->int_values.has_value());
  EXPECT_EQ(*target->int_values, (std::vector<int64_t>{8, 120, -1}));
}

TEST(ShapeFolding, ArithmeticOnGatheredDimsFeedsExpand) {
  // Expand(x, Concat(Unsqueeze(Gather(Shape(z), 0) * 2), [5])): z is [3, 7], so the target is
  // [3*2, 5] = [6, 5]; x [1, 5] expands to [6, 5].
  GraphBuilder g(/*opset=*/11, /*ir_version=*/6);
  g.Input("x", kFloat, {1, 5}).Input("z", kFloat, {3, 7}).Output("y");
  g.Int64Constant("zero", {0});
  g.proto().mutable_graph()->mutable_initializer(0)->clear_dims();  // a 0-D index
  g.Int64Constant("two", {2});
  g.Int64Constant("five", {5});
  g.Node("Shape", {"z"}, {"s"}, "shape");
  g.Node("Gather", {"s", "zero"}, {"rows"}, "gather").Attr("axis", 0);
  g.Node("Unsqueeze", {"rows"}, {"rows1"}, "unsqueeze").Attr("axes", std::vector<int64_t>{0});
  g.Node("Mul", {"rows1", "two"}, {"doubled"}, "mul");
  g.Node("Concat", {"doubled", "five"}, {"target"}, "concat").Attr("axis", 0);
  g.Node("Expand", {"x", "target"}, {"y"}, "expand");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorInfo* y = Output(*model, "expand");
  ASSERT_TRUE(y->has_shape);
  EXPECT_EQ(Dims(*y), (std::vector<int64_t>{6, 5}));
}

TEST(ShapeFolding, TorchPadReversesItsPadsAsAMatrix) {
  // torch.onnx's F.pad (symbolic_opset11 pad): the per-dim [begin, end] pairs, last dim first, are
  // reshaped to [-1, 2], reversed along axis 0, transposed and flattened into ONNX's order (every
  // begin, then every end). x [2, 3, 4, 5]; torch pads (1, 2) on the last dim and (3, 4) on the one
  // before: the pairs [1, 2, 3, 4, 0, 0, 0, 0] become [[1, 2], [3, 4], [0, 0], [0, 0]], reversed
  // [[0, 0], [0, 0], [3, 4], [1, 2]], transposed [[0, 0, 3, 1], [0, 0, 4, 2]]: pads
  // [0, 0, 3, 1, 0, 0, 4, 2]. Output [2, 3, 4+3+4, 5+1+2] = [2, 3, 11, 8].
  GraphBuilder g(/*opset=*/13, /*ir_version=*/7);
  g.Input("x", kFloat, {2, 3, 4, 5}).Output("y");
  g.Int64Constant("pairs", {1, 2, 3, 4});
  g.Int64Constant("zeros", {0, 0, 0, 0});
  g.Int64Constant("matrix", {-1, 2});
  g.Int64Constant("last", {-1});
  g.Int64Constant("before_first", {-9223372036854775807});
  g.Int64Constant("axis0", {0});
  g.Int64Constant("flat", {-1});
  g.Node("Concat", {"pairs", "zeros"}, {"all_pairs"}, "concat").Attr("axis", 0);
  g.Node("Reshape", {"all_pairs", "matrix"}, {"m"}, "to_matrix");
  g.Node("Slice", {"m", "last", "before_first", "axis0", "last"}, {"reversed"}, "reverse");
  g.Node("Transpose", {"reversed"}, {"t"}, "transpose").Attr("perm", std::vector<int64_t>{1, 0});
  g.Node("Reshape", {"t", "flat"}, {"pads"}, "flatten");
  g.Node("Pad", {"x", "pads"}, {"y"}, "pad");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorInfo* pads = Output(*model, "flatten");
  ASSERT_TRUE(pads->int_values.has_value());
  EXPECT_EQ(*pads->int_values, (std::vector<int64_t>{0, 0, 3, 1, 0, 0, 4, 2}));
  const TensorInfo* y = Output(*model, "pad");
  ASSERT_TRUE(y->has_shape);
  EXPECT_EQ(Dims(*y), (std::vector<int64_t>{2, 3, 11, 8}));
}

TEST(ShapeFolding, FoldNodeMovesMatricesAndRefusesArithmeticOnThem) {
  // A [2, 3] value 0..5: Transpose gives [3, 2] = 0 3 1 4 2 5; Slice on axis 1, step -1 of the
  // original gives 2 1 0 5 4 3; Reshape [3, -1] keeps the order as [3, 2]. Add and Concat, which
  // would need the value's shape, fold nothing.
  FoldedValue m{false, {}, {2, 3}};
  for (int64_t i = 0; i < 6; ++i) m.elements.push_back(FoldedElement::Known(i));
  auto values = [](const FoldedValue& v) {
    std::vector<int64_t> out;
    for (const auto& e : v.elements) out.push_back(e.value.value_or(-99));
    return out;
  };
  onnx::NodeProto transpose;
  transpose.set_op_type("Transpose");
  transpose.add_input("m");
  transpose.add_output("t");
  std::vector<std::optional<FoldedValue>> out;
  FoldNode(transpose, 13, {&m}, {nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(values(*out[0]), (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(out[0]->dims, (std::vector<int64_t>{3, 2}));

  onnx::NodeProto slice;
  slice.set_op_type("Slice");
  for (const char* in : {"m", "start", "end", "axes", "steps"}) slice.add_input(in);
  slice.add_output("s");
  const FoldedValue start{false, {FoldedElement::Known(-1)}, {}}, end{false, {FoldedElement::Known(-100)}, {}};
  const FoldedValue axes{false, {FoldedElement::Known(1)}, {}}, steps{false, {FoldedElement::Known(-1)}, {}};
  FoldNode(slice, 13, {&m, &start, &end, &axes, &steps}, {nullptr, nullptr, nullptr, nullptr, nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(values(*out[0]), (std::vector<int64_t>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(out[0]->dims, (std::vector<int64_t>{2, 3}));

  onnx::NodeProto reshape;
  reshape.set_op_type("Reshape");
  reshape.add_input("m");
  reshape.add_input("shape");
  reshape.add_output("r");
  const FoldedValue shape{false, {FoldedElement::Known(3), FoldedElement::Known(-1)}, {}};
  FoldNode(reshape, 13, {&m, &shape}, {nullptr, nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(values(*out[0]), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(out[0]->dims, (std::vector<int64_t>{3, 2}));

  for (const char* op : {"Add", "Concat"}) {
    onnx::NodeProto n;
    n.set_op_type(op);
    n.add_input("m");
    n.add_input("m");
    n.add_output("o");
    FoldNode(n, 13, {&m, &m}, {nullptr, nullptr}, &out);
    EXPECT_FALSE(out[0].has_value()) << op;
  }
}

TEST(ShapeFolding, FoldNodeCastToBoolAndNotGiveTruthValues) {
  // torch's `if state.shape[0]:` casts a dim to bool: 0 stays 0, 3 becomes 1, an unknown stays unknown.
  const FoldedValue dims{false, {FoldedElement::Known(0), FoldedElement::Known(3), FoldedElement{}}, {}};
  onnx::NodeProto cast;
  cast.set_op_type("Cast");
  cast.add_input("d");
  cast.add_output("b");
  auto* to = cast.add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::BOOL);
  std::vector<std::optional<FoldedValue>> out;
  FoldNode(cast, 13, {&dims}, {nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  ASSERT_EQ(out[0]->elements.size(), 3u);
  EXPECT_EQ(out[0]->elements[0].value, 0);
  EXPECT_EQ(out[0]->elements[1].value, 1);
  EXPECT_FALSE(out[0]->elements[2].known());
  const FoldedValue truth = *out[0];
  onnx::NodeProto negate;
  negate.set_op_type("Not");
  negate.add_input("b");
  negate.add_output("n");
  FoldNode(negate, 13, {&truth}, {nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(out[0]->elements[0].value, 1);
  EXPECT_EQ(out[0]->elements[1].value, 0);
  EXPECT_FALSE(out[0]->elements[2].known());
}

TEST(ShapeFolding, FoldNodeSliceTenNegativeStepAndGatherNegativeIndex) {
  onnx::NodeProto slice;
  slice.set_op_type("Slice");
  for (int i = 0; i < 5; ++i) slice.add_input(i == 0 ? "data" : "arg" + std::to_string(i));
  slice.add_output("out");
  auto ints = [](std::vector<int64_t> v) {
    FoldedValue f;
    for (int64_t x : v) f.elements.push_back(FoldedElement::Known(x));
    return f;
  };
  const FoldedValue data = ints({10, 20, 30, 40});
  const FoldedValue starts = ints({-1}), ends = ints({0}), axes = ints({0}), steps = ints({-2});
  std::vector<std::optional<FoldedValue>> out;
  // From index 3 down to (not including) 0 by 2: indices 3, 1 -> [40, 20].
  FoldNode(slice, 13, {&data, &starts, &ends, &axes, &steps}, {nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  ASSERT_EQ(out[0]->elements.size(), 2u);
  EXPECT_EQ(*out[0]->elements[0].value, 40);
  EXPECT_EQ(*out[0]->elements[1].value, 20);

  onnx::NodeProto gather;
  gather.set_op_type("Gather");
  gather.add_input("data");
  gather.add_input("idx");
  gather.add_output("out");
  FoldedValue idx = ints({-3});
  idx.scalar = true;
  // Index -3 of 4 elements is 1: the scalar 20.
  FoldNode(gather, 13, {&data, &idx}, {nullptr, nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_TRUE(out[0]->scalar);
  EXPECT_EQ(*out[0]->elements[0].value, 20);
}

TEST(ShapeFolding, SymbolsCarryThroughMovesAndIdentityArithmetic) {
  onnx::NodeProto mul;
  mul.set_op_type("Mul");
  mul.add_input("a");
  mul.add_input("b");
  mul.add_output("out");
  FoldedValue a;
  a.elements = {FoldedElement::Symbolic("batch"), FoldedElement::Known(4)};
  FoldedValue one;
  one.scalar = true;
  one.elements = {FoldedElement::Known(1)};
  FoldedValue three = one;
  three.elements[0] = FoldedElement::Known(3);
  std::vector<std::optional<FoldedValue>> out;
  FoldNode(mul, 13, {&a, &one}, {nullptr, nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_EQ(out[0]->elements[0].symbol, "batch");  // batch * 1 is batch
  EXPECT_EQ(*out[0]->elements[1].value, 4);
  FoldNode(mul, 13, {&a, &three}, {nullptr, nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  EXPECT_FALSE(out[0]->elements[0].known());  // batch * 3 has no name
  EXPECT_TRUE(out[0]->elements[0].symbol.empty());
  EXPECT_EQ(*out[0]->elements[1].value, 12);
}

TEST(ShapeFolding, RangeCountsAsTheSpecSays) {
  onnx::NodeProto range;
  range.set_op_type("Range");
  for (const char* n : {"start", "limit", "delta"}) range.add_input(n);
  range.add_output("out");
  auto scalar = [](int64_t v) { return FoldedValue{true, {FoldedElement::Known(v)}, {}}; };
  const FoldedValue start = scalar(1), limit = scalar(8), delta = scalar(3);
  std::vector<std::optional<FoldedValue>> out;
  // ceil((8 - 1) / 3) = 3 elements: 1, 4, 7.
  FoldNode(range, 11, {&start, &limit, &delta}, {nullptr, nullptr, nullptr}, &out);
  ASSERT_TRUE(out[0].has_value());
  ASSERT_EQ(out[0]->elements.size(), 3u);
  EXPECT_EQ(*out[0]->elements[2].value, 7);
}

TEST(ShapeFolding, LostShapeNamesTheFirstNodeThatLostItAndHidesInventedDims) {
  // NonZero's output is [2, unknown]: onnx calls the unknown dim unk__N, which no --dim can bind.
  // The ReduceMean two nodes later cannot be estimated; its reason names NonZero 'nz'.
  GraphBuilder g;
  g.Input("x", kFloat, {4, 4}).Output("y");
  g.Node("NonZero", {"x"}, {"idx"}, "nz");
  g.Node("Cast", {"idx"}, {"f"}, "cast").Attr("to", static_cast<int64_t>(kFloat));
  g.Node("Transpose", {"f"}, {"t"}, "transpose");
  g.Node("ReduceMean", {"t"}, {"y"}, "mean").Attr("axes", std::vector<int64_t>{-1});
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorInfo* idx = Output(*model, "nz");
  ASSERT_TRUE(idx->has_shape);
  ASSERT_EQ(idx->dims.size(), 2u);
  EXPECT_EQ(idx->dims[0].value, 2);
  EXPECT_FALSE(idx->dims[1].known());
  EXPECT_EQ(idx->dims[1].symbol, "");  // not unk__0
  EXPECT_EQ(idx->shape_lost_at, "NonZero 'nz'");
  EXPECT_EQ(Output(*model, "transpose")->shape_lost_at, "NonZero 'nz'");
  // The ReduceMean reads [unknown, 2]: its cuDNN or matrix path depends on the unknown dim, so it is
  // unknown, and its reason says where to look.
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const Estimate& mean = estimate->nodes.back().estimate;
  EXPECT_FALSE(mean.known());
  EXPECT_NE(mean.reason.find("(the shape of 't' was lost at NonZero 'nz')"), std::string::npos) << mean.reason;
}

TEST(ShapeFolding, InventedDimsAreHiddenInsideBodiesToo) {
  // The same NonZero inside an If's then_branch: the body's [2, unk__N] is shown [2, ?], as in the
  // main graph (Silero's stft Conv said "dim 0 'unk__0'", a name no --dim binds).
  GraphBuilder g;
  g.Input("x", kFloat, {4, 4}).Input("cond", onnx::TensorProto::BOOL, {}).Output("y");
  onnx::NodeProto* node = g.Node("If", {"cond"}, {"y"}, "if").proto();
  for (const char* attribute : {"then_branch", "else_branch"}) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(attribute);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* body = a->mutable_g();
    body->set_name(attribute);
    onnx::NodeProto* nz = body->add_node();
    nz->set_op_type("NonZero");
    nz->set_name(std::string(attribute) + "_nz");
    nz->add_input("x");
    nz->add_output(std::string(attribute) + "_idx");
    body->add_output()->set_name(std::string(attribute) + "_idx");
  }
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const NodeView& if_node = model->nodes().back();
  ASSERT_EQ(if_node.subgraphs.size(), 2u);
  const TensorInfo& idx = if_node.subgraphs[0].nodes[0].outputs[0];
  ASSERT_TRUE(idx.has_shape);
  ASSERT_EQ(idx.dims.size(), 2u);
  EXPECT_EQ(idx.dims[0].value, 2);
  EXPECT_FALSE(idx.dims[1].known());
  EXPECT_EQ(idx.dims[1].symbol, "");  // not unk__N
}

}  // namespace
}  // namespace wsest

namespace wsest {
namespace {

TEST(ShapeFolding, SymbolicBatchCarriesThroughThePaddlePattern) {
  // As in the first case, with batch left symbolic (--allow-symbolic): Shape(x) = [batch, 120, 1, 40],
  // the target [batch, 120, -1], so the reshaped tensor is [batch, 120, 40] with batch still named.
  // The re-run of onnx's inference once failed here ("Data for input 0 already exists").
  GraphBuilder g(/*opset=*/9, /*ir_version=*/4);
  g.Input("x", kFloat, {"batch", 120, 1, 40}).Output("y");
  g.Int64Constant("minus_one", {-1});
  g.Node("Shape", {"x"}, {"s"}, "shape");
  g.Node("Slice", {"s"}, {"head"}, "slice")
      .Attr("starts", std::vector<int64_t>{0})
      .Attr("ends", std::vector<int64_t>{2});
  g.Node("Concat", {"head", "minus_one"}, {"target"}, "concat").Attr("axis", 0);
  g.Node("Reshape", {"x", "target"}, {"y"}, "reshape");
  ModelOptions options;
  options.allow_symbolic = true;
  auto model = Model::FromBytes(g.Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorInfo* y = Output(*model, "reshape");
  ASSERT_TRUE(y->has_shape);
  ASSERT_EQ(y->dims.size(), 3u);
  EXPECT_EQ(y->dims[0].symbol, "batch");
  EXPECT_EQ(y->dims[1].value, 120);
  EXPECT_EQ(y->dims[2].value, 40);
}

}  // namespace
}  // namespace wsest

namespace wsest {
namespace {

TEST(ShapeFolding, IrThreeFileFoldsToo) {
  // An IR 3 file lists its initializers as graph inputs; the initializers folding adds are not, and
  // onnx 1.12 reads them all the same: [2, 3, 4] reshaped to [Shape(x)[0], -1] = [2, 12].
  GraphBuilder g(/*opset=*/9, /*ir_version=*/3);
  g.Input("x", kFloat, {2, 3, 4}).Input("minus_one", onnx::TensorProto::INT64, {1}).Output("y");
  g.Int64Constant("minus_one", {-1});
  g.Node("Shape", {"x"}, {"s"}, "shape");
  g.Node("Slice", {"s"}, {"head"}, "slice")
      .Attr("starts", std::vector<int64_t>{0})
      .Attr("ends", std::vector<int64_t>{1});
  g.Node("Concat", {"head", "minus_one"}, {"target"}, "concat").Attr("axis", 0);
  g.Node("Reshape", {"x", "target"}, {"y"}, "reshape");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorInfo* y = Output(*model, "reshape");
  ASSERT_TRUE(y->has_shape);
  EXPECT_EQ(Dims(*y), (std::vector<int64_t>{2, 12}));
}

}  // namespace
}  // namespace wsest
