#include "tests/test_graph.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace wsest::testing {

NodeBuilder& NodeBuilder::Attr(const std::string& name, int64_t v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, float v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, const char* v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, const std::vector<int64_t>& v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, const std::vector<float>& v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOATS);
  for (float x : v) a->add_floats(x);
  return *this;
}

GraphBuilder::GraphBuilder(int opset, int ir_version) {
  model_.set_ir_version(ir_version);
  model_.set_producer_name("wsest-tests");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

GraphBuilder& GraphBuilder::Opset(const std::string& domain, int version) {
  for (auto& op : *model_.mutable_opset_import()) {
    if (op.domain() == domain) {
      op.set_version(version);
      return *this;
    }
  }
  auto* op = model_.add_opset_import();
  op->set_domain(domain);
  op->set_version(version);
  return *this;
}

static void SetTensorType(onnx::ValueInfoProto* vi, int elem_type, const std::vector<DimSpec>* dims) {
  auto* t = vi->mutable_type()->mutable_tensor_type();
  if (elem_type != 0) t->set_elem_type(elem_type);
  if (dims == nullptr) return;
  auto* shape = t->mutable_shape();
  for (const auto& d : *dims) {
    auto* dim = shape->add_dim();
    if (d.symbol.empty())
      dim->set_dim_value(d.value);
    else
      dim->set_dim_param(d.symbol);
  }
}

GraphBuilder& GraphBuilder::Input(const std::string& name, int elem_type, const std::vector<DimSpec>& dims) {
  auto* vi = model_.mutable_graph()->add_input();
  vi->set_name(name);
  SetTensorType(vi, elem_type, &dims);
  return *this;
}

GraphBuilder& GraphBuilder::InputNoShape(const std::string& name, int elem_type) {
  auto* vi = model_.mutable_graph()->add_input();
  vi->set_name(name);
  SetTensorType(vi, elem_type, nullptr);
  return *this;
}

GraphBuilder& GraphBuilder::Output(const std::string& name, int elem_type) {
  auto* vi = model_.mutable_graph()->add_output();
  vi->set_name(name);
  if (elem_type != 0) vi->mutable_type()->mutable_tensor_type()->set_elem_type(elem_type);
  return *this;
}

GraphBuilder& GraphBuilder::Weight(const std::string& name, int elem_type, const std::vector<int64_t>& dims) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(elem_type);
  for (int64_t d : dims) t->add_dims(d);
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = t->add_external_data();
  loc->set_key("location");
  loc->set_value("weights.bin");
  return *this;
}

GraphBuilder& GraphBuilder::Int64Constant(const std::string& name, const std::vector<int64_t>& values) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
  return *this;
}

NodeBuilder GraphBuilder::Node(const std::string& op_type, const std::vector<std::string>& inputs,
                               const std::vector<std::string>& outputs, const std::string& name,
                               const std::string& domain) {
  auto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op_type);
  n->set_name(name);
  n->set_domain(domain);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return NodeBuilder(n);
}

std::string GraphBuilder::Serialize() const {
  std::string out;
  if (!model_.SerializeToString(&out)) throw std::runtime_error("serialize failed");
  return out;
}

std::string GraphBuilder::SaveTo(const std::string& path) const {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << Serialize();
  if (!f) throw std::runtime_error("cannot write " + path);
  return path;
}

std::string TempDir(const std::string& test_name) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(WSEST_BINARY_DIR) / "test_tmp" / test_name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

GraphBuilder DiamondGraph() {
  GraphBuilder g;
  g.Input("x", onnx::TensorProto::FLOAT, {1, 256}).Weight("w", onnx::TensorProto::FLOAT, {256}).Output("y");
  g.Node("Relu", {"x"}, {"a"}, "relu_a");
  g.Node("Mul", {"a", "w"}, {"b"}, "mul");
  g.Node("Relu", {"b"}, {"c"}, "relu_c");
  g.Node("Add", {"a", "c"}, {"y"}, "add");
  return g;
}

}  // namespace wsest::testing
