// NodeView: everything an estimator may know about one node, with no protobuf in sight. The CLI
// builds it from a shaped ModelProto; an EP adapter builds it from its own graph (DESIGN.md, 1).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wsest {

// Values are those of onnx.proto's TensorProto.DataType, so adapters can cast.
enum class DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
};

// Bytes per element; 0 for string, undefined and the sub-byte types (which callers size by hand).
int64_t ElementSize(DataType type);
const char* DataTypeName(DataType type);

// One dimension: a known value, a named symbol (dim_param) or neither.
struct Dim {
  int64_t value = -1;  // >= 0 when known
  std::string symbol;  // dim_param when the value is not known
  bool known() const { return value >= 0; }
  static Dim Known(int64_t v) { return Dim{v, {}}; }
  static Dim Symbolic(std::string name) { return Dim{-1, std::move(name)}; }
};

struct TensorInfo {
  std::string name;               // empty for an omitted optional input
  DataType dtype = DataType::kUndefined;
  bool has_shape = false;         // false: rank unknown
  std::vector<Dim> dims;
  bool is_initializer = false;    // a graph initializer (a weight), or a Constant node's output
  // The values of a small integer tensor known before the run: a constant whose data is inline in
  // the model (initializer or Constant node), a folded shape computation, or a graph input's value
  // the caller gave (ModelOptions::input_values). Reshape shapes, TopK's K, If's condition. Never
  // read from external data.
  std::optional<std::vector<int64_t>> int_values;
  // Where the shape has a dim no one can name (or no shape at all): the first node, in execution
  // order, whose output lost it although its inputs had theirs, as "Reshape 'p2o.Reshape.64'".
  std::string shape_lost_at;

  bool present() const { return !name.empty(); }
  int64_t rank() const { return has_shape ? static_cast<int64_t>(dims.size()) : -1; }
  bool fully_known() const;
  // Product of dims; nullopt if a dim is unknown or the product overflows.
  std::optional<int64_t> element_count() const;
  // The first unknown dim's symbol or "?" placeholder, for messages; empty when fully known.
  std::string first_unknown_dim() const;
};

using AttributeValue =
    std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>, std::vector<std::string>>;

struct NodeView;

// One graph attribute of a node (If's then_branch and else_branch, Loop's and Scan's body): the body's
// nodes, shaped as inference left them, and its declared inputs and outputs (outer-scope values a body
// node reads carry the outer graph's shapes).
struct Subgraph {
  std::string attribute;           // "then_branch", "else_branch", "body"
  std::vector<NodeView> nodes;     // in the order the producer lists them (the CLI: the body's file order)
  std::vector<TensorInfo> inputs;  // the body's graph inputs: Loop's iter_num, cond, carried values; Scan's
  std::vector<TensorInfo> outputs;
  // The body's own weights: its initializers and its Constant nodes' values (ORT makes those
  // initializers too, graph.cc), each once, in file order. Outer-scope weights are not here.
  std::vector<TensorInfo> initializers;
};

struct NodeView {
  std::string name;      // may be empty in the model; Label() gives a printable one
  std::string op_type;
  std::string domain;    // "" for ai.onnx (also accepted as "ai.onnx"), "com.microsoft", ...
  int opset = 0;         // the model's opset import for this node's domain
  std::vector<TensorInfo> inputs;   // one per declared input, empty name when omitted
  std::vector<TensorInfo> outputs;
  std::map<std::string, AttributeValue> attributes;
  // The node's graph attributes. Empty for an op without any, and when the producer of the view does not
  // walk bodies (an EP adapter may not): If, Loop and Scan are then unknown, saying so.
  std::vector<Subgraph> subgraphs;

  // "name (OpType)" or "#index (OpType)" style label for messages.
  std::string Label() const;

  bool has_input(size_t i) const { return i < inputs.size() && inputs[i].present(); }
  bool has_output(size_t i) const { return i < outputs.size() && outputs[i].present(); }
  const TensorInfo* input(size_t i) const { return has_input(i) ? &inputs[i] : nullptr; }
  const TensorInfo* output(size_t i) const { return has_output(i) ? &outputs[i] : nullptr; }

  bool has_attribute(const std::string& key) const { return attributes.count(key) != 0; }
  int64_t GetInt(const std::string& key, int64_t default_value) const;
  float GetFloat(const std::string& key, float default_value) const;
  std::string GetString(const std::string& key, const std::string& default_value) const;
  std::vector<int64_t> GetInts(const std::string& key) const;
  std::vector<std::string> GetStrings(const std::string& key) const;
  // The subgraph of graph attribute `attribute`, or null when the view has none by that name.
  const Subgraph* subgraph(const std::string& attribute) const {
    for (const auto& g : subgraphs)
      if (g.attribute == attribute) return &g;
    return nullptr;
  }
};

// True for the ai.onnx domain under either of its spellings.
inline bool IsOnnxDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

}  // namespace wsest
