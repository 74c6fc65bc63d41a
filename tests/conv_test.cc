// Conv family (estimators/conv.cc): the cuDNN query ORT 1.29.0 builds, answered by a fake live cuDNN
// or a record; Unknown without either.
#include <gtest/gtest.h>

#include "estimators/estimators.h"
#include "src/records.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::FakeQueries;
using testing::MakeTensor;

NodeView Conv2d(DataType dt = DataType::kFloat) {
  NodeView n;
  n.name = "conv1";
  n.op_type = "Conv";
  n.opset = 11;
  n.inputs = {MakeTensor("x", dt, {1, 64, 56, 56}), MakeTensor("w", dt, {64, 64, 3, 3}, true)};
  n.outputs = {MakeTensor("y", dt, {1, 64, 56, 56})};
  n.attributes["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  return n;
}

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

TEST(Conv, LiveAnswerIsExact) {
  FakeQueries fake;
  fake.conv = uint64_t{1} << 20;
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateConv(Conv2d(), t));
  EXPECT_EQ(e.variant, "cudnn_frontend");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), uint64_t{1} << 20);
  EXPECT_NE(e.buffers[0].source.find("fake live"), std::string::npos);
  ASSERT_TRUE(fake.last_conv.has_value());
  // EXHAUSTIVE (the default) maps to heuristics mode B.
  EXPECT_EQ(CanonicalKey(*fake.last_conv),
            "Conv dtype=float x=1x64x56x56 w=64x64x3x3 y=1x64x56x56 pads=1x1x1x1 strides=1x1 dilations=1x1 "
            "layout=nchw fuse_bias=0 fuse_act=0 act=- heur=B tf32=1");
}

TEST(Conv, AlgoSearchOptionPicksTheHeuristicsMode) {
  FakeQueries fake;
  fake.conv = 0;
  Target t = DefaultTarget();
  t.live = &fake;
  ASSERT_TRUE(t.ep.SetProviderOption("cudnn_conv_algo_search", "HEURISTIC").ok());
  Ok(estimators::EstimateConv(Conv2d(), t));
  EXPECT_EQ(fake.last_conv->heur_mode, HeurMode::kA);
  ASSERT_TRUE(t.ep.SetProviderOption("cudnn_conv_algo_search", "DEFAULT").ok());
  Ok(estimators::EstimateConv(Conv2d(), t));
  EXPECT_EQ(fake.last_conv->heur_mode, HeurMode::kFallback);
  ASSERT_TRUE(t.ep.SetProviderOption("use_tf32", "0").ok());
  Ok(estimators::EstimateConv(Conv2d(), t));
  EXPECT_FALSE(fake.last_conv->use_tf32);
}

TEST(Conv, OneDimensionalIsPaddedTo2d) {
  FakeQueries fake;
  fake.conv = 0;
  Target t = DefaultTarget();
  t.live = &fake;
  NodeView n;
  n.name = "c1d";
  n.op_type = "Conv";
  n.opset = 11;
  n.inputs = {MakeTensor("x", DataType::kFloat16, {2, 80, 3000}), MakeTensor("w", DataType::kFloat16, {384, 80, 3}, true)};
  n.outputs = {MakeTensor("y", DataType::kFloat16, {2, 384, 3000})};
  n.attributes["pads"] = std::vector<int64_t>{1, 1};
  Ok(estimators::EstimateConv(n, t));
  EXPECT_EQ(fake.last_conv->x_dims, (std::vector<int64_t>{2, 80, 3000, 1}));
  EXPECT_EQ(fake.last_conv->pads, (std::vector<int64_t>{1, 0, 1, 0}));
  ASSERT_TRUE(t.ep.SetProviderOption("cudnn_conv1d_pad_to_nc1d", "1").ok());
  Ok(estimators::EstimateConv(n, t));
  EXPECT_EQ(fake.last_conv->x_dims, (std::vector<int64_t>{2, 80, 1, 3000}));
}

TEST(Conv, RecordAnswersWhenTheKeyMatches) {
  FakeQueries capture;
  Target t = DefaultTarget();
  t.live = &capture;
  Ok(estimators::EstimateConv(Conv2d(DataType::kFloat16), t));
  ASSERT_TRUE(capture.last_conv.has_value());
  Record r;
  r.kind = "conv";
  r.key = CanonicalKey(*capture.last_conv);
  r.versions.device = "h100-sxm";
  r.versions.cudnn = 91900;
  r.numbers = {{"workspace_bytes", 65536}};
  r.engine = "3";
  r.origin = "h100.jsonl:4";
  RecordedQueries recorded("h100-sxm", LibraryVersions{"", 0, 0, 91900, 0, 0});
  recorded.Add(r);
  t.live = &recorded;
  Estimate e = Ok(estimators::EstimateConv(Conv2d(DataType::kFloat16), t));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 65536u);
  EXPECT_NE(e.buffers[0].source.find("recorded h100.jsonl:4"), std::string::npos);
  // The record's engine is the id alone; the reason says once that it is an engine.
  EXPECT_EQ(e.reason, "engine 3 (heuristics mode B)");
  // Another dtype is another key: no answer.
  Estimate miss = Ok(estimators::EstimateConv(Conv2d(DataType::kFloat), t));
  EXPECT_EQ(miss.exactness, Exactness::kUnknown);
  // A record from another cuDNN does not match a reader that requires 9.19.
  RecordedQueries other("h100-sxm", LibraryVersions{"", 0, 0, 91900, 0, 0});
  r.versions.cudnn = 90100;
  other.Add(r);
  t.live = &other;
  Estimate stale = Ok(estimators::EstimateConv(Conv2d(DataType::kFloat16), t));
  EXPECT_EQ(stale.exactness, Exactness::kUnknown);
  EXPECT_NE(stale.reason.find("cuDNN 90100 != 91900"), std::string::npos) << stale.reason;
}

TEST(Conv, NoGpuNoRecordIsUnknown) {
  Estimate e = Ok(estimators::EstimateConv(Conv2d(), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_FALSE(e.workspace_bytes().has_value());
  EXPECT_NE(e.reason.find("no documented bound"), std::string::npos) << e.reason;
}

TEST(Conv, NhwcConvMovesChannels) {
  FakeQueries fake;
  fake.conv = 0;
  Target t = DefaultTarget();
  t.live = &fake;
  NodeView n = Conv2d();
  n.op_type = "NhwcConv";
  n.domain = "com.microsoft";
  n.inputs[0] = MakeTensor("x", DataType::kFloat, {1, 56, 56, 64});
  n.inputs[1] = MakeTensor("w", DataType::kFloat, {64, 3, 3, 64}, true);
  n.outputs[0] = MakeTensor("y", DataType::kFloat, {1, 56, 56, 64});
  Ok(estimators::EstimateConv(n, t));
  EXPECT_TRUE(fake.last_conv->channels_last);
  EXPECT_EQ(fake.last_conv->x_dims, (std::vector<int64_t>{1, 64, 56, 56}));
}

TEST(Conv, SymbolicBatchIsUnknown) {
  NodeView n = Conv2d();
  n.inputs[0].dims[0] = Dim::Symbolic("N");
  Estimate e = Ok(estimators::EstimateConv(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'N'"), std::string::npos);
}

TEST(Conv, RankMismatchIsInvalid) {
  NodeView n = Conv2d();
  n.inputs[1] = MakeTensor("w", DataType::kFloat, {64, 64, 3}, true);
  Result<Estimate> r = estimators::EstimateConv(n, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Conv 'conv1': input 1 rank 3, expected 4 (as X)");
}

TEST(Conv, HugeLiveAnswerStillFits) {
  FakeQueries fake;
  fake.conv = ~uint64_t{0};
  Target t = DefaultTarget();
  t.live = &fake;
  Result<Estimate> r = EstimateNode(Conv2d(), t);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->workspace_bytes(), ~uint64_t{0});
}

TEST(Conv, RowsCoverTheFamily) {
  EXPECT_NE(FindEstimator("", "Conv", 11), nullptr);
  EXPECT_NE(FindEstimator("", "ConvTranspose", 11), nullptr);
  EXPECT_NE(FindEstimator("com.microsoft", "FusedConv", 1), nullptr);
  EXPECT_NE(FindEstimator("com.microsoft", "NhwcConv", 1), nullptr);
}

}  // namespace
}  // namespace wsest
