#include "src/graph_rewrites.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace wsest {
namespace {

bool Is(const NodeView& n, std::string_view op) { return IsOnnxDomain(n.domain) && n.op_type == op; }

// Who reads what in the main graph, as the fusions' single-consumer conditions ask.
class Readers {
 public:
  explicit Readers(const Model& model) : nodes_(model.nodes()) {
    for (size_t i = 0; i < nodes_.size(); ++i)
      for (const auto& in : nodes_[i].inputs)
        if (in.present()) readers_[in.name].push_back(i);
    for (const auto& o : model.outputs()) graph_outputs_.insert(o.name);
  }
  // The one node reading `n`'s first output, when it is the only reader and not a graph output.
  const NodeView* OnlyReader(const NodeView& n) const {
    if (!n.has_output(0) || graph_outputs_.count(n.outputs[0].name)) return nullptr;
    auto it = readers_.find(n.outputs[0].name);
    if (it == readers_.end() || it->second.size() != 1) return nullptr;
    return &nodes_[it->second[0]];
  }
  // Whether a node of type `op` reads `n`'s first output.
  bool ReadBy(const NodeView& n, std::string_view op) const {
    if (!n.has_output(0)) return false;
    auto it = readers_.find(n.outputs[0].name);
    if (it == readers_.end()) return false;
    for (size_t k : it->second)
      if (Is(nodes_[k], op)) return true;
    return false;
  }

 private:
  const std::vector<NodeView>& nodes_;
  std::unordered_map<std::string_view, std::vector<size_t>> readers_;
  std::unordered_set<std::string_view> graph_outputs_;
};

bool HasConstantInput(const NodeView& n) {
  for (const auto& in : n.inputs)
    if (in.present() && in.is_initializer) return true;
  return false;
}

bool AllInputsConstant(const NodeView& n) {
  bool any = false;
  for (const auto& in : n.inputs) {
    if (!in.present()) continue;
    if (!in.is_initializer) return false;
    any = true;
  }
  return any;
}

// `n` followed by its only reader, of type `op`.
bool Then(const NodeView& n, std::string_view first, std::string_view op, const Readers& r) {
  const NodeView* next = r.OnlyReader(n);
  return Is(n, first) && next != nullptr && Is(*next, op);
}

struct Rule {
  const char* rule;
  const char* what;
  bool (*match)(const NodeView&, const Readers&);
};

// The rules of ORT 1.29.0's default optimizer set (core/optimizer/graph_transformer_utils.cc
// GenerateTransformers) whose pattern is checked here, each with the file that implements it.
const Rule kRules[] = {
    // identity_elimination.cc, dropout_elimination.cc
    {"EliminateIdentity / EliminateDropout", "Identity or Dropout (removed)",
     [](const NodeView& n, const Readers&) { return Is(n, "Identity") || Is(n, "Dropout"); }},
    // conv_bn_fusion.cc
    {"ConvBNFusion", "Conv + BatchNormalization",
     [](const NodeView& n, const Readers& r) { return Then(n, "Conv", "BatchNormalization", r); }},
    // conv_add_fusion.cc, conv_mul_fusion.cc: the other operand a constant
    {"ConvAddFusion / ConvMulFusion", "Conv + Add or Mul of a constant",
     [](const NodeView& n, const Readers& r) {
       const NodeView* next = r.OnlyReader(n);
       return (Then(n, "Conv", "Add", r) || Then(n, "Conv", "Mul", r)) && HasConstantInput(*next);
     }},
    // Not Conv + Relu (conv_activation_fusion.cc): the 1.29.0 binary's CUDA session at level all keeps
    // them apart (shadow device, demo resnet_small saved with --save-optimized: 9 Conv, 8 Relu).
    // matmul_add_fusion.cc (Gemm) for a 2-D MatMul only: on [batch, 1, 768] (demo gpt2_decode) the
    // binary left all 24 MatMul + Add pairs as they were.
    {"MatMulAddFusion", "MatMul + bias Add (2-D)",
     [](const NodeView& n, const Readers& r) {
       return Then(n, "MatMul", "Add", r) && HasConstantInput(*r.OnlyReader(n)) && !n.inputs.empty() &&
              n.inputs[0].rank() == 2;
     }},
    // skip_layer_norm_fusion.cc
    {"SkipLayerNormFusion", "Add + LayerNormalization",
     [](const NodeView& n, const Readers& r) { return Then(n, "Add", "LayerNormalization", r); }},
    // layer_norm_fusion.cc: ReduceMean -> Sub -> Pow -> ReduceMean -> Add -> Sqrt -> Div
    {"LayerNormFusion", "LayerNorm written out (ReduceMean + Sub ...)",
     [](const NodeView& n, const Readers& r) { return Is(n, "ReduceMean") && r.ReadBy(n, "Sub"); }},
    // gelu_fusion.cc: Div -> Erf -> Add -> Mul -> Mul
    {"GeluFusion", "Gelu written out (Erf ...)", [](const NodeView& n, const Readers&) { return Is(n, "Erf"); }},
    // constant_folding.cc
    {"ConstantFolding", "a node of constant inputs only (folded)",
     [](const NodeView& n, const Readers&) { return !Is(n, "Constant") && AllInputsConstant(n); }},
};

}  // namespace

std::vector<GraphRewrite> FindGraphRewrites(const Model& model) {
  const Readers readers(model);
  std::vector<GraphRewrite> out;
  for (const Rule& r : kRules) {
    GraphRewrite found{r.rule, r.what, 0, {}};
    for (const auto& n : model.nodes()) {
      if (!r.match(n, readers)) continue;
      if (found.count++ == 0) found.first = n.Label();
    }
    if (found.count > 0) out.push_back(std::move(found));
  }
  return out;
}

}  // namespace wsest
