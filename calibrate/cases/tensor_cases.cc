// Tensor-manipulation cases: Concat and Split (by-value vs pointer-array metadata), the gather and
// scatter kernels, layout ops, Softmax over an inner and the last axis, Resize modes, and Einsum plans.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void TensorCases(Writer& w) {
  // Concat of 40 inputs of different sizes (pointer and size arrays).
  {
    Case c("Concat");
    int64_t total = 0;
    for (int i = 0; i < 40; ++i) {
      c.In("x" + std::to_string(i), kF32, {16, 8 + i, 64});
      total += 8 + i;
    }
    c.Out("y", kF32, {16, total, 64}).Int("axis", 1);
    w.Add("concat_40_inputs", c);
  }
  w.Add("concat_3_same_f16", Case("Concat")
                                 .In("a", kF16, {8, 128, 64})
                                 .In("b", kF16, {8, 128, 64})
                                 .In("c", kF16, {8, 128, 64})
                                 .Out("y", kF16, {8, 128, 192})
                                 .Int("axis", 2));
  w.Add("split3_f32", Case("Split")
                          .In("x", kF32, {8, 96, 64})
                          .Weight("split", kI64, {3}, {32, 32, 32})
                          .Out("a", kF32, {8, 32, 64})
                          .Out("b", kF32, {8, 32, 64})
                          .Out("c", kF32, {8, 32, 64})
                          .Int("axis", 1));
  {
    Case c("Split");
    std::vector<int64_t> sizes;
    for (int i = 0; i < 12; ++i) sizes.push_back(4 + i);
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    c.In("x", kF16, {16, total, 32}).Weight("split", kI64, {12}, sizes);
    for (int i = 0; i < 12; ++i) c.Out("y" + std::to_string(i), kF16, {16, sizes[static_cast<size_t>(i)], 32});
    c.Int("axis", 1);
    w.Add("split_12_uneven_f16", c);
  }
  w.Add("transpose_0213_f16",
        Case("Transpose").In("x", kF16, {8, 128, 12, 64}).Out("y", kF16, {8, 12, 128, 64}).Ints("perm", {0, 2, 1, 3}));
  w.Add("gather_embedding_f32",
        Case("Gather").Weight("table", kF32, {32000, 768}).In("ids", kI64, {8, 128}).Out("y", kF32, {8, 128, 768}));
  w.Add("gathernd_batch1_f32", Case("GatherND")
                                   .In("x", kF32, {8, 256, 64})
                                   .In("i", kI64, {8, 16, 1})
                                   .Out("y", kF32, {8, 16, 64})
                                   .Int("batch_dims", 1));
  w.Add("scatternd_f32", Case("ScatterND")
                             .In("x", kF32, {1024, 64})
                             .In("i", kI64, {128, 1})
                             .In("u", kF32, {128, 64})
                             .Out("y", kF32, {1024, 64}));
  w.Add("pad_constant_f32", Case("Pad")
                                .In("x", kF32, {4, 64, 56, 56})
                                .Weight("pads", kI64, {8}, {0, 0, 1, 1, 0, 0, 1, 1})
                                .Out("y", kF32, {4, 64, 58, 58}));
  w.Add("tile_f32", Case("Tile").In("x", kF32, {16, 64}).Weight("r", kI64, {2}, {2, 3}).Out("y", kF32, {32, 192}));
  w.Add("expand_f16",
        Case("Expand").In("x", kF16, {1, 768}).Weight("s", kI64, {2}, {64, 768}).Out("y", kF16, {64, 768}));
  w.Add("where_f32", Case("Where")
                         .In("c", kBool, {64, 768})
                         .In("a", kF32, {64, 768})
                         .In("b", kF32, {64, 768})
                         .Out("y", kF32, {64, 768}));
  w.Add("slice_f32", Case("Slice")
                         .In("x", kF32, {64, 1024})
                         .Weight("s", kI64, {1}, {0})
                         .Weight("e", kI64, {1}, {512})
                         .Weight("a", kI64, {1}, {1})
                         .Out("y", kF32, {64, 512}));
  w.Add("cumsum_f32",
        Case("CumSum").In("x", kF32, {64, 1024}).Weight("axis", kI32, {}, {1}).Out("y", kF32, {64, 1024}));
  w.Add("trilu_f32", Case("Trilu").In("x", kF32, {8, 128, 128}).Out("y", kF32, {8, 128, 128}));
  w.Add("onehot_f32", Case("OneHot")
                          .In("i", kI64, {64})
                          .Weight("depth", kI64, {}, {1000})
                          .Weight("values", kF32, {2}, {0, 1})
                          .Out("y", kF32, {64, 1000}));
  w.Add("depthtospace_f32",
        Case("DepthToSpace").In("x", kF32, {4, 64, 16, 16}).Out("y", kF32, {4, 16, 32, 32}).Int("blocksize", 2));
  w.Add(
      "gridsample_f32",
      Case("GridSample").In("x", kF32, {2, 16, 32, 32}).In("g", kF32, {2, 24, 24, 2}).Out("y", kF32, {2, 16, 24, 24}));

  // Softmax-13: the axis is not the innermost dim -> two input-sized temp-space tensors; innermost -> none.
  w.Add("softmax_axis1_f32", Case("Softmax").In("x", kF32, {8, 128, 64}).Out("y", kF32, {8, 128, 64}).Int("axis", 1));
  w.Add("softmax_last_f16", Case("Softmax").In("x", kF16, {8, 128, 64}).Out("y", kF16, {8, 128, 64}).Int("axis", -1));
  w.Add("logsoftmax_axis0_f32", Case("LogSoftmax").In("x", kF32, {16, 1000}).Out("y", kF32, {16, 1000}).Int("axis", 0));

  // Resize: linear, nearest and cubic, by sizes.
  for (const char* mode : {"linear", "nearest", "cubic"}) {
    w.Add(std::string("resize_") + mode + "_x2", Case("Resize")
                                                     .In("x", kF32, {1, 64, 56, 56})
                                                     .Skip()
                                                     .Skip()
                                                     .Weight("sizes", kI64, {4}, {1, 64, 112, 112})
                                                     .Out("y", kF32, {1, 64, 112, 112})
                                                     .Str("mode", mode));
  }

  // Einsum: a batched matmul, attention scores, and a single-operand transpose.
  w.Add("einsum_bij_bjk_f32", Case("Einsum")
                                  .In("a", kF32, {8, 64, 32})
                                  .In("b", kF32, {8, 32, 48})
                                  .Out("y", kF32, {8, 64, 48})
                                  .Str("equation", "bij,bjk->bik"));
  w.Add("einsum_scores_f16", Case("Einsum")
                                 .In("q", kF16, {2, 12, 128, 64})
                                 .In("k", kF16, {2, 12, 128, 64})
                                 .Out("y", kF16, {2, 12, 128, 128})
                                 .Str("equation", "bhqd,bhkd->bhqk"));
  w.Add("einsum_transpose_f32",
        Case("Einsum").In("a", kF32, {256, 128}).Out("y", kF32, {128, 256}).Str("equation", "ij->ji"));
}

}  // namespace wsest::cases
