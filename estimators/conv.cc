// Conv, ConvTranspose, com.microsoft FusedConv and NhwcConv on the CUDA EP with cuDNN 9: ORT 1.29.0
// core/providers/cuda/nn/conv.cc (and conv_transpose.cc) Conv<T, Layout>::UpdateState ->
// CreateCudnnFeExecutionPlan builds a cudnn-frontend graph, asks the engine heuristics in the mode
// cudnn_conv_algo_search maps to (EXHAUSTIVE -> HeurMode_t::B, HEURISTIC -> A, DEFAULT -> FALLBACK,
// anything else -> A), builds the first supported plan and allocates the plan's
// get_workspace_size() with GetScratchBuffer (conv.h GetWorkSpace). No cap is passed.
//
// That number is whatever engine cuDNN's heuristics rank first for this device and cuDNN version:
// no documented formula or maximum exists (the cuDNN API reference gives none for the backend
// engines), so without a live cuDNN or a record matching the key the answer is Unknown.
#include <algorithm>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "wsest/live.h"

namespace wsest::estimators {
namespace {

constexpr const char* kConvSource = "onnxruntime 1.29.0 core/providers/cuda/nn/conv.cc Conv<T, Layout>::UpdateState";
constexpr const char* kConvTransposeSource =
    "onnxruntime 1.29.0 core/providers/cuda/nn/conv_transpose.cc ConvTranspose<T, Layout>::UpdateState";

bool IsRegistered(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kBfloat16;
}

std::string DimName(const Dim& d) { return d.symbol.empty() ? "?" : d.symbol; }

// Known dims of `t`, or the name of the first unknown one in `unknown`.
std::vector<int64_t> KnownDims(const TensorInfo& t, std::string& unknown) {
  std::vector<int64_t> v;
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i].known()) {
      if (unknown.empty()) unknown = "dim " + std::to_string(i) + " '" + DimName(t.dims[i]) + "'";
      v.push_back(-1);
    } else {
      v.push_back(t.dims[i].value);
    }
  }
  return v;
}

// com.microsoft ConvTransposeWithDynamicPads (contrib_ops/cuda/conv_transpose_with_dynamic_pads.h, float only):
// ConvTranspose<float, false>::DoConvTranspose(context, dynamic_padding = true), whose UpdateState reads the
// pads from CPU input 2 instead of the attribute and takes B from input 3. So it is a ConvTranspose whose
// pads are input 2's constant values; Y's dims follow ComputeTransposePadAndOutputShape
// (conv_transpose_attributes.h) when shape inference left them unknown (onnx has no schema for the op).
Result<Estimate> EstimateConvTransposeWithDynamicPads(const NodeView& node, const Target& target) {
  if (node.has_input(0) && node.inputs[0].dtype != DataType::kFloat) {
    return Estimate::Unknown(node.Label() + ": the CUDA kernel is registered for float only, not " +
                             DataTypeName(node.inputs[0].dtype));
  }
  if (!node.has_input(2)) return InvalidArgument(node.Label() + ": input 2 (pads) is missing; the kernel reads it");
  if (!node.inputs[2].int_values) {
    return Estimate::Unknown(node.Label() + ": pads (input 2) are not a constant; Y's dims and the cuDNN problem " +
                             "depend on their values");
  }
  if (node.has_attribute("output_shape") || node.GetString("auto_pad", "NOTSET") != "NOTSET") {
    return Estimate::Unknown(node.Label() + ": output_shape or auto_pad make UpdateState recompute the pads " +
                             "over input 2's; not modelled");
  }
  NodeView as_transpose = node;
  as_transpose.op_type = "ConvTranspose";
  as_transpose.domain = "";
  as_transpose.attributes["pads"] = *node.inputs[2].int_values;
  as_transpose.inputs.erase(as_transpose.inputs.begin() + 2);  // B (input 3) becomes ConvTranspose's input 2
  std::string unknown;
  const std::vector<int64_t> x_dims = node.has_input(0) ? KnownDims(node.inputs[0], unknown) : std::vector<int64_t>{};
  const std::vector<int64_t> w_dims = node.has_input(1) ? KnownDims(node.inputs[1], unknown) : std::vector<int64_t>{};
  const bool y_known = node.has_output(0) && node.outputs[0].fully_known() && node.outputs[0].has_shape;
  const std::vector<int64_t>& pads = *node.inputs[2].int_values;
  const size_t kernel_rank = x_dims.size() >= 2 ? x_dims.size() - 2 : 0;
  if (!y_known && unknown.empty() && kernel_rank > 0 && w_dims.size() == x_dims.size() &&
      pads.size() == 2 * kernel_rank && !as_transpose.outputs.empty()) {
    // ComputePadsAndOutputShape: Y = [N, W[1] * group, out...], out = (in - 1) * stride + output_padding +
    // (kernel - 1) * dilation + 1 - pad_head - pad_tail.
    std::vector<int64_t> strides = node.GetInts("strides"), dilations = node.GetInts("dilations");
    std::vector<int64_t> output_padding = node.GetInts("output_padding");
    strides.resize(kernel_rank, 1);
    dilations.resize(kernel_rank, 1);
    output_padding.resize(kernel_rank, 0);
    TensorInfo& y = as_transpose.outputs[0];
    y.has_shape = true;
    y.dims = {Dim::Known(x_dims[0]), Dim::Known(w_dims[1] * node.GetInt("group", 1))};
    for (size_t i = 0; i < kernel_rank; ++i) {
      const int64_t out = (x_dims[i + 2] - 1) * strides[i] + output_padding[i] + (w_dims[i + 2] - 1) * dilations[i] +
                          1 - pads[i] - pads[i + kernel_rank];
      // ComputePadsAndOutputShape: ORT_ENFORCE(dim_size > 0).
      if (out <= 0) {
        return InvalidArgument(node.Label() + ": output dim " + std::to_string(i + 2) + " is " + std::to_string(out) +
                               " with pads from input 2, expected > 0");
      }
      y.dims.push_back(Dim::Known(out));
    }
  }
  return EstimateConv(as_transpose, target);
}

}  // namespace

// Builds the query exactly as CreateCudnnFeExecutionPlan sees it, then asks target.live (a live cuDNN
// or a recorded table).
Result<Estimate> EstimateConv(const NodeView& node, const Target& target) {
  if (node.op_type == "ConvTransposeWithDynamicPads") return EstimateConvTransposeWithDynamicPads(node, target);
  const bool transpose = node.op_type == "ConvTranspose";
  const bool fused = node.op_type == "FusedConv";
  const bool nhwc = node.op_type == "NhwcConv" || node.domain == "com.ms.internal.nhwc";
  for (size_t i = 0; i < 2; ++i) {
    if (!node.has_input(i)) {
      return InvalidArgument(node.Label() + ": input " + std::to_string(i) + " is missing, expected X and W");
    }
  }
  const TensorInfo& x = node.inputs[0];
  const TensorInfo& w = node.inputs[1];
  if (!IsRegistered(x.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA " + node.op_type + " kernel is not registered for " +
                             DataTypeName(x.dtype));
  }
  if (!x.has_shape || !w.has_shape) return Estimate::Unknown(node.Label() + ": X or W has no shape");
  const int64_t rank = x.rank();
  if (rank < 3 || rank > 5) {
    return InvalidArgument(node.Label() + ": input 0 rank " + std::to_string(rank) + ", expected 3 to 5");
  }
  if (w.rank() != rank) {
    return InvalidArgument(node.Label() + ": input 1 rank " + std::to_string(w.rank()) + ", expected " +
                           std::to_string(rank) + " (as X)");
  }
  if (!node.has_output(0) || !node.outputs[0].has_shape) {
    return Estimate::Unknown(node.Label() + ": output 0 has no inferred shape; the cuDNN problem needs Y's dims");
  }
  std::string unknown;
  std::vector<int64_t> x_dims = KnownDims(x, unknown);
  std::vector<int64_t> w_dims = KnownDims(w, unknown);
  std::vector<int64_t> y_dims = KnownDims(node.outputs[0], unknown);
  if (!unknown.empty()) {
    return Estimate::Unknown(node.Label() + ": " + unknown + " of X, W or Y is symbolic; the cuDNN plan depends on it");
  }
  if (static_cast<int64_t>(y_dims.size()) != rank) {
    return InvalidArgument(node.Label() + ": output 0 rank " + std::to_string(y_dims.size()) + ", expected " +
                           std::to_string(rank));
  }
  const int64_t kernel_rank = rank - 2;
  if (nhwc) {
    // NHWC kernels: X and Y arrive channels-last; UpdateState moves C next to N for cuDNN's dims (W
    // is prepacked to NHWC too, and reordered the same way).
    for (auto* dims : {&x_dims, &y_dims, &w_dims}) {
      const int64_t c = dims->back();
      dims->pop_back();
      dims->insert(dims->begin() + 1, c);
    }
  }
  Bytes y_count(1);
  for (int64_t v : y_dims) y_count *= Bytes::FromDim(v);
  if (y_count == Bytes(0)) {
    Estimate e{"empty", Exactness::kExact};
    e.reason = "Y has no elements: UpdateState returns before building a plan";
    return e;
  }

  // ConvAttributes: strides, dilations default 1; pads default 0 (auto_pad SAME_* / VALID resolved
  // by ComputePadsAndOutputShape; Y's inferred dims give the same totals).
  std::vector<int64_t> strides = node.GetInts("strides");
  std::vector<int64_t> dilations = node.GetInts("dilations");
  std::vector<int64_t> pads = node.GetInts("pads");
  if (strides.empty()) strides.assign(static_cast<size_t>(kernel_rank), 1);
  if (dilations.empty()) dilations.assign(static_cast<size_t>(kernel_rank), 1);
  const std::string auto_pad = node.GetString("auto_pad", "NOTSET");
  if (pads.empty()) {
    pads.assign(static_cast<size_t>(2 * kernel_rank), 0);
    if (!transpose && (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER")) {
      for (int64_t i = 0; i < kernel_rank; ++i) {
        const size_t s = static_cast<size_t>(i);
        const int64_t k = w_dims[s + 2];
        const int64_t total = std::max<int64_t>(
            0, (y_dims[s + 2] - 1) * strides[s] + (k - 1) * dilations[s] + 1 - x_dims[s + 2]);
        pads[s] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[s + static_cast<size_t>(kernel_rank)] = total - pads[s];
      }
    }
  }
  if (static_cast<int64_t>(strides.size()) != kernel_rank || static_cast<int64_t>(dilations.size()) != kernel_rank ||
      static_cast<int64_t>(pads.size()) != 2 * kernel_rank) {
    return InvalidArgument(node.Label() + ": strides/dilations/pads sizes " + std::to_string(strides.size()) + "/" +
                           std::to_string(dilations.size()) + "/" + std::to_string(pads.size()) + ", expected " +
                           std::to_string(kernel_rank) + "/" + std::to_string(kernel_rank) + "/" +
                           std::to_string(2 * kernel_rank));
  }
  if (kernel_rank < 2) {
    // conv.cc: 1-D convs are padded to 2-D, [N, C, 1, D] with cudnn_conv1d_pad_to_nc1d, else [N, C, D, 1].
    const bool nc1d = target.ep.ProviderOptionInt("cudnn_conv1d_pad_to_nc1d", 0) != 0;
    for (auto* dims : {&x_dims, &y_dims, &w_dims}) {
      if (nc1d) {
        dims->insert(dims->begin() + 2, 1);
      } else {
        dims->push_back(1);
      }
    }
    if (nc1d) {
      pads = {0, pads[0], 0, pads[1]};
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
    } else {
      pads = {pads[0], 0, pads[1], 0};
      strides.push_back(1);
      dilations.push_back(1);
    }
  }

  ConvQuery q;
  q.transpose = transpose;
  q.dtype = x.dtype;
  q.x_dims = x_dims;
  q.w_dims = w_dims;
  q.y_dims = y_dims;
  q.pads = pads;
  q.strides = strides;
  q.dilations = dilations;
  q.channels_last = nhwc;
  q.fuse_bias = fused || target.ep.ProviderOptionInt("fuse_conv_bias", 0) != 0;
  q.fuse_act = fused;
  if (fused) q.activation = node.GetString("activation", "");
  // conv.cc: switch (cudnn_conv_algo): 0 EXHAUSTIVE -> B, 1 HEURISTIC -> A, 2 DEFAULT -> FALLBACK, else A.
  // The provider option is parsed from its name (cuda_execution_provider_info.cc); EXHAUSTIVE is the default.
  const std::string search = target.ep.ProviderOption("cudnn_conv_algo_search").value_or("EXHAUSTIVE");
  q.heur_mode = search == "EXHAUSTIVE" ? HeurMode::kB : search == "DEFAULT" ? HeurMode::kFallback : HeurMode::kA;
  q.use_tf32 = target.ep.ProviderOptionInt("use_tf32", 1) != 0;

  const char* source = transpose ? kConvTransposeSource : kConvSource;
  std::string why_not = "no live cuDNN and no record";
  if (target.live != nullptr) {
    Result<ConvAnswer> a = target.live->ConvWorkspace(q);
    if (a.ok()) {
      Estimate e{"cudnn_frontend", Exactness::kExact};
      e.reason = "engine " + a->engine + " (heuristics mode " + HeurModeName(q.heur_mode) + ")";
      // GetWorkSpace: GetScratchBuffer<void>(s_.workspace_bytes) = plan.get_workspace_size().
      e.Add("cudnn_workspace", Bytes(a->workspace_bytes), std::string(source) + " / conv.h GetWorkSpace; " + a->source);
      return e;
    }
    why_not = a.error().message;
  }
  Estimate e = Estimate::Unknown(node.Label() + ": the cuDNN engine's workspace for " + CanonicalKey(q) +
                                 " is chosen by cuDNN's heuristics and has no documented bound; a GPU (live query) or "
                                 "a record from calibrate/record_library answers it (" + why_not + ")");
  e.variant = "cudnn_frontend";
  return e;
}

}  // namespace wsest::estimators
