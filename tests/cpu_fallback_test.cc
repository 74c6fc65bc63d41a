// ORT's CPU fallback for shape computations (src/cpu_fallback.h). The same placements were read off
// the 1.29.0 binary on the shadow device for the PaddleOCR models (13 nodes of the recognition model and
// 3 of the classifier moved to the CPU, none of the detection model).
#include "src/cpu_fallback.h"

#include <gtest/gtest.h>

#include "tests/test_graph.h"
#include "wsest/model.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kFloat16 = onnx::TensorProto::FLOAT16;
constexpr int kInt64 = onnx::TensorProto::INT64;

// x -> Shape -> Gather([0]) -> Concat(., [-1]) -> Reshape(x, that): the Gather and the Concat read
// only host tensors and small initializers and move to the CPU; Reshape reads the computed shape
// through its host input and stays.
TEST(CpuFallback, ShapeChainMovesAndReshapeStays) {
  GraphBuilder g;
  g.Input("x", kFloat, {"batch", 64}).Output("y");
  g.Int64Constant("first", {0}).Int64Constant("minus_one", {-1});
  g.Node("Shape", {"x"}, {"shape"}, "shape");
  g.Node("Gather", {"shape", "first"}, {"batch_1d"}, "gather");
  g.Node("Concat", {"batch_1d", "minus_one"}, {"target"}, "concat").Attr("axis", int64_t{0});
  g.Node("Reshape", {"x", "target"}, {"y"}, "reshape");
  ModelOptions options;
  options.dims["batch"] = 4;
  auto model = Model::FromBytes(g.Serialize(), "m.onnx", options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  ASSERT_TRUE(estimate.ok()) << estimate.error().message;
  std::map<std::string, std::string> variant;
  for (const auto& n : estimate->nodes) variant[n.name] = n.estimate.variant;
  EXPECT_NE(variant["shape"], "cpu_ep");  // the CUDA kernel, with a host output
  EXPECT_EQ(variant["gather"], "cpu_ep");
  EXPECT_EQ(variant["concat"], "cpu_ep");
  EXPECT_NE(variant["reshape"], "cpu_ep");
}

// A 16-bit input keeps a node on the GPU, and so does an initializer over 100 elements: the Cast of
// the host shape moves (its input is int64), the Add of its fp16 result and the Add of a 101-element
// weight stay.
TEST(CpuFallback, HalfInputsAndLargeInitializersStay) {
  GraphBuilder g;
  g.Input("x", kFloat, {8}).Output("z").Output("w");
  g.Int64Constant("big", std::vector<int64_t>(101, 1));  // 101 elements: over kSmallInitializerThreshold
  g.Node("Shape", {"x"}, {"shape"}, "shape");
  g.Node("Cast", {"shape"}, {"half_shape"}, "cast_to_half").Attr("to", int64_t{kFloat16});
  g.Node("Add", {"half_shape", "half_shape"}, {"z"}, "add_half");
  g.Node("Add", {"shape", "big"}, {"w"}, "add_big");  // [1] + [101] broadcasts
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  ASSERT_TRUE(model.ok()) << model.error().message;
  std::vector<bool> cuda(model->nodes().size(), true);
  const std::vector<bool> moved = CpuPreferredNodes(*model, cuda);
  std::map<std::string, bool> by_name;
  for (size_t i = 0; i < moved.size(); ++i) by_name[model->nodes()[i].name] = moved[i];
  EXPECT_FALSE(by_name["shape"]);
  EXPECT_TRUE(by_name["cast_to_half"]);
  EXPECT_FALSE(by_name["add_half"]);
  EXPECT_FALSE(by_name["add_big"]);
}

}  // namespace
}  // namespace wsest
