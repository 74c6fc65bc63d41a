// Constant folding of shape computations, and the onnx inference re-runs it settles (shape_folding.h).
#include "src/shape_folding.h"

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>

#include "ops/schemas.h"
#include "src/node_folding.h"
#include "src/taken_branches.h"

namespace wsest {

bool FoldedValue::fully_known() const {
  return std::all_of(elements.begin(), elements.end(), [](const FoldedElement& d) { return d.known(); });
}

namespace {

// Each re-run can settle one more link of a chain (Shape of a tensor whose shape the last run found).
constexpr int kMaxInferenceRuns = 16;

using NameSet = std::unordered_set<std::string_view>;

// The dims inference left in value_info, inputs, outputs or initializers for the tensors named in
// `wanted` only: folding reads a few shapes, and a map of every tensor cost a 100k-node graph a
// quarter of its run (bench/, perf).
std::unordered_map<std::string, TensorInfo> Shapes(const onnx::GraphProto& graph, const NameSet& wanted) {
  std::unordered_map<std::string, TensorInfo> shapes;
  if (wanted.empty()) return shapes;
  auto remember = [&](const onnx::ValueInfoProto& vi) {
    if (!vi.type().has_tensor_type() || !wanted.count(vi.name())) return;
    const auto& tt = vi.type().tensor_type();
    TensorInfo& info = shapes[vi.name()];
    info.name = vi.name();
    if (tt.elem_type() != 0) info.dtype = static_cast<DataType>(tt.elem_type());
    if (!tt.has_shape()) return;
    info.has_shape = true;
    info.dims.clear();
    for (const auto& d : tt.shape().dim())
      info.dims.push_back(d.has_dim_value() ? Dim::Known(d.dim_value()) : Dim::Symbolic(d.dim_param()));
  };
  for (const auto& vi : graph.input()) remember(vi);
  for (const auto& vi : graph.value_info()) remember(vi);
  for (const auto& vi : graph.output()) remember(vi);
  for (const auto& t : graph.initializer()) {
    if (!wanted.count(t.name())) continue;
    TensorInfo& info = shapes[t.name()];
    info.name = t.name();
    info.dtype = static_cast<DataType>(t.data_type());
    info.has_shape = true;
    info.dims.clear();
    for (int64_t d : t.dims()) info.dims.push_back(Dim::Known(d));
  }
  return shapes;
}

// The integer values of a small inline tensor (an initializer or a Constant's value).
std::optional<FoldedValue> FromTensor(const onnx::TensorProto& t) {
  if (t.dims_size() > 1 || t.data_location() == onnx::TensorProto::EXTERNAL) return std::nullopt;
  const bool scalar = t.dims_size() == 0;
  std::vector<int64_t> ints;
  if (t.data_type() == onnx::TensorProto::INT64) {
    if (!t.raw_data().empty()) {
      ints.resize(t.raw_data().size() / 8);
      std::memcpy(ints.data(), t.raw_data().data(), ints.size() * 8);
    } else {
      ints.assign(t.int64_data().begin(), t.int64_data().end());
    }
  } else if (t.data_type() == onnx::TensorProto::INT32) {
    if (!t.raw_data().empty()) {
      std::vector<int32_t> narrow(t.raw_data().size() / 4);
      std::memcpy(narrow.data(), t.raw_data().data(), narrow.size() * 4);
      ints.assign(narrow.begin(), narrow.end());
    } else {
      ints.assign(t.int32_data().begin(), t.int32_data().end());
    }
  } else {
    return std::nullopt;
  }
  const int64_t n = scalar ? 1 : t.dims(0);
  if (n < 0 || static_cast<size_t>(n) != ints.size() || ints.size() > kMaxFoldedElements) return std::nullopt;
  FoldedValue v{scalar, {}, {}};
  for (int64_t i : ints) v.elements.push_back(FoldedElement::Known(i));
  return v;
}

std::optional<FoldedValue> FromPropagated(const onnx::TensorShapeProto& shape) {
  FoldedValue v{false, {}, {}};
  for (const auto& d : shape.dim()) {
    if (d.has_dim_value())
      v.elements.push_back(FoldedElement::Known(d.dim_value()));
    else if (!d.dim_param().empty() && !IsInvented(d.dim_param()))
      v.elements.push_back(FoldedElement::Symbolic(d.dim_param()));
    else
      v.elements.push_back(FoldedElement{});
  }
  return v;
}

int OpsetOf(const onnx::ModelProto& model, const std::string& domain) {
  for (const auto& op : model.opset_import())
    if ((op.domain() == "ai.onnx" ? std::string() : op.domain()) == domain) return static_cast<int>(op.version());
  return 0;
}

// One pass over the nodes in order: every value the known ones fold to. `node_folds`: how many
// values a node other than a Constant folded to.
std::unordered_map<std::string, FoldedValue> FoldAll(const onnx::ModelProto& model,
                                                     const std::unordered_map<std::string, FoldedValue>& seeds,
                                                     size_t* node_folds) {
  *node_folds = 0;
  const auto& graph = model.graph();
  const int opset = OpsetOf(model, "");
  std::unordered_map<std::string, FoldedValue> values = seeds;
  for (const auto& t : graph.initializer())
    if (auto v = FromTensor(t)) values[t.name()] = std::move(*v);
  // Shape and Size are the only folds that read a tensor's dims rather than a folded value.
  auto reads_dims = [](const onnx::NodeProto& node) { return node.op_type() == "Shape" || node.op_type() == "Size"; };
  NameSet dims_read;
  for (const auto& node : graph.node())
    if (reads_dims(node) && node.input_size() > 0) dims_read.insert(node.input(0));
  const std::unordered_map<std::string, TensorInfo> shapes = Shapes(graph, dims_read);
  std::vector<std::optional<FoldedValue>> out;
  for (const auto& node : graph.node()) {
    if (!IsOnnxDomain(node.domain())) continue;
    if (node.op_type() == "Constant" && node.output_size() == 1) {
      for (const auto& a : node.attribute()) {
        std::optional<FoldedValue> v;
        if (a.name() == "value" && a.has_t()) v = FromTensor(a.t());
        if (a.name() == "value_int") v = FoldedValue{true, {FoldedElement::Known(a.i())}, {}};
        if (a.name() == "value_ints") {
          v = FoldedValue{false, {}, {}};
          for (int64_t i : a.ints()) v->elements.push_back(FoldedElement::Known(i));
        }
        if (v) values[node.output(0)] = std::move(*v);
      }
      continue;
    }
    // Every other fold needs a folded input (FoldNode): most nodes of a network read none.
    if (!reads_dims(node) && std::none_of(node.input().begin(), node.input().end(),
                                          [&](const std::string& name) { return !name.empty() && values.count(name); }))
      continue;
    std::vector<const FoldedValue*> in;
    std::vector<const TensorInfo*> in_shapes;
    for (const auto& name : node.input()) {
      auto v = values.find(name);
      in.push_back(name.empty() || v == values.end() ? nullptr : &v->second);
      auto s = shapes.find(name);
      in_shapes.push_back(name.empty() || s == shapes.end() ? nullptr : &s->second);
    }
    FoldNode(node, opset, in, in_shapes, &out);
    for (int k = 0; k < node.output_size(); ++k) {
      auto& v = out[static_cast<size_t>(k)];
      if (!v || v->elements.size() > kMaxFoldedElements) continue;
      // A value onnx propagated better (a known element where this fold has none) is kept.
      auto seen = values.find(node.output(k));
      if (seen != values.end()) {
        for (size_t i = 0; i < v->elements.size() && i < seen->second.elements.size(); ++i)
          if (!v->elements[i].known() && v->elements[i].symbol.empty()) v->elements[i] = seen->second.elements[i];
        v->scalar = seen->second.scalar || v->scalar;
      }
      values[node.output(k)] = std::move(*v);
      ++*node_folds;
    }
  }
  return values;
}

bool HasCompleteShape(const TensorInfo* info) {
  if (info == nullptr || !info->has_shape) return false;
  return std::all_of(info->dims.begin(), info->dims.end(), [](const Dim& d) { return d.known(); });
}

}  // namespace

onnx::TensorShapeProto AsShapeData(const FoldedValue& v) {
  onnx::TensorShapeProto shape;
  for (const FoldedElement& e : v.elements) {
    auto* dim = shape.add_dim();
    if (e.known())
      dim->set_dim_value(*e.value);
    else if (!e.symbol.empty())
      dim->set_dim_param(e.symbol);
  }
  return shape;
}

std::optional<onnx::TensorProto> FoldedInitializer(const std::string& name, const FoldedValue& v, DataType dtype) {
  onnx::TensorProto t;
  t.set_name(name);
  if (v.matrix())
    for (int64_t d : v.dims) t.add_dims(d);
  else if (!v.scalar)
    t.add_dims(static_cast<int64_t>(v.elements.size()));
  switch (static_cast<int>(dtype)) {
    case onnx::TensorProto::INT64:
      t.set_data_type(onnx::TensorProto::INT64);
      for (const FoldedElement& d : v.elements) t.add_int64_data(*d.value);
      return t;
    case onnx::TensorProto::INT32:
      t.set_data_type(onnx::TensorProto::INT32);
      for (const FoldedElement& d : v.elements) t.add_int32_data(static_cast<int32_t>(*d.value));
      return t;
    case onnx::TensorProto::FLOAT:
      t.set_data_type(onnx::TensorProto::FLOAT);
      for (const FoldedElement& d : v.elements) t.add_float_data(static_cast<float>(*d.value));
      return t;
    case onnx::TensorProto::DOUBLE:
      t.set_data_type(onnx::TensorProto::DOUBLE);
      for (const FoldedElement& d : v.elements) t.add_double_data(static_cast<double>(*d.value));
      return t;
    default:
      return std::nullopt;
  }
}

namespace {

// Whether a node reads a folded value that a node computed (not an initializer's or a Constant's).
class ComputedValueReaders {
 public:
  ComputedValueReaders(const onnx::GraphProto& graph, const std::unordered_map<std::string, FoldedValue>& values)
      : values_(values) {
    for (const auto& t : graph.initializer())
      if (values.count(t.name())) constants_.insert(t.name());
    for (const auto& node : graph.node()) {
      if (node.op_type() == "Constant")
        for (const auto& o : node.output()) constants_.insert(o);
    }
  }
  bool Reads(const onnx::NodeProto& node) const {
    return std::any_of(node.input().begin(), node.input().end(), [&](const std::string& in) {
      return !in.empty() && values_.count(in) && !constants_.count(in);
    });
  }
  // No node reads one: another inference run cannot learn anything, and the shapes NeedsRerun
  // would read are not worth gathering.
  bool AnyIn(const onnx::GraphProto& graph) const {
    return !values_.empty() && std::any_of(graph.node().begin(), graph.node().end(),
                                           [&](const onnx::NodeProto& node) { return Reads(node); });
  }

 private:
  const std::unordered_map<std::string, FoldedValue>& values_;
  NameSet constants_;  // the folded initializers and every Constant's output
};

// Whether a folded value feeds a node whose outputs inference left without a complete shape: only
// then can another inference run settle something (a graph with every shape known pays nothing).
bool NeedsRerun(const onnx::GraphProto& graph, const ComputedValueReaders& readers,
                const std::unordered_map<std::string, TensorInfo>& shapes) {
  for (const auto& node : graph.node()) {
    if (!readers.Reads(node)) continue;
    for (const auto& o : node.output()) {
      auto s = shapes.find(o);
      if (!HasCompleteShape(s == shapes.end() ? nullptr : &s->second)) return true;
    }
  }
  return false;
}

// Reshape's output from a target with named dims, as ORT's symbolic shape inference does it
// (symbolic_shape_infer.py _infer_Reshape): a positive value is kept, 0 copies the input's dim
// (allowzero 0), a name is kept, and -1 is the input's element count over the others' when the
// names on both sides cancel. Null when the -1 cannot be settled.
std::optional<std::vector<Dim>> ReshapeOutput(const TensorInfo& data, const FoldedValue& target, bool allowzero) {
  if (!data.has_shape) return std::nullopt;
  std::vector<Dim> out;
  std::multiset<std::string> in_names, out_names;
  int64_t in_known = 1, out_known = 1;
  for (const Dim& d : data.dims) {
    if (d.known()) {
      if (__builtin_mul_overflow(in_known, d.value, &in_known)) return std::nullopt;
    } else if (!d.symbol.empty() && !IsInvented(d.symbol)) {
      in_names.insert(d.symbol);
    } else {
      in_names.insert("?");  // never cancels
    }
  }
  int infer_at = -1;
  for (size_t i = 0; i < target.elements.size(); ++i) {
    const FoldedElement& e = target.elements[i];
    Dim d;
    if (e.known() && *e.value == -1) {
      if (infer_at >= 0) return std::nullopt;
      infer_at = static_cast<int>(i);
      out.push_back(Dim{});
      continue;
    }
    if (e.known() && *e.value == 0 && !allowzero) {
      if (i >= data.dims.size()) return std::nullopt;
      d = data.dims[i];
    } else if (e.known() && *e.value >= 0) {
      d = Dim::Known(*e.value);
    } else if (!e.symbol.empty()) {
      d = Dim::Symbolic(e.symbol);
    } else {
      return std::nullopt;
    }
    if (d.known()) {
      if (__builtin_mul_overflow(out_known, d.value, &out_known)) return std::nullopt;
    } else {
      out_names.insert(d.symbol.empty() || IsInvented(d.symbol) ? "?" : d.symbol);
    }
    out.push_back(d);
  }
  if (infer_at >= 0) {
    for (const auto& name : std::multiset<std::string>(out_names)) {
      auto it = in_names.find(name);
      if (name == "?" || it == in_names.end()) return std::nullopt;
      in_names.erase(it);
      out_names.erase(out_names.find(name));
    }
    if (!in_names.empty() || out_known == 0 || in_known % out_known != 0) return std::nullopt;
    out[static_cast<size_t>(infer_at)] = Dim::Known(in_known / out_known);
  }
  return out;
}

// Writes the shapes of Reshapes whose folded target has names (fully known targets become
// initializers instead) into value_info, where onnx's next run keeps and propagates them.
void SetSymbolicReshapes(onnx::ModelProto* model, const std::unordered_map<std::string, FoldedValue>& values,
                         const std::unordered_map<std::string, TensorInfo>& shapes) {
  std::unordered_map<std::string, onnx::ValueInfoProto*> infos;
  for (auto& vi : *model->mutable_graph()->mutable_value_info()) infos[vi.name()] = &vi;
  for (const auto& node : model->graph().node()) {
    if (node.op_type() != "Reshape" || !IsOnnxDomain(node.domain()) || node.input_size() < 2) continue;
    auto target = values.find(node.input(1));
    auto data = shapes.find(node.input(0));
    auto out = shapes.find(node.output(0));
    if (target == values.end() || target->second.fully_known() || target->second.matrix() || data == shapes.end())
      continue;
    if (out != shapes.end() && out->second.has_shape) continue;
    auto dims = ReshapeOutput(data->second, target->second, IntAttr(node, "allowzero", 0) != 0);
    if (!dims) continue;
    onnx::ValueInfoProto*& vi = infos[node.output(0)];
    if (vi == nullptr) {
      vi = model->mutable_graph()->add_value_info();
      vi->set_name(node.output(0));
    }
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    if (data->second.dtype != DataType::kUndefined) tt->set_elem_type(static_cast<int>(data->second.dtype));
    auto* shape = tt->mutable_shape();
    shape->clear_dim();
    for (const Dim& d : *dims) {
      if (d.known())
        shape->add_dim()->set_dim_value(d.value);
      else
        shape->add_dim()->set_dim_param(d.symbol);
    }
  }
}

// How much inference knows: shaped tensors plus known dims, so a run that only completes a shape counts.
size_t CountShaped(const onnx::GraphProto& graph) {
  size_t n = 0;
  for (const auto& vi : graph.value_info()) {
    if (!vi.type().tensor_type().has_shape()) continue;
    ++n;
    for (const auto& d : vi.type().tensor_type().shape().dim()) n += d.has_dim_value() ? 1 : 0;
  }
  return n;
}

}  // namespace

Result<FoldedShapes> FoldShapes(onnx::ModelProto* model,
                                const std::unordered_map<std::string, onnx::TensorShapeProto>& propagated,
                                const std::unordered_map<std::string, FoldedValue>& given, const std::string& label) {
  FoldedShapes result;
  std::unordered_map<std::string, FoldedValue> seeds;
  for (const auto& [name, shape] : propagated)
    if (auto v = FromPropagated(shape)) seeds[name] = std::move(*v);
  for (const auto& [name, v] : given) seeds[name] = v;  // a scalar stays one (onnx's form makes it [1])
  std::unordered_set<std::string> graph_outputs;
  for (const auto& vi : model->graph().output()) graph_outputs.insert(vi.name());

  std::optional<size_t> shaped_before;  // counted before the first rerun changes the model
  // The graph folded and inferred: the model itself until an If's branch is inlined, then a copy.
  onnx::ModelProto* work = model;
  std::optional<onnx::ModelProto> inlined_model;
  std::unordered_set<std::string> inlined;  // the names inlined branches define
  bool fresh_branches = false;
  for (int run = 0; run < kMaxInferenceRuns; ++run) {
    size_t node_folds = 0;
    result.values = FoldAll(*work, seeds, &node_folds);
    // An If whose condition is now known becomes its branch in the working copy, and the branch's
    // values fold too (a branch may hold another such If).
    while (InlineTakenBranches(model, &inlined_model, &work, result.values, &inlined)) {
      result.values = FoldAll(*work, seeds, &node_folds);
      fresh_branches = true;  // onnx has not inferred them yet
    }
    // Only a value computed from the graph (onnx's propagation, or a node's fold) can be what a
    // node lacked; with none, every folded value is an initializer's or a Constant's, which onnx
    // read itself (and a 100k-node graph skips a pass that hashes every input name).
    if (seeds.empty() && node_folds == 0 && !fresh_branches) break;
    const ComputedValueReaders readers(work->graph(), result.values);
    if (!readers.AnyIn(work->graph()) && !fresh_branches) break;
    // The shapes the steps below read: those of nodes that read or make a folded value.
    NameSet touched;
    for (const auto& node : work->graph().node()) {
      auto folded = [&](const std::string& name) { return !name.empty() && result.values.count(name); };
      if (std::none_of(node.input().begin(), node.input().end(), folded) &&
          std::none_of(node.output().begin(), node.output().end(), folded))
        continue;
      touched.insert(node.input().begin(), node.input().end());
      touched.insert(node.output().begin(), node.output().end());
    }
    const std::unordered_map<std::string, TensorInfo> shapes = Shapes(work->graph(), touched);
    if (!NeedsRerun(work->graph(), readers, shapes) && !fresh_branches) break;
    fresh_branches = false;
    if (!shaped_before) shaped_before = CountShaped(work->graph());
    SetSymbolicReshapes(work, result.values, shapes);
    // A node whose outputs all fold to known values becomes initializers in the copy onnx infers,
    // so that Reshape, Expand, Resize, Tile, ConstantOfShape read their targets as constants.
    onnx::ModelProto copy(*work);
    auto* graph = copy.mutable_graph();
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    std::vector<onnx::ValueInfoProto> folded_infos;
    for (const auto& node : work->graph().node()) {
      bool removable = IsOnnxDomain(node.domain()) && node.output_size() > 0 && node.op_type() != "Constant";
      std::vector<onnx::TensorProto> as_initializers;
      for (const auto& o : node.output()) {
        if (!removable) break;
        auto v = result.values.find(o);
        auto s = shapes.find(o);
        std::optional<onnx::TensorProto> t;
        if (v != result.values.end() && v->second.fully_known() && !graph_outputs.count(o) && s != shapes.end())
          t = FoldedInitializer(o, v->second, s->second.dtype);
        if (!t)
          removable = false;
        else
          as_initializers.push_back(std::move(*t));
      }
      if (!removable) {
        *kept.Add() = node;
        continue;
      }
      for (auto& t : as_initializers) {
        onnx::ValueInfoProto vi;
        vi.set_name(t.name());
        auto* tt = vi.mutable_type()->mutable_tensor_type();
        tt->set_elem_type(t.data_type());
        auto* shape = tt->mutable_shape();
        for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
        folded_infos.push_back(std::move(vi));
        *graph->add_initializer() = std::move(t);
      }
    }
    graph->mutable_node()->Swap(&kept);
    // A given input's value is an initializer in the copy too: some inference functions read only
    // those (TopK's K, Tile's repeats), where ORT reads the fed tensor.
    for (const auto& in : work->graph().input()) {
      auto v = given.find(in.name());
      if (v == given.end()) continue;
      const auto dtype = static_cast<DataType>(in.type().tensor_type().elem_type());
      if (auto t = FoldedInitializer(in.name(), v->second, dtype)) *graph->add_initializer() = std::move(*t);
    }
    std::unordered_set<std::string> produced;
    for (const auto& node : copy.graph().node())
      for (const auto& o : node.output()) produced.insert(o);

    // Partly symbolic vectors reach Reshape through onnx's data propagation (getSymbolicInput), for
    // the values of nodes onnx cannot propagate itself: it refuses a value given twice
    // (DataPropagationContextImpl::addOutputData, "Data for input 0 already exists").
    std::unordered_set<std::string> onnx_propagates;
    for (const auto& node : copy.graph().node()) {
      const std::string domain = node.domain() == "ai.onnx" ? std::string() : node.domain();
      const auto* schema = ops::SchemaRegistry().GetSchema(node.op_type(), OpsetOf(*work, domain), domain);
      if (schema == nullptr || schema->has_data_propagation_function())
        for (const auto& o : node.output()) onnx_propagates.insert(o);
    }
    std::unordered_map<std::string, onnx::TensorShapeProto> symbolic;
    for (const auto& [name, v] : result.values) {
      if (v.scalar || v.matrix() || onnx_propagates.count(name) || !produced.count(name)) continue;
      symbolic[name] = AsShapeData(v);
    }
    try {
      onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/1, /*data_prop=*/true);
      onnx::shape_inference::InferShapes(copy, &ops::SchemaRegistry(), options, &symbolic);
    } catch (const std::exception& e) {
      std::string what = e.what();
      while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
      return InvalidArgument(fmt::format("{}: shape inference failed with folded shape values: {}", label, what));
    }
    ++result.inference_runs;
    // The copy kept the first run's value_info, and onnx merged what it found into it.
    std::unordered_set<std::string> described;
    auto* value_info = work->mutable_graph()->mutable_value_info();
    value_info->Clear();
    for (const auto& vi : copy.graph().value_info()) {
      described.insert(vi.name());
      *value_info->Add() = vi;
    }
    for (auto& vi : folded_infos)
      if (!described.count(vi.name())) *value_info->Add() = std::move(vi);
    for (int i = 0; i < work->graph().output_size(); ++i)
      *work->mutable_graph()->mutable_output(i) = copy.graph().output(i);
    for (auto& [name, shape] : symbolic)
      if (auto v = FromPropagated(shape)) seeds.try_emplace(name, std::move(*v));
    const size_t shaped = CountShaped(work->graph());
    if (shaped == *shaped_before) break;
    shaped_before = shaped;
  }
  if (work != model) {
    // The model keeps its If nodes: it takes the shapes, not the inlined branches' own tensors.
    auto* value_info = model->mutable_graph()->mutable_value_info();
    value_info->Clear();
    for (const auto& vi : work->graph().value_info())
      if (!inlined.count(vi.name())) *value_info->Add() = vi;
    for (int i = 0; i < model->graph().output_size(); ++i)
      *model->mutable_graph()->mutable_output(i) = work->graph().output(i);
  }
  return result;
}

}  // namespace wsest
