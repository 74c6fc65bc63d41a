// Loading, dim binding, shape inference and the structural errors of issue 3, each with its
// message. Graphs are built in a few lines with tests/test_graph.h.
#include <gtest/gtest.h>

#include <algorithm>

#include <map>
#include <set>

#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kFloat16 = onnx::TensorProto::FLOAT16;

std::vector<int64_t> Dims(const TensorInfo& t) {
  std::vector<int64_t> out;
  for (const auto& d : t.dims) out.push_back(d.value);
  return out;
}

GraphBuilder ReluModel() {
  GraphBuilder g;
  g.Input("x", kFloat, {"batch", 3}).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "relu");
  return g;
}

TEST(ModelLoad, BindsSymbolicDimsAndInfersShapes) {
  ModelOptions options;
  options.dims["batch"] = 4;
  auto model = Model::FromBytes(ReluModel().Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->nodes().size(), 1u);
  // Relu keeps its input's shape: [batch=4, 3].
  EXPECT_EQ(Dims(model->nodes()[0].outputs[0]), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(model->nodes()[0].outputs[0].dtype, DataType::kFloat);
  EXPECT_EQ(model->symbolic_dims(), std::vector<std::string>{"batch"});
}

TEST(ModelLoad, RebindReusesTheParsedGraph) {
  ModelOptions options;
  options.dims["batch"] = 4;
  auto model = Model::FromBytes(ReluModel().Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok());
  options.dims["batch"] = 9;
  auto rebound = model->Rebind(options);
  ASSERT_TRUE(rebound.ok()) << rebound.error().message;
  EXPECT_EQ(Dims(rebound->nodes()[0].outputs[0]), (std::vector<int64_t>{9, 3}));
  EXPECT_EQ(Dims(model->nodes()[0].outputs[0]), (std::vector<int64_t>{4, 3}));
}

TEST(ModelLoad, UnboundSymbolicDimNamesTheNodeTheDimAndTheFlag) {
  auto model = Model::FromBytes(ReluModel().Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(model.error().message,
            "m.onnx: Relu 'relu': input 'x' dim 0 is the symbolic dim 'batch', which has no value; "
            "bind it with --dim batch=VALUE (or give the shape: --input x=VALUE,3)");
}

TEST(ModelLoad, AllowSymbolicKeepsTheSymbol) {
  ModelOptions options;
  options.allow_symbolic = true;
  auto model = Model::FromBytes(ReluModel().Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto& y = model->nodes()[0].outputs[0];
  ASSERT_EQ(y.dims.size(), 2u);
  EXPECT_FALSE(y.dims[0].known());
  EXPECT_EQ(y.dims[0].symbol, "batch");
  EXPECT_EQ(y.dims[1].value, 3);
}

TEST(ModelLoad, DimThatTheModelDoesNotHaveIsAnErrorWithSuggestion) {
  ModelOptions options;
  options.dims["btach"] = 4;
  auto model = Model::FromBytes(ReluModel().Serialize(), "m.onnx", options);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(model.error().message,
            "--dim btach: m.onnx has no symbolic dim named 'btach'; did you mean 'batch'?; its symbolic dims are: batch");
}

TEST(ModelLoad, InputShapeForAnInputDeclaredWithoutOne) {
  GraphBuilder g;
  g.InputNoShape("x", kFloat).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "relu");
  auto unshaped = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(unshaped.ok());
  EXPECT_EQ(unshaped.error().message,
            "m.onnx: Relu 'relu': graph input 'x' has no shape; give it with --input x=d0,d1,...");
  ModelOptions options;
  options.input_shapes["x"] = {2, 5, 7};
  auto model = Model::FromBytes(g.Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(Dims(model->nodes()[0].outputs[0]), (std::vector<int64_t>{2, 5, 7}));
}

TEST(ModelLoad, NegativeDimIsAnError) {
  GraphBuilder g;
  g.Input("x", kFloat, {2, -3}).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "relu");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(model.error().message, "m.onnx: graph input 'x' dim 1 is negative (-3)");
}

TEST(ModelLoad, CycleIsAnErrorNamingANodeOnIt) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("c");
  g.Node("Add", {"x", "b"}, {"a"}, "first");
  g.Node("Relu", {"a"}, {"b"}, "second");
  g.Node("Relu", {"a"}, {"c"}, "third");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(model.error().message, "m.onnx: the graph has a cycle through Add 'first'");
}

// A node that reads its own output is a cycle of one (ORT's graph resolve refuses it too).
TEST(ModelLoad, NodeReadingItsOwnOutputIsACycle) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Add", {"x", "y"}, {"y"}, "first");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, "m.onnx: the graph has a cycle through Add 'first'");
}

TEST(ModelLoad, MissingRequiredInputIsAnError) {
  GraphBuilder g;
  g.Input("a", kFloat, {2, 3}).Output("y");
  g.Node("Gemm", {"a"}, {"y"}, "fc");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, "m.onnx: Gemm 'fc': required input 1 ('B') is missing");
}

TEST(ModelLoad, InputNothingProducesIsAnError) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Add", {"x", "ghost"}, {"y"});
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message,
            "m.onnx: Add node #0 (unnamed): input 'ghost' is not produced by any node, initializer or graph input");
}

TEST(ModelLoad, DuplicateOutputNameIsAnError) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "one");
  g.Node("Neg", {"x"}, {"y"}, "two");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, "m.onnx: Neg 'two': output 'y' is also produced by Relu 'one'");
}

TEST(ModelLoad, EmptyBytesAreNotAModel) {
  auto model = Model::FromBytes("", "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, "m.onnx: the file is empty, not an ONNX model");
}

TEST(ModelLoad, TextIsNotAModel) {
  auto model = Model::FromBytes("this is not a protobuf\n", "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(model.error().message.find("m.onnx: not"), std::string::npos) << model.error().message;
}

TEST(ModelLoad, EveryEighthTruncationIsAnErrorNotACrash) {
  GraphBuilder g;
  g.Input("x", kFloat, {"batch", 64}).Output("y");
  g.Weight("w", kFloat, {64, 32});
  g.Node("MatMul", {"x", "w"}, {"h"}, "fc");
  g.Node("Relu", {"h"}, {"y"}, "act");
  const std::string bytes = g.Serialize();
  for (int eighth = 1; eighth < 8; ++eighth) {
    const std::string cut = bytes.substr(0, bytes.size() * eighth / 8);
    ModelOptions options;
    options.allow_symbolic = true;
    auto model = Model::FromBytes(cut, "m.onnx", options);
    EXPECT_FALSE(model.ok()) << "truncated at " << eighth << "/8 loaded";
    if (!model.ok()) {
      EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument) << model.error().message;
    }
  }
}

// Tensor ids (Model::TensorIds) are the names' stand-ins in the plan and the arena replay: one id
// per tensor wherever it appears, -1 for an omitted input, the graph's inputs and outputs included.
TEST(ModelLoad, TensorIdsNameEachTensorOnceWhereverItAppears) {
  GraphBuilder g;
  g.Opset("", 13);
  g.Input("x", kFloat, {2, 8}).Output("y").Output("s");
  g.Weight("w", kFloat, {8, 8});
  g.Node("MatMul", {"x", "w"}, {"h"}, "mm");
  g.Node("Relu", {"h"}, {"y"}, "relu");
  // Clip's min omitted (""), its max the same tensor as its input: read twice by one node.
  g.Node("Clip", {"h", "", "h"}, {"c"}, "clip");
  g.Node("Shape", {"c"}, {"s"}, "shape");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const TensorIds& ids = model->tensor_ids();
  const auto& nodes = model->nodes();
  ASSERT_EQ(nodes.size(), 4u);
  ASSERT_EQ(ids.input_begin.size(), 5u);
  ASSERT_EQ(ids.output_begin.size(), 5u);
  // x, w, h, y, c, s: six tensors, each with its own id.
  EXPECT_EQ(ids.count, 6u);
  std::map<std::string, int32_t> id_of;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (size_t k = 0; k < nodes[i].inputs.size(); ++k) {
      const int32_t id = ids.input(i, k);
      if (!nodes[i].inputs[k].present()) {
        EXPECT_EQ(id, -1) << nodes[i].Label() << " input " << k;
        continue;
      }
      auto [it, inserted] = id_of.emplace(nodes[i].inputs[k].name, id);
      EXPECT_EQ(it->second, id) << nodes[i].inputs[k].name;
    }
    for (size_t k = 0; k < nodes[i].outputs.size(); ++k) {
      auto [it, inserted] = id_of.emplace(nodes[i].outputs[k].name, ids.output(i, k));
      EXPECT_EQ(it->second, ids.output(i, k)) << nodes[i].outputs[k].name;
    }
  }
  ASSERT_EQ(id_of.size(), 6u);
  std::set<int32_t> distinct;
  for (const auto& [name, id] : id_of) {
    EXPECT_GE(id, 0) << name;
    EXPECT_LT(id, 6) << name;
    distinct.insert(id);
  }
  EXPECT_EQ(distinct.size(), 6u);
  ASSERT_EQ(ids.graph_inputs.size(), 1u);
  EXPECT_EQ(ids.graph_inputs[0], id_of["x"]);
  ASSERT_EQ(ids.graph_outputs.size(), 2u);
  EXPECT_EQ(ids.graph_outputs[0], id_of["y"]);
  EXPECT_EQ(ids.graph_outputs[1], id_of["s"]);
}

// A Constant inference passes over (no ai.onnx schema at opset 0, so no value_info for its output)
// still gives its output's name to the views: the node that makes it and the node that reads it.
TEST(ModelLoad, AConstantInferenceSkipsKeepsItsOutputsName) {
  GraphBuilder g(/*opset=*/0);
  g.Input("x", kFloat, {6}).Output("y");
  g.Node("Constant", {}, {"c"}, "shape").Attr("value_ints", std::vector<int64_t>{2, 3});
  g.Node("Reshape", {"x", "c"}, {"y"}, "reshape");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->nodes().size(), 2u);
  EXPECT_EQ(model->nodes()[0].outputs[0].name, "c");
  ASSERT_EQ(model->nodes()[1].inputs.size(), 2u);
  EXPECT_EQ(model->nodes()[1].inputs[1].name, "c");
  EXPECT_TRUE(model->nodes()[1].inputs[1].present());
}

// A Constant node's weight loses its payload as an initializer's does (over 1024 elements), and
// keeps its shape; a small Constant keeps its values, which inference reads (Reshape's target).
TEST(ModelLoad, AConstantsLargePayloadIsDroppedAndItsShapeKept) {
  GraphBuilder g;
  g.Input("x", kFloat, {8, 64}).Output("z");
  onnx::AttributeProto* weight = g.Node("Constant", {}, {"w"}, "weight").proto()->add_attribute();
  weight->set_name("value");
  weight->set_type(onnx::AttributeProto::TENSOR);
  weight->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {64, 32}) weight->mutable_t()->add_dims(d);
  for (int i = 0; i < 64 * 32; ++i) weight->mutable_t()->add_float_data(0.5f);
  g.Node("MatMul", {"x", "w"}, {"y"}, "matmul");
  onnx::AttributeProto* target = g.Node("Constant", {}, {"shape"}, "shape").proto()->add_attribute();
  target->set_name("value");
  target->set_type(onnx::AttributeProto::TENSOR);
  target->mutable_t()->set_data_type(onnx::TensorProto::INT64);
  target->mutable_t()->add_dims(2);
  for (int64_t v : {16, 16}) target->mutable_t()->add_int64_data(v);
  g.Node("Reshape", {"y", "shape"}, {"z"}, "reshape");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->nodes().size(), 4u);
  auto node = [&](const std::string& op) {
    auto at = std::find_if(model->nodes().begin(), model->nodes().end(),
                           [&](const NodeView& v) { return v.op_type == op; });
    EXPECT_NE(at, model->nodes().end()) << op;
    return at == model->nodes().end() ? NodeView{} : *at;
  };
  const NodeView matmul = node("MatMul");
  EXPECT_EQ(Dims(matmul.inputs[1]), (std::vector<int64_t>{64, 32}));
  EXPECT_TRUE(matmul.inputs[1].is_initializer);
  EXPECT_EQ(Dims(matmul.outputs[0]), (std::vector<int64_t>{8, 32}));
  const NodeView reshape = node("Reshape");
  EXPECT_EQ(reshape.inputs[1].int_values, (std::vector<int64_t>{16, 16}));
  EXPECT_EQ(Dims(reshape.outputs[0]), (std::vector<int64_t>{16, 16}));  // 8 x 32 = 256 = 16 x 16
}

TEST(ModelLoad, OpsetNewerThanSupportedIsAnError) {
  GraphBuilder g(25);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"});
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, "m.onnx: opset 25 of domain 'ai.onnx' is newer than the newest supported (24)");
}

TEST(ModelLoad, IrVersionNewerThanSupportedIsAnError) {
  GraphBuilder g(17, 99);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Relu", {"x"}, {"y"});
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message, "m.onnx: IR version 99 is newer than the newest supported (11)");
}

TEST(ModelLoad, NodesComeOutInTopologicalOrder) {
  GraphBuilder g;
  g.Input("x", kFloat, {2}).Output("z");
  g.Node("Neg", {"y"}, {"z"}, "second");
  g.Node("Relu", {"x"}, {"y"}, "first");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->nodes()[0].name, "first");
  EXPECT_EQ(model->nodes()[1].name, "second");
}

TEST(ModelLoad, WeightsAreSizedFromDimsAndNeverRead) {
  // weights.bin does not exist: dims and dtype are enough.
  GraphBuilder g;
  g.Input("x", kFloat, {2, 3}).Output("y");
  g.Weight("w", kFloat, {3, 4});
  g.Weight("unused", kFloat16, {10});
  g.Node("MatMul", {"x", "w"}, {"y"}, "fc");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  // float [3, 4]: 12 * 4 = 48; float16 [10]: 10 * 2 = 20; 48 + 20 = 68.
  EXPECT_EQ(model->initializer_bytes(), 68u);
  EXPECT_EQ(Dims(model->nodes()[0].outputs[0]), (std::vector<int64_t>{2, 4}));
  EXPECT_TRUE(model->nodes()[0].inputs[1].is_initializer);
}

TEST(ModelLoad, SmallIntegerConstantsCarryTheirValues) {
  GraphBuilder g;
  g.Input("x", kFloat, {2, 3, 4}).Output("y");
  g.Int64Constant("shape", {6, -1});
  g.Node("Reshape", {"x", "shape"}, {"y"}, "flatten");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto& view = model->nodes()[0];
  ASSERT_TRUE(view.inputs[1].int_values.has_value());
  EXPECT_EQ(*view.inputs[1].int_values, (std::vector<int64_t>{6, -1}));
  // 2*3*4 = 24 elements, 24 / 6 = 4.
  EXPECT_EQ(Dims(view.outputs[0]), (std::vector<int64_t>{6, 4}));
}

TEST(ModelLoad, DataPropagationGivesComputedShapesTheirValues) {
  GraphBuilder g;
  g.Input("x", kFloat, {"batch", 8}).Output("y");
  g.Node("Shape", {"x"}, {"s"}, "shape");
  g.Node("Reshape", {"x", "s"}, {"y"}, "same");
  ModelOptions options;
  options.dims["batch"] = 5;
  auto model = Model::FromBytes(g.Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const auto& reshape = model->nodes()[1];
  ASSERT_TRUE(reshape.inputs[1].int_values.has_value());
  EXPECT_EQ(*reshape.inputs[1].int_values, (std::vector<int64_t>{5, 8}));
  EXPECT_EQ(Dims(reshape.outputs[0]), (std::vector<int64_t>{5, 8}));
}

TEST(ModelEstimate, UnknownOpIsUnknownNeverZero) {
  GraphBuilder g;
  g.Opset("com.example", 1);
  g.Input("x", kFloat, {2}).Output("y");
  g.Node("Mystery", {"x"}, {"y"}, "m", "com.example");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok());
  const auto& e = estimate->nodes[0].estimate;
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_EQ(e.reason, "no estimator for com.example.Mystery at opset 1");
  EXPECT_EQ(estimate->summary.unknown, 1u);
  EXPECT_EQ(estimate->summary.exactness, Exactness::kUnknown);
}

TEST(ModelEstimate, NoScratchKernelIsExactZeroWithItsFileCited) {
  ModelOptions options;
  options.dims["batch"] = 2;
  auto model = Model::FromBytes(ReluModel().Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok());
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok());
  const auto& e = estimate->nodes[0].estimate;
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), std::optional<uint64_t>(0));
  EXPECT_NE(e.reason.find("onnxruntime/core/providers/cuda/activation/activations.cc"), std::string::npos);
  EXPECT_EQ(estimate->summary.estimated, 1u);
  EXPECT_EQ(estimate->summary.exactness, Exactness::kExact);
}

}  // namespace
}  // namespace wsest

namespace wsest {
namespace {

TEST(ModelLoad, ConvTransposeWithWeightOfLowerRankFailsCleanly) {
  // onnx 1.12's ConvTranspose inference indexes W by X's rank; ops/registry.cc guards it.
  testing::GraphBuilder g;
  g.Input("x", onnx::TensorProto::FLOAT, {1, 4, 8, 8}).Output("y");
  g.Weight("w", onnx::TensorProto::FLOAT, {4, 2, 3});
  g.Node("ConvTranspose", {"x", "w"}, {"y"}, "up");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(model.error().message.find("input 0 (X) has rank 4 and input 1 (W) rank 3; expected equal ranks of at "
                                       "least 3"),
            std::string::npos)
      << model.error().message;
}

}  // namespace
}  // namespace wsest

namespace wsest {
namespace {

TEST(ModelLoad, SmallFloatConstantsKeepTheirValuesForInference) {
  // Resize reads its scales initializer during shape inference; a dropped payload used to read as
  // a tensor of size 0 and fail. Scales 1, 1, 2, 2 on [1, 3, 4, 5] give [1, 3, 8, 10].
  testing::GraphBuilder g(13);
  g.Input("x", onnx::TensorProto::FLOAT, {1, 3, 4, 5}).Output("y");
  auto* scales = g.proto().mutable_graph()->add_initializer();
  scales->set_name("scales");
  scales->set_data_type(onnx::TensorProto::FLOAT);
  scales->add_dims(4);
  for (float v : {1.0f, 1.0f, 2.0f, 2.0f}) scales->add_float_data(v);
  g.Node("Resize", {"x", "", "scales"}, {"y"}, "up").Attr("mode", "nearest");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(Dims(model->nodes()[0].outputs[0]), (std::vector<int64_t>{1, 3, 8, 10}));
}

}  // namespace
}  // namespace wsest
