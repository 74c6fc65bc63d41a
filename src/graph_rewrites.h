// Rewrites ONNX Runtime's default graph optimizations would make to a model before it plans memory.
// ORT 1.29.0 runs its optimizers (SessionOptions graph_optimization_level, ORT_ENABLE_ALL by default)
// before the allocation planner, so the graph it runs can hold fewer, fused nodes: a Conv absorbs
// the BatchNormalization after it, a MatMul and its bias Add become one node, a LayerNormalization
// and the residual Add before it become SkipLayerNormalization, and so on. wsest estimates the graph
// it is given; this finds the patterns those optimizers rewrite so that the report can say the
// figures are for an unoptimized graph, and how to get the graph ORT runs (README: "The graph ORT
// runs"). It recognises common patterns, not every rule: no pattern found does not prove the graph
// is already optimized.
#pragma once

#include <string>
#include <vector>

#include "wsest/model.h"

namespace wsest {

struct GraphRewrite {
  std::string rule;    // ORT's transformer, e.g. "ConvBNFusion"
  std::string what;    // "Conv + BatchNormalization"
  size_t count = 0;    // places in the graph
  std::string first;   // the first node's label
};

// The rewrites found in `model`'s main graph, in a fixed order; empty when none.
std::vector<GraphRewrite> FindGraphRewrites(const Model& model);

}  // namespace wsest
