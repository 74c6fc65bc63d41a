// The order ONNX Runtime 1.29.0 runs a graph's nodes in, which decides which tensors are alive
// together and so every memory figure. ORT's sequential executor takes GraphViewer's default
// topological order (core/graph/graph_viewer.cc, the GraphViewer constructor): a depth-first walk
// backwards from the leaf nodes (those no other node reads), each node emitted after all the nodes
// it reads from (Graph::ReverseDFSFrom, "leave" order), the input nodes of each node pushed on the
// walk's stack sorted by node index (NodeCompare), so the input with the highest index is walked
// first. It is not the file's order: on PaddleOCR's detector (squeeze-excite blocks, an FPN) 77 of
// 330 nodes run elsewhere than the file puts them, and only this order reproduces the arena the
// 1.29.0 binary grew on the shadow device in run 1 (tests/shadow_arena_test.py).
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string_view>
#include <vector>

namespace wsest {

// Who reads whom, built once and shared by the checks and the order (a 100k-node graph paid 120 ms
// for hashing every name twice; bench/). Names are views into `graph`, which must outlive this.
struct GraphEdges {
  // Per node: the nodes whose outputs it reads, through its inputs or, for If/Loop/Scan, through
  // any node of its bodies (nested ones too); sorted, unique; the node itself only when an input
  // is its own output (a cycle; a body's read of it is not an edge). Node i's are
  // producer_nodes[producer_begin[i] .. producer_begin[i + 1]) (one array, not one per node).
  std::vector<int> producer_begin;
  std::vector<int> producer_nodes;
  size_t size() const { return producer_begin.empty() ? 0 : producer_begin.size() - 1; }
  // The first output two nodes make (by node duplicate_output_first, then duplicate_output_node);
  // null when none.
  std::optional<std::string_view> duplicate_output;
  int duplicate_output_first = -1, duplicate_output_node = -1;
  // The first input of a node that no node, initializer or graph input provides; null when none.
  std::optional<std::string_view> unprovided_input;
  int unprovided_input_node = -1;
};
// Looks the inputs up on `threads` threads (the caller's included); the edges are the same for any count.
GraphEdges BuildGraphEdges(const onnx::GraphProto& graph, int threads = 1);

// Node indices with every node after the ones it reads; nullopt when `edges` hold a cycle, then
// `cycle_node` is a node on or behind one.
std::optional<std::vector<int>> AnyTopologicalOrder(const GraphEdges& edges, int* cycle_node);

// Node indices of `graph` (checked by the edges: acyclic, every input provided, each output made
// once) in ORT's execution order.
// Constant nodes, which ORT turns into initializers before it builds its graph, come first in file
// order; node indices are file positions, which order the nodes as ORT's own indices do.
std::vector<int> OrtExecutionOrder(const onnx::GraphProto& graph, const GraphEdges& edges);

}  // namespace wsest
