// CUB-backed cases: TopK (bitonic, radix select, CUB sort), NonZero and Compress (device scans), and
// NonMaxSuppression. CUB is compiled into the provider, so on the shadow device its host code sizes
// its temp storage for real. Counts computed on the device are left symbolic in the model: no kernel
// runs there, so they read back as 0, and the temp storage is sized by the inputs all the same.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void CubCases(Writer& w) {
  w.Add("topk_dim8192_k5000", Case("TopK")
                                  .In("x", kF32, {1, 8192})
                                  .Weight("k", kI64, {1}, {5000})
                                  .Out("values", kF32, {1, 5000})
                                  .Out("indices", kI64, {1, 5000}));
  w.Add("topk_dim32000_k50", Case("TopK")
                                 .In("x", kF32, {8, 32000})
                                 .Weight("k", kI64, {1}, {50})
                                 .Out("values", kF32, {8, 50})
                                 .Out("indices", kI64, {8, 50}));
  w.Add("topk_dim1000_k5_f16", Case("TopK")
                                   .In("x", kF16, {64, 1000})
                                   .Weight("k", kI64, {1}, {5})
                                   .Out("values", kF16, {64, 5})
                                   .Out("indices", kI64, {64, 5}));
  w.Add("nonzero_1m", Case("NonZero").In("x", kBool, {1024, 1024}, 1).Out("y", kI64, {2, -1}));
  w.Add("compress_axis0_f32",
        Case("Compress").In("x", kF32, {1024, 64}).In("c", kBool, {1024}, 1).Out("y", kF32, {-1, 64}).Int("axis", 0));
  w.Add("nms_1000_boxes", Case("NonMaxSuppression")
                              .In("boxes", kF32, {1, 1000, 4})
                              .In("scores", kF32, {1, 80, 1000})
                              .Weight("max", kI64, {1}, {100})
                              .Weight("iou", kF32, {1}, {0})
                              .Weight("score", kF32, {1}, {0})
                              .Out("selected", kI64, {-1, 3}));
}

}  // namespace wsest::cases
