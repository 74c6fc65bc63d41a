// Shape folding inside If, Loop and Scan bodies. onnx 1.12 infers a body in place, but neither its data
// propagation nor FoldShapes (shape_folding.h) reaches the shape computations a body holds, such as
// torch's F.pad export (Constant, ConstantOfShape, Concat, Reshape, Slice, Transpose and Cast into
// Pad's pads) in Silero VAD's stft branch. ORT runs a body as a graph of its own (core/framework/
// utils.cc ExecuteSubgraph), computing those values on the CPU before the nodes that read them, so
// every body tensor has a shape there.
#pragma once

#include <onnx/onnx_pb.h>

#include "src/shape_folding.h"

namespace wsest {

// Folds every body of `model`'s main graph, and the bodies nested in them, after FoldShapes folded the
// main graph into `folded`. Each body is folded as a model of its own: the outer-scope values it
// reads become graph inputs with the enclosing graph's types, or initializers where the enclosing
// fold knows them; onnx infers it, FoldShapes folds it, and a tensor's shape replaces the one the
// body had only where it knows more (a shape where there was none, or more known dims). A body that
// onnx cannot infer this way keeps its shapes.
void FoldBodies(onnx::ModelProto* model, const FoldedShapes& folded);

}  // namespace wsest
