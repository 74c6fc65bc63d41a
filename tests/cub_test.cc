// CUB-backed estimators (estimators/cub_ops.cc) and the CUB temp-storage arithmetic
// (estimators/cub_temp_storage.h), worked by hand from CUB 3.0.1 (CUDA 13.0):
//   AliasTemporaries(sizes) = sum(align256(size)) + 255          util_temporary_storage.cuh
//   scan tile state = AliasTemporaries({(32 + tiles) * 8, 0, 0})  single_pass_scan_operators.cuh
//   scan temp = AliasTemporaries({tile state})                    dispatch_scan.cuh DispatchScan::Invoke
//   int scan tile: sm90 128 x 24 = 3072, sm80 320 x 12 = 3840     tuning/tuning_scan.cuh
#include <gtest/gtest.h>

#include "estimators/cub_temp_storage.h"
#include "estimators/estimators.h"
#include "tests/fake_library.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

using testing::FakeQueries;
using testing::MakeTensor;
namespace cs = cub_storage;

Target DeviceTarget(const char* id) {
  Target t = DefaultTarget();
  t.device = FindDevice(id).value();
  return t;
}

Estimate Ok(Result<Estimate> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Estimate();
}

NodeView NonZero(std::vector<int64_t> dims, DataType dt = DataType::kFloat) {
  NodeView n;
  n.name = "nz";
  n.op_type = "NonZero";
  n.opset = 13;
  n.inputs = {MakeTensor("x", dt, std::move(dims))};
  n.outputs = {MakeTensor("y", DataType::kInt64, {})};
  return n;
}

NodeView TopK(std::vector<int64_t> dims, std::optional<int64_t> k, int64_t sorted = 1) {
  NodeView n;
  n.name = "topk";
  n.op_type = "TopK";
  n.opset = 11;
  n.inputs = {MakeTensor("x", DataType::kFloat, std::move(dims)), MakeTensor("k", DataType::kInt64, {1})};
  if (k) n.inputs[1].int_values = std::vector<int64_t>{*k};
  n.outputs = {MakeTensor("v", DataType::kFloat, {}), MakeTensor("i", DataType::kInt64, {})};
  n.attributes["sorted"] = sorted;
  return n;
}

TEST(CubArithmetic, AliasTemporariesRoundsEachAndAdds255) {
  const uint64_t sizes[3] = {1, 256, 257};
  EXPECT_EQ(cs::AliasTemporaries(sizes), 256u + 256u + 512u + 255u);
}

TEST(CubArithmetic, ScanTileSizesPerArch) {
  EXPECT_EQ(cs::ScanInt32Policy(900).tile_items(), 3072);   // 128 x 24
  EXPECT_EQ(cs::ScanInt32Policy(800).tile_items(), 3840);   // 320 x 12
  EXPECT_EQ(cs::ScanInt32Policy(860).tile_items(), 1920);   // 128 x 15
  EXPECT_EQ(cs::ScanInt32Policy(1000).tile_items(), 8448);  // 384 x 22
}

TEST(CubArithmetic, InclusiveSumSizes) {
  // 0 items: 0 tiles -> (32) * 8 = 256 -> 256 + 255 = 511 -> align256 512 + 255 = 767.
  EXPECT_EQ(cs::InclusiveSumInt32TempBytes(0, 900), 767u);
  // 3072 items: 1 tile -> 33 * 8 = 264 -> 512 + 255 = 767 -> 768 + 255 = 1023.
  EXPECT_EQ(cs::InclusiveSumInt32TempBytes(3072, 900), 1023u);
  // 122880 items on sm90: 40 tiles -> 72 * 8 = 576 -> 768 + 255 = 1023 -> 1024 + 255 = 1279.
  EXPECT_EQ(cs::InclusiveSumInt32TempBytes(122880, 900), 1279u);
  // on sm80: 32 tiles -> 64 * 8 = 512 -> 512 + 255 = 767 -> 768 + 255 = 1023.
  EXPECT_EQ(cs::InclusiveSumInt32TempBytes(122880, 800), 1023u);
}

TEST(CubArithmetic, RadixSortOnesweepFloatKeysInt64Values) {
  // sm90, key float, value int64, 8-byte offsets: nominal 384 x 29, RegBoundScaling with 8 bytes:
  // items 29 * 4 / 8 = 14, threads min(384, ceil(49152 / 112 / 32) * 32 = 448) = 384 -> tile 5376.
  cs::RadixSortShape s{4, 8, 8, true, 0, 32};
  ASSERT_TRUE(cs::RadixOnesweepPolicy(s, 900).has_value());
  EXPECT_EQ(cs::RadixOnesweepPolicy(s, 900)->tile_items(), 5376);
  // 50000 items: 4 passes, 1 portion, ceil(50000 / 5376) = 10 blocks:
  //   bins 1*4*256*8 = 8192; lookback 10*256*4 = 10240; keys 200000 -> 200192; values 400000 -> 400128;
  //   counters 16 -> 256; sum 619008 + 255 = 619263.
  EXPECT_EQ(cs::RadixSortPairsTempBytes(50000, s, 900), std::optional<uint64_t>(619263));
  // One single-tile (256 x 9 = 2304 items) or fewer: the size query writes 1.
  EXPECT_EQ(cs::RadixSortPairsTempBytes(2304, s, 900), std::optional<uint64_t>(1));
  EXPECT_EQ(cs::RadixSortPairsTempBytes(0, s, 900), std::optional<uint64_t>(1));
  // sm75 (Policy700 onesweep not transcribed): no host answer.
  EXPECT_FALSE(cs::RadixSortPairsTempBytes(50000, s, 750).has_value());
}

TEST(CubNonZero, ScanOverBlockCounts) {
  // 256 * 122880 elements -> 122880 blocks of 256: prefix 122880 * 4 = 491520; temp 1279 (see above).
  Estimate e = Ok(estimators::EstimateNonZero(NonZero({256, 122880}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  ASSERT_EQ(e.buffers.size(), 2u);
  EXPECT_EQ(e.buffers[0].bytes, 491520u);
  EXPECT_EQ(e.buffers[1].bytes, 1279u);
  EXPECT_NE(e.buffers[1].source.find("dispatch_scan.cuh"), std::string::npos);
  EXPECT_EQ(e.workspace_bytes(), 491520u + 1279u);
}

TEST(CubNonZero, ArchChangesTheTile) {
  Estimate e = Ok(estimators::EstimateNonZero(NonZero({256, 122880}), DeviceTarget("a100-80gb")));
  EXPECT_EQ(e.workspace_bytes(), 491520u + 1023u);
}

TEST(CubNonZero, MillionElements) {
  // ceil(1e6 / 256) = 3907 blocks -> 15628 bytes; 2 tiles -> (34 * 8 = 272 -> 512) + 255 = 767 -> 1023.
  Estimate e = Ok(estimators::EstimateNonZero(NonZero({1000000}), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 15628u + 1023u);
}

TEST(CubNonZero, LiveAnswerComesFirst) {
  FakeQueries fake;
  fake.cub = 4242;
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateNonZero(NonZero({1000000}), t));
  EXPECT_EQ(e.workspace_bytes(), 15628u + 4242u);
  EXPECT_NE(e.buffers[1].source.find("fake live"), std::string::npos);
  ASSERT_TRUE(fake.last_cub.has_value());
  EXPECT_EQ(fake.last_cub->num_items, 3907);
}

TEST(CubNonZero, EmptyInputHasNoScratch) {
  Estimate e = Ok(estimators::EstimateNonZero(NonZero({0, 5}), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(CubNonZero, SymbolicIsUnknown) {
  NodeView n = NonZero({4, 4});
  n.inputs[0].dims[1] = Dim::Symbolic("len");
  Estimate e = Ok(estimators::EstimateNonZero(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'len'"), std::string::npos) << e.reason;
}

TEST(CubNonZero, HugeOverflowsThroughEstimateNode) {
  Result<Estimate> r = EstimateNode(NonZero({int64_t{1} << 40, int64_t{1} << 40}), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
  EXPECT_NE(r.error().message.find("prefix_counts"), std::string::npos) << r.error().message;
}

NodeView Compress(std::vector<int64_t> x, std::vector<int64_t> cond, std::optional<int64_t> axis) {
  NodeView n;
  n.name = "cmp";
  n.op_type = "Compress";
  n.opset = 11;
  n.inputs = {MakeTensor("x", DataType::kFloat, std::move(x)), MakeTensor("c", DataType::kBool, std::move(cond))};
  n.outputs = {MakeTensor("y", DataType::kFloat, {})};
  if (axis) n.attributes["axis"] = *axis;
  return n;
}

TEST(CubCompress, AxisLengthBoundsTheScan) {
  // valid = min(x[0] = 1000, 1000) = 1000: cumsum 4000; 1 tile -> 1023.
  Estimate e = Ok(estimators::EstimateCompress(Compress({1000, 64}, {1000}, 0), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 4000u + 1023u);
}

TEST(CubCompress, FlattenedUsesTheShorterCondition) {
  // no axis: min(64000, 100) = 100 -> 400 + 1023.
  Estimate e = Ok(estimators::EstimateCompress(Compress({1000, 64}, {100}, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 400u + 1023u);
}

TEST(CubCompress, EmptyConditionStillSizesTheScan) {
  // 0 items: cumsum 0, and the size query still returns the padding-only 767.
  Estimate e = Ok(estimators::EstimateCompress(Compress({10}, {0}, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 767u);
}

TEST(CubTopK, SortPathBytes) {
  // dimension 50000 -> aligned 65536 > 256; K 5000 > 4096 and sorted: the CUB sort path.
  // keys 2 * 50000 * 4 = 400000; values 2 * 50000 * 8 = 800000; temp 619263 (see above).
  Estimate e = Ok(estimators::EstimateTopK(TopK({2, 50000}, 5000), DefaultTarget()));
  EXPECT_EQ(e.variant, "cub_sort");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 400000u + 800000u + 619263u);
}

TEST(CubTopK, SmallKTakesRadixSelect) {
  Estimate e = Ok(estimators::EstimateTopK(TopK({2, 50000}, 4096), DefaultTarget()));
  EXPECT_EQ(e.variant, "radix_select");
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(CubTopK, UnsortedNeverSorts) {
  Estimate e = Ok(estimators::EstimateTopK(TopK({2, 50000}, 5000, /*sorted=*/0), DefaultTarget()));
  EXPECT_EQ(e.variant, "radix_select");
}

TEST(CubTopK, ShortAxisIsBitonic) {
  Estimate e = Ok(estimators::EstimateTopK(TopK({8, 200}, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.variant, "bitonic");
  EXPECT_EQ(e.exactness, Exactness::kExact);
}

TEST(CubTopK, UnknownKIsAnUpperBound) {
  Estimate e = Ok(estimators::EstimateTopK(TopK({2, 50000}, std::nullopt), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 400000u + 800000u + 619263u);
}

TEST(CubTopK, KOutOfRangeIsInvalid) {
  Result<Estimate> r = estimators::EstimateTopK(TopK({2, 50}, 51), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "TopK 'topk': K 51 outside [0, 50] (axis length)");
}

TEST(CubTopK, SymbolicAxisIsUnknown) {
  NodeView n = TopK({2, 50000}, 5000);
  n.inputs[0].dims[1] = Dim::Symbolic("vocab");
  Estimate e = Ok(estimators::EstimateTopK(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'vocab'"), std::string::npos);
}

TEST(CubArithmetic, SelectFlaggedTilesPerArch) {
  EXPECT_EQ(cs::SelectFlaggedInt32Policy(900).tile_items(), 5760);   // sm90_tuning 384 x 15
  EXPECT_EQ(cs::SelectFlaggedInt32Policy(800).tile_items(), 3200);   // sm80_tuning 320 x 10
  EXPECT_EQ(cs::SelectFlaggedInt32Policy(860).tile_items(), 1280);   // DefaultPolicy 128 x 10
  EXPECT_EQ(cs::SelectFlaggedInt32Policy(1000).tile_items(), 7168);  // sm100_tuning 512 x 14
  // 200000 items on sm90: 35 tiles -> (32 + 35) * 8 = 536 -> 768 + 255 = 1023 -> 1024 + 255 = 1279.
  EXPECT_EQ(cs::SelectFlaggedInt32TempBytes(200000, 900), 1279u);
  // on sm100: 28 tiles -> 60 * 8 = 480 -> 512 + 255 = 767 -> 768 + 255 = 1023.
  EXPECT_EQ(cs::SelectFlaggedInt32TempBytes(200000, 1000), 1023u);
  // 0 items: padding only, 32 * 8 = 256 -> 511 -> 767.
  EXPECT_EQ(cs::SelectFlaggedInt32TempBytes(0, 900), 767u);
}

TEST(CubArithmetic, SegmentedRadixSortIsKeysPlusValues) {
  // 4 segments of 50257: n = 201028; float keys 804112 -> 3142 * 256 = 804352, int values the same:
  // 1608704 + 255 = 1608959, on any arch.
  EXPECT_EQ(cs::SegmentedRadixSortPairsTempBytes(201028, 4, 4, 4), 1608959u);
  // half keys: 402056 -> 1571 * 256 = 402176; + 804352 + 255 = 1206783.
  EXPECT_EQ(cs::SegmentedRadixSortPairsTempBytes(201028, 4, 2, 4), 1206783u);
  EXPECT_EQ(cs::SegmentedRadixSortPairsTempBytes(0, 4, 4, 4), 1u);
  EXPECT_EQ(cs::SegmentedRadixSortPairsTempBytes(10, 0, 4, 4), 1u);
}

TEST(CubArithmetic, ThrustCountIfSingleTileOrOccupancyBound) {
  // <= 2048 items: the single-tile size query writes 1, plus the 8-byte result slot.
  EXPECT_EQ(cs::ThrustCountIfTempBytesUpperBound(2048, 132), 9u);
  // 2049 items, 132 SMs: 8 blocks/SM * 132 * 5 * 8 bytes = 42240 = 165 * 256 -> + 255 = 42495, + 8.
  EXPECT_EQ(cs::ThrustCountIfTempBytesUpperBound(2049, 132), 42503u);
}

NodeView Nms(int64_t batches, int64_t classes, int64_t boxes, std::optional<int64_t> max_out, bool max_out_input,
             bool score_threshold) {
  NodeView n;
  n.name = "nms";
  n.op_type = "NonMaxSuppression";
  n.opset = 11;
  n.inputs = {MakeTensor("boxes", DataType::kFloat, {batches, boxes, 4}),
              MakeTensor("scores", DataType::kFloat, {batches, classes, boxes})};
  if (max_out_input || score_threshold) {
    n.inputs.push_back(MakeTensor(max_out_input ? "max_out" : "", DataType::kInt64, {1}));
    if (max_out) n.inputs[2].int_values = std::vector<int64_t>{*max_out};
  }
  if (score_threshold) {
    n.inputs.push_back(MakeTensor("iou", DataType::kFloat, {1}));
    n.inputs.push_back(MakeTensor("score", DataType::kFloat, {1}));
  }
  n.outputs = {MakeTensor("sel", DataType::kInt64, {})};
  return n;
}

TEST(CubNms, PeakIsTheLastPairsNmsOnTopOfKeptIndices) {
  // sm90, 1 x 80 classes x 1000 boxes, max_output_boxes_per_class 100 -> keep <= 100.
  // pair: sort temp 1 (1000 <= single tile 256 x 19) + 3 * 4000 index ints + 4000 scores + 16000 boxes = 32001.
  // NmsGpu: mask 1000 * ceil(1000 / 32) * 4 = 128000; selected 1000; d_indices 4000; select temp
  //   1 tile -> 33 * 8 = 264 -> 767 -> 1023; d_num_selected 4: 134027.
  // 79 earlier pairs keep 100 * 24 = 2400 each: 189600. Total 189600 + 32001 + 134027 = 355628.
  // The concat (80 * 2400 + 3 * 80 * 8 + 80 * 100 * 8 = 257920) is smaller.
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 80, 1000, 100, true, false), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 355628u);
  EXPECT_NE(e.reason.find("NmsGpu"), std::string::npos) << e.reason;
  const Buffer* largest = e.largest_buffer();
  ASSERT_NE(largest, nullptr);
  EXPECT_EQ(largest->name, "kept_selected_indices");
}

TEST(CubNms, OnesweepSortAndSelectForManyBoxes) {
  // sm90, 1 x 1 x 10000 boxes, keep <= 10000, with a score threshold.
  // sort: float keys / int values / 4-byte offsets onesweep 384 x 23 = 8832: 2 blocks, 4 passes:
  //   bins 4 * 256 * 4 = 4096; lookback 2 * 256 * 4 = 2048; keys 40000 -> 40192; values 40192;
  //   counters 16 -> 256: 86784 + 255 = 87039. pair: 87039 + 160000 + 160000 = 407039.
  // NmsGpu: mask 10000 * 313 * 4 = 12520000; 10000; 40000; select 2 tiles -> 1023; 4: 12571027.
  // Total 407039 + 12571027 = 12978066 (count_if 42503 and mapping 280000 are smaller phases).
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 1, 10000, 10000, true, true), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 12978066u);
}

TEST(CubNms, WithoutMaxOutputInputThereIsNoScratch) {
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 80, 1000, std::nullopt, false, false), DefaultTarget()));
  EXPECT_EQ(e.variant, "empty");
  EXPECT_EQ(e.exactness, Exactness::kExact);
  EXPECT_EQ(e.workspace_bytes(), 0u);
  e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 80, 1000, 0, true, false), DefaultTarget()));
  EXPECT_EQ(e.workspace_bytes(), 0u);
}

TEST(CubNms, NonConstantMaxOutputKeepsEveryBox) {
  // keep <= 1000: pairs keep 1000 * 24 = 24000 each; 2 classes: 24000 + 32001 + 134027 = 190028.
  // The concat: 48000 + 48 + 16000 = 64048.
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 2, 1000, std::nullopt, true, false), DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUpperBound);
  EXPECT_EQ(e.workspace_bytes(), 190028u);
  EXPECT_NE(e.reason.find("not a constant"), std::string::npos) << e.reason;
}

TEST(CubNms, LiveAnswersReplaceTheArithmetic) {
  // Both CUB queries answered 1000: pair 1000 + 32000; NmsGpu 128000 + 1000 + 4000 + 1000 + 4 = 134004;
  // kept 79 * 2400 = 189600: 356604.
  FakeQueries fake;
  fake.cub = 1000;
  Target t = DefaultTarget();
  t.live = &fake;
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 80, 1000, 100, true, false), t));
  EXPECT_EQ(e.workspace_bytes(), 356604u);
}

TEST(CubNms, OnesweepUntranscribedArchIsUnknown) {
  // sm75 (t4): the onesweep tuning below Policy800 is not transcribed, and 10000 boxes exceed one tile.
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(Nms(1, 1, 10000, 10, true, false), DeviceTarget("t4")));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("DeviceRadixSort"), std::string::npos) << e.reason;
}

TEST(CubNms, SymbolicBoxesAreUnknown) {
  NodeView n = Nms(1, 80, 1000, 100, true, false);
  n.inputs[1].dims[2] = Dim::Symbolic("boxes");
  Estimate e = Ok(estimators::EstimateNonMaxSuppression(n, DefaultTarget()));
  EXPECT_EQ(e.exactness, Exactness::kUnknown);
  EXPECT_NE(e.reason.find("'boxes'"), std::string::npos) << e.reason;
}

TEST(CubNms, HugeOverflowsThroughEstimateNode) {
  Result<Estimate> r =
      EstimateNode(Nms(1, int64_t{1} << 40, int64_t{1} << 40, std::nullopt, true, false), DefaultTarget());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kOutOfRange);
}

TEST(CubRegistry, RowsAreFound) {
  EXPECT_NE(FindEstimator("", "TopK", 11), nullptr);
  EXPECT_NE(FindEstimator("", "NonZero", 13), nullptr);
  EXPECT_NE(FindEstimator("", "Compress", 11), nullptr);
  EXPECT_NE(FindEstimator("", "NonMaxSuppression", 11), nullptr);
}

}  // namespace
}  // namespace wsest
