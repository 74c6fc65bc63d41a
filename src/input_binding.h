// Binding a model's graph inputs to what the caller gives: symbolic dims (--dim), whole shapes
// (--input) and the contents of integer inputs (--value), each checked against what the file declares.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "src/shape_folding.h"
#include "wsest/model.h"
#include "wsest/result.h"

namespace wsest {

// Puts options.dims and options.input_shapes into the graph inputs of `model` (not those named in
// `initializer_names`: IR < 4 lists weights as inputs too). `symbolic_names` gains each dim name the
// inputs declare, in order of first appearance. An error names the flag, the input and the cause: a
// name the graph lacks, a rank or fixed dim the shape contradicts, a --dim that disagrees.
Result<bool> BindInputs(onnx::ModelProto* model, const ModelOptions& options, const std::string& label,
                        const std::unordered_set<std::string_view>& initializer_names,
                        std::vector<std::string>* symbolic_names);

// Whether an input of this element type takes a --value: the integer types and bool.
bool TakesInputValues(DataType type);

// options.input_values as folded values by input name, read after BindInputs. ORT reads an input's
// contents on the CPU where they decide a shape or a branch (a Reshape target, an If's condition on
// Silero VAD's sample rate, a Loop's trip count, TopK's k): the caller knows them, the file does not.
// Each input must be an integer or bool tensor whose shape is fully known and holds as many elements
// as values are given, each in its element type's range.
Result<std::unordered_map<std::string, FoldedValue>> InputValues(
    const onnx::GraphProto& graph, const ModelOptions& options, const std::string& label,
    const std::unordered_set<std::string_view>& initializer_names);

}  // namespace wsest
