// make_bench_models: writes the benchmark's graphs (issue 10), in sizes of about N nodes each.
//
//   transformer_<N>.onnx  pre-LayerNorm encoder layers (LayerNormalization, MatMul + Add, Split,
//                         Reshape/Transpose into heads, scaled-dot-product attention with Softmax,
//                         an erf Gelu MLP, residual Adds), BERT-base dims, inputs [batch, seq, 768]
//   convnet_<N>.onnx      a ResNet-like stem and a stack of basic blocks (Conv, BatchNormalization,
//                         Relu, residual Add) at 64 channels, 56x56, inputs [batch, 3, 224, 224]
//
// Only ai.onnx opset 17 ops, so plain onnx 1.12 (bench/floor.cc) infers every node, as wsest does.
// Weights are float32 initializers stored as external data in "<model>.onnx.data", a file that is
// never written: neither wsest nor onnx's shape inference reads payloads, and the 100k-node
// transformer declares about 90 GiB of weights. The symbolic dims (batch, seq) are bound on the
// command line; --max-dim searches them.
//
// usage: make_bench_models OUT_DIR [N ...]   (default N: 1000 10000 100000)

#include <onnx/onnx_pb.h>

#include <fmt/core.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int64_t kIrVersion = 8;
constexpr int64_t kOnnxOpset = 17;
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;
constexpr int32_t kInt64 = onnx::TensorProto::INT64;

using Dim = std::variant<int64_t, std::string>;

class Graph {
 public:
  explicit Graph(std::string name) : name_(std::move(name)) {
    model_.set_ir_version(kIrVersion);
    model_.set_producer_name("wsest make_bench_models");
    auto* opset = model_.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    model_.mutable_graph()->set_name(name_);
  }

  std::string File() const { return name_ + ".onnx"; }
  int nodes() const { return model_.graph().node_size(); }

  void Input(const std::string& name, const std::vector<Dim>& dims) { SetType(model_.mutable_graph()->add_input(), name, dims); }
  void Output(const std::string& name, const std::vector<Dim>& dims) {
    SetType(model_.mutable_graph()->add_output(), name, dims);
  }

  // A float32 weight, external, laid out after the previous one in a data file never written.
  std::string Weight(const std::string& name, const std::vector<int64_t>& dims) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(kFloat);
    int64_t numel = 1;
    for (int64_t d : dims) {
      t->add_dims(d);
      numel *= d;
    }
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    Entry(t, "location", File() + ".data");
    Entry(t, "offset", std::to_string(offset_));
    Entry(t, "length", std::to_string(numel * 4));
    offset_ += numel * 4;
    return name;
  }

  // A small int64 initializer with its values inline (Reshape shapes, Split sizes), as exporters write.
  std::string Ints(const std::string& name, const std::vector<int64_t>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(kInt64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
    return name;
  }

  // A float scalar inline (scales, constants of the Gelu).
  std::string Scalar(const std::string& name, float value) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(kFloat);
    t->add_float_data(value);
    return name;
  }

  onnx::NodeProto* Node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& in : inputs) n->add_input(in);
    for (const auto& out : outputs) n->add_output(out);
    return n;
  }
  // One output named after the node.
  std::string Op(const std::string& op, const std::string& name, const std::vector<std::string>& inputs) {
    Node(op, name, inputs, {name});
    return name;
  }

  static void Int(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void IntList(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }

  std::optional<std::string> Save(const fs::path& dir, size_t* bytes) const {
    const fs::path path = dir / File();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !model_.SerializeToOstream(&out)) return fmt::format("cannot write {}", path.string());
    *bytes = model_.ByteSizeLong();
    return std::nullopt;
  }

 private:
  static void SetType(onnx::ValueInfoProto* info, const std::string& name, const std::vector<Dim>& dims) {
    info->set_name(name);
    auto* tt = info->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(kFloat);
    auto* shape = tt->mutable_shape();
    for (const auto& d : dims) {
      auto* dim = shape->add_dim();
      if (const auto* v = std::get_if<int64_t>(&d))
        dim->set_dim_value(*v);
      else
        dim->set_dim_param(std::get<std::string>(d));
    }
  }
  static void Entry(onnx::TensorProto* t, const std::string& key, const std::string& value) {
    auto* e = t->add_external_data();
    e->set_key(key);
    e->set_value(value);
  }

  std::string name_;
  onnx::ModelProto model_;
  int64_t offset_ = 0;
};

// ---------------------------------------------------------------------------------------------------
// Transformer: 30 nodes per layer.

constexpr int64_t kHidden = 768;
constexpr int64_t kHeads = 12;
constexpr int64_t kHeadDim = kHidden / kHeads;
constexpr int64_t kFfn = 4 * kHidden;
constexpr int kNodesPerLayer = 30;

std::string LayerNorm(Graph& g, const std::string& p, const std::string& x) {
  auto* n = g.Node("LayerNormalization", p, {x, g.Weight(p + ".gamma", {kHidden}), g.Weight(p + ".beta", {kHidden})},
                   {p});
  Graph::Int(n, "axis", -1);
  return p;
}

std::string Linear(Graph& g, const std::string& p, const std::string& x, int64_t in, int64_t out) {
  const std::string mm = g.Op("MatMul", p + "/matmul", {x, g.Weight(p + ".weight", {in, out})});
  return g.Op("Add", p + "/bias", {mm, g.Weight(p + ".bias", {out})});
}

std::string TransformerLayer(Graph& g, int layer, const std::string& x) {
  const std::string p = fmt::format("layer{}", layer);
  const std::string ln1 = LayerNorm(g, p + "/ln1", x);
  const std::string qkv = Linear(g, p + "/qkv", ln1, kHidden, 3 * kHidden);
  Graph::Int(g.Node("Split", p + "/split", {qkv, "split_sizes"}, {p + "/q", p + "/k", p + "/v"}), "axis", -1);
  std::string heads[3];
  const char* which[3] = {"q", "k", "v"};
  for (int i = 0; i < 3; ++i) {
    const std::string r = g.Op("Reshape", fmt::format("{}/{}_heads", p, which[i]), {p + "/" + which[i], "heads_shape"});
    // q, v: [B, N, S, H]; k: [B, N, H, S] so that q x k needs no further transpose.
    auto* t = g.Node("Transpose", fmt::format("{}/{}_t", p, which[i]), {r}, {fmt::format("{}/{}_t", p, which[i])});
    Graph::IntList(t, "perm", i == 1 ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1, 3});
    heads[i] = t->name();
  }
  const std::string scores = g.Op("MatMul", p + "/scores", {heads[0], heads[1]});
  const std::string scaled = g.Op("Mul", p + "/scale", {scores, "attn_scale"});
  auto* sm = g.Node("Softmax", p + "/softmax", {scaled}, {p + "/softmax"});
  Graph::Int(sm, "axis", -1);
  const std::string ctx = g.Op("MatMul", p + "/context", {p + "/softmax", heads[2]});
  auto* ct = g.Node("Transpose", p + "/context_t", {ctx}, {p + "/context_t"});
  Graph::IntList(ct, "perm", {0, 2, 1, 3});
  const std::string merged = g.Op("Reshape", p + "/merge", {p + "/context_t", "merge_shape"});
  const std::string attn = Linear(g, p + "/out", merged, kHidden, kHidden);
  const std::string res1 = g.Op("Add", p + "/residual1", {x, attn});
  const std::string ln2 = LayerNorm(g, p + "/ln2", res1);
  const std::string up = Linear(g, p + "/fc1", ln2, kHidden, kFfn);
  // Gelu(x) = 0.5 x (1 + erf(x / sqrt 2)): 5 nodes, as exporters write it at opset 17.
  const std::string d = g.Op("Div", p + "/gelu/div", {up, "sqrt2"});
  const std::string e = g.Op("Erf", p + "/gelu/erf", {d});
  const std::string a = g.Op("Add", p + "/gelu/add", {e, "one"});
  const std::string m = g.Op("Mul", p + "/gelu/mul", {up, a});
  const std::string gelu = g.Op("Mul", p + "/gelu/half", {m, "half"});
  const std::string down = Linear(g, p + "/fc2", gelu, kFfn, kHidden);
  return g.Op("Add", p + "/residual2", {res1, down});
}

Graph BuildTransformer(int target_nodes) {
  Graph g(fmt::format("transformer_{}", target_nodes));
  g.Input("hidden_states", {"batch", "seq", kHidden});
  g.Ints("split_sizes", {kHidden, kHidden, kHidden});
  g.Ints("heads_shape", {0, 0, kHeads, kHeadDim});
  g.Ints("merge_shape", {0, 0, kHidden});
  g.Scalar("attn_scale", 0.125f);
  g.Scalar("sqrt2", 1.41421356f);
  g.Scalar("one", 1.0f);
  g.Scalar("half", 0.5f);
  const int layers = std::max(1, (target_nodes - 1) / kNodesPerLayer);
  std::string x = "hidden_states";
  for (int l = 0; l < layers; ++l) x = TransformerLayer(g, l, x);
  x = LayerNorm(g, "final_ln", x);
  g.Output(x, {"batch", "seq", kHidden});
  return g;
}

// ---------------------------------------------------------------------------------------------------
// Conv net: a 7x7 stem, then basic blocks of 7 nodes (Conv, BN, Relu, Conv, BN, Add, Relu) at 64 x 56 x 56.

constexpr int64_t kChannels = 64;
constexpr int kNodesPerBlock = 7;

std::string ConvBn(Graph& g, const std::string& p, const std::string& x, int64_t in, int64_t out, int64_t k,
                   int64_t stride) {
  auto* c = g.Node("Conv", p + "/conv", {x, g.Weight(p + ".weight", {out, in, k, k})}, {p + "/conv"});
  Graph::IntList(c, "kernel_shape", {k, k});
  Graph::IntList(c, "strides", {stride, stride});
  Graph::IntList(c, "pads", {k / 2, k / 2, k / 2, k / 2});
  return g.Op("BatchNormalization", p + "/bn",
              {p + "/conv", g.Weight(p + ".scale", {out}), g.Weight(p + ".b", {out}), g.Weight(p + ".mean", {out}),
               g.Weight(p + ".var", {out})});
}

Graph BuildConvNet(int target_nodes) {
  Graph g(fmt::format("convnet_{}", target_nodes));
  g.Input("pixel_values", {"batch", 3, 224, 224});
  std::string x = g.Op("Relu", "stem/relu", {ConvBn(g, "stem", "pixel_values", 3, kChannels, 7, 2)});
  auto* pool = g.Node("MaxPool", "stem/maxpool", {x}, {"stem/maxpool"});
  Graph::IntList(pool, "kernel_shape", {3, 3});
  Graph::IntList(pool, "strides", {2, 2});
  Graph::IntList(pool, "pads", {1, 1, 1, 1});
  x = "stem/maxpool";
  const int blocks = std::max(1, (target_nodes - 8) / kNodesPerBlock);
  for (int b = 0; b < blocks; ++b) {
    const std::string p = fmt::format("block{}", b);
    std::string y = g.Op("Relu", p + "/relu_a", {ConvBn(g, p + "/a", x, kChannels, kChannels, 3, 1)});
    y = ConvBn(g, p + "/b", y, kChannels, kChannels, 3, 1);
    x = g.Op("Relu", p + "/relu", {g.Op("Add", p + "/add", {y, x})});
  }
  x = g.Op("GlobalAveragePool", "head/pool", {x});
  g.Output(x, {"batch", kChannels, 1, 1});
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]).rfind("-", 0) == 0) {
    fmt::print(stderr, "usage: make_bench_models OUT_DIR [N ...]   (default N: 1000 10000 100000)\n");
    return 2;
  }
  const fs::path dir = argv[1];
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) {
    const int n = std::atoi(argv[i]);
    if (n < 40) {
      fmt::print(stderr, "make_bench_models: '{}': give a node count of at least 40\n", argv[i]);
      return 2;
    }
    sizes.push_back(n);
  }
  if (sizes.empty()) sizes = {1000, 10000, 100000};
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    fmt::print(stderr, "make_bench_models: cannot create {}: {}\n", dir.string(), error.message());
    return 1;
  }
  for (int n : sizes) {
    for (const Graph& g : {BuildTransformer(n), BuildConvNet(n)}) {
      size_t bytes = 0;
      if (auto failure = g.Save(dir, &bytes)) {
        fmt::print(stderr, "make_bench_models: {}\n", *failure);
        return 1;
      }
      fmt::print("wrote {} ({} nodes, {} bytes)\n", (dir / g.File()).string(), g.nodes(), bytes);
    }
  }
  return 0;
}
