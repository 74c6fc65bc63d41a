// The page, top to bottom: the header (model, device, EP, cuDNN, verdict, memory figures), the memory
// timeline beside the selected node's detail, the partition preview, the per-op-type summary and the
// node table. Everything a reader needs without JS is written here as HTML and SVG; the script only
// moves a cursor, fills the detail from the embedded JSON and sorts and filters rows it finds.
#include "src/html_report.h"

#include "src/chart_axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <vector>

#include "src/text.h"

namespace wsest {
namespace {

using nlohmann::json;

std::string Html(std::string_view s) { return EscapeMarkup(s); }

// JSON inside <script type="application/json">: the HTML parser ends the element at "</script" and
// changes state at "<!--", whatever JSON thinks of them. '<', '>' and '&' can only occur inside JSON
// strings, where \u escapes mean the same characters, so escaping all of them keeps the text inert.
std::string ScriptJson(const json& j) {
  const std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);  // names may be any bytes
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string OpName(const NodeEstimate& n) { return n.domain.empty() ? n.op_type : n.domain + "." + n.op_type; }
std::string NodeLabel(const std::string& name) { return name.empty() ? "(unnamed)" : name; }

std::string TensorText(const TensorInfo& t) {
  if (!t.present()) return "(omitted)";
  std::string dims = "?";
  if (t.has_shape) {
    std::vector<std::string> parts;
    for (const auto& d : t.dims)
      parts.push_back(d.known() ? std::to_string(d.value) : (d.symbol.empty() ? "?" : d.symbol));
    dims = fmt::format("[{}]", fmt::join(parts, ", "));
  }
  return fmt::format("{}: {} {}{}", t.name, DataTypeName(t.dtype), dims, t.is_initializer ? " (weight)" : "");
}

// One figure of the header: a label, the value (its exact bytes in data-bytes, which the tests read
// against the JSON) and a line saying what it is.
void Figure(std::string& out, const std::string& id, const std::string& label, std::optional<uint64_t> bytes,
            const std::string& value_text, const std::string& note) {
  fmt::format_to(std::back_inserter(out),
                 "<div class=\"fig\" id=\"{}\"><dt>{}</dt><dd{}>{}</dd><small>{}</small></div>\n", id, Html(label),
                 bytes ? fmt::format(" data-bytes=\"{}\"", *bytes) : "", Html(value_text), Html(note));
}

// The median over the sampled initializer orders; the range when the orders disagree.
std::string HeldRange(const HeldBytes& h) {
  if (HumanBytes(h.min) == HumanBytes(h.max)) return "";
  return fmt::format("; {} to {} over initializer orders", HumanBytes(h.min), HumanBytes(h.max));
}

struct Layer {
  const char* name;
  const char* css;
};
// Bottom-up, as the SVG timeline stacks them (src/timeline.cc).
constexpr Layer kLayers[] = {
    {"weights", "l-weights"}, {"cuBLAS handle workspace", "l-cublas"}, {"activations", "l-act"}, {"workspace", "l-ws"}};

struct Chart {
  double width = 1000, height = 380, left = 74, right = 28, top = 18, bottom = 40;
  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
};

void WriteTimeline(const HtmlReport& r, std::string& out) {
  const PeakPlan& plan = *r.plan;
  const Chart c;
  const size_t n = plan.steps.size();
  double ymax = static_cast<double>(std::max<uint64_t>(plan.peak_bytes, 1));
  if (r.arena) {
    for (uint64_t held : r.arena->first_run_held_by_node)
      ymax = std::max(ymax, static_cast<double>(held + r.arena->library_bytes));
    ymax = std::max(ymax, static_cast<double>(r.arena->steady.median + r.arena->library_bytes));
  }
  // A budget far above the data would flatten it to a few pixels: then the budget is named above the
  // chart instead of drawn in it.
  const bool budget_in_chart = r.budget && static_cast<double>(*r.budget) <= 3 * ymax;
  if (budget_in_chart) ymax = std::max(ymax, static_cast<double>(*r.budget));
  ymax *= 1.06;
  const double tick = TickStep(ymax, 6);
  ymax = std::ceil(ymax / tick) * tick;
  const double bar = c.plot_w() / static_cast<double>(std::max<size_t>(n, 1));
  auto x_of = [&](size_t step) { return c.left + bar * static_cast<double>(step); };
  auto y_of = [&](double bytes) { return c.top + c.plot_h() - bytes / ymax * c.plot_h(); };
  auto fmt_out = std::back_inserter(out);

  fmt::format_to(
      fmt_out,
      "<svg id=\"timeline\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"GPU memory over execution order\" "
      "data-left=\"{}\" data-bar=\"{:.6f}\" data-steps=\"{}\" data-top=\"{}\" data-bottom=\"{}\">\n",
      c.width, c.height, c.left, bar, n, c.top, c.top + c.plot_h());
  for (double v = 0; v <= ymax + tick / 2; v += tick) {
    const double y = y_of(v);
    fmt::format_to(fmt_out,
                   "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>"
                   "<text class=\"axis\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                   c.left, y, c.left + c.plot_w(), y, c.left - 6, y + 4, TickLabel(v, ymax));
  }
  // Each layer as one filled step outline of its cumulative top, drawn from the top layer down so
  // each lower one covers the part below it: four paths instead of a rect per node and layer.
  for (int k = 3; k >= 0; --k) {
    std::string path = fmt::format("M{:.1f} {:.1f}", c.left, y_of(0));
    for (size_t i = 0; i < n; ++i) {
      const MemoryStep& s = plan.steps[i];
      const uint64_t parts[4] = {s.weights, s.cublas, s.activations, s.workspace};
      double top = 0;
      for (int j = 0; j <= k; ++j) top += static_cast<double>(parts[j]);
      fmt::format_to(std::back_inserter(path), "V{:.1f}H{:.2f}", y_of(top), x_of(i + 1));
    }
    fmt::format_to(std::back_inserter(path), "V{:.1f}Z", y_of(0));
    fmt::format_to(fmt_out, "<path class=\"{}\" d=\"{}\"/>\n", kLayers[k].css, path);
  }
  fmt::format_to(fmt_out,
                 "<line class=\"axisline\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\"/>"
                 "<line class=\"axisline\" x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{1:.1f}\"/>\n",
                 c.left, c.top + c.plot_h(), c.left + c.plot_w(), c.top);
  const size_t xticks = std::min<size_t>(n, 10);
  for (size_t t = 0; t <= xticks && n > 0; ++t) {
    const size_t step = std::min(n - 1, t * (n - 1) / std::max<size_t>(xticks, 1));
    const double x = x_of(step) + bar / 2;
    fmt::format_to(fmt_out, "<text class=\"axis xtick\" x=\"{:.2f}\" y=\"{:.1f}\" text-anchor=\"middle\">#{}</text>\n",
                   x, c.top + c.plot_h() + 16, plan.steps[step].node);
  }
  fmt::format_to(fmt_out,
                 "<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">execution order (node #, "
                 "ORT's sequential executor)</text>\n",
                 c.left + c.plot_w() / 2, c.height - 4);
  if (r.partition) {
    const PartitionPreview& p = *r.partition;
    const std::pair<const std::optional<size_t>*, const char*> stops[] = {{&p.greedy_stop, "greedy"},
                                                                          {&p.liveness_stop, "liveness"}};
    int row = 0;
    for (const auto& [stop, policy] : stops) {
      if (!*stop) continue;
      const double x = x_of(p.entries[**stop].node);
      fmt::format_to(fmt_out,
                     "<line class=\"stop\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
                     "<text class=\"stoplabel\" x=\"{3:.1f}\" y=\"{4:.1f}\">{5}: CPU from #{6}</text>\n",
                     x, c.top, c.top + c.plot_h(), x + 4, c.top + c.plot_h() - 8 - 16 * row, policy,
                     p.entries[**stop].node);
      ++row;
    }
  }
  // What ORT holds (arena + cuBLAS) after each node of run 1: a step line over the stacked layers (it
  // never falls during a run), and the steady state after it, as src/timeline.cc draws them.
  if (r.arena && !r.arena->first_run_held_by_node.empty()) {
    const auto& held = r.arena->first_run_held_by_node;
    std::string path;
    for (size_t i = 0; i < held.size() && i < n; ++i) {
      const double y = y_of(static_cast<double>(held[i] + r.arena->library_bytes));
      fmt::format_to(std::back_inserter(path), "{}{:.2f} {:.1f}H{:.2f}", i == 0 ? "M" : "L", x_of(i), y, x_of(i + 1));
    }
    fmt::format_to(fmt_out, "<path class=\"held\" d=\"{}\"/>\n", path);
    const double y = y_of(static_cast<double>(r.arena->steady.median + r.arena->library_bytes));
    fmt::format_to(fmt_out,
                   "<line class=\"steady\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                   "<text class=\"steadylabel\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">ORT holds {} from "
                   "run 2</text>\n",
                   c.left, y, c.left + c.plot_w(), y, c.left + c.plot_w() - 4, y - 5,
                   HumanBytes(r.arena->steady.median + r.arena->library_bytes));
  }
  if (r.budget && !budget_in_chart) {
    fmt::format_to(fmt_out,
                   "<text class=\"budgetlabel\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">budget {} (above "
                   "the chart)</text>\n",
                   c.left + c.plot_w() - 4, c.top + 4, HumanBytes(*r.budget));
  } else if (r.budget) {
    const double y = y_of(static_cast<double>(*r.budget));
    fmt::format_to(fmt_out,
                   "<line class=\"budget\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                   "<text class=\"budgetlabel\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">budget {}</text>\n",
                   c.left, y, c.left + c.plot_w(), y, c.left + c.plot_w() - 4, y - 6, HumanBytes(*r.budget));
  }
  if (const MemoryStep* p = plan.peak()) {
    const double x = x_of(plan.peak_step) + bar / 2;
    const double y = y_of(static_cast<double>(plan.peak_bytes));
    const bool right_half = x > c.left + c.plot_w() * 0.6;
    const NodeEstimate& node = r.estimate->nodes[p->node];
    fmt::format_to(fmt_out,
                   "<circle class=\"peak\" cx=\"{:.2f}\" cy=\"{:.1f}\" r=\"4.5\"/>"
                   "<text class=\"peaklabel\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">peak {} at #{} {}</text>\n",
                   x, y, right_half ? x - 8 : x + 8, std::max(c.top + 12, y - 8), right_half ? "end" : "start",
                   HumanBytes(plan.peak_bytes), p->node,
                   Html(fmt::format("{} ({})", NodeLabel(node.name), node.op_type)));
  }
  fmt::format_to(
      fmt_out,
      "<line id=\"hover-line\" class=\"cursor hover\" x1=\"0\" y1=\"{0}\" x2=\"0\" y2=\"{1:.1f}\" "
      "visibility=\"hidden\"/><line id=\"select-line\" class=\"cursor\" x1=\"0\" y1=\"{0}\" x2=\"0\" "
      "y2=\"{1:.1f}\" visibility=\"hidden\"/>\n"
      "<rect id=\"timeline-hit\" x=\"{2}\" y=\"{0}\" width=\"{3:.1f}\" height=\"{4:.1f}\" fill=\"transparent\"/>\n"
      "</svg>\n",
      c.top, c.top + c.plot_h(), c.left, c.plot_w(), c.plot_h());
  out += "<div class=\"legend\">";
  for (const auto& layer : kLayers)
    fmt::format_to(fmt_out, "<span><i class=\"sw {}\"></i>{}</span>", layer.css, layer.name);
  if (r.arena && !r.arena->first_run_held_by_node.empty())
    out += "<span><i class=\"sw heldsw\"></i>ORT holds (arena + cuBLAS)</span>";
  if (budget_in_chart) out += "<span><i class=\"sw budgetsw\"></i>budget</span>";
  if (r.partition) out += "<span><i class=\"sw stopsw\"></i>partition: first node sent to the CPU</span>";
  out += "</div>\n";
}

void WriteHeader(const HtmlReport& r, std::string& out) {
  const ModelEstimate& e = *r.estimate;
  const PeakPlan& plan = *r.plan;
  auto fmt_out = std::back_inserter(out);
  fmt::format_to(fmt_out, "<header>\n<h1>{}</h1>\n<p class=\"sub\">", Html(e.model_path));
  if (!r.dims.empty()) fmt::format_to(fmt_out, "<span id=\"dims\">{}</span> · ", Html(r.dims));
  fmt::format_to(fmt_out, "{} nodes · wsest {}</p>\n<dl class=\"facts\">\n", e.nodes.size(), Html(Version()));
  fmt::format_to(fmt_out, "<dt>device</dt><dd id=\"device\">{}</dd>\n", Html(e.device));
  fmt::format_to(fmt_out, "<dt>execution provider</dt><dd id=\"ep\">{}</dd>\n", Html(e.ep));
  std::vector<std::string> options;
  if (r.target) {
    for (const auto& [key, value] : r.target->ep.provider_options()) options.push_back(key + "=" + value);
    for (const auto& [key, value] : r.target->ep.env()) options.push_back(key + "=" + value + " (environment)");
    if (!r.target->forced_variant.empty()) options.push_back("--variant " + r.target->forced_variant);
  }
  fmt::format_to(fmt_out, "<dt>EP options</dt><dd id=\"ep-options\">{}</dd>\n",
                 options.empty() ? std::string("defaults") : Html(fmt::format("{}", fmt::join(options, ", "))));
  fmt::format_to(fmt_out, "<dt>cuDNN</dt><dd id=\"cudnn\">{}</dd>\n</dl>\n", Html(e.cudnn));

  const bool lower_bound = plan.unknown_workspace_nodes > 0 || plan.unsized_tensors > 0;
  // The CLI's verdict (src/fit_report.cc WriteFitText says the same): on the device memory ORT holds,
  // its arena replayed under the budget, plus the cuBLAS handle beside it.
  if (r.fit) {
    const FitAnswer& a = *r.fit;
    std::string text;
    const char* css = "fits";
    switch (a.verdict) {
      case Verdict::kFits:
        text = fmt::format("Fits in {}: ORT holds at most {} (arena {} + cuBLAS {}), {} to spare.",
                           HumanBytes(a.budget), HumanBytes(a.needed_bytes()), HumanBytes(a.held.max),
                           HumanBytes(a.library_bytes), HumanBytes(a.budget - a.needed_bytes()));
        break;
      case Verdict::kDoesNotFit:
        css = "nofit";
        text = a.budget < a.library_bytes
                   ? fmt::format("Does not fit in {}: cuBLAS's handle workspace alone is {}.", HumanBytes(a.budget),
                                 HumanBytes(a.library_bytes))
                   : fmt::format("Does not fit in {}: ORT runs out of memory in every sampled order ({}).",
                                 HumanBytes(a.budget), a.out_of_memory_at);
        break;
      case Verdict::kCannotTell:
        css = "unsure";
        text = fmt::format("Cannot tell whether it fits in {}: ORT holds at least {} (arena {} + cuBLAS {}).",
                           HumanBytes(a.budget), HumanBytes(a.held.min + a.library_bytes), HumanBytes(a.held.min),
                           HumanBytes(a.library_bytes));
        break;
    }
    text += fmt::format(" The live peak is {}.", HumanBytes(plan.peak_bytes));
    fmt::format_to(fmt_out, "<div id=\"verdict\" class=\"verdict {}\" data-verdict=\"{}\">{}", css,
                   VerdictName(a.verdict), Html(text));
    if (!a.reasons.empty()) {
      out += "<ul class=\"reasons\">";
      for (const auto& reason : a.reasons) fmt::format_to(fmt_out, "<li>{}</li>", Html(reason));
      out += "</ul>";
    }
    out += "</div>\n";
  }

  out += "<dl class=\"figures\">\n";
  Figure(out, "fig-weights", "weights", plan.weights_bytes, HumanBytes(plan.weights_bytes),
         "initializers, resident for the session");
  std::string peak_note = "no nodes";
  if (const MemoryStep* p = plan.peak()) {
    peak_note = fmt::format("at #{} {} ({}): activations {} + workspace {}", p->node, NodeLabel(e.nodes[p->node].name),
                            e.nodes[p->node].op_type, HumanBytes(p->activations), HumanBytes(p->workspace));
  }
  if (lower_bound) peak_note += "; a lower bound (unknown terms count 0)";
  Figure(out, "fig-peak", "live peak", plan.peak_bytes, HumanBytes(plan.peak_bytes), peak_note);
  const ModelSummary& s = e.summary;
  std::string ws_note = s.unknown > 0 ? fmt::format("none among the estimated; {} node(s) unknown", s.unknown)
                                      : std::string("no node needs workspace");
  if (s.largest_node && s.workspace_max_bytes > 0) {
    const NodeEstimate& n = e.nodes[*s.largest_node];
    ws_note = fmt::format("#{} {} ({}){}", n.index, NodeLabel(n.name), n.op_type,
                          s.unknown > 0 ? fmt::format("; {} node(s) unknown", s.unknown) : "");
  }
  Figure(out, "fig-ws-max", "max workspace", s.workspace_max_bytes, HumanBytes(s.workspace_max_bytes), ws_note);
  Figure(out, "fig-cublas", "cuBLAS handle", plan.cublas_bytes, HumanBytes(plan.cublas_bytes),
         "the handle's workspace, held for the session");
  if (r.arena) {
    const HtmlArenaFigures& a = *r.arena;
    const std::string bound = a.lower_bound ? "; a lower bound" : "";
    Figure(out, "fig-arena-session", "arena: created", a.session.median, HumanBytes(a.session.median),
           "after session creation: the initializers' regions" + HeldRange(a.session) + bound);
    Figure(out, "fig-arena-first-run", "arena: run 1", a.first_run.median, HumanBytes(a.first_run.median),
           "at the end of run 1 (held memory never shrinks)" + HeldRange(a.first_run) + bound);
    Figure(out, "fig-arena-steady", "arena: steady", a.steady.median, HumanBytes(a.steady.median),
           (a.memory_pattern_used ? "runs 2 and later, with ORT's memory pattern" : "runs 2 and later") +
               HeldRange(a.steady) + bound);
  } else {
    Figure(out, "fig-arena", "arena (BFC)", std::nullopt, "not computed",
           "what ORT's arena holds after session creation, run 1 and later runs (wsest --budget replays it)");
  }
  Figure(out, "fig-nodes", "estimated", std::nullopt, fmt::format("{} of {}", s.estimated, s.nodes),
         fmt::format("exact {}, upper bound {}, heuristic {}, unknown {}", s.exact, s.upper_bound, s.heuristic,
                     s.unknown));
  out += "</dl>\n";
  if (r.arena && r.arena->out_of_memory)
    fmt::format_to(fmt_out,
                   "<p class=\"verdict nofit\" id=\"arena-oom\">ORT's arena runs out of device memory at {}.</p>\n",
                   Html(r.arena->out_of_memory_at));
  out += "</header>\n";
}

void WritePartition(const HtmlReport& r, std::string& out) {
  const PartitionPreview& p = *r.partition;
  auto fmt_out = std::back_inserter(out);
  const size_t total = p.entries.size();
  fmt::format_to(fmt_out, "<section id=\"partition\"><h2>Partition under {}</h2>\n<ul>\n", HumanBytes(p.budget));
  auto line = [&](const char* id, const char* policy, size_t gpu, const std::optional<size_t>& stop,
                  const std::string& why) {
    std::string text = fmt::format("{} of {} nodes stay on the GPU", gpu, total);
    if (stop) {
      const PartitionEntry& e = p.entries[*stop];
      text += fmt::format("; the CPU takes #{} {} ({}) and every later node: {}", e.node,
                          NodeLabel(r.estimate->nodes[e.node].name), r.estimate->nodes[e.node].op_type, why);
    }
    fmt::format_to(fmt_out, "<li id=\"{}\" data-gpu-nodes=\"{}\"><b>{}</b>: {}</li>\n", id, gpu, policy, Html(text));
  };
  std::string greedy_why, liveness_why;
  if (p.greedy_stop) {
    const PartitionEntry& e = p.entries[*p.greedy_stop];
    greedy_why = fmt::format("its cost {} takes the sum to {}", HumanBytes(e.cost), HumanBytes(e.greedy_sum));
  }
  if (p.liveness_stop) liveness_why = fmt::format("it needs {}", HumanBytes(p.entries[*p.liveness_stop].liveness_need));
  line("partition-greedy", "ORT 1.29.0 greedy (stats file, sum of per-node costs)", p.greedy_gpu_nodes, p.greedy_stop,
       greedy_why);
  line("partition-liveness", "liveness-aware (weights so far + the largest live step so far)", p.liveness_gpu_nodes,
       p.liveness_stop, liveness_why);
  out += "</ul>\n";
  if (p.unknown_workspace_nodes > 0)
    fmt::format_to(fmt_out, "<p class=\"note\">{} node(s) without a workspace estimate are costed without it.</p>\n",
                   p.unknown_workspace_nodes);
  out +=
      "<p class=\"note\">The node table's GPU columns show each node's placement; Constant nodes are folded into "
      "initializers and are not partitioned (—).</p></section>\n";
}

void WriteOpSummary(const HtmlReport& r, std::string& out) {
  struct OpRow {
    size_t count = 0, unknown = 0;
    uint64_t total = 0, max = 0;
  };
  std::map<std::string, OpRow> by_op;
  for (const auto& n : r.estimate->nodes) {
    OpRow& row = by_op[OpName(n)];
    ++row.count;
    const auto bytes = n.estimate.workspace_bytes();
    if (!bytes) {
      ++row.unknown;
      continue;
    }
    row.total += *bytes;
    row.max = std::max(row.max, *bytes);
  }
  std::vector<std::pair<std::string, OpRow>> rows(by_op.begin(), by_op.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.total > b.second.total; });
  auto fmt_out = std::back_inserter(out);
  out +=
      "<section id=\"ops\"><h2>Workspace by op type</h2>\n<table id=\"op-table\"><thead><tr><th>op</th>"
      "<th class=\"num\">nodes</th><th class=\"num\">unknown</th><th class=\"num\">total workspace</th>"
      "<th class=\"num\">max workspace</th></tr></thead><tbody>\n";
  for (const auto& [op, row] : rows) {
    fmt::format_to(
        fmt_out,
        "<tr data-op=\"{0}\"><td><a href=\"#nodes\" class=\"opfilter\" data-op=\"{0}\">{0}</a></td>"
        "<td class=\"num\">{1}</td><td class=\"num{2}\">{3}</td><td class=\"num\" data-bytes=\"{4}\">{5}</td>"
        "<td class=\"num\" data-bytes=\"{6}\">{7}</td></tr>\n",
        Html(op), row.count, row.unknown ? " bad" : "", row.unknown, row.total, HumanBytes(row.total), row.max,
        HumanBytes(row.max));
  }
  out += "</tbody></table></section>\n";
}

void WriteNodeTable(const HtmlReport& r, std::string& out) {
  const ModelEstimate& e = *r.estimate;
  std::map<size_t, const PartitionEntry*> placed;
  if (r.partition)
    for (const auto& entry : r.partition->entries) placed[entry.node] = &entry;
  std::set<std::string> ops;
  for (const auto& n : e.nodes) ops.insert(OpName(n));
  auto fmt_out = std::back_inserter(out);
  out +=
      "<section id=\"nodes\"><h2>Nodes</h2>\n<div class=\"controls\">"
      "<label>op type <select id=\"filter-op\"><option value=\"\">all</option>";
  for (const auto& op : ops) fmt::format_to(fmt_out, "<option value=\"{0}\">{0}</option>", Html(op));
  out += "</select></label> <label>exactness <select id=\"filter-ex\"><option value=\"\">all</option>";
  for (Exactness x : {Exactness::kExact, Exactness::kUpperBound, Exactness::kHeuristic, Exactness::kUnknown})
    fmt::format_to(fmt_out, "<option>{}</option>", ExactnessName(x));
  fmt::format_to(fmt_out,
                 "</select></label> <label>name <input id=\"filter-name\" type=\"search\" "
                 "placeholder=\"contains\"></label> <span id=\"row-count\">{} nodes</span>"
                 " <span class=\"hint\">click a column heading marked ⇅ to sort</span></div>\n",
                 e.nodes.size());
  out +=
      "<div class=\"tablewrap\"><table id=\"node-table\"><thead><tr>"
      "<th class=\"num sortable\" data-sort=\"i\">#&nbsp;⇅</th><th>node</th><th>op</th><th>variant</th>"
      "<th class=\"num sortable\" data-sort=\"ws\">workspace&nbsp;⇅</th><th>exactness</th>"
      "<th>largest buffer, or why unknown</th>";
  if (r.partition) out += "<th>GPU (greedy)</th><th>GPU (liveness)</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& n : e.nodes) {
    const Estimate& est = n.estimate;
    const auto bytes = est.workspace_bytes();
    const Buffer* largest = est.largest_buffer();
    std::string detail;
    if (!est.known()) {
      detail = "⚠ " + est.reason;
    } else if (largest) {
      detail = fmt::format("{} ({})", largest->name, HumanBytes(largest->bytes));
    }
    const std::string ex = ExactnessName(est.exactness);
    fmt::format_to(
        fmt_out,
        "<tr data-i=\"{0}\" data-ws=\"{1}\" data-op=\"{2}\" data-ex=\"{3}\" data-name=\"{4}\"{5}>"
        "<td class=\"num\">{0}</td><td class=\"name\">{6}</td><td>{2}</td><td>{7}</td>"
        "<td class=\"num\"{8}>{9}</td><td><span class=\"ex ex-{3}\">{3}</span></td><td class=\"detail\">{10}</td>",
        n.index, bytes ? std::to_string(*bytes) : "-1", Html(OpName(n)), ex, Html(n.name),
        est.known() ? "" : " class=\"unknown\"", Html(NodeLabel(n.name)), est.known() ? Html(est.variant) : "-",
        bytes ? fmt::format(" title=\"{} B\"", *bytes) : "", bytes ? HumanBytes(*bytes) : "unknown", Html(detail));
    if (r.partition) {
      const auto it = placed.find(n.index);
      if (it == placed.end()) {
        out += "<td>—</td><td>—</td>";
      } else {
        for (bool gpu : {it->second->greedy_gpu, it->second->liveness_gpu})
          out += gpu ? "<td class=\"gpu\">GPU</td>" : "<td class=\"cpu\">CPU</td>";
      }
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div></section>\n";
}

// What the script needs that the HTML does not already show: each node's tensors, buffers with their
// sources and the kernels tried, and the walk's steps.
json PageData(const HtmlReport& r) {
  json nodes = json::array();
  const auto& views = r.model->nodes();
  for (const auto& n : r.estimate->nodes) {
    const Estimate& est = n.estimate;
    json buffers = json::array();
    for (const auto& b : est.buffers) buffers.push_back({b.name, b.bytes, AllocatorName(b.allocator), b.source});
    json candidates = json::array();
    for (const auto& cand : est.candidates)
      candidates.push_back({cand.variant, cand.rejected_because.empty() ? json(nullptr) : json(cand.rejected_because),
                            cand.bytes ? json(*cand.bytes) : json(nullptr)});
    json inputs = json::array(), outputs = json::array();
    if (n.index < views.size()) {
      for (const auto& t : views[n.index].inputs) inputs.push_back(TensorText(t));
      for (const auto& t : views[n.index].outputs) outputs.push_back(TensorText(t));
    }
    const auto bytes = est.workspace_bytes();
    nodes.push_back({{"name", n.name},
                     {"op", OpName(n)},
                     {"variant", est.known() ? json(est.variant) : json(nullptr)},
                     {"ws", bytes ? json(*bytes) : json(nullptr)},
                     {"ex", ExactnessName(est.exactness)},
                     {"reason", est.reason},
                     {"buffers", std::move(buffers)},
                     {"candidates", std::move(candidates)},
                     {"inputs", std::move(inputs)},
                     {"outputs", std::move(outputs)}});
  }
  json steps = json::array();
  for (const auto& s : r.plan->steps) steps.push_back({s.node, s.weights, s.activations, s.workspace, s.cublas});
  json doc = {{"nodes", std::move(nodes)}, {"steps", std::move(steps)}, {"peak_step", r.plan->peak_step}};
  doc["budget"] = r.budget ? json(*r.budget) : json(nullptr);
  if (r.arena) {
    json held = json::array();
    for (uint64_t h : r.arena->first_run_held_by_node) held.push_back(h + r.arena->library_bytes);
    doc["held"] = std::move(held);
  }
  if (r.partition) {
    json placement = json::object();
    for (const auto& e : r.partition->entries)
      placement[std::to_string(e.node)] = {e.greedy_gpu, e.liveness_gpu, e.cost, e.liveness_need};
    doc["partition"] = std::move(placement);
  }
  return doc;
}

constexpr const char* kStyle = R"CSS(
:root{--fg:#1d2329;--muted:#5b6770;--line:#d9dee3;--bg:#f6f7f9;--card:#fff;--accent:#2c6fbb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",Arial,sans-serif;
  color:var(--fg);background:var(--bg)}
main{max-width:1500px;margin:0 auto;padding:18px 22px 40px}
h1{font-size:20px;margin:0;word-break:break-all}
h2{font-size:16px;margin:0 0 8px}
.sub{color:var(--muted);margin:2px 0 10px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 12px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;word-break:break-word}
.verdict{font-size:16px;font-weight:600;padding:9px 14px;border-radius:6px;margin:0 0 12px;border-left:6px solid}
.verdict.fits{background:#e7f5ea;border-color:#2e8b47;color:#1c5a2e}
.verdict.nofit{background:#fdeaea;border-color:#c62828;color:#8e1b1b}
.verdict.unsure{background:#fff4df;border-color:#d48a00;color:#7a4f00}
.verdict ul.reasons{margin:4px 0 0;font-size:14px;font-weight:400}
dl.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;margin:0}
.fig{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.fig dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.fig dd{margin:2px 0;font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}
.fig small{color:var(--muted);display:block;word-break:break-word}
section,.panel{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 14px;margin-top:14px}
.top{display:grid;grid-template-columns:minmax(0,1fr) 420px;gap:14px;align-items:start}
.top>.panel{margin-top:14px}.leftcol{min-width:0}
@media (max-width:1150px){.top{grid-template-columns:1fr}}
#timeline{width:100%;height:auto;display:block;cursor:crosshair;font-size:12px}
#timeline .grid{stroke:#e8ebee}#timeline .axisline{stroke:#6b747c}
#timeline .axis{fill:#4a535a}
.l-weights{fill:#8da0cb}.l-cublas{fill:#a6d854}.l-act{fill:#66c2a5}.l-ws{fill:#fc8d62}
#timeline .budget{stroke:#c62828;stroke-width:2;stroke-dasharray:7 4}
#timeline .budgetlabel{fill:#c62828;font-weight:700}
#timeline .stop{stroke:#7b3294;stroke-width:1.5;stroke-dasharray:3 3}#timeline .stoplabel{fill:#7b3294;font-weight:600}
#timeline .peak{fill:#111}
#timeline .held{fill:none;stroke:#222;stroke-width:2}
#timeline .steady{stroke:#222;stroke-dasharray:2 3}#timeline .steadylabel{fill:#222}
#timeline .peaklabel{font-weight:700;paint-order:stroke;stroke:#fff;stroke-width:4px}
#timeline .cursor{stroke:#111;stroke-width:1.5}#timeline .cursor.hover{stroke:#888;stroke-dasharray:2 2}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;color:var(--muted);margin-top:4px}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.sw.l-weights{background:#8da0cb}.sw.l-cublas{background:#a6d854}
.sw.l-act{background:#66c2a5}.sw.l-ws{background:#fc8d62}
.sw.heldsw{height:0;border-top:2px solid #222;vertical-align:3px}
.sw.budgetsw{height:0;border-top:2px dashed #c62828;vertical-align:3px}
.sw.stopsw{width:0;border-left:2px dashed #7b3294}
#tip{position:fixed;pointer-events:none;background:#222;color:#fff;padding:5px 8px;border-radius:4px;font-size:12px;
  max-width:420px;display:none;z-index:9}
#detail h3{margin:0 0 2px;font-size:15px;word-break:break-all}
#detail .muted,.note,.hint{color:var(--muted)}
#detail p,#detail li{overflow-wrap:anywhere}
#detail table{font-size:12px;margin:4px 0 8px}
#detail td{vertical-align:top}
#detail .src{color:var(--muted);font-size:11px;word-break:break-word;padding:0 8px 5px 8px;
  border-bottom:1px solid #e3e6e9}
#detail td{border-bottom:0}#detail .bufname{font-weight:600;word-break:break-all}
#detail ul{margin:2px 0 8px;padding-left:18px}
#detail h4{margin:8px 0 2px;font-size:13px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eef0f2}
th{background:#fafbfc;position:sticky;top:0;z-index:1;font-weight:600;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.sortable{cursor:pointer;color:var(--accent)}
th.sorted-desc::after{content:" ↓"}th.sorted-asc::after{content:" ↑"}
.tablewrap{max-height:70vh;overflow:auto;position:relative;border:1px solid var(--line);border-radius:4px}
#node-table tbody tr{cursor:pointer}
#node-table tbody tr:hover{background:#f3f7fc}
#node-table tr.sel{background:#fff2c6}
#node-table td.name{min-width:220px;max-width:380px;overflow-wrap:anywhere}
#node-table td.detail{color:var(--muted);max-width:420px}
#node-table tr.unknown td.detail{color:#a23a00}
.ex{font-size:12px;padding:0 6px;border-radius:8px;white-space:nowrap}
.ex-exact{background:#e3f4e6;color:#1c5a2e}.ex-upper_bound{background:#e4edf9;color:#1f4f8f}
.ex-heuristic{background:#fff1d6;color:#7a4f00}.ex-unknown{background:#fde4e4;color:#8e1b1b}
td.gpu{color:#1c5a2e}td.cpu{color:#8e1b1b;font-weight:600}td.bad{color:#a23a00;font-weight:600}
.controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin-bottom:8px}
#op-table{width:auto;min-width:60%}
#selftest-result{white-space:pre-wrap}
)CSS";

// The page's script. The node detail is built with textContent only, so model strings never become markup.
// With #selftest in the address it checks the page it is in and writes PASS or FAIL into
// #selftest-result, for tests/html_report_browser_test.py to read back with chromium --dump-dom.
constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  var selftest = location.hash === '#selftest';
  var problems = [];
  if (selftest) {
    window.addEventListener('error', function (e) {
      problems.push('error: ' + (e.message || (e.target && e.target.tagName) || 'a resource failed'));
    }, true);
    document.addEventListener('securitypolicyviolation', function (e) {
      problems.push('blocked by the page policy: ' + e.violatedDirective + ' ' + e.blockedURI);
    });
    var consoleError = console.error;
    console.error = function () {
      problems.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
      consoleError.apply(console, arguments);
    };
  }
  var data = JSON.parse(document.getElementById('wsest-data').textContent);
  var svg = document.getElementById('timeline');
  var tbody = document.querySelector('#node-table tbody');
  var rows = Array.prototype.slice.call(tbody.rows);
  var rowOf = {};
  rows.forEach(function (tr) { rowOf[tr.dataset.i] = tr; });
  var stepOf = {};
  data.steps.forEach(function (s, k) { stepOf[s[0]] = k; });
  var left = +svg.dataset.left, bar = +svg.dataset.bar, nsteps = +svg.dataset.steps;
  var selected = null;

  function hb(b) {
    if (b === null || b === undefined) return 'unknown';
    if (b < 1024) return b + ' B';
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'], u = 0;
    while (b >= 1024 && u < 6) { b /= 1024; ++u; }
    return b.toFixed(1) + ' ' + units[u];
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function label(i) { return '#' + i + ' ' + (data.nodes[i].name || '(unnamed)'); }
  function stepAt(clientX, clientY) {
    var p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    var ctm = svg.getScreenCTM(), at = p.matrixTransform(ctm.inverse());
    // A pointer within two pixels of the plot's ends means the end step: with thousands of nodes a
    // step is a fraction of a pixel, and the first one would be out of reach.
    var reach = 2 / ctm.a, k = Math.floor((at.x - left) / bar);
    if (k < 0 && at.x >= left - reach) k = 0;
    if (k >= nsteps && at.x <= left + bar * nsteps + reach) k = nsteps - 1;
    return k < 0 || k >= nsteps ? null : k;
  }
  function placeLine(id, k) {
    var line = document.getElementById(id);
    if (k === null || k === undefined) { line.setAttribute('visibility', 'hidden'); return; }
    var x = (left + bar * (k + 0.5)).toFixed(2);
    line.setAttribute('x1', x); line.setAttribute('x2', x);
    line.setAttribute('visibility', 'visible');
  }

  function showDetail(i) {
    var n = data.nodes[i], box = document.getElementById('detail');
    box.textContent = '';
    box.appendChild(el('h3', label(i)));
    box.appendChild(el('div', n.op + (n.variant ? ' · variant ' + n.variant : ''), 'muted'));
    var ws = el('p');
    ws.appendChild(el('b', 'workspace ' + hb(n.ws)));
    ws.appendChild(document.createTextNode(n.ws === null ? '' : ' (' + n.ws + ' B) '));
    ws.appendChild(el('span', n.ex, 'ex ex-' + n.ex));
    box.appendChild(ws);
    if (n.reason) box.appendChild(el('p', (n.ex === 'unknown' ? 'why unknown: ' : 'note: ') + n.reason));
    var k = stepOf[i];
    if (k !== undefined) {
      var s = data.steps[k], total = s[1] + s[2] + s[3] + s[4];
      var mem = 'memory while it runs: ' + hb(total) + ' = weights ' + hb(s[1]) + ' + activations ' + hb(s[2]) +
          ' + workspace ' + hb(s[3]) + (s[4] ? ' + cuBLAS ' + hb(s[4]) : '');
      if (data.budget) mem += ' (' + (100 * total / data.budget).toFixed(0) + '% of the budget)';
      box.appendChild(el('p', mem));
      if (data.held && k < data.held.length)
        box.appendChild(el('p', 'ORT holds after it in run 1: ' + hb(data.held[k]) + ' (arena + cuBLAS)'));
    }
    if (data.partition) {
      var place = data.partition[i];
      box.appendChild(el('p', place ? 'partition: greedy ' + (place[0] ? 'GPU' : 'CPU') + ' (cost ' + hb(place[2]) +
          '), liveness-aware ' + (place[1] ? 'GPU' : 'CPU') + ' (needs ' + hb(place[3]) + ')' :
          'partition: folded into an initializer, not partitioned'));
    }
    if (n.buffers.length) {
      box.appendChild(el('h4', 'buffers'));
      var t = el('table');
      n.buffers.forEach(function (b) {
        var tr = t.insertRow();
        tr.appendChild(el('td', b[0], 'bufname'));
        tr.appendChild(el('td', hb(b[1]), 'num'));
        tr.appendChild(el('td', b[2], 'muted'));
        var src = el('td', b[3], 'src');
        src.colSpan = 3;
        t.insertRow().appendChild(src);
      });
      box.appendChild(t);
    }
    if (n.candidates.length) {
      box.appendChild(el('h4', "kernels tried, in the EP's order"));
      var ul = el('ul');
      n.candidates.forEach(function (c) {
        // Estimators may phrase a rejection whole ("flash: rejected, ..."), as --node prints it.
        var why = c[1] === null ? 'feasible' + (c[2] !== null ? ', ' + hb(c[2]) : '') :
            c[1].indexOf(c[0] + ': ') === 0 ? c[1].slice(c[0].length + 2) : 'rejected: ' + c[1];
        var li = el('li');
        li.appendChild(el('b', c[0]));
        li.appendChild(document.createTextNode(' ' + why));
        if (c[1] !== null) li.className = 'muted';
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    [['inputs', n.inputs], ['outputs', n.outputs]].forEach(function (io) {
      if (!io[1].length) return;
      box.appendChild(el('h4', io[0]));
      var ul = el('ul');
      io[1].forEach(function (text) { ul.appendChild(el('li', text)); });
      box.appendChild(ul);
    });
  }

  function select(i, scrollTable) {
    if (selected !== null && rowOf[selected]) rowOf[selected].classList.remove('sel');
    selected = i;
    var tr = rowOf[i];
    tr.classList.add('sel');
    placeLine('select-line', stepOf[i]);
    showDetail(i);
    if (scrollTable) {
      var wrap = tr.closest('.tablewrap');
      if (tr.offsetTop < wrap.scrollTop + 30 || tr.offsetTop > wrap.scrollTop + wrap.clientHeight - 30)
        wrap.scrollTop = tr.offsetTop - wrap.clientHeight / 2;
    }
  }

  var tip = document.getElementById('tip');
  svg.addEventListener('mousemove', function (e) {
    var k = stepAt(e.clientX, e.clientY);
    placeLine('hover-line', k);
    if (k === null) { tip.style.display = 'none'; return; }
    var s = data.steps[k], n = data.nodes[s[0]];
    tip.textContent = label(s[0]) + ' (' + n.op + '): ' + hb(s[1] + s[2] + s[3] + s[4]) + ', workspace ' + hb(n.ws);
    tip.style.display = 'block';
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 300) + 'px';
    tip.style.top = (e.clientY + 14) + 'px';
  });
  svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; placeLine('hover-line', null); });
  svg.addEventListener('click', function (e) {
    var k = stepAt(e.clientX, e.clientY);
    if (k !== null) select(data.steps[k][0], true);
  });
  tbody.addEventListener('click', function (e) {
    var tr = e.target.closest('tr');
    if (tr) select(+tr.dataset.i, false);
  });

  var sortKey = 'i', sortDesc = false;
  function sortBy(key, desc) {
    sortKey = key; sortDesc = desc;
    var sorted = rows.slice().sort(function (a, b) {
      var d = +a.dataset[key] - +b.dataset[key];
      if (d === 0) d = +a.dataset.i - +b.dataset.i;
      else if (desc) d = -d;
      return d;
    });
    sorted.forEach(function (tr) { tbody.appendChild(tr); });
    document.querySelectorAll('#node-table th.sortable').forEach(function (th) {
      th.classList.remove('sorted-asc', 'sorted-desc');
      if (th.dataset.sort === key) th.classList.add(desc ? 'sorted-desc' : 'sorted-asc');
    });
  }
  document.querySelectorAll('#node-table th.sortable').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.dataset.sort;
      sortBy(key, key === sortKey ? !sortDesc : key === 'ws');
    });
  });

  var opSel = document.getElementById('filter-op'), exSel = document.getElementById('filter-ex');
  var nameIn = document.getElementById('filter-name');
  function applyFilters() {
    var op = opSel.value, ex = exSel.value, name = nameIn.value.toLowerCase(), shown = 0;
    rows.forEach(function (tr) {
      var keep = (!op || tr.dataset.op === op) && (!ex || tr.dataset.ex === ex) &&
          (!name || tr.dataset.name.toLowerCase().indexOf(name) >= 0);
      tr.hidden = !keep;
      if (keep) ++shown;
    });
    document.getElementById('row-count').textContent = shown === rows.length ? rows.length + ' nodes' :
        shown + ' of ' + rows.length + ' nodes';
    return shown;
  }
  [opSel, exSel].forEach(function (s) { s.addEventListener('change', applyFilters); });
  nameIn.addEventListener('input', applyFilters);
  document.querySelectorAll('a.opfilter').forEach(function (a) {
    a.addEventListener('click', function () { opSel.value = a.dataset.op; exSel.value = ''; applyFilters(); });
  });

  if (data.steps.length) select(data.steps[data.peak_step][0], false);

  if (!selftest) return;
  function check(what, ok) { if (!ok) problems.push(what); }
  check('one table row per node (' + rows.length + ' rows, ' + data.nodes.length + ' nodes)',
        rows.length === data.nodes.length);
  rows.forEach(function (tr, k) {
    if (+tr.dataset.i !== k) problems.push('row ' + k + ' has data-i ' + tr.dataset.i);
  });
  // Click where the writer drew a node (the x-axis ticks under their steps, the peak's marker), not
  // where this script thinks steps are, so that the two are checked against each other.
  svg.scrollIntoView();  // elementFromPoint sees only the viewport
  var targets = [];
  svg.querySelectorAll('text.xtick').forEach(function (t) {
    targets.push([+t.getAttribute('x'), +t.textContent.slice(1), 'the x-axis tick ' + t.textContent]);
  });
  var peak = svg.querySelector('circle.peak');
  if (peak) targets.push([+peak.getAttribute('cx'), data.steps[data.peak_step][0], 'the peak marker']);
  check('the timeline has x-axis ticks', targets.length > 1 || data.steps.length < 2);
  // Mouse events carry whole pixels: where a step is narrower than 2 pixels (thousands of nodes),
  // the node selected may be one a few pixels away.
  var stepPx = svg.getScreenCTM().a * bar, slack = stepPx >= 2 ? 0 : Math.ceil(3 / stepPx);
  targets.forEach(function (t) {
    if (selected !== null) rowOf[selected].classList.remove('sel');
    selected = null;  // so that only this click can select
    var ctm = svg.getScreenCTM(), y = +svg.dataset.top + 10;
    var x = ctm.a * t[0] + ctm.e, cy = ctm.d * y + ctm.f;
    var hit = document.elementFromPoint(x, cy);
    check('the point of ' + t[2] + ' is on the timeline', hit !== null && svg.contains(hit));
    var want = t[1];
    if (hit) hit.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: x, clientY: cy}));
    var hovered = +tip.textContent.slice(1).split(' ')[0];
    check('hovering at ' + t[2] + ' names node ' + want + ' (named ' + tip.textContent + ')',
          tip.style.display === 'block' && Math.abs(stepOf[hovered] - stepOf[want]) <= slack);
    if (hit) hit.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: cy}));
    check('a click at ' + t[2] + ' selects node ' + want + (slack ? ' (within ' + slack + ' steps)' : '') +
          ' (selected ' + selected + ')',
          selected !== null && Math.abs(stepOf[selected] - stepOf[want]) <= slack);
    if (selected === null) return;
    check('the detail names the selected node ' + selected,
          document.querySelector('#detail h3').textContent === label(selected));
    check('the row of node ' + selected + ' is highlighted', rowOf[selected].classList.contains('sel'));
  });
  sortBy('ws', true);
  var ws = Array.prototype.map.call(tbody.rows, function (tr) { return +tr.dataset.ws; });
  for (var k = 1; k < ws.length; ++k) check('sorted by workspace at row ' + k, ws[k - 1] >= ws[k]);
  sortBy('i', false);
  Array.prototype.forEach.call(tbody.rows, function (tr, k) {
    check('sorted by index at row ' + k, +tr.dataset.i === k);
  });
  var unknown = data.nodes.filter(function (n) { return n.ex === 'unknown'; }).length;
  exSel.value = 'unknown';
  check('the unknown filter shows ' + unknown + ' rows', applyFilters() === unknown);
  exSel.value = '';
  if (data.nodes.length) {
    opSel.value = data.nodes[0].op;
    var sameOp = data.nodes.filter(function (n) { return n.op === data.nodes[0].op; }).length;
    check('the op filter shows ' + sameOp + ' rows', applyFilters() === sameOp);
    opSel.value = '';
  }
  check('no filter shows every row', applyFilters() === rows.length);
  var out = document.getElementById('selftest-result');
  out.textContent = problems.length ? 'FAIL\n' + problems.join('\n') : 'PASS ' + rows.length + ' rows';
})();
)JS";

}  // namespace

HtmlArenaFigures ArenaFiguresFrom(const SessionMemory& memory, const PeakPlan& plan) {
  HtmlArenaFigures a;
  a.library_bytes = plan.cublas_bytes;
  a.first_run_held_by_node = memory.first_run_held_by_node;
  a.session = memory.session;
  a.first_run = memory.first_run;
  a.steady = memory.steady;
  a.memory_pattern_used = memory.memory_pattern_used;
  a.lower_bound = memory.lower_bound();
  a.out_of_memory = memory.out_of_memory;
  a.out_of_memory_at = memory.out_of_memory_at;
  return a;
}

void WriteHtmlReport(const HtmlReport& r, std::ostream& stream) {
  std::string out;
  out.reserve(4096 + 600 * r.estimate->nodes.size());
  auto fmt_out = std::back_inserter(out);
  // The policy forbids every fetch: a page that tried to load anything would show a console error.
  fmt::format_to(fmt_out,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                 "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"wsest {}\">\n<title>wsest: {}</title>\n<style>{}</style>\n"
                 "</head>\n<body>\n<main>\n",
                 Html(Version()), Html(r.estimate->model_path), kStyle);
  WriteHeader(r, out);
  // Left: the timeline, the partition and the per-op summary; right: the selected node, often as tall.
  out +=
      "<div class=\"top\">\n<div class=\"leftcol\">\n<section id=\"memory\"><h2>GPU memory over execution order</h2>\n";
  WriteTimeline(r, out);
  if (r.plan->unknown_workspace_nodes > 0)
    fmt::format_to(fmt_out,
                   "<p class=\"note\">{} node(s) without a workspace estimate count 0: the peak is a lower "
                   "bound.</p>\n",
                   r.plan->unknown_workspace_nodes);
  out +=
      "<p class=\"note\">Hover for a node, click to select it. Activations are the tensors live while the node "
      "runs; workspace is its scratch (the estimate).</p></section>\n";
  if (r.partition) WritePartition(r, out);
  WriteOpSummary(r, out);
  out +=
      "</div>\n<aside class=\"panel\" id=\"detail\"><p class=\"muted\">Select a node on the timeline or in the "
      "table to see its variant, buffers with their sources, and the kernels the EP rejected.</p></aside>\n</div>\n";
  WriteNodeTable(r, out);
  fmt::format_to(fmt_out,
                 "<div id=\"tip\"></div><pre id=\"selftest-result\"></pre>\n"
                 "<script type=\"application/json\" id=\"wsest-data\">{}</script>\n<script>{}</script>\n"
                 "</main>\n</body>\n</html>\n",
                 ScriptJson(PageData(r)), kScript);
  stream.write(out.data(), static_cast<std::streamsize>(out.size()));
}

}  // namespace wsest
