#include "src/dim_binding.h"

#include <fmt/format.h>

#include <algorithm>

#include "src/text.h"

namespace wsest {

Result<Model> BindPoint(const Model& model, const ModelOptions& base, const std::map<std::string, int64_t>& dims) {
  ModelOptions options = base;
  for (const auto& [name, value] : dims) options.dims[name] = value;
  return model.Rebind(options);
}

namespace {

bool SameTensor(const TensorInfo& a, const TensorInfo& b) {
  if (a.name != b.name || a.dtype != b.dtype || a.has_shape != b.has_shape || a.dims.size() != b.dims.size() ||
      a.is_initializer != b.is_initializer || a.int_values != b.int_values || a.shape_lost_at != b.shape_lost_at) {
    return false;
  }
  for (size_t i = 0; i < a.dims.size(); ++i)
    if (a.dims[i].value != b.dims[i].value || a.dims[i].symbol != b.dims[i].symbol) return false;
  return true;
}

bool SameTensors(const std::vector<TensorInfo>& a, const std::vector<TensorInfo>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), SameTensor);
}

}  // namespace

bool SameViews(const Model& a, const Model& b) {
  if (a.nodes().size() != b.nodes().size() || !SameTensors(a.inputs(), b.inputs()) ||
      !SameTensors(a.outputs(), b.outputs())) {
    return false;
  }
  for (size_t i = 0; i < a.nodes().size(); ++i) {
    const NodeView& x = a.nodes()[i];
    const NodeView& y = b.nodes()[i];
    if (x.name != y.name || x.op_type != y.op_type || x.domain != y.domain || x.opset != y.opset ||
        x.attributes != y.attributes || !x.subgraphs.empty() || !y.subgraphs.empty() ||
        !SameTensors(x.inputs, y.inputs) || !SameTensors(x.outputs, y.outputs)) {
      return false;
    }
  }
  return true;
}

Result<bool> CheckSymbolicDim(const Model& model, const ModelOptions& base, const std::string& dim,
                              const std::string& flag) {
  const auto& names = model.symbolic_dims();
  if (std::find(names.begin(), names.end(), dim) == names.end()) {
    return InvalidArgument(fmt::format("{} {}: {} has no symbolic dim named '{}'{}{}", flag, dim, model.path(), dim,
                                       DidYouMean(dim, names),
                                       names.empty() ? std::string("; it has no symbolic dims")
                                                     : fmt::format("; its symbolic dims are: {}", fmt::join(names, ", "))));
  }
  if (base.dims.count(dim)) {
    return InvalidArgument(fmt::format("{} {}: '{}' is also bound with --dim; give it one way", flag, dim, dim));
  }
  return true;
}

}  // namespace wsest
