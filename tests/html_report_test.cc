// The HTML report's writer: model strings escaped wherever they land, one table row per node with
// unknown nodes marked, and header figures that equal the JSON's. The page's behaviour in a browser
// is tests/html_report_browser_test.py's.
#include "src/html_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/plan.h"
#include "wsest/verdict.h"

namespace wsest {
namespace {

using testing::GraphBuilder;
constexpr int kFloat = onnx::TensorProto::FLOAT;

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
  return n;
}

// The text of the page's embedded data (between its script tags).
std::string DataBlob(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"wsest-data\">";
  const size_t begin = html.find(open);
  if (begin == std::string::npos) return "";
  const size_t end = html.find("</script>", begin);
  return html.substr(begin + open.size(), end - begin - open.size());
}

// data-bytes of the header figure `id`, or -1 when it has none.
int64_t FigureBytes(const std::string& html, const std::string& id) {
  std::smatch m;
  const std::regex figure("id=\"" + id + "\"><dt>[^<]*</dt><dd data-bytes=\"([0-9]+)\"");
  if (!std::regex_search(html, m, figure)) return -1;
  return std::stoll(m[1]);
}

const std::string kNastyName = "enc/<b>\"1\"&'x'</script><!--";

// x [1, 256] float -> Relu (the nasty name) -> a; Mul(a, w) -> b; Mystery(b) -> y, a com.example op
// with no estimator, so unknown. Weights: w float [256] = 1024 B.
std::string Page(std::optional<uint64_t> budget) {
  GraphBuilder g;
  g.Opset("com.example", 1);
  g.Input("x", kFloat, {1, 256}).Weight("w", kFloat, {256}).Output("y");
  g.Node("Relu", {"x"}, {"a"}, kNastyName);
  g.Node("Mul", {"a", "w"}, {"b"}, "mul");
  g.Node("Mystery", {"b"}, {"y"}, "custom<&>", "com.example");
  auto model = Model::FromBytes(g.Serialize(), "dir/<m>&.onnx");
  EXPECT_TRUE(model.ok()) << model.error().message;
  auto estimate = EstimateModel(*model, DefaultTarget());
  EXPECT_TRUE(estimate.ok());
  // A workspace with a source and a rejected kernel that carry markup too.
  Estimate ws("v<1>", Exactness::kUpperBound);
  ws.Add("scr\"atch", Bytes(4096), "ort <file.cc> & \"func\"");
  ws.candidates.push_back({"flash", "head size > 256 & <mask>", std::nullopt});
  estimate->nodes[0].estimate = ws;
  estimate->summary.workspace_max_bytes = 4096;  // the summary EstimateModel would have made of it
  estimate->summary.largest_node = 0;
  auto plan = PlanPeak(*model, *estimate);
  EXPECT_TRUE(plan.ok());
  HtmlReport report;
  report.model = &*model;
  report.estimate = &*estimate;
  report.plan = &*plan;
  // The verdict as include/wsest/verdict.h gives it, written here so the page's wording is tested
  // alone: cannot tell, with a reason that carries markup.
  FitAnswer fit;
  if (budget) {
    fit.verdict = Verdict::kCannotTell;
    fit.budget = *budget;
    fit.held = {/*median=*/2 << 20, /*min=*/1 << 20, /*max=*/3 << 20};
    fit.reasons = {"1 node(s) have no workspace estimate: custom<&>"};
    report.budget = budget;
    report.fit = &fit;
  }
  std::ostringstream out;
  WriteHtmlReport(report, out);
  return out.str();
}

TEST(HtmlReport, EscapesModelStringsInTextAttributesAndData) {
  const std::string html = Page(uint64_t{64} << 20);
  // Only the page's own two scripts open and close; the name's "</script>" and "<!--" do not survive raw.
  EXPECT_EQ(Count(html, "<script"), 2u);
  EXPECT_EQ(Count(html, "</script>"), 2u);
  EXPECT_EQ(Count(html, "<!--"), 0u);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("enc/&lt;b&gt;&quot;1&quot;&amp;&#39;x&#39;&lt;/script&gt;&lt;!--"), std::string::npos);
  EXPECT_NE(html.find("<title>wsest: dir/&lt;m&gt;&amp;.onnx</title>"), std::string::npos);
  EXPECT_NE(html.find("data-name=\"custom&lt;&amp;&gt;\""), std::string::npos);
  // The data the script reads has no '<' or '&' left, and parses back to the very same strings.
  const std::string blob = DataBlob(html);
  ASSERT_FALSE(blob.empty());
  EXPECT_EQ(blob.find('<'), std::string::npos);
  EXPECT_EQ(blob.find('&'), std::string::npos);
  const auto data = nlohmann::json::parse(blob);
  EXPECT_EQ(data["nodes"][0]["name"], kNastyName);
  EXPECT_EQ(data["nodes"][0]["variant"], "v<1>");
  EXPECT_EQ(data["nodes"][0]["buffers"][0][0], "scr\"atch");
  EXPECT_EQ(data["nodes"][0]["buffers"][0][1], 4096);
  EXPECT_EQ(data["nodes"][0]["buffers"][0][3], "ort <file.cc> & \"func\"");
  EXPECT_EQ(data["nodes"][0]["candidates"][0][1], "head size > 256 & <mask>");
  EXPECT_EQ(data["nodes"][2]["name"], "custom<&>");
}

TEST(HtmlReport, OneRowPerNodeAndUnknownNodesCarryTheirReason) {
  const std::string html = Page(std::nullopt);
  EXPECT_EQ(Count(html, "<tr data-i="), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_NE(html.find("<tr data-i=\"" + std::to_string(i) + "\""), std::string::npos);
  // The workspace column sorts on data-ws: 4096 for the node given one, 0 for Mul, -1 for unknown.
  EXPECT_NE(html.find("<tr data-i=\"0\" data-ws=\"4096\""), std::string::npos);
  EXPECT_NE(html.find("<tr data-i=\"1\" data-ws=\"0\""), std::string::npos);
  const size_t unknown_row = html.find(
      "<tr data-i=\"2\" data-ws=\"-1\" data-op=\"com.example.Mystery\" "
      "data-ex=\"unknown\" data-name=\"custom&lt;&amp;&gt;\" class=\"unknown\">");
  ASSERT_NE(unknown_row, std::string::npos);
  const std::string row = html.substr(unknown_row, html.find("</tr>", unknown_row) - unknown_row);
  EXPECT_NE(row.find("<td class=\"num\">unknown</td>"), std::string::npos) << row;
  EXPECT_NE(row.find("<td class=\"detail\">⚠ "), std::string::npos) << row;
  EXPECT_NE(row.find("com.example"), std::string::npos) << row;
  // The summary counts the unknown op and the filter offers every op once.
  EXPECT_NE(html.find("<option value=\"com.example.Mystery\">com.example.Mystery</option>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"verdict\""), std::string::npos);    // no budget, no verdict
  EXPECT_NE(html.find("id=\"fig-arena\""), std::string::npos);  // the arena hook, not filled here
}

TEST(HtmlReport, FiguresByHand) {
  const std::string html = Page(uint64_t{64} << 20);
  // Weights: w float [256] = 1024 B.
  EXPECT_EQ(FigureBytes(html, "fig-weights"), 1024);
  EXPECT_NE(html.find("<small>#0 enc/&lt;b&gt;"), std::string::npos);  // the largest workspace's node
  // Peak at step 0: weights 1024 + x (1 KiB) + a (1 KiB) + workspace 4096 = 7168; later steps hold at most
  // weights + a + b (+ y, unsized) = 3072. No cuBLAS term (plan options default to 0).
  EXPECT_EQ(FigureBytes(html, "fig-peak"), 7168);
  // Cannot tell: at least the arena's least held (1 MiB) plus cuBLAS (0), and the reason, escaped.
  EXPECT_NE(html.find("<div id=\"verdict\" class=\"verdict unsure\" data-verdict=\"cannot_tell\">Cannot tell "
                      "whether it fits in 64.0 MiB: ORT holds at least 1.0 MiB (arena 1.0 MiB + cuBLAS 0 B)."),
            std::string::npos);
  EXPECT_NE(html.find("<ul class=\"reasons\"><li>1 node(s) have no workspace estimate: custom&lt;&amp;&gt;</li>"),
            std::string::npos);
}

// The same run through the CLI, --json and --html: every figure and every row agree.
TEST(HtmlReport, FiguresEqualTheJson) {
  const std::string dir = testing::TempDir("html_report_cli");
  const std::string command = std::string("\"") + WSEST_DEMO_TOOL_PATH + "\" " + dir + " --tiny >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string model = dir + "/bert_base.onnx";
  const std::vector<std::string> args = {model,         "--dim",    "batch=2", "--dim",
                                         "sequence=64", "--budget", "40KiB",   "--partition"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> all = args;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  auto json_run = testing::RunWsest(with({"--json"}));
  ASSERT_NE(json_run.exit_code, 2) << json_run.err;
  const std::string page_path = dir + "/r.html";
  auto html_run = testing::RunWsest(with({"--html", page_path}));
  ASSERT_EQ(html_run.exit_code, json_run.exit_code) << html_run.err;
  std::ifstream in(page_path);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto doc = nlohmann::json::parse(json_run.out);

  EXPECT_EQ(FigureBytes(html, "fig-weights"), doc["memory"]["weights_bytes"].get<int64_t>());
  EXPECT_EQ(FigureBytes(html, "fig-peak"), doc["memory"]["peak_bytes"].get<int64_t>());
  EXPECT_EQ(FigureBytes(html, "fig-cublas"), doc["memory"]["cublas_handle_workspace_bytes"].get<int64_t>());
  EXPECT_EQ(FigureBytes(html, "fig-ws-max"), doc["summary"]["workspace_max_bytes"].get<int64_t>());
  EXPECT_NE(html.find(fmt::format("data-verdict=\"{}\"", doc["budget"]["verdict"].get<std::string>())),
            std::string::npos);
  const auto& arena = doc["memory"]["arena"];
  EXPECT_EQ(FigureBytes(html, "fig-arena-session"), arena["session_bytes"].get<int64_t>());
  EXPECT_EQ(FigureBytes(html, "fig-arena-first-run"), arena["first_run_peak_bytes"].get<int64_t>());
  EXPECT_EQ(FigureBytes(html, "fig-arena-steady"), arena["steady_bytes"].get<int64_t>());

  const auto& nodes = doc["nodes"];
  EXPECT_EQ(Count(html, "<tr data-i="), nodes.size());
  for (const auto& n : nodes) {
    const std::string ws = n["workspace_bytes"].is_null() ? "-1" : std::to_string(n["workspace_bytes"].get<int64_t>());
    EXPECT_NE(html.find(fmt::format("<tr data-i=\"{}\" data-ws=\"{}\" data-op=\"", n["index"].get<int>(), ws)),
              std::string::npos)
        << n["name"];
  }
  const auto& partition = doc["partition"];
  EXPECT_NE(
      html.find(fmt::format("id=\"partition-greedy\" data-gpu-nodes=\"{}\"", partition["greedy_gpu_nodes"].get<int>())),
      std::string::npos);
  EXPECT_NE(html.find(fmt::format("id=\"partition-liveness\" data-gpu-nodes=\"{}\"",
                                  partition["liveness_gpu_nodes"].get<int>())),
            std::string::npos);
  // Each partitioned node's row ends with its placement under the two policies, as the JSON has it.
  for (const auto& e : partition["nodes"]) {
    const size_t row = html.find(fmt::format("<tr data-i=\"{}\" ", e["index"].get<int>()));
    ASSERT_NE(row, std::string::npos);
    const std::string ending =
        std::string(e["greedy_gpu"].get<bool>() ? "<td class=\"gpu\">GPU</td>" : "<td class=\"cpu\">CPU</td>") +
        (e["liveness_gpu"].get<bool>() ? "<td class=\"gpu\">GPU</td>" : "<td class=\"cpu\">CPU</td>") + "</tr>";
    EXPECT_EQ(html.compare(html.find("</tr>", row) + 5 - ending.size(), ending.size(), ending), 0) << e["name"];
  }
  const auto data = nlohmann::json::parse(DataBlob(html));
  ASSERT_EQ(data["steps"].size(), doc["memory"]["steps"].size());
  for (size_t k = 0; k < data["steps"].size(); ++k) EXPECT_EQ(data["steps"][k], doc["memory"]["steps"][k]) << k;
}

TEST(HtmlReport, AnUnwritableFileIsAnErrorNamingIt) {
  GraphBuilder g;
  g.Input("x", kFloat, {4}).Output("y");
  g.Node("Relu", {"x"}, {"y"}, "relu");
  const std::string model = g.SaveTo(testing::TempDir("html_report_unwritable") + "/m.onnx");
  auto r = testing::RunWsest({model, "--html", "/nonexistent-dir/r.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "wsest: error: --html /nonexistent-dir/r.html: cannot open the file for writing\n");
}

}  // namespace
}  // namespace wsest
