// ORT's CPU fallback for shape computations (onnxruntime 1.29.0 core/framework/
// fallback_cpu_capability.cc GetCpuPreferredNodes, called from the CUDA EP's GetCapability): starting
// at the host outputs of the nodes the CUDA EP would take (Shape, Size), it walks their consumers in
// topological order and moves to the CPU EP every node whose inputs are all host tensors, graph
// inputs or small initializers (at most 100 elements) of no 16-bit or 8-bit float type, unless it reads
// a host tensor through an input its CUDA kernel itself takes in host memory (a Reshape's shape). What
// moves spreads: its outputs are host tensors for the next consumers.
#pragma once

#include <vector>

#include "wsest/model.h"

namespace wsest {

// `cuda[i]`: the CUDA EP would take node i (it has a CUDA kernel and GetCapability does not decline
// it). Returns, per node, whether ORT moves it to the CPU EP all the same.
std::vector<bool> CpuPreferredNodes(const Model& model, const std::vector<bool>& cuda);

// The same over one graph's nodes in topological order and its graph inputs: a body's (Subgraph), whose
// outer-scope reads carry the enclosing graph's TensorInfo (an outer initializer is one here too, as
// IsSmallInitializer looks it up in the outer scopes).
std::vector<bool> CpuPreferredNodes(const std::vector<NodeView>& nodes, const std::vector<TensorInfo>& inputs,
                                    const std::vector<bool>& cuda);

}  // namespace wsest
