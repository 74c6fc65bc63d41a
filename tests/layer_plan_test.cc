// Layers found in node names (include/wsest/layer_plan.h), on names as exporters write them; the
// plans themselves are checked against the binary in tests/shadow_layers_test.py.
#include "wsest/layer_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_graph.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

// A chain of Relu nodes with the given names.
Model Chain(const std::vector<std::string>& names) {
  GraphBuilder g;
  g.Input("t0", kFloat, {4}).Output("t" + std::to_string(names.size()));
  for (size_t i = 0; i < names.size(); ++i)
    g.Node("Relu", {"t" + std::to_string(i)}, {"t" + std::to_string(i + 1)}, names[i]);
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  EXPECT_TRUE(model.ok()) << model.error().message;
  return *model;
}

std::vector<std::string> Prefixes(const std::vector<Layer>& layers) {
  std::vector<std::string> out;
  for (const auto& l : layers) out.push_back(l.prefix + ":" + std::to_string(l.nodes.size()));
  return out;
}

TEST(Layers, ExportersNames) {
  const Model m = Chain({"/model/embed_tokens/Gather", "/model/layers.0/attn/MatMul", "/model/layers.0/mlp/Add",
                         "/model/layers.1/attn/MatMul", "/model/layers.10/mlp/Add", "/model/norm/Mul", "lm_head"});
  auto layers = GroupLayers(m);
  ASSERT_TRUE(layers.ok()) << layers.error().message;
  // "layers.1/" and "layers.10/" are different layers: the separator after the number ends the prefix.
  EXPECT_EQ(Prefixes(*layers),
            (std::vector<std::string>{"/model/layers.0/:2", "/model/layers.1/:1", "/model/layers.10/:1"}));
}

TEST(Layers, OtherSpellings) {
  const Model m = Chain({"layer3/attention", "encoder.layer.3.output", "transformer.h.7.mlp", "blocks.2/conv",
                         "player1/none"});
  auto layers = GroupLayers(m);
  ASSERT_TRUE(layers.ok());
  // "player1/" is not a layer: the word must start at a boundary.
  EXPECT_EQ(Prefixes(*layers),
            (std::vector<std::string>{"layer3/:1", "encoder.layer.3.:1", "transformer.h.7.:1", "blocks.2/:1"}));
  auto narrowed = GroupLayers(m, R"(^(layer\d+/))");
  ASSERT_TRUE(narrowed.ok());
  EXPECT_EQ(Prefixes(*narrowed), (std::vector<std::string>{"layer3/:1"}));
}

// A name of 200k characters crashed std::regex (recursion per character); only a name's first 1 KiB
// is searched, so a layer prefix there is still found and the rest is never matched.
TEST(Layers, VeryLongNamesAreNotACrash) {
  const Model m = Chain({std::string(200000, 'a'), "layer0/" + std::string(200000, 'b')});
  auto layers = GroupLayers(m);
  ASSERT_TRUE(layers.ok()) << layers.error().message;
  EXPECT_EQ(Prefixes(*layers), (std::vector<std::string>{"layer0/:1"}));
}

TEST(Layers, BadPatternsAreErrors) {
  const Model m = Chain({"layer0/a"});
  auto bad = GroupLayers(m, "(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("--layer-pattern '(': not a regular expression"), std::string::npos);
  auto no_group = GroupLayers(m, "layer");
  ASSERT_FALSE(no_group.ok());
  EXPECT_EQ(no_group.error().message, "--layer-pattern 'layer': needs a capture group, the layer's prefix");
}

}  // namespace
}  // namespace wsest
