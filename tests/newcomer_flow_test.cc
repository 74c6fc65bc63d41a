// A first run on a model with dynamic dims, as a new user meets it (issue 17): every unbound dim in
// one error with the flags to copy, ORT's max_shape_override syntax, inputs checked against fixed
// dims, the table narrowed with --only, and a summary that groups unknown nodes by cause.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/model.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
using testing::RunWsest;
constexpr int kFloat = onnx::TensorProto::FLOAT;

// A detector-like input: [batch, 3, height, width], three dynamic dims, and a second input.
GraphBuilder Detector() {
  GraphBuilder g;
  g.Input("x", kFloat, {"batch", 3, "height", "width"}).Input("scale", kFloat, {"batch", 1}).Output("y");
  g.Output("z");
  g.Node("Relu", {"x"}, {"y"}, "relu");
  g.Node("Relu", {"scale"}, {"z"}, "relu_scale");
  return g;
}

TEST(NewcomerFlow, AllUnboundDimsInOneErrorWithFlagsToCopy) {
  auto model = Model::FromBytes(Detector().Serialize(), "m.onnx");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(model.error().message,
            "m.onnx: 3 dims have no value: 'batch' (input 'x' dim 0, read first by Relu 'relu'), 'height' (input 'x' "
            "dim 2, read first by Relu 'relu'), 'width' (input 'x' dim 3, read first by Relu 'relu'); bind them with "
            "--dim batch=VALUE --dim height=VALUE --dim width=VALUE (or --input x=VALUE,3,VALUE,VALUE "
            "--input scale=VALUE,1)");
}

TEST(NewcomerFlow, InputThatContradictsAFixedDimIsAnError) {
  ModelOptions options;
  options.input_shapes["x"] = {1, 4, 960, 960};  // the model fixes dim 1 at 3
  options.dims["batch"] = 1;
  auto model = Model::FromBytes(Detector().Serialize(), "m.onnx", options);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().message,
            "m.onnx: --input x: dim 1 is 4, but the model fixes it at 3 (ORT would refuse this input)");
}

TEST(NewcomerFlow, DimBesideInputKnowsTheInputsSymbols) {
  ModelOptions options;
  options.input_shapes["x"] = {2, 3, 64, 32};
  options.dims["batch"] = 2;  // also dim 0 of 'scale'; agrees with --input x
  auto model = Model::FromBytes(Detector().Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->nodes()[1].outputs[0].dims[0].value, 2);

  options.dims["batch"] = 5;  // disagrees with --input x's dim 0
  auto disagree = Model::FromBytes(Detector().Serialize(), "m.onnx", options);
  ASSERT_FALSE(disagree.ok());
  EXPECT_EQ(disagree.error().message, "m.onnx: --input x gives dim 0 = 2, but --dim batch=5");
}

TEST(NewcomerFlow, MaxShapeInOrtSyntaxOnlyUnknownTableAndCauses) {
  GraphBuilder g;
  g.Opset("com.example", 1);
  g.Input("input_ids", kFloat, {"batch", "sequence"}).Input("attention_mask", kFloat, {"batch", "sequence"});
  g.Output("z");
  g.Node("Add", {"input_ids", "attention_mask"}, {"y"}, "add");
  g.Node("Mystery", {"y"}, {"z"}, "custom", "com.example");
  const std::string path = g.SaveTo(testing::TempDir("newcomer_max_shape") + "/m.onnx");
  auto r = RunWsest({path, "--max-shape", "input_ids:[8,4096];attention_mask:[8,4096]", "--only", "unknown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Only the unknown node is listed; the summary still counts both.
  EXPECT_EQ(r.out.find("\nadd "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ncustom "), std::string::npos) << r.out;
  // Both inputs bound to [8, 4096]: input_ids, attention_mask and y live at once, 3 * 8*4096*4 B = 384 KiB.
  EXPECT_NE(r.out.find("    activations:  384.0 KiB\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("custom"), std::string::npos);
  EXPECT_NE(r.out.find("  nodes:        2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  unknown causes:\n    1 no estimator: com.example.Mystery x1\n"), std::string::npos) << r.out;

  auto bad = RunWsest({path, "--max-shape", "input_ids:8,4096"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "wsest: error: --max-shape 'input_ids:8,4096': expected name:[d0,d1,...]\n");
  auto both = RunWsest({path, "--input", "input_ids=8,16", "--max-shape", "input_ids:[8,4096]"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err, "wsest: error: --max-shape: input 'input_ids' also has an --input shape; give one\n");
}

TEST(NewcomerFlow, SummaryWeightsCountConstantNodes) {
  // A Constant of 1000 floats (4000 B = 3.9 KiB) and no initializer: the summary said 0 B.
  GraphBuilder g;
  g.Input("x", kFloat, {1000}).Output("y");
  auto c = g.Node("Constant", {}, {"w"}, "weights");
  auto* value = c.proto()->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_data_type(kFloat);
  value->mutable_t()->add_dims(1000);
  for (int i = 0; i < 1000; ++i) value->mutable_t()->add_float_data(1.0f);
  g.Node("Add", {"x", "w"}, {"y"}, "add");
  const std::string path = g.SaveTo(testing::TempDir("newcomer_weights") + "/m.onnx");
  auto r = RunWsest({path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  weights:      3.9 KiB\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace wsest

namespace wsest {
namespace {

TEST(NewcomerFlow, RangeSummaryCountsTheUpperBoundRows) {
  // ReduceMean over the last axis of [batch, 40, 120] (PaddleOCR's layer norm): its workspace grows
  // with batch, so over batch=1..8 it is labelled upper_bound; the summary must count that row.
  GraphBuilder g(/*opset=*/13);
  g.Input("x", kFloat, {"batch", 40, 120}).Output("y");
  g.Node("ReduceMean", {"x"}, {"y"}, "mean").Attr("axes", std::vector<int64_t>{-1}).Attr("keepdims", 1);
  const std::string path = g.SaveTo(testing::TempDir("newcomer_range") + "/m.onnx");
  auto r = RunWsest({path, "--dim", "batch=1..8", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  size_t rows = 0;
  for (const auto& n : doc["nodes"]) rows += n["exactness"] == "upper_bound" ? 1 : 0;
  EXPECT_EQ(rows, 1u) << r.out;
  EXPECT_EQ(doc["summary"]["upper_bound"], rows);
}

}  // namespace
}  // namespace wsest
