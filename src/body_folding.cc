// Shape folding inside If, Loop and Scan bodies (body_folding.h).
#include "src/body_folding.h"

#include <onnx/shape_inference/implementation.h>

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ops/schemas.h"

namespace wsest {
namespace {

bool HasBodies(const onnx::GraphProto& graph) {
  for (const auto& node : graph.node())
    for (const auto& a : node.attribute())
      if (a.has_g()) return true;
  return false;
}

// The names `graph` and the bodies nested in it read but do not define: its outer-scope values.
void CollectOuterNames(const onnx::GraphProto& graph, std::unordered_set<std::string> defined,
                       std::set<std::string>* outer) {
  for (const auto& vi : graph.input()) defined.insert(vi.name());
  for (const auto& t : graph.initializer()) defined.insert(t.name());
  for (const auto& node : graph.node())
    for (const auto& o : node.output()) defined.insert(o);
  for (const auto& node : graph.node()) {
    for (const auto& in : node.input())
      if (!in.empty() && !defined.count(in)) outer->insert(in);
    for (const auto& a : node.attribute())
      if (a.has_g()) CollectOuterNames(a.g(), defined, outer);
  }
}

// The types `graph` gives the names in `wanted`: an initializer's own, else what inference wrote.
std::map<std::string, onnx::TypeProto> TypesOf(const onnx::GraphProto& graph, const std::set<std::string>& wanted) {
  std::map<std::string, onnx::TypeProto> types;
  auto take = [&](const onnx::ValueInfoProto& vi) {
    if (wanted.count(vi.name()) && vi.type().has_tensor_type()) types[vi.name()] = vi.type();
  };
  for (const auto& vi : graph.output()) take(vi);
  for (const auto& vi : graph.value_info()) take(vi);
  for (const auto& vi : graph.input()) take(vi);
  for (const auto& t : graph.initializer()) {
    if (!wanted.count(t.name())) continue;
    onnx::TypeProto type;
    auto* tt = type.mutable_tensor_type();
    tt->set_elem_type(t.data_type());
    auto* shape = tt->mutable_shape();
    for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
    types[t.name()] = std::move(type);
  }
  return types;
}

// How much a type says about a shape: nothing without one; each known dim counts more than a named one.
int ShapeKnowledge(const onnx::TypeProto& type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return 0;
  int score = 1;
  for (const auto& d : type.tensor_type().shape().dim()) {
    if (d.has_dim_value())
      score += 2;
    else if (!d.dim_param().empty() && d.dim_param().rfind("unk__", 0) != 0)
      score += 1;
  }
  return score;
}

// Whether `found` says more than `had` about the same tensor (a rank that disagrees is left alone).
bool KnowsMore(const onnx::TypeProto& found, const onnx::TypeProto& had) {
  if (ShapeKnowledge(found) <= ShapeKnowledge(had)) return false;
  if (ShapeKnowledge(had) == 0) return true;
  return found.tensor_type().shape().dim_size() == had.tensor_type().shape().dim_size();
}

void FoldGraphBodies(onnx::GraphProto* graph, const onnx::ModelProto& header,
                     const std::unordered_map<std::string, FoldedValue>& values);

// One body, folded as a model of its own (body_folding.h).
void FoldBody(onnx::GraphProto* body, const onnx::GraphProto& enclosing, const onnx::ModelProto& header,
              const std::unordered_map<std::string, FoldedValue>& enclosing_values) {
  std::set<std::string> outer;
  CollectOuterNames(*body, {}, &outer);
  const std::map<std::string, onnx::TypeProto> types = TypesOf(enclosing, outer);

  onnx::ModelProto alone;
  alone.set_ir_version(header.ir_version());
  *alone.mutable_opset_import() = header.opset_import();
  *alone.mutable_functions() = header.functions();
  onnx::GraphProto* graph = alone.mutable_graph();
  *graph = *body;
  std::unordered_map<std::string, onnx::TensorShapeProto> propagated;
  for (const std::string& name : outer) {
    auto type = types.find(name);
    auto value = enclosing_values.find(name);
    if (value != enclosing_values.end()) {
      if (!value->second.matrix()) propagated[name] = AsShapeData(value->second);
      // A known value is a constant to the body's inference too (Pad reads its pads as one).
      if (value->second.fully_known() && type != types.end()) {
        auto t = FoldedInitializer(name, value->second, static_cast<DataType>(type->second.tensor_type().elem_type()));
        if (t) {
          *graph->add_initializer() = std::move(*t);
          continue;
        }
      }
    }
    if (type == types.end()) continue;
    auto* input = graph->add_input();
    input->set_name(name);
    *input->mutable_type() = type->second;
  }
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/1, /*data_prop=*/true);
    onnx::shape_inference::InferShapes(alone, &ops::SchemaRegistry(), options, &propagated);
  } catch (const std::exception&) {
    return;  // inferred on its own, the body contradicts itself: it keeps what the in-place run found
  }
  Result<FoldedShapes> folded = FoldShapes(&alone, propagated, {}, "body");
  if (!folded.ok()) return;
  FoldGraphBodies(graph, header, folded->values);

  std::unordered_map<std::string, onnx::ValueInfoProto*> had;
  for (auto& vi : *body->mutable_value_info()) had[vi.name()] = &vi;
  for (const auto& vi : graph->value_info()) {
    if (outer.count(vi.name())) continue;
    auto it = had.find(vi.name());
    if (it == had.end()) {
      if (ShapeKnowledge(vi.type()) > 0) *body->add_value_info() = vi;
    } else if (KnowsMore(vi.type(), it->second->type())) {
      *it->second->mutable_type() = vi.type();
    }
  }
  for (int k = 0; k < body->output_size() && k < graph->output_size(); ++k) {
    if (KnowsMore(graph->output(k).type(), body->output(k).type()))
      *body->mutable_output(k)->mutable_type() = graph->output(k).type();
  }
  // The nested bodies were folded in the copy.
  body->mutable_node()->Swap(graph->mutable_node());
}

void FoldGraphBodies(onnx::GraphProto* graph, const onnx::ModelProto& header,
                     const std::unordered_map<std::string, FoldedValue>& values) {
  if (!HasBodies(*graph)) return;
  for (auto& node : *graph->mutable_node())
    for (auto& a : *node.mutable_attribute())
      if (a.has_g()) FoldBody(a.mutable_g(), *graph, header, values);
}

}  // namespace

void FoldBodies(onnx::ModelProto* model, const FoldedShapes& folded) {
  if (!HasBodies(model->graph())) return;
  onnx::ModelProto header;
  header.set_ir_version(model->ir_version());
  *header.mutable_opset_import() = model->opset_import();
  *header.mutable_functions() = model->functions();
  FoldGraphBodies(model->mutable_graph(), header, folded.values);
}

}  // namespace wsest
