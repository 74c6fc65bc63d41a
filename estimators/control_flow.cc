// If, Loop and Scan. The CUDA kernels (core/providers/cuda/controlflow/{if,loop,scan}.cc) call the CPU
// implementations, which run the body through a subgraph session one node after another
// (core/framework/utils.cc ExecuteSubgraph with ExecutionMode::ORT_SEQUENTIAL); each body node's scratch is
// freed when its Compute returns. So a body's workspace is its largest node's, and what the control-flow
// kernel itself holds while the body runs (Loop's per-iteration outputs, Scan's transposed inputs, state
// buffers and temporary outputs) adds to it. The body's own activations are its values, not scratch.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "estimators/estimators.h"
#include "wsest/registry.h"

namespace wsest::estimators {
namespace {

constexpr const char* kExecuteSubgraphSource = "onnxruntime 1.29.0 core/framework/utils.cc ExecuteSubgraph";
constexpr const char* kLoopSaveOutputsSource =
    "onnxruntime 1.29.0 core/providers/cpu/controlflow/loop.cc LoopImpl::SaveOutputsAndUpdateFeeds";
constexpr const char* kScanSetupInputsSource =
    "onnxruntime 1.29.0 core/providers/cpu/controlflow/scan_9.cc ScanImpl::SetupInputs";
constexpr const char* kLoopStateVariableSource =
    "onnxruntime 1.29.0 core/providers/cpu/controlflow/scan_utils.cc LoopStateVariable::LoopStateVariable";
constexpr const char* kScanTemporaryOutputSource =
    "onnxruntime 1.29.0 core/providers/cpu/controlflow/scan_utils.cc OutputIterator::AllocateFinalBuffer";

// Bodies nesting deeper than this are not walked. The CLI's parser stops far sooner (its recursion limit of
// 256 protobuf levels is about 85 bodies); this bounds the walk for views an EP adapter builds.
constexpr int kMaxBodyNesting = 128;

// How deep bodies nest under `node` (0: none), counted without recursion; stops past kMaxBodyNesting.
int BodyNesting(const NodeView& node) {
  int deepest = 0;
  std::vector<std::pair<const NodeView*, int>> stack{{&node, 0}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (depth > kMaxBodyNesting) return depth;
    for (const auto& g : n->subgraphs)
      for (const auto& inner : g.nodes) stack.emplace_back(&inner, depth + 1);
  }
  return deepest;
}

// What one body costs: its largest node's estimate, or the reason it is unknown.
struct BodyWorkspace {
  std::string attribute;
  size_t node_count = 0;
  std::string largest_path;   // "then_branch/layer3_matmul"
  std::string largest_label;  // "then_branch/layer3_matmul (MatMul)", "body/#2 (MatMul)"
  Estimate largest;           // that node's estimate; no buffers for an empty body
  uint64_t bytes = 0;
  Exactness exactness = Exactness::kExact;
  std::string unknown;  // non-empty: the first unknown body node, and why
  // Every body node's session buffers (Estimate::session_buffers), named by their path: ORT creates
  // the kernels of every body at session creation, whichever branch later runs.
  std::vector<Buffer> session_buffers;
};

std::string BodyNodeName(const NodeView& n, size_t index) {
  return n.name.empty() ? "#" + std::to_string(index) + " (" + n.op_type + ")" : n.name;
}

// Runs every body node's estimator: a maximum over nodes that run one at a time. Past an unknown node
// the walk goes on for the session buffers only.
Result<BodyWorkspace> EstimateBody(const NodeView& node, const Subgraph& body, const Target& target) {
  BodyWorkspace out;
  out.attribute = body.attribute;
  out.node_count = body.nodes.size();
  bool first = true;
  for (size_t i = 0; i < body.nodes.size(); ++i) {
    const NodeView& inner = body.nodes[i];
    const std::string path = body.attribute + "/" + BodyNodeName(inner, i);
    const std::string label = inner.name.empty() ? path : path + " (" + inner.op_type + ")";
    Result<Estimate> r = EstimateNode(inner, target);
    if (!r.ok()) return Error{r.error().code, node.Label() + ": " + body.attribute + ": " + r.error().message};
    const Estimate& e = *r;
    for (const Buffer& b : e.session_buffers) {
      const bool nested = b.name.find(": ") != std::string::npos;
      out.session_buffers.push_back({path + (nested ? "/" : ": ") + b.name, b.bytes, b.source, b.allocator});
    }
    if (!out.unknown.empty()) continue;
    if (!e.known()) {
      out.unknown = label + " is unknown: " + e.reason;
      out.exactness = Exactness::kUnknown;
      continue;
    }
    const uint64_t bytes = *e.workspace_bytes();
    out.exactness = CombineExactness(out.exactness, e.exactness);
    if (first || bytes > out.bytes) {
      out.bytes = bytes;
      out.largest = e;
      out.largest_path = path;
      out.largest_label = label;
      first = false;
    }
  }
  return out;
}

// The largest body node's buffers on `e`, each named by the body node it comes from. A buffer of a nested
// control-flow node is already named by its path ("then_branch/mm: ws") and is prefixed with this path.
void AddBodyBuffers(const BodyWorkspace& body, Estimate* e) {
  for (const auto& b : body.largest.buffers) {
    const bool nested = b.name.find(": ") != std::string::npos;
    e->Add(body.largest_path + (nested ? "/" : ": ") + b.name, Bytes(b.bytes), b.source, b.allocator);
  }
}

std::string BodySummary(const BodyWorkspace& body) {
  if (body.node_count == 0) return body.attribute + " has no nodes";
  return body.attribute + " (" + std::to_string(body.node_count) + (body.node_count == 1 ? " node" : " nodes") +
         "): the largest is " + body.largest_label + ", " + std::to_string(body.bytes) + " B";
}

std::string NoBody(const NodeView& node, const std::string& attribute) {
  return node.Label() + ": the view carries no '" + attribute + "' body (its producer, e.g. an EP adapter, gave no " +
         "subgraphs), so the body's nodes cannot be estimated";
}

// Walks the body named `attribute`; an Unknown estimate in `unknown` when the view has no such body or a body
// node is unknown.
Result<BodyWorkspace> WalkBody(const NodeView& node, const std::string& attribute, const Target& target,
                               std::optional<Estimate>* unknown, std::vector<Buffer>* session) {
  const Subgraph* body = node.subgraph(attribute);
  if (body == nullptr) {
    *unknown = Estimate::Unknown(NoBody(node, attribute));
    return BodyWorkspace{};
  }
  WSEST_ASSIGN_OR_RETURN(BodyWorkspace w, EstimateBody(node, *body, target));
  if (!w.unknown.empty()) *unknown = Estimate::Unknown(node.Label() + ": body node " + w.unknown);
  session->insert(session->end(), w.session_buffers.begin(), w.session_buffers.end());
  return w;
}

// A control-flow node's estimate with its bodies' session buffers, whatever the estimate says.
Result<Estimate> WithSessionBuffers(Result<Estimate> r, std::vector<Buffer> session) {
  if (!r.ok()) return r;
  Estimate e = std::move(r).value();
  e.session_buffers.insert(e.session_buffers.end(), session.begin(), session.end());
  return e;
}

// Bytes of a fully known tensor, or the reason it is not known in `*unknown`.
Bytes TensorBytes(const NodeView& node, const TensorInfo& t, const std::string& what, std::string* unknown) {
  const int64_t element_size = ElementSize(t.dtype);
  if (element_size == 0) {
    *unknown = node.Label() + ": " + what + " '" + t.name + "' has element type " + DataTypeName(t.dtype) +
               ", whose size is not modelled";
    return Bytes(0);
  }
  if (!t.fully_known()) {
    *unknown = node.Label() + ": " + what + " '" + t.name + "': " + t.first_unknown_dim() + " is not known";
    return Bytes(0);
  }
  Bytes b(static_cast<uint64_t>(element_size));
  for (const auto& d : t.dims) b *= Bytes::FromDim(d.value);
  return b;
}

std::string BodyReason(const std::string& summary) {
  return summary + "; body nodes run one at a time and free their scratch on return (" + kExecuteSubgraphSource +
         ", ORT_SEQUENTIAL); the body's activations are not counted";
}


// Mirrors ORT 1.29.0 core/providers/cpu/controlflow/if.cc IfImpl::Execute: one branch runs, chosen by `cond`
// at run time, and writes straight into the If's outputs (AllocateOutputTensors): no scratch of its own.
Result<Estimate> IfEstimate(const NodeView& node, const Target& target, std::vector<Buffer>* session) {
  if (BodyNesting(node) > kMaxBodyNesting) {
    return Estimate::Unknown(node.Label() + ": bodies nest deeper than " + std::to_string(kMaxBodyNesting));
  }
  std::optional<Estimate> unknown;
  // A cond computed from shapes alone (torch's `if x.dim() == 3:`, folded by src/shape_folding.cc) is
  // known before the run: only that branch runs.
  if (!node.inputs.empty() && node.inputs[0].int_values && node.inputs[0].int_values->size() == 1) {
    const int64_t cond = node.inputs[0].int_values->front();
    const std::string taken = cond != 0 ? "then_branch" : "else_branch";
    WSEST_ASSIGN_OR_RETURN(BodyWorkspace branch, WalkBody(node, taken, target, &unknown, session));
    // The other branch's kernels are created all the same: it is walked for its session buffers only.
    std::optional<Estimate> ignored;
    if (auto other = WalkBody(node, cond != 0 ? "else_branch" : "then_branch", target, &ignored, session); !other.ok())
      return other.error();
    if (unknown) return *unknown;
    Estimate e{"subgraph", branch.exactness};
    e.candidates.push_back({taken, "", branch.bytes});
    AddBodyBuffers(branch, &e);
    e.reason = BodyReason(BodySummary(branch) + "; cond is " + (cond != 0 ? "true" : "false") +
                          " before the run (a shape computation): only the " + taken + " runs");
    return e;
  }
  WSEST_ASSIGN_OR_RETURN(BodyWorkspace then_branch, WalkBody(node, "then_branch", target, &unknown, session));
  std::optional<Estimate> else_unknown;
  WSEST_ASSIGN_OR_RETURN(BodyWorkspace else_branch, WalkBody(node, "else_branch", target, &else_unknown, session));
  if (unknown) return *unknown;
  if (else_unknown) return *else_unknown;
  const BodyWorkspace& larger = else_branch.bytes > then_branch.bytes ? else_branch : then_branch;
  // The branch is a run-time choice: with different workspaces the larger is a maximum.
  const bool branches_agree = then_branch.bytes == else_branch.bytes;
  Estimate e{"subgraph", CombineExactness(CombineExactness(then_branch.exactness, else_branch.exactness),
                                          branches_agree ? Exactness::kExact : Exactness::kUpperBound)};
  e.candidates.push_back({"then_branch", "", then_branch.bytes});
  e.candidates.push_back({"else_branch", "", else_branch.bytes});
  AddBodyBuffers(larger, &e);
  e.reason = BodyReason(BodySummary(then_branch) + "; " + BodySummary(else_branch) +
                        (branches_agree ? "" : "; cond picks the branch at run time, the larger is counted"));
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cpu/controlflow/loop.cc LoopImpl::Execute: the body runs once per
// iteration; each iteration's scan outputs (body outputs after cond and the carried values) are kept in
// loop_output_tensors_ (SaveOutputsAndUpdateFeeds) until ConcatenateLoopOutput copies them into the Loop's
// outputs (cuda/controlflow/loop.cc ConcatenateGpuOutput): as many bytes as those outputs, held beside the
// body's scratch.
Result<Estimate> LoopEstimate(const NodeView& node, const Target& target, std::vector<Buffer>* session) {
  if (BodyNesting(node) > kMaxBodyNesting) {
    return Estimate::Unknown(node.Label() + ": bodies nest deeper than " + std::to_string(kMaxBodyNesting));
  }
  std::optional<Estimate> unknown;
  WSEST_ASSIGN_OR_RETURN(BodyWorkspace body, WalkBody(node, "body", target, &unknown, session));
  if (unknown) return *unknown;
  const Subgraph& graph = *node.subgraph("body");
  // Loop inputs: M, cond, then the carried values; outputs: the carried values, then the scan outputs.
  const size_t carried = node.inputs.size() > 2 ? node.inputs.size() - 2 : 0;
  Exactness own = Exactness::kExact;
  std::vector<std::pair<std::string, Bytes>> per_iteration_outputs;
  for (size_t k = carried; k < node.outputs.size(); ++k) {
    if (!node.has_output(k)) continue;
    const TensorInfo& output = node.outputs[k];
    const std::string name = "per_iteration_outputs[" + std::to_string(k - carried) + "]";
    std::string why;
    Bytes all = TensorBytes(node, output, "output " + std::to_string(k), &why);
    if (why.empty()) {
      per_iteration_outputs.emplace_back(name, all);
      continue;
    }
    // The output's leading dim is the trip count, which onnx's inference leaves open: M times one
    // iteration's output when M is a constant. The loop may stop earlier through cond, unless the body
    // passes cond through unchanged and the Loop has no cond input.
    const TensorInfo* trip_count = node.input(0);
    const size_t body_output = 1 + k;  // the body's outputs: cond, the carried values, the scan outputs
    std::string body_why;
    Bytes one =
        body_output < graph.outputs.size()
            ? TensorBytes(node, graph.outputs[body_output], "body output " + std::to_string(body_output), &body_why)
            : Bytes(0);
    if (body_output >= graph.outputs.size())
      body_why = node.Label() + ": the body has no output " + std::to_string(body_output);
    const bool trip_count_known =
        trip_count != nullptr && trip_count->int_values && trip_count->int_values->size() == 1;
    if (!trip_count_known || !body_why.empty()) {
      const std::string trip_count_why = trip_count == nullptr ? "; the Loop has no M: cond ends it at run time"
                                                               : "; the trip count M is a run-time value";
      return Estimate::Unknown(why + (trip_count_known ? "; " + body_why : trip_count_why) +
                               "; ORT keeps every iteration's scan output until the loop ends (" +
                               kLoopSaveOutputsSource + ")");
    }
    const Bytes product = Bytes::FromDim(trip_count->int_values->front()) * one;
    if (product.overflow()) {
      return Estimate::Unknown(node.Label() +
                               ": the trip count M = " + std::to_string(trip_count->int_values->front()) +
                               " times one iteration's scan output overflows: the loop ends on cond, at run time");
    }
    const bool cond_passed_through = !node.has_input(1) && graph.inputs.size() > 1 && !graph.outputs.empty() &&
                                     graph.outputs[0].name == graph.inputs[1].name;
    if (!cond_passed_through) own = Exactness::kUpperBound;
    per_iteration_outputs.emplace_back(name, product);
  }
  Estimate e{"subgraph", CombineExactness(own, body.exactness)};
  // The outputs come from the body session's execution frame, on the device allocator.
  for (const auto& [name, bytes] : per_iteration_outputs) e.Add(name, bytes, kLoopSaveOutputsSource);
  AddBodyBuffers(body, &e);
  e.reason = BodyReason(BodySummary(body)) + (own == Exactness::kUpperBound
                                                  ? "; the scan outputs are counted for all M iterations (cond may end "
                                                    "the loop sooner)"
                                                  : "");
  return e;
}

// Mirrors ORT 1.29.0 core/providers/cpu/controlflow/scan_9.cc ScanImpl (opset 9+) and scan_8.cc Scan8Impl
// (opset 8). Each runs the body once per sequence step; what they hold meanwhile, all from
// GetTempSpaceAllocator: LoopStateVariable's two ping-pong copies of each state value (a_ when the sequence
// is longer than 1, b_ when longer than 2; per batch row in opset 8); in opset 9+, a transposed copy of each
// scan input whose axis is not 0 (SetupInputs) and a temporary for each scan output whose axis is not 0,
// transposed into the output at the end (AllocateOutputTensors, TransposeOutput).
Result<Estimate> ScanEstimate(const NodeView& node, const Target& target, std::vector<Buffer>* session) {
  if (BodyNesting(node) > kMaxBodyNesting) {
    return Estimate::Unknown(node.Label() + ": bodies nest deeper than " + std::to_string(kMaxBodyNesting));
  }
  std::optional<Estimate> unknown;
  WSEST_ASSIGN_OR_RETURN(BodyWorkspace body, WalkBody(node, "body", target, &unknown, session));
  if (unknown) return *unknown;

  const bool v8 = node.opset < 9;
  const int64_t num_scan_inputs = node.GetInt("num_scan_inputs", -1);
  const size_t first_state = v8 ? 1 : 0;  // opset 8's input 0 is sequence_lens
  if (num_scan_inputs < 1 || node.inputs.size() < first_state + static_cast<size_t>(num_scan_inputs)) {
    return InvalidArgument(node.Label() + ": num_scan_inputs " + std::to_string(num_scan_inputs) + " does not fit " +
                           std::to_string(node.inputs.size()) + " inputs");
  }
  const size_t num_state = node.inputs.size() - first_state - static_cast<size_t>(num_scan_inputs);
  const size_t first_scan = first_state + num_state;
  if (!node.has_input(first_scan)) return InvalidArgument(node.Label() + ": scan input 0 is missing");
  const TensorInfo& scan0 = node.inputs[first_scan];
  std::vector<int64_t> input_axes = node.GetInts("scan_input_axes");
  input_axes.resize(static_cast<size_t>(num_scan_inputs), 0);
  std::vector<int64_t> output_axes = node.GetInts("scan_output_axes");
  output_axes.resize(node.outputs.size() > num_state ? node.outputs.size() - num_state : 0, 0);

  // ValidateInput / ValidateSubgraphInput: the sequence length is dim `axis` of the scan inputs (opset 8: dim 1
  // after the batch dim 0). Negative axes count from the back (HandleNegativeAxis).
  auto axis_of = [](int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; };
  const int64_t seq_axis = v8 ? 1 : axis_of(input_axes[0], scan0.rank());
  const bool seq_known =
      scan0.has_shape && seq_axis >= 0 && seq_axis < scan0.rank() && scan0.dims[static_cast<size_t>(seq_axis)].known();
  const int64_t seq_len = seq_known ? scan0.dims[static_cast<size_t>(seq_axis)].value : -1;
  Exactness own = Exactness::kExact;
  std::string why;
  Estimate e{v8 ? "scan8_subgraph" : "scan9_subgraph", Exactness::kExact};

  // LoopStateVariable: a_ when the length is > 1, b_ when > 2, each the state value's shape (opset 8: one batch
  // row of it, per row, with that row's sequence_lens entry).
  auto copies_for = [](int64_t len) { return static_cast<int64_t>(len > 2 ? 2 : len > 1 ? 1 : 0); };
  for (size_t i = 0; i < num_state; ++i) {
    if (!node.has_input(first_state + i)) continue;
    const TensorInfo& state = node.inputs[first_state + i];
    const std::string name = "loop_state_copies[" + std::to_string(i) + "]";
    const Bytes state_bytes = TensorBytes(node, state, "state input " + std::to_string(i), &why);
    if (!why.empty())
      return Estimate::Unknown(why + "; Scan copies each state value (" + kLoopStateVariableSource + ")");
    if (!v8) {
      if (!seq_known) own = Exactness::kUpperBound;  // at most two copies
      e.Add(name, state_bytes * Bytes::FromDim(copies_for(seq_known ? seq_len : 3)), kLoopStateVariableSource,
            Allocator::kTempSpace);
      continue;
    }
    // Opset 8: state [batch, ...]; each row's copies are sized by its own sequence length.
    if (state.rank() < 1) return InvalidArgument(node.Label() + ": state input " + std::to_string(i) + " has rank 0");
    const int64_t batch = state.dims[0].value;
    TensorInfo row = state;
    row.dims.erase(row.dims.begin());
    const Bytes row_bytes = TensorBytes(node, row, "state input " + std::to_string(i), &why);
    const TensorInfo* lens = node.input(0);
    Bytes total(0);
    if (lens != nullptr && lens->int_values && static_cast<int64_t>(lens->int_values->size()) == batch) {
      for (int64_t len : *lens->int_values) total += row_bytes * Bytes::FromDim(copies_for(len));
    } else {
      // No sequence_lens: every row runs the full length. A run-time one: at most that.
      if (lens != nullptr || !seq_known) own = Exactness::kUpperBound;
      total = Bytes::FromDim(batch) * row_bytes * Bytes::FromDim(copies_for(seq_known ? seq_len : 3));
    }
    e.Add(name, total, kLoopStateVariableSource, Allocator::kTempSpace);
  }
  if (!v8) {
    for (size_t j = 0; j < static_cast<size_t>(num_scan_inputs); ++j) {
      if (!node.has_input(first_scan + j) || input_axes[j] == 0) continue;
      const Bytes b = TensorBytes(node, node.inputs[first_scan + j], "scan input " + std::to_string(j), &why);
      if (!why.empty()) return Estimate::Unknown(why + "; Scan transposes it (" + kScanSetupInputsSource + ")");
      e.Add("transposed_inputs[" + std::to_string(j) + "]", b, kScanSetupInputsSource, Allocator::kTempSpace);
    }
    for (size_t k = 0; k < output_axes.size(); ++k) {
      if (!node.has_output(num_state + k) || output_axes[k] == 0) continue;
      // The temporary is [sequence length, body output dims...]: the Scan output's elements, before the transpose.
      const Bytes b = TensorBytes(node, node.outputs[num_state + k], "scan output " + std::to_string(k), &why);
      if (!why.empty())
        return Estimate::Unknown(why + "; Scan writes it to a temporary (" + kScanTemporaryOutputSource + ")");
      e.Add("temporary_outputs[" + std::to_string(k) + "]", b, kScanTemporaryOutputSource, Allocator::kTempSpace);
    }
  }
  e.exactness = CombineExactness(own, body.exactness);
  AddBodyBuffers(body, &e);
  e.reason = BodyReason(BodySummary(body)) +
             (own == Exactness::kUpperBound ? "; the state copies are counted for the longest sequence" : "");
  return e;
}

}  // namespace

Result<Estimate> EstimateIf(const NodeView& node, const Target& target) {
  std::vector<Buffer> session;
  Result<Estimate> r = IfEstimate(node, target, &session);
  return WithSessionBuffers(std::move(r), std::move(session));
}

Result<Estimate> EstimateLoop(const NodeView& node, const Target& target) {
  std::vector<Buffer> session;
  Result<Estimate> r = LoopEstimate(node, target, &session);
  return WithSessionBuffers(std::move(r), std::move(session));
}

Result<Estimate> EstimateScan(const NodeView& node, const Target& target) {
  std::vector<Buffer> session;
  Result<Estimate> r = ScanEstimate(node, target, &session);
  return WithSessionBuffers(std::move(r), std::move(session));
}

}  // namespace wsest::estimators
