// Hand-built NodeViews for estimator tests: a shaped tensor, known dims, a bare node, an Estimate
// that must be ok, one buffer's bytes, and the default target on a named device.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "wsest/estimate.h"
#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

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

// The bytes of the buffer named `name`; a test failure when the estimate has none.
inline uint64_t BufferBytes(const Estimate& e, const std::string& name) {
  for (const Buffer& b : e.buffers) {
    if (b.name == name) return b.bytes;
  }
  ADD_FAILURE() << "no buffer " << name << " in " << e.variant;
  return 0;
}

// DefaultTarget() on the device profile `device` (data/devices.json).
inline Target On(const std::string& device) {
  Target t = DefaultTarget();
  Result<DeviceProfile> d = FindDevice(device);
  EXPECT_TRUE(d.ok()) << device;
  if (d.ok()) t.device = d.value();
  return t;
}

}  // namespace wsest::testing
