// Hand-built NodeViews for estimator tests: a shaped tensor, known dims, a bare node, and an
// Estimate that must be ok.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "wsest/estimate.h"
#include "wsest/node_view.h"
#include "wsest/result.h"

namespace wsest::testing {

inline TensorInfo Tensor(const std::string& name, DataType dtype, std::vector<Dim> dims) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  t.dims = std::move(dims);
  return t;
}

inline std::vector<Dim> Dims(std::initializer_list<int64_t> values) {
  std::vector<Dim> dims;
  for (int64_t v : values) dims.push_back(Dim::Known(v));
  return dims;
}

inline NodeView Node(const std::string& op, int opset, const std::string& domain = "") {
  NodeView node;
  node.name = "n1";
  node.op_type = op;
  node.domain = domain;
  node.opset = opset;
  return node;
}

inline Estimate ExpectOk(const Result<Estimate>& r) {
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : Estimate{};
}

}  // namespace wsest::testing
