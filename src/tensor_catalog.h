// The names of a parsed graph's tensors as dense numbers, made once per parsed graph and shared by
// every model bound from it (src/model.cc Bind), so that the passes over a graph index arrays
// instead of hashing names.
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "src/name_index.h"
#include "wsest/model.h"

namespace wsest {

// The main graph's tensors by name, numbered in the order the views meet them (so a tensor's number
// is its Model::TensorIds id), then the initializers no node reads (a body may), and each use's
// number. Names and the execution order are the same for every Rebind of a parsed graph, so the
// first load makes it (on a second thread while onnx infers shapes, when it has one) and its
// Rebinds share it: they look names up only for what inference wrote.
struct TensorCatalog {
  NameIndex names;  // views into the unbound graph's names
  TensorIds ids;
};

// The catalog of `graph` (the unbound one: its names outlive every model) walked in `order`:
// each node's inputs, then its outputs, then the graph inputs that are not initializers, then the
// outputs, numbered at their first use; then the initializers no node reads. Omitted ones are -1.
std::shared_ptr<const TensorCatalog> CatalogOf(const onnx::GraphProto& graph, const std::vector<int>& order);

// The graph inputs that are initializers too (IR < 4 lists weights as inputs). Inputs are few and
// initializers many, so the inputs are hashed and the initializers looked up: no name is copied.
// The views are into `graph`'s names, which binding and inference leave in place.
std::unordered_set<std::string_view> WeightInputs(const onnx::GraphProto& graph);

}  // namespace wsest
