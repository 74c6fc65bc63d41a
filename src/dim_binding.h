// Binding one symbolic dim to a value over a model's other bindings: shared by the range
// evaluation (src/plan.cc) and the max-dim search (src/max_dim_search.cc).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "wsest/model.h"

namespace wsest {

// `model` re-bound with `base`'s dims plus `dims`.
Result<Model> BindPoint(const Model& model, const ModelOptions& base, const std::map<std::string, int64_t>& dims);

// Whether two bindings of one graph give every node, graph input and output the same view: names,
// ops, attributes and every tensor's dtype, shape, values and lost-shape note. The check that lets
// a search trust Model::Substitute where it would call Rebind.
bool SameViews(const Model& a, const Model& b);

// `dim` names one of the model's symbolic dims that `base` leaves free; the error names `flag`.
Result<bool> CheckSymbolicDim(const Model& model, const ModelOptions& base, const std::string& dim,
                              const std::string& flag);

}  // namespace wsest
