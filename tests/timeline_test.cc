// The SVG timeline: structure (one stacked bar per node, budget line, peak label) and, where
// Debian's chromium is installed, that it renders to a non-blank PNG.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "src/timeline.h"
#include "tests/test_graph.h"
#include "wsest/plan.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

std::string Svg(std::optional<uint64_t> budget) {
  GraphBuilder g;
  g.Input("x", kFloat, {1, 256}).Weight("w", kFloat, {256}).Output("y");
  g.Node("Relu", {"x"}, {"a"}, "relu_a");
  g.Node("Mul", {"a", "w"}, {"b"}, "mul<&>");
  g.Node("Add", {"a", "b"}, {"y"}, "add");
  auto model = Model::FromBytes(g.Serialize(), "m.onnx");
  EXPECT_TRUE(model.ok());
  auto estimate = EstimateModel(*model, DefaultTarget());
  auto plan = PlanPeak(*model, *estimate);
  EXPECT_TRUE(plan.ok());
  std::ostringstream out;
  TimelineOptions options;
  options.budget = budget;
  options.subtitle = "batch=1";
  WriteTimelineSvg(*model, *plan, options, out);
  return out.str();
}

TEST(Timeline, StacksEveryStepAndMarksBudgetAndPeak) {
  const std::string svg = Svg(uint64_t{3000});
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("</svg>\n"), std::string::npos);
  // Steps: weights + activations for each of the 3 nodes (workspace 0 draws nothing) = 6 bars.
  EXPECT_EQ(Count(svg, "<title>#"), 6u);
  EXPECT_NE(svg.find("budget 2.9 KiB: does not fit"), std::string::npos);
  // Peak: weights 1024 + activations a, b, y at step 2 = 3072 -> 4.0 KiB at #2 add.
  EXPECT_NE(svg.find("peak 4.0 KiB at #2 add (Add)"), std::string::npos) << svg;
  EXPECT_NE(svg.find("mul&lt;&amp;&gt;"), std::string::npos);  // names are escaped
  const std::string no_budget = Svg(std::nullopt);
  EXPECT_EQ(no_budget.find("budget"), std::string::npos);
}

TEST(Timeline, RendersInHeadlessChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) GTEST_SKIP() << "chromium is not installed";
  const std::string dir = testing::TempDir("timeline_render");
  const std::string svg = dir + "/t.svg";
  const std::string png = dir + "/t.png";
  std::ofstream(svg) << Svg(uint64_t{3000});
  std::remove(png.c_str());
  const std::string cmd = "chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
                          "--disable-component-update --disable-sync --no-first-run --user-data-dir=" + dir +
                          "/profile --screenshot=" + png + " --window-size=1200,700 file://" + svg +
                          " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  EXPECT_GT(bytes.size(), 10000u) << "a blank screenshot compresses to a few hundred bytes";
}

}  // namespace
}  // namespace wsest
