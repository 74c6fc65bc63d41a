// Model-level answers on top of the per-node estimates (DESIGN.md, "Plan"): the memory walk in
// ORT's execution order and its peak, the budget verdict, the largest value of a symbolic dim that
// fits, shape ranges, and a preview of ORT's capacity-aware partitioning.
//
// The memory model, stated once (every number below follows it):
// - Order: Model::nodes(), the topological order ORT's sequential executor runs (Kahn's algorithm
//   taking the first ready node in file order, as ORT's default GraphViewer order does).
// - Weights: every initializer and every Constant node's output (ORT turns Constant nodes into
//   initializers when it loads the graph), resident for the whole run.
// - Activations: one buffer per graph input and node output, allocated when produced (graph inputs
//   at the start) and freed after its last consumer runs; graph outputs live to the end; an output
//   nobody reads is freed after its producer. Reshape, Squeeze, Unsqueeze, Flatten and Identity
//   alias their input 0 (their CUDA kernels declare Alias(0, 0)), so their outputs add no buffer and
//   extend the input's life. Other in-place reuse ORT's planner may make (MayInplace) is not
//   modelled, nor arena rounding and fragmentation: the activation term is what the tensors need.
// - Workspace: the running node's estimate; an unknown estimate counts 0 and is reported.
// - cuBLAS handle workspace: resident once per CUDA EP stream (PlanOptions).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "wsest/bytes.h"
#include "wsest/estimate.h"
#include "wsest/model.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest {

struct PlanOptions {
  // The cuBLAS handle's workspace, resident for the session. Set it from the device
  // (PlanOptionsFor); 0 leaves it out of the peak.
  uint64_t cublas_handle_workspace_bytes = 0;
};

// The plan options for `device`: its cuBLAS handle workspace (estimators/gemm.cc
// CublasHandleWorkspaceBytes, cuBLAS's documented default per GPU family).
PlanOptions PlanOptionsFor(const DeviceProfile& device);

// Bytes of a tensor: elements x element size (sub-byte types rounded up to whole bytes, as ORT's
// Tensor::SizeInBytes); nullopt when a dim is unknown or the product overflows.
std::optional<uint64_t> TensorBytes(const TensorInfo& t);

// True for the ops whose node ORT removes at load (Constant: its value becomes an initializer).
bool IsFoldedIntoInitializer(const NodeView& node);

// The model's weights: its initializers, its Constant nodes' values, and the If/Loop/Scan bodies' own
// weights (Subgraph::initializers; Silero VAD keeps all of its weights in its If's branches).
Bytes WeightBytes(const Model& model);

// What one node touches, in the four columns of ORT's per-node stats file.
struct NodeFootprint {
  uint64_t input_bytes = 0;        // present inputs that are not weights (each distinct name once)
  uint64_t initializer_bytes = 0;  // present inputs that are weights (each distinct name once)
  uint64_t output_bytes = 0;       // present outputs
  uint64_t workspace_bytes = 0;    // the estimate; 0 when unknown
  bool workspace_known = true;
  size_t unsized_tensors = 0;  // inputs/outputs whose size is not known (counted 0)
  uint64_t total() const { return input_bytes + initializer_bytes + output_bytes + workspace_bytes; }
};
// One per node of `model` (same indices as model.nodes() and estimate.nodes).
std::vector<NodeFootprint> NodeFootprints(const Model& model, const ModelEstimate& estimate);

// One step of the walk: the memory held while node `node` runs.
struct MemoryStep {
  size_t node = 0;  // index in Model::nodes()
  uint64_t weights = 0;
  uint64_t activations = 0;  // live buffers: this node's inputs and outputs and all still needed
  uint64_t workspace = 0;    // this node's estimate (0 when unknown)
  bool workspace_known = true;
  uint64_t cublas = 0;
  uint64_t total() const { return weights + activations + workspace + cublas; }
};

struct PeakPlan {
  std::vector<MemoryStep> steps;  // one per node, in execution order (Constant nodes included, 0 work)
  size_t peak_step = 0;           // index into steps of the (first) maximum
  uint64_t peak_bytes = 0;        // steps[peak_step].total(); weights + cuBLAS for an empty graph
  uint64_t weights_bytes = 0;
  uint64_t cublas_bytes = 0;
  size_t unknown_workspace_nodes = 0;  // counted 0: the peak is then a lower bound
  size_t unsized_tensors = 0;          // activations whose size is unknown (counted 0)
  Exactness exactness = Exactness::kExact;  // of the workspace terms combined (model summary)
  bool empty() const { return steps.empty(); }
  const MemoryStep* peak() const { return steps.empty() ? nullptr : &steps[peak_step]; }
};

Result<PeakPlan> PlanPeak(const Model& model, const ModelEstimate& estimate, const PlanOptions& options = {});

// "8GiB", "8 GiB", "512MiB", "1.5GB", "1000000", "64k": binary (KiB, MiB, GiB, TiB, also K/M/G/T)
// and decimal (kB, MB, GB, TB) units, B optional. Errors name the text.
Result<uint64_t> ParseByteSize(const std::string& text);

// A budget's answer (include/wsest/verdict.h judges the device memory ORT holds): fits, does not
// fit, or cannot tell when unknowns could change it.
enum class Verdict { kFits, kDoesNotFit, kCannotTell };
// "fits", "does_not_fit", "cannot_tell": the JSON's budget.verdict.
const char* VerdictName(Verdict verdict);

struct BudgetVerdict {
  uint64_t budget = 0;
  uint64_t peak = 0;
  bool fits = false;       // peak <= budget
  int64_t margin = 0;      // budget - peak (negative: over by that much); saturates at int64 limits
};
BudgetVerdict CheckBudget(const PeakPlan& plan, uint64_t budget);

// --max-dim: the largest value of symbolic dim `dim` that fits `budget`, the other dims bound by
// `base`. Every probe re-binds the parsed graph (Model::Rebind), re-estimates and walks the live
// peak. The search runs in two phases (src/max_dim_search.cc):
//   1. by the live peak alone: probe 1, then `limit`, then guesses where the peak meets the budget
//      from the probes nearest it, ending on the largest value whose live peak fits;
//   2. with a `judge` (the CLI's: the device memory ORT's arena holds, three-valued), that value, 1,
//      and the 8 below that value are judged one by one (whether a value fits is not monotonic in
//      ORT's arena), then a bisection below them; unknown workspaces at 1 stop the search there.
// A live peak over the budget is a "no" without asking the judge (ORT holds every live buffer at
// once). It assumes the need does not decrease as the dim grows; every probe is kept, and a probe
// that contradicts the assumption is reported in `warnings`.
struct DimProbe {
  int64_t value = 0;
  uint64_t peak = 0;  // the live peak; UINT64_MAX when a byte count overflowed 64 bits at this value
  bool fits = false;  // verdict == kFits
  Verdict verdict = Verdict::kDoesNotFit;
  // Phase 1 with a judge: the live peak fits and the judge was not asked (verdict kFits by the live
  // peak alone). False for every probe when no judge is given: the live peak is the verdict.
  bool live_only = false;
  bool judged = false;  // the judge gave the verdict (false where the live peak alone decided it)
  std::optional<uint64_t> needed_bytes;  // what the judge found the probe needs, when it could tell
  size_t unknown_workspace_nodes = 0;
  bool overflowed = false;  // a byte count at this value overflows 64 bits: it cannot fit
};
struct MaxDimResult {
  std::string dim;
  uint64_t budget = 0;
  std::optional<int64_t> largest;  // nullopt: not even 1 surely fits
  // The largest value whose live peak fits: an upper bound of any answer (unknowns count 0 in it and
  // only add), given when a judge was asked; it is the answer when no judge is given.
  std::optional<int64_t> largest_by_live_peak;
  bool reached_limit = false;      // `limit` itself fits: the answer is at least `limit`
  std::vector<DimProbe> probes;    // in the order evaluated (a value judged after phase 1 twice)
  std::optional<Model> model_at_largest;  // the model bound at `largest`, as probed (callers reuse it)
  std::vector<std::string> warnings;
};
// How a phase-2 probe is judged, and what it needs (nullopt when the judge cannot say: a replay that
// ran out under the budget).
struct ProbeVerdict {
  Verdict verdict = Verdict::kDoesNotFit;
  std::optional<uint64_t> needed_bytes;
};
using ProbeJudge = std::function<Result<ProbeVerdict>(const Model&, const ModelEstimate&, const PeakPlan&)>;
// `threads` over 1: a second thread works out, while the search waits on a probe, the probe the
// search will make next if the answer goes one way (the next value of phase 2's scan, one of the
// bisection's next midpoints). The probes recorded and the answer are the same as on one thread;
// the judge is then called from two threads at once.
Result<MaxDimResult> FindMaxDim(const Model& model, const ModelOptions& base, const std::string& dim, uint64_t budget,
                                const Target& target, const PlanOptions& options = {},
                                int64_t limit = int64_t{1} << 20, const ProbeJudge& judge = {}, int threads = 1);

// --dim name=lo..hi. Evaluated values ("breakpoints"): both ends, every power of two in [lo, hi]
// and the values one below and one above each of them, sorted and unique. Kernel choices flip at
// thresholds that are powers of two in the EP's code (and sizes step at multiples of them), so a
// flip between two powers of two is caught on either side; sizes between breakpoints are not
// evaluated. Several ranges: every combination (at most kMaxRangePoints).
struct DimRange {
  std::string name;
  int64_t lo = 0;
  int64_t hi = 0;
};
constexpr size_t kMaxRangePoints = 4096;
std::vector<int64_t> RangeBreakpoints(int64_t lo, int64_t hi);

struct RangePoint {
  std::map<std::string, int64_t> dims;  // the range dims at this point
  Model model;
  ModelEstimate estimate;
  uint64_t peak_bytes = 0;
};
struct RangeResult {
  std::vector<DimRange> ranges;
  std::vector<RangePoint> points;  // every evaluated combination
  // Per node: the estimate at the point where its workspace is largest, labelled upper_bound
  // (exact when it is the same exact value at every point; unknown if unknown at any point).
  ModelEstimate envelope;
  size_t peak_point = 0;  // index into points of the largest model peak
  PeakPlan peak;          // the walk at that point
};
Result<RangeResult> EstimateRange(const Model& model, const ModelOptions& base, const std::vector<DimRange>& ranges,
                                  const Target& target, const PlanOptions& options = {});

// ORT's capacity-aware partitioning under `budget`, previewed. Greedy (what ORT 1.29.0's CUDA EP
// does with a stats file): node cost = the sum of its four stats columns (NodeFootprint::total),
// summed in topological order; the first node whose cost takes the sum over the budget stops the
// assignment, and it and every later node go to the next EP (CPU). Liveness-aware (what the budget
// could keep): the same prefix walk, but a node stays on the GPU while the weights read so far plus
// the largest step of the walk so far (live activations + workspace) plus cuBLAS fit; a graph input
// counts once the prefix reaches its first reader (feeds only CPU nodes read stay on the host), and
// outputs the prefix hands to CPU nodes are kept live to their last reader (an upper bound on the
// copy ORT inserts). Constant nodes are not nodes in ORT's graph and are skipped.
struct PartitionEntry {
  size_t node = 0;            // index in Model::nodes()
  uint64_t cost = 0;          // greedy cost
  uint64_t greedy_sum = 0;    // running greedy sum including this node
  uint64_t liveness_need = 0; // liveness-aware memory needed with this node on the GPU
  bool greedy_gpu = false;
  bool liveness_gpu = false;
};
struct PartitionPreview {
  uint64_t budget = 0;
  std::vector<PartitionEntry> entries;  // the nodes ORT partitions, in order
  size_t greedy_gpu_nodes = 0;
  size_t liveness_gpu_nodes = 0;
  std::optional<size_t> greedy_stop;    // index into entries of the first node that did not fit
  std::optional<size_t> liveness_stop;
  size_t unknown_workspace_nodes = 0;   // costed with workspace 0
};
PartitionPreview PreviewPartition(const Model& model, const ModelEstimate& estimate, const PeakPlan& plan,
                                  uint64_t budget);

// Writers: the text sections the CLI prints after the table, and the same facts as one JSON object
// (members "memory", and "budget", "max_dim", "range", "partition" for those given non-null).
void WritePeakText(const Model& model, const PeakPlan& plan, std::ostream& out);
void WriteBudgetText(const BudgetVerdict& verdict, std::ostream& out);
void WriteMaxDimText(const MaxDimResult& result, std::ostream& out);
void WriteRangeText(const RangeResult& result, std::ostream& out);
void WritePartitionText(const Model& model, const PartitionPreview& preview, std::ostream& out);
std::string PlanJson(const Model& model, const PeakPlan& plan, const BudgetVerdict* budget,
                     const MaxDimResult* max_dim, const RangeResult* range, const PartitionPreview* partition);

}  // namespace wsest
