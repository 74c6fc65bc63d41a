// Record format and loader (src/records.{h,cc}), the layered source order, the recorder's corpus
// and recording loop run against a fake, and the live path (skipped without a GPU).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "calibrate/record_library.h"
#include "estimators/cub_temp_storage.h"
#include "src/records.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::FakeQueries;

Record SampleRecord() {
  Record r;
  r.kind = "cub";
  r.key = "CUB DeviceScan::InclusiveSum<int> items=10 key=undefined value=undefined offset=4 bits=0-0";
  r.versions = LibraryVersions{"h100-sxm", 90, 13000, 91900, 130100, 300001};
  r.ep = "onnxruntime-cuda 1.29.0";
  r.numbers = {{"temp_storage_bytes", 1023}};
  return r;
}

TEST(Records, FormatParseRoundTrip) {
  const std::string line = FormatRecord(SampleRecord());
  Result<Record> r = ParseRecord(line, "f:1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->key, SampleRecord().key);
  EXPECT_EQ(r->versions.cudnn, 91900);
  EXPECT_EQ(r->numbers.at("temp_storage_bytes"), 1023u);
  EXPECT_EQ(FormatRecord(*r), line);
}

TEST(Records, MalformedLinesNameTheOrigin) {
  Result<Record> r = ParseRecord("{\"kind\": \"conv\"}", "data/records/x.jsonl:7");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "data/records/x.jsonl:7: missing string field 'key'");
  r = ParseRecord("not json", "a:1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "a:1: not a JSON object");
  r = ParseRecord(R"({"kind":"gemm","key":"k","device":"d","result":{}})", "a:2");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("kind 'gemm'"), std::string::npos);
  r = ParseRecord(R"({"kind":"cub","key":"k","device":"d","result":{"temp_storage_bytes":-1}})", "a:3");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a byte count"), std::string::npos);
}

TEST(Records, LoadFileAndAnswer) {
  const std::string path = std::string(WSEST_BINARY_DIR) + "/records_test_sample.jsonl";
  {
    std::ofstream out(path);
    out << "# comment\n" << FormatRecord(SampleRecord()) << "\n\n";
  }
  RecordedQueries q("h100-sxm");
  Result<size_t> n = q.LoadFile(path);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1u);
  CubQuery cq;
  cq.num_items = 10;
  Result<CubAnswer> a = q.CubTempStorage(cq);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->temp_storage_bytes, 1023u);
  EXPECT_NE(a->source.find("records_test_sample.jsonl:2"), std::string::npos) << a->source;
  // Another device's reader does not take it.
  RecordedQueries a100("a100-80gb");
  ASSERT_TRUE(a100.LoadFile(path).ok());
  Result<CubAnswer> miss = a100.CubTempStorage(cq);
  ASSERT_FALSE(miss.ok());
  EXPECT_NE(miss.error().message.find("device h100-sxm != a100-80gb"), std::string::npos) << miss.error().message;
  std::remove(path.c_str());
}

TEST(Records, SdpaRecordAnswersItsCanonicalKey) {
  SdpaQuery q;
  q.batch = 2;
  q.num_heads_q = q.num_heads_kv = 12;
  q.head_size_qk = q.head_size_v = 64;
  q.seq_len_q = q.seq_len_kv = 128;
  EXPECT_EQ(CanonicalKey(q),
            "SDPA dtype=float16 b=2 h_q=12 h_kv=12 d_qk=64 d_v=64 s_q=128 s_kv=128 layout=Q_K_V_BSNH causal=0 bias=0 "
            "bias_bcast=00 padding=0 window=0");
  Record r = SampleRecord();
  r.kind = "sdpa";
  r.key = CanonicalKey(q);
  r.numbers = {{"workspace_bytes", 4096}};
  Result<Record> parsed = ParseRecord(FormatRecord(r), "f:1");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  RecordedQueries recorded("h100-sxm");
  recorded.Add(*parsed);
  Result<SdpaAnswer> a = recorded.SdpaWorkspace(q);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->workspace_bytes, 4096u);
  // Another shape has no record; the layered source names both refusals.
  q.seq_len_kv = 256;
  FakeQueries live;
  Result<SdpaAnswer> miss = LayeredQueries({&live, &recorded}).SdpaWorkspace(q);
  ASSERT_FALSE(miss.ok());
  EXPECT_NE(miss.error().message.find("live: fake: no sdpa answer"), std::string::npos) << miss.error().message;
  EXPECT_NE(miss.error().message.find("recorded: no record for sdpa key 'SDPA"), std::string::npos)
      << miss.error().message;
}

TEST(Records, MissingDirectoryLoadsNothing) {
  RecordedQueries q("h100-sxm");
  Result<size_t> n = q.LoadDir("/nonexistent/wsest/records");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST(Records, LayeredAsksLiveFirstThenRecorded) {
  RecordedQueries recorded("h100-sxm");
  recorded.Add(SampleRecord());
  FakeQueries live;
  CubQuery cq;
  cq.num_items = 10;
  LayeredQueries layered({&live, &recorded});
  Result<CubAnswer> a = layered.CubTempStorage(cq);
  ASSERT_TRUE(a.ok());
  EXPECT_NE(a->source.find("recorded"), std::string::npos);  // the fake refused
  live.cub = 5;
  a = layered.CubTempStorage(cq);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->temp_storage_bytes, 5u);
  EXPECT_EQ(a->source, "fake live");
  live.cub.reset();
  cq.num_items = 11;
  a = layered.CubTempStorage(cq);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("live: fake: no cub answer"), std::string::npos) << a.error().message;
  EXPECT_NE(a.error().message.find("recorded: no record"), std::string::npos) << a.error().message;
}

TEST(Recorder, CorpusCoversTheNetworks) {
  const std::vector<NodeView> corpus = calibrate::LibraryCorpus();
  size_t resnet = 0, mobilenet = 0, yolo = 0, sd = 0, conv3d = 0, reduce = 0, rnn = 0;
  for (const NodeView& n : corpus) {
    resnet += n.name.rfind("resnet50/", 0) == 0;
    mobilenet += n.name.rfind("mobilenetv2/", 0) == 0;
    yolo += n.name.rfind("yolo/", 0) == 0;
    sd += n.name.rfind("sd_", 0) == 0;
    conv3d += n.name.rfind("r3d/", 0) == 0;
    reduce += n.name.rfind("reduce/", 0) == 0;
    rnn += n.name.rfind("rnn/", 0) == 0;
  }
  EXPECT_GT(resnet, 0u);
  EXPECT_GT(mobilenet, 0u);
  EXPECT_GT(yolo, 0u);
  EXPECT_GT(sd, 0u);
  EXPECT_GT(conv3d, 0u);
  EXPECT_GT(reduce, 0u);
  EXPECT_GT(rnn, 0u);
  // Every corpus node is well formed: no estimator errors.
  for (const NodeView& n : corpus) {
    Result<Estimate> r = EstimateNode(n, DefaultTarget());
    EXPECT_TRUE(r.ok()) << n.Label() << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(Recorder, RecordsWithAFakeAndReadsBack) {
  FakeQueries fake;
  fake.conv = 4096;
  fake.reduction = {{16, 0}};
  fake.rnn = {{1000, 0}};
  fake.cub = 7;
  std::ostringstream out, log;
  const LibraryVersions versions{"h100-sxm", 90, 13000, 91900, 130100, 300001};
  const std::vector<NodeView> corpus = calibrate::LibraryCorpus();
  calibrate::RecordStats stats = calibrate::RecordCorpus(corpus, DefaultTarget(), fake, versions, out, log);
  EXPECT_GT(stats.queries, 100u);
  EXPECT_EQ(stats.recorded, stats.queries);
  EXPECT_EQ(stats.failed, 0u) << log.str();
  // Read the table back and estimate the corpus from it alone: every Conv is now exact.
  RecordedQueries recorded("h100-sxm", versions);
  std::istringstream in(out.str());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    Result<Record> r = ParseRecord(line, "mem:" + std::to_string(++line_no));
    ASSERT_TRUE(r.ok()) << r.error().message;
    recorded.Add(*r);
  }
  EXPECT_EQ(recorded.size(), stats.recorded);
  Target t = DefaultTarget();
  t.live = &recorded;
  for (const NodeView& n : corpus) {
    if (n.op_type != "Conv") continue;
    Result<Estimate> r = EstimateNode(n, t);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exactness, Exactness::kExact) << n.Label() << ": " << r->reason;
    EXPECT_EQ(r->workspace_bytes(), 4096u);
  }
}

// The live path does not build cuDNN SDPA graphs yet: it refuses, naming the query, so estimates stay unknown.
TEST(Live, SdpaWorkspaceIsRefusedHonestly) {
#ifndef WSEST_WITH_CUDA
  GTEST_SKIP() << "built without WSEST_WITH_CUDA";
#else
  std::string why_not;
  std::unique_ptr<LibraryQueries> live = CreateLiveQueries(0, &why_not);
  if (!live) GTEST_SKIP() << why_not;
  Result<SdpaAnswer> a = live->SdpaWorkspace(SdpaQuery{});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("not implemented for a live GPU yet"), std::string::npos) << a.error().message;
#endif
}

// The live path: with a GPU, CUB's own size queries must equal the host arithmetic.
TEST(Live, CubHostArithmeticMatchesTheDevice) {
#ifndef WSEST_WITH_CUDA
  GTEST_SKIP() << "built without WSEST_WITH_CUDA";
#else
  std::string why_not;
  std::unique_ptr<LibraryQueries> live = CreateLiveQueries(0, &why_not);
  if (!live) GTEST_SKIP() << why_not;
  const LibraryVersions v = LiveLibraryVersions();
  EXPECT_EQ(v.cub, cub_storage::kCubVersion);
  for (int64_t n : {0, 1, 3072, 3073, 122880, 1000000}) {
    CubQuery q;
    q.num_items = n;
    Result<CubAnswer> a = live->CubTempStorage(q);
    ASSERT_TRUE(a.ok()) << a.error().message;
    // The binary carries sm_90 code (CMAKE_CUDA_ARCHITECTURES), so CUB runs its Policy900.
    EXPECT_EQ(a->temp_storage_bytes, cub_storage::InclusiveSumInt32TempBytes(static_cast<uint64_t>(n), 900)) << n;
  }
  for (int64_t n : {5000, 50000, 1000000}) {
    CubQuery q;
    q.algorithm = CubAlgorithm::kRadixSortPairs;
    q.num_items = n;
    q.key_dtype = DataType::kFloat;
    q.value_dtype = DataType::kInt64;
    q.offset_bytes = 8;
    q.end_bit = 32;
    Result<CubAnswer> a = live->CubTempStorage(q);
    ASSERT_TRUE(a.ok()) << a.error().message;
    cub_storage::RadixSortShape s{4, 8, 8, true, 0, 32};
    EXPECT_EQ(a->temp_storage_bytes, cub_storage::RadixSortPairsTempBytes(static_cast<uint64_t>(n), s, 900)) << n;
  }
#endif
}

TEST(Live, NoGpuIsReportedNotFatal) {
#ifndef WSEST_WITH_CUDA
  GTEST_SKIP() << "built without WSEST_WITH_CUDA";
#else
  std::string why_not;
  std::unique_ptr<LibraryQueries> live = CreateLiveQueries(0, &why_not);
  if (live) GTEST_SKIP() << "a GPU is present";
  EXPECT_NE(why_not.find("no GPU"), std::string::npos) << why_not;
#endif
}

}  // namespace
}  // namespace wsest
