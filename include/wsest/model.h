// Whole-model entry: load an .onnx file (graph only, never tensor payloads), bind symbolic dims,
// run shape inference (onnx's, plus the rules in ops/), and estimate every node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wsest/estimate.h"
#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest {

struct ModelOptions {
  std::map<std::string, int64_t> dims;                       // --dim name=value
  std::map<std::string, std::vector<int64_t>> input_shapes;  // --input name=d0,d1,...
  // When false (the CLI's default), a graph input dim that stays symbolic is an error naming the
  // first node that reads it; when true, it stays symbolic and dependent estimates are Unknown.
  bool allow_symbolic = false;
  // Threads that look the graph's names up and build the node views, the caller's included; from
  // 2, one of them also does what needs no shape while onnx infers shapes. The default starts no
  // thread (EstimateOptions::threads has it for the same reason). The model is the same for any count.
  int threads = 1;
  // --value name=v0,v1,...: the contents of an integer or bool graph input, row-major, where they
  // decide a shape or a branch (an If on Silero VAD's sample rate, a Reshape target, TopK's k).
  std::map<std::string, std::vector<int64_t>> input_values = {};
};

// Builds the operator schemas Model::Load and Rebind infer shapes with (onnx's registration and
// wsest's rules: the first load's one-time cost, ~10 ms). Loading does it when needed; calling it
// first, from any thread, lets a caller overlap it with other work (the CLI: reading the file).
void PrepareSchemas();

// Dense ids of the main graph's tensors: the same tensor has the same id wherever it appears, so a
// pass over the graph indexes arrays by them instead of hashing names (a 100k-node graph has 300k
// uses of 200k names).
struct TensorIds {
  // Node i's input k is input_ids[input_begin[i] + k], its output k output_ids[output_begin[i] + k],
  // in the order of NodeView::inputs and outputs; -1 for an omitted one. n + 1 begins each.
  std::vector<uint32_t> input_begin, output_begin;
  std::vector<int32_t> input_ids, output_ids;
  std::vector<int32_t> graph_inputs, graph_outputs;  // of Model::inputs() and outputs()
  size_t count = 0;                                  // the ids are 0 .. count - 1
  int32_t input(size_t node, size_t k) const { return input_ids[input_begin[node] + k]; }
  int32_t output(size_t node, size_t k) const { return output_ids[output_begin[node] + k]; }
};

class Model {
 public:
  static Result<Model> Load(const std::string& path, const ModelOptions& options = {});
  // Parses serialized ModelProto bytes; `label` names the model in messages.
  static Result<Model> FromBytes(const std::string& bytes, const std::string& label, const ModelOptions& options = {});

  // Re-binds dims and re-runs shape inference on the already-parsed graph.
  Result<Model> Rebind(const ModelOptions& options) const;
  // This model with `dims` put into the shapes it inferred with them symbolic: a copy of the views,
  // no shape inference (about a tenth of Rebind's cost). Nullopt when a shape here cannot be bound
  // that way: a dim neither known nor one of symbolic_dims(), a shape of unknown rank, a graph
  // attribute. It equals Rebind only where inference's answer at the values is its symbolic answer
  // with the values put in (not where a computed shape tensor would get its values, nor where a
  // value breaks a broadcast inference assumed). FindMaxDim compares it with Rebind at the first
  // probe and at the answer, and searches again with Rebind alone on a difference or a failure.
  // `spare`: a model an earlier Substitute of this model made that nothing else holds any more; its
  // views are overwritten instead of this model's being copied. Nullopt too when memory runs out.
  std::optional<Model> Substitute(const std::map<std::string, int64_t>& dims,
                                  std::optional<Model> spare = std::nullopt) const;
  // The graph with every input dim left as the file declares it: the static shapes ORT's planner
  // compares (src/allocation_plan.h). Bound once per parsed graph and shared by all its Rebinds,
  // so a search that re-binds many times pays for it once.
  Result<Model> WithDeclaredDims() const;

  const std::string& path() const;
  // Nodes of the main graph in ORT 1.29.0's execution order (src/execution_order.h).
  const std::vector<NodeView>& nodes() const;
  // Graph inputs (not initializers) and outputs, shaped.
  const std::vector<TensorInfo>& inputs() const;
  const std::vector<TensorInfo>& outputs() const;
  // Symbolic dim names seen on graph inputs, bound or not.
  const std::vector<std::string>& symbolic_dims() const;
  // Weights: total bytes of the initializers, from their declared dims and dtypes.
  uint64_t initializer_bytes() const;
  const TensorIds& tensor_ids() const;

  struct Impl;

 private:
  explicit Model(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

struct NodeEstimate {
  size_t index = 0;  // position in Model::nodes()
  std::string name;
  std::string op_type;
  std::string domain;
  Estimate estimate;
};

struct ModelSummary {
  size_t nodes = 0;
  size_t estimated = 0;  // not unknown
  size_t unknown = 0;
  size_t exact = 0;  // of the estimated: by exactness
  size_t upper_bound = 0;
  size_t heuristic = 0;
  uint64_t workspace_max_bytes = 0;
  uint64_t workspace_sum_bytes = 0;
  std::optional<size_t> largest_node;  // index of the node with the most workspace
  Exactness exactness = Exactness::kExact;  // combined over all nodes: unknown if any is
  // Graph inputs whose values decide an If's branch or a Loop's trip count left open, in the order
  // the nodes name them: what ModelOptions::input_values (--value) would settle.
  std::vector<std::string> value_inputs;
};

struct ModelEstimate {
  std::string model_path;
  std::string device;
  std::string ep;  // "onnxruntime-cuda 1.29.0"
  std::string cudnn;  // the cuDNN version assumed, "9.19.0" (Target::cudnn_version)
  std::vector<NodeEstimate> nodes;
  ModelSummary summary;
};

// How EstimateModel runs. The default takes no thread but the caller's: an EP that calls it from
// GetCapability gets no thread it did not ask for.
struct EstimateOptions {
  // Threads estimating nodes at once, the caller's included; each takes the next block of 256
  // nodes. The answer is the same for any count (tests/thread_test.cc). Over 1, Target::live is
  // asked from several threads: CreateLazyLiveQueries and RecordedQueries allow that.
  int threads = 1;
};

Result<ModelEstimate> EstimateModel(const Model& model, const Target& target, const EstimateOptions& options = {});

const char* Version();

}  // namespace wsest
