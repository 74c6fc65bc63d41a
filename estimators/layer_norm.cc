// The layer-norm family on the CUDA EP. The kernels read from these files take no scratch: each
// validates shapes and launches one fused kernel into the node's own outputs (the optional mean and
// inv_std_var outputs are outputs, not scratch):
//   core/providers/cuda/nn/layer_norm.cc      LayerNormalization (17+)
//   contrib_ops/cuda/layer_norm.cc            LayerNormalization (1-16), SimplifiedLayerNormalization
//   core/providers/cuda/nn/rms_norm.cc        RMSNormalization (23+)
//   contrib_ops/cuda/bert/skip_layer_norm.cc  SkipLayerNormalization, SkipSimplifiedLayerNormalization
//   contrib_ops/cuda/bert/embed_layer_norm.cc EmbedLayerNormalization
//   contrib_ops/cuda/math/bias_softmax.cc     BiasSoftmax
//   contrib_ops/cuda/bert/rotary_embedding.cc RotaryEmbedding (com.microsoft)
//   core/providers/cuda/llm/rotary_embedding.cc RotaryEmbedding (23+)
//   contrib_ops/cuda/bert/gemma_rotary_emb.cc GemmaRotaryEmbedding
// so they are kNoScratch rows in estimators/registry.cc. The one with scratch is the diffusion
// GroupNorm (and SkipGroupNorm, the same class with has_skip_), estimated here.
#include <string>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kGroupNormSource =
    "onnxruntime 1.29.0 contrib_ops/cuda/diffusion/group_norm.cc GroupNorm::ComputeInternal";

// GroupNorm's input is NHWC: N = dims[0], C = dims[3].
struct GroupNormDims {
  const TensorInfo* x = nullptr;
  int64_t batch = -1;  // -1 when symbolic
  int64_t groups = 0;
};

Result<GroupNormDims> ParseGroupNormDims(const NodeView& node) {
  for (size_t i = 0; i < 3; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected input, gamma, beta");
    }
  }
  // GroupNorm constructor: ORT_ENFORCE(op_info.GetAttr("groups", &num_groups).IsOK()).
  if (!node.has_attribute("groups")) return InvalidArgument(node.Label() + ": attribute 'groups' is required");
  GroupNormDims d;
  d.x = node.input(0);
  d.groups = node.GetInt("groups", 0);
  if (d.groups <= 0) {
    return InvalidArgument(node.Label() + ": attribute 'groups' is " + std::to_string(d.groups) + ", expected > 0");
  }
  // ComputeInternal: "input is expected to have 4 dimensions".
  if (d.x->has_shape && d.x->rank() != 4) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(d.x->rank()) + ", expected 4 (NHWC)");
  }
  if (d.x->has_shape && d.x->dims[0].known()) d.batch = d.x->dims[0].value;
  return d;
}

}  // namespace

// Mirrors ORT 1.29.0 contrib_ops/cuda/diffusion/group_norm.cc GroupNorm::ComputeInternal (com.microsoft
// GroupNorm and SkipGroupNorm, opset 1; float and MLFloat16) and group_norm_impl.h
// GetGroupNormWorkspaceSizeInBytes.
Result<Estimate> EstimateGroupNorm(const NodeView& node, const Target&) {
  WSEST_ASSIGN_OR_RETURN(GroupNormDims d, ParseGroupNormDims(node));
  // GroupNorm::ComputeInternal: "only the channels_last layout is supported".
  if (node.GetInt("channels_last", 1) == 0) {
    return InvalidArgument(node.Label() + ": channels_last = 0; the CUDA GroupNorm supports NHWC only");
  }
  if (!d.x->has_shape) return Estimate::Unknown(node.Label() + ": input 0 has no shape; the workspace needs N");
  if (d.batch < 0) {
    return Estimate::Unknown(node.Label() + ": input 0 dim 0 '" +
                             (d.x->dims[0].symbol.empty() ? "?" : d.x->dims[0].symbol) +
                             "' is symbolic; the workspace is 8 * N * groups");
  }
  Estimate e{"nhwc", Exactness::kExact};
  // workspace: GetScratchBuffer<void>(GetGroupNormWorkspaceSizeInBytes(batch_size, num_groups_)) =
  // (sizeof(float) * 2) * batch_size * num_groups: a sum and a sum of squares per (n, group).
  e.Add("workspace", Bytes(2 * 4) * Bytes::FromDim(d.batch) * d.groups, kGroupNormSource);
  return e;
}

}  // namespace wsest::estimators
