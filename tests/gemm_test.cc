// GEMM family estimators (estimators/gemm.cc): one case per kernel path of ORT 1.29.0 matmul.cc
// MatMul<T>::ComputeDefault (one GEMM, strided-batched, pointer arrays), Gemm, GemmFloat8, and the cuBLAS
// per-handle workspace for the model summary. Bytes worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
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

NodeView MatMulNode(std::vector<Dim> a, std::vector<Dim> b, DataType dtype = DataType::kFloat,
                    const std::string& op = "MatMul") {
  NodeView node;
  node.name = "mm1";
  node.op_type = op;
  node.domain = op == "MatMul" ? "" : "com.microsoft";
  node.opset = op == "MatMul" ? 13 : 1;
  node.inputs.push_back(Tensor("a", dtype, std::move(a)));
  node.inputs.push_back(Tensor("b", dtype, std::move(b)));
  node.outputs.push_back(Tensor("y", dtype, {}));
  return node;
}

Target OnDevice(const std::string& id) {
  Target t = DefaultTarget();
  Result<DeviceProfile> d = FindDevice(id);
  EXPECT_TRUE(d.ok());
  if (d.ok()) t.device = d.value();
  return t;
}

// --- MatMul -------------------------------------------------------------------------------------

TEST(GemmMatMul, TwoDimIsOneGemmWithNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateMatMul(MatMulNode(Dims({/*M=*/7, /*K=*/5}), Dims({5, /*N=*/11})),
                                                   DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_gemm");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);  // cuBLAS uses its per-handle workspace, not per node
}

TEST(GemmMatMul, BatchedLeftWithTwoDimRightFlattensToOneGemm) {
  // MatMulComputeHelper's special case: B is 2-D, so A [2, 3, 4, 5] flattens to M = 24.
  Estimate e = ExpectOk(
      estimators::EstimateMatMul(MatMulNode(Dims({2, 3, 4, 5}), Dims({5, 6}), DataType::kFloat16), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_gemm");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmMatMul, EqualBatchesUseStridedBatched) {
  Estimate e = ExpectOk(
      estimators::EstimateMatMul(MatMulNode(Dims({2, 3, 4, 5}), Dims({2, 3, 5, 6})), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_strided_batched");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmMatMul, TwoDimLeftWithBatchedRightTakesPointerArrays) {
  // A [4, 5] x B [3, 5, 6]: not the special case (rank A < rank B), and CanUseStridedBatchedGemm needs rank A >= 3.
  Estimate e =
      ExpectOk(estimators::EstimateMatMul(MatMulNode(Dims({4, 5}), Dims({/*batch=*/3, 5, 6})), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_batched_pointer_arrays");
  ASSERT_EQ(e.buffers.size(), 3u);
  EXPECT_EQ(e.buffers[0].name, "left_arrays");
  EXPECT_EQ(e.buffers[0].bytes, 24u);    // batch * sizeof(T*) = 3 * 8 = 24
  EXPECT_EQ(e.workspace_bytes(), 72u);   // 3 arrays * 24 = 72
  EXPECT_EQ(e.buffers[2].allocator, Allocator::kScratch);
  EXPECT_NE(e.buffers[0].source.find("matmul.cc MatMul<T>::ComputeDefault"), std::string::npos);
}

TEST(GemmMatMul, CrossBroadcastTakesPointerArrays) {
  // A [2, 1, 4, 5] x B [1, 3, 5, 6]: output batch 2 * 3 = 6; the batch products 2 != 3, so not strided.
  Estimate e =
      ExpectOk(estimators::EstimateMatMul(MatMulNode(Dims({2, 1, 4, 5}), Dims({1, 3, 5, 6})), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_batched_pointer_arrays");
  EXPECT_EQ(e.workspace_bytes(), 144u);  // 3 arrays * 6 pointers * 8 = 144
}

TEST(GemmMatMul, VectorRightTakesPointerArraysPerRow) {
  // A [6, 4] x B [4]: B is padded to [1, 4, 1] and A to [6, 1, 4]; one broadcast dim of 6, rank A < 3.
  Estimate e = ExpectOk(estimators::EstimateMatMul(MatMulNode(Dims({6, 4}), Dims({4})), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_batched_pointer_arrays");
  EXPECT_EQ(e.workspace_bytes(), 144u);  // 3 arrays * 6 * 8 = 144
}

TEST(GemmMatMul, EmptyOutputHasNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateMatMul(MatMulNode(Dims({4, 5}), Dims({/*batch=*/0, 5, 6})),
                                                   DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_output");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmMatMul, ZeroKFillsWithNoScratch) {
  Estimate e = ExpectOk(estimators::EstimateMatMul(MatMulNode(Dims({4, 0}), Dims({3, 0, 6})), DefaultTarget()));
  EXPECT_EQ(e.variant, "fill_zero");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmMatMul, SymbolicBatchIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateMatMul(
      MatMulNode({Dim::Symbolic("batch"), Dim::Known(4), Dim::Known(5)}, Dims({5, 6})), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

TEST(GemmMatMul, KMismatchIsInvalid) {
  // Dims 7, 5, 11 make a swapped axis fail (STYLE.md, onnx's shape-inference tests).
  Result<Estimate> r = estimators::EstimateMatMul(MatMulNode(Dims({7, 5}), Dims({11, 7})), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "MatMul 'mm1': K mismatch, input 0 has 5, input 1 has 11");
}

TEST(GemmMatMul, HugeBatchOverflowsThroughEstimateNode) {
  // 8 * batch with batch = 2^61 is 2^64, one past uint64.
  const int64_t batch = int64_t{1} << 61;
  Result<Estimate> r = EstimateNode(MatMulNode(Dims({1, 1}), Dims({batch, 1, 1})), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("mm1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("left_arrays"), std::string::npos) << r.error().message;
}

TEST(GemmMatMul, EstimateNodeFindsTheRow) {
  Result<Estimate> r = EstimateNode(MatMulNode(Dims({4, 5}), Dims({3, 5, 6})), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->workspace_bytes(), 72u);  // 3 arrays * 3 pointers * 8
}

// --- FusedMatMul --------------------------------------------------------------------------------

TEST(GemmFusedMatMul, TransAWithTwoDimRightIsStridedBatched) {
  // transA blocks the flattening special case; A [2, 5, 4] (K=5, M=4) x B [5, 6]: left_k 5 == right_k 5.
  NodeView node = MatMulNode(Dims({2, 5, 4}), Dims({5, 6}), DataType::kFloat, "FusedMatMul");
  node.attributes["transA"] = int64_t{1};
  Estimate e = ExpectOk(estimators::EstimateFusedMatMul(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_strided_batched");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmFusedMatMul, TransBatchBWithUnequalProductsTakesPointerArrays) {
  // transBatchB moves B's leading dim behind the batch: B [5, 2, 6] reads as [2, 5, 6], A [3, 4, 5]
  // broadcast fails on 3 vs 2, so use A [2, 4, 5]: CanUseStridedBatchedGemm sees right_p = 2 * 5 / 5 = 2 and
  // right_k = B[0] = 5: strided. A broadcast A [1, 4, 5] instead gives left_p 1 != 2: pointer arrays of 2.
  NodeView node = MatMulNode(Dims({1, 4, 5}), Dims({5, 2, 6}), DataType::kFloat, "FusedMatMul");
  node.attributes["transBatchB"] = int64_t{1};
  Estimate e = ExpectOk(estimators::EstimateFusedMatMul(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_batched_pointer_arrays");
  EXPECT_EQ(e.workspace_bytes(), 48u);  // 3 arrays * 2 pointers * 8 = 48
}

// --- Gemm, GemmFloat8 -----------------------------------------------------------------------------

TEST(GemmGemm, HasNoScratch) {
  NodeView node = MatMulNode(Dims({7, 5}), Dims({5, 11}), DataType::kFloat16);
  node.op_type = "Gemm";
  node.inputs.push_back(Tensor("c", DataType::kFloat16, Dims({11})));
  Result<Estimate> r = EstimateNode(node, DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exactness, Exactness::kExact);
  EXPECT_EQ(r->workspace_bytes(), 0u);  // gemm.cc: the ones-vector is provider state, not node scratch
  EXPECT_NE(r->reason.find("GetConstOnes"), std::string::npos) << r->reason;
}

TEST(GemmGemmFloat8, FixedCublasLtWorkspaceIsExternal) {
  NodeView node = MatMulNode(Dims({16, 32}), Dims({32, 16}), DataType::kFloat8E4M3FN, "GemmFloat8");
  Result<Estimate> r = EstimateNode(node, DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->buffers.size(), 1u);
  EXPECT_EQ(r->buffers[0].bytes, 33554432u);  // 1 << 25 = 32 MiB, whatever the shapes
  EXPECT_EQ(r->buffers[0].allocator, Allocator::kExternal);
  EXPECT_NE(r->reason.find("cudaMalloc"), std::string::npos) << r->reason;
}

TEST(GemmGemmFloat8, RankThreeIsInvalid) {
  NodeView node = MatMulNode(Dims({2, 16, 32}), Dims({32, 16}), DataType::kFloat8E4M3FN, "GemmFloat8");
  Result<Estimate> r = estimators::EstimateGemmFloat8(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("input 0 rank 3, expected 2"), std::string::npos) << r.error().message;
}

// --- TransposeMatMul (the FusedMatMul kernel class) --------------------------------------------------

TEST(GemmTransposeMatMul, RegistryRowRunsTheFusedMatMulEstimator) {
  // transA on A [2, 5, 4] (K=5, M=4) x B [5, 6]: CanUseStridedBatchedGemm holds, no scratch.
  NodeView strided = MatMulNode(Dims({2, 5, 4}), Dims({5, 6}), DataType::kFloat16, "TransposeMatMul");
  strided.attributes["transA"] = int64_t{1};
  Result<Estimate> r = EstimateNode(strided, DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->variant, "cublas_strided_batched");
  EXPECT_EQ(r->workspace_bytes(), 0u);
  // A [4, 5] x B [3, 5, 6]: rank A < 3, pointer arrays of batch 3.
  r = EstimateNode(MatMulNode(Dims({4, 5}), Dims({3, 5, 6}), DataType::kFloat, "TransposeMatMul"), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->variant, "cublas_batched_pointer_arrays");
  EXPECT_EQ(r->workspace_bytes(), 72u);  // 3 arrays * 3 pointers * 8 = 72
}

// --- MatMulInteger ----------------------------------------------------------------------------------

NodeView MatMulIntegerNode(std::vector<Dim> a, std::vector<Dim> b, DataType dtype = DataType::kInt8) {
  NodeView node = MatMulNode(std::move(a), std::move(b), dtype, "MatMulInteger");
  node.domain = "";
  node.opset = 10;
  node.outputs[0].dtype = DataType::kInt32;
  return node;
}

TensorInfo ZeroPointInput(const std::string& name, std::optional<int64_t> value) {
  TensorInfo t = Tensor(name, DataType::kInt8, Dims({1}));
  t.is_initializer = true;
  if (value) t.int_values = std::vector<int64_t>{*value};
  return t;
}

TEST(GemmMatMulInteger, AlignedDimsWithoutZeroPointsHaveNoScratch) {
  // K = 32 and N = 64 are multiples of 32: GemmInt8 passes A and B as they are.
  Estimate e = ExpectOk(estimators::EstimateMatMulInteger(
      MatMulIntegerNode(Dims({/*M=*/4, /*K=*/32}), Dims({32, /*N=*/64})), DefaultTarget()));
  EXPECT_EQ(e.variant, "cublas_gemm_ex_int8");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_TRUE(e.buffers.empty());
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmMatMulInteger, UnalignedKAndNArePaddedThroughEstimateNode) {
  // M 7, K 5, N 11: a_padded = M * roundoff(K, 32) = 7 * 32 = 224; b_padded = K * roundoff(N, 32) = 5 * 32 = 160.
  Result<Estimate> r = EstimateNode(MatMulIntegerNode(Dims({7, 5}), Dims({5, 11})), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->buffers.size(), 2u);
  EXPECT_EQ(r->buffers[0].name, "a_padded");
  EXPECT_EQ(r->buffers[0].bytes, 224u);
  EXPECT_EQ(r->buffers[1].name, "b_padded");
  EXPECT_EQ(r->buffers[1].bytes, 160u);
  EXPECT_EQ(r->workspace_bytes(), 384u);  // 224 + 160
  EXPECT_NE(r->buffers[0].source.find("integer_gemm.cc GemmInt8"), std::string::npos) << r->buffers[0].source;
}

TEST(GemmMatMulInteger, KnownZeroPointsPickTheOffsetBuffers) {
  // A [2, 3, 4, 32] x B [2, 3, 32, 64]: batch 6, M 4, N 64, K 32 (no padding); Y.Size() = 6 * 4 * 64 = 1536.
  // a_zero_point 3 (a_offset != 0): b_col_buf = Y.Size() / M = 384 int32 = 1536 B.
  // b_zero_point 0 (b_offset == 0): no a_row_buf.
  NodeView node = MatMulIntegerNode(Dims({2, 3, 4, 32}), Dims({2, 3, 32, 64}));
  node.inputs.push_back(ZeroPointInput("a_zp", 3));
  node.inputs.push_back(ZeroPointInput("b_zp", 0));
  Estimate e = ExpectOk(estimators::EstimateMatMulInteger(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 1u);
  EXPECT_EQ(e.buffers[0].name, "b_col_buf");
  EXPECT_EQ(e.buffers[0].bytes, 1536u);
  EXPECT_EQ(e.buffers[0].allocator, Allocator::kScratch);
}

TEST(GemmMatMulInteger, ZeroPointsOfUnknownValueAreAnUpperBound) {
  // A [2, 4, 32] x B [32, 64] flattens to one GEMM with M = 8: Y.Size() = 8 * 64 = 512.
  // a_row_buf = 512 / N = 8 int32 = 32 B; b_col_buf = 512 / M = 64 int32 = 256 B; total 288.
  NodeView node = MatMulIntegerNode(Dims({2, 4, 32}), Dims({32, 64}));
  node.inputs.push_back(ZeroPointInput("a_zp", std::nullopt));
  node.inputs.push_back(ZeroPointInput("b_zp", std::nullopt));
  Estimate e = ExpectOk(estimators::EstimateMatMulInteger(node, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[0].name, "a_row_buf");
  EXPECT_EQ(e.buffers[0].bytes, 32u);
  EXPECT_EQ(e.buffers[1].name, "b_col_buf");
  EXPECT_EQ(e.buffers[1].bytes, 256u);
  EXPECT_EQ(e.workspace_bytes(), 288u);
}

TEST(GemmMatMulInteger, EmptyOutputHasNoScratch) {
  NodeView node = MatMulIntegerNode(Dims({0, 5}), Dims({5, 11}));
  node.inputs.push_back(ZeroPointInput("a_zp", std::nullopt));
  Estimate e = ExpectOk(estimators::EstimateMatMulInteger(node, DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_output");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(GemmMatMulInteger, Uint8IsNotRegistered) {
  Estimate e = ExpectOk(estimators::EstimateMatMulInteger(
      MatMulIntegerNode(Dims({7, 5}), Dims({5, 11}), DataType::kUint8), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("uint8"), std::string::npos) << e.reason;
}

TEST(GemmMatMulInteger, SymbolicMIsUnknown) {
  Estimate e = ExpectOk(estimators::EstimateMatMulInteger(
      MatMulIntegerNode({Dim::Symbolic("tokens"), Dim::Known(5)}, Dims({5, 11})), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'tokens'"), std::string::npos) << e.reason;
}

// --- MatMulBnb4 -------------------------------------------------------------------------------------

NodeView Bnb4Node(std::vector<Dim> a, DataType dtype, int64_t k, int64_t n, int64_t block_size) {
  NodeView node;
  node.name = "bnb1";
  node.op_type = "MatMulBnb4";
  node.domain = "com.microsoft";
  node.opset = 1;
  node.inputs.push_back(Tensor("a", dtype, std::move(a)));
  node.inputs.push_back(Tensor("b_quant", DataType::kUint8, Dims({n * k / 2})));
  node.inputs.push_back(Tensor("absmax", dtype, Dims({n * k / block_size})));
  node.outputs.push_back(Tensor("y", dtype, {}));
  node.attributes["K"] = k;
  node.attributes["N"] = n;
  node.attributes["block_size"] = block_size;
  node.attributes["quant_type"] = int64_t{1};
  return node;
}

TEST(GemmMatMulBnb4, OneRowTakesTheGemvWithOnlyTheQuantMap) {
  // M 1, K 64 % block_size 64 == 0, block_size a multiple of 32: TryMatMulBnb4 runs the 4-bit GEMV.
  // quant_map_buffer = 16 * sizeof(half) = 32.
  Result<Estimate> r = EstimateNode(Bnb4Node(Dims({1, 64}), DataType::kFloat16, 64, 128, 64), DefaultTarget());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->variant, "gemv_4bit");
  EXPECT_EQ(r->exactness, Exactness::kExact);
  ASSERT_EQ(r->buffers.size(), 1u);
  EXPECT_EQ(r->buffers[0].name, "quant_map_buffer");
  EXPECT_EQ(r->workspace_bytes(), 32u);
}

TEST(GemmMatMulBnb4, ManyRowsDequantizeBForCublasFloat) {
  // M 8 > 1: dequant path. float: quant_map 16 * 4 = 64; b_dequant N * K * 4 = 128 * 64 * 4 = 32768; total 32832.
  Estimate e =
      ExpectOk(estimators::EstimateMatMulBnb4(Bnb4Node(Dims({8, 64}), DataType::kFloat, 64, 128, 64), DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas");
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[1].name, "b_dequant");
  EXPECT_EQ(e.buffers[1].bytes, 32768u);
  EXPECT_EQ(e.workspace_bytes(), 32832u);
  ASSERT_FALSE(e.candidates.empty());
  EXPECT_NE(e.candidates[0].rejected_because.find("M 8 > 1"), std::string::npos) << e.candidates[0].rejected_because;
}

TEST(GemmMatMulBnb4, ManyRowsDequantizeBForCublasHalfAndBfloat16) {
  // [2, 3, 64] flattens to M 6. 2-byte T: quant_map 16 * 2 = 32; b_dequant 128 * 64 * 2 = 16384; total 16416.
  for (DataType t : {DataType::kFloat16, DataType::kBfloat16}) {
    Estimate e = ExpectOk(estimators::EstimateMatMulBnb4(Bnb4Node(Dims({2, 3, 64}), t, 64, 128, 64), DefaultTarget()));
    EXPECT_EQ(e.variant, "dequant_cublas") << DataTypeName(t);
    EXPECT_EQ(e.workspace_bytes(), 16416u) << DataTypeName(t);
  }
}

TEST(GemmMatMulBnb4, TrainingModeAndOddBlockSizeSkipTheGemv) {
  // training_mode = 1 skips TryMatMulBnb4 even for one row: 32 + 128 * 64 * 2 = 16416.
  NodeView training = Bnb4Node(Dims({1, 64}), DataType::kFloat16, 64, 128, 64);
  training.attributes["training_mode"] = int64_t{1};
  Estimate e = ExpectOk(estimators::EstimateMatMulBnb4(training, DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas");
  EXPECT_EQ(e.workspace_bytes(), 16416u);
  // block_size 16 is not a multiple of 32 (CheckDims): also dequant.
  e = ExpectOk(
      estimators::EstimateMatMulBnb4(Bnb4Node(Dims({1, 64}), DataType::kFloat16, 64, 128, 16), DefaultTarget()));
  EXPECT_EQ(e.variant, "dequant_cublas");
  EXPECT_EQ(e.workspace_bytes(), 16416u);
  EXPECT_NE(e.candidates[0].rejected_because.find("block_size 16"), std::string::npos)
      << e.candidates[0].rejected_because;
}

TEST(GemmMatMulBnb4, TransBZeroContractsOverN) {
  // transB = 0: B's shape {N, K} is read untransposed, so A's last dim must be N = 128 and Y is [2, K = 64].
  // M 2 > 1: 16 * 4 + 128 * 64 * 4 = 64 + 32768 = 32832.
  NodeView node = Bnb4Node(Dims({2, 128}), DataType::kFloat, 64, 128, 64);
  node.attributes["transB"] = int64_t{0};
  Estimate e = ExpectOk(estimators::EstimateMatMulBnb4(node, DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 32832u);
}

TEST(GemmMatMulBnb4, EmptyOutputStillTakesTheQuantMap) {
  // The quant map is allocated before the empty-output return: 16 * 2 = 32.
  Estimate e = ExpectOk(
      estimators::EstimateMatMulBnb4(Bnb4Node(Dims({0, 64}), DataType::kFloat16, 64, 128, 64), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty_output");
  EXPECT_EQ(e.workspace_bytes(), 32u);
}

TEST(GemmMatMulBnb4, KMismatchIsInvalid) {
  Result<Estimate> r =
      estimators::EstimateMatMulBnb4(Bnb4Node(Dims({1, 32}), DataType::kFloat16, 64, 128, 64), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("input 0 last dim 32, expected K = 64"), std::string::npos) << r.error().message;
}

TEST(GemmMatMulBnb4, SymbolicRowsAreUnknownAndDoubleIsNotRegistered) {
  Estimate e = ExpectOk(estimators::EstimateMatMulBnb4(
      Bnb4Node({Dim::Symbolic("batch"), Dim::Known(64)}, DataType::kFloat16, 64, 128, 64), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
  e = ExpectOk(
      estimators::EstimateMatMulBnb4(Bnb4Node(Dims({1, 64}), DataType::kDouble, 64, 128, 64), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
}

TEST(GemmMatMulBnb4, HugeWeightOverflowsThroughEstimateNode) {
  // b_dequant = N * K * 4 with N = K = 2^31: 2^64, one past uint64.
  const int64_t big = int64_t{1} << 31;
  NodeView node = Bnb4Node(Dims({2, big}), DataType::kFloat, big, big, 64);
  Result<Estimate> r = EstimateNode(node, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("b_dequant"), std::string::npos) << r.error().message;
}

// --- cuBLAS per-handle workspace (model summary) -------------------------------------------------

TEST(GemmCublasWorkspace, HopperIs32MiBOthers4MiB) {
  EXPECT_EQ(estimators::CublasHandleWorkspaceBytes(OnDevice("h100-sxm").device), 33554432u);  // 32 MiB
  EXPECT_EQ(estimators::CublasHandleWorkspaceBytes(OnDevice("a100-80gb").device), 4194304u);  // 4 MiB
  EXPECT_EQ(estimators::CublasHandleWorkspaceBytes(OnDevice("t4").device), 4194304u);
}

}  // namespace
}  // namespace wsest
