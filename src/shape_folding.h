// Shapes as ONNX Runtime knows them at run time. onnx 1.12's inference (even with data propagation)
// stops at shape computations exporters write, such as paddle2onnx's
// Reshape(x, Concat(Slice-1(Shape(t)), [-1])): ORT computes those on the CPU before the Reshape
// runs, so every later tensor has a shape there. This folds the small integer tensors such
// computations make, with the bound dims, carries symbolic dims through where a value is only
// moved (Shape, Gather, Slice, Concat, ...), and re-runs onnx's inference with the folded values as
// initializers until no new shape appears. What is reachable follows ORT's own symbolic shape
// inference (onnxruntime/python/tools/symbolic_shape_infer.py, the _infer_* handlers of the ops
// folded here and its _update_computed_dims: a value is known when all its inputs are).
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "wsest/node_view.h"
#include "wsest/result.h"

namespace wsest {

// One element of a folded value: a known integer (any sign: Reshape's -1), a dim name, or neither
// (not known).
struct FoldedElement {
  std::optional<int64_t> value;
  std::string symbol;
  bool known() const { return value.has_value(); }
  static FoldedElement Known(int64_t v) { return FoldedElement{v, {}}; }
  static FoldedElement Symbolic(std::string name) { return FoldedElement{std::nullopt, std::move(name)}; }
};

// Values of a small integer tensor, in row-major order. Most are 0-D or 1-D; torch's F.pad export
// reshapes its pads to [-1, 2] to reverse and transpose them, so Reshape, Transpose, Slice, Cast and
// Identity also fold tensors of higher rank (`dims`), and every other fold refuses them.
struct FoldedValue {
  bool scalar = false;
  std::vector<FoldedElement> elements;
  std::vector<int64_t> dims;  // rank >= 2 only: the tensor's shape; empty for 0-D and 1-D
  bool fully_known() const;
  bool matrix() const { return !dims.empty(); }
};

struct FoldedShapes {
  // Every tensor of the main graph whose value was folded (known or partly symbolic).
  std::unordered_map<std::string, FoldedValue> values;
  int inference_runs = 0;  // the extra onnx inference runs folding asked for
};

// Folds `model` (already inferred once, nodes in execution order) in place: value_info gains the
// shapes the folded values settle. `propagated` is onnx's data-propagation output of the first run;
// `given` the values of graph inputs the caller knows (ModelOptions::input_values). An onnx
// inference failure in a re-run is an error naming the model.
Result<FoldedShapes> FoldShapes(onnx::ModelProto* model,
                                const std::unordered_map<std::string, onnx::TensorShapeProto>& propagated,
                                const std::unordered_map<std::string, FoldedValue>& given, const std::string& label);

// A 0-D or 1-D folded value in onnx's data-propagation form (a scalar is one dim, as onnx stores it):
// what InferShapes reads as the value of a tensor (its generated_shape_data_by_name).
onnx::TensorShapeProto AsShapeData(const FoldedValue& v);

// A fully known folded value as an initializer of `dtype` (int64, int32, float or double: the element
// type inference gave the tensor); nullopt for another type.
std::optional<onnx::TensorProto> FoldedInitializer(const std::string& name, const FoldedValue& v, DataType dtype);

}  // namespace wsest
