#include "src/execution_order.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
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

bool IsConstantNode(const onnx::NodeProto& node) { return node.op_type() == "Constant" && node.domain().empty(); }

}  // namespace

GraphEdges BuildGraphEdges(const onnx::GraphProto& graph) {
  const int n = graph.node_size();
  GraphEdges edges;
  std::unordered_map<std::string_view, int> producer;
  producer.reserve(static_cast<size_t>(n) * 2);
  for (int i = 0; i < n && !edges.duplicate_output; ++i) {
    for (const auto& out : graph.node(i).output()) {
      if (out.empty()) continue;
      auto [it, inserted] = producer.emplace(out, i);
      if (!inserted) {
        edges.duplicate_output = out;
        edges.duplicate_output_first = it->second;
        edges.duplicate_output_node = i;
        break;
      }
    }
  }
  std::unordered_set<std::string_view> provided;
  provided.reserve(static_cast<size_t>(graph.input_size() + graph.initializer_size() + graph.sparse_initializer_size()));
  for (const auto& in : graph.input()) provided.insert(in.name());
  for (const auto& t : graph.initializer()) provided.insert(t.name());
  for (const auto& t : graph.sparse_initializer()) provided.insert(t.values().name());

  edges.producers.resize(static_cast<size_t>(n));
  std::vector<std::string_view> body_reads;
  for (int i = 0; i < n; ++i) {
    const auto& node = graph.node(i);
    auto& from = edges.producers[static_cast<size_t>(i)];
    for (const auto& in : node.input()) {
      if (in.empty()) continue;
      auto it = producer.find(in);
      if (it != producer.end()) {
        if (it->second != i) from.push_back(it->second);
      } else if (!edges.unprovided_input && !provided.count(in)) {
        edges.unprovided_input = in;
        edges.unprovided_input_node = i;
      }
    }
    // A body's own names are not in `producer`; the outer values it reads are edges.
    body_reads.clear();
    for (const auto& attr : node.attribute()) {
      if (attr.has_g()) SubgraphReads(attr.g(), &body_reads);
      for (const auto& g : attr.graphs()) SubgraphReads(g, &body_reads);
    }
    for (std::string_view name : body_reads) {
      auto it = producer.find(name);
      if (it != producer.end() && it->second != i) from.push_back(it->second);
    }
    std::sort(from.begin(), from.end());
    from.erase(std::unique(from.begin(), from.end()), from.end());
  }
  return edges;
}

std::optional<std::vector<int>> AnyTopologicalOrder(const GraphEdges& edges, int* cycle_node) {
  const size_t n = edges.producers.size();
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (size_t i = 0; i < n; ++i) {
    pending[i] = static_cast<int>(edges.producers[i].size());
    for (int p : edges.producers[i]) consumers[static_cast<size_t>(p)].push_back(static_cast<int>(i));
  }
  std::vector<int> order, ready;
  order.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.push_back(static_cast<int>(i));
  while (!ready.empty()) {
    const int i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (int c : consumers[static_cast<size_t>(i)])
      if (--pending[static_cast<size_t>(c)] == 0) ready.push_back(c);
  }
  if (order.size() == n) return order;
  for (size_t i = 0; i < n; ++i)
    if (pending[i] > 0) {
      *cycle_node = static_cast<int>(i);
      break;
    }
  return std::nullopt;
}

std::vector<int> OrtExecutionOrder(const onnx::GraphProto& graph) { return OrtExecutionOrder(graph, BuildGraphEdges(graph)); }

std::vector<int> OrtExecutionOrder(const onnx::GraphProto& graph, const GraphEdges& edges) {
  const int n = graph.node_size();
  auto folded = [&](int i) { return IsConstantNode(graph.node(i)); };
  // Input nodes per node, sorted by index, Constant nodes left out (ORT made them initializers);
  // a node read by no other node is a leaf.
  std::vector<std::vector<int>> inputs(static_cast<size_t>(n));
  std::vector<bool> read(static_cast<size_t>(n), false);
  for (int i = 0; i < n; ++i) {
    if (folded(i)) continue;
    auto& in = inputs[static_cast<size_t>(i)];
    for (int p : edges.producers[static_cast<size_t>(i)])
      if (!folded(p)) in.push_back(p);
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
