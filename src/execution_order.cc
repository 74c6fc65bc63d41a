#include "src/execution_order.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace wsest {
namespace {

// Values read inside a node's subgraphs (If/Loop/Scan bodies, nested ones too): ORT gives the node
// an input edge for each one the outer graph produces (its implicit inputs).
void SubgraphReads(const onnx::GraphProto& body, std::vector<std::string_view>* out) {
  for (const auto& node : body.node()) {
    for (const auto& in : node.input()) out->push_back(in);
    for (const auto& attr : node.attribute()) {
      if (attr.has_g()) SubgraphReads(attr.g(), out);
      for (const auto& g : attr.graphs()) SubgraphReads(g, out);
    }
  }
}

}  // namespace

std::vector<int> OrtExecutionOrder(const onnx::GraphProto& graph) {
  const int n = graph.node_size();
  auto folded = [&](int i) { return graph.node(i).op_type() == "Constant" && graph.node(i).domain().empty(); };
  std::unordered_map<std::string_view, int> producer;
  producer.reserve(static_cast<size_t>(n) * 2);
  for (int i = 0; i < n; ++i) {
    if (folded(i)) continue;
    for (const auto& out : graph.node(i).output())
      if (!out.empty()) producer.emplace(out, i);
  }
  // Input nodes per node, sorted by index; a node read by no other node is a leaf.
  std::vector<std::vector<int>> inputs(static_cast<size_t>(n));
  std::vector<bool> read(static_cast<size_t>(n), false);
  std::vector<std::string_view> names;
  for (int i = 0; i < n; ++i) {
    if (folded(i)) continue;
    names.assign(graph.node(i).input().begin(), graph.node(i).input().end());
    for (const auto& attr : graph.node(i).attribute()) {
      if (attr.has_g()) SubgraphReads(attr.g(), &names);
      for (const auto& g : attr.graphs()) SubgraphReads(g, &names);
    }
    auto& in = inputs[static_cast<size_t>(i)];
    for (std::string_view name : names) {
      auto it = producer.find(name);
      if (it != producer.end() && it->second != i) in.push_back(it->second);
    }
    std::sort(in.begin(), in.end());
    in.erase(std::unique(in.begin(), in.end()), in.end());
    for (int p : in) read[static_cast<size_t>(p)] = true;
  }

  std::vector<int> order;
  order.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    if (folded(i)) order.push_back(i);
  // Graph::ReverseDFSFrom: a stack of (node, leaving); leaves pushed in index order, so the last is
  // walked first; a node is emitted when it is left, after everything pushed above it.
  std::vector<std::pair<int, bool>> stack;
  for (int i = 0; i < n; ++i)
    if (!folded(i) && !read[static_cast<size_t>(i)]) stack.emplace_back(i, false);
  std::vector<bool> visited(static_cast<size_t>(n), false);
  while (!stack.empty()) {
    const auto [node, leaving] = stack.back();
    stack.pop_back();
    if (leaving) {
      order.push_back(node);
      continue;
    }
    if (visited[static_cast<size_t>(node)]) continue;
    visited[static_cast<size_t>(node)] = true;
    stack.emplace_back(node, true);
    for (int p : inputs[static_cast<size_t>(node)]) stack.emplace_back(p, false);
  }
  return order;
}

}  // namespace wsest
