// The patterns of ORT's default optimizations found in a graph (src/graph_rewrites.h). Expected counts
// are read off each graph by hand; the PaddleOCR detector's two Conv + BatchNormalization pairs are
// the two BatchNormalization nodes ORT 1.29.0 removed when it saved the optimized graph on the shadow
// device (3 before, 1 after).
#include "src/graph_rewrites.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/test_graph.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

std::map<std::string, size_t> Counts(const GraphBuilder& g) {
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  EXPECT_TRUE(model.ok()) << model.error().message;
  std::map<std::string, size_t> out;
  for (const auto& r : FindGraphRewrites(*model)) out[r.rule] = r.count;
  return out;
}

// Conv + Relu is not a rewrite the CUDA session makes (src/graph_rewrites.cc): only the BN pair counts.
TEST(GraphRewrites, ConvBatchNormIsFoundConvReluIsNot) {
  GraphBuilder g;
  g.Input("x", kFloat, {1, 3, 8, 8}).Output("y").Output("z");
  g.Weight("w", kFloat, {4, 3, 3, 3}).Weight("s", kFloat, {4}).Weight("b", kFloat, {4});
  g.Weight("m", kFloat, {4}).Weight("v", kFloat, {4});
  g.Node("Conv", {"x", "w"}, {"c1"}, "conv_bn");
  g.Node("BatchNormalization", {"c1", "s", "b", "m", "v"}, {"y"}, "bn");
  g.Node("Conv", {"x", "w"}, {"c2"}, "conv_relu");
  g.Node("Relu", {"c2"}, {"z"}, "relu");
  const auto counts = Counts(g);
  EXPECT_EQ(counts.at("ConvBNFusion"), 1u);
  EXPECT_EQ(counts.size(), 1u);
}

// A Conv read by two nodes is not fused with either (the fusions want a single consumer).
TEST(GraphRewrites, AConvWithTwoReadersIsNotFused) {
  GraphBuilder g;
  g.Input("x", kFloat, {1, 3, 8, 8}).Output("y").Output("z");
  g.Weight("w", kFloat, {4, 3, 3, 3});
  g.Node("Conv", {"x", "w"}, {"c"}, "conv");
  g.Node("Relu", {"c"}, {"y"}, "relu");
  g.Node("Sigmoid", {"c"}, {"z"}, "sigmoid");
  EXPECT_TRUE(Counts(g).empty());
}

TEST(GraphRewrites, TransformerPatterns) {
  GraphBuilder g;
  g.Input("x", kFloat, {4, 8}).Output("y").Output("y3");
  g.Input("x3", kFloat, {2, 4, 8});
  g.Weight("w", kFloat, {8, 8}).Weight("bias", kFloat, {8}).Weight("gamma", kFloat, {8});
  g.Node("MatMul", {"x", "w"}, {"mm"}, "matmul");
  g.Node("Add", {"mm", "bias"}, {"biased"}, "bias_add");
  g.Node("Identity", {"biased"}, {"same"}, "identity");
  g.Node("Add", {"same", "x"}, {"residual"}, "residual_add");
  g.Node("LayerNormalization", {"residual", "gamma", "bias"}, {"y"}, "layer_norm").Attr("axis", int64_t{-1});
  // A 3-D MatMul + bias stays as it is (gpt2_decode on the binary).
  g.Node("MatMul", {"x3", "w"}, {"mm3"}, "matmul_3d");
  g.Node("Add", {"mm3", "bias"}, {"y3"}, "bias_add_3d");
  const auto counts = Counts(g);
  EXPECT_EQ(counts.at("MatMulAddFusion"), 1u);
  EXPECT_EQ(counts.at("EliminateIdentity / EliminateDropout"), 1u);
  EXPECT_EQ(counts.at("SkipLayerNormFusion"), 1u);
  EXPECT_EQ(counts.size(), 3u);
}

}  // namespace
}  // namespace wsest
