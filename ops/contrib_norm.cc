// Normalization contrib ops as ORT 1.29.0 declares them. B batch, S sequence, D hidden.
#include <onnx/defs/schema.h>

#include <string>
#include <vector>

#include "ops/common.h"

namespace wsest::ops {
namespace {

namespace onnx = ONNX_NAMESPACE;
using onnx::AttributeProto;
using onnx::OpSchema;

constexpr float kDefaultSkipLayerNormEpsilon = 1e-12f;   // ORT contrib_defs.h
constexpr float kDefaultEmbedLayerNormEpsilon = 1e-12f;  // ORT contrib_defs.h

// Saved statistics keep the dims before `axis` and are 1 from `axis` on: the shape the CPU and CUDA
// kernels allocate (ORT core/providers/cpu/nn/layer_norm_impl.cc ComputeImpl).
Shape StatsShape(const Shape& x, int64_t axis) {
  Shape s;
  for (int i = 0; i < x.dim_size(); ++i) *s.add_dim() = i < axis ? x.dim(i) : KnownDim(1);
  return s;
}

// SkipLayerNormalization / SkipSimplifiedLayerNormalization: output and input_skip_bias_sum are
// input's shape; mean and inv_std_var (float) are input's with the last dim 1.
// bert_defs.cc + shape_inference_functions.cc SkipLayerNormalizationShapeInference.
void SkipLayerNormInference(Ctx& ctx) {
  PropagateType(ctx, 0, 0);
  SetOutputType(ctx, 1, onnx::TensorProto::FLOAT);
  SetOutputType(ctx, 2, onnx::TensorProto::FLOAT);
  PropagateType(ctx, 0, 3);
  const Shape* x = InputShapeOfRank(ctx, 0, {2, 3}, "input");
  if (x == nullptr) return;
  SetOutputShape(ctx, 0, *x);
  const Shape stats = StatsShape(*x, x->dim_size() - 1);
  SetOutputShape(ctx, 1, stats);
  SetOutputShape(ctx, 2, stats);
  SetOutputShape(ctx, 3, *x);
}

// LayerNormalization / SimplifiedLayerNormalization in ORT's ai.onnx since-1 form: Y is X's shape
// with scale's type; the statistics use stash_type. contrib_defs.cc.
void LayerNormInference(Ctx& ctx, bool simplified) {
  PropagateType(ctx, simplified ? 1 : 0, 0);
  const int64_t stash = onnx::getAttribute(ctx, "stash_type", onnx::TensorProto::FLOAT);
  const size_t stats_outputs = simplified ? 1 : 2;
  for (size_t o = 1; o <= stats_outputs; ++o) SetOutputType(ctx, o, static_cast<int32_t>(stash));
  const Shape* x = InputShape(ctx, 0);
  if (x == nullptr) return;
  SetOutputShape(ctx, 0, *x);
  const int64_t axis = NormalizeAxis(onnx::getAttribute(ctx, "axis", -1), x->dim_size(), "axis");
  for (size_t o = 1; o <= stats_outputs; ++o) SetOutputShape(ctx, o, StatsShape(*x, axis));
}

// EmbedLayerNormalization: input_ids (B,S); word_embedding (V,D). output (B,S,D); mask_index (B);
// embedding_sum (B,S,D). bert_defs.cc + shape_inference_functions.cc.
void EmbedLayerNormInference(Ctx& ctx) {
  PropagateType(ctx, 2, 0);
  PropagateType(ctx, 0, 1);
  PropagateType(ctx, 2, 2);
  const Shape* ids = InputShapeOfRank(ctx, 0, {2}, "input_ids");
  const Shape* word = InputShapeOfRank(ctx, 2, {2}, "word_embedding");
  if (ids == nullptr || word == nullptr) return;
  const Dim& d = word->dim(1);
  for (size_t i : {3, 4}) {
    const Shape* e = InputShapeOfRank(ctx, i, {2}, i == 3 ? "position_embedding" : "segment_embedding");
    if (e != nullptr && Known(e->dim(1)) && Known(d) && e->dim(1).dim_value() != d.dim_value())
      fail_shape_inference("input ", i, " has hidden size ", e->dim(1).dim_value(), ", expected ", d.dim_value(),
                           " (word_embedding's)");
  }
  const Shape out = MakeShape({ids->dim(0), ids->dim(1), d});
  SetOutputShape(ctx, 0, out);
  SetOutputShape(ctx, 1, MakeShape({ids->dim(0)}));
  SetOutputShape(ctx, 2, out);
}

const std::vector<std::string> kFloatHalfBf16 = {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"};

}  // namespace

std::vector<OpSchema> ContribNormRules() {
  std::vector<OpSchema> r;
  // bert_defs.cc SkipLayerNormalization ver1.
  r.push_back(OpSchema()
                  .SetName("SkipLayerNormalization")
                  .SetDomain("com.microsoft")
                  .SinceVersion(1)
                  .Attr("epsilon", "", AttributeProto::FLOAT, kDefaultSkipLayerNormEpsilon)
                  .Input(0, "input", "", "T")
                  .Input(1, "skip", "", "T")
                  .Input(2, "gamma", "", "T")
                  .Input(3, "beta", "", "T", OpSchema::Optional)
                  .Input(4, "bias", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "mean", "", "U", OpSchema::Optional)
                  .Output(2, "inv_std_var", "", "U", OpSchema::Optional)
                  .Output(3, "input_skip_bias_sum", "", "T", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("U", {"tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(SkipLayerNormInference));
  // bert_defs.cc SkipSimplifiedLayerNormalization ver1.
  r.push_back(OpSchema()
                  .SetName("SkipSimplifiedLayerNormalization")
                  .SetDomain("com.microsoft")
                  .SinceVersion(1)
                  .Attr("epsilon", "", AttributeProto::FLOAT, kDefaultSkipLayerNormEpsilon)
                  .Input(0, "input", "", "T")
                  .Input(1, "skip", "", "T")
                  .Input(2, "gamma", "", "T")
                  .Input(3, "bias", "", "T", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "mean", "", "U", OpSchema::Optional)
                  .Output(2, "inv_std_var", "", "U", OpSchema::Optional)
                  .Output(3, "input_skip_bias_sum", "", "T", OpSchema::Optional)
                  .TypeConstraint("T", kFloatHalfBf16, "")
                  .TypeConstraint("U", {"tensor(float)"}, "")
                  .TypeAndShapeInferenceFunction(SkipLayerNormInference));
  // contrib_defs.cc: ORT puts SimplifiedLayerNormalization in the ai.onnx domain, since version 1.
  r.push_back(OpSchema()
                  .SetName("SimplifiedLayerNormalization")
                  .SetDomain("")
                  .SinceVersion(1)
                  .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(-1))
                  .Attr("epsilon", "", AttributeProto::FLOAT, 1e-5f)
                  .Attr("stash_type", "", AttributeProto::INT, static_cast<int64_t>(onnx::TensorProto::FLOAT))
                  .AllowUncheckedAttributes()
                  .Input(0, "X", "", "T")
                  .Input(1, "scale", "", "V")
                  .Output(0, "Y", "", "V")
                  .Output(1, "inv_std_var", "", "U", OpSchema::Optional)
                  .TypeConstraint("T", FloatTypes(), "")
                  .TypeConstraint("U", {"tensor(float)", "tensor(double)"}, "")
                  .TypeConstraint("V", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { LayerNormInference(ctx, true); }));
  // contrib_defs.cc: ORT also declares LayerNormalization in ai.onnx since version 1 (models fused
  // at opsets < 17 use it). It shadows onnx's LayerNormalization-17 here; the shapes are the same.
  r.push_back(OpSchema()
                  .SetName("LayerNormalization")
                  .SetDomain("")
                  .SinceVersion(1)
                  .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(-1))
                  .Attr("epsilon", "", AttributeProto::FLOAT, 1e-5f)
                  .Attr("stash_type", "", AttributeProto::INT, static_cast<int64_t>(onnx::TensorProto::FLOAT))
                  .AllowUncheckedAttributes()
                  .Input(0, "X", "", "T")
                  .Input(1, "Scale", "", "V")
                  .Input(2, "B", "", "V", OpSchema::Optional)
                  .Output(0, "Y", "", "V")
                  .Output(1, "Mean", "", "U", OpSchema::Optional)
                  .Output(2, "InvStdDev", "", "U", OpSchema::Optional)
                  .TypeConstraint("T", FloatTypes(), "")
                  .TypeConstraint("U", {"tensor(float)", "tensor(double)"}, "")
                  .TypeConstraint("V", FloatTypes(), "")
                  .TypeAndShapeInferenceFunction([](Ctx& ctx) { LayerNormInference(ctx, false); }));
  // bert_defs.cc EmbedLayerNormalization ver1.
  r.push_back(OpSchema()
                  .SetName("EmbedLayerNormalization")
                  .SetDomain("com.microsoft")
                  .SinceVersion(1)
                  .Attr("epsilon", "", AttributeProto::FLOAT, kDefaultEmbedLayerNormEpsilon)
                  .Attr("mask_index_type", "", AttributeProto::INT, onnx::OPTIONAL_VALUE)
                  .Input(0, "input_ids", "", "T1")
                  .Input(1, "segment_ids", "", "T1", OpSchema::Optional)
                  .Input(2, "word_embedding", "", "T")
                  .Input(3, "position_embedding", "", "T")
                  .Input(4, "segment_embedding", "", "T", OpSchema::Optional)
                  .Input(5, "gamma", "", "T")
                  .Input(6, "beta", "", "T")
                  .Input(7, "mask", "", "T1", OpSchema::Optional)
                  .Input(8, "position_ids", "", "T1", OpSchema::Optional)
                  .Output(0, "output", "", "T")
                  .Output(1, "mask_index", "", "T1", OpSchema::Optional)
                  .Output(2, "embedding_sum", "", "T", OpSchema::Optional)
                  .TypeConstraint("T1", {"tensor(int32)"}, "")
                  .TypeConstraint("T", {"tensor(float)", "tensor(float16)"}, "")
                  .TypeAndShapeInferenceFunction(EmbedLayerNormInference));
  return r;
}

}  // namespace wsest::ops
