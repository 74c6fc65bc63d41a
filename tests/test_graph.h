// A tiny ModelProto builder for tests: graphs are written in a few lines, weights are declared
// external (dims and dtype only), and the result is serialized for Model::FromBytes or saved.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace wsest::testing {

// A dim written as a number (known) or a string (symbolic dim_param).
struct DimSpec {
  DimSpec(int64_t v) : value(v) {}           // NOLINT: implicit for brevity in tests
  DimSpec(int v) : value(v) {}               // NOLINT
  DimSpec(const char* s) : symbol(s) {}      // NOLINT
  int64_t value = -1;
  std::string symbol;
};

class NodeBuilder {
 public:
  explicit NodeBuilder(onnx::NodeProto* node) : node_(node) {}
  NodeBuilder& Attr(const std::string& name, int64_t v);
  NodeBuilder& Attr(const std::string& name, int v) { return Attr(name, static_cast<int64_t>(v)); }
  NodeBuilder& Attr(const std::string& name, float v);
  NodeBuilder& Attr(const std::string& name, const char* v);
  NodeBuilder& Attr(const std::string& name, const std::vector<int64_t>& v);
  NodeBuilder& Attr(const std::string& name, const std::vector<float>& v);
  onnx::NodeProto* proto() { return node_; }

 private:
  onnx::NodeProto* node_;
};

class GraphBuilder {
 public:
  // ai.onnx at `opset`; add com.microsoft with Opset("com.microsoft", 1).
  explicit GraphBuilder(int opset = 17, int ir_version = 8);
  GraphBuilder& Opset(const std::string& domain, int version);
  GraphBuilder& Input(const std::string& name, int elem_type, const std::vector<DimSpec>& dims);
  // An input with a type but no shape (for --input tests).
  GraphBuilder& InputNoShape(const std::string& name, int elem_type);
  // An output; elem_type 0 leaves its type to inference.
  GraphBuilder& Output(const std::string& name, int elem_type = 0);
  // A weight stored as external data in "weights.bin" (never written).
  GraphBuilder& Weight(const std::string& name, int elem_type, const std::vector<int64_t>& dims);
  // A small int64 initializer with inline data.
  GraphBuilder& Int64Constant(const std::string& name, const std::vector<int64_t>& values);
  NodeBuilder Node(const std::string& op_type, const std::vector<std::string>& inputs,
                   const std::vector<std::string>& outputs, const std::string& name = "",
                   const std::string& domain = "");

  onnx::ModelProto& proto() { return model_; }
  std::string Serialize() const;
  // Writes the model to `path` and returns it.
  std::string SaveTo(const std::string& path) const;

 private:
  onnx::ModelProto model_;
};

// A fresh directory under the build tree for a test's files.
std::string TempDir(const std::string& test_name);

// x [1,256] float = 1024 B; w [256] float = 1024 B (weight).
//   #0 Relu(x) -> a      #1 Mul(a, w) -> b      #2 Relu(b) -> c      #3 Add(a, c) -> y (graph output)
// Every tensor is 1024 B. Lives (first..last step): x 0..0, a 0..3, b 1..2, c 2..3, y 3..3.
GraphBuilder DiamondGraph();

}  // namespace wsest::testing
