// Resize and Upsample on the CUDA EP: both are tensor/upsample.cc Upsample<T> (Resize derives from it
// with is_resize_ set), registered for float, double, MLFloat16, int32 and uint8. Upsample (7-8, 9) calls
// UpsampleImpl with its arrays by value and takes no scratch. Resize (10, 11-12, 13-17, 18+):
//  - scales all 1 (and not tf_crop_and_resize): a device-to-device copy, no scratch;
//  - antialias (18+, linear or cubic): ResizeAntiAliasImpl (resize_antialias_impl.cu) takes its buffers
//    through the TempSpaceAllocateFunc the kernel builds over CudaKernel::GetScratchBuffer<uint8_t>;
//  - otherwise: one dims_mapping_buffer of CalcResizeBufferSize(mode, output_dims) bytes (resize_impl.cu)
//    from GetScratchBuffer<unsigned char>.
// The antialias constructor also copies a 256-byte clip lookup table to the device once per kernel
// (shared_lookup_table_ondevice_): kernel state, not per-run scratch, so it is not counted here.
//
// The scales ORT uses are floats. NodeView carries no float tensor values, so when the node gives
// `scales` rather than `sizes` they are taken as output/input per axis; where that choice can change
// the answer the estimate is labelled heuristic.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "estimators/estimators.h"

namespace wsest::estimators {
namespace {

constexpr const char* kUpsampleSource = "onnxruntime 1.29.0 core/providers/cuda/tensor/upsample.cc Upsample<T>::BaseCompute";
constexpr const char* kCalcBufferSource =
    "onnxruntime 1.29.0 core/providers/cuda/tensor/resize_impl.cu CalcResizeBufferSize";
constexpr const char* kBilinearSource =
    "onnxruntime 1.29.0 core/providers/cuda/tensor/resize_antialias_impl.cu ResizeBiLinearUpsample";
constexpr const char* kTrilinearSource =
    "onnxruntime 1.29.0 core/providers/cuda/tensor/resize_antialias_impl.cu ResizeTrilinearUpsample";
constexpr const char* kBicubicSource =
    "onnxruntime 1.29.0 core/providers/cuda/tensor/resize_antialias_impl.cu ResizeBicubicUpsample";

// resize_impl.cu mapping records: NearestMappingInfo {int, int}, LinearMappingInfo {int, float, int},
// CubicMappingInfo {int, int, float x 4}.
constexpr uint64_t kNearestMappingInfoBytes = 8;
constexpr uint64_t kLinearMappingInfoBytes = 12;
constexpr uint64_t kCubicMappingInfoBytes = 24;
// upsamplebase.h antialias_constants: kSupportSize (bilinear, trilinear) and kBiCubicSupportSize.
constexpr float kSupportSize = 2.0f;
constexpr float kBiCubicSupportSize = 4.0f;

enum class Mode { kNearest, kLinear, kCubic };

bool IsRegisteredType(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kInt32 ||
         t == DataType::kUint8;
}

// The node, parsed: input and output dims (all known), mode and the attributes that pick the path.
struct ResizeDims {
  std::vector<int64_t> in;
  std::vector<int64_t> out;
  int64_t rank = 0;
  Mode mode = Mode::kNearest;
  bool antialias = false;
  bool tf_crop_and_resize = false;
  bool scales_from_sizes = false;  // the `sizes` input is given: ORT's scales are out/in exactly
  int64_t element_size = 0;
  int64_t accum_size = 0;  // AccumulateType<T>: double for double, float or int32 (4 bytes) otherwise
};

Result<Mode> ParseMode(const NodeView& node) {
  std::string mode = node.GetString("mode", "nearest");
  std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::tolower(c); });
  if (mode == "nearest") return Mode::kNearest;
  if (mode == "linear" || mode == "bilinear") return Mode::kLinear;
  if (mode == "cubic") return Mode::kCubic;
  return InvalidArgument(node.Label() + ": mode '" + mode + "' is not nearest, linear or cubic");
}

// Names the first unknown dim of `t` ("input 0 dim 2 'height'"), empty when all are known.
std::string UnknownDim(const TensorInfo& t, const char* what) {
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (!t.dims[i].known()) {
      return std::string(what) + " dim " + std::to_string(i) + " '" + (t.dims[i].symbol.empty() ? "?" : t.dims[i].symbol) +
             "'";
    }
  }
  return {};
}

// ORT's scale for one axis when it derives it from sizes: static_cast<float>(out) / static_cast<float>(in).
float AxisScale(int64_t in, int64_t out) { return static_cast<float>(out) / static_cast<float>(in); }

// resize_impl.h ComputeScaledSupportValue then ComputeWindowSize, in float as the EP computes them.
int64_t WindowSize(float support_value, float rscale) {
  const float scale = 1.0f / rscale;
  const float scaled_support = scale >= 1.0f ? (support_value * 0.5f) * scale : support_value * 0.5f;
  return static_cast<int64_t>(std::ceil(scaled_support)) * 2 + 1;
}

}  // namespace

// Mirrors ORT 1.29.0 core/providers/cuda/tensor/upsample.cc Upsample<T>::BaseCompute for Resize and
// Upsample, with resize_impl.cu CalcResizeBufferSize and resize_antialias_impl.cu.
Result<Estimate> EstimateResize(const NodeView& node, const Target&) {
  if (!node.has_input(0)) return InvalidArgument(node.Label() + ": input 0 is missing");
  if (!node.has_output(0)) return InvalidArgument(node.Label() + ": output 0 is missing");
  const TensorInfo& x = *node.input(0);
  const TensorInfo& y = *node.output(0);
  const bool is_resize = node.op_type == "Resize";
  WSEST_ASSIGN_OR_RETURN(Mode mode, ParseMode(node));
  if (!is_resize) {
    // Upsample: is_resize_ is false, UpsampleImpl takes scales_div and the pitches by value.
    Estimate e{"upsample", Exactness::kExact};
    e.reason = std::string("no scratch: ") + kUpsampleSource + " Upsample path calls UpsampleImpl with no buffer";
    return e;
  }
  if (!IsRegisteredType(x.dtype)) {
    return Estimate::Unknown(node.Label() + ": the CUDA Resize kernel is not registered for " + DataTypeName(x.dtype) +
                             " (float, double, float16, int32, uint8 only)");
  }
  if (!x.has_shape || !y.has_shape) {
    return Estimate::Unknown(node.Label() + ": input 0 or output 0 has no shape; the buffers follow the output dims");
  }
  if (x.rank() != y.rank()) {
    return InvalidArgument(node.Label() + ": output rank " + std::to_string(y.rank()) + " differs from input rank " +
                           std::to_string(x.rank()));
  }
  // BaseCompute: "Resize: input tensor cannot be scalar."
  if (x.rank() == 0) return InvalidArgument(node.Label() + ": input 0 is a scalar, Resize needs rank >= 1");

  ResizeDims d;
  d.rank = x.rank();
  d.mode = mode;
  d.antialias = node.opset >= 18 && node.GetInt("antialias", 0) != 0;
  d.tf_crop_and_resize = node.GetString("coordinate_transformation_mode", "half_pixel") == "tf_crop_and_resize";
  d.scales_from_sizes = node.opset >= 11 && node.has_input(3);
  d.element_size = ElementSize(x.dtype);
  d.accum_size = x.dtype == DataType::kDouble ? 8 : 4;
  // UpsampleBase: "when anti-aliasing is set, Resize only supports mode LINEAR and CUBIC".
  if (d.antialias && d.mode == Mode::kNearest) {
    return InvalidArgument(node.Label() + ": antialias is set with mode nearest; the EP supports linear and cubic");
  }
  // Output dims first: an empty output returns before anything is allocated.
  for (const Dim& dim : y.dims) {
    if (dim.known() && dim.value == 0) {
      Estimate e{"empty_output", Exactness::kExact};
      e.reason = std::string("no scratch: the output is empty, ") + kUpsampleSource + " returns early";
      return e;
    }
  }
  if (std::string dim = UnknownDim(y, "output 0"); !dim.empty()) {
    return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; the mapping buffers follow the output dims");
  }
  if (std::string dim = UnknownDim(x, "input 0"); !dim.empty()) {
    return Estimate::Unknown(node.Label() + ": " + dim + " is symbolic; the scales compare output to input dims");
  }
  for (int64_t i = 0; i < d.rank; ++i) {
    d.in.push_back(x.dims[static_cast<size_t>(i)].value);
    d.out.push_back(y.dims[static_cast<size_t>(i)].value);
  }

  // BaseCompute: is_same = all scales 1 and not tf_crop_and_resize -> cudaMemcpyAsync, no buffer.
  const bool dims_unchanged = d.in == d.out;
  const bool is_same = dims_unchanged && !d.tf_crop_and_resize;
  // From scales, an axis can keep its length with a scale that is not 1 (floor(in * s) == in for s slightly
  // above 1): then the EP resizes and allocates. With sizes, ORT's scale is out/in, exactly 1.
  const Exactness scale_exactness = d.scales_from_sizes ? Exactness::kExact : Exactness::kHeuristic;
  if (is_same) {
    Estimate e{"copy", dims_unchanged && d.scales_from_sizes ? Exactness::kExact : scale_exactness};
    if (!d.scales_from_sizes) e.reason = "scales taken as 1 because every output dim equals its input dim; ";
    e.reason += std::string("no scratch: ") + kUpsampleSource + " copies the input when all scales are 1";
    return e;
  }

  if (!d.antialias) {
    const char* variant = d.mode == Mode::kNearest ? "nearest" : (d.mode == Mode::kLinear ? "linear" : "cubic");
    Estimate e{variant, Exactness::kExact};
    e.candidates.push_back({"antialias", "antialias is not set (or opset < 18)", std::nullopt});
    Bytes mapping;
    if (d.mode == Mode::kNearest) {
      // NN: sizeof(int64_t) * rank + sizeof(NearestMappingInfo) * sum(output_dims).
      Bytes sum_out(0);
      for (int64_t v : d.out) sum_out = sum_out + Bytes::FromDim(v);
      mapping = Bytes(8) * d.rank + Bytes(kNearestMappingInfoBytes) * sum_out;
    } else {
      // LINEAR / CUBIC: mapping record * (the last two output dims summed).
      if (d.rank < 2) {
        return Estimate::Unknown(node.Label() + ": rank 1 with mode linear or cubic; CalcResizeBufferSize reads the "
                                 "last two output dims");
      }
      const Bytes last_two = Bytes::FromDim(d.out[static_cast<size_t>(d.rank - 1)]) +
                             Bytes::FromDim(d.out[static_cast<size_t>(d.rank - 2)]);
      mapping = Bytes(d.mode == Mode::kLinear ? kLinearMappingInfoBytes : kCubicMappingInfoBytes) * last_two;
    }
    e.Add("dims_mapping_buffer", mapping, kCalcBufferSource);
    return e;
  }

  // Antialias. BaseCompute: 4-D (and 5-D for linear) needs the two outer scales to be 1 (NCHW only).
  const bool is_2d = d.rank == 2 || d.rank == 4;
  const bool is_3d = d.rank == 3 || d.rank == 5;
  const bool outer_scales_one = (d.rank != 4 && d.rank != 5) || (d.in[0] == d.out[0] && d.in[1] == d.out[1]);
  if (d.mode == Mode::kLinear && !is_2d && !is_3d) {
    return InvalidArgument(node.Label() + ": antialias linear supports rank 2 to 5, got " + std::to_string(d.rank));
  }
  if (d.mode == Mode::kCubic && !is_2d) {
    return InvalidArgument(node.Label() + ": antialias cubic supports rank 2 or 4, got " + std::to_string(d.rank));
  }
  if (!outer_scales_one) {
    return InvalidArgument(node.Label() + ": antialias with rank " + std::to_string(d.rank) +
                           " needs the two outer scales to be 1 (NHWC is not supported by the EP)");
  }
  const bool has_batch = d.rank >= 4;
  const int64_t batch = has_batch ? d.in[0] : 1;
  const int64_t channels = has_batch ? d.in[1] : 1;
  const size_t off = has_batch ? 2 : 0;  // first spatial axis
  const bool trilinear = d.mode == Mode::kLinear && is_3d;
  const float support = d.mode == Mode::kCubic ? kBiCubicSupportSize : kSupportSize;

  const int64_t in_d = trilinear ? d.in[off] : 0;
  const int64_t in_h = d.in[off + (trilinear ? 1 : 0)];
  const int64_t out_d = trilinear ? d.out[off] : 0;
  const int64_t out_h = d.out[off + (trilinear ? 1 : 0)];
  const int64_t out_w = d.out[off + (trilinear ? 2 : 1)];
  const int64_t in_w = d.in[off + (trilinear ? 2 : 1)];
  // Window sizes per axis from the float rscale (output/input).
  const int64_t window_h = WindowSize(support, AxisScale(in_h, out_h));
  const int64_t window_w = WindowSize(support, AxisScale(in_w, out_w));
  const int64_t window_d = trilinear ? WindowSize(support, AxisScale(in_d, out_d)) : 0;
  const int64_t spatial_out_sum = out_d + out_h + out_w;

  const char* source = trilinear ? kTrilinearSource : (d.mode == Mode::kCubic ? kBicubicSource : kBilinearSource);
  const char* variant = trilinear ? "antialias_trilinear" : (d.mode == Mode::kCubic ? "antialias_bicubic"
                                                                                    : "antialias_bilinear");
  Estimate e{variant, scale_exactness};
  if (!d.scales_from_sizes) e.reason = "window sizes computed from output/input dims in place of the scales input";
  e.candidates.push_back({d.mode == Mode::kCubic ? "cubic" : "linear", "antialias is set", std::nullopt});
  // bounds_buffer: int64_t[(out_d + out_h + out_w) * 2]; out_of_bounds_buffer: int64_t[out_d + out_h + out_w].
  e.Add("bounds_buffer", Bytes::FromDim(spatial_out_sum) * Bytes(2 * 8), source);
  e.Add("out_of_bounds_buffer", Bytes::FromDim(spatial_out_sum) * Bytes(8), source);
  // weighted_buffer: AccumType[out_d * window_d + out_h * window_h + out_w * window_w]
  // (ComputeWeightedCoeffBufferSize per axis).
  const Bytes weighted = Bytes::FromDim(out_d) * window_d + Bytes::FromDim(out_h) * window_h +
                         Bytes::FromDim(out_w) * window_w;
  e.Add("weighted_buffer", weighted * d.accum_size, source);
  if (trilinear) {
    // h_w_interpolate_temp_buffer: T[batch * channels * in_d * in_h * out_w];
    // h_w_interpolate_result_buffer: T[batch * channels * in_d * out_h * out_w].
    e.Add("h_w_interpolate_temp_buffer",
          Bytes::FromDim(batch) * channels * in_d * in_h * out_w * d.element_size, source);
    e.Add("h_w_interpolate_result_buffer",
          Bytes::FromDim(batch) * channels * in_d * out_h * out_w * d.element_size, source);
  } else if (d.mode == Mode::kCubic) {
    // image_temp_buffer: T[batch * channels * in_h * out_w].
    e.Add("image_temp_buffer", Bytes::FromDim(batch) * channels * in_h * out_w * d.element_size, source);
  } else {
    // image_temp_buffer: T[channels * in_h * out_w]; the bilinear path leaves the batch out of temp_buf_size.
    e.Add("image_temp_buffer", Bytes::FromDim(channels) * in_h * out_w * d.element_size, source);
  }
  return e;
}

}  // namespace wsest::estimators
