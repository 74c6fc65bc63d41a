// Reduction cases: the matrix fast paths (no cuDNN), cudnnReduceTensor for each reduce op and dtype
// (its workspace and indices sizes are cuDNN's; ORT's buffers around them the binary's), the integer
// kernels' fp32 copies, and ArgMax/ArgMin over the last and an inner axis.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void ReduceCases(Writer& w) {
  // Matrix paths: rows (leading axes), columns (trailing axes).
  w.Add("reducesum_axis0_rows_f32",
        Case("ReduceSum").In("x", kF32, {1024, 4096}).Weight("axes", kI64, {1}, {0}).Out("y", kF32, {1, 4096}));
  w.Add("reducemean_last_f16",
        Case("ReduceMean").In("x", kF16, {64, 1024, 256}).Out("y", kF16, {64, 1024, 1}).Ints("axes", {2}));
  w.Add("reducesumsquare_last_f32",
        Case("ReduceSumSquare").In("x", kF32, {64, 1024}).Out("y", kF32, {64, 1}).Ints("axes", {1}));
  // cuDNN: an inner axis, every op.
  w.Add("reducesum_axis1_f32",
        Case("ReduceSum").In("x", kF32, {64, 1024, 256}).Weight("axes", kI64, {1}, {1}).Out("y", kF32, {64, 1, 256}));
  for (const char* op : {"ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSumExp",
                         "ReduceSumSquare", "ReduceLogSum", "ReduceMean"}) {
    std::string name = op;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    w.Add(name + "_mid_f32", Case(op).In("x", kF32, {32, 512, 64}).Out("y", kF32, {32, 1, 64}).Ints("axes", {1}));
  }
  w.Add("reducemax_mid_f16",
        Case("ReduceMax").In("x", kF16, {32, 512, 64}).Out("y", kF16, {32, 1, 64}).Ints("axes", {1}));
  w.Add("reducesum_mid_bf16",
        Case("ReduceSum").In("x", kBf16, {32, 512, 64}).Weight("axes", kI64, {1}, {1}).Out("y", kBf16, {32, 1, 64}));
  w.Add("reducemax_mid_i32",
        Case("ReduceMax").In("x", kI32, {32, 512, 64}).Out("y", kI32, {32, 1, 64}).Ints("axes", {1}));
  w.Add("reducesum_mid_keepdims0_f32", Case("ReduceSum")
                                           .In("x", kF32, {32, 512, 64})
                                           .Weight("axes", kI64, {1}, {1})
                                           .Out("y", kF32, {32, 64})
                                           .Int("keepdims", 0));
  // ArgMax/ArgMin: the last axis (ORT's own kernel) and an inner axis (cuDNN with flattened indices).
  w.Add("argmax_f32", Case("ArgMax").In("x", kF32, {64, 32000}).Out("y", kI64, {64, 1}).Int("axis", 1));
  w.Add("argmin_last_keepdims0_f16",
        Case("ArgMin").In("x", kF16, {64, 1000}).Out("y", kI64, {64}).Int("axis", -1).Int("keepdims", 0));
  w.Add("argmax_mid_f32", Case("ArgMax").In("x", kF32, {32, 512, 64}).Out("y", kI64, {32, 1, 64}).Int("axis", 1));
  w.Add("argmax_mid_f16", Case("ArgMax").In("x", kF16, {32, 512, 64}).Out("y", kI64, {32, 1, 64}).Int("axis", 1));
  w.Add("argmax_select_last_f32",
        Case("ArgMax").In("x", kF32, {64, 1000}).Out("y", kI64, {64, 1}).Int("axis", 1).Int("select_last_index", 1));
}

}  // namespace wsest::cases
