// The branch an If runs when shape folding knows its condition (ORT's If::Compute reads the
// condition on the CPU before it runs a branch): inlined in place of the If in the copy of the graph
// onnx infers, so the tensors after it take that branch's shapes.
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "src/shape_folding.h"

namespace wsest {

// Replaces each If whose condition `values` know, and whose branch can stand in for it (as many
// outputs, none of its names already taken in the graph: ONNX forbids the reuse, and a file that
// does it keeps its If), by that branch's nodes and initializers and an Identity per output, in a
// copy of `model` made the first time (`storage`, then `*work` points at it). `inlined` gains the
// names the branches define. Whether any If was replaced.
bool InlineTakenBranches(const onnx::ModelProto* model, std::optional<onnx::ModelProto>* storage,
                         onnx::ModelProto** work, const std::unordered_map<std::string, FoldedValue>& values,
                         std::unordered_set<std::string>* inlined);

}  // namespace wsest
