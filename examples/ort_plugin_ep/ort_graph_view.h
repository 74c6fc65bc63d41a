// Reads an OrtGraph through ONNX Runtime 1.29.0's graph API (OrtGraph / OrtNode / OrtValueInfo
// accessors of the C API) into wsest::NodeViews: the EP side of DESIGN.md principle 1, the same
// view the CLI builds from a ModelProto.
#pragma once

#include <onnxruntime_c_api.h>
#include <wsest/node_view.h>

#include <string>
#include <vector>

namespace wsest_ep {

// One node of an OrtGraph and the view wsest estimates.
struct GraphNode {
  const OrtNode* node = nullptr;
  wsest::NodeView view;
  // Inputs and outputs whose dtype or shape ORT had not inferred when the graph was read.
  size_t values_without_shape = 0;
};

struct GraphRead {
  std::vector<GraphNode> nodes;  // ORT's stable topological order
  std::string parent_node;       // for a nested subgraph (If, Loop, Scan): the node that holds it
  bool nested = false;
  std::string error;  // empty on success: names the node and the call that failed
};

// Every node of `graph`: op type, domain, the opset the model imports for that domain, attributes,
// inputs and outputs (name, dtype, dims with symbols, initializer-ness, small inline int values);
// an omitted optional input or output is a TensorInfo with an empty name.
GraphRead ReadGraph(const OrtApi& api, const OrtGraph* graph);

}  // namespace wsest_ep
