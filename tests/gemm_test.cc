// GEMM family estimators (estimators/gemm.cc): one case per kernel path of ORT 1.29.0 matmul.cc
// MatMul<T>::ComputeDefault (one GEMM, strided-batched, pointer arrays), Gemm, GemmFloat8, and the cuBLAS
// per-handle workspace for the model summary. Bytes worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "estimators/estimators.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

TensorInfo Tensor(const std::string& name, DataType dtype, std::vector<Dim> dims) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  t.dims = std::move(dims);
  return t;
}

std::vector<Dim> Dims(std::initializer_list<int64_t> values) {
  std::vector<Dim> dims;
  for (int64_t v : values) dims.push_back(Dim::Known(v));
  return dims;
}

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

Estimate ExpectOk(const Result<Estimate>& r) {
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : Estimate{};
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

// --- cuBLAS per-handle workspace (model summary) -------------------------------------------------

TEST(GemmCublasWorkspace, HopperIs32MiBOthers4MiB) {
  EXPECT_EQ(estimators::CublasHandleWorkspaceBytes(OnDevice("h100-sxm").device), 33554432u);  // 32 MiB
  EXPECT_EQ(estimators::CublasHandleWorkspaceBytes(OnDevice("a100-80gb").device), 4194304u);  // 4 MiB
  EXPECT_EQ(estimators::CublasHandleWorkspaceBytes(OnDevice("t4").device), 4194304u);
}

}  // namespace
}  // namespace wsest
