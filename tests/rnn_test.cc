// LSTM / GRU / RNN (estimators/rnn.cc) against ORT 1.29.0 cudnn_rnn_base.cc, with a fake live cuDNN
// answer and a recorded one.
#include <gtest/gtest.h>

#include "estimators/estimators.h"
#include "src/records.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::FakeQueries;
using testing::MakeTensor;

// seq 10, batch 4, input 32, hidden 64.
NodeView Rnn(const std::string& op, const std::string& direction, bool weights_are_initializers = true) {
  const int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
  const int64_t dirs = direction == "bidirectional" ? 2 : 1;
  NodeView n;
  n.name = "rnn1";
  n.op_type = op;
  n.opset = 14;
  n.inputs = {MakeTensor("x", DataType::kFloat, {10, 4, 32}),
              MakeTensor("w", DataType::kFloat, {dirs, gates * 64, 32}, weights_are_initializers),
              MakeTensor("r", DataType::kFloat, {dirs, gates * 64, 64}, weights_are_initializers),
              MakeTensor("b", DataType::kFloat, {dirs, 2 * gates * 64}, true)};
  n.outputs = {MakeTensor("y", DataType::kFloat, {10, dirs, 4, 64})};
  n.attributes["hidden_size"] = int64_t{64};
  n.attributes["direction"] = direction;
  return n;
}

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

TEST(Rnn, LstmWithLiveAnswer) {
  FakeQueries fake;
  fake.rnn = {{123456, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateRnn(Rnn("LSTM", "forward"), t));
  EXPECT_EQ(e.variant, "cudnn_lstm");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  // sequence lengths 4 * 4 = 16; cuDNN workspace 123456; reserve 0.
  EXPECT_EQ(e.workspace_bytes(), 16u + 123456u);
  EXPECT_NE(e.buffers.back().source.find("fake live"), std::string::npos);
  ASSERT_TRUE(fake.last_rnn.has_value());
  EXPECT_EQ(CanonicalKey(*fake.last_rnn), "RNN mode=lstm dtype=float seq=10 batch=4 input=32 hidden=64 dirs=1 bias=1 tf32=1");
}

TEST(Rnn, TheKernelHoldsItsCachedWeightsAndDropoutStatesForTheSession) {
  // W and R are initializers: CacheCudnnRnnWeights keeps w_size = 1 * 4 * 64 * (32 + 64 + 2) = 25088
  // floats = 100352 B from the arena, and the constructor the fake's 2048 B of dropout states. Neither
  // is workspace. On the shadow device the binary copies Silero VAD legacy's 8 LSTM caches of
  // 4 * 64 * (64 + 64 + 2) floats = 133120 B into place at session creation (tests/shadow_arena_test.py).
  FakeQueries fake;
  fake.rnn = {{0, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateRnn(Rnn("LSTM", "forward"), t));
  EXPECT_EQ(e.exactness, Exactness::kExact) << e.reason;
  EXPECT_EQ(e.workspace_bytes(), 16u);  // the sequence lengths only
  ASSERT_EQ(e.session_buffers.size(), 2u);
  EXPECT_EQ(e.session_buffers[0].name, "w_data_cache");
  EXPECT_EQ(e.session_buffers[0].bytes, 100352u);
  EXPECT_EQ(e.session_buffers[1].name, "dropout_states");
  EXPECT_EQ(e.session_buffers[1].bytes, 2048u);
  // Weights computed at run time are repacked per run: no cache.
  Estimate per_run = Ok(estimators::EstimateRnn(Rnn("LSTM", "forward", /*weights_are_initializers=*/false), t));
  ASSERT_EQ(per_run.session_buffers.size(), 1u);
  EXPECT_EQ(per_run.session_buffers[0].name, "dropout_states");
  // A record made before the dropout states were recorded cannot say what the kernel holds.
  fake.rnn_dropout_states = std::nullopt;
  Estimate old = Ok(estimators::EstimateRnn(Rnn("LSTM", "forward"), t));
  EXPECT_EQ(old.exactness, Exactness::kUnknown);
  EXPECT_NE(old.reason.find("no dropout states size"), std::string::npos) << old.reason;
}

TEST(Rnn, WeightsThatAreNotInitializersAreRepackedPerRun) {
  // w_size = 1 * 4 * 64 * (32 + 64 + 2) = 25088 floats = 100352 bytes.
  FakeQueries fake;
  fake.rnn = {{0, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateRnn(Rnn("LSTM", "forward", /*weights_are_initializers=*/false), t));
  EXPECT_EQ(e.workspace_bytes(), 16u + 100352u);
}

TEST(Rnn, ReverseGruReversesXAndY) {
  // x_reversed 10 * 4 * 32 * 4 = 5120; y_reorganized 10 * 1 * 4 * 64 * 4 = 10240.
  FakeQueries fake;
  fake.rnn = {{0, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateRnn(Rnn("GRU", "reverse"), t));
  EXPECT_EQ(e.workspace_bytes(), 16u + 5120u + 10240u);
}

TEST(Rnn, BidirectionalWithoutYAllocatesY) {
  // y_alloc 10 * 2 * 4 * 64 * 4 = 20480 and y_reorganized 20480.
  FakeQueries fake;
  fake.rnn = {{0, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  NodeView n = Rnn("RNN", "bidirectional");
  n.outputs[0].name.clear();
  Estimate e = Ok(estimators::EstimateRnn(n, t));
  EXPECT_EQ(e.variant, "cudnn_rnn_tanh");
  EXPECT_EQ(e.workspace_bytes(), 16u + 20480u + 20480u);
}

TEST(Rnn, SequenceLensMakeAnUpperBound) {
  FakeQueries fake;
  fake.rnn = {{0, 0}};
  Target t = DefaultTarget();
  t.live = &fake;
  NodeView n = Rnn("LSTM", "forward");
  n.inputs.push_back(MakeTensor("seq_lens", DataType::kInt32, {4}));
  Estimate e = Ok(estimators::EstimateRnn(n, t));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 16u + 16u);  // + zero_seq_index_cache 4 * 1 * 4
}

TEST(Rnn, RecordedAnswer) {
  RnnQuery q;
  q.mode = "gru";
  q.dtype = DataType::kFloat;
  q.seq_length = 10;
  q.batch = 4;
  q.input_size = 32;
  q.hidden_size = 64;
  Record r;
  r.kind = "rnn";
  r.key = CanonicalKey(q);
  r.versions.device = "h100-sxm";
  r.versions.cudnn = 91900;
  r.numbers = {{"workspace_bytes", 777}, {"reserve_bytes", 0}, {"dropout_states_bytes", 4096}};
  r.origin = "test:1";
  RecordedQueries recorded("h100-sxm");
  recorded.Add(r);
  Target t = DefaultTarget();
  t.live = &recorded;
  Estimate e = Ok(estimators::EstimateRnn(Rnn("GRU", "forward"), t));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 16u + 777u);
  EXPECT_NE(e.buffers[1].source.find("recorded test:1"), std::string::npos) << e.buffers[1].source;
  ASSERT_FALSE(e.session_buffers.empty());
  EXPECT_EQ(e.session_buffers.back().name, "dropout_states");
  EXPECT_EQ(e.session_buffers.back().bytes, 4096u);
}

TEST(Rnn, NoLibraryIsUnknown) {
  Estimate e = Ok(estimators::EstimateRnn(Rnn("LSTM", "forward"), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("cudnnGetRNNTempSpaceSizes"), std::string::npos);
}

TEST(Rnn, SymbolicSeqIsUnknown) {
  NodeView n = Rnn("LSTM", "forward");
  n.inputs[0].dims[0] = Dim::Symbolic("seq");
  Estimate e = Ok(estimators::EstimateRnn(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'seq'"), std::string::npos);
}

TEST(Rnn, MissingHiddenSizeIsInvalid) {
  NodeView n = Rnn("LSTM", "forward");
  n.attributes.erase("hidden_size");
  Result<Estimate> r = estimators::EstimateRnn(n, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "LSTM 'rnn1': attribute hidden_size is missing or not positive");
}

TEST(Rnn, HugeOverflowsThroughEstimateNode) {
  NodeView n = Rnn("LSTM", "reverse");
  n.inputs[0].dims[0] = Dim::Known(int64_t{1} << 62);
  Result<Estimate> r = EstimateNode(n, DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("x_reversed_data"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace wsest
