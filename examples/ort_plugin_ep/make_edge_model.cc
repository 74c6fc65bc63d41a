// Writes edge.onnx: a small graph with what the demo models lack, for tests/ort_plugin_ep_test.sh.
// Every case is a way ORT's graph can differ from the ModelProto the CLI reads:
//   - a Constant node (K of TopK): ORT turns it into an initializer before any EP sees the graph,
//     and its value must still reach TopK's estimate as int_values;
//   - an inline int64 initializer (ReduceSum's axes), read through ValueInfo_GetInitializerValue;
//   - an omitted optional input (Clip's min, an empty name) and an unnamed node;
//   - attributes left at their defaults (TopK axis/largest/sorted, ReduceSum keepdims, Softmax
//     axis), which ORT fills in for the EP while the ModelProto leaves them out;
//   - a Reshape whose target shape is computed (Shape -> Gather -> Concat): the shape ORT infers
//     for its output depends on ORT's data propagation;
//   - a symbolic batch dim bound by a free-dimension override in ORT and --dim in the CLI.
//   make_edge_model OUT.onnx
#include <onnx/onnx_pb.h>

#include <cctype>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::string& name,
                         const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

void AddInt64Initializer(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims,
                         const std::vector<int64_t>& values) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t->add_dims(d);
  for (int64_t v : values) t->add_int64_data(v);
}

void SetTensorType(onnx::ValueInfoProto* v, const std::string& name, int elem_type,
                   const std::vector<std::string>& dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  auto* shape = tt->mutable_shape();
  for (const auto& d : dims) {
    auto* dim = shape->add_dim();
    if (!d.empty() && std::isdigit(static_cast<unsigned char>(d[0])))
      dim->set_dim_value(std::stoll(d));
    else
      dim->set_dim_param(d);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_edge_model OUT.onnx\n";
    return 2;
  }
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("wsest examples/ort_plugin_ep make_edge_model");
  model.add_opset_import()->set_version(13);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("edge");
  SetTensorType(g->add_input(), "x", onnx::TensorProto::FLOAT, {"batch", "16", "32"});

  // K = 5 from a Constant node; TopK over the last axis (axis, largest, sorted left at defaults).
  onnx::NodeProto* k = AddNode(g, "Constant", "k_const", {}, {"k"});
  onnx::AttributeProto* value = k->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_data_type(onnx::TensorProto::INT64);
  value->mutable_t()->add_dims(1);
  value->mutable_t()->add_int64_data(5);
  AddNode(g, "TopK", "topk", {"x", "k"}, {"values", "indices"});

  // ReduceSum over axis 1 (an inline initializer), keepdims left at its default.
  AddInt64Initializer(g, "axes", {1}, {1});
  AddNode(g, "ReduceSum", "reduce", {"values", "axes"}, {"summed"});

  // Clip(summed, <no min>, cmax), unnamed.
  onnx::TensorProto* cmax = g->add_initializer();
  cmax->set_name("cmax");
  cmax->set_data_type(onnx::TensorProto::FLOAT);
  cmax->add_float_data(0.5f);
  AddNode(g, "Clip", "", {"summed", "", "cmax"}, {"clipped"});

  // Reshape values [batch, 16, 5] to [batch, -1] with the batch taken from Shape(x) at run time.
  AddInt64Initializer(g, "zero", {}, {0});
  AddInt64Initializer(g, "minus_one", {1}, {-1});
  AddNode(g, "Shape", "shape", {"x"}, {"x_shape"});
  AddNode(g, "Gather", "batch_of", {"x_shape", "zero"}, {"batch"});
  AddNode(g, "Unsqueeze", "batch_1d", {"batch", "zero_axes"}, {"batch_1d"});
  AddInt64Initializer(g, "zero_axes", {1}, {0});
  onnx::NodeProto* concat = AddNode(g, "Concat", "target_shape", {"batch_1d", "minus_one"}, {"target"});
  onnx::AttributeProto* axis = concat->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(0);
  AddNode(g, "Reshape", "flatten", {"values", "target"}, {"flat"});
  AddNode(g, "Softmax", "softmax", {"flat"}, {"probs"});

  SetTensorType(g->add_output(), "probs", onnx::TensorProto::FLOAT, {"batch", "80"});
  SetTensorType(g->add_output(), "indices", onnx::TensorProto::INT64, {"batch", "16", "5"});
  SetTensorType(g->add_output(), "clipped", onnx::TensorProto::FLOAT, {"batch", "1", "5"});

  std::ofstream out(argv[1], std::ios::binary);
  if (!out || !model.SerializeToOstream(&out)) {
    std::cerr << "make_edge_model: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
