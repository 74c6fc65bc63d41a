// MatMulNBits estimator (estimators/matmul_nbits.cc): one case per path of ORT 1.29.0 matmul_nbits.cc
// MatMulNBits<T>::ComputeInternal (fpA_intB CUTLASS / GEMV, fused GEMV, dequantize + cuBLAS full or chunked) and
// per dtype, bytes worked by hand from the cited formulas.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "tests/node_builders.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::Dims;
using testing::ExpectOk;
using testing::Tensor;

// MatMulNBits with A [m, K] (or `a_dims`), B/scales present, and the given attributes.
NodeView NBits(DataType dtype, std::vector<Dim> a_dims, int64_t n, int64_t k, int64_t bits = 4,
               int64_t block_size = 32) {
  NodeView node;
  node.name = "qproj";
  node.op_type = "MatMulNBits";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.inputs.push_back(Tensor("a", dtype, std::move(a_dims)));
  node.inputs.push_back(Tensor("b", DataType::kUint8, {}));
  node.inputs.push_back(Tensor("scales", dtype, {}));
  node.outputs.push_back(Tensor("y", dtype, {}));
  node.attributes["N"] = n;
  node.attributes["K"] = k;
  node.attributes["bits"] = bits;
  node.attributes["block_size"] = block_size;
  return node;
}

Target WithFpAIntB() {
  Target t = DefaultTarget();  // h100-sxm: sm 90, 132 SMs
  EXPECT_TRUE(t.ep.SetEnv("ORT_FPA_INTB_GEMM", "1").ok());
  return t;
}

// --- dequantize + cuBLAS --------------------------------------------------------------------------

TEST(MatMulNBitsDequant, Float16LargeMDequantizesFullN) {
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({/*M=*/32, 4096}), /*N=*/4096, /*K=*/4096), DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].name, "b_data");
  EXPECT_EQ(e.workspace_bytes(), 33554432u);  // N * K_padded * 2 = 4096 * 4096 * 2
}

TEST(MatMulNBitsDequant, FloatDequantizesToFp32) {
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat, Dims({2, 16, 4096}), /*N=*/4096, /*K=*/4096), DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas");  // M = 2 * 16 = 32 > 16
  EXPECT_EQ(e.workspace_bytes(), 67108864u);  // 4096 * 4096 * 4
}

TEST(MatMulNBitsDequant, KIsPaddedToTheBlock) {
  // K = 100, block 32: K_padded = ceil(100 / 32) * 32 = 128; K % 8 != 0 also rejects the fused GEMV.
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({1, 100}), /*N=*/64, /*K=*/100), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 16384u);  // 64 * 128 * 2
}

TEST(MatMulNBitsDequant, LargeNIsChunked) {
  // 131072 * 4096 * 2 = 1 GiB > 256 MiB and N > 2 * 32768: one chunk of 32768 rows.
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({64, 4096}), /*N=*/131072, /*K=*/4096), DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas_chunked");
  EXPECT_EQ(e.workspace_bytes(), 268435456u);  // 32768 * 4096 * 2
}

TEST(MatMulNBitsDequant, ForcedChunkUsesTheChunkRowsEvenAboveN) {
  Target t = DefaultTarget();
  ASSERT_TRUE(t.ep.SetEnv("ORT_MATMULNBITS_FORCE_CHUNKED", "1").ok());
  ASSERT_TRUE(t.ep.SetEnv("ORT_MATMULNBITS_CHUNK_SIZE", "1024").ok());
  Estimate e = ExpectOk(
      estimators::EstimateMatMulNBits(NBits(DataType::kFloat16, Dims({64, 256}), /*N=*/512, /*K=*/256), t));
  EXPECT_EQ(e.variant, "dequant_cublas_chunked");
  EXPECT_EQ(e.workspace_bytes(), 524288u);  // scratch_n = chunk = 1024 rows: 1024 * 256 * 2
}

TEST(MatMulNBitsDequant, GroupIndexSkipsTheGemvAtSmallM) {
  NodeView node = NBits(DataType::kFloat16, Dims({1, 4096}), /*N=*/4096, /*K=*/4096);
  node.inputs.push_back(Tensor("", DataType::kUint8, {}));  // zero points omitted
  node.inputs.push_back(Tensor("g_idx", DataType::kInt32, Dims({4096})));
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 33554432u);  // 4096 * 4096 * 2
}

// --- fused GEMV (small M) -----------------------------------------------------------------------

TEST(MatMulNBitsGemv, SmallMIsAnUpperBoundOverGemvAndDequant) {
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({1, 1, 4096}), /*N=*/4096, /*K=*/4096), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 33554432u);  // the dequant fallback: 4096 * 4096 * 2
  bool has_gemv = false;
  for (const Candidate& c : e.candidates) has_gemv |= c.variant == "fused_gemv" && c.bytes == uint64_t{0};
  EXPECT_TRUE(has_gemv);
}

TEST(MatMulNBitsGemv, ForcedGemvHasNoScratch) {
  Target t = DefaultTarget();
  t.forced_variant = "fused_gemv";
  Estimate e = ExpectOk(
      estimators::EstimateMatMulNBits(NBits(DataType::kBfloat16, Dims({1, 4096}), /*N=*/4096, /*K=*/4096), t));
  EXPECT_EQ(e.variant, "fused_gemv");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

// --- fpA_intB (ORT_FPA_INTB_GEMM) ----------------------------------------------------------------

TEST(MatMulNBitsFpAIntB, CutlassWorkspaceUsesTheNonSm90FormulaOnHopper) {
  // Runtime-packed weights run the SM80 layout even on SM90 (EffectiveFpAIntBWorkspaceSm = 80):
  // ceil(32 / 16) * ceil(4096 / 64) * 7 * 4 = 2 * 64 * 28 = 3584.
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({/*M=*/32, 4096}), /*N=*/4096, /*K=*/4096), WithFpAIntB()));
  EXPECT_EQ(e.variant, "fpA_intB_cutlass");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].bytes, 3584u);
  EXPECT_NE(e.buffers[0].source.find("ComputeFpAIntBGemmWorkspaceSize"), std::string::npos);
  EXPECT_NE(e.reason.find("transient"), std::string::npos) << e.reason;  // runtime prepack noted
}

TEST(MatMulNBitsFpAIntB, SmallMIsAnUpperBoundOverTheGemvTactic) {
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({/*M=*/8, 4096}), /*N=*/4096, /*K=*/4096, /*bits=*/8), WithFpAIntB()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 1792u);  // ceil(8 / 16) * 64 * 7 * 4 = 1 * 64 * 28
}

TEST(MatMulNBitsFpAIntB, OptionOffKeepsTheLegacyPath) {
  Target t = DefaultTarget();
  ASSERT_TRUE(t.ep.SetEnv("ORT_FPA_INTB_GEMM", " Off ").ok());
  Estimate e = ExpectOk(
      estimators::EstimateMatMulNBits(NBits(DataType::kFloat16, Dims({32, 4096}), 4096, 4096), t));
  EXPECT_EQ(e.variant, "dequant_cublas");
}

TEST(MatMulNBitsFpAIntB, Bfloat16IsNotInTheCompactSet) {
  // The kernel's compact set (default build) takes fp16 activations only; its docs for the full set list BF16.
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kBfloat16, Dims({32, 4096}), 4096, 4096), WithFpAIntB()));
  EXPECT_EQ(e.variant, "dequant_cublas");
  EXPECT_EQ(e.workspace_bytes(), 33554432u);  // 4096 * 4096 * 2
}

TEST(MatMulNBitsFpAIntB, PrepackedWeightWithUnsupportedBlockIsInvalid) {
  NodeView node = NBits(DataType::kFloat16, Dims({32, 4096}), 4096, 4096, 4, /*block_size=*/64);
  node.attributes["weight_prepacked"] = int64_t{1};
  Result<Estimate> r = estimators::EstimateMatMulNBits(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("block_size is not 32"), std::string::npos) << r.error().message;
}

TEST(MatMulNBitsFpAIntB, WorkspaceFormulaSm90DependsOnSmCount) {
  // (2 * (2 * SMs) + SMs) * 128 * 256 * 4 = 5 * 132 * 131072 = 86507520, whatever m and n.
  EXPECT_EQ(estimators::FpAIntBGemmWorkspaceBytes(512, 512, 90, 132), Bytes(86507520));
  EXPECT_EQ(estimators::FpAIntBGemmWorkspaceBytes(1, 1, 90, 114), Bytes(74711040));  // 5 * 114 * 131072
  // Non-SM90: m = 17, n = 65 gives 2 * 2 * 7 * 4 = 112.
  EXPECT_EQ(estimators::FpAIntBGemmWorkspaceBytes(17, 65, 80, 108), Bytes(112));
}

// --- errors, symbolic, overflow -----------------------------------------------------------------

TEST(MatMulNBitsErrors, SymbolicMIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, {Dim::Symbolic("tokens"), Dim::Known(4096)}, 4096, 4096), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'tokens'"), std::string::npos) << e.reason;
}

TEST(MatMulNBitsErrors, ZeroBlockSizeIsInvalid) {
  Result<Estimate> r = estimators::EstimateMatMulNBits(
      NBits(DataType::kFloat16, Dims({1, 64}), 64, 64, 4, /*block_size=*/0), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "MatMulNBits 'qproj': block_size 0, expected > 0");
}

TEST(MatMulNBitsErrors, KMismatchIsInvalid) {
  Result<Estimate> r =
      estimators::EstimateMatMulNBits(NBits(DataType::kFloat16, Dims({1, 96}), 64, 64), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("input 0 last dim 96, expected K = 64"), std::string::npos);
}

TEST(MatMulNBitsErrors, HugeDequantOverflowsThroughEstimateNode) {
  // N * K_padded * 2 = 2^40 * 2^40 * 2 overflows 64 bits.
  const int64_t big = int64_t{1} << 40;
  Result<Estimate> r = EstimateNode(NBits(DataType::kFloat16, Dims({32, big}), big, big), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("qproj"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("b_data"), std::string::npos) << r.error().message;
}

TEST(MatMulNBitsErrors, EstimateNodeFindsTheRow) {
  Result<Estimate> r = EstimateNode(NBits(DataType::kFloat16, Dims({32, 256}), 128, 256), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->workspace_bytes(), 65536u);  // 128 * 256 * 2
}

}  // namespace
}  // namespace wsest
