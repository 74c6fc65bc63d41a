// Checked bytes, exactness composition and the Estimate container.
#include <gtest/gtest.h>

#include "wsest/bytes.h"
#include "wsest/estimate.h"
#include "wsest/target.h"

namespace wsest {
namespace {

TEST(Bytes, MultipliesAndAddsExactly) {
  // 4 * 2 * 12 * 128 = 12288
  EXPECT_EQ((Bytes(4) * int64_t{2} * int64_t{12} * int64_t{128}).value(), 12288u);
  EXPECT_EQ((Bytes(7) + Bytes(5)).value(), 12u);
}

TEST(Bytes, OverflowIsStickyNeverWrapped) {
  const Bytes big = Bytes(uint64_t{1} << 40) * (int64_t{1} << 30);  // 2^70
  EXPECT_TRUE(big.overflow());
  EXPECT_TRUE((big * int64_t{0}).overflow());  // no "recovery" through a zero factor
  EXPECT_TRUE((Bytes(UINT64_MAX) + Bytes(1)).overflow());
  EXPECT_TRUE((Bytes(4) * int64_t{-1}).overflow());  // a negative dim is as invalid as an overflow
}

TEST(Bytes, AlignUpRoundsToTheMultiple) {
  EXPECT_EQ(AlignUp(Bytes(1), 256).value(), 256u);
  EXPECT_EQ(AlignUp(Bytes(256), 256).value(), 256u);
  EXPECT_EQ(AlignUp(Bytes(257), 256).value(), 512u);
  EXPECT_EQ(CeilDiv(7, 2), 4);
}

TEST(Exactness, CombinesToTheLeastCertain) {
  EXPECT_EQ(CombineExactness(Exactness::kExact, Exactness::kExact), Exactness::kExact);
  EXPECT_EQ(CombineExactness(Exactness::kExact, Exactness::kUpperBound), Exactness::kUpperBound);
  EXPECT_EQ(CombineExactness(Exactness::kHeuristic, Exactness::kUpperBound), Exactness::kHeuristic);
  EXPECT_EQ(CombineExactness(Exactness::kUnknown, Exactness::kExact), Exactness::kUnknown);
}

TEST(Estimate, SumsBuffersAndNamesTheLargest) {
  Estimate e("flash", Exactness::kExact);
  e.Add("softmax_lse", Bytes(12288), "src a");
  e.Add("out_accum", Bytes(40000), "src b", Allocator::kTempSpace);
  EXPECT_EQ(e.workspace_bytes(), std::optional<uint64_t>(52288));
  ASSERT_NE(e.largest_buffer(), nullptr);
  EXPECT_EQ(e.largest_buffer()->name, "out_accum");
  EXPECT_FALSE(e.overflowed_buffer().has_value());
}

TEST(Estimate, RemembersTheFirstOverflowedBuffer) {
  Estimate e("x", Exactness::kExact);
  e.Add("fine", Bytes(10), "s");
  e.Add("huge", Bytes(UINT64_MAX), "s");
  e.Add("also", Bytes(10), "s");
  ASSERT_TRUE(e.overflowed_buffer().has_value());
  EXPECT_EQ(*e.overflowed_buffer(), "huge");
}

TEST(Estimate, UnknownHasNoBytes) {
  EXPECT_FALSE(Estimate::Unknown("why").workspace_bytes().has_value());
  EXPECT_EQ(Estimate::NoScratch("k.cc").workspace_bytes(), std::optional<uint64_t>(0));
}

TEST(Target, UnknownProviderOptionSuggestsTheKnownOne) {
  EpConfig ep;
  auto r = ep.SetProviderOption("sdpa_kernal", "1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unknown CUDA EP provider option 'sdpa_kernal'; did you mean 'sdpa_kernel'?");
  ASSERT_TRUE(ep.SetProviderOption("sdpa_kernel", "3").ok());
  EXPECT_EQ(ep.ProviderOptionInt("sdpa_kernel", 0), 3);
  EXPECT_EQ(ep.ProviderOptionInt("use_tf32", 1), 1);
}

TEST(Target, EnvMustBeAnOrtVariable) {
  EpConfig ep;
  EXPECT_FALSE(ep.SetEnv("PATH", "/bin").ok());
  ASSERT_TRUE(ep.SetEnv("ORT_DISABLE_FLASH_ATTENTION", "1").ok());
  EXPECT_EQ(ep.EnvInt("ORT_DISABLE_FLASH_ATTENTION", 0), 1);
}

TEST(Target, DefaultDeviceIsH100Sxm) {
  // NVIDIA H100 whitepaper: SXM5 has 132 SMs, compute capability 9.0.
  const Target t = DefaultTarget();
  EXPECT_EQ(t.device.id, "h100-sxm");
  EXPECT_EQ(t.device.sm_count, 132);
  EXPECT_EQ(t.device.sm(), 90);
  auto missing = FindDevice("h100-smx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("did you mean 'h100-sxm'?"), std::string::npos);
}

}  // namespace
}  // namespace wsest
