#include "calibrate/cases/case_builder.h"

namespace wsest::cases {
namespace {

int ElemSize(int t) {
  switch (t) {
    case kF32:
    case kI32:
      return 4;
    case kI64:
    case kF64:
      return 8;
    case kF16:
    case kBf16:
      return 2;
    default:
      return 1;
  }
}

}  // namespace

void DeclareValue(onnx::ValueInfoProto* v, const std::string& name, int type, const std::vector<int64_t>& dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(type);
  auto* shape = tt->mutable_shape();
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 0) {
      shape->add_dim()->set_dim_param(name + "_dim" + std::to_string(i));
    } else {
      shape->add_dim()->set_dim_value(dims[i]);
    }
  }
}

Case::Case(const std::string& op, const std::string& domain, int opset) {
  model_.set_ir_version(opset >= 21 ? 10 : 8);
  auto* o = model_.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  if (!domain.empty()) {
    auto* m = model_.add_opset_import();
    m->set_domain(domain);
    m->set_version(1);
  }
  graph_ = model_.mutable_graph();
  graph_->set_name(op);
  node_ = graph_->add_node();
  node_->set_op_type(op);
  node_->set_domain(domain);
  node_->set_name("node");
}

Case& Case::In(const std::string& name, int type, std::vector<int64_t> dims, int64_t fill) {
  node_->add_input(name);
  return OuterIn(name, type, std::move(dims), fill);
}

Case& Case::OuterIn(const std::string& name, int type, std::vector<int64_t> dims, int64_t fill) {
  DeclareValue(graph_->add_input(), name, type, dims);
  std::string s = name + "=";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  if (fill) s += "@" + std::to_string(fill);
  inputs_ += (inputs_.empty() ? "" : ";") + s;
  return *this;
}

Case& Case::Weight(const std::string& name, int type, std::vector<int64_t> dims, std::vector<int64_t> values) {
  node_->add_input(name);
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  int64_t n = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    n *= d;
  }
  if (values.empty()) {
    t->set_raw_data(std::string(static_cast<size_t>(n * ElemSize(type)), '\0'));
  } else if (type == kI64) {
    for (int64_t v : values) t->add_int64_data(v);
  } else if (type == kF32) {
    for (int64_t v : values) t->add_float_data(static_cast<float>(v));
  } else {
    for (int64_t v : values) t->add_int32_data(static_cast<int32_t>(v));  // int32, int8, uint8, bool
  }
  return *this;
}

Case& Case::Skip() {
  node_->add_input("");
  return *this;
}

Case& Case::Out(const std::string& name, int type, std::vector<int64_t> dims) {
  node_->add_output(name);
  DeclareValue(graph_->add_output(), name, type, dims);
  return *this;
}

Case& Case::Int(const std::string& name, int64_t v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
  return *this;
}

Case& Case::Float(const std::string& name, float v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
  return *this;
}

Case& Case::Str(const std::string& name, const std::string& v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
  return *this;
}

Case& Case::Ints(const std::string& name, const std::vector<int64_t>& v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
  return *this;
}

Case& Case::Floats(const std::string& name, const std::vector<float>& v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOATS);
  for (float x : v) a->add_floats(x);
  return *this;
}

Case& Case::Strings(const std::string& name, const std::vector<std::string>& v) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRINGS);
  for (const std::string& x : v) a->add_strings(x);
  return *this;
}

Case& Case::Graph(const std::string& name, const onnx::GraphProto& g) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::GRAPH);
  *a->mutable_g() = g;
  return *this;
}

void Writer::Add(const std::string& name, const Case& c, const Variants& variants) {
  const std::string file = "models/" + name + ".onnx";
  std::filesystem::create_directories((dir / file).parent_path());
  std::ofstream out(dir / file, std::ios::binary);
  c.model().SerializeToOstream(&out);
  ++models;
  for (const auto& [options, env] : variants) {
    std::string label = name;
    if (options != "-") label += "/" + options;
    if (env != "-") label += "/" + env;
    tsv << label << "\t" << file << "\t" << options << "\t" << env << "\t" << (c.inputs().empty() ? "-" : c.inputs())
        << "\n";
    ++lines;
  }
}

}  // namespace wsest::cases
