// Generation ops (estimators/generation.cc), worked by hand from ORT 1.29.0:
//   BeamSearchState (beam_search_impl_base.h), with BB = batch * beams, V = vocab, M = max_length:
//     next_token_logits BB*V*sizeof(T); next_token_scores BB*V*4; next_tokens/indices/scores 2*BB*4 each;
//     topk_buffer BB*129*beams*2*2*4; sequences_device 2*BB*M*4; next_positions BB*4 (GPT); beam_scores BB*4;
//     scores (output 2) (M - S)*BB*V*4.
//   CudaBeamSearchScorer: 36 + BB*16 + batch*24 + 3*BB*4 + BB*((M*(M+1) - (S-1)*S)/2)*4.
//   GPT feeds (AddToFeeds): 3 * BB * S * 4.
//   GPT per-step feeds (UpdateGptFeeds, PickGptPastState) at the last call, c = M - 1 (none when M = S + 1);
//   "old" buffers are 0 when c = S + 1 (views of the initial feeds, the empty past). P(x) = one layer's past,
//   2 * BB * heads * x * head_size * sizeof(T); L layers. The estimate adds the largest phase:
//     ProcessLogits:   ids BB*4 + mask BB*c*4 [+ L * P(c - 1) with beams > 1, no shared buffer] + TopK outputs /
//                      the sequences copy (ProcessLogits' locals);
//     mask:            ids + mask + old mask BB*(c - 1)*4 [+ old L * P(c - 2)];
//     cache (shared buffer, DecoderMasked*Attention, beam): ids + mask + new cache indirection BB*M*4;
//     pick (beams > 1, no shared buffer): ids + mask + L * P(c - 1) + old P(c - 2) (the last layer's).
//   GreedySearchState: B*V*sizeof(T) + B*4 + (128*B + B)*8; SamplingState adds 5 * B*V*4, B*V*sizeof(T),
//   (B+1)*4, 2 * B*4 and the segmented sort's AliasTemporaries({B*V*sizeof(T), B*V*4}).
#include <gtest/gtest.h>

#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::MakeTensor;

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

TensorInfo Scalar(const std::string& name, DataType dt, std::optional<int64_t> value) {
  TensorInfo t = MakeTensor(name, dt, {1}, value.has_value());
  if (value) t.int_values = std::vector<int64_t>{*value};
  return t;
}

// A GPT decoder body as subgraph_gpt.cc validates it: input_ids, position_ids, attention_mask, past_i
// (2, batch_beam, heads, past, head_size) [, past_sequence_length]; logits (batch_beam, seq, vocab), present_i.
Subgraph GptDecoder(DataType t, int64_t vocab, int layers = 1, int64_t heads = 2, int64_t head_size = 8,
                    bool decoder_masked_attention = false, bool share_buffer = false) {
  Subgraph g;
  g.attribute = "decoder";
  g.inputs = {MakeTensor("input_ids", DataType::kInt32, {1, 1}), MakeTensor("position_ids", DataType::kInt32, {1, 1}),
              MakeTensor("attention_mask", DataType::kInt32, {1, 1})};
  g.outputs = {MakeTensor("logits", t, {1, 1, vocab})};
  for (int i = 0; i < layers; ++i) {
    g.inputs.push_back(MakeTensor("past_" + std::to_string(i), t, {2, 1, heads, 1, head_size}));
    g.outputs.push_back(MakeTensor("present_" + std::to_string(i), t, {2, 1, heads, 1, head_size}));
  }
  if (share_buffer) g.inputs.push_back(MakeTensor("past_sequence_length", DataType::kInt32, {1}));
  if (decoder_masked_attention) {
    NodeView attention;
    attention.op_type = "DecoderMaskedSelfAttention";
    attention.domain = "com.microsoft";
    g.nodes.push_back(attention);
  }
  return g;
}

// A GPT BeamSearch: input_ids [batch, seq], max_length and num_beams (absent when nullopt_absent),
// length_penalty of T.
NodeView Beam(int64_t batch, int64_t seq, std::optional<int64_t> max_length, std::optional<int64_t> num_beams,
              std::optional<int64_t> vocab, DataType t = DataType::kFloat, bool max_length_input = true,
              bool num_beams_input = true) {
  NodeView n;
  n.name = "beam";
  n.op_type = "BeamSearch";
  n.domain = "com.microsoft";
  n.opset = 1;
  n.inputs = {MakeTensor("input_ids", DataType::kInt32, {batch, seq}),
              max_length_input ? Scalar("max_length", DataType::kInt32, max_length) : TensorInfo{},
              TensorInfo{},
              num_beams_input ? Scalar("num_beams", DataType::kInt32, num_beams) : TensorInfo{},
              TensorInfo{},
              MakeTensor("length_penalty", t, {1})};
  n.outputs = {MakeTensor("sequences", DataType::kInt32, {})};
  if (vocab) n.attributes["vocab_size"] = *vocab;
  // The decoder's logits dim 2 left symbolic: the vocab comes from the attribute unless a test sets it.
  Subgraph decoder = GptDecoder(t, 1);
  decoder.outputs[0].dims[2] = Dim::Symbolic("vocab");
  n.subgraphs.push_back(decoder);
  return n;
}

NodeView Greedy(const std::string& op, int64_t batch, int64_t seq, int64_t max_length, int64_t vocab,
                std::optional<DataType> repetition_penalty) {
  NodeView n;
  n.name = "gen";
  n.op_type = op;
  n.domain = "com.microsoft";
  n.opset = 1;
  n.inputs = {MakeTensor("input_ids", DataType::kInt32, {batch, seq}),
              Scalar("max_length", DataType::kInt32, max_length)};
  if (repetition_penalty) {
    n.inputs.push_back(TensorInfo{});
    n.inputs.push_back(MakeTensor("repetition_penalty", *repetition_penalty, {1}));
  }
  n.outputs = {MakeTensor("sequences", DataType::kInt32, {})};
  n.attributes["vocab_size"] = vocab;
  // The decoder's logits carry T when no T-typed input is there (subgraph_base.cc IsOutputFloat16).
  n.subgraphs.push_back(GptDecoder(repetition_penalty.value_or(DataType::kFloat), vocab));
  return n;
}

const Buffer* Find(const Estimate& e, const std::string& name) {
  for (const Buffer& b : e.buffers) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

TEST(GenerationBeam, GptFastTopKFloat) {
  // batch 2, prompt 8, max_length 32, 4 beams, vocab 1000, float: BB = 8, BB*V = 8000.
  // logits 32000 + scores 32000 + 3 * 64 + topk_buffer 8*129*4*16 = 66048 + sequences 8*2*32*4 = 2048
  // + positions 32 + beam_scores 32 = 132352; scorer 36 + 128 + 48 + 96 + hypotheses 8 * 500 * 4 = 16000
  // ((32*33 - 7*8) / 2 = 500) = 16308; feeds 8 * 8 * 12 = 768. Before the steps 149428.
  // Steps (1 layer, 2 heads of 8, no shared buffer, 4 beams: picked past): c = 31, P(x) = 2*8*2*x*8*4 = 1024x.
  // ProcessLogits 32 + 992 + P(30) 30720 = 31744; mask 32 + 992 + 960 + P(29) 29696 = 31680;
  // pick 32 + 992 + 30720 + 29696 = 61440 (the peak). Total 210868, an upper bound (an early EOS stops sooner).
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(2, 8, 32, 4, 1000), DefaultTarget()));
  EXPECT_EQ(e.variant, "beam_fast_topk");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 210868u);
  ASSERT_NE(Find(e, "hypothesis_buffer"), nullptr);
  EXPECT_EQ(Find(e, "hypothesis_buffer")->bytes, 16000u);
  EXPECT_EQ(Find(e, "next_token_logits")->allocator, Allocator::kTempSpace);
  ASSERT_NE(Find(e, "step_past_state_copies"), nullptr);
  EXPECT_EQ(Find(e, "step_past_state_copies")->bytes, 30720u);
  EXPECT_EQ(Find(e, "step_past_state_copies")->allocator, Allocator::kTempSpace);
  ASSERT_NE(Find(e, "step_past_state_copy_previous_last_layer"), nullptr);
  EXPECT_EQ(Find(e, "step_past_state_copy_previous_last_layer")->bytes, 29696u);
  EXPECT_EQ(Find(e, "step_attention_mask")->bytes, 992u);
  EXPECT_EQ(Find(e, "step_input_ids")->bytes, 32u);
  EXPECT_EQ(Find(e, "step_attention_mask_previous"), nullptr);  // freed before the pick
  EXPECT_NE(e.reason.find("peak in PickGptPastState's last layer"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("meets EOS earlier"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("decoder subgraph's nodes"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, OneStepHasNoPerStepFeedsAndIsExact) {
  // max_length = prompt + 1: the loop never calls UpdateGptFeeds. batch 2, prompt 8, max_length 9, 4 beams,
  // vocab 1000, float: 32000 + 32000 + 192 + 66048 + sequences 8*2*9*4 = 576 + 32 + 32 = 130880;
  // scorer 308 + 8 * ((9*10 - 7*8) / 2 = 17) * 4 = 544 -> 852; feeds 768. Total 132500, exact.
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(2, 8, 9, 4, 1000), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 132500u);
  EXPECT_EQ(Find(e, "step_input_ids"), nullptr);
  EXPECT_NE(e.reason.find("no UpdateGptFeeds"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, FirstStepReplacesViewsAndTheEmptyPast) {
  // max_length = prompt + 2: one UpdateGptFeeds, c = 9 = S + 1, whose old feeds are initial_feeds views and the
  // empty past (0 bytes). Before the steps: 32000 + 32000 + 192 + 66048 + 8*2*10*4 = 640 + 64 = 130944; scorer
  // 308 + 8 * ((10*11 - 56) / 2 = 27) * 4 = 864 -> 1172; feeds 768 = 132884. Steps: ids 32 + mask 8*9*4 = 288
  // + P(8) 8192 = 8512 in ProcessLogits and in the pick (no old copy); mask phase 320. Total 141396.
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(2, 8, 10, 4, 1000), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 141396u);
  EXPECT_EQ(Find(e, "step_past_state_copies")->bytes, 8192u);
  EXPECT_EQ(Find(e, "step_past_state_copy_previous_last_layer"), nullptr);
  EXPECT_EQ(Find(e, "step_attention_mask_previous"), nullptr);
}

TEST(GenerationBeam, PastCopiesNeedThePastDims) {
  // More than one beam without a shared buffer: the picked past needs num_heads and head_size.
  NodeView n = Beam(2, 8, 32, 4, 1000);
  n.subgraphs[0].inputs[3].dims[2] = Dim::Symbolic("heads");
  Estimate e = Ok(estimators::EstimateBeamSearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("num_heads (dim 2)"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("the per-step feeds not among them"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, HalfWithManyBeamsTakesTopKAndScores) {
  // batch 1, prompt 4, max_length 16, 40 beams, vocab 100, float16, scores output requested:
  // BB = 40, BB*V = 4000. logits 8000 + scores 16000 + 3 * 320 + topk_buffer 40*129*40*16 = 3302400
  // + sequences 5120 + 160 + 160 + scores output (16 - 4) * 4000 * 4 = 192000 = 3524800;
  // scorer 36 + 640 + 24 + 480 + 40 * 130 * 4 = 20800 ((16*17 - 3*4) / 2 = 130) = 21980;
  // feeds 40 * 4 * 12 = 1920 = 3548700. TopK outputs 80 * 4 + 80 * 8 = 960 are ProcessLogits' locals.
  // Steps: c = 15, P(x) = 40*2*2*x*8*2 = 2560x: ProcessLogits 160 + 2400 + P(14) 35840 + 960 = 39360;
  // mask 160 + 2400 + 2240 + P(13) 33280 = 38080; pick 160 + 2400 + 35840 + 33280 = 71680. Total 3620380.
  NodeView n = Beam(1, 4, 16, 40, 100, DataType::kFloat16);
  n.outputs.push_back(MakeTensor("sequences_scores", DataType::kFloat16, {}));
  n.outputs.push_back(MakeTensor("scores", DataType::kFloat16, {}));
  Estimate e = Ok(estimators::EstimateBeamSearch(n, DefaultTarget()));
  EXPECT_EQ(e.variant, "beam_topk");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 3620380u);
  EXPECT_EQ(Find(e, "next_token_logits")->bytes, 8000u);
  EXPECT_EQ(Find(e, "topk_scores"), nullptr);  // not live at the pick
}

TEST(GenerationBeam, FastTopKOffTakesTopKOutputs) {
  // GptFastTopKFloat with ORT_BEAM_SEARCH_USE_FAST_TOPK=0: TopK outputs for batch 2, k 8: 16 * 4 + 16 * 8 = 192,
  // in ProcessLogits (31744 + 192 = 31936), below the pick's 61440: the total stays 210868.
  Target t = DefaultTarget();
  ASSERT_TRUE(t.ep.SetEnv("ORT_BEAM_SEARCH_USE_FAST_TOPK", "0").ok());
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(2, 8, 32, 4, 1000), t));
  EXPECT_EQ(e.variant, "beam_topk");
  EXPECT_EQ(e.workspace_bytes(), 210868u);
  ASSERT_TRUE(t.ep.SetEnv("ORT_BEAM_SEARCH_USE_FAST_TOPK", "maybe").ok());
  Result<Estimate> r = estimators::EstimateBeamSearch(Beam(2, 8, 32, 4, 1000), t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(GenerationBeam, AbsentMaxLengthIsTheDefault4096) {
  // batch 1, prompt 2, no max_length (4096), no num_beams (1), vocab 10: BB = 1.
  // 40 + 40 + 24 + topk 129 * 16 = 2064 + sequences 2 * 4096 * 4 = 32768 + 4 + 4 = 34944;
  // scorer 36 + 16 + 24 + 12 + (4096 * 4097 - 2) / 2 * 4 = 8390655 * 4 = 33562620; feeds 24 = 33597676.
  // One beam: the next past is the present output, no copies. c = 4095: mask phase 4 + 16380 + 16376 = 32760.
  // Total 33630436.
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(1, 2, std::nullopt, std::nullopt, 10, DataType::kFloat,
                                                      /*max_length_input=*/false, /*num_beams_input=*/false),
                                                 DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 33630436u);
  EXPECT_EQ(Find(e, "step_past_state_copies"), nullptr);
  EXPECT_EQ(Find(e, "step_attention_mask_previous")->bytes, 16376u);
}

TEST(GenerationBeam, NonConstantBeamsAndLengthAreBoundedAtTheirMaximum) {
  Estimate known = Ok(estimators::EstimateBeamSearch(Beam(1, 2, 4096, 128, 10), DefaultTarget()));
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(1, 2, std::nullopt, std::nullopt, 10), DefaultTarget()));
  EXPECT_EQ(known.exactness, Exactness::kUpperBound);  // the per-step feeds alone
  EXPECT_EQ(known.reason.find("enforced maximum"), std::string::npos) << known.reason;
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.variant, "beam_topk");
  EXPECT_EQ(e.workspace_bytes(), known.workspace_bytes());
  EXPECT_NE(e.reason.find("num_beams (input 3) at its enforced maximum 128"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("max_length (input 1)"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, VocabFromTheDecoderSubgraphLogits) {
  NodeView n = Beam(2, 8, 32, 4, std::nullopt);
  n.subgraphs = {GptDecoder(DataType::kFloat, 1000)};
  n.subgraphs[0].outputs[0].dims[0] = Dim::Symbolic("batch");
  // Same as GptFastTopKFloat.
  EXPECT_EQ(Ok(estimators::EstimateBeamSearch(n, DefaultTarget())).workspace_bytes(), 210868u);
}

TEST(GenerationBeam, SharedPastAndDecoderMaskedAttention) {
  // GptFastTopKFloat (149428) with a decoder of 2 layers, 12 heads of 64, DecoderMaskedSelfAttention and
  // past_sequence_length: per row 12 * 32 * 64 * 4 = 98304; staging 8 * 98304 = 786432; shared past
  // 8 * 98304 * 2 * 2 = 3145728; cache indirection 8 * 32 * 4 = 1024 = 4082612. Steps (no copies: the past is
  // shared), c = 31: ProcessLogits 32 + 992 = 1024; mask 1024 + 960 = 1984; cache 1024 + new indirection 1024 =
  // 2048 (the peak). Total 4084660.
  NodeView n = Beam(2, 8, 32, 4, 1000);
  n.subgraphs = {GptDecoder(DataType::kFloat, 1000, /*layers=*/2, /*heads=*/12, /*head_size=*/64, true, true)};
  Estimate e = Ok(estimators::EstimateBeamSearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 4084660u);
  EXPECT_EQ(Find(e, "step_cache_indirection_next")->bytes, 1024u);
  EXPECT_EQ(Find(e, "step_past_state_copies"), nullptr);
  ASSERT_NE(Find(e, "shared_past_state"), nullptr);
  EXPECT_EQ(Find(e, "shared_past_state")->bytes, 3145728u);
  EXPECT_EQ(Find(e, "staging_for_past_state_reorder")->allocator, Allocator::kTempSpace);
}

TEST(GenerationBeam, NoDecoderSubgraphIsUnknown) {
  NodeView n = Beam(2, 8, 32, 4, 1000);
  n.subgraphs.clear();
  Estimate e = Ok(estimators::EstimateBeamSearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("decoder subgraph is not in this view"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, DecoderMaskedAttentionWithoutPastDimsIsUnknown) {
  NodeView n = Beam(2, 8, 32, 4, 1000);
  n.subgraphs = {GptDecoder(DataType::kFloat, 1000, 1, 12, 64, /*decoder_masked_attention=*/true)};
  n.subgraphs[0].inputs[3].dims[4] = Dim::Symbolic("head_size");
  Estimate e = Ok(estimators::EstimateBeamSearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("head_size (dim 4)"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, NoVocabIsUnknown) {
  Estimate e = Ok(estimators::EstimateBeamSearch(Beam(2, 8, 32, 4, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("vocab_size"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, SymbolicBatchIsUnknown) {
  NodeView n = Beam(2, 8, 32, 4, 1000);
  n.inputs[0].dims[0] = Dim::Symbolic("batch");
  Estimate e = Ok(estimators::EstimateBeamSearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'batch'"), std::string::npos) << e.reason;
}

TEST(GenerationBeam, T5AndWhisperListTheStateButAreUnknown) {
  NodeView t5 = Beam(2, 8, 32, 4, 1000);
  t5.attributes["model_type"] = int64_t{1};
  Estimate e = Ok(estimators::EstimateBeamSearch(t5, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("T5"), std::string::npos) << e.reason;
  // T5's sequence starts at 1 and it has no next_positions: hypotheses (32*33 - 0) / 2 = 528 per beam.
  ASSERT_NE(Find(e, "hypothesis_buffer"), nullptr);
  EXPECT_EQ(Find(e, "hypothesis_buffer")->bytes, 8u * 528u * 4u);
  EXPECT_EQ(Find(e, "next_positions"), nullptr);

  NodeView whisper = Beam(2, 8, 32, 4, 1000);
  whisper.op_type = "WhisperBeamSearch";
  whisper.inputs[0] = MakeTensor("input_features", DataType::kFloat16, {2, 80, 3000});
  Estimate w = Ok(estimators::EstimateBeamSearch(whisper, DefaultTarget()));
  EXPECT_EQ(w.exactness, Exactness::kUnknown);
  EXPECT_NE(w.reason.find("Whisper"), std::string::npos) << w.reason;
}

TEST(GenerationBeam, MaxLengthPastTheEnforcedLimitIsInvalid) {
  Result<Estimate> r = estimators::EstimateBeamSearch(Beam(1, 8, 5000, 4, 1000), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "BeamSearch 'beam': max_length 5000 outside (8, 4096]");
}

TEST(GenerationBeam, HugeVocabOverflowsThroughEstimateNode) {
  Result<Estimate> r = EstimateNode(Beam(1 << 30, 8, 32, 128, int64_t{1} << 40), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(GenerationGreedy, FloatGreedy) {
  // batch 3, prompt 5, max_length 20, vocab 1000, float, no repetition penalty:
  // scores 3000 * 4 = 12000 + positions 12 + top-one (384 + 3) * 8 = 3096 + feeds 3 * 5 * 12 = 180 = 15288.
  // Steps (one beam: no past copies), c = 19: mask phase 12 + 228 + 216 = 456. Total 15744.
  Estimate e =
      Ok(estimators::EstimateGreedySearch(Greedy("GreedySearch", 3, 5, 20, 1000, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.variant, "greedy");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 15744u);
  EXPECT_NE(e.reason.find("peak in UpdateGptFeeds' new attention mask"), std::string::npos) << e.reason;
}

TEST(GenerationGreedy, HalfSamplingWithRepetitionPenalty) {
  // batch 2, prompt 3, max_length 10, vocab 50257, float16: B*V = 100514.
  // scores 201028 + positions 8 + top-one (256 + 2) * 8 = 2064; sampling: 5 * 402056 + offsets 12
  // + sorted 201028 + 8 + 8; segmented sort: keys 201028 -> 201216, values 402056 -> 402176, + 255 = 603647;
  // feeds 2 * 3 * 12 = 72 = 3018155. Steps, c = 9: ProcessLogits 8 + 72 + sequences copy 2 * 10 * 4 = 80 = 160;
  // mask 8 + 72 + 64 = 144. Total 3018315.
  Estimate e =
      Ok(estimators::EstimateGreedySearch(Greedy("Sampling", 2, 3, 10, 50257, DataType::kFloat16), DefaultTarget()));
  EXPECT_EQ(e.variant, "sampling");
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 3018315u);
  EXPECT_EQ(Find(e, "sequences_buffer")->bytes, 80u);
  ASSERT_NE(Find(e, "cub_segmented_sort_temp_storage"), nullptr);
  EXPECT_EQ(Find(e, "cub_segmented_sort_temp_storage")->bytes, 603647u);
  EXPECT_NE(e.reason.find("repetition_penalty"), std::string::npos) << e.reason;
}

TEST(GenerationGreedy, FloatSamplingSortsFourByteKeys) {
  // batch 1, prompt 1, max_length 2, vocab 64, float: B*V = 64.
  // 256 + 4 + (128 + 1) * 8 = 1032; sampling 5 * 256 + 8 + 256 + 4 + 4; sort 256 + 256 + 255 = 767;
  // feeds 12. Total 256 + 4 + 1032 + 1280 + 8 + 256 + 8 + 767 + 12 = 3623. max_length = prompt + 1: no
  // UpdateGptFeeds, so exact.
  Estimate e = Ok(estimators::EstimateGreedySearch(Greedy("Sampling", 1, 1, 2, 64, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 3623u);
}

TEST(GenerationGreedy, UntypedTIsTakenAsFloat) {
  // No repetition penalty and no decoder subgraph in the view: T is not known, float (4 bytes) bounds it.
  NodeView n = Greedy("GreedySearch", 3, 5, 20, 1000, std::nullopt);
  n.subgraphs[0].outputs[0].dtype = DataType::kUndefined;
  Estimate e = Ok(estimators::EstimateGreedySearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 15744u);
  EXPECT_NE(e.reason.find("float, the larger, is assumed"), std::string::npos) << e.reason;
}

TEST(GenerationGreedy, SharedPastWithoutCacheIndirection) {
  // FloatGreedy (15288) with a shared past of 1 layer, 2 heads of 8: 3 * (2 * 20 * 8 * 4 = 1280) * 2 = 7680;
  // no DecoderMasked*Attention: no staging, and greedy search never takes a cache indirection = 22968; steps as
  // in FloatGreedy, 456. Total 23424.
  NodeView n = Greedy("GreedySearch", 3, 5, 20, 1000, std::nullopt);
  n.subgraphs = {GptDecoder(DataType::kFloat, 1000, 1, 2, 8, /*decoder_masked_attention=*/false, true)};
  Estimate e = Ok(estimators::EstimateGreedySearch(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 23424u);
  EXPECT_EQ(Find(e, "cache_indirection"), nullptr);
}

TEST(GenerationGreedy, MaxLengthLimitIs16384) {
  Result<Estimate> r =
      estimators::EstimateGreedySearch(Greedy("GreedySearch", 1, 4, 16385, 10, std::nullopt), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "GreedySearch 'gen': max_length 16385 outside (4, 16384]");
}

TEST(GenerationRegistry, RowsAreFound) {
  EXPECT_NE(FindEstimator("com.microsoft", "BeamSearch", 1), nullptr);
  EXPECT_NE(FindEstimator("com.microsoft", "WhisperBeamSearch", 1), nullptr);
  EXPECT_NE(FindEstimator("com.microsoft", "GreedySearch", 1), nullptr);
  EXPECT_NE(FindEstimator("com.microsoft", "Sampling", 1), nullptr);
}

}  // namespace
}  // namespace wsest
