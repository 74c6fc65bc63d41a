// Fit by layers: which of a model's layers stay on the GPU so that the device memory ORT 1.29.0
// holds (include/wsest/verdict.h) stays within a budget, and the session config entry that makes
// ORT run exactly that plan.
//
// ORT's capacity-aware partitioning stops at the first node that does not fit and sends the rest to
// the CPU; this plans whole layers instead. Layers are found in node names as exporters write them
// ("layer3/", "/model/layers.12/", "encoder.layer.3.", "h.7.", "blocks.2/"), or by a pattern the user
// gives. The plan keeps the first k layers on the GPU, the largest k whose session fits, replaying
// the session with the other layers' nodes on the CPU EP (a node outside every layer, such as the
// embeddings or a language model's head, goes with the layer before it in execution order, or with
// the first layer): their weights stay on the host, and their values that CUDA nodes read are copied to the device
// (the allocation planner's MemcpyFromHost buffers). ORT 1.29.0 applies it through
// session.name_based_layer_assignment: `device(pattern, ...); device(...)` (core/framework/
// layering_annotations.cc LayeringRules::FromConfigString), where the 1.29.0 binary matches each
// pattern as a substring of the node name and refuses the '=' qualifier the annotation-based key
// takes ("Name-based layer assignment does not support the '=' (exact-match) qualifier", seen on
// the shadow device). A layer's prefix ends with its separator, so "layer1/" is not in "layer11/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/result.h"
#include "wsest/target.h"
#include "wsest/verdict.h"

namespace wsest {

struct Layer {
  std::string prefix;         // the node-name prefix that names it, e.g. "/model/layers.12/"
  std::vector<size_t> nodes;  // indices in Model::nodes()
  std::vector<size_t> outside;  // nodes in no layer that go with this one (PlanLayers)
};

// The layers of `model` in execution order of their first node. `pattern` (ECMAScript regex), when
// not empty, replaces the default: its first capture group, matched at the start of a node name,
// is the layer's prefix. Errors: a pattern that does not compile or has no capture group.
Result<std::vector<Layer>> GroupLayers(const Model& model, const std::string& pattern = "");

// `estimate` with the given nodes (indices in Model::nodes()) on the CPU EP: variant cpu_ep, no
// device scratch, as the allocation planner then treats them (src/allocation_plan.cc).
ModelEstimate PlacedOnCpu(const ModelEstimate& estimate, const std::vector<size_t>& nodes);

struct LayerPlan {
  uint64_t budget = 0;
  std::vector<Layer> layers;
  size_t gpu_layers = 0;             // the first gpu_layers layers stay on the GPU
  bool tail_on_cpu = false;          // every layer on the GPU, the nodes after the last on the CPU
  size_t outside_nodes = 0;          // nodes in no layer (embeddings, head), each with a layer
  size_t unnamed_cpu_nodes = 0;      // of those on the CPU, ones the config cannot name (unnamed, or a
                                     // name other GPU nodes contain): ORT places them itself
  std::optional<FitAnswer> answer;   // the replay of the plan (absent when no layer was found)
  std::vector<std::string> probes;   // "k=12 fits", in the order evaluated
  // session.name_based_layer_assignment's value; empty when every layer stays on the GPU.
  std::string name_based_layer_assignment;
};

// The plan for `budget`: every layer on the GPU if that fits, then every layer with the nodes after
// the last one (a head) on the CPU, else the largest k whose replay fits (bisection over k,
// assuming fewer GPU layers never need more), with the verdict it rests on; k = 0 with that answer
// when not even the layers' outside fits.
Result<LayerPlan> PlanLayers(const Model& model, const ModelEstimate& estimate, const PeakPlan& plan,
                             const Target& target, uint64_t budget, const std::string& pattern = "");

}  // namespace wsest
