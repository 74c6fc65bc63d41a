#include "fuzz/models.h"

#include <cstdio>

#include "fuzz/common.h"
#include "tests/test_graph.h"

namespace wsest::fuzz {
namespace {

constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kFloat16 = onnx::TensorProto::FLOAT16;
constexpr int kInt32 = onnx::TensorProto::INT32;
constexpr int kInt64 = onnx::TensorProto::INT64;

// Small on purpose: the target runs shape inference once per input, and a 12-layer demo model
// makes that 30 times slower without reaching more estimator code than one node of each kind.
std::vector<std::pair<std::string, std::string>> Built() {
  std::vector<std::pair<std::string, std::string>> out;
  {
    testing::GraphBuilder g;
    g.InputNoShape("x", kFloat).Output("y");
    g.Node("Relu", {"x"}, {"y"}, "relu");
    out.emplace_back("no_shape.onnx", g.Serialize());
  }
  {
    testing::GraphBuilder g;
    g.Input("x", kFloat16, {"n", "c", "h", "w"}).Output("y").Output("z");
    for (const char* p : {"scale", "bias", "mean", "var"}) g.Input(p, kFloat16, {"c"});
    g.Node("BatchNormalization", {"x", "scale", "bias", "mean", "var"}, {"y"}, "bn");
    g.Node("InstanceNormalization", {"x", "scale", "bias"}, {"z"}, "in");
    out.emplace_back("norms.onnx", g.Serialize());
  }
  {
    testing::GraphBuilder g;
    g.Input("x", kFloat, {"n", 3, "h", "w"}).Output("p");
    g.Weight("k", kFloat, {8, 3, 3, 3});
    g.Node("Conv", {"x", "k"}, {"c"}, "conv").Attr("pads", std::vector<int64_t>{1, 1, 1, 1});
    g.Node("MaxPool", {"c"}, {"p"}, "pool").Attr("kernel_shape", std::vector<int64_t>{2, 2});
    out.emplace_back("conv.onnx", g.Serialize());
  }
  {
    testing::GraphBuilder g;
    g.Input("a", kFloat, {"m", "k"}).Input("b", kFloat, {"k", "n"}).Output("y").Output("z");
    g.Node("Gemm", {"a", "b"}, {"y"}, "gemm");
    g.Node("MatMul", {"a", "b"}, {"z"}, "matmul");
    out.emplace_back("gemm.onnx", g.Serialize());
  }
  {
    testing::GraphBuilder g;
    g.Opset("com.microsoft", 1);
    g.Input("q", kFloat16, {"batch", "seq", 64}).Input("k", kFloat16, {"batch", "kv_seq", 64});
    g.Input("v", kFloat16, {"batch", "kv_seq", 64});
    g.Weight("w", kFloat16, {64, 192});
    g.Weight("b", kFloat16, {192});
    g.Int64Constant("axes", {-1});
    g.Int64Constant("topk", {4});
    g.Output("mha").Output("attn").Output("sm").Output("sum").Output("ln").Output("vals").Output("idx");
    g.Node("MultiHeadAttention", {"q", "k", "v"}, {"mha"}, "mha", "com.microsoft").Attr("num_heads", 4);
    g.Node("Attention", {"q", "w", "b"}, {"attn"}, "attention", "com.microsoft").Attr("num_heads", 4);
    g.Node("Softmax", {"q"}, {"sm"}, "softmax");
    g.Node("ReduceSum", {"q", "axes"}, {"sum"}, "reduce");
    g.Node("LayerNormalization", {"q", "ln_scale"}, {"ln"}, "ln");
    g.Weight("ln_scale", kFloat16, {64});
    g.Node("TopK", {"q", "topk"}, {"vals", "idx"}, "topk");
    out.emplace_back("attention.onnx", g.Serialize());
  }
  {
    testing::GraphBuilder g;
    g.Opset("com.microsoft", 1);
    g.Input("query", kFloat16, {"batch", "seq", 64}).Input("key", kFloat16, {"batch", "seq", 32});
    g.Input("value", kFloat16, {"batch", "seq", 32});
    g.Input("past_key", kFloat16, {"batch", 2, "past", 16}).Input("past_value", kFloat16, {"batch", 2, "past", 16});
    g.Input("seqlens_k", kInt32, {"batch"}).Input("total_sequence_length", kInt32, {});
    g.Output("out").Output("present_key").Output("present_value");
    g.Node("GroupQueryAttention",
           {"query", "key", "value", "past_key", "past_value", "seqlens_k", "total_sequence_length"},
           {"out", "present_key", "present_value"}, "gqa", "com.microsoft")
        .Attr("num_heads", 4)
        .Attr("kv_num_heads", 2);
    out.emplace_back("gqa.onnx", g.Serialize());
  }
  {
    testing::GraphBuilder g;
    g.Input("x", kFloat, {"seq", "batch", 16}).Output("y");
    g.Weight("W", kFloat, {1, 64, 16});
    g.Weight("R", kFloat, {1, 64, 16});
    g.Node("LSTM", {"x", "W", "R"}, {"y"}, "lstm").Attr("hidden_size", 16);
    out.emplace_back("lstm.onnx", g.Serialize());
  }
  {
    // Inputs whose values --value gives: a Reshape target and TopK's K.
    testing::GraphBuilder g(/*opset=*/13);
    g.Input("x", kFloat, {"n", 12}).Input("target", kInt64, {2}).Input("k", kInt64, {1});
    g.Output("values").Output("indices");
    g.Node("Reshape", {"x", "target"}, {"r"}, "reshape");
    g.Node("TopK", {"r", "k"}, {"values", "indices"}, "topk");
    out.emplace_back("fed_values.onnx", g.Serialize());
  }
  return out;
}

}  // namespace

const std::vector<SeedModel>& SeedModels() {
  static const std::vector<SeedModel>* models = [] {
    auto* out = new std::vector<SeedModel>();
    for (auto& [name, bytes] : Built()) {
      ModelOptions options;
      options.allow_symbolic = true;
      auto model = Model::FromBytes(bytes, name, options);
      if (!model.ok()) {
        std::fprintf(stderr, "options_fuzzer: seed %s left out: %s\n", name.c_str(), model.error().message.c_str());
        continue;
      }
      SeedModel seed{name, std::move(bytes), {}, {}, std::make_shared<Model>(std::move(model).value())};
      seed.dims = seed.model->symbolic_dims();
      for (const auto& in : seed.model->inputs()) seed.inputs.push_back(in.name);
      out->push_back(std::move(seed));
    }
    if (out->empty()) Fail("options_fuzzer", "no seed model loads");
    return out;
  }();
  return *models;
}

}  // namespace wsest::fuzz
