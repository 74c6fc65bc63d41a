// Normalization cases: cuDNN batch and instance normalization, and the fused layer-norm family.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void NormCases(Writer& w) {
  for (int t : {kF16, kF32}) {
    const std::string sfx = t == kF32 ? "_f32" : "_f16";
    w.Add("batchnorm" + sfx, Case("BatchNormalization")
                                 .In("x", t, {8, 64, 56, 56})
                                 .Weight("s", t, {64})
                                 .Weight("b", t, {64})
                                 .Weight("m", t, {64})
                                 .Weight("v", t, {64})
                                 .Out("y", t, {8, 64, 56, 56}));
    w.Add("layernorm" + sfx, Case("LayerNormalization")
                                 .In("x", t, {8, 128, 768})
                                 .Weight("s", t, {768})
                                 .Weight("b", t, {768})
                                 .Out("y", t, {8, 128, 768})
                                 .Int("axis", -1));
  }
  // InstanceNorm: N > 1 keeps fp32 statistics for fp16; N = 1 takes another cuDNN route.
  w.Add("instancenorm_n4_c64_f16", Case("InstanceNormalization")
                                       .In("x", kF16, {4, 64, 56, 56})
                                       .Weight("s", kF16, {64})
                                       .Weight("b", kF16, {64})
                                       .Out("y", kF16, {4, 64, 56, 56}));
  w.Add("instancenorm_n1_c64_f32", Case("InstanceNormalization")
                                       .In("x", kF32, {1, 64, 56, 56})
                                       .Weight("s", kF32, {64})
                                       .Weight("b", kF32, {64})
                                       .Out("y", kF32, {1, 64, 56, 56}));
  w.Add("skiplayernorm_f16", Case("SkipLayerNormalization", "com.microsoft")
                                 .In("x", kF16, {8, 128, 768})
                                 .In("skip", kF16, {8, 128, 768})
                                 .Weight("g", kF16, {768})
                                 .Weight("b", kF16, {768})
                                 .Out("y", kF16, {8, 128, 768}));
  w.Add("simplifiedlayernorm_f16", Case("SimplifiedLayerNormalization")
                                       .In("x", kF16, {8, 128, 768})
                                       .Weight("s", kF16, {768})
                                       .Out("y", kF16, {8, 128, 768})
                                       .Int("axis", -1));
  w.Add("groupnorm_nhwc_f16", Case("GroupNorm", "com.microsoft")
                                  .In("x", kF16, {2, 32, 32, 320})
                                  .Weight("g", kF32, {320})
                                  .Weight("b", kF32, {320})
                                  .Out("y", kF16, {2, 32, 32, 320})
                                  .Float("epsilon", 1e-5f)
                                  .Int("groups", 32)
                                  .Int("activation", 0));
}

}  // namespace wsest::cases
