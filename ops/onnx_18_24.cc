// ai.onnx opsets 18-24: ops that are new since onnx 1.12 (opset 17), or whose signature changed so
// that onnx 1.12's last version would infer wrongly. Re-versions that only widened types need no
// rule: the layered registry falls back to onnx 1.12's newest version at or below the opset.
// Specs: onnx/docs/Changelog.md (onnx main, 2026), section per op and version.
#include <onnx/defs/schema.h>

#include <cmath>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/rules.h"

namespace wsest::ops {
namespace {

namespace onnx = ONNX_NAMESPACE;
using onnx::AttributeProto;
using onnx::OpSchema;

OpSchema Onnx(const char* name, int since) { return OpSchema().SetName(name).SetDomain("").SinceVersion(since); }

// Reduce*-18: axes moved from an attribute to optional input 1. Absent or empty axes reduce every
// axis, unless noop_with_empty_axes; axes that are not constant leave only the rank (keepdims=1).
void ReduceInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShape(ctx, 0);
  if (x == nullptr) return;
  const int64_t rank = x->dim_size();
  const bool keepdims = onnx::getAttribute(ctx, "keepdims", 1) != 0;
  std::vector<int64_t> axes;
  if (HasInput(ctx, 1)) {
    const auto c = ConstInts(ctx, 1);
    if (!c) {
      if (keepdims) {
        Shape out;
        for (int64_t i = 0; i < rank; ++i) out.add_dim();
        SetOutputShape(ctx, 0, out);
      }
      return;
    }
    axes = *c;
  }
  if (axes.empty()) {
    if (onnx::getAttribute(ctx, "noop_with_empty_axes", 0) != 0) {
      SetOutputShape(ctx, 0, *x);
      return;
    }
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  std::vector<bool> reduced(rank, false);
  for (int64_t a : axes) reduced[NormalizeAxis(a, rank, "axes value")] = true;
  Shape out;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      *out.add_dim() = x->dim(static_cast<int>(i));
    else if (keepdims)
      out.add_dim()->set_dim_value(1);
  }
  SetOutputShape(ctx, 0, out);
}

// Split-18: sizes from input `split`, else num_outputs (or the node's output count) chunks of
// ceil(dim / n), the last one smaller.
void SplitInference(Ctx& ctx) {
  const size_t n = ctx.getNumOutputs();
  for (size_t o = 0; o < n; ++o) PropagateType(ctx, 0, o);
  const Shape* x = InputShape(ctx, 0);
  if (x == nullptr || n == 0) return;
  const int64_t rank = x->dim_size();
  const int axis = static_cast<int>(NormalizeAxis(onnx::getAttribute(ctx, "axis", 0), rank, "axis"));
  const Dim& dim = x->dim(axis);
  std::vector<Dim> sizes(n);
  if (HasInput(ctx, 1)) {
    const auto split = ConstInts(ctx, 1);
    if (split) {
      if (split->size() != n) fail_shape_inference("input 1 (split) has ", split->size(), " values, expected ", n);
      Dim sum = KnownDim(0);
      for (size_t i = 0; i < n; ++i) {
        sizes[i] = KnownDim((*split)[i]);
        sum = AddDims(sum, sizes[i]);  // fails on overflow: the values are the model's own
      }
      if (Known(dim) && sum.dim_value() != dim.dim_value())
        fail_shape_inference("input 1 (split) sums to ", sum.dim_value(), ", expected dim ", dim.dim_value());
    }
  } else {
    const int64_t num_outputs = onnx::getAttribute(ctx, "num_outputs", static_cast<int64_t>(n));
    if (num_outputs != static_cast<int64_t>(n))
      fail_shape_inference("attribute num_outputs is ", num_outputs, ", but the node has ", n, " outputs");
    if (Known(dim)) {
      const int64_t d = dim.dim_value();
      const int64_t chunk = d / num_outputs + (d % num_outputs != 0);  // ceil without d + n - 1 overflowing
      const int64_t last = d - chunk * (num_outputs - 1);
      if (last < 0) fail_shape_inference("dim ", d, " cannot be split into ", num_outputs, " chunks of ", chunk);
      for (size_t i = 0; i < n; ++i) sizes[i] = KnownDim(i + 1 < n ? chunk : last);
    }
  }
  for (size_t o = 0; o < n; ++o) {
    Shape out = *x;
    *out.mutable_dim(axis) = sizes[o];
    SetOutputShape(ctx, o, out);
  }
}

// Pad-18 (and 19/21/23/24, same shapes): pads [begins.., ends..] over `axes` (input 3, default all).
void PadInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShape(ctx, 0);
  if (x == nullptr) return;
  const int64_t rank = x->dim_size();
  std::vector<int64_t> axes;
  if (HasInput(ctx, 3)) {
    const auto c = ConstInts(ctx, 3);
    if (!c) {
      Shape out;
      for (int64_t i = 0; i < rank; ++i) out.add_dim();
      SetOutputShape(ctx, 0, out);
      return;
    }
    for (int64_t a : *c) axes.push_back(NormalizeAxis(a, rank, "axes value"));
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  Shape out = *x;
  const auto pads = ConstInts(ctx, 1);
  const size_t na = axes.size();
  if (pads && pads->size() != 2 * na)
    fail_shape_inference("input 1 (pads) has ", pads->size(), " values, expected ", 2 * na);
  for (size_t i = 0; i < na; ++i) {
    Dim* d = out.mutable_dim(static_cast<int>(axes[i]));
    if (pads && Known(*d)) {
      *d = AddDims(AddDims(*d, KnownDim((*pads)[i])), KnownDim((*pads)[i + na]));
    } else {
      d->Clear();
    }
  }
  SetOutputShape(ctx, 0, out);
}

// Resize-18/19: sizes (input 3) with keep_aspect_ratio_policy, or scales (input 2), over `axes`.
// Output dims as ORT computes them (float arithmetic): scales give floor(scale * in); sizes with
// not_larger/not_smaller give round_half_up(min/max(sizes / in) * in).
void ResizeInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShape(ctx, 0);
  if (x == nullptr) return;
  const int64_t rank = x->dim_size();
  std::vector<int64_t> axes;
  onnx::getRepeatedAttribute(ctx, "axes", axes);
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  for (auto& a : axes) a = NormalizeAxis(a, rank, "axes value");
  Shape out = *x;
  for (int64_t a : axes) out.mutable_dim(static_cast<int>(a))->Clear();
  const bool has_sizes = HasInput(ctx, 3);
  if (has_sizes) {
    const auto sizes = ConstInts(ctx, 3);
    if (sizes) {
      if (sizes->size() != axes.size())
        fail_shape_inference("input 3 (sizes) has ", sizes->size(), " values, expected ", axes.size());
      const std::string policy = onnx::getAttribute(ctx, "keep_aspect_ratio_policy", "stretch");
      if (policy == "stretch") {
        for (size_t i = 0; i < axes.size(); ++i) out.mutable_dim(static_cast<int>(axes[i]))->set_dim_value((*sizes)[i]);
      } else {
        bool all_known = true;
        float scale = policy == "not_larger" ? INFINITY : 0.0f;
        for (size_t i = 0; i < axes.size(); ++i) {
          const Dim& in = x->dim(static_cast<int>(axes[i]));
          if (!Known(in)) {
            all_known = false;
            break;
          }
          const float s = static_cast<float>((*sizes)[i]) / static_cast<float>(in.dim_value());
          scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
        }
        if (all_known)
          for (int64_t a : axes) {
            Dim* d = out.mutable_dim(static_cast<int>(a));
            d->set_dim_value(static_cast<int64_t>(std::round(scale * static_cast<float>(x->dim(static_cast<int>(a)).dim_value()))));
          }
      }
    }
  } else if (const auto scales = ConstFloats(ctx, 2)) {
    if (scales->size() != axes.size())
      fail_shape_inference("input 2 (scales) has ", scales->size(), " values, expected ", axes.size());
    for (size_t i = 0; i < axes.size(); ++i) {
      const Dim& in = x->dim(static_cast<int>(axes[i]));
      if (Known(in))
        out.mutable_dim(static_cast<int>(axes[i]))
            ->set_dim_value(static_cast<int64_t>((*scales)[i] * static_cast<float>(in.dim_value())));
    }
  }
  SetOutputShape(ctx, 0, out);
}

// Attention-23/24: Q (B,S,N*H) | (B,N,S,H); K (B,L,Nkv*H) | (B,Nkv,L,H); V (B,L,Nkv*Hv) |
// (B,Nkv,L,Hv); past_key/past_value (B,Nkv,P,H|Hv). Y (B,S,N*Hv) | (B,N,S,Hv);
// present (B,Nkv,P+L,H|Hv); qk_matmul_output (B,N,S,P+L).
void OnnxAttentionInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  PropagateType(ctx, HasInput(ctx, 4) ? 4 : 1, 1);
  PropagateType(ctx, HasInput(ctx, 5) ? 5 : 2, 2);
  PropagateType(ctx, 0, 3);
  const Shape* q = InputShapeOfRank(ctx, 0, {3, 4}, "Q");
  const Shape* k = InputShapeOfRank(ctx, 1, {3, 4}, "K");
  const Shape* v = InputShapeOfRank(ctx, 2, {3, 4}, "V");
  if (q == nullptr) return;
  const bool q4 = q->dim_size() == 4;
  const int64_t n_attr = onnx::getAttribute(ctx, "q_num_heads", 0);
  const int64_t nkv_attr = onnx::getAttribute(ctx, "kv_num_heads", 0);
  if (!q4 && (n_attr <= 0 || nkv_attr <= 0))
    fail_shape_inference("3-D inputs need positive q_num_heads and kv_num_heads, got ", n_attr, " and ", nkv_attr);
  const Dim& b = q->dim(0);
  const Dim n = q4 ? q->dim(1) : KnownDim(n_attr);
  const Dim& s = q4 ? q->dim(2) : q->dim(1);
  Dim nkv = KnownDim(nkv_attr), l, h, hv;
  if (k != nullptr) {
    if (k->dim_size() == 4) {
      nkv = k->dim(1);
      l = k->dim(2);
      h = k->dim(3);
    } else {
      l = k->dim(1);
      h = DivDim(k->dim(2), nkv_attr, 1, "K hidden size vs kv_num_heads");
    }
  }
  if (v != nullptr)
    hv = v->dim_size() == 4 ? v->dim(3) : DivDim(v->dim(2), nkv_attr, 2, "V hidden size vs kv_num_heads");
  if (v != nullptr) SetOutputShape(ctx, 0, q4 ? MakeShape({b, n, s, hv}) : MakeShape({b, s, MulDims(n, hv)}));
  const Shape* pk = InputShapeOfRank(ctx, 4, {4}, "past_key");
  const Shape* pv = InputShapeOfRank(ctx, 5, {4}, "past_value");
  if (HasInput(ctx, 4) && (pk == nullptr || pv == nullptr)) return;
  const Dim t = pk != nullptr ? AddDims(pk->dim(2), l) : l;
  SetOutputShape(ctx, 1, MakeShape({b, nkv, t, h}));
  SetOutputShape(ctx, 2, MakeShape({b, nkv, t, hv}));
  SetOutputShape(ctx, 3, MakeShape({b, n, s, t}));
}

// CenterCropPad-18: the `axes` dims (default all) become input `shape`'s values.
void CenterCropPadInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShape(ctx, 0);
  if (x == nullptr) return;
  const int64_t rank = x->dim_size();
  std::vector<int64_t> axes;
  onnx::getRepeatedAttribute(ctx, "axes", axes);
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  const auto shape = ConstInts(ctx, 1);
  if (shape && shape->size() != axes.size())
    fail_shape_inference("input 1 (shape) has ", shape->size(), " values, expected ", axes.size());
  Shape out = *x;
  for (size_t i = 0; i < axes.size(); ++i) {
    Dim* d = out.mutable_dim(static_cast<int>(NormalizeAxis(axes[i], rank, "axes value")));
    d->Clear();
    if (shape) d->set_dim_value((*shape)[i]);
  }
  SetOutputShape(ctx, 0, out);
}

// Col2Im-18: input (N, C * prod(block_shape), L) -> (N, C, image_shape...).
void Col2ImInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* x = InputShapeOfRank(ctx, 0, {3}, "input");
  const auto image = ConstInts(ctx, 1);
  const auto block = ConstInts(ctx, 2);
  if (x == nullptr || !image || !block) return;
  if (image->size() != block->size())
    fail_shape_inference("input 1 (image_shape) has ", image->size(), " values, input 2 (block_shape) has ",
                         block->size());
  int64_t block_size = 1;
  for (int64_t b : *block) block_size *= b;
  Shape out = MakeShape({x->dim(0), DivDim(x->dim(1), block_size, 0, "channels vs prod(block_shape)")});
  for (int64_t d : *image) out.add_dim()->set_dim_value(d);
  SetOutputShape(ctx, 0, out);
}

// DequantizeLinear-19/21/23: y is x's shape; its type is output_dtype (23+) or x_scale's type.
void DequantizeInference(Ctx& ctx) {
  const int64_t out_type = onnx::getAttribute(ctx, "output_dtype", 0);
  if (out_type != 0)
    SetOutputType(ctx, 0, static_cast<int32_t>(out_type));
  else
    PropagateType(ctx, 1, 0);
  if (const Shape* x = InputShape(ctx, 0)) SetOutputShape(ctx, 0, *x);
}

// QuantizeLinear-19/21/23: y is x's shape; its type is output_dtype (21+), else y_zero_point's, else
// uint8.
void QuantizeInference(Ctx& ctx) {
  const int64_t out_type = onnx::getAttribute(ctx, "output_dtype", 0);
  if (out_type != 0)
    SetOutputType(ctx, 0, static_cast<int32_t>(out_type));
  else if (HasInput(ctx, 2))
    PropagateType(ctx, 2, 0);
  else
    SetOutputType(ctx, 0, onnx::TensorProto::UINT8);
  if (const Shape* x = InputShape(ctx, 0)) SetOutputShape(ctx, 0, *x);
}

void BroadcastInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  const Shape* a = InputShape(ctx, 0);
  const Shape* b = InputShape(ctx, 1);
  if (a != nullptr && b != nullptr) SetOutputShape(ctx, 0, BroadcastShapes({a, b}));
}

// AveragePool-19 and LpPool-18 gained dilations (and LpPool ceil_mode): the output-size formula is
// MaxPool's, so onnx 1.12's MaxPool-12 inference computes it.
void PoolWithDilationsInference(Ctx& ctx) {
  CheckStridesPositive(ctx);
  DelegateToOnnx(ctx, "MaxPool", 12);
}

const char* const kReduceOps[] = {"ReduceMean", "ReduceMax",    "ReduceMin",       "ReduceProd",     "ReduceL1",
                                  "ReduceL2",   "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};

OpSchema AttentionSchema(int since) {
  OpSchema s = Onnx("Attention", since);
  s.Attr("is_causal", "", AttributeProto::INT, static_cast<int64_t>(0))
      .Attr("kv_num_heads", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
      .Attr("q_num_heads", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
      .Attr("qk_matmul_output_mode", "", AttributeProto::INT, static_cast<int64_t>(0))
      .Attr("scale", "", AttributeProto::FLOAT, onnx::OPTIONAL_VALUE)
      .Attr("softcap", "", AttributeProto::FLOAT, 0.0f)
      .Attr("softmax_precision", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
      .Input(0, "Q", "", "T1")
      .Input(1, "K", "", "T1")
      .Input(2, "V", "", "T2")
      .Input(3, "attn_mask", "", "U", OpSchema::Optional)
      .Input(4, "past_key", "", "T1", OpSchema::Optional)
      .Input(5, "past_value", "", "T2", OpSchema::Optional);
  if (since >= 24) s.Input(6, "nonpad_kv_seqlen", "", "tensor(int64)", OpSchema::Optional);
  s.Output(0, "Y", "", "T1")
      .Output(1, "present_key", "", "T1", OpSchema::Optional)
      .Output(2, "present_value", "", "T2", OpSchema::Optional)
      .Output(3, "qk_matmul_output", "", "T1", OpSchema::Optional)
      .TypeConstraint("T1", FloatTypes(), "")
      .TypeConstraint("T2", FloatTypes(), "")
      .TypeConstraint("U", AllTensorTypes(), "")
      .TypeAndShapeInferenceFunction(OnnxAttentionInference);
  return s;
}

OpSchema DequantizeSchema(int since) {
  OpSchema s = Onnx("DequantizeLinear", since);
  s.Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(1));
  if (since >= 21) s.Attr("block_size", "", AttributeProto::INT, static_cast<int64_t>(0));
  if (since >= 23) s.Attr("output_dtype", "", AttributeProto::INT, static_cast<int64_t>(0));
  s.Input(0, "x", "", "T1")
      .Input(1, "x_scale", "", "T2")
      .Input(2, "x_zero_point", "", "T1", OpSchema::Optional)
      .Output(0, "y", "", since >= 23 ? "T3" : "T2")
      .TypeConstraint("T1", AllTensorTypes(), "")
      .TypeConstraint("T2", FloatTypes(), "");
  if (since >= 23) s.TypeConstraint("T3", FloatTypes(), "");
  s.TypeAndShapeInferenceFunction(DequantizeInference);
  return s;
}

OpSchema QuantizeSchema(int since) {
  OpSchema s = Onnx("QuantizeLinear", since);
  s.Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(1))
      .Attr("saturate", "", AttributeProto::INT, static_cast<int64_t>(1));
  if (since >= 21) {
    s.Attr("block_size", "", AttributeProto::INT, static_cast<int64_t>(0))
        .Attr("output_dtype", "", AttributeProto::INT, static_cast<int64_t>(0));
  }
  if (since >= 23) s.Attr("precision", "", AttributeProto::INT, static_cast<int64_t>(0));
  // 19/21: y_scale shares x's type T1; 23: its own T2.
  s.Input(0, "x", "", "T1")
      .Input(1, "y_scale", "", since >= 23 ? "T2" : "T1")
      .Input(2, "y_zero_point", "", since >= 23 ? "T3" : "T2", OpSchema::Optional)
      .Output(0, "y", "", since >= 23 ? "T3" : "T2")
      .TypeConstraint("T1", FloatTypes(), "")
      .TypeConstraint("T2", since >= 23 ? FloatTypes() : AllTensorTypes(), "");
  if (since >= 23) s.TypeConstraint("T3", AllTensorTypes(), "");
  s.TypeAndShapeInferenceFunction(QuantizeInference);
  return s;
}

OpSchema PoolSchema(const char* name, int since) {
  OpSchema s = Onnx(name, since);
  s.Attr("auto_pad", "", AttributeProto::STRING, std::string("NOTSET"))
      .Attr("ceil_mode", "", AttributeProto::INT, static_cast<int64_t>(0))
      .Attr("dilations", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
      .Attr("kernel_shape", "", AttributeProto::INTS)
      .Attr("pads", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
      .Attr("strides", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE);
  if (std::string(name) == "AveragePool")
    s.Attr("count_include_pad", "", AttributeProto::INT, static_cast<int64_t>(0));
  else
    s.Attr("p", "", AttributeProto::INT, static_cast<int64_t>(2));
  s.Input(0, "X", "", "T")
      .Output(0, "Y", "", "T")
      .TypeConstraint("T", FloatTypes(), "")
      .TypeAndShapeInferenceFunction(PoolWithDilationsInference);
  return s;
}

}  // namespace

std::vector<OpSchema> OnnxNewOpsetRules() {
  std::vector<OpSchema> r;
  // Reduce*-18 (Operators.md "ReduceMean-18" etc.); ReduceMax/ReduceMin-20 only add bool.
  for (const char* op : kReduceOps) {
    r.push_back(Onnx(op, 18)
                    .Attr("keepdims", "", AttributeProto::INT, static_cast<int64_t>(1))
                    .Attr("noop_with_empty_axes", "", AttributeProto::INT, static_cast<int64_t>(0))
                    .Input(0, "data", "", "T")
                    .Input(1, "axes", "", "tensor(int64)", OpSchema::Optional)
                    .Output(0, "reduced", "", "T")
                    .TypeConstraint("T", AllTensorTypes(), "")
                    .TypeAndShapeInferenceFunction(ReduceInference));
  }
  // Split-18: num_outputs attribute.
  r.push_back(Onnx("Split", 18)
                  .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("num_outputs", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "split", "", "tensor(int64)", OpSchema::Optional)
                  .Output(0, "outputs", "", "T", OpSchema::Variadic)
                  .TypeConstraint("T", AllTensorTypes(), "")
                  .TypeAndShapeInferenceFunction(SplitInference));
  // Pad-18: axes input (19 adds mode "wrap", 21/23/24 only types).
  r.push_back(Onnx("Pad", 18)
                  .Attr("mode", "", AttributeProto::STRING, std::string("constant"))
                  .Input(0, "data", "", "T")
                  .Input(1, "pads", "", "tensor(int64)")
                  .Input(2, "constant_value", "", "T", OpSchema::Optional)
                  .Input(3, "axes", "", "Tind", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", AllTensorTypes(), "")
                  .TypeConstraint("Tind", {"tensor(int32)", "tensor(int64)"}, "")
                  .TypeAndShapeInferenceFunction(PadInference));
  // Resize-18: antialias, axes, keep_aspect_ratio_policy (19 adds a coordinate mode only).
  r.push_back(Onnx("Resize", 18)
                  .Attr("antialias", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("axes", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("coordinate_transformation_mode", "", AttributeProto::STRING, std::string("half_pixel"))
                  .Attr("cubic_coeff_a", "", AttributeProto::FLOAT, -0.75f)
                  .Attr("exclude_outside", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("extrapolation_value", "", AttributeProto::FLOAT, 0.0f)
                  .Attr("keep_aspect_ratio_policy", "", AttributeProto::STRING, std::string("stretch"))
                  .Attr("mode", "", AttributeProto::STRING, std::string("nearest"))
                  .Attr("nearest_mode", "", AttributeProto::STRING, std::string("round_prefer_floor"))
                  .Input(0, "X", "", "T1")
                  .Input(1, "roi", "", "T2", OpSchema::Optional)
                  .Input(2, "scales", "", "tensor(float)", OpSchema::Optional)
                  .Input(3, "sizes", "", "tensor(int64)", OpSchema::Optional)
                  .Output(0, "Y", "", "T1")
                  .TypeConstraint("T1", AllTensorTypes(), "")
                  .TypeConstraint("T2", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction(ResizeInference));
  // GroupNormalization-18 (scale/bias per group) and -21 (per channel, stash_type): Y is X's shape.
  for (int since : {18, 21}) {
    OpSchema s = Onnx("GroupNormalization", since);
    s.Attr("epsilon", "", AttributeProto::FLOAT, 1e-5f).Attr("num_groups", "", AttributeProto::INT);
    if (since >= 21) s.Attr("stash_type", "", AttributeProto::INT, static_cast<int64_t>(1));
    s.Input(0, "X", "", "T")
        .Input(1, "scale", "", "T")
        .Input(2, "bias", "", "T")
        .Output(0, "Y", "", "T")
        .TypeConstraint("T", FloatTypes(), "")
        .TypeAndShapeInferenceFunction(SameAsFirstInput);
    r.push_back(std::move(s));
  }
  // Attention-23, Attention-24 (adds nonpad_kv_seqlen).
  r.push_back(AttentionSchema(23));
  r.push_back(AttentionSchema(24));
  // RMSNormalization-23: Y is X's shape with scale's type.
  r.push_back(Onnx("RMSNormalization", 23)
                  .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(-1))
                  .Attr("epsilon", "", AttributeProto::FLOAT, 1e-5f)
                  .Attr("stash_type", "", AttributeProto::INT, static_cast<int64_t>(1))
                  .Input(0, "X", "", "T")
                  .Input(1, "scale", "", "V")
                  .Output(0, "Y", "", "V")
                  .TypeConstraint("T", FloatTypes(), "")
                  .TypeConstraint("V", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) {
                    PropagateType(ctx, 1, 0);
                    if (const Shape* x = InputShape(ctx, 0)) SetOutputShape(ctx, 0, *x);
                  }));
  // RotaryEmbedding-23: Y is X's shape.
  r.push_back(Onnx("RotaryEmbedding", 23)
                  .Attr("interleaved", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Attr("num_heads", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Attr("rotary_embedding_dim", "", AttributeProto::INT, static_cast<int64_t>(0))
                  .Input(0, "X", "", "T")
                  .Input(1, "cos_cache", "", "T")
                  .Input(2, "sin_cache", "", "T")
                  .Input(3, "position_ids", "", "M", OpSchema::Optional)
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"}, "")
                  .TypeConstraint("M", {"tensor(int64)"}, "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  // CenterCropPad-18.
  r.push_back(Onnx("CenterCropPad", 18)
                  .Attr("axes", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Input(0, "input_data", "", "T")
                  .Input(1, "shape", "", "Tind")
                  .Output(0, "output_data", "", "T")
                  .TypeConstraint("T", AllTensorTypes(), "")
                  .TypeConstraint("Tind", {"tensor(int32)", "tensor(int64)"}, "")
                  .TypeAndShapeInferenceFunction(CenterCropPadInference));
  // Col2Im-18.
  r.push_back(Onnx("Col2Im", 18)
                  .Attr("dilations", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("pads", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Attr("strides", "", AttributeProto::INTS, onnx::OPTIONAL_VALUE)
                  .Input(0, "input", "", "T")
                  .Input(1, "image_shape", "", "tensor(int64)")
                  .Input(2, "block_shape", "", "tensor(int64)")
                  .Output(0, "output", "", "T")
                  .TypeConstraint("T", AllTensorTypes(), "")
                  .TypeAndShapeInferenceFunction(Col2ImInference));
  // AveragePool-19 (dilations), LpPool-18 (dilations, ceil_mode).
  r.push_back(PoolSchema("AveragePool", 19));
  r.push_back(PoolSchema("LpPool", 18));
  // DequantizeLinear-19 (float16/bfloat16 scales), -21 (block_size), -23 (output_dtype).
  for (int since : {19, 21, 23}) r.push_back(DequantizeSchema(since));
  // QuantizeLinear-19 (saturate), -21 (block_size, output_dtype), -23 (precision, own scale type).
  for (int since : {19, 21, 23}) r.push_back(QuantizeSchema(since));
  // New elementwise ops: Mish-18, Gelu-20, Swish-24; BitwiseNot/And/Or/Xor-18.
  r.push_back(Onnx("Mish", 18)
                  .Input(0, "X", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  r.push_back(Onnx("Gelu", 20)
                  .Attr("approximate", "", AttributeProto::STRING, std::string("none"))
                  .Input(0, "X", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  r.push_back(Onnx("Swish", 24)
                  .Attr("alpha", "", AttributeProto::FLOAT, 1.0f)
                  .Input(0, "X", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  r.push_back(Onnx("BitwiseNot", 18)
                  .Input(0, "X", "", "T")
                  .Output(0, "Y", "", "T")
                  .TypeConstraint("T", AllTensorTypes(), "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  for (const char* op : {"BitwiseAnd", "BitwiseOr", "BitwiseXor"}) {
    r.push_back(Onnx(op, 18)
                    .Input(0, "A", "", "T")
                    .Input(1, "B", "", "T")
                    .Output(0, "C", "", "T")
                    .TypeConstraint("T", AllTensorTypes(), "")
                    .TypeAndShapeInferenceFunction(BroadcastInference));
  }
  // TensorScatter-24: present_cache is past_cache's shape.
  r.push_back(Onnx("TensorScatter", 24)
                  .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(-2))
                  .Attr("mode", "", AttributeProto::STRING, std::string("linear"))
                  .Input(0, "past_cache", "", "T")
                  .Input(1, "update", "", "T")
                  .Input(2, "write_indices", "", "tensor(int64)", OpSchema::Optional)
                  .Output(0, "present_cache", "", "T")
                  .TypeConstraint("T", AllTensorTypes(), "")
                  .TypeAndShapeInferenceFunction(SameAsFirstInput));
  return r;
}

}  // namespace wsest::ops
