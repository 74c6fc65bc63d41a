#include "src/input_binding.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>
#include <optional>
#include <set>

#include "src/text.h"

namespace wsest {
namespace {

// The graph's inputs that are not weights: what a flag naming a missing one suggests.
std::vector<std::string> FedInputNames(const onnx::GraphProto& graph,
                                       const std::unordered_set<std::string_view>& initializer_names) {
  std::vector<std::string> names;
  for (const auto& in : graph.input())
    if (!initializer_names.count(in.name())) names.push_back(in.name());
  return names;
}

// The closed range a value of an integer or bool element type holds; nullopt for any other type.
std::optional<std::pair<int64_t, int64_t>> ValueRange(int32_t elem_type) {
  using T = onnx::TensorProto;
  auto of = [](auto zero) {
    using V = decltype(zero);
    return std::make_pair<int64_t, int64_t>(static_cast<int64_t>(std::numeric_limits<V>::min()),
                                            static_cast<int64_t>(std::numeric_limits<V>::max()));
  };
  switch (elem_type) {
    case T::BOOL:
      return std::make_pair<int64_t, int64_t>(0, 1);
    case T::INT8:
      return of(int8_t{});
    case T::UINT8:
      return of(uint8_t{});
    case T::INT16:
      return of(int16_t{});
    case T::UINT16:
      return of(uint16_t{});
    case T::INT32:
      return of(int32_t{});
    case T::UINT32:
      return of(uint32_t{});
    case T::INT64:
      return of(int64_t{});
    // Above 2^63 - 1 a uint64 does not fit the int64 values folding carries: the range stops there.
    case T::UINT64:
      return std::make_pair<int64_t, int64_t>(0, std::numeric_limits<int64_t>::max());
    default:
      return std::nullopt;
  }
}

std::string ShapeText(const onnx::TensorShapeProto& shape) {
  std::vector<std::string> dims;
  for (const auto& d : shape.dim())
    dims.push_back(d.has_dim_value() ? std::to_string(d.dim_value()) : d.dim_param().empty() ? "?" : d.dim_param());
  return fmt::format("[{}]", fmt::join(dims, ", "));
}

}  // namespace

Result<bool> BindInputs(onnx::ModelProto* model, const ModelOptions& options, const std::string& label,
                        const std::unordered_set<std::string_view>& initializer_names,
                        std::vector<std::string>* symbolic_names) {
  auto* graph = model->mutable_graph();

  std::set<std::string> used_dims;
  std::set<std::string> used_inputs;
  // A set beside the ordered list: a hostile input with 10^6 distinct dim names stays linear.
  std::unordered_set<std::string> seen_symbols(symbolic_names->begin(), symbolic_names->end());
  for (auto& input : *graph->mutable_input()) {
    if (initializer_names.count(input.name())) continue;  // IR < 4 lists weights as inputs too
    auto given = options.input_shapes.find(input.name());
    if (!input.type().has_tensor_type()) {
      // Sequences, maps and optionals keep their type; only tensors take --input shapes.
      if (given != options.input_shapes.end())
        return InvalidArgument(fmt::format("{}: --input {}: the input is not a tensor", label, input.name()));
      continue;
    }
    auto* tt = input.mutable_type()->mutable_tensor_type();
    if (given != options.input_shapes.end()) {
      used_inputs.insert(input.name());
      if (tt->has_shape() && tt->shape().dim_size() != static_cast<int>(given->second.size())) {
        return InvalidArgument(fmt::format("{}: --input {}: {} dims given, the model declares rank {}", label,
                                           input.name(), given->second.size(), tt->shape().dim_size()));
      }
      // A fixed dim the input contradicts is an error: ORT refuses such a feed (InferenceSession::
      // ValidateInputs, "Got invalid dimensions for input").
      for (int k = 0; tt->has_shape() && k < tt->shape().dim_size(); ++k) {
        const auto& declared = tt->shape().dim(k);
        const int64_t want = given->second[static_cast<size_t>(k)];
        if (declared.has_dim_value() && declared.dim_value() != want) {
          return InvalidArgument(
              fmt::format("{}: --input {}: dim {} is {}, but the model fixes it at {} (ORT would "
                          "refuse this input)",
                          label, input.name(), k, want, declared.dim_value()));
        }
        if (declared.dim_param().empty()) continue;
        // The symbols an --input replaces are still the model's: a --dim naming one must agree.
        const std::string symbol = declared.dim_param();
        if (seen_symbols.insert(symbol).second) symbolic_names->push_back(symbol);
        auto bound = options.dims.find(symbol);
        if (bound == options.dims.end()) continue;
        used_dims.insert(symbol);
        if (bound->second != want) {
          return InvalidArgument(fmt::format("{}: --input {} gives dim {} = {}, but --dim {}={}", label, input.name(),
                                             k, want, symbol, bound->second));
        }
      }
      auto* shape = tt->mutable_shape();
      shape->clear_dim();
      for (int64_t d : given->second) {
        if (d < 0) return InvalidArgument(fmt::format("{}: --input {}: negative dim {}", label, input.name(), d));
        shape->add_dim()->set_dim_value(d);
      }
      continue;
    }
    if (!tt->has_shape()) continue;
    for (int k = 0; k < tt->shape().dim_size(); ++k) {
      auto* dim = tt->mutable_shape()->mutable_dim(k);
      if (dim->has_dim_value()) {
        if (dim->dim_value() < 0) {
          return InvalidArgument(
              fmt::format("{}: graph input '{}' dim {} is negative ({})", label, input.name(), k, dim->dim_value()));
        }
        continue;
      }
      if (dim->dim_param().empty()) continue;
      const std::string symbol = dim->dim_param();
      if (seen_symbols.insert(symbol).second) symbolic_names->push_back(symbol);
      auto bound = options.dims.find(symbol);
      if (bound == options.dims.end()) continue;
      used_dims.insert(symbol);
      dim->set_dim_value(bound->second);  // clears dim_param (oneof)
    }
  }
  for (const auto& [name, value] : options.dims) {
    if (value < 0) return InvalidArgument(fmt::format("--dim {}={}: a dim cannot be negative", name, value));
    if (!used_dims.count(name)) {
      return InvalidArgument(fmt::format(
          "--dim {}: {} has no symbolic dim named '{}'{}{}", name, label, name, DidYouMean(name, *symbolic_names),
          symbolic_names->empty() ? std::string("; it has no symbolic dims")
                                  : fmt::format("; its symbolic dims are: {}", fmt::join(*symbolic_names, ", "))));
    }
  }
  for (const auto& [name, dims] : options.input_shapes) {
    if (!used_inputs.count(name)) {
      return InvalidArgument(fmt::format("--input {}: {} has no graph input named '{}'{}", name, label, name,
                                         DidYouMean(name, FedInputNames(*graph, initializer_names))));
    }
  }
  return true;
}

bool TakesInputValues(DataType type) { return ValueRange(static_cast<int32_t>(type)).has_value(); }

Result<std::unordered_map<std::string, FoldedValue>> InputValues(
    const onnx::GraphProto& graph, const ModelOptions& options, const std::string& label,
    const std::unordered_set<std::string_view>& initializer_names) {
  std::unordered_map<std::string, FoldedValue> given;
  for (const auto& [name, values] : options.input_values) {
    const onnx::ValueInfoProto* input = nullptr;
    for (const auto& in : graph.input())
      if (in.name() == name && !initializer_names.count(in.name())) input = &in;
    if (input == nullptr) {
      return InvalidArgument(fmt::format("--value {}: {} has no graph input named '{}'{}", name, label, name,
                                         DidYouMean(name, FedInputNames(graph, initializer_names))));
    }
    if (!input->type().has_tensor_type())
      return InvalidArgument(fmt::format("--value {}: the input is not a tensor", name));
    const auto& tt = input->type().tensor_type();
    const auto range = ValueRange(tt.elem_type());
    if (!range) {
      return InvalidArgument(
          fmt::format("--value {}: the input's elements are {}; only integer and bool inputs take "
                      "values (what decides shapes and branches)",
                      name, DataTypeName(static_cast<DataType>(tt.elem_type()))));
    }
    // ORT refuses a feed whose element count is not its shape's (InferenceSession::ValidateInputs).
    uint64_t count = 1;
    bool known = tt.has_shape(), overflow = false;
    for (int k = 0; known && k < tt.shape().dim_size(); ++k) {
      known = tt.shape().dim(k).has_dim_value();  // BindInputs checked each known dim is >= 0
      if (known)
        overflow |= __builtin_mul_overflow(count, static_cast<uint64_t>(tt.shape().dim(k).dim_value()), &count);
    }
    if (!known) {
      return InvalidArgument(
          fmt::format("--value {}: the input's shape {} is not fully known; give it with --input "
                      "{}=d0,d1,... or --dim",
                      name, tt.has_shape() ? ShapeText(tt.shape()) : "(none declared)", name));
    }
    if (overflow || count != values.size()) {
      return InvalidArgument(fmt::format("--value {}: {} value(s) given, but its shape {} holds {}", name,
                                         values.size(), ShapeText(tt.shape()),
                                         overflow ? "over 2^64" : std::to_string(count)));
    }
    FoldedValue v;
    v.scalar = tt.shape().dim_size() == 0;
    if (tt.shape().dim_size() >= 2)
      for (const auto& d : tt.shape().dim()) v.dims.push_back(d.dim_value());
    for (int64_t x : values) {
      if (x < range->first || x > range->second) {
        return InvalidArgument(fmt::format("--value {}: {} is out of range for its elements ({}: {} .. {})", name, x,
                                           DataTypeName(static_cast<DataType>(tt.elem_type())), range->first,
                                           range->second));
      }
      v.elements.push_back(FoldedElement::Known(x));
    }
    given.emplace(name, std::move(v));
  }
  return given;
}

}  // namespace wsest
