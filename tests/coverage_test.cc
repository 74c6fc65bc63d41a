// The CUDA EP kernel list (data/ort-1.29.0-cuda-kernels.tsv) and `wsest --coverage` (src/coverage.cc).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "src/coverage.h"

namespace wsest {
namespace {

TEST(Coverage, TheShippedTableParses) {
  auto kernels = EmbeddedKernelTable();
  ASSERT_TRUE(kernels.ok()) << kernels.error().message;
  EXPECT_GE(kernels->size(), 390u);
  std::set<std::tuple<std::string, std::string, int, int>> rows;
  for (const auto& k : *kernels) {
    EXPECT_TRUE(rows.insert({k.domain, k.op_type, k.since_version, k.until_version}).second)
        << k.op_type << " " << k.since_version;
    EXPECT_LE(k.since_version, k.until_version) << k.op_type;
  }
}

TEST(Coverage, DuplicateRowIsAnError) {
  const std::string text =
      "# c\ndomain\top_type\tsince\tuntil\tstatus\nai.onnx\tAbs\t6\t12\tlisted\nai.onnx\tAbs\t6\t12\tlisted\n";
  auto r = ParseKernelTable(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(":4: duplicate row ai.onnx Abs 6"), std::string::npos) << r.error().message;
}

TEST(Coverage, MalformedRowsAreErrors) {
  EXPECT_FALSE(ParseKernelTable("domain\top_type\tsince\tuntil\tstatus\nai.onnx\tAbs\tsix\t\tlisted\n").ok());
  EXPECT_FALSE(ParseKernelTable("domain\top_type\tsince\tuntil\tstatus\nai.onnx\tAbs\t6\t5\tlisted\n").ok());
  EXPECT_FALSE(ParseKernelTable("domain\top_type\tsince\tuntil\tstatus\nai.onnx\tAbs\t6\n").ok());
  EXPECT_FALSE(ParseKernelTable("ai.onnx\tAbs\t6\t\tlisted\n").ok());  // no header
}

TEST(Coverage, RowsSpanningAKernelTogetherCoverIt) {
  // ThresholdedRelu 1+ is registered once (contrib); the registry splits it at 10 (1-9, 10+).
  auto kernels = ParseKernelTable(
      "domain\top_type\tsince\tuntil\tstatus\nai.onnx\tThresholdedRelu\t1\t\tlisted\n"
      "ai.onnx\tNoSuchOp\t1\t\tlisted\ncom.microsoft\tInverse\t1\t\tlisted\n");
  ASSERT_TRUE(kernels.ok()) << kernels.error().message;
  CoverageReport report = ComputeCoverage(*kernels);
  ASSERT_EQ(report.kernels.size(), 3u);
  EXPECT_EQ(report.kernels[0].label, "no_scratch");
  EXPECT_EQ(report.kernels[1].label, "none");
  EXPECT_EQ(report.kernels[2].label, "exact");
  EXPECT_EQ(report.covered, 2u);
  EXPECT_EQ(report.total, 3u);
  std::ostringstream out;
  WriteCoverageReport(report, "test", out);
  EXPECT_NE(out.str().find("  ai.onnx NoSuchOp 1-\n"), std::string::npos) << out.str();
  EXPECT_TRUE(out.str().size() > 0 && out.str().back() == '\n');
  const std::string text = out.str();
  const size_t start = text.rfind('\n', text.size() - 2);
  EXPECT_EQ(text.substr(start + 1), "coverage: 2/3 kernels (66.7%)\n");
}

TEST(Coverage, UnknownOnlyRowsDoNotCount) {
  // Rfft's estimator can only say unknown (cuFFT's plan work area has no documented bound).
  auto kernels = ParseKernelTable("domain\top_type\tsince\tuntil\tstatus\ncom.microsoft\tRfft\t1\t\tlisted\n");
  ASSERT_TRUE(kernels.ok());
  CoverageReport report = ComputeCoverage(*kernels);
  EXPECT_EQ(report.kernels[0].label, "unknown");
  EXPECT_EQ(report.covered, 0u);
}

TEST(Coverage, LastLineFormat) {
  std::ostringstream out;
  auto written = WriteCoverage(out);
  ASSERT_TRUE(written.ok()) << written.error().message;
  const std::string text = out.str();
  ASSERT_FALSE(text.empty());
  const size_t start = text.rfind('\n', text.size() - 2);
  const std::string last = text.substr(start == std::string::npos ? 0 : start + 1);
  EXPECT_TRUE(std::regex_match(last, std::regex(R"(coverage: \d+/\d+ kernels \(\d+\.\d%\)\n)"))) << last;
}

}  // namespace
}  // namespace wsest
