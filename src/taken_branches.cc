// Inlining the branch an If takes (taken_branches.h).
#include "src/taken_branches.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "wsest/node_view.h"

namespace wsest {
namespace {

using NameSet = std::unordered_set<std::string_view>;

// The body an If runs when its condition folded to a known value (ORT's If::Compute reads the
// condition on the CPU before it runs a branch), or null.
const onnx::GraphProto* TakenBranch(const onnx::NodeProto& node,
                                    const std::unordered_map<std::string, FoldedValue>& values) {
  if (node.op_type() != "If" || !IsOnnxDomain(node.domain()) || node.input_size() < 1) return nullptr;
  auto cond = values.find(node.input(0));
  if (cond == values.end() || cond->second.elements.size() != 1 || !cond->second.fully_known()) return nullptr;
  const char* name = *cond->second.elements[0].value != 0 ? "then_branch" : "else_branch";
  for (const auto& a : node.attribute())
    if (a.name() == name && a.has_g()) return &a.g();
  return nullptr;
}

// The names a graph defines at its own level: inputs, initializers and node outputs.
NameSet DefinedNames(const onnx::GraphProto& graph) {
  NameSet names;
  for (const auto& vi : graph.input()) names.insert(vi.name());
  for (const auto& t : graph.initializer()) names.insert(t.name());
  for (const auto& node : graph.node()) names.insert(node.output().begin(), node.output().end());
  return names;
}

// Whether `branch` can stand in for its If in the copy onnx infers: as many outputs, and none of its
// names already taken in the graph (ONNX forbids the reuse; a file that does it keeps its If).
bool Inlinable(const onnx::NodeProto& node, const onnx::GraphProto& branch, const NameSet& taken) {
  if (branch.output_size() != node.output_size()) return false;
  for (const auto& t : branch.initializer())
    if (taken.count(t.name())) return false;
  for (const auto& n : branch.node())
    for (const auto& o : n.output())
      if (taken.count(o)) return false;
  return true;
}

}  // namespace

bool InlineTakenBranches(const onnx::ModelProto* model, std::optional<onnx::ModelProto>* storage,
                         onnx::ModelProto** work, const std::unordered_map<std::string, FoldedValue>& values,
                         std::unordered_set<std::string>* inlined) {
  const auto& nodes = (*work)->graph().node();
  if (std::none_of(nodes.begin(), nodes.end(), [&](const onnx::NodeProto& n) { return TakenBranch(n, values); }))
    return false;
  if (!storage->has_value()) {
    storage->emplace(*model);
    *work = &**storage;
  }
  auto* graph = (*work)->mutable_graph();
  const NameSet defined = DefinedNames(*graph);
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  std::vector<onnx::TensorProto> initializers;
  bool replaced = false;
  for (const auto& node : graph->node()) {
    const onnx::GraphProto* branch = TakenBranch(node, values);
    if (branch == nullptr || !Inlinable(node, *branch, defined)) {
      *kept.Add() = node;
      continue;
    }
    replaced = true;
    for (const auto& t : branch->initializer()) {
      initializers.push_back(t);
      inlined->insert(t.name());
    }
    for (const auto& n : branch->node()) {
      *kept.Add() = n;
      inlined->insert(n.output().begin(), n.output().end());
    }
    for (int k = 0; k < node.output_size(); ++k) {
      auto* pass = kept.Add();
      pass->set_op_type("Identity");
      pass->set_name(node.name() + "/taken_branch_output_" + std::to_string(k));
      pass->add_input(branch->output(k).name());
      pass->add_output(node.output(k));
    }
  }
  if (!replaced) return false;
  graph->mutable_node()->Swap(&kept);  // `defined` viewed the old nodes' names: not used past here
  for (auto& t : initializers) *graph->add_initializer() = std::move(t);
  return true;
}

}  // namespace wsest
