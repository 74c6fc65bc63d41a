// For tests/real_models_test.sh: the shape wsest infers for every tensor a node of the main graph
// writes, as JSON {"tensor": [dims] | null, ...} (null: no shape; -1: a dim not known), and with
// --expose FILE a copy of the model whose graph outputs are all those tensors, so real ORT
// (tests/ort/output_shapes.js) reports the shapes it computes for them at run time.
// --take-branch IF=then_branch also dumps the tensors the nodes of every body write, and the exposed
// copy runs that branch in place of the If node named IF (its nodes, initializers and outputs), so
// ORT reports the shapes inside a branch, which it does not expose otherwise.
//   shape_dump MODEL [--input name=d0,d1,...]... [--value name=v0,v1,...]... [--take-branch IF=ATTRIBUTE]
//              [--expose OUT.onnx]
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "wsest/model.h"

namespace {

int Fail(const std::string& message) {
  std::cerr << "shape_dump: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return Fail("usage: shape_dump MODEL [--input name=d0,d1,...]... [--value name=v0,...]... [--expose OUT.onnx]");
  const std::string path = argv[1];
  wsest::ModelOptions options;
  std::string expose, take_if, take_branch;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--expose") {
      expose = value;
      continue;
    }
    if (flag == "--take-branch") {
      const auto eq = value.find('=');
      if (eq == std::string::npos) return Fail("--take-branch wants IF=ATTRIBUTE");
      take_if = value.substr(0, eq);
      take_branch = value.substr(eq + 1);
      continue;
    }
    if (flag != "--input" && flag != "--value") return Fail("unknown flag " + flag);
    const auto eq = value.find('=');
    if (eq == std::string::npos) return Fail(flag + " wants name=n0,n1,...");
    std::vector<int64_t> numbers;
    std::stringstream list(value.substr(eq + 1));
    for (std::string d; std::getline(list, d, ',');) numbers.push_back(std::stoll(d));
    (flag == "--input" ? options.input_shapes : options.input_values)[value.substr(0, eq)] = numbers;
  }
  auto model = wsest::Model::Load(path, options);
  if (!model.ok()) return Fail(model.error().message);

  std::set<std::string> graph_outputs;
  for (const auto& t : model->outputs()) graph_outputs.insert(t.name);
  std::set<std::string> written;
  std::cout << "{";
  bool first = true;
  std::function<void(const std::vector<wsest::NodeView>&)> dump = [&](const std::vector<wsest::NodeView>& nodes) {
    for (const auto& node : nodes) {
      for (const auto& t : node.outputs) {
        if (!t.present() || !written.insert(t.name).second) continue;
        std::cout << (first ? "" : ",") << "\n  \"" << t.name << "\": ";
        first = false;
        if (!t.has_shape) {
          std::cout << "null";
          continue;
        }
        std::vector<int64_t> dims;
        for (const auto& d : t.dims) dims.push_back(d.known() ? d.value : -1);
        std::cout << "[" << fmt::format("{}", fmt::join(dims, ", ")) << "]";
      }
      if (!take_if.empty())
        for (const auto& body : node.subgraphs) dump(body.nodes);
    }
  };
  dump(model->nodes());
  std::cout << "\n}\n";

  // WSEST_SHAPE_DUMP_NODES=1: each node with its inputs' and outputs' shapes, on stderr (debugging).
  if (std::getenv("WSEST_SHAPE_DUMP_NODES") != nullptr) {
    auto dims_of = [](const wsest::TensorInfo& t) {
      if (!t.has_shape) return std::string("?");
      std::vector<std::string> d;
      for (const auto& x : t.dims)
        d.push_back(x.known() ? std::to_string(x.value) : (x.symbol.empty() ? "?" : x.symbol));
      std::string v = t.int_values ? fmt::format("={{{}}}", fmt::join(*t.int_values, ",")) : "";
      return fmt::format("[{}]{}", fmt::join(d, ","), v);
    };
    for (const auto& node : model->nodes()) {
      std::cerr << node.Label() << ":";
      for (const auto& t : node.inputs) std::cerr << " " << t.name << dims_of(t);
      std::cerr << " ->";
      for (const auto& t : node.outputs) std::cerr << " " << t.name << dims_of(t);
      std::cerr << "\n";
    }
  }
  if (expose.empty()) return 0;
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto proto;
  if (!proto.ParseFromIstream(&in)) return Fail("cannot parse " + path);
  auto* graph = proto.mutable_graph();
  if (!take_if.empty()) {
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    bool found = false;
    for (const auto& node : graph->node()) {
      const onnx::GraphProto* branch = nullptr;
      for (const auto& a : node.attribute())
        if (node.name() == take_if && a.name() == take_branch && a.has_g()) branch = &a.g();
      if (branch == nullptr) {
        *nodes.Add() = node;
        continue;
      }
      found = true;
      for (const auto& t : branch->initializer()) *graph->add_initializer() = t;
      for (const auto& n : branch->node()) *nodes.Add() = n;
      for (int k = 0; k < node.output_size() && k < branch->output_size(); ++k) {
        auto* pass = nodes.Add();
        pass->set_op_type("Identity");
        pass->add_input(branch->output(k).name());
        pass->add_output(node.output(k));
      }
    }
    if (!found) return Fail("no If node '" + take_if + "' with a body '" + take_branch + "'");
    graph->mutable_node()->Swap(&nodes);
  }
  std::set<std::string> produced;  // only what the exposed graph's own nodes write can be an output
  for (const auto& node : graph->node()) produced.insert(node.output().begin(), node.output().end());
  for (const auto& name : written) {
    if (graph_outputs.count(name) || !produced.count(name)) continue;
    graph->add_output()->set_name(name);
  }
  std::ofstream out(expose, std::ios::binary);
  if (!proto.SerializeToOstream(&out)) return Fail("cannot write " + expose);
  return 0;
}
