// The model-level layer: the liveness walk and its peak, budgets, shape ranges and the partition
// preview (the max-dim search is src/max_dim_search.cc). The memory model is stated in
// include/wsest/plan.h; the writers of these answers are in src/plan_report.cc.
#include "wsest/plan.h"

#include "estimators/estimators.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "src/dim_binding.h"
#include "src/text.h"
#include "wsest/bytes.h"

namespace wsest {
namespace {

// Sub-byte element types: bits per element (ORT sizes them rounded up to whole bytes).
int SubByteBits(DataType t) {
  switch (t) {
    case DataType::kUint4:
    case DataType::kInt4:
    case DataType::kFloat4E2M1:
      return 4;
    default:
      return 0;
  }
}

// Ops whose CUDA kernel declares Alias(0, 0): the output is a view of input 0 (onnxruntime 1.29.0
// core/providers/cuda/tensor/reshape.cc, squeeze.cc, unsqueeze.cc, flatten.cc, identity_op.cc).
bool AliasesInput0(const NodeView& node) {
  if (!IsOnnxDomain(node.domain)) return false;
  static const std::set<std::string> kAliasOps = {"Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity"};
  return kAliasOps.count(node.op_type) != 0 && node.has_input(0) && node.has_output(0);
}

uint64_t Saturate(Bytes b) { return b.overflow() ? std::numeric_limits<uint64_t>::max() : b.value(); }

std::string DimsText(const std::map<std::string, int64_t>& dims) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : dims) parts.push_back(fmt::format("{}={}", name, value));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// One activation buffer of the walk: graph inputs from step 0 (ORT copies every feed to the device
// before the first node runs), node outputs from their producer; aliasing outputs share their
// input's buffer; weights are no buffer. `last` is the last reader (the last step for graph outputs).
struct LiveBuffer {
  uint64_t bytes = 0;
  size_t first = 0;
  size_t last = 0;
  bool feed = false;
  size_t first_reader = std::numeric_limits<size_t>::max();
};

std::vector<LiveBuffer> LiveBuffers(const Model& model, size_t* unsized) {
  const auto& nodes = model.nodes();
  const TensorIds& ids = model.tensor_ids();
  const size_t n = nodes.size();
  std::vector<LiveBuffer> buffers;
  constexpr size_t kNone = std::numeric_limits<size_t>::max();
  std::vector<size_t> buffer_of(ids.count, kNone);  // by tensor id
  buffers.reserve(n * 2 + model.inputs().size());
  auto new_buffer = [&](const TensorInfo& t, int32_t id, size_t step, bool feed) {
    auto bytes = TensorBytes(t);
    if (!bytes) ++*unsized;
    LiveBuffer b;
    b.bytes = bytes.value_or(0);
    b.first = b.last = step;
    b.feed = feed;
    buffers.push_back(b);
    buffer_of[static_cast<size_t>(id)] = buffers.size() - 1;
  };
  auto buffer_at = [&](int32_t id) { return id < 0 ? kNone : buffer_of[static_cast<size_t>(id)]; };
  for (size_t k = 0; k < model.inputs().size(); ++k) {
    const TensorInfo& in = model.inputs()[k];
    if (in.present() && !in.is_initializer) new_buffer(in, ids.graph_inputs[k], 0, /*feed=*/true);
  }
  for (size_t i = 0; i < n; ++i) {
    const NodeView& node = nodes[i];
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      const size_t at = buffer_at(ids.input(i, k));
      if (at == kNone) continue;
      LiveBuffer& b = buffers[at];
      b.last = std::max(b.last, i);
      b.first_reader = std::min(b.first_reader, i);
    }
    if (IsFoldedIntoInitializer(node)) continue;
    for (size_t k = 0; k < node.outputs.size(); ++k) {
      const TensorInfo& o = node.outputs[k];
      if (!o.present() || o.is_initializer) continue;
      if (k == 0 && AliasesInput0(node)) {
        // A view: same buffer, life extended by readers; a view of a weight: no activation.
        const size_t source = node.inputs.empty() ? kNone : buffer_at(ids.input(i, 0));
        if (source != kNone) buffer_of[static_cast<size_t>(ids.output(i, 0))] = source;
        continue;
      }
      new_buffer(o, ids.output(i, k), i, /*feed=*/false);
    }
  }
  for (size_t k = 0; k < model.outputs().size() && n > 0; ++k) {
    const size_t at = buffer_at(ids.graph_outputs[k]);
    if (at != kNone) buffers[at].last = n - 1;
  }
  return buffers;
}

}  // namespace


std::optional<uint64_t> TensorBytes(const TensorInfo& t) {
  auto count = t.element_count();
  if (!count) return std::nullopt;
  if (const int bits = SubByteBits(t.dtype)) {
    return static_cast<uint64_t>((*count * bits + 7) / 8);
  }
  const Bytes b = Bytes::FromDim(*count) * Bytes::FromDim(ElementSize(t.dtype));
  if (b.overflow()) return std::nullopt;
  return b.value();
}

bool IsFoldedIntoInitializer(const NodeView& node) { return node.op_type == "Constant" && IsOnnxDomain(node.domain); }

namespace {

void AddBodyWeights(const Subgraph& body, Bytes* weights) {
  for (const TensorInfo& t : body.initializers) *weights += Bytes(TensorBytes(t).value_or(0));
  for (const NodeView& node : body.nodes)
    for (const Subgraph& nested : node.subgraphs) AddBodyWeights(nested, weights);
}

}  // namespace

Bytes WeightBytes(const Model& model) {
  Bytes weights(model.initializer_bytes());
  for (const auto& node : model.nodes()) {
    if (IsFoldedIntoInitializer(node))
      for (const auto& o : node.outputs)
        if (o.present()) weights += Bytes(TensorBytes(o).value_or(0));
    for (const Subgraph& body : node.subgraphs) AddBodyWeights(body, &weights);
  }
  return weights;
}

std::vector<NodeFootprint> NodeFootprints(const Model& model, const ModelEstimate& estimate) {
  std::vector<NodeFootprint> out;
  out.reserve(model.nodes().size());
  for (size_t i = 0; i < model.nodes().size(); ++i) {
    const NodeView& node = model.nodes()[i];
    NodeFootprint f;
    std::unordered_set<std::string> seen;
    for (const auto& in : node.inputs) {
      if (!in.present() || !seen.insert(in.name).second) continue;
      auto bytes = TensorBytes(in);
      if (!bytes) ++f.unsized_tensors;
      (in.is_initializer ? f.initializer_bytes : f.input_bytes) += bytes.value_or(0);
    }
    for (const auto& o : node.outputs) {
      if (!o.present()) continue;
      auto bytes = TensorBytes(o);
      if (!bytes) ++f.unsized_tensors;
      f.output_bytes += bytes.value_or(0);
    }
    const auto ws = i < estimate.nodes.size() ? estimate.nodes[i].estimate.workspace_bytes() : std::nullopt;
    f.workspace_known = ws.has_value();
    f.workspace_bytes = ws.value_or(0);
    out.push_back(f);
  }
  return out;
}

Result<PeakPlan> PlanPeak(const Model& model, const ModelEstimate& estimate, const PlanOptions& options) {
  const auto& nodes = model.nodes();
  const size_t n = nodes.size();
  if (estimate.nodes.size() != n) {
    return Error{ErrorCode::kInternal, fmt::format("{}: the estimate has {} nodes, the model {}", model.path(),
                                                   estimate.nodes.size(), n)};
  }
  PeakPlan plan;
  plan.cublas_bytes = options.cublas_handle_workspace_bytes;
  plan.exactness = estimate.summary.exactness;

  const Bytes weights = WeightBytes(model);
  if (weights.overflow()) return OutOfRange(fmt::format("{}: the weights' total size overflows 64 bits", model.path()));
  plan.weights_bytes = weights.value();

  size_t unsized = 0;
  const std::vector<LiveBuffer> buffers = LiveBuffers(model, &unsized);
  plan.unsized_tensors = unsized;

  // Sweep: a buffer is live at steps first..last.
  std::vector<Bytes> delta(n + 1);
  for (const auto& b : buffers) {
    if (n == 0) break;
    delta[b.first] += Bytes(b.bytes);
  }
  std::vector<uint64_t> release(n + 1, 0);
  for (const auto& b : buffers)
    if (n > 0) release[b.last + 1] += b.bytes;
  Bytes live;
  uint64_t freed = 0;
  plan.steps.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    live += delta[i];
    freed += release[i];
    MemoryStep step;
    step.node = i;
    step.weights = plan.weights_bytes;
    if (live.overflow()) return OutOfRange(fmt::format("{}: live activations overflow 64 bits", model.path()));
    step.activations = live.value() - freed;
    const auto ws = estimate.nodes[i].estimate.workspace_bytes();
    step.workspace_known = ws.has_value();
    step.workspace = ws.value_or(0);
    if (!ws) ++plan.unknown_workspace_nodes;
    step.cublas = plan.cublas_bytes;
    const Bytes total = Bytes(step.weights) + Bytes(step.activations) + Bytes(step.workspace) + Bytes(step.cublas);
    if (total.overflow()) {
      return OutOfRange(fmt::format("{}: memory at {} overflows 64 bits", model.path(), nodes[i].Label()));
    }
    if (plan.steps.empty() || total.value() > plan.peak_bytes) {
      plan.peak_bytes = total.value();
      plan.peak_step = plan.steps.size();
    }
    plan.steps.push_back(step);
  }
  if (n == 0) plan.peak_bytes = Saturate(Bytes(plan.weights_bytes) + Bytes(plan.cublas_bytes));
  return plan;
}

Result<uint64_t> ParseByteSize(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  const std::string number = text.substr(0, i);
  std::string unit = text.substr(i);
  unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
  std::string lower;
  for (char c : unit) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto bad = [&] {
    return InvalidArgument(fmt::format("'{}' is not a byte size; write e.g. 8GiB, 512MiB, 16GB or 1000000", text));
  };
  if (number.empty() || std::count(number.begin(), number.end(), '.') > 1) return bad();
  static const std::map<std::string, double> kUnits = {
      {"", 1},          {"b", 1},
      {"k", 1024.0},    {"kib", 1024.0},  {"kb", 1e3},
      {"m", 1048576.0}, {"mib", 1048576.0}, {"mb", 1e6},
      {"g", 1073741824.0}, {"gib", 1073741824.0}, {"gb", 1e9},
      {"t", 1099511627776.0}, {"tib", 1099511627776.0}, {"tb", 1e12}};
  auto u = kUnits.find(lower);
  if (u == kUnits.end()) return bad();
  // strtold, not stold: "." has no digits and a 5000-digit number overflows, and stold throws on
  // both (the CLI aborted). Rounded in long double: llround's long long has no value past 2^63, so
  // 12000000000000000000 used to come out as 2^63.
  char* end = nullptr;
  const long double mantissa = std::strtold(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return bad();
  const long double value = std::roundl(mantissa * static_cast<long double>(u->second));
  if (!(value >= 0) || value >= 18446744073709551615.0L) return bad();
  return static_cast<uint64_t>(value);
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFits:
      return "fits";
    case Verdict::kDoesNotFit:
      return "does_not_fit";
    case Verdict::kCannotTell:
      return "cannot_tell";
  }
  return "cannot_tell";
}

BudgetVerdict CheckBudget(const PeakPlan& plan, uint64_t budget) {
  BudgetVerdict v;
  v.budget = budget;
  v.peak = plan.peak_bytes;
  v.fits = plan.peak_bytes <= budget;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (v.fits) {
    v.margin = static_cast<int64_t>(std::min(budget - plan.peak_bytes, kMax));
  } else {
    v.margin = -static_cast<int64_t>(std::min(plan.peak_bytes - budget, kMax));
  }
  return v;
}

std::vector<int64_t> RangeBreakpoints(int64_t lo, int64_t hi) {
  std::set<int64_t> points;
  if (lo > hi) return {};
  points.insert(lo);
  points.insert(hi);
  for (int64_t p = 1; p > 0 && p <= hi + 1; p = p > std::numeric_limits<int64_t>::max() / 2 ? -1 : p * 2) {
    for (int64_t v : {p - 1, p, p + 1})
      if (v >= lo && v <= hi) points.insert(v);
  }
  return {points.begin(), points.end()};
}

Result<RangeResult> EstimateRange(const Model& model, const ModelOptions& base, const std::vector<DimRange>& ranges,
                                  const Target& target, const PlanOptions& options) {
  if (ranges.empty()) return InvalidArgument("no dim range given");
  RangeResult result;
  result.ranges = ranges;
  std::vector<std::vector<int64_t>> axes;
  size_t combinations = 1;
  for (const auto& r : ranges) {
    {
      auto ok = CheckSymbolicDim(model, base, r.name, "--dim");
      if (!ok.ok()) return ok.error();
    }
    if (r.lo < 0 || r.lo > r.hi) {
      return InvalidArgument(fmt::format("--dim {}={}..{}: expected 0 <= low <= high", r.name, r.lo, r.hi));
    }
    axes.push_back(RangeBreakpoints(r.lo, r.hi));
    combinations *= axes.back().size();
    if (combinations > kMaxRangePoints) {
      return InvalidArgument(fmt::format("the dim ranges give more than {} combinations to evaluate; narrow a range "
                                         "or bind a dim to one value", kMaxRangePoints));
    }
  }
  std::vector<size_t> pos(ranges.size(), 0);
  for (size_t c = 0; c < combinations; ++c) {
    std::map<std::string, int64_t> dims;
    size_t rest = c;
    for (size_t k = ranges.size(); k-- > 0;) {
      dims[ranges[k].name] = axes[k][rest % axes[k].size()];
      rest /= axes[k].size();
    }
    auto bound = BindPoint(model, base, dims);
    if (!bound.ok()) return Error{bound.error().code, fmt::format("at {}: {}", DimsText(dims), bound.error().message)};
    WSEST_ASSIGN_OR_RETURN(ModelEstimate estimate, EstimateModel(*bound, target));
    WSEST_ASSIGN_OR_RETURN(PeakPlan plan, PlanPeak(*bound, estimate, options));
    if (result.points.empty() || plan.peak_bytes > result.points[result.peak_point].peak_bytes) {
      result.peak_point = result.points.size();
      result.peak = plan;
    }
    result.points.push_back(RangePoint{dims, *bound, std::move(estimate), plan.peak_bytes});
  }

  // The envelope: per node, the estimate at the point of its largest workspace.
  const RangePoint& first = result.points.front();
  ModelEstimate& env = result.envelope;
  env.model_path = first.estimate.model_path;
  env.device = first.estimate.device;
  env.ep = first.estimate.ep;
  std::vector<std::string> range_text;
  for (const auto& r : ranges) range_text.push_back(fmt::format("{}={}..{}", r.name, r.lo, r.hi));
  const std::string over = fmt::format("{}", fmt::join(range_text, ", "));
  bool first_known = true;
  for (size_t i = 0; i < first.estimate.nodes.size(); ++i) {
    const NodeEstimate* best = nullptr;
    const RangePoint* best_point = nullptr;
    const NodeEstimate* unknown_at = nullptr;
    const RangePoint* unknown_point = nullptr;
    bool all_same_exact = true;
    std::optional<uint64_t> first_bytes;
    for (const auto& p : result.points) {
      const NodeEstimate& ne = p.estimate.nodes[i];
      const auto bytes = ne.estimate.workspace_bytes();
      if (!bytes) {
        if (!unknown_at) {
          unknown_at = &ne;
          unknown_point = &p;
        }
        continue;
      }
      if (!first_bytes) first_bytes = bytes;
      if (*bytes != *first_bytes || ne.estimate.exactness != Exactness::kExact) all_same_exact = false;
      if (!best || *bytes > *best->estimate.workspace_bytes()) {
        best = &ne;
        best_point = &p;
      }
    }
    NodeEstimate out;
    if (unknown_at) {
      out = *unknown_at;
      out.estimate.reason = fmt::format("at {}: {}", DimsText(unknown_point->dims), unknown_at->estimate.reason);
    } else {
      out = *best;
      if (!all_same_exact) out.estimate.exactness = Exactness::kUpperBound;
      const std::string where = fmt::format("max over {} ({} points) at {}", over, result.points.size(),
                                            DimsText(best_point->dims));
      out.estimate.reason = out.estimate.reason.empty() ? where : fmt::format("{}; {}", where, out.estimate.reason);
    }
    auto& s = env.summary;
    ++s.nodes;
    if (auto bytes = out.estimate.workspace_bytes()) {
      ++s.estimated;
      if (out.estimate.exactness == Exactness::kExact) ++s.exact;
      if (out.estimate.exactness == Exactness::kUpperBound) ++s.upper_bound;
      if (out.estimate.exactness == Exactness::kHeuristic) ++s.heuristic;
      s.exactness = first_known ? out.estimate.exactness : CombineExactness(s.exactness, out.estimate.exactness);
      first_known = false;
      s.workspace_sum_bytes = Saturate(Bytes(s.workspace_sum_bytes) + Bytes(*bytes));
      if (!s.largest_node || *bytes > s.workspace_max_bytes) {
        s.workspace_max_bytes = *bytes;
        s.largest_node = i;
      }
    } else {
      ++s.unknown;
    }
    env.nodes.push_back(std::move(out));
  }
  if (env.summary.unknown > 0) env.summary.exactness = Exactness::kUnknown;
  return result;
}

PartitionPreview PreviewPartition(const Model& model, const ModelEstimate& estimate, const PeakPlan& plan,
                                  uint64_t budget) {
  PartitionPreview preview;
  preview.budget = budget;
  const auto footprints = NodeFootprints(model, estimate);
  Bytes greedy_sum;
  bool greedy_stopped = false;
  bool liveness_stopped = false;
  std::unordered_set<std::string> weights_read;
  Bytes weights;
  // Liveness-aware: per step, the non-feed buffers live there plus its workspace; a graph input
  // counts (from step 0, as ORT copies feeds first) once the prefix reaches its first reader: feeds
  // only CPU nodes read never reach the GPU.
  const size_t n = model.nodes().size();
  size_t unsized = 0;
  const std::vector<LiveBuffer> buffers = LiveBuffers(model, &unsized);
  std::vector<uint64_t> at_step(n, 0);
  std::vector<std::vector<const LiveBuffer*>> feeds_read_first_at(n);
  for (const auto& b : buffers) {
    if (b.feed) {
      if (b.first_reader < n) feeds_read_first_at[b.first_reader].push_back(&b);
      continue;
    }
    for (size_t j = b.first; j <= b.last && j < n; ++j) at_step[j] += b.bytes;
  }
  for (size_t j = 0; j < n && j < plan.steps.size(); ++j) at_step[j] += plan.steps[j].workspace;
  uint64_t largest_step = 0;
  for (size_t i = 0; i < model.nodes().size(); ++i) {
    const NodeView& node = model.nodes()[i];
    if (IsFoldedIntoInitializer(node)) continue;
    PartitionEntry e;
    e.node = i;
    e.cost = footprints[i].total();
    if (!footprints[i].workspace_known) ++preview.unknown_workspace_nodes;
    greedy_sum += Bytes(e.cost);
    e.greedy_sum = Saturate(greedy_sum);
    // CUDAExecutionProvider::GetCapability keeps a node while would_be_consumed < memory_threshold.
    if (!greedy_stopped && !greedy_sum.overflow() && greedy_sum.value() < budget) {
      e.greedy_gpu = true;
      ++preview.greedy_gpu_nodes;
    } else if (!greedy_stopped) {
      greedy_stopped = true;
      preview.greedy_stop = preview.entries.size();
    }
    for (const auto& in : node.inputs)
      if (in.present() && in.is_initializer && weights_read.insert(in.name).second)
        weights += Bytes(TensorBytes(in).value_or(0));
    if (!feeds_read_first_at[i].empty()) {
      for (const LiveBuffer* b : feeds_read_first_at[i])
        for (size_t j = 0; j <= b->last && j < n; ++j) at_step[j] += b->bytes;
      largest_step = *std::max_element(at_step.begin(), at_step.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    } else {
      largest_step = std::max(largest_step, at_step[i]);
    }
    e.liveness_need = Saturate(weights + Bytes(largest_step) + Bytes(plan.cublas_bytes));
    if (!liveness_stopped && e.liveness_need <= budget) {
      e.liveness_gpu = true;
      ++preview.liveness_gpu_nodes;
    } else if (!liveness_stopped) {
      liveness_stopped = true;
      preview.liveness_stop = preview.entries.size();
    }
    preview.entries.push_back(e);
  }
  return preview;
}

PlanOptions PlanOptionsFor(const DeviceProfile& device) {
  PlanOptions options;
  options.cublas_handle_workspace_bytes = estimators::CublasHandleWorkspaceBytes(device);
  return options;
}

}  // namespace wsest
