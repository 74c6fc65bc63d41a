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

#include <vector>

namespace wsest {

// Node indices of `graph` (already checked acyclic, every input produced) in ORT's execution order.
// Constant nodes, which ORT turns into initializers before it builds its graph, come first in file
// order; node indices are file positions, which order the nodes as ORT's own indices do.
std::vector<int> OrtExecutionOrder(const onnx::GraphProto& graph);

}  // namespace wsest
