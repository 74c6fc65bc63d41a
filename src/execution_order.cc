#include "src/execution_order.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "src/block_threads.h"
#include "src/name_index.h"

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

GraphEdges BuildGraphEdges(const onnx::GraphProto& graph, int threads) {
  const int n = graph.node_size();
  GraphEdges edges;
  constexpr int kAhead = 4;  // nodes whose names are prefetched ahead of their lookup (NameIndex::Prefetch)
  // Outputs by name, and the node making each (src/name_index.h: flat, one probe a lookup).
  NameIndex outputs(static_cast<size_t>(n) * 2);
  std::vector<int> producer_of;
  producer_of.reserve(static_cast<size_t>(n) * 2);
  for (int i = 0; i < n && !edges.duplicate_output; ++i) {
    if (i + kAhead < n)
      for (const auto& name : graph.node(i + kAhead).output()) outputs.Prefetch(name);
    for (const auto& out : graph.node(i).output()) {
      if (out.empty()) continue;
      auto [at, added] = outputs.Add(out);
      if (!added) {
        edges.duplicate_output = out;
        edges.duplicate_output_first = producer_of[at];
        edges.duplicate_output_node = i;
        break;
      }
      producer_of.push_back(i);
    }
  }
  auto producer = [&](std::string_view name) {
    const uint32_t at = outputs.Find(name);
    return at == NameIndex::kAbsent ? -1 : producer_of[at];
  };
  NameIndex provided(static_cast<size_t>(graph.input_size() + graph.initializer_size() +
                                         graph.sparse_initializer_size()));
  for (const auto& in : graph.input()) provided.Add(in.name());
  for (const auto& t : graph.initializer()) provided.Add(t.name());
  for (const auto& t : graph.sparse_initializer()) provided.Add(t.values().name());

  // Each node's producers. The lookups only read the indexes, so blocks of nodes are looked up on
  // `threads` threads (each lookup is a cache miss or two at 100k nodes), then joined in node order.
  struct Block {
    std::vector<int> begin, nodes;  // as producer_begin and producer_nodes, from 0 in each block
    std::optional<std::string_view> unprovided_input;
    int unprovided_input_node = -1;
  };
  constexpr size_t kBlock = 4096;
  std::vector<Block> blocks((static_cast<size_t>(n) + kBlock - 1) / kBlock);
  ForEachBlock(static_cast<size_t>(n), kBlock, threads, [&](size_t first, size_t last) {
    Block& block = blocks[first / kBlock];
    block.begin.reserve(last - first);
    block.nodes.reserve((last - first) * 2);
    std::vector<std::string_view> body_reads;
    std::vector<int> from;
    for (int i = static_cast<int>(first); i < static_cast<int>(last); ++i) {
      if (i + kAhead < static_cast<int>(last))
        for (const auto& name : graph.node(i + kAhead).input()) outputs.Prefetch(name);
      const auto& node = graph.node(i);
      from.clear();
      for (const auto& in : node.input()) {
        if (in.empty()) continue;
        const int p = producer(in);
        if (p >= 0) {
          from.push_back(p);  // itself too: a node reading its own output is a cycle
        } else if (!block.unprovided_input && provided.Find(in) == NameIndex::kAbsent) {
          block.unprovided_input = in;
          block.unprovided_input_node = i;
        }
      }
      // A body's own names are not in `producer`; the outer values it reads are edges.
      body_reads.clear();
      for (const auto& attr : node.attribute()) {
        if (attr.has_g()) SubgraphReads(attr.g(), &body_reads);
        for (const auto& g : attr.graphs()) SubgraphReads(g, &body_reads);
      }
      for (std::string_view name : body_reads) {
        const int p = producer(name);
        if (p >= 0 && p != i) from.push_back(p);
      }
      std::sort(from.begin(), from.end());
      from.erase(std::unique(from.begin(), from.end()), from.end());
      block.begin.push_back(static_cast<int>(block.nodes.size()));
      block.nodes.insert(block.nodes.end(), from.begin(), from.end());
    }
    return true;
  });
  edges.producer_begin.reserve(static_cast<size_t>(n) + 1);
  size_t total = 0;
  for (const Block& block : blocks) total += block.nodes.size();
  edges.producer_nodes.reserve(total);
  for (const Block& block : blocks) {
    if (!edges.unprovided_input && block.unprovided_input) {
      edges.unprovided_input = block.unprovided_input;
      edges.unprovided_input_node = block.unprovided_input_node;
    }
    const int offset = static_cast<int>(edges.producer_nodes.size());
    for (int b : block.begin) edges.producer_begin.push_back(offset + b);
    edges.producer_nodes.insert(edges.producer_nodes.end(), block.nodes.begin(), block.nodes.end());
  }
  edges.producer_begin.push_back(static_cast<int>(edges.producer_nodes.size()));
  return edges;
}

std::optional<std::vector<int>> AnyTopologicalOrder(const GraphEdges& edges, int* cycle_node) {
  const size_t n = edges.size();
  const auto& begin = edges.producer_begin;
  // Consumers per node, flat as the producers are: counted, then placed.
  std::vector<int> consumer_begin(n + 1, 0), consumers(edges.producer_nodes.size());
  for (int p : edges.producer_nodes) ++consumer_begin[static_cast<size_t>(p) + 1];
  for (size_t i = 0; i < n; ++i) consumer_begin[i + 1] += consumer_begin[i];
  std::vector<int> fill(consumer_begin.begin(), consumer_begin.end() - 1);
  std::vector<int> pending(n, 0);
  for (size_t i = 0; i < n; ++i) {
    pending[i] = begin[i + 1] - begin[i];
    for (int k = begin[i]; k < begin[i + 1]; ++k)
      consumers[static_cast<size_t>(fill[static_cast<size_t>(edges.producer_nodes[static_cast<size_t>(k)])]++)] =
          static_cast<int>(i);
  }
  std::vector<int> order, ready;
  order.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.push_back(static_cast<int>(i));
  while (!ready.empty()) {
    const int i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (int k = consumer_begin[static_cast<size_t>(i)]; k < consumer_begin[static_cast<size_t>(i) + 1]; ++k) {
      const int c = consumers[static_cast<size_t>(k)];
      if (--pending[static_cast<size_t>(c)] == 0) ready.push_back(c);
    }
  }
  if (order.size() == n) return order;
  for (size_t i = 0; i < n; ++i)
    if (pending[i] > 0) {
      *cycle_node = static_cast<int>(i);
      break;
    }
  return std::nullopt;
}

std::vector<int> OrtExecutionOrder(const onnx::GraphProto& graph, const GraphEdges& edges) {
  const int n = graph.node_size();
  // A node's input nodes are its producers (sorted by index) but Constant nodes (ORT made them
  // initializers); a node read by no other node is a leaf.
  const auto& begin = edges.producer_begin;
  const auto& producers = edges.producer_nodes;
  std::vector<bool> is_folded(static_cast<size_t>(n)), read(static_cast<size_t>(n), false);
  for (int i = 0; i < n; ++i) is_folded[static_cast<size_t>(i)] = IsConstantNode(graph.node(i));
  for (int i = 0; i < n; ++i) {
    if (is_folded[static_cast<size_t>(i)]) continue;
    for (int k = begin[static_cast<size_t>(i)]; k < begin[static_cast<size_t>(i) + 1]; ++k) {
      const int p = producers[static_cast<size_t>(k)];
      if (!is_folded[static_cast<size_t>(p)]) read[static_cast<size_t>(p)] = true;
    }
  }

  std::vector<int> order;
  order.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    if (is_folded[static_cast<size_t>(i)]) order.push_back(i);
  // Graph::ReverseDFSFrom: a stack of (node, leaving); leaves pushed in index order, so the last is
  // walked first; a node is emitted when it is left, after everything pushed above it.
  std::vector<std::pair<int, bool>> stack;
  for (int i = 0; i < n; ++i)
    if (!is_folded[static_cast<size_t>(i)] && !read[static_cast<size_t>(i)]) stack.emplace_back(i, false);
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
    for (int k = begin[static_cast<size_t>(node)]; k < begin[static_cast<size_t>(node) + 1]; ++k) {
      const int p = producers[static_cast<size_t>(k)];
      if (!is_folded[static_cast<size_t>(p)]) stack.emplace_back(p, false);
    }
  }
  return order;
}

}  // namespace wsest
