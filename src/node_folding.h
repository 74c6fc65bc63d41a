// Folding one node: the small integer tensor an op computes from its inputs' folded values (or,
// for Shape and Size, from an input's dims), as ORT computes shape tensors on the CPU before the
// nodes that read them. FoldShapes (shape_folding.h) walks a graph with it.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/shape_folding.h"
#include "wsest/node_view.h"

namespace wsest {

// Larger values are not shape computations; ORT's symbolic inference folds only small ones too.
constexpr size_t kMaxFoldedElements = 1024;

// Whether a dim name is one onnx's inference invented (unk__N): it names no dim of the model.
bool IsInvented(const std::string& symbol);

// An INT attribute of `node`, or `fallback` when it has none.
int64_t IntAttr(const onnx::NodeProto& node, const std::string& name, int64_t fallback);

// Folds one node given the values of its inputs (null where not folded) and the shapes of its
// inputs (null where unknown); the outputs it folds are written to `out`.
void FoldNode(const onnx::NodeProto& node, int opset, const std::vector<const FoldedValue*>& inputs,
              const std::vector<const TensorInfo*>& shapes, std::vector<std::optional<FoldedValue>>* out);

}  // namespace wsest
