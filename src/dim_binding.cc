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
