// GEMM family cases: MatMul (one GEMM, strided batches, pointer arrays), Gemm, FusedMatMul,
// MatMulNBits (GEMV and prefill, 4 and 8 bits) and MatMulInteger.
#include "calibrate/cases/case_builder.h"

namespace wsest::cases {

void GemmCases(Writer& w) {
  // MatMulNBits 4-bit, K = N = 4096, block 32 (B [N, K/32, 16], scales [N * K/32]): GEMV (M = 1) and
  // a prefill (M = 128); 8-bit (B [N, K/32, 32]) at M = 16.
  for (int64_t m : {1, 128}) {
    w.Add("matmulnbits_m" + std::to_string(m) + "_k4096_n4096", Case("MatMulNBits", "com.microsoft")
                                                                    .In("a", kF16, {1, m, 4096})
                                                                    .Weight("b", kU8, {4096, 128, 16})
                                                                    .Weight("scales", kF16, {4096 * 128})
                                                                    .Out("y", kF16, {1, m, 4096})
                                                                    .Int("K", 4096)
                                                                    .Int("N", 4096)
                                                                    .Int("bits", 4)
                                                                    .Int("block_size", 32));
  }
  w.Add("matmulnbits_8bit_m16_k4096_n4096", Case("MatMulNBits", "com.microsoft")
                                                .In("a", kF16, {1, 16, 4096})
                                                .Weight("b", kU8, {4096, 128, 32})
                                                .Weight("scales", kF16, {4096 * 128})
                                                .Out("y", kF16, {1, 16, 4096})
                                                .Int("K", 4096)
                                                .Int("N", 4096)
                                                .Int("bits", 8)
                                                .Int("block_size", 32));

  // MatMul: one GEMM, strided batches, and a broadcast batch that needs pointer arrays.
  w.Add("matmul_2d_f16",
        Case("MatMul").In("a", kF16, {256, 1024}).Weight("b", kF16, {1024, 1024}).Out("y", kF16, {256, 1024}));
  w.Add("matmul_strided_f32",
        Case("MatMul").In("a", kF32, {8, 128, 64}).In("b", kF32, {8, 64, 128}).Out("y", kF32, {8, 128, 128}));
  w.Add("matmul_bcast_f16",
        Case("MatMul").In("a", kF16, {4, 1, 128, 64}).In("b", kF16, {1, 8, 64, 128}).Out("y", kF16, {4, 8, 128, 128}));
  w.Add("fusedmatmul_transa_f32", Case("FusedMatMul", "com.microsoft")
                                      .In("a", kF32, {2, 64, 256})
                                      .In("b", kF32, {2, 64, 128})
                                      .Out("y", kF32, {2, 256, 128})
                                      .Int("transA", 1)
                                      .Float("alpha", 0.5f));
  w.Add("gemm_f32", Case("Gemm")
                        .In("a", kF32, {256, 1024})
                        .Weight("b", kF32, {1024, 1024})
                        .Weight("c", kF32, {1024})
                        .Out("y", kF32, {256, 1024}));
  w.Add("gemm_transb_f16", Case("Gemm")
                               .In("a", kF16, {64, 512})
                               .Weight("b", kF16, {256, 512})
                               .Weight("c", kF16, {256})
                               .Out("y", kF16, {64, 256})
                               .Int("transB", 1));
  w.Add("matmulinteger_i8",
        Case("MatMulInteger", "", 17).In("a", kI8, {64, 256}).Weight("b", kI8, {256, 128}).Out("y", kI32, {64, 128}));
}

}  // namespace wsest::cases
