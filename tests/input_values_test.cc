// Values of graph inputs given at estimate time (ModelOptions::input_values, the CLI's --value;
// src/input_binding.h): what ORT reads from a fed tensor on the CPU, a Reshape target, an If's
// condition, TopK's K, settles shapes and kernels here too. Each figure is worked out by hand.
#include <gtest/gtest.h>

#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/model.h"
#include "wsest/target.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
using testing::RunWsest;
constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kInt64 = onnx::TensorProto::INT64;
constexpr int kInt32 = onnx::TensorProto::INT32;
constexpr int kBool = onnx::TensorProto::BOOL;

std::vector<int64_t> Dims(const TensorInfo& t) {
  std::vector<int64_t> out;
  for (const auto& d : t.dims) out.push_back(d.known() ? d.value : -1);
  return out;
}

const NodeView* Find(const Model& model, const std::string& name) {
  for (const auto& n : model.nodes())
    if (n.name == name) return &n;
  return nullptr;
}

Result<Model> Load(const GraphBuilder& g, const std::map<std::string, std::vector<int64_t>>& values) {
  ModelOptions options;
  options.input_values = values;
  return Model::FromBytes(g.Serialize(), "m.onnx", options);
}

TEST(InputValues, ReshapeTargetFedAsAnInput) {
  // x [2, 3, 4] reshaped by the fed target [4, -1, 2]: the -1 is 24 / (4 * 2) = 3, so y is [4, 3, 2].
  GraphBuilder g(/*opset=*/13);
  g.Input("x", kFloat, {2, 3, 4}).Input("target", kInt64, {3}).Output("y");
  g.Node("Reshape", {"x", "target"}, {"r"}, "reshape");
  g.Node("Relu", {"r"}, {"y"}, "relu");
  auto blind = Load(g, {});
  ASSERT_TRUE(blind.ok()) << blind.error().message;
  EXPECT_NE(Dims(Find(*blind, "relu")->outputs[0]), (std::vector<int64_t>{4, 3, 2}));
  auto model = Load(g, {{"target", {4, -1, 2}}});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(Dims(Find(*model, "relu")->outputs[0]), (std::vector<int64_t>{4, 3, 2}));
  const TensorInfo& fed = Find(*model, "reshape")->inputs[1];
  ASSERT_TRUE(fed.int_values.has_value());
  EXPECT_EQ(*fed.int_values, (std::vector<int64_t>{4, -1, 2}));
}

// y = If(sr == 16000) { Softmax(x, axis 1) } else { Relu(Reshape(x, [6, 4])) }, x float [2, 3, 4]:
// Silero VAD's shape, an If on its sample rate whose branches give different shapes.
GraphBuilder SampleRateIf() {
  GraphBuilder g(/*opset=*/13);
  g.Input("x", kFloat, {2, 3, 4}).Input("sr", kInt64, {}).Output("y");
  g.Int64Constant("rate", {16000});
  g.proto().mutable_graph()->mutable_initializer(0)->clear_dims();  // a 0-D rate
  g.Node("Equal", {"sr", "rate"}, {"is_16k"}, "equal");
  onnx::NodeProto* node = g.Node("If", {"is_16k"}, {"y"}, "if").proto();
  auto body = [&](const char* attribute) {
    onnx::AttributeProto* a = node->add_attribute();
    a->set_name(attribute);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* b = a->mutable_g();
    b->set_name(attribute);
    return b;
  };
  onnx::GraphProto* then_branch = body("then_branch");
  onnx::NodeProto* sm = then_branch->add_node();
  sm->set_op_type("Softmax");
  sm->set_name("sm");
  sm->add_input("x");
  sm->add_output("t");
  onnx::AttributeProto* axis = sm->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  then_branch->add_output()->set_name("t");
  onnx::GraphProto* else_branch = body("else_branch");
  onnx::TensorProto* shape = else_branch->add_initializer();
  shape->set_name("six_by_four");
  shape->set_data_type(kInt64);
  shape->add_dims(2);
  shape->add_int64_data(6);
  shape->add_int64_data(4);
  onnx::NodeProto* reshape = else_branch->add_node();
  reshape->set_op_type("Reshape");
  reshape->set_name("flat");
  reshape->add_input("x");
  reshape->add_input("six_by_four");
  reshape->add_output("f");
  onnx::NodeProto* relu = else_branch->add_node();
  relu->set_op_type("Relu");
  relu->set_name("act");
  relu->add_input("f");
  relu->add_output("e");
  else_branch->add_output()->set_name("e");
  return g;
}

TEST(InputValues, AnIfOnAFedValueRunsOneBranch) {
  // Softmax over axis 1 of float [2, 3, 4] at opset 13 transposes in and out (softmax.cc): two
  // copies of 24 floats, 2 * 96 = 192 B; the else branch's Relu and Reshape hold none.
  const GraphBuilder g = SampleRateIf();
  auto blind = Load(g, {});
  ASSERT_TRUE(blind.ok()) << blind.error().message;
  auto estimate = EstimateModel(*blind, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  const Estimate& both = estimate->nodes[1].estimate;
  EXPECT_EQ(both.exactness, Exactness::kUpperBound) << both.reason;
  EXPECT_EQ(both.workspace_bytes(), 192u);
  // The report says which value would settle it: sr, through Equal (a Shape's input would not count).
  EXPECT_NE(both.reason.find("(which branch runs depends on the value of graph input 'sr': --value sr=... settles "
                             "it)"),
            std::string::npos)
      << both.reason;
  EXPECT_EQ(estimate->summary.value_inputs, std::vector<std::string>{"sr"});
  EXPECT_FALSE(Find(*blind, "if")->outputs[0].has_shape && Dims(Find(*blind, "if")->outputs[0]).size() == 3);

  for (const auto& [rate, bytes, dims] :
       {std::tuple<int64_t, uint64_t, std::vector<int64_t>>{16000, 192, {2, 3, 4}}, {8000, 0, {6, 4}}}) {
    auto model = Load(g, {{"sr", {rate}}});
    ASSERT_TRUE(model.ok()) << model.error().message;
    EXPECT_EQ(Dims(Find(*model, "if")->outputs[0]), dims) << rate;
    auto one = EstimateModel(*model, DefaultTarget());
    ASSERT_TRUE(one.ok()) << one.error().message;
    const Estimate& e = one->nodes[1].estimate;
    EXPECT_EQ(e.exactness, Exactness::kExact) << rate << ": " << e.reason;
    EXPECT_EQ(e.workspace_bytes(), bytes) << rate;
    EXPECT_TRUE(one->summary.value_inputs.empty());
  }
}

TEST(InputValues, TopKReadsItsKFromTheFedTensor) {
  // TopK over 10000 elements: above 4096 (topk_impl.cuh, 256 threads * 16) the kernel depends on K.
  // K = 10 <= 4096 takes the radix select, exact 0 B; the values are [8, 10].
  GraphBuilder g(/*opset=*/11);
  g.Input("x", kFloat, {8, 10000}).Input("k", kInt64, {1}).Output("v").Output("i");
  g.Node("TopK", {"x", "k"}, {"v", "i"}, "topk");
  auto blind = Load(g, {});
  ASSERT_TRUE(blind.ok()) << blind.error().message;
  auto unknown_k = EstimateModel(*blind, DefaultTarget());
  ASSERT_TRUE(unknown_k.ok());
  EXPECT_NE(unknown_k->nodes[0].estimate.variant, "radix_select");

  auto model = Load(g, {{"k", {10}}});
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(Dims(Find(*model, "topk")->outputs[0]), (std::vector<int64_t>{8, 10}));
  auto known_k = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(known_k.ok());
  const Estimate& e = known_k->nodes[0].estimate;
  EXPECT_EQ(e.variant, "radix_select") << e.reason;
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(InputValues, EachMistakeNamesTheInputAndTheCause) {
  GraphBuilder g(/*opset=*/13);
  g.Input("x", kFloat, {2, "n"}).Input("flag", kBool, {}).Input("count", kInt32, {2}).Output("y");
  g.Input("open", kInt64, {"n"});
  g.Node("Relu", {"x"}, {"y"}, "relu");
  auto error = [&](std::map<std::string, std::vector<int64_t>> values) {
    ModelOptions options;
    options.input_values = std::move(values);
    options.dims["n"] = 3;
    auto m = Model::FromBytes(g.Serialize(), "m.onnx", options);
    return m.ok() ? std::string("(loaded)") : m.error().message;
  };
  EXPECT_EQ(error({{"cuont", {1, 2}}}),
            "--value cuont: m.onnx has no graph input named 'cuont'; did you mean 'count'?");
  EXPECT_EQ(error({{"x", {1, 2, 3, 4, 5, 6}}}),
            "--value x: the input's elements are float; only integer and bool inputs take values (what decides "
            "shapes and branches)");
  EXPECT_EQ(error({{"count", {1, 2, 3}}}), "--value count: 3 value(s) given, but its shape [2] holds 2");
  EXPECT_EQ(error({{"flag", {2}}}), "--value flag: 2 is out of range for its elements (bool: 0 .. 1)");
  EXPECT_EQ(error({{"count", {1, 2147483648}}}),
            "--value count: 2147483648 is out of range for its elements (int32: -2147483648 .. 2147483647)");
  EXPECT_EQ(error({{"flag", {1}}, {"count", {7, -7}}, {"open", {1, 2, 3}}}), "(loaded)");

  ModelOptions unbound;
  unbound.allow_symbolic = true;
  unbound.input_values["open"] = {1, 2, 3};
  auto m = Model::FromBytes(g.Serialize(), "m.onnx", unbound);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message,
            "--value open: the input's shape [n] is not fully known; give it with --input open=d0,d1,... or --dim");
}

TEST(InputValues, TheCliTakesValuesAndRefusesWhatIsNotAnInteger) {
  const GraphBuilder g = SampleRateIf();
  const std::string path = g.SaveTo(testing::TempDir("input_values") + "/m.onnx");
  auto bad = RunWsest({path, "--value", "sr=16k"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "wsest: error: --value 'sr=16k': '16k' is not a 64-bit integer\n");
  auto twice = RunWsest({path, "--value", "sr=16000", "--value", "sr=8000"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_EQ(twice.err, "wsest: error: --value 'sr=8000': input 'sr' has a value already; give one\n");
  auto blind = RunWsest({path});
  EXPECT_EQ(blind.exit_code, 0) << blind.err;
  EXPECT_NE(blind.out.find("  run time:     an If's branch or a Loop's trip count depends on the value of 'sr': "
                           "--value sr=... settles it\n"),
            std::string::npos)
      << blind.out;
  auto ok = RunWsest({path, "--value", "sr=8000", "--node", "if"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("output 0:  y float [6, 4]"), std::string::npos) << ok.out;
  // --node shows the values known before the run: 8000 == 16000 is false.
  EXPECT_NE(ok.out.find("input 0:   is_16k bool [] = 0\n"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("exactness: exact"), std::string::npos) << ok.out;
}

}  // namespace
}  // namespace wsest
