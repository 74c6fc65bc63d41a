// Shadow records (calibrate/node_record.h, source "shadow"): their key, the variant the binary ran
// read from the trace and placement (calibrate/observed_variant.h), the stub's library answers
// (calibrate/shadow_queries.h), and how the check reports them. The kernel names are the mangled
// names the ORT 1.29.0 provider registered, as the shadow device logged them.
#include <gtest/gtest.h>

#include <sstream>

#include "calibrate/check.h"
#include "calibrate/node_record.h"
#include "calibrate/observed_variant.h"
#include "calibrate/shadow_queries.h"
#include "tests/test_graph.h"
#include "wsest/registry.h"

namespace wsest::calibrate {
namespace {

TensorInfo T(const std::string& name, DataType dtype, std::vector<int64_t> dims) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  for (int64_t d : dims) t.dims.push_back(Dim::Known(d));
  return t;
}

// MultiHeadAttention fp16, B=2, S=L=128, N=12, H=64: flash on SM 9.0 for wsest with sdpa_kernel=1,
// whose only scratch is softmax_lse, fp32 [B, N, S] = 4 * 2 * 12 * 128 = 12288 B.
NodeView Mha() {
  NodeView n;
  n.name = "node";
  n.op_type = "MultiHeadAttention";
  n.domain = "com.microsoft";
  n.opset = 1;
  n.inputs = {T("q", DataType::kFloat16, {2, 128, 768}), T("k", DataType::kFloat16, {2, 128, 768}),
              T("v", DataType::kFloat16, {2, 128, 768})};
  n.outputs = {T("o", DataType::kFloat16, {2, 128, 768})};
  n.attributes["num_heads"] = int64_t{12};
  return n;
}

NodeRecord ShadowRecord(NodeView node, uint64_t measured, std::vector<std::string> trace) {
  NodeRecord r;
  r.case_name = "c";
  r.key.source = kSourceShadow;
  r.key.device = "h100-sxm";
  r.key.gpu_name = "NVIDIA H100 SXM5 80GB";
  r.key.sm = 90;
  r.key.sm_count = 132;
  r.key.cudnn = 91900;
  r.key.ort = "1.29.0";
  r.key.library_workspace = 1048577;
  r.key.provider_options = {{"sdpa_kernel", "1"}};
  r.node = std::move(node);
  r.scratch_bytes = measured;
  r.scratch_peak_bytes = measured;
  r.trace = std::move(trace);
  r.placement = "CUDAExecutionProvider";
  r.origin = "test:1";
  return r;
}

const char* kFlashKernel =
    "launch "
    "_ZN11onnxruntime5flash16flash_fwd_kernelINS0_23Flash_fwd_kernel_traitsILi64ELi128ELi128ELi4ELb0ELb0EN7cutlass6"
    "half_tENS0_19Flash_kernel_traitsILi64ELi128ELi128ELi4ES4_EEEELb0ELb0ELb0ELb0ELb0ELb0ELb0ELb0EEEvNS0_16Flash_fwd_"
    "paramsE";
const char* kEfficientKernel =
    "launch "
    "_Z29attention_kernel_batched_implI15AttentionKernelIN7cutlass6half_tENS0_4arch5Sm80ELb1ELi64ELi64ELi64ELb1ELb1E"
    "EEvNT_6ParamsE";
const char* kUnfusedSoftmax =
    "launch _ZN11onnxruntime7contrib22attention_softmax_cuda18SoftmaxKernelSmallIfLi128EEEviiPKT_S5_PKiS7_S5_bPS3_";

TEST(ShadowRecord, KeyTraceAndPlacementRoundTrip) {
  const NodeRecord r = ShadowRecord(Mha(), 12288, {kFlashKernel, "cublasGemmEx"});
  auto back = ParseNodeRecord(FormatNodeRecord(r), "f:1");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->key.shadow());
  EXPECT_EQ(back->key.library_workspace, 1048577u);
  EXPECT_EQ(back->trace, r.trace);
  EXPECT_EQ(back->placement, "CUDAExecutionProvider");
  EXPECT_EQ(RecordLabel(back->key), "shadow:h100-sxm@9.19.0");
}

TEST(ShadowRecord, SubgraphsRoundTripSoIfCanBeEstimated) {
  // If with one Relu per branch: wsest estimates its bodies, so the record must carry them.
  NodeView cond_node;
  cond_node.name = "node";
  cond_node.op_type = "If";
  cond_node.opset = 17;
  cond_node.inputs = {T("cond", DataType::kBool, {})};
  cond_node.outputs = {T("y", DataType::kFloat, {64, 768})};
  for (const char* branch : {"then_branch", "else_branch"}) {
    Subgraph g;
    g.attribute = branch;
    NodeView relu;
    relu.name = std::string(branch) + "/relu";
    relu.op_type = "Relu";
    relu.opset = 17;
    relu.inputs = {T("x", DataType::kFloat, {64, 768})};
    relu.outputs = {T("y", DataType::kFloat, {64, 768})};
    g.nodes.push_back(relu);
    g.outputs = {T("y", DataType::kFloat, {64, 768})};
    cond_node.subgraphs.push_back(g);
  }
  auto back = ParseNodeRecord(FormatNodeRecord(ShadowRecord(cond_node, 0, {})), "f:1");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->node.subgraphs.size(), 2u);
  EXPECT_EQ(back->node.subgraphs[1].attribute, "else_branch");
  ASSERT_EQ(back->node.subgraphs[1].nodes.size(), 1u);
  EXPECT_EQ(back->node.subgraphs[1].nodes[0].name, "else_branch/relu");
  Result<Estimate> e = EstimateNode(back->node, DefaultTarget());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->exactness, Exactness::kExact);  // Relu has no scratch: 0 in either branch
  EXPECT_EQ(e->workspace_bytes(), 0u);
}

TEST(ShadowRecord, KeyErrors) {
  std::string line = FormatNodeRecord(ShadowRecord(Mha(), 0, {}));
  std::string no_workspace = line;
  no_workspace.replace(no_workspace.find(",\"library_workspace\":1048577"), 28, "");
  auto r = ParseNodeRecord(no_workspace, "f:2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "f:2: a shadow record's key has no library_workspace");
  std::string other_source = line;
  other_source.replace(other_source.find("\"source\":\"shadow\""), 17, "\"source\":\"guess\"");
  r = ParseNodeRecord(other_source, "f:3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "f:3: key.source 'guess' is neither 'gpu' nor 'shadow'");
}

TEST(ShadowRecord, TargetTakesTheRecordsCudnnVersion) {
  NodeRecord r = ShadowRecord(Mha(), 0, {});
  r.key.cudnn = 90201;
  auto t = TargetForKey(r.key);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->cudnn_version, 90201);
}

TEST(ObservedVariant, AttentionKernelsNameTheirRoute) {
  EXPECT_EQ(ObservedVariant(ShadowRecord(Mha(), 0, {kFlashKernel})), "flash");
  EXPECT_EQ(ObservedVariant(ShadowRecord(Mha(), 0, {"cublasGemmEx", kEfficientKernel})), "memory_efficient");
  EXPECT_EQ(ObservedVariant(ShadowRecord(Mha(), 0, {"cudnnBackendExecute"})), "cudnn_sdpa");
  EXPECT_EQ(ObservedVariant(ShadowRecord(Mha(), 0, {"cublasGemmStridedBatchedEx", kUnfusedSoftmax})), "unfused");
  // No attention kernel in the trace: nothing to say.
  EXPECT_EQ(ObservedVariant(ShadowRecord(Mha(), 0, {"cublasGemmEx"})), std::nullopt);
}

TEST(ObservedVariant, CpuPlacementIsCpuEpForAnyRecord) {
  NodeRecord r = ShadowRecord(Mha(), 0, {});
  r.node.op_type = "GRU";
  r.placement = "CPUExecutionProvider";
  EXPECT_EQ(ObservedVariant(r), "cpu_ep");
  r.key.source = kSourceGpu;
  EXPECT_EQ(ObservedVariant(r), "cpu_ep");
  r.placement = "CUDAExecutionProvider";
  EXPECT_EQ(ObservedVariant(r), std::nullopt);  // a GPU record's trace is not read
}

TEST(ObservedVariant, UpperBoundAllowsAnyFeasibleCandidate) {
  const NodeRecord r = ShadowRecord(Mha(), 0, {});
  Estimate e("flash", Exactness::kUpperBound);
  e.candidates = {{"flash", "", uint64_t{1}}, {"memory_efficient", "", uint64_t{2}}, {"unfused", "mask", std::nullopt}};
  EXPECT_TRUE(EstimateAllows(e, std::string("memory_efficient"), r));
  EXPECT_FALSE(EstimateAllows(e, std::string("unfused"), r));
  Estimate exact("flash", Exactness::kExact);
  exact.candidates = e.candidates;
  EXPECT_FALSE(EstimateAllows(exact, std::string("memory_efficient"), r));
  Estimate cpu("cpu_ep", Exactness::kExact);
  EXPECT_FALSE(EstimateAllows(cpu, std::nullopt, r));  // the record ran it on the CUDA EP
}

TEST(ShadowQueries, AnswerTheStubsNumberAndLeaveCubToHostArithmetic) {
  ShadowQueries q(1048577);
  EXPECT_EQ(q.Kind(), "shadow");
  EXPECT_EQ(q.ConvWorkspace(ConvQuery{})->workspace_bytes, 1048577u);
  auto red = q.ReductionWorkspace(ReductionQuery{});
  EXPECT_EQ(red->workspace_bytes, 1048577u);
  EXPECT_EQ(red->indices_bytes, 1048577u);
  auto rnn = q.RnnTempSpace(RnnQuery{});
  EXPECT_EQ(rnn->workspace_bytes, 1048577u);
  EXPECT_EQ(rnn->reserve_bytes, 0u);
  EXPECT_FALSE(q.CubTempStorage(CubQuery{}).ok());
  EXPECT_EQ(q.SdpaWorkspace(SdpaQuery{})->workspace_bytes, 1048577u);
}

TEST(ShadowCheck, VariantDifferenceFailsUnlessListed) {
  std::vector<KnownMismatch> known;
  // wsest says flash for sdpa_kernel=1 (softmax_lse, 12288 B); a trace of the memory-efficient
  // kernel fails whatever the bytes.
  Comparison c = CompareRecord(ShadowRecord(Mha(), 12288, {kEfficientKernel}),
                               *TargetForKey(ShadowRecord(Mha(), 0, {}).key), known);
  EXPECT_EQ(c.outcome, Outcome::kVariantMismatch);
  EXPECT_EQ(c.message, "the binary ran memory_efficient, the estimate says flash (12288 B)");
  EXPECT_TRUE(IsFailure(c.outcome));
  known.push_back({"shadow:*", "c", "node", "a reason", "k.tsv:1", false});
  c = CompareRecord(ShadowRecord(Mha(), 12288, {kEfficientKernel}), *TargetForKey(ShadowRecord(Mha(), 0, {}).key),
                    known);
  EXPECT_EQ(c.outcome, Outcome::kListedMismatch);
  EXPECT_EQ(c.message, "a reason");
  EXPECT_TRUE(known[0].used);
}

TEST(ShadowCheck, CudnnSdpaTraceMatchesWithTheStubsWorkspace) {
  // mha_b2_s128_f16 by default on h100-sxm with cuDNN 9.19.0, as the 1.29.0 binary ran it on the shadow
  // device: cudnnBackendExecute, allocations [1048577] (the graph workspace, the stub's answer).
  std::vector<KnownMismatch> known;
  NodeRecord r = ShadowRecord(Mha(), 1048577, {"cudnnBackendExecute"});
  r.key.provider_options.clear();
  ShadowQueries shadow(1048577);
  Target t = *TargetForKey(r.key);
  t.live = &shadow;
  Comparison c = CompareRecord(r, t, known);
  EXPECT_EQ(c.outcome, Outcome::kMatch) << c.message;
  EXPECT_EQ(c.observed_variant, "cudnn_sdpa");
  EXPECT_EQ(c.variant, "cudnn_sdpa");
  // Without the stub's answer the estimate is unknown: the check reports it, never a match.
  Comparison u = CompareRecord(r, *TargetForKey(r.key), known);
  EXPECT_EQ(u.outcome, Outcome::kUnknown);
  EXPECT_NE(u.message.find("SDPA dtype=float16 b=2"), std::string::npos) << u.message;
}

TEST(ShadowCheck, FlashTraceMatches) {
  std::vector<KnownMismatch> known;
  const NodeRecord r = ShadowRecord(Mha(), 12288, {kFlashKernel});
  Comparison c = CompareRecord(r, *TargetForKey(r.key), known);
  EXPECT_EQ(c.outcome, Outcome::kMatch) << c.message;
  EXPECT_EQ(c.observed_variant, "flash");
  EXPECT_EQ(c.label, "shadow:h100-sxm@9.19.0");
}

}  // namespace
}  // namespace wsest::calibrate
