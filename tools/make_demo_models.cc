// make_demo_models: writes three demo ONNX models for wsest's tests, docs and benchmarks.
//
//   bert_base.onnx    BERT-base encoder as ORT's transformer optimizer leaves it (com.microsoft fused ops)
//   gpt2_decode.onnx  one GPT-2 decoding step with a past key/value cache (com.microsoft MultiHeadAttention)
//   resnet_small.onnx a small ResNet-like conv stack
//
// Every weight is an initializer stored as external data in "<model>.onnx.data". By default the
// models have their real sizes and the data file is sparse (right length, no bytes written): wsest
// never reads payloads. With --tiny the same architectures get tiny dims and a real data file of small
// deterministic values, so ONNX Runtime can run them on CPU.
//
// Contrib op signatures follow ONNX Runtime 1.29.0: onnxruntime/core/graph/contrib_ops/bert_defs.cc
// (Attention, MultiHeadAttention, EmbedLayerNormalization, SkipLayerNormalization, FastGelu) and
// onnxruntime/core/graph/contrib_ops/contrib_defs.cc (BiasGelu).
//
// One node per model is left unnamed on purpose: ORT names such nodes itself, and wsest must cope.

#include <onnx/onnx_pb.h>

#include <fmt/core.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int64_t kIrVersion = 8;
constexpr int64_t kOnnxOpset = 17;
constexpr int64_t kMsOpset = 1;
constexpr const char* kMsDomain = "com.microsoft";

constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
constexpr int32_t kInt32 = onnx::TensorProto::INT32;
constexpr int32_t kInt64 = onnx::TensorProto::INT64;

// A dim of a graph input or output: a number, or a symbolic name such as "batch".
using Dim = std::variant<int64_t, std::string>;

// How the data file gets its bytes.
enum class Payload {
  kSparse,  // full-size models: a sparse file of the right length, nothing written
  kValues,  // tiny models: real little-endian float32 values
};

// What a weight holds when its values are written (Payload::kValues only).
enum class Fill {
  kRandom,  // small values in [-0.05, 0.05), deterministic
  kOnes,    // norm scales, BatchNormalization variances
  kZeros,   // norm biases, BatchNormalization means
};

// A handle on a node just added, to set attributes in a chain.
class NodeRef {
 public:
  explicit NodeRef(onnx::NodeProto* node) : node_(node) {}

  NodeRef& Int(const std::string& name, int64_t value) {
    onnx::AttributeProto* attr = Add(name, onnx::AttributeProto::INT);
    attr->set_i(value);
    return *this;
  }
  NodeRef& Float(const std::string& name, float value) {
    onnx::AttributeProto* attr = Add(name, onnx::AttributeProto::FLOAT);
    attr->set_f(value);
    return *this;
  }
  NodeRef& Ints(const std::string& name, const std::vector<int64_t>& values) {
    onnx::AttributeProto* attr = Add(name, onnx::AttributeProto::INTS);
    for (int64_t v : values) attr->add_ints(v);
    return *this;
  }

 private:
  onnx::AttributeProto* Add(const std::string& name, onnx::AttributeProto::AttributeType type) {
    onnx::AttributeProto* attr = node_->add_attribute();
    attr->set_name(name);
    attr->set_type(type);
    return attr;
  }

  onnx::NodeProto* node_;
};

// Builds one model: graph inputs and outputs, nodes, and float32 weights laid out back to back in
// one external data file.
class GraphWriter {
 public:
  GraphWriter(std::string model_name, Payload payload) : model_name_(std::move(model_name)), payload_(payload) {
    model_.set_ir_version(kIrVersion);
    model_.set_producer_name("wsest make_demo_models");
    onnx::OperatorSetIdProto* onnx_opset = model_.add_opset_import();
    onnx_opset->set_domain("");
    onnx_opset->set_version(kOnnxOpset);
    onnx::OperatorSetIdProto* ms_opset = model_.add_opset_import();
    ms_opset->set_domain(kMsDomain);
    ms_opset->set_version(kMsOpset);
    model_.mutable_graph()->set_name(model_name_);
  }

  std::string ModelFile() const { return model_name_ + ".onnx"; }
  std::string DataFile() const { return ModelFile() + ".data"; }

  void Input(const std::string& name, int32_t elem_type, const std::vector<Dim>& dims) {
    SetType(model_.mutable_graph()->add_input(), name, elem_type, dims);
  }

  void Output(const std::string& name, int32_t elem_type, const std::vector<Dim>& dims) {
    SetType(model_.mutable_graph()->add_output(), name, elem_type, dims);
  }

  // A float32 initializer stored as external data right after the previous one; returns its name.
  std::string Weight(const std::string& name, const std::vector<int64_t>& dims, Fill fill = Fill::kRandom) {
    onnx::TensorProto* tensor = model_.mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(kFloat);
    int64_t numel = 1;
    for (int64_t d : dims) {
      tensor->add_dims(d);
      numel *= d;
    }
    const int64_t length = numel * static_cast<int64_t>(sizeof(float));
    tensor->set_data_location(onnx::TensorProto::EXTERNAL);
    AddEntry(tensor, "location", DataFile());
    AddEntry(tensor, "offset", std::to_string(data_size_));
    AddEntry(tensor, "length", std::to_string(length));
    weights_.push_back({numel, fill});
    data_size_ += length;
    return name;
  }

  NodeRef Node(const std::string& op_type, const std::string& name, const std::vector<std::string>& inputs,
               const std::vector<std::string>& outputs, const std::string& domain = "") {
    onnx::NodeProto* node = model_.mutable_graph()->add_node();
    node->set_op_type(op_type);
    if (!name.empty()) node->set_name(name);
    if (!domain.empty()) node->set_domain(domain);
    for (const std::string& in : inputs) node->add_input(in);
    for (const std::string& out : outputs) node->add_output(out);
    return NodeRef(node);
  }

  // Writes <dir>/<model>.onnx and <dir>/<model>.onnx.data; on failure returns a message.
  std::optional<std::string> Save(const fs::path& dir) const {
    const fs::path model_path = dir / ModelFile();
    {
      std::ofstream out(model_path, std::ios::binary | std::ios::trunc);
      if (!out || !model_.SerializeToOstream(&out)) return fmt::format("cannot write {}", model_path.string());
    }
    const fs::path data_path = dir / DataFile();
    std::ofstream data(data_path, std::ios::binary | std::ios::trunc);
    if (!data) return fmt::format("cannot write {}", data_path.string());
    if (payload_ == Payload::kSparse) {
      data.close();
      std::error_code error;
      fs::resize_file(data_path, static_cast<uintmax_t>(data_size_), error);  // a hole: no blocks used
      if (error) return fmt::format("cannot size {}: {}", data_path.string(), error.message());
      return std::nullopt;
    }
    uint32_t seed = 12345;
    std::vector<char> bytes;
    for (const WeightLayout& weight : weights_) {
      bytes.resize(static_cast<size_t>(weight.numel) * sizeof(float));
      for (int64_t i = 0; i < weight.numel; ++i) {
        const float value = FillValue(weight.fill, &seed);
        std::memcpy(bytes.data() + i * sizeof(float), &value, sizeof(float));  // little-endian host
      }
      data.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    if (!data) return fmt::format("cannot write {}", data_path.string());
    return std::nullopt;
  }

 private:
  struct WeightLayout {
    int64_t numel;
    Fill fill;
  };

  static void SetType(onnx::ValueInfoProto* info, const std::string& name, int32_t elem_type,
                      const std::vector<Dim>& dims) {
    info->set_name(name);
    onnx::TypeProto_Tensor* tensor_type = info->mutable_type()->mutable_tensor_type();
    tensor_type->set_elem_type(elem_type);
    onnx::TensorShapeProto* shape = tensor_type->mutable_shape();
    for (const Dim& dim : dims) {
      onnx::TensorShapeProto_Dimension* d = shape->add_dim();
      if (const auto* value = std::get_if<int64_t>(&dim)) {
        d->set_dim_value(*value);
      } else {
        d->set_dim_param(std::get<std::string>(dim));
      }
    }
  }

  static void AddEntry(onnx::TensorProto* tensor, const std::string& key, const std::string& value) {
    onnx::StringStringEntryProto* entry = tensor->add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }

  static float FillValue(Fill fill, uint32_t* seed) {
    switch (fill) {
      case Fill::kOnes:
        return 1.0f;
      case Fill::kZeros:
        return 0.0f;
      case Fill::kRandom:
        break;
    }
    *seed = *seed * 1664525u + 1013904223u;  // Numerical Recipes LCG
    return (static_cast<float>(*seed >> 8) / static_cast<float>(1u << 24) - 0.5f) * 0.1f;
  }

  std::string model_name_;
  Payload payload_;
  onnx::ModelProto model_;
  std::vector<WeightLayout> weights_;
  int64_t data_size_ = 0;
};

// ---------------------------------------------------------------------------------------------------
// BERT-base encoder.

struct BertDims {
  int64_t hidden;
  int64_t heads;
  int64_t layers;
  int64_t intermediate;
  int64_t vocab;
  int64_t max_positions;
  int64_t type_vocab;
};

constexpr float kBertEpsilon = 1e-12f;

// The encoder after ORT's transformer optimizer: int64 inputs cast to int32 for
// EmbedLayerNormalization, whose mask_index feeds every attention. The first half of the layers use
// Attention (fused QKV weight); the second half use three MatMuls + MultiHeadAttention and BiasGelu,
// so both attention ops and both gelu ops appear. Output: the last hidden state.
GraphWriter BuildBert(const BertDims& d, Payload payload) {
  GraphWriter g("bert_base", payload);
  const std::vector<Dim> tokens = {"batch", "sequence"};
  g.Input("input_ids", kInt64, tokens);
  g.Input("token_type_ids", kInt64, tokens);
  g.Input("attention_mask", kInt64, tokens);

  // EmbedLayerNormalization takes int32 ids and mask (bert_defs.cc, type constraint T1).
  g.Node("Cast", "embeddings/cast_input_ids", {"input_ids"}, {"input_ids_int32"}).Int("to", kInt32);
  g.Node("Cast", "embeddings/cast_token_type_ids", {"token_type_ids"}, {"token_type_ids_int32"}).Int("to", kInt32);
  g.Node("Cast", "", {"attention_mask"}, {"attention_mask_int32"}).Int("to", kInt32);  // unnamed on purpose

  // EmbedLayerNormalization inputs: input_ids, segment_ids, word_embedding, position_embedding,
  // segment_embedding, gamma, beta, mask; outputs: output, mask_index (bert_defs.cc).
  g.Node("EmbedLayerNormalization", "embeddings/embed_layer_norm",
         {"input_ids_int32", "token_type_ids_int32",
          g.Weight("embeddings.word_embeddings", {d.vocab, d.hidden}),
          g.Weight("embeddings.position_embeddings", {d.max_positions, d.hidden}),
          g.Weight("embeddings.token_type_embeddings", {d.type_vocab, d.hidden}),
          g.Weight("embeddings.layer_norm.weight", {d.hidden}, Fill::kOnes),
          g.Weight("embeddings.layer_norm.bias", {d.hidden}, Fill::kZeros), "attention_mask_int32"},
         {"embeddings/output", "mask_index"}, kMsDomain)
      .Float("epsilon", kBertEpsilon);

  std::string hidden = "embeddings/output";
  for (int64_t i = 0; i < d.layers; ++i) {
    const std::string layer = fmt::format("layer{}", i);
    const std::string w = fmt::format("encoder.layer.{}.", i);
    const bool fused_qkv = i < d.layers / 2;

    const std::string context = layer + "/attention/output";
    if (fused_qkv) {
      // Attention inputs: input, weights [hidden, 3*hidden], bias [3*hidden], mask_index (bert_defs.cc).
      g.Node("Attention", layer + "/attention",
             {hidden, g.Weight(w + "attention.qkv.weight", {d.hidden, 3 * d.hidden}),
              g.Weight(w + "attention.qkv.bias", {3 * d.hidden}), "mask_index"},
             {context}, kMsDomain)
          .Int("num_heads", d.heads);
    } else {
      for (const char* proj : {"query", "key", "value"}) {
        g.Node("MatMul", fmt::format("{}/attention/{}", layer, proj),
               {hidden, g.Weight(fmt::format("{}attention.{}.weight", w, proj), {d.hidden, d.hidden})},
               {fmt::format("{}/attention/{}", layer, proj)});
      }
      // MultiHeadAttention inputs: query, key, value, bias [3*hidden], key_padding_mask (bert_defs.cc).
      g.Node("MultiHeadAttention", layer + "/attention",
             {layer + "/attention/query", layer + "/attention/key", layer + "/attention/value",
              g.Weight(w + "attention.qkv.bias", {3 * d.hidden}), "mask_index"},
             {context}, kMsDomain)
          .Int("num_heads", d.heads);
    }

    g.Node("MatMul", layer + "/attention/dense", {context, g.Weight(w + "attention.dense.weight", {d.hidden, d.hidden})},
           {layer + "/attention/dense"});
    // SkipLayerNormalization inputs: input, skip, gamma, beta, bias (bert_defs.cc); the dense bias is
    // folded into `bias` as the optimizer does.
    const std::string attention_out = layer + "/attention/layer_norm";
    g.Node("SkipLayerNormalization", attention_out,
           {layer + "/attention/dense", hidden, g.Weight(w + "attention.layer_norm.weight", {d.hidden}, Fill::kOnes),
            g.Weight(w + "attention.layer_norm.bias", {d.hidden}, Fill::kZeros),
            g.Weight(w + "attention.dense.bias", {d.hidden})},
           {attention_out}, kMsDomain)
        .Float("epsilon", kBertEpsilon);

    g.Node("MatMul", layer + "/ffn/intermediate",
           {attention_out, g.Weight(w + "intermediate.weight", {d.hidden, d.intermediate})},
           {layer + "/ffn/intermediate"});
    // FastGelu (X, bias) in bert_defs.cc; BiasGelu (A, B) in contrib_defs.cc.
    g.Node(fused_qkv ? "FastGelu" : "BiasGelu", layer + "/ffn/gelu",
           {layer + "/ffn/intermediate", g.Weight(w + "intermediate.bias", {d.intermediate})}, {layer + "/ffn/gelu"},
           kMsDomain);
    g.Node("MatMul", layer + "/ffn/output", {layer + "/ffn/gelu", g.Weight(w + "output.weight", {d.intermediate, d.hidden})},
           {layer + "/ffn/output"});
    const std::string layer_out = i + 1 == d.layers ? "last_hidden_state" : layer + "/output";
    g.Node("SkipLayerNormalization", layer + "/ffn/layer_norm",
           {layer + "/ffn/output", attention_out, g.Weight(w + "output.layer_norm.weight", {d.hidden}, Fill::kOnes),
            g.Weight(w + "output.layer_norm.bias", {d.hidden}, Fill::kZeros), g.Weight(w + "output.bias", {d.hidden})},
           {layer_out}, kMsDomain)
        .Float("epsilon", kBertEpsilon);
    hidden = layer_out;
  }

  g.Output("last_hidden_state", kFloat, {"batch", "sequence", d.hidden});
  return g;
}

// ---------------------------------------------------------------------------------------------------
// GPT-2 decoding step.

struct Gpt2Dims {
  int64_t hidden;
  int64_t heads;
  int64_t layers;
  int64_t intermediate;
  int64_t vocab;
  int64_t max_positions;
};

constexpr float kGpt2Epsilon = 1e-5f;

// One new token per sequence against a cache of `past_sequence` tokens: inputs input_ids and
// position_ids [batch, 1] and per layer past_key_i / past_value_i [batch, heads, past_sequence,
// head_size]; outputs logits [batch, 1, vocab] and present_key_i / present_value_i. Pre-norm blocks with
// LayerNormalization, separate Q/K/V MatMuls into MultiHeadAttention, and FastGelu in the MLP.
GraphWriter BuildGpt2(const Gpt2Dims& d, Payload payload) {
  GraphWriter g("gpt2_decode", payload);
  const int64_t head_size = d.hidden / d.heads;
  g.Input("input_ids", kInt64, {"batch", 1});
  g.Input("position_ids", kInt64, {"batch", 1});
  for (int64_t i = 0; i < d.layers; ++i) {
    g.Input(fmt::format("past_key_{}", i), kFloat, {"batch", d.heads, "past_sequence", head_size});
    g.Input(fmt::format("past_value_{}", i), kFloat, {"batch", d.heads, "past_sequence", head_size});
  }

  g.Node("Gather", "embeddings/token", {g.Weight("wte", {d.vocab, d.hidden}), "input_ids"}, {"embeddings/token"});
  g.Node("Gather", "embeddings/position", {g.Weight("wpe", {d.max_positions, d.hidden}), "position_ids"},
         {"embeddings/position"});
  g.Node("Add", "embeddings/add", {"embeddings/token", "embeddings/position"}, {"embeddings/output"});

  std::string hidden = "embeddings/output";
  for (int64_t i = 0; i < d.layers; ++i) {
    const std::string layer = fmt::format("layer{}", i);
    const std::string w = fmt::format("h.{}.", i);

    g.Node("LayerNormalization", layer + "/ln_1",
           {hidden, g.Weight(w + "ln_1.weight", {d.hidden}, Fill::kOnes),
            g.Weight(w + "ln_1.bias", {d.hidden}, Fill::kZeros)},
           {layer + "/ln_1"})
        .Int("axis", -1)
        .Float("epsilon", kGpt2Epsilon);
    for (const char* proj : {"query", "key", "value"}) {
      g.Node("MatMul", fmt::format("{}/attn/{}", layer, proj),
             {layer + "/ln_1", g.Weight(fmt::format("{}attn.{}.weight", w, proj), {d.hidden, d.hidden})},
             {fmt::format("{}/attn/{}", layer, proj)});
    }
    // MultiHeadAttention inputs: query, key, value, bias, key_padding_mask, attention_bias, past_key,
    // past_value; outputs: output, present_key, present_value (bert_defs.cc).
    g.Node("MultiHeadAttention", layer + "/attn",
           {layer + "/attn/query", layer + "/attn/key", layer + "/attn/value",
            g.Weight(w + "attn.qkv.bias", {3 * d.hidden}), "", "", fmt::format("past_key_{}", i),
            fmt::format("past_value_{}", i)},
           {layer + "/attn/output", fmt::format("present_key_{}", i), fmt::format("present_value_{}", i)}, kMsDomain)
        .Int("num_heads", d.heads)
        .Int("unidirectional", 1);
    g.Node("MatMul", layer + "/attn/c_proj", {layer + "/attn/output", g.Weight(w + "attn.c_proj.weight", {d.hidden, d.hidden})},
           {layer + "/attn/c_proj"});
    g.Node("Add", layer + "/attn/c_proj_bias", {layer + "/attn/c_proj", g.Weight(w + "attn.c_proj.bias", {d.hidden})},
           {layer + "/attn/c_proj_bias"});
    const std::string attn_residual = layer + "/attn/residual";
    // The first residual Add is the model's one unnamed node, on purpose.
    g.Node("Add", i == 0 ? "" : attn_residual, {hidden, layer + "/attn/c_proj_bias"}, {attn_residual});

    g.Node("LayerNormalization", layer + "/ln_2",
           {attn_residual, g.Weight(w + "ln_2.weight", {d.hidden}, Fill::kOnes),
            g.Weight(w + "ln_2.bias", {d.hidden}, Fill::kZeros)},
           {layer + "/ln_2"})
        .Int("axis", -1)
        .Float("epsilon", kGpt2Epsilon);
    g.Node("MatMul", layer + "/mlp/c_fc", {layer + "/ln_2", g.Weight(w + "mlp.c_fc.weight", {d.hidden, d.intermediate})},
           {layer + "/mlp/c_fc"});
    // FastGelu inputs: X, bias (bert_defs.cc).
    g.Node("FastGelu", layer + "/mlp/gelu", {layer + "/mlp/c_fc", g.Weight(w + "mlp.c_fc.bias", {d.intermediate})},
           {layer + "/mlp/gelu"}, kMsDomain);
    g.Node("MatMul", layer + "/mlp/c_proj",
           {layer + "/mlp/gelu", g.Weight(w + "mlp.c_proj.weight", {d.intermediate, d.hidden})}, {layer + "/mlp/c_proj"});
    g.Node("Add", layer + "/mlp/c_proj_bias", {layer + "/mlp/c_proj", g.Weight(w + "mlp.c_proj.bias", {d.hidden})},
           {layer + "/mlp/c_proj_bias"});
    g.Node("Add", layer + "/mlp/residual", {attn_residual, layer + "/mlp/c_proj_bias"}, {layer + "/output"});
    hidden = layer + "/output";
  }

  g.Node("LayerNormalization", "ln_f",
         {hidden, g.Weight("ln_f.weight", {d.hidden}, Fill::kOnes), g.Weight("ln_f.bias", {d.hidden}, Fill::kZeros)},
         {"ln_f"})
      .Int("axis", -1)
      .Float("epsilon", kGpt2Epsilon);
  g.Node("MatMul", "lm_head", {"ln_f", g.Weight("lm_head.weight", {d.hidden, d.vocab})}, {"logits"});

  g.Output("logits", kFloat, {"batch", 1, d.vocab});
  // present: [batch, heads, past_sequence + 1, head_size]; onnx 1.12's checker wants a shape here.
  const std::vector<Dim> present = {"batch", d.heads, "total_sequence", head_size};
  for (int64_t i = 0; i < d.layers; ++i) {
    g.Output(fmt::format("present_key_{}", i), kFloat, present);
    g.Output(fmt::format("present_value_{}", i), kFloat, present);
  }
  return g;
}

// ---------------------------------------------------------------------------------------------------
// ResNet-like conv stack.

struct ResNetDims {
  int64_t image;  // height and width of the input
  int64_t stem;   // channels after the stem; the stages use stem, 2*stem, 2*stem
  int64_t classes;
};

constexpr float kBatchNormEpsilon = 1e-5f;

// Conv (no bias) + BatchNormalization, optionally + Relu; returns the output name.
std::string ConvBn(GraphWriter& g, const std::string& name, const std::string& input, int64_t in_channels,
                   int64_t out_channels, int64_t kernel, int64_t stride, bool relu) {
  const int64_t pad = kernel / 2;
  g.Node("Conv", name + "/conv", {input, g.Weight(name + ".conv.weight", {out_channels, in_channels, kernel, kernel})},
         {name + "/conv"})
      .Ints("kernel_shape", {kernel, kernel})
      .Ints("strides", {stride, stride})
      .Ints("pads", {pad, pad, pad, pad});
  g.Node("BatchNormalization", name + "/bn",
         {name + "/conv", g.Weight(name + ".bn.weight", {out_channels}, Fill::kOnes),
          g.Weight(name + ".bn.bias", {out_channels}, Fill::kZeros),
          g.Weight(name + ".bn.running_mean", {out_channels}, Fill::kZeros),
          g.Weight(name + ".bn.running_var", {out_channels}, Fill::kOnes)},
         {name + "/bn"})
      .Float("epsilon", kBatchNormEpsilon);
  if (!relu) return name + "/bn";
  g.Node("Relu", name + "/relu", {name + "/bn"}, {name + "/relu"});
  return name + "/relu";
}

// Residual Add + Relu closing a block; an empty `add_name` leaves the Add unnamed.
std::string Residual(GraphWriter& g, const std::string& block, const std::string& add_name, const std::string& branch,
                     const std::string& shortcut) {
  g.Node("Add", add_name, {branch, shortcut}, {block + "/add"});
  g.Node("Relu", block + "/relu", {block + "/add"}, {block + "/relu"});
  return block + "/relu";
}

// Stem Conv 7x7/2 + BN + Relu + MaxPool 3x3/2; stage1 a basic block with an identity shortcut;
// stage2 a basic block with stride 2 and a 1x1/2 projection shortcut; stage3 a bottleneck block
// (1x1 down to a quarter, 3x3, 1x1 up) with an identity shortcut; GlobalAveragePool, Flatten, Gemm.
GraphWriter BuildResNet(const ResNetDims& d, Payload payload) {
  GraphWriter g("resnet_small", payload);
  g.Input("pixel_values", kFloat, {"batch", 3, d.image, d.image});

  const std::string stem = ConvBn(g, "stem", "pixel_values", 3, d.stem, 7, 2, true);
  g.Node("MaxPool", "stem/maxpool", {stem}, {"stem/maxpool"})
      .Ints("kernel_shape", {3, 3})
      .Ints("strides", {2, 2})
      .Ints("pads", {1, 1, 1, 1});

  // stage1: basic block, identity shortcut. Its Add is the model's one unnamed node, on purpose.
  const int64_t c1 = d.stem;
  std::string branch = ConvBn(g, "stage1/conv_a", "stem/maxpool", c1, c1, 3, 1, true);
  branch = ConvBn(g, "stage1/conv_b", branch, c1, c1, 3, 1, false);
  const std::string stage1 = Residual(g, "stage1", "", branch, "stem/maxpool");

  // stage2: basic block, stride 2, projection shortcut.
  const int64_t c2 = 2 * d.stem;
  branch = ConvBn(g, "stage2/conv_a", stage1, c1, c2, 3, 2, true);
  branch = ConvBn(g, "stage2/conv_b", branch, c2, c2, 3, 1, false);
  const std::string projection = ConvBn(g, "stage2/projection", stage1, c1, c2, 1, 2, false);
  const std::string stage2 = Residual(g, "stage2", "stage2/add", branch, projection);

  // stage3: bottleneck block, identity shortcut.
  const int64_t mid = c2 / 4;
  branch = ConvBn(g, "stage3/reduce", stage2, c2, mid, 1, 1, true);
  branch = ConvBn(g, "stage3/conv", branch, mid, mid, 3, 1, true);
  branch = ConvBn(g, "stage3/expand", branch, mid, c2, 1, 1, false);
  const std::string stage3 = Residual(g, "stage3", "stage3/add", branch, stage2);

  g.Node("GlobalAveragePool", "head/pool", {stage3}, {"head/pool"});
  g.Node("Flatten", "head/flatten", {"head/pool"}, {"head/flatten"}).Int("axis", 1);
  g.Node("Gemm", "head/fc",
         {"head/flatten", g.Weight("fc.weight", {d.classes, c2}), g.Weight("fc.bias", {d.classes}, Fill::kZeros)},
         {"logits"})
      .Int("transB", 1);
  g.Output("logits", kFloat, {"batch", d.classes});
  return g;
}

// ---------------------------------------------------------------------------------------------------

int Usage() {
  fmt::print(stderr, "usage: make_demo_models OUT_DIR [--tiny]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) return Usage();
  const fs::path out_dir = argv[1];
  if (out_dir.empty() || out_dir.string().rfind("--", 0) == 0) return Usage();
  bool tiny = false;
  if (argc == 3) {
    if (std::string(argv[2]) != "--tiny") return Usage();
    tiny = true;
  }

  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) {
    fmt::print(stderr, "make_demo_models: cannot create {}: {}\n", out_dir.string(), error.message());
    return 1;
  }

  const Payload payload = tiny ? Payload::kValues : Payload::kSparse;
  const BertDims bert = tiny ? BertDims{32, 2, 2, 128, 100, 64, 2} : BertDims{768, 12, 12, 3072, 30522, 512, 2};
  const Gpt2Dims gpt2 = tiny ? Gpt2Dims{32, 2, 2, 128, 100, 64} : Gpt2Dims{768, 12, 12, 3072, 50257, 1024};
  const ResNetDims resnet = tiny ? ResNetDims{32, 8, 10} : ResNetDims{224, 64, 1000};

  for (const GraphWriter& model : {BuildBert(bert, payload), BuildGpt2(gpt2, payload), BuildResNet(resnet, payload)}) {
    if (std::optional<std::string> failure = model.Save(out_dir)) {
      fmt::print(stderr, "make_demo_models: {}\n", *failure);
      return 1;
    }
    fmt::print("wrote {}\n", (out_dir / model.ModelFile()).string());
  }
  return 0;
}
