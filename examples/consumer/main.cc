// Estimates one node through the C++ API of the installed static library.
#include <wsest/registry.h>

#include <iostream>

int main() {
  wsest::NodeView node;
  node.name = "act";
  node.op_type = "Relu";
  node.opset = 17;
  wsest::TensorInfo x;
  x.name = "x";
  x.dtype = wsest::DataType::kFloat;
  x.has_shape = true;
  x.dims = {wsest::Dim::Known(4), wsest::Dim::Known(16)};
  node.inputs.push_back(x);
  node.outputs.push_back(x);
  node.outputs[0].name = "y";
  auto estimate = wsest::EstimateNode(node, wsest::DefaultTarget());
  if (!estimate.ok()) {
    std::cerr << estimate.error().message << "\n";
    return 2;
  }
  std::cout << "Relu: " << wsest::ExactnessName(estimate->exactness) << " " << *estimate->workspace_bytes()
            << " bytes\n";
  return 0;
}
