// Model loading, dim binding, shape inference and the NodeView of every node.
#include "wsest/model.h"

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ops/schemas.h"
#include "src/block_threads.h"
#include "src/body_folding.h"
#include "src/current_exception.h"
#include "src/execution_order.h"
#include "src/input_binding.h"
#include "src/name_index.h"
#include "src/shape_folding.h"
#include "src/tensor_catalog.h"
#include "src/text.h"
#include "wsest/bytes.h"
#include "wsest/registry.h"

namespace wsest {

// Newest IR version accepted (onnx's IR_VERSION 11 is the one ORT 1.29.0 reads; onnx.proto Version).
constexpr int64_t kMaxIrVersion = 11;
// Initializers with at most this many int elements get their values in TensorInfo::int_values.
constexpr int64_t kMaxInlineIntValues = 1024;

// Model::WithDeclaredDims's answer, shared by every Rebind of one parsed graph.
struct DeclaredDimsCache {
  std::once_flag once;
  std::shared_ptr<const Model::Impl> impl;
  std::optional<Error> error;
};

// Where a model's shapes hold one of its graph inputs' symbols, found once (Model::Substitute), and
// whether every shape is known or such a symbol, which is when substitution can bind the model.
struct SymbolSites {
  enum Side : uint8_t { kNodeInput, kNodeOutput, kGraphInput, kGraphOutput };
  struct Site {
    uint32_t node;  // for a node's tensors
    uint32_t tensor;
    uint32_t dim;
    Side side;
  };
  std::once_flag once;
  bool substitutable = false;
  std::vector<Site> sites;
};

struct Model::Impl {
  std::string path;
  // Null on the declared-dims model itself: it must not hold the cache that holds it.
  std::shared_ptr<DeclaredDimsCache> declared_dims;
  std::shared_ptr<const onnx::ModelProto> unbound;  // as loaded, tensor payloads dropped
  std::vector<NodeView> nodes;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::shared_ptr<const TensorCatalog> catalog;
  std::vector<std::string> symbolic_dims;
  uint64_t initializer_bytes = 0;
  // The execution order, found once: Rebind skips every check that does not depend on the dims
  // (topological order, schema verification, required inputs, domains, initializer dims).
  std::vector<int> order;
  std::shared_ptr<SymbolSites> symbol_sites = std::make_shared<SymbolSites>();
  // Set on a model Substitute made: the sites of the model it was made from.
  std::shared_ptr<const SymbolSites> substituted_from;
};

namespace {

using onnx::ModelProto;
using onnx::NodeProto;
using onnx::TensorProto;
using onnx::TypeProto;

std::string NodeLabel(const NodeProto& node, size_t index) {
  return node.name().empty() ? fmt::format("{} node #{} (unnamed)", node.op_type(), index)
                             : fmt::format("{} '{}'", node.op_type(), node.name());
}

std::string DomainOf(const NodeProto& node) { return node.domain() == "ai.onnx" ? std::string() : node.domain(); }

// The domains nodes use, in the graph, its subgraphs (If/Loop/Scan bodies) and model-local functions.
void CollectDomains(const onnx::GraphProto& graph, std::set<std::string>* out) {
  const std::string* previous = nullptr;  // nodes come in runs of one domain: insert each run once
  for (const auto& node : graph.node()) {
    if (previous == nullptr || node.domain() != *previous) out->insert(DomainOf(node));
    previous = &node.domain();
    for (const auto& attr : node.attribute()) {
      if (attr.has_g()) CollectDomains(attr.g(), out);
      for (const auto& g : attr.graphs()) CollectDomains(g, out);
    }
  }
}

Result<std::shared_ptr<ModelProto>> Parse(const std::string& bytes, const std::string& label) {
  if (bytes.empty()) return InvalidArgument(fmt::format("{}: the file is empty, not an ONNX model", label));
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return InvalidArgument(fmt::format(
        "{}: {} bytes is over protobuf's 2 GiB limit for one message; save the model with its weights as "
        "external data (onnx.save_model(..., save_as_external_data=True)) and wsest reads only the graph",
        label, bytes.size()));
  }
  auto model = std::make_shared<ModelProto>();
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT_MAX);
  coded.SetRecursionLimit(256);  // deeply nested subgraphs fail cleanly instead of exhausting the stack
  if (!model->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    return InvalidArgument(fmt::format("{}: not a valid ONNX model (protobuf parse failed: truncated or not a "
                                       "ModelProto)", label));
  }
  if (!model->has_graph() || model->opset_import_size() == 0 || model->ir_version() <= 0) {
    return InvalidArgument(fmt::format("{}: not an ONNX model (no {})", label,
                                       !model->has_graph() ? "graph" : model->ir_version() <= 0 ? "ir_version"
                                                                                                 : "opset_import"));
  }
  if (model->ir_version() > kMaxIrVersion) {
    return InvalidArgument(fmt::format("{}: IR version {} is newer than the newest supported ({})", label,
                                       model->ir_version(), kMaxIrVersion));
  }
  // An import no node uses is harmless: ORT writes ai.onnx.ml 5 into every model it saves.
  std::set<std::string> used;
  CollectDomains(model->graph(), &used);
  for (const auto& f : model->functions())
    for (const auto& node : f.node()) used.insert(node.domain() == "ai.onnx" ? std::string() : node.domain());
  for (const auto& op : model->opset_import()) {
    const std::string domain = op.domain() == "ai.onnx" ? std::string() : op.domain();
    if (used.count(domain) == 0) continue;
    const int max = ops::MaxKnownOpset(op.domain());
    if (max > 0 && op.version() > max) {
      return InvalidArgument(fmt::format("{}: opset {} of domain '{}' is newer than the newest supported ({})",
                                         label, op.version(), op.domain().empty() ? "ai.onnx" : op.domain(), max));
    }
  }
  return model;
}

// Keeps dims and dtype of every initializer and the values of small inline ones; drops payloads.
// A tensor's values, cleared unless they are small and inline: onnx's inference reads constants
// such as Resize scales, Reshape shapes and Pad pads, and a dropped payload reads as a wrong size.
void DropPayload(TensorProto* t) {
  int64_t n = 1;
  for (int64_t d : t->dims()) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) n = kMaxInlineIntValues + 1;
    if (n > kMaxInlineIntValues) break;
  }
  if (t->data_location() != TensorProto::EXTERNAL && n <= kMaxInlineIntValues) return;
  t->clear_raw_data();
  t->clear_float_data();
  t->clear_int32_data();
  t->clear_int64_data();
  t->clear_double_data();
  t->clear_uint64_data();
  t->clear_string_data();
}

// The weights' payloads, whether initializers or Constant nodes (paddle2onnx writes every weight of
// PaddleOCR's recognizer as a Constant: 10.7 MB that shape folding's extra inference runs copied).
void DropPayloads(onnx::GraphProto* graph) {
  for (auto& t : *graph->mutable_initializer()) DropPayload(&t);
  for (auto& node : *graph->mutable_node()) {
    const bool constant = node.op_type() == "Constant" && IsOnnxDomain(node.domain());
    for (auto& attr : *node.mutable_attribute()) {
      if (constant && attr.name() == "value" && attr.has_t()) DropPayload(attr.mutable_t());
      if (attr.has_g()) DropPayloads(attr.mutable_g());
      for (auto& g : *attr.mutable_graphs()) DropPayloads(&g);
    }
  }
}

std::optional<std::vector<int64_t>> IntValues(const TensorProto& t) {
  if (t.data_type() != TensorProto::INT64 && t.data_type() != TensorProto::INT32) return std::nullopt;
  if (t.data_location() == TensorProto::EXTERNAL) return std::nullopt;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > kMaxInlineIntValues) return std::nullopt;
  }
  std::vector<int64_t> out;
  if (!t.raw_data().empty()) {
    const size_t width = t.data_type() == TensorProto::INT64 ? 8 : 4;
    if (t.raw_data().size() != static_cast<size_t>(n) * width) return std::nullopt;
    for (int64_t i = 0; i < n; ++i) {
      if (width == 8) {
        int64_t v;
        std::memcpy(&v, t.raw_data().data() + i * 8, 8);
        out.push_back(v);
      } else {
        int32_t v;
        std::memcpy(&v, t.raw_data().data() + i * 4, 4);
        out.push_back(v);
      }
    }
  } else if (t.data_type() == TensorProto::INT64) {
    out.assign(t.int64_data().begin(), t.int64_data().end());
  } else {
    out.assign(t.int32_data().begin(), t.int32_data().end());
  }
  if (static_cast<int64_t>(out.size()) != n) return std::nullopt;
  return out;
}

TensorInfo InfoFromTensor(const TensorProto& t) {
  TensorInfo info;
  info.name = t.name();
  info.dtype = static_cast<DataType>(t.data_type());
  info.has_shape = true;
  for (int64_t d : t.dims()) info.dims.push_back(Dim::Known(d));
  info.is_initializer = true;
  info.int_values = IntValues(t);
  return info;
}

void FillFromType(const TypeProto& type, TensorInfo* info) {
  if (!type.has_tensor_type()) return;
  const auto& tt = type.tensor_type();
  if (tt.elem_type() != 0) info->dtype = static_cast<DataType>(tt.elem_type());
  if (!tt.has_shape()) return;
  info->has_shape = true;
  info->dims.clear();
  info->dims.reserve(static_cast<size_t>(tt.shape().dim_size()));
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value())
      info->dims.push_back(Dim::Known(d.dim_value()));
    else
      info->dims.push_back(Dim::Symbolic(d.dim_param()));
  }
}

// Kahn's check of the graph: each output made once, every input provided, no cycle.
Result<bool> CheckEdges(const onnx::GraphProto& graph, const GraphEdges& edges, const std::string& label) {
  if (edges.duplicate_output) {
    const int i = edges.duplicate_output_node, first = edges.duplicate_output_first;
    return InvalidArgument(fmt::format("{}: {}: output '{}' is also produced by {}", label,
                                       NodeLabel(graph.node(i), i), *edges.duplicate_output,
                                       NodeLabel(graph.node(first), first)));
  }
  if (edges.unprovided_input) {
    const int i = edges.unprovided_input_node;
    return InvalidArgument(fmt::format("{}: {}: input '{}' is not produced by any node, initializer or graph input",
                                       label, NodeLabel(graph.node(i), i), *edges.unprovided_input));
  }
  int cycle_node = -1;
  if (!AnyTopologicalOrder(edges, &cycle_node)) {
    return InvalidArgument(
        fmt::format("{}: the graph has a cycle through {}", label, NodeLabel(graph.node(cycle_node), cycle_node)));
  }
  return true;
}

// Required inputs per the node's schema (onnx's or ops/'s); nodes of unknown ops are not checked.
Result<bool> CheckRequiredInputs(const onnx::GraphProto& graph, const std::unordered_map<std::string, int>& opsets,
                                 const std::string& label) {
  const auto& registry = ops::SchemaRegistry();
  // One registry lookup per op: a network repeats a few dozen ops thousands of times.
  std::map<std::pair<std::string_view, std::string_view>, const onnx::OpSchema*> schemas;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    auto [known, inserted] = schemas.try_emplace({node.domain(), node.op_type()}, nullptr);
    if (inserted) {
      auto opset = opsets.find(DomainOf(node));
      if (opset != opsets.end()) known->second = registry.GetSchema(node.op_type(), opset->second, DomainOf(node));
    }
    const auto* schema = known->second;
    if (schema == nullptr) continue;
    const auto& formals = schema->inputs();
    for (size_t k = 0; k < formals.size(); ++k) {
      if (formals[k].GetOption() != onnx::OpSchema::Single) continue;
      if (static_cast<int>(k) >= node.input_size() || node.input(static_cast<int>(k)).empty()) {
        return InvalidArgument(fmt::format("{}: {}: required input {} ('{}') is missing", label, NodeLabel(node, i),
                                           k, formals[k].GetName()));
      }
    }
  }
  return true;
}

// Initializer dims are sizes: a negative one is a malformed model, not an overflow.
Result<bool> CheckInitializerDims(const onnx::GraphProto& graph, const std::string& label) {
  for (const auto& t : graph.initializer()) {
    for (int k = 0; k < t.dims_size(); ++k) {
      if (t.dims(k) < 0) {
        return InvalidArgument(fmt::format("{}: initializer '{}' dim {} is negative ({})", label, t.name(), k,
                                           t.dims(k)));
      }
    }
  }
  return true;
}

// Every node's domain needs an opset_import entry (ORT refuses the model otherwise; onnx's
// inference reports it as an inference error with a garbled message).
Result<bool> CheckDomains(const onnx::GraphProto& graph, const std::unordered_map<std::string, int>& opsets,
                          const std::string& label) {
  const std::string* previous = nullptr;  // the last domain found: nodes come in runs of one
  for (int i = 0; i < graph.node_size(); ++i) {
    if (previous != nullptr && graph.node(i).domain() == *previous) continue;
    previous = &graph.node(i).domain();
    if (!opsets.count(DomainOf(graph.node(i)))) {
      return InvalidArgument(fmt::format("{}: {}: domain '{}' has no opset_import entry", label,
                                         NodeLabel(graph.node(i), i), graph.node(i).domain()));
    }
  }
  return true;
}

// Model-local functions: onnx's inference expands a call by inferring the function's body, so a
// function that calls itself (directly or not) would recurse until the stack runs out, and a long
// chain of calls nests as deep. Both are refused; the walk itself is iterative.
constexpr int kMaxFunctionCallDepth = 64;
Result<bool> CheckFunctionCalls(const ModelProto& model, const std::string& label) {
  const int n = model.functions_size();
  if (n == 0) return true;
  auto id = [](const std::string& domain, const std::string& name) { return domain + "." + name; };
  std::unordered_map<std::string, int> index;
  for (int f = 0; f < n; ++f) index.emplace(id(model.functions(f).domain(), model.functions(f).name()), f);
  std::vector<std::vector<int>> calls(n);
  for (int f = 0; f < n; ++f) {
    std::vector<const onnx::GraphProto*> graphs;
    auto visit = [&](const NodeProto& node) {
      auto it = index.find(id(node.domain(), node.op_type()));
      if (it != index.end()) calls[f].push_back(it->second);
      for (const auto& a : node.attribute()) {
        if (a.has_g()) graphs.push_back(&a.g());
        for (const auto& g : a.graphs()) graphs.push_back(&g);
      }
    };
    for (const auto& node : model.functions(f).node()) visit(node);
    while (!graphs.empty()) {
      const auto* g = graphs.back();
      graphs.pop_back();
      for (const auto& node : g->node()) visit(node);
    }
  }
  // Depth-first, iteratively: state 0 unvisited, 1 on the current path, 2 done (depth known).
  std::vector<int> state(n, 0), depth(n, 1);
  for (int root = 0; root < n; ++root) {
    if (state[root] != 0) continue;
    std::vector<std::pair<int, size_t>> stack{{root, 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [f, next] = stack.back();
      if (next < calls[f].size()) {
        const int callee = calls[f][next++];
        if (state[callee] == 1) {
          std::vector<std::string> path;
          bool on_cycle = false;
          for (const auto& [g, unused] : stack) {
            on_cycle = on_cycle || g == callee;
            if (on_cycle) path.push_back(id(model.functions(g).domain(), model.functions(g).name()));
          }
          path.push_back(path.front());
          return InvalidArgument(fmt::format("{}: function '{}' calls itself ({})", label, path.front(),
                                             fmt::join(path, " -> ")));
        }
        if (state[callee] == 0) {
          state[callee] = 1;
          stack.emplace_back(callee, 0);
        }
        continue;
      }
      for (int callee : calls[f]) depth[f] = std::max(depth[f], depth[callee] + 1);
      state[f] = 2;
      if (depth[f] > kMaxFunctionCallDepth) {
        return InvalidArgument(fmt::format("{}: function '{}' nests calls to other functions {} deep, over the "
                                           "limit of {}", label, id(model.functions(f).domain(),
                                           model.functions(f).name()), depth[f], kMaxFunctionCallDepth));
      }
      stack.pop_back();
    }
  }
  return true;
}

// onnx's own inference functions assume a node that passed OpSchema::Verify (required attributes
// present and typed, input and output counts in range): Scan's reads num_scan_inputs through a
// null pointer when it is missing. ORT verifies every node against its schema when it resolves the
// graph, and so does wsest, before inference: the main graph, every subgraph and every function
// body. Only onnx's own schemas are checked here; ops/'s rules are wsest's code and check what
// they read.
Result<bool> VerifyNodes(const ModelProto& model, const std::unordered_map<std::string, int>& opsets,
                         const std::string& label) {
  const auto& registry = ops::SchemaRegistry();
  auto verify = [&](const onnx::GraphProto& graph, const std::unordered_map<std::string, int>& versions) -> Result<bool> {
    std::vector<const onnx::GraphProto*> graphs{&graph};
    // Only onnx's own schemas are verified; keyed by (domain, op) as the nodes spell them.
    std::map<std::pair<std::string_view, std::string_view>, const onnx::OpSchema*> checked;
    while (!graphs.empty()) {
      const auto* g = graphs.back();
      graphs.pop_back();
      for (int i = 0; i < g->node_size(); ++i) {
        const NodeProto& node = g->node(i);
        for (const auto& a : node.attribute()) {
          if (a.has_g()) graphs.push_back(&a.g());
          for (const auto& sub : a.graphs()) graphs.push_back(&sub);
        }
        // A 10k-node graph has a few dozen (domain, op) pairs: look each up once.
        auto [cached, inserted] = checked.try_emplace({node.domain(), node.op_type()}, nullptr);
        if (inserted) {
          const onnx::OpSchema* onnx_schema = nullptr;
          auto version = versions.find(DomainOf(node));
          if (version != versions.end()) {
            const auto* schema = registry.GetSchema(node.op_type(), version->second, DomainOf(node));
            if (schema != nullptr &&
                schema == onnx::OpSchemaRegistry::Schema(node.op_type(), version->second, DomainOf(node))) {
              onnx_schema = schema;
            }
          }
          cached->second = onnx_schema;
        }
        const onnx::OpSchema* schema = cached->second;
        if (schema == nullptr) continue;
        try {
          schema->Verify(node);
        } catch (const std::exception& e) {
          std::string what = e.what();
          while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
          return InvalidArgument(fmt::format("{}: {}: {}", label, NodeLabel(node, i), what));
        }
      }
    }
    return true;
  };
  WSEST_ASSIGN_OR_RETURN(bool ok, verify(model.graph(), opsets));
  for (const auto& f : model.functions()) {
    auto versions = opsets;
    for (const auto& op : f.opset_import()) versions[op.domain() == "ai.onnx" ? "" : op.domain()] = op.version();
    onnx::GraphProto body;
    *body.mutable_node() = f.node();
    WSEST_ASSIGN_OR_RETURN(ok, verify(body, versions));
  }
  return ok;
}

// Whether a node of `graph`, or of a body nested in it, reads `name`.
bool ReadsInside(const onnx::GraphProto& graph, const std::string& name) {
  for (const auto& node : graph.node()) {
    if (std::find(node.input().begin(), node.input().end(), name) != node.input().end()) return true;
    for (const auto& a : node.attribute())
      if (a.has_g() && ReadsInside(a.g(), name)) return true;
  }
  return false;
}

// The first node reading graph input `input`, for messages: directly, else through one of its bodies
// (Silero VAD reads its audio only inside an If's branches).
std::string FirstConsumer(const onnx::GraphProto& graph, const std::string& input) {
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto& in : graph.node(i).input())
      if (in == input) return NodeLabel(graph.node(i), i);
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto& a : graph.node(i).attribute())
      if (a.has_g() && ReadsInside(a.g(), input)) return NodeLabel(graph.node(i), i) + " in its " + a.name();
  return "no node";
}

// Every unbound dim of every graph input in one error, with the flags to copy: a model with three
// dynamic dims needed three failed runs to learn them one by one.
Result<bool> CheckAllBound(const onnx::GraphProto& graph, const std::unordered_set<std::string_view>& initializer_names,
                           const std::string& label) {
  std::vector<std::string> unbound;        // each dim once: "'batch' (input 'x' dim 0, read first by ...)"
  std::vector<std::string> dim_flags;      // --dim batch=VALUE
  std::vector<std::string> input_flags;    // --input x=VALUE,3
  std::vector<std::string> shapeless;      // inputs with no shape at all
  std::set<std::string> seen;
  std::string single;  // the message when exactly one dim is unbound
  for (const auto& input : graph.input()) {
    if (initializer_names.count(input.name()) || !input.type().has_tensor_type()) continue;
    const auto& tt = input.type().tensor_type();
    if (!tt.has_shape()) {
      shapeless.push_back(fmt::format("{}: graph input '{}' has no shape; give it with --input {}=d0,d1,...",
                                      FirstConsumer(graph, input.name()), input.name(), input.name()));
      continue;
    }
    std::vector<std::string> dims;
    bool open = false;
    for (int k = 0; k < tt.shape().dim_size(); ++k) {
      const auto& d = tt.shape().dim(k);
      if (d.has_dim_value()) {
        dims.push_back(std::to_string(d.dim_value()));
        continue;
      }
      open = true;
      dims.push_back("VALUE");
      const std::string symbol = d.dim_param();
      if (symbol.empty()) {
        unbound.push_back(fmt::format("dim {} of input '{}' (no name)", k, input.name()));
        continue;
      }
      if (!seen.insert(symbol).second) continue;
      single = fmt::format("{}: input '{}' dim {} is the symbolic dim '{}', which has no value; bind it with --dim "
                           "{}=VALUE",
                           FirstConsumer(graph, input.name()), input.name(), k, symbol, symbol);
      unbound.push_back(fmt::format("'{}' (input '{}' dim {}, read first by {})", symbol, input.name(), k,
                                    FirstConsumer(graph, input.name())));
      dim_flags.push_back(fmt::format("--dim {}=VALUE", symbol));
    }
    if (open) input_flags.push_back(fmt::format("--input {}={}", input.name(), fmt::join(dims, ",")));
  }
  if (unbound.empty() && shapeless.empty()) return true;
  if (unbound.empty() && shapeless.size() == 1)
    return FailedPrecondition(fmt::format("{}: {}", label, shapeless[0]));
  std::string message;
  if (unbound.size() == 1 && dim_flags.size() == 1) {
    message = fmt::format("{}: {} (or give the shape: {})", label, single, fmt::join(input_flags, " "));
  } else if (!unbound.empty()) {
    message = fmt::format("{}: {} dims have no value: {}; bind them with {}{}", label, unbound.size(),
                          fmt::join(unbound, ", "), dim_flags.empty() ? std::string() : fmt::format("{} (or ", fmt::join(dim_flags, " ")),
                          fmt::format("{}{}", fmt::join(input_flags, " "), dim_flags.empty() ? "" : ")"));
  } else {
    message = label;
  }
  for (const auto& s : shapeless) message += fmt::format("{}{}", message == label ? ": " : "; ", s);
  return FailedPrecondition(message);
}

AttributeValue AttrValue(const onnx::AttributeProto& a, bool* supported) {
  *supported = true;
  switch (a.type()) {
    case onnx::AttributeProto::INT: return a.i();
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    default: *supported = false; return int64_t{0};
  }
}

// onnx names a dim it cannot infer unk__N (shape_inference/implementation.cc generates the names);
// no user wrote it and no --dim can bind it, so it is shown as an unnamed unknown dim. A graph
// input that declares such a name itself (a file saved after onnx's inference) keeps it: it binds.
void HideInventedDims(const std::unordered_set<std::string>& declared, TensorInfo* info) {
  for (Dim& d : info->dims)
    if (!d.known() && d.symbol.rfind("unk__", 0) == 0 && !declared.count(d.symbol)) d.symbol.clear();
}

// A graph's values by name (src/name_index.h). A body's map adds the names it meets, in the order
// it meets them; the main graph's is over its TensorCatalog's names, numbered as there, and keeps
// no other name (a value_info entry no node, graph input or output names is dropped). Names are
// views into the graph, which outlives the map.
class ValueMap {
 public:
  explicit ValueMap(size_t expected) : own_(expected) { values_.reserve(expected); }
  explicit ValueMap(const NameIndex* names) : fixed_(names), values_(names->size()) {}
  TensorInfo* Find(std::string_view name) {
    const uint32_t i = index().Find(name);
    return i == NameIndex::kAbsent ? nullptr : &values_[i];
  }
  const TensorInfo* Find(std::string_view name) const { return const_cast<ValueMap*>(this)->Find(name); }
  // The value to fill for `name`: added when absent from a body's map; null when absent from the
  // main graph's. A pointer lives until the next Slot.
  TensorInfo* Slot(std::string_view name) {
    if (fixed_ != nullptr) return Find(name);
    const auto [i, added] = own_.Add(name);
    if (added) values_.emplace_back();
    return &values_[i];
  }
  TensorInfo& at(uint32_t index) { return values_[index]; }
  const TensorInfo& at(uint32_t index) const { return values_[index]; }
  void Prefetch(std::string_view name) const { index().Prefetch(name); }

 private:
  const NameIndex& index() const { return fixed_ != nullptr ? *fixed_ : own_; }
  const NameIndex* fixed_ = nullptr;
  NameIndex own_;
  std::vector<TensorInfo> values_;
};

// Constant nodes' outputs are weights that carry their small integer values (Reshape shapes, axes).
void MarkConstants(const onnx::GraphProto& graph, ValueMap* values) {
  for (const auto& node : graph.node()) {
    if (node.op_type() != "Constant" || !IsOnnxDomain(node.domain()) || node.output_size() != 1) continue;
    TensorInfo* info = values->Slot(node.output(0));
    if (info == nullptr) continue;
    info->is_initializer = true;
    for (const auto& a : node.attribute()) {
      if (a.name() == "value" && a.has_t()) info->int_values = IntValues(a.t());
      if (a.name() == "value_ints") info->int_values = std::vector<int64_t>(a.ints().begin(), a.ints().end());
      if (a.name() == "value_int") info->int_values = std::vector<int64_t>{a.i()};
    }
  }
}

// A graph's own values as inference left them: initializers, inputs, value_info and outputs, and
// Constant nodes as weights that carry their small integer values (Reshape shapes, axes). `dims`
// binds the symbolic dims a body declares itself (the main graph's inputs are bound before inference).
// `declared`, for the main graph: the dim names its inputs declare; onnx's other invented ones are hidden.
// `names`, for the main graph: its catalog's, the only ones kept; then `threads` fill the values.
ValueMap GraphValues(const onnx::GraphProto& graph, const std::map<std::string, int64_t>* dims,
                     const std::unordered_set<std::string>* declared = nullptr, const NameIndex* names = nullptr,
                     int threads = 1) {
  auto remember = [&](const onnx::ValueInfoProto& vi, TensorInfo* info) {
    if (info == nullptr) return;
    info->name = vi.name();
    FillFromType(vi.type(), info);
    if (declared != nullptr) HideInventedDims(*declared, info);
    if (dims == nullptr) return;
    for (auto& d : info->dims) {
      if (d.known()) continue;
      auto bound = dims->find(d.symbol);
      if (bound != dims->end()) d = Dim::Known(bound->second);
    }
  };
  constexpr int kAhead = 8;  // names prefetched ahead of their lookup (NameIndex::Prefetch)
  if (names == nullptr) {
    ValueMap values(static_cast<size_t>(graph.initializer_size() + graph.input_size() + graph.value_info_size() +
                                        graph.output_size()));
    for (const auto& t : graph.initializer()) *values.Slot(t.name()) = InfoFromTensor(t);
    for (const auto& vi : graph.input()) remember(vi, values.Slot(vi.name()));
    for (int k = 0; k < graph.value_info_size(); ++k) {
      if (k + kAhead < graph.value_info_size()) values.Prefetch(graph.value_info(k + kAhead).name());
      remember(graph.value_info(k), values.Slot(graph.value_info(k).name()));
    }
    for (const auto& vi : graph.output()) remember(vi, values.Slot(vi.name()));
    MarkConstants(graph, &values);
    return values;
  }

  // The main graph: first where each initializer and value_info entry goes, looked up on all the
  // threads (each lookup is a cache miss or two in a 200k-name index: most of this pass's cost).
  ValueMap values(names);
  const int initializers = graph.initializer_size(), infos = graph.value_info_size();
  auto name_at = [&](int k) -> const std::string& {
    return k < initializers ? graph.initializer(k).name() : graph.value_info(k - initializers).name();
  };
  std::vector<uint32_t> slot(static_cast<size_t>(initializers + infos));
  ForEachBlock(slot.size(), 4096, threads, [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      if (k + kAhead < end) names->Prefetch(name_at(static_cast<int>(k + kAhead)));
      slot[k] = names->Find(name_at(static_cast<int>(k)));
    }
    return true;
  });
  // Then each value filled in the order one thread fills it: initializer, input, value_info, output.
  // Owner o of `owners` fills the values in every owners-th run of 64 (runs keep threads off each
  // other's cache lines).
  const size_t owners = static_cast<size_t>(std::max(threads, 1));
  ForEachBlock(owners, 1, threads, [&](size_t owner, size_t) {
    auto mine = [&](uint32_t at) { return at != NameIndex::kAbsent && (at / 64) % owners == owner; };
    for (int k = 0; k < initializers; ++k) {
      const uint32_t at = slot[static_cast<size_t>(k)];
      if (mine(at)) values.at(at) = InfoFromTensor(graph.initializer(k));
    }
    for (const auto& vi : graph.input())
      if (const uint32_t at = names->Find(vi.name()); mine(at)) remember(vi, &values.at(at));
    for (int k = 0; k < infos; ++k) {
      const uint32_t at = slot[static_cast<size_t>(initializers + k)];
      if (mine(at)) remember(graph.value_info(k), &values.at(at));
    }
    for (const auto& vi : graph.output())
      if (const uint32_t at = names->Find(vi.name()); mine(at)) remember(vi, &values.at(at));
    return true;
  });
  MarkConstants(graph, &values);
  return values;
}

// The values a body can see: its own, then those of each enclosing graph out to the main graph.
struct ValueScope {
  const ValueMap* values;
  const ValueScope* outer;  // null at the main graph
};

// A view's name, op, domain, opset and attributes: all but its tensors and bodies, which need shapes.
void FillViewHead(const NodeProto& node, const std::unordered_map<std::string, int>& opsets, NodeView* view) {
  view->name = node.name();
  view->op_type = node.op_type();
  view->domain = DomainOf(node);
  auto opset = opsets.find(view->domain);
  view->opset = opset == opsets.end() ? 0 : opset->second;
  for (const auto& a : node.attribute()) {
    bool supported = false;
    AttributeValue v = AttrValue(a, &supported);
    if (supported) view->attributes.emplace(a.name(), std::move(v));
  }
}

Subgraph BuildSubgraph(const std::string& attribute, const onnx::GraphProto& body,
                       const std::unordered_map<std::string, int>& opsets, const std::map<std::string, int64_t>& dims,
                       const std::unordered_set<std::string>& declared, const ValueScope& outer);

// A node's GRAPH attributes as Subgraphs, appended to view->subgraphs.
void AddSubgraphs(const NodeProto& node, const std::unordered_map<std::string, int>& opsets,
                  const std::map<std::string, int64_t>& dims, const std::unordered_set<std::string>& declared,
                  const ValueScope& scope, NodeView* view) {
  for (const auto& a : node.attribute())
    if (a.has_g()) view->subgraphs.push_back(BuildSubgraph(a.name(), a.g(), opsets, dims, declared, scope));
}

// onnx 1.12's InferShapes infers each body in place (implementation.cc GraphInferencerImpl::doInferencing
// merges the types the If/Loop/Scan inference passes into the body's graph inputs, then InferShapesImpl adds
// value_info for the body's own values), so a body's shapes are in its inputs, value_info, outputs and
// initializers; a name not found there is an outer-scope value, looked up in the enclosing graphs. Loop's
// carried values reach the body without a shape unless the body declares one (defs.cc LoopInferenceFunction
// clears it: it may change between iterations). The bodies' own symbolic dims take the --dim values too,
// and the dims onnx invents in them (unk__N) are hidden as the main graph's are.
// Nesting is bounded by the parser's recursion limit (Parse).
Subgraph BuildSubgraph(const std::string& attribute, const onnx::GraphProto& body,
                       const std::unordered_map<std::string, int>& opsets, const std::map<std::string, int64_t>& dims,
                       const std::unordered_set<std::string>& declared, const ValueScope& outer) {
  ValueMap values = GraphValues(body, &dims, &declared);
  const ValueScope scope{&values, &outer};
  auto info_of = [&](const std::string& name) {
    if (name.empty()) return TensorInfo{};
    for (const ValueScope* s = &scope; s != nullptr; s = s->outer) {
      if (const TensorInfo* info = s->values->Find(name)) return *info;
    }
    TensorInfo info;
    info.name = name;
    return info;
  };

  Subgraph out;
  out.attribute = attribute;
  out.nodes.reserve(static_cast<size_t>(body.node_size()));
  for (const auto& node : body.node()) {
    NodeView view;
    FillViewHead(node, opsets, &view);
    for (const auto& in : node.input()) view.inputs.push_back(info_of(in));
    for (const auto& o : node.output()) view.outputs.push_back(info_of(o));
    AddSubgraphs(node, opsets, dims, declared, scope, &view);
    out.nodes.push_back(std::move(view));
  }
  for (const auto& vi : body.input()) out.inputs.push_back(info_of(vi.name()));
  for (const auto& vi : body.output()) out.outputs.push_back(info_of(vi.name()));
  for (const auto& t : body.initializer()) out.initializers.push_back(info_of(t.name()));
  for (const auto& node : body.node())
    if (node.op_type() == "Constant" && IsOnnxDomain(node.domain()) && node.output_size() == 1)
      out.initializers.push_back(info_of(node.output(0)));
  return out;
}

// What Bind can do before shapes are known, on a second thread while onnx infers them when the
// caller's threads allow: the catalog (a Rebind's is its model's) and the views' heads, from the
// unbound graph in execution order. Without a second thread, Catalog makes the catalog and the
// views' heads are left to Bind.
class ShapeFreeWork {
 public:
  ShapeFreeWork(std::shared_ptr<const TensorCatalog> made, const onnx::GraphProto& unbound,
                const std::vector<int>& order, const std::unordered_map<std::string, int>& opsets, int threads,
                std::vector<NodeView>* views)
      : graph_(unbound), order_(order), catalog_(std::move(made)) {
    if (threads <= 1) return;
    try {
      thread_ = std::thread([this, &opsets, views] {
        try {
          if (catalog_ == nullptr) catalog_ = CatalogOf(graph_, order_);
          views->resize(order_.size());
          for (size_t at = 0; at < order_.size(); ++at) FillViewHead(graph_.node(order_[at]), opsets, &(*views)[at]);
          heads_filled_ = true;
        } catch (...) {
          failed_ = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      // No second thread: the work is done when asked for.
    }
  }
  ~ShapeFreeWork() {
    if (thread_.joinable()) thread_.join();
  }
  ShapeFreeWork(const ShapeFreeWork&) = delete;
  ShapeFreeWork& operator=(const ShapeFreeWork&) = delete;

  // The catalog; then heads_filled says whether the views hold their heads.
  std::shared_ptr<const TensorCatalog> Catalog() {
    if (thread_.joinable()) thread_.join();
    if (failed_) std::rethrow_exception(failed_);
    if (catalog_ == nullptr) catalog_ = CatalogOf(graph_, order_);
    return catalog_;
  }
  bool heads_filled() const { return heads_filled_; }

 private:
  const onnx::GraphProto& graph_;  // the unbound graph and the order: both outlive Bind
  const std::vector<int>& order_;
  std::shared_ptr<const TensorCatalog> catalog_;
  bool heads_filled_ = false;
  std::exception_ptr failed_;
  std::thread thread_;
};

// The copy Bind binds and infers, in `arena`. What Bind or onnx's inference writes is copied: every
// field but the graph's nodes and initializers, and the nodes with graph attributes (inference
// rewrites their bodies in place: onnx 1.12 InferenceContextImpl takes each body mutably). The other
// nodes and the initializers, which nothing writes, are the parsed model's own, lent to the copy
// and taken back before the arena goes: copying them was 5% of a 10k-node run (callgrind).
class WorkingCopy {
 public:
  WorkingCopy(const ModelProto& from, google::protobuf::Arena* arena)
      : model_(google::protobuf::Arena::CreateMessage<ModelProto>(arena)) {
    // onnx 1.12's ModelProto has 11 fields and GraphProto 9, each copied or lent below.
    if (ModelProto::descriptor()->field_count() != 11 || onnx::GraphProto::descriptor()->field_count() != 9)
      throw std::logic_error("wsest: onnx's ModelProto or GraphProto gained a field WorkingCopy does not copy");
    model_->set_ir_version(from.ir_version());
    *model_->mutable_opset_import() = from.opset_import();
    model_->set_producer_name(from.producer_name());
    model_->set_producer_version(from.producer_version());
    model_->set_domain(from.domain());
    model_->set_model_version(from.model_version());
    model_->set_doc_string(from.doc_string());
    *model_->mutable_metadata_props() = from.metadata_props();
    *model_->mutable_training_info() = from.training_info();
    *model_->mutable_functions() = from.functions();
    const onnx::GraphProto& graph = from.graph();
    onnx::GraphProto* to = model_->mutable_graph();
    to->set_name(graph.name());
    to->set_doc_string(graph.doc_string());
    *to->mutable_sparse_initializer() = graph.sparse_initializer();
    *to->mutable_input() = graph.input();
    *to->mutable_output() = graph.output();
    *to->mutable_value_info() = graph.value_info();
    *to->mutable_quantization_annotation() = graph.quantization_annotation();
    to->mutable_node()->Reserve(graph.node_size());
    for (const auto& node : graph.node()) {
      const bool has_body = std::any_of(node.attribute().begin(), node.attribute().end(), [](const auto& a) {
        return a.has_g() || a.graphs_size() > 0;
      });
      if (has_body)
        *to->add_node() = node;
      else
        to->mutable_node()->UnsafeArenaAddAllocated(const_cast<NodeProto*>(&node));
    }
    to->mutable_initializer()->Reserve(graph.initializer_size());
    for (const auto& t : graph.initializer())
      to->mutable_initializer()->UnsafeArenaAddAllocated(const_cast<TensorProto*>(&t));
  }
  // The lent messages leave the copy's fields without being freed (the arena's own copies with
  // them: the arena frees those).
  ~WorkingCopy() {
    onnx::GraphProto* graph = model_->mutable_graph();
    graph->mutable_node()->UnsafeArenaExtractSubrange(0, graph->node_size(), nullptr);
    graph->mutable_initializer()->UnsafeArenaExtractSubrange(0, graph->initializer_size(), nullptr);
  }
  WorkingCopy(const WorkingCopy&) = delete;
  WorkingCopy& operator=(const WorkingCopy&) = delete;

  ModelProto* get() { return model_; }

 private:
  ModelProto* model_;
};

// `checked` is the Impl of an earlier Bind of the same graph, or null on the first; `declared_dims` is
// the graph's WithDeclaredDims cache (null for the declared-dims model itself).
Result<std::shared_ptr<const Model::Impl>> Bind(std::shared_ptr<const ModelProto> unbound, const std::string& label,
                                                const ModelOptions& options, const Model::Impl* checked,
                                                std::shared_ptr<DeclaredDimsCache> declared_dims) {
  // The bound copy is bound, inferred and read here, then dropped: it lives in an arena, so copying
  // it allocates by bumping a pointer and dropping it frees a few blocks, not each of its messages
  // (the two cost about 0.6 of onnx's shape inference on a 10k-node graph; bench/); most of its
  // nodes are lent, not copied (WorkingCopy).
  google::protobuf::Arena arena;
  WorkingCopy working(*unbound, &arena);
  ModelProto* model = working.get();
  auto impl = std::make_shared<Model::Impl>();
  impl->path = label;
  impl->unbound = unbound;
  impl->declared_dims = std::move(declared_dims);

  std::unordered_map<std::string, int> opsets;
  for (const auto& op : model->opset_import()) opsets[op.domain() == "ai.onnx" ? "" : op.domain()] = op.version();
  const std::unordered_set<std::string_view> weight_inputs = WeightInputs(model->graph());

  {
    auto bound = BindInputs(model, options, label, weight_inputs, &impl->symbolic_dims);
    if (!bound.ok()) return bound.error();
  }
  std::unordered_map<std::string, FoldedValue> given_values;
  WSEST_ASSIGN_OR_RETURN(given_values, InputValues(model->graph(), options, label, weight_inputs));
  if (!options.allow_symbolic) {
    auto all_bound = CheckAllBound(model->graph(), weight_inputs, label);
    if (!all_bound.ok()) return all_bound.error();
  }
  std::vector<int> order;
  if (checked == nullptr) {
    for (auto check : {CheckInitializerDims(model->graph(), label), CheckDomains(model->graph(), opsets, label),
                       CheckFunctionCalls(*model, label)}) {
      if (!check.ok()) return check.error();
    }
    const GraphEdges edges = BuildGraphEdges(model->graph(), options.threads);
    auto acyclic = CheckEdges(model->graph(), edges, label);
    if (!acyclic.ok()) return acyclic.error();
    // Kahn's pass checked the graph (a cycle, a name nothing makes); ORT runs it in its own order.
    order = OrtExecutionOrder(model->graph(), edges);
  } else {
    order = checked->order;
  }
  impl->order = order;
  // What needs no shape is done while onnx infers them: the catalog (a Rebind's is its model's) and
  // the views' heads.
  ShapeFreeWork shape_free(checked != nullptr ? checked->catalog : nullptr, unbound->graph(), impl->order, opsets,
                           options.threads, &impl->nodes);
  if (!std::is_sorted(order.begin(), order.end())) {
    // onnx's inference walks nodes in file order; ORT sorts them first, and so do we. The nodes are
    // permuted in place by swapping pointers: copying them into a field outside the arena and
    // swapping it back copied every node three times (27% of a 10k-node run; bench/, callgrind).
    auto* nodes = model->mutable_graph()->mutable_node();
    std::vector<int> at(order.size()), where(order.size());  // original node at a slot; slot of a node
    for (size_t k = 0; k < order.size(); ++k) at[k] = where[k] = static_cast<int>(k);
    for (size_t k = 0; k < order.size(); ++k) {
      const int wanted = order[k], slot = where[static_cast<size_t>(wanted)], displaced = at[k];
      if (slot == static_cast<int>(k)) continue;
      nodes->SwapElements(static_cast<int>(k), slot);
      at[static_cast<size_t>(slot)] = displaced;
      where[static_cast<size_t>(displaced)] = slot;
      at[k] = wanted;
      where[static_cast<size_t>(wanted)] = static_cast<int>(k);
    }
    for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  }
  if (checked == nullptr) {
    auto required = CheckRequiredInputs(model->graph(), opsets, label);
    if (!required.ok()) return required.error();
    auto verified = VerifyNodes(*model, opsets, label);
    if (!verified.ok()) return verified.error();
  }

  std::unordered_map<std::string, onnx::TensorShapeProto> propagated;
  try {
    // error_mode 1: a contradiction between shapes is an error; data propagation lets Reshape and
    // Expand see shapes computed by Shape/Gather/Concat chains.
    onnx::ShapeInferenceOptions inference_options(/*check_type=*/false, /*error_mode=*/1, /*data_prop=*/true);
    onnx::shape_inference::InferShapes(*model, &ops::SchemaRegistry(), inference_options, &propagated);
  } catch (const std::exception& e) {
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    return InvalidArgument(fmt::format("{}: shape inference failed: {}", label, what));
  }

  // ORT computes shape tensors before the nodes that read them; onnx's inference stops at some.
  FoldedShapes folded;
  WSEST_ASSIGN_OR_RETURN(folded, FoldShapes(model, propagated, given_values, label));
  FoldBodies(model, folded);  // the same inside If, Loop and Scan bodies

  const auto& graph = model->graph();
  impl->catalog = shape_free.Catalog();
  const TensorCatalog& catalog = *impl->catalog;
  const TensorIds& ids = catalog.ids;
  const std::unordered_set<std::string> declared(impl->symbolic_dims.begin(), impl->symbolic_dims.end());
  ValueMap values = GraphValues(graph, nullptr, &declared, &catalog.names, options.threads);
  Bytes weights;
  for (const auto& t : graph.initializer()) {
    Bytes b(static_cast<uint64_t>(std::max<int64_t>(0, ElementSize(static_cast<DataType>(t.data_type())))));
    for (int64_t d : t.dims()) b *= Bytes::FromDim(d);
    weights += b;
  }
  if (weights.overflow()) return OutOfRange(fmt::format("{}: the initializers' total size overflows 64 bits", label));
  impl->initializer_bytes = weights.value();

  // Values computed by data propagation (Shape -> Gather -> Concat ...).
  for (const auto& [name, shape] : propagated) {
    TensorInfo* it = values.Find(name);
    if (it == nullptr || it->int_values) continue;
    std::vector<int64_t> ints;
    bool complete = true;
    for (const auto& d : shape.dim()) {
      if (!d.has_dim_value()) {
        complete = false;
        break;
      }
      ints.push_back(d.dim_value());
    }
    if (complete) it->int_values = std::move(ints);
  }

  for (const auto& [name, v] : folded.values) {
    TensorInfo* it = values.Find(name);
    if (it == nullptr || it->int_values || !v.fully_known()) continue;
    std::vector<int64_t> ints;
    for (const FoldedElement& d : v.elements) ints.push_back(*d.value);
    it->int_values = std::move(ints);
  }

  // The views, in execution order (the nodes were permuted into it above), in two passes over the
  // catalog's numbers: no name is looked up. The first passes lost shapes from inputs to outputs,
  // which needs the order, and names the tensors nothing described (only a Rebind, which skips the
  // checks, could meet a name nothing provides). The second copies the values into the views: each
  // view on its own, so options.threads build blocks of them at once (the copies are most of the
  // views' cost: a malloc per name and shape).
  const size_t n = order.size();
  for (size_t at = 0; at < n; ++at) {
    const auto& node = graph.node(static_cast<int>(at));
    // A tensor whose shape lost a dim no one can name carries the first node that lost it, passed
    // from each node's first such input to its outputs, so an unknown estimate can say where to look.
    const TensorInfo* lost_from = nullptr;  // the input whose origin the outputs take
    for (int k = 0; k < node.input_size(); ++k) {
      const int32_t id = ids.input(at, static_cast<size_t>(k));
      if (id < 0) continue;
      TensorInfo& info = values.at(static_cast<uint32_t>(id));
      if (info.name.empty()) info.name = node.input(k);
      if (lost_from == nullptr && !info.shape_lost_at.empty()) lost_from = &info;
    }
    for (int k = 0; k < node.output_size(); ++k) {
      const int32_t id = ids.output(at, static_cast<size_t>(k));
      if (id < 0) continue;
      TensorInfo& info = values.at(static_cast<uint32_t>(id));
      info.name = node.output(k);  // a Constant's value may have come in without one (GraphValues)
      const bool lost = !info.has_shape || std::any_of(info.dims.begin(), info.dims.end(), [](const Dim& d) {
        return !d.known() && d.symbol.empty();
      });
      if (lost) info.shape_lost_at = lost_from != nullptr ? lost_from->shape_lost_at : NodeLabel(node, at);
    }
  }

  const bool heads_filled = shape_free.heads_filled();
  if (!heads_filled) impl->nodes.resize(n);
  const ValueMap& known = values;  // the second pass only reads it, from several threads
  auto copy_values = [&known](const std::vector<int32_t>& uses, uint32_t begin, uint32_t end,
                              std::vector<TensorInfo>* infos) {
    infos->reserve(end - begin);
    for (uint32_t k = begin; k < end; ++k)
      infos->push_back(uses[k] < 0 ? TensorInfo{} : known.at(static_cast<uint32_t>(uses[k])));
  };
  ForEachBlock(n, 256, options.threads, [&](size_t begin, size_t end) {
    for (size_t at = begin; at < end; ++at) {
      const auto& node = graph.node(static_cast<int>(at));
      NodeView& view = impl->nodes[at];
      if (!heads_filled) FillViewHead(node, opsets, &view);
      copy_values(ids.input_ids, ids.input_begin[at], ids.input_begin[at + 1], &view.inputs);
      copy_values(ids.output_ids, ids.output_begin[at], ids.output_begin[at + 1], &view.outputs);
      // Bodies are read from the copy inference wrote them into (their shapes are there).
      AddSubgraphs(node, opsets, options.dims, declared, {&known, nullptr}, &view);
    }
    return true;
  });

  // Graph inputs that are not initializers, and the outputs (a graph may name "" as either).
  auto add = [&](int32_t id, const std::string& name, std::vector<TensorInfo>* infos) {
    if (id < 0) {
      infos->emplace_back();
      return;
    }
    TensorInfo& info = values.at(static_cast<uint32_t>(id));
    if (info.name.empty()) info.name = name;
    infos->push_back(info);
  };
  size_t k = 0;
  for (const auto& vi : graph.input())
    if (!weight_inputs.count(vi.name())) add(ids.graph_inputs[k++], vi.name(), &impl->inputs);
  for (int o = 0; o < graph.output_size(); ++o)
    add(ids.graph_outputs[static_cast<size_t>(o)], graph.output(o).name(), &impl->outputs);
  return std::shared_ptr<const Model::Impl>(std::move(impl));
}

}  // namespace

Result<Model> Model::FromBytes(const std::string& bytes, const std::string& label, const ModelOptions& options) try {
  WSEST_ASSIGN_OR_RETURN(std::shared_ptr<ModelProto> proto, Parse(bytes, label));
  DropPayloads(proto->mutable_graph());
  WSEST_ASSIGN_OR_RETURN(auto impl, Bind(std::move(proto), label, options, nullptr, std::make_shared<DeclaredDimsCache>()));
  return Model(std::move(impl));
} catch (...) {
  return CurrentExceptionAsError(label);
}

Result<Model> Model::Load(const std::string& path, const ModelOptions& options) try {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return NotFound(fmt::format("{}: no such file", path));
  if (fs::is_directory(status)) return InvalidArgument(fmt::format("{}: is a directory, not an ONNX model", path));
  std::ifstream file(path, std::ios::binary);
  if (!file) return NotFound(fmt::format("{}: cannot open the file", path));
  const auto size = fs::file_size(path, ec);
  if (!ec && size > static_cast<uintmax_t>(INT_MAX)) {
    return InvalidArgument(fmt::format(
        "{}: {} bytes is over protobuf's 2 GiB limit for one message; save the model with its weights as "
        "external data (onnx.save_model(..., save_as_external_data=True)) and wsest reads only the graph",
        path, size));
  }
  // One read of the whole file (an istreambuf_iterator copy costs ~15 instructions a byte).
  std::string bytes;
  if (!ec) {
    bytes.resize(static_cast<size_t>(size));
    file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(file.gcount()));
  } else {
    bytes.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  return FromBytes(bytes, path, options);
} catch (...) {
  return CurrentExceptionAsError(path);
}

Result<Model> Model::Rebind(const ModelOptions& options) const try {
  WSEST_ASSIGN_OR_RETURN(auto impl, Bind(impl_->unbound, impl_->path, options, impl_.get(), impl_->declared_dims));
  return Model(std::move(impl));
} catch (...) {
  return CurrentExceptionAsError(impl_->path);
}

namespace {

template <typename ImplT>
auto& TensorAt(ImplT& impl, const SymbolSites::Site& site) {
  switch (site.side) {
    case SymbolSites::kNodeInput: return impl.nodes[site.node].inputs[site.tensor];
    case SymbolSites::kNodeOutput: return impl.nodes[site.node].outputs[site.tensor];
    case SymbolSites::kGraphInput: return impl.inputs[site.tensor];
    default: return impl.outputs[site.tensor];
  }
}

void FindSymbolSites(const Model::Impl& impl, SymbolSites* out) {
  const std::set<std::string_view> symbols(impl.symbolic_dims.begin(), impl.symbolic_dims.end());
  // The sites of one list of tensors; false when a shape there cannot be bound by substitution.
  auto scan = [&](const std::vector<TensorInfo>& tensors, SymbolSites::Side side, uint32_t node) {
    for (uint32_t k = 0; k < tensors.size(); ++k) {
      const TensorInfo& t = tensors[k];
      if (!t.present()) continue;
      if (!t.has_shape) return false;
      for (uint32_t d = 0; d < t.dims.size(); ++d) {
        if (t.dims[d].known()) continue;
        if (!symbols.count(t.dims[d].symbol)) return false;
        out->sites.push_back({node, k, d, side});
      }
    }
    return true;
  };
  for (uint32_t i = 0; i < impl.nodes.size(); ++i) {
    const NodeView& node = impl.nodes[i];
    if (!node.subgraphs.empty() || !scan(node.inputs, SymbolSites::kNodeInput, i) ||
        !scan(node.outputs, SymbolSites::kNodeOutput, i)) {
      out->sites.clear();
      return;
    }
  }
  if (!scan(impl.inputs, SymbolSites::kGraphInput, 0) || !scan(impl.outputs, SymbolSites::kGraphOutput, 0)) {
    out->sites.clear();
    return;
  }
  out->substitutable = true;
}

}  // namespace

std::optional<Model> Model::Substitute(const std::map<std::string, int64_t>& dims, std::optional<Model> spare) const try {
  SymbolSites& sites = *impl_->symbol_sites;
  std::call_once(sites.once, [&] { FindSymbolSites(*impl_, &sites); });
  if (!sites.substitutable) return std::nullopt;
  std::shared_ptr<Impl> impl;
  if (spare && spare->impl_.use_count() == 1 && spare->impl_->substituted_from == impl_->symbol_sites) {
    // Made from this model and held nowhere else: only its sites differ from this model's views.
    impl = std::const_pointer_cast<Impl>(std::move(spare->impl_));
    impl->symbol_sites = std::make_shared<SymbolSites>();  // its own, if found, were for its old values
  } else {
    impl = std::make_shared<Impl>(*impl_);
    impl->symbol_sites = std::make_shared<SymbolSites>();
    impl->substituted_from = impl_->symbol_sites;
  }
  for (const SymbolSites::Site& site : sites.sites) {
    const Dim& from = TensorAt(*impl_, site).dims[site.dim];
    auto value = dims.find(from.symbol);
    TensorAt(*impl, site).dims[site.dim] = value != dims.end() ? Dim::Known(value->second) : from;
  }
  return Model(std::move(impl));
} catch (...) {
  return std::nullopt;  // nothing throws out of the public API: the caller re-binds instead
}

Result<Model> Model::WithDeclaredDims() const try {
  ModelOptions declared;
  declared.allow_symbolic = true;
  const std::shared_ptr<DeclaredDimsCache>& cache = impl_->declared_dims;
  if (cache == nullptr) return Rebind(declared);
  std::call_once(cache->once, [&] {
    auto bound = Bind(impl_->unbound, impl_->path, declared, impl_.get(), nullptr);
    if (bound.ok())
      cache->impl = std::move(*bound);
    else
      cache->error = bound.error();
  });
  if (cache->error) return *cache->error;
  return Model(cache->impl);
} catch (...) {
  return CurrentExceptionAsError(impl_->path);
}

void PrepareSchemas() { ops::SchemaRegistry(); }

const std::string& Model::path() const { return impl_->path; }
const std::vector<NodeView>& Model::nodes() const { return impl_->nodes; }
const std::vector<TensorInfo>& Model::inputs() const { return impl_->inputs; }
const std::vector<TensorInfo>& Model::outputs() const { return impl_->outputs; }
const std::vector<std::string>& Model::symbolic_dims() const { return impl_->symbolic_dims; }
uint64_t Model::initializer_bytes() const { return impl_->initializer_bytes; }
const TensorIds& Model::tensor_ids() const { return impl_->catalog->ids; }

const char* Version() { return WSEST_VERSION; }

}  // namespace wsest
