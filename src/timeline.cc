// One bar per executed node (a filled step chart when there are many), stacked bottom-up:
// weights, cuBLAS handle workspace, live activations, the node's workspace. Y axis in binary units
// with round ticks; the budget as a dashed red line; the peak bar outlined and labelled.
#include "src/timeline.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>

#include "src/chart_axis.h"
#include "src/text.h"

namespace wsest {
namespace {

std::string Escape(const std::string& s) { return EscapeMarkup(s); }

struct Layer {
  const char* name;
  const char* color;
};
constexpr Layer kLayers[] = {
    {"weights", "#8da0cb"}, {"cuBLAS handle workspace", "#a6d854"}, {"activations", "#66c2a5"},
    {"workspace", "#fc8d62"}};

}  // namespace

void WriteTimelineSvg(const Model& model, const PeakPlan& plan, const TimelineOptions& options, std::ostream& out) {
  const int w = options.width;
  const int h = options.height;
  const double left = 96, right = 24, top = 92, bottom = 72;
  const double pw = w - left - right;
  const double ph = h - top - bottom;
  const size_t n = plan.steps.size();

  double ymax = static_cast<double>(std::max<uint64_t>(plan.peak_bytes, 1));
  if (options.budget) ymax = std::max(ymax, static_cast<double>(*options.budget));
  for (uint64_t held : options.held_by_node) ymax = std::max(ymax, static_cast<double>(held));
  if (options.steady_held) ymax = std::max(ymax, static_cast<double>(*options.steady_held));
  ymax *= 1.08;
  const double tick = TickStep(ymax, 6);
  ymax = std::ceil(ymax / tick) * tick;
  auto y_of = [&](double bytes) { return top + ph - bytes / ymax * ph; };
  const double bar = n > 0 ? pw / static_cast<double>(n) : pw;
  auto x_of = [&](size_t step) { return left + bar * static_cast<double>(step); };

  fmt::print(out,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
             "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"13\">\n",
             w, h, w, h);
  fmt::print(out, "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"white\"/>\n", w, h);
  const std::string title = options.title.empty() ? model.path() : options.title;
  fmt::print(out, "<text x=\"{}\" y=\"26\" font-size=\"17\" font-weight=\"bold\">{}</text>\n", left,
             Escape(title));
  if (!options.subtitle.empty())
    fmt::print(out, "<text x=\"{}\" y=\"46\" fill=\"#444\">{}</text>\n", left, Escape(options.subtitle));

  // Legend.
  double lx = left;
  for (const auto& layer : kLayers) {
    fmt::print(out, "<rect x=\"{:.1f}\" y=\"58\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", lx, layer.color);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"69\">{}</text>\n", lx + 17, layer.name);
    lx += 30 + 7.4 * static_cast<double>(std::string(layer.name).size());
  }
  if (!options.held_by_node.empty()) {
    fmt::print(out, "<line x1=\"{:.1f}\" y1=\"64\" x2=\"{:.1f}\" y2=\"64\" stroke=\"#222\" stroke-width=\"2\"/>\n",
               lx, lx + 24);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"69\">ORT holds (arena + cuBLAS)</text>\n", lx + 30);
    lx += 230;
  }
  if (options.budget) {
    fmt::print(out, "<line x1=\"{:.1f}\" y1=\"64\" x2=\"{:.1f}\" y2=\"64\" stroke=\"#d62728\" stroke-width=\"2\" "
               "stroke-dasharray=\"6,4\"/>\n", lx, lx + 24);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"69\">budget</text>\n", lx + 30);
  }

  // Grid and y axis.
  for (double v = 0; v <= ymax + tick / 2; v += tick) {
    const double y = y_of(v);
    fmt::print(out, "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e5e5e5\"/>\n", left, y,
               left + pw, y);
    fmt::print(out, "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#333\">{}</text>\n", left - 8, y + 4,
               TickLabel(v, ymax));
  }

  // Stacked bars.
  for (size_t i = 0; i < n; ++i) {
    const MemoryStep& s = plan.steps[i];
    const uint64_t parts[4] = {s.weights, s.cublas, s.activations, s.workspace};
    double base = 0;
    const NodeView& node = model.nodes()[s.node];
    for (int k = 0; k < 4; ++k) {
      if (parts[k] == 0) continue;
      const double y0 = y_of(base);
      const double y1 = y_of(base + static_cast<double>(parts[k]));
      fmt::print(out, "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\">"
                 "<title>#{} {} ({}): {} {}</title></rect>\n",
                 x_of(i), y1, std::max(bar, 0.5) + (n > 200 ? 0.3 : 0.0), std::max(y0 - y1, 0.0), kLayers[k].color,
                 s.node, Escape(node.name.empty() ? "(unnamed)" : node.name), Escape(node.op_type), kLayers[k].name,
                 HumanBytes(parts[k]));
      base += static_cast<double>(parts[k]);
    }
  }

  // The arena's held bytes: a step line over the bars (held memory never falls during a run), and
  // the steady state after the first run as a dotted line.
  if (!options.held_by_node.empty()) {
    std::string points;
    for (size_t i = 0; i < options.held_by_node.size() && i < n; ++i) {
      const double y = y_of(static_cast<double>(options.held_by_node[i]));
      points += fmt::format("{:.2f},{:.2f} {:.2f},{:.2f} ", x_of(i), y, x_of(i) + bar, y);
    }
    fmt::print(out, "<polyline points=\"{}\" fill=\"none\" stroke=\"#222\" stroke-width=\"2\">"
               "<title>device memory ORT holds during the first run (arena + cuBLAS)</title></polyline>\n", points);
  }
  if (options.steady_held) {
    const double y = y_of(static_cast<double>(*options.steady_held));
    fmt::print(out, "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#222\" "
               "stroke-dasharray=\"2,3\"/>\n", left, y, left + pw, y);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#222\">steady state {}</text>\n", left + 6, y - 5,
               HumanBytes(*options.steady_held));
  }

  // Axes.
  fmt::print(out, "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n", left, top + ph,
             left + pw, top + ph);
  fmt::print(out, "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n", left, top, left, top + ph);
  const size_t xticks = std::min<size_t>(n, 10);
  for (size_t t = 0; t <= xticks && n > 0; ++t) {
    const size_t step = std::min(n - 1, t * (n - 1) / std::max<size_t>(xticks, 1));
    const double x = x_of(step) + bar / 2;
    fmt::print(out, "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n", x, top + ph, x,
               top + ph + 5);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#333\">{}</text>\n", x,
               top + ph + 20, step);
  }
  fmt::print(out, "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333\">execution order (node #, ORT's "
             "sequential executor)</text>\n", left + pw / 2, h - 18);
  fmt::print(out, "<text transform=\"translate(18,{:.1f}) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">GPU "
             "memory</text>\n", top + ph / 2);

  // Budget line.
  if (options.budget) {
    const double y = y_of(static_cast<double>(*options.budget));
    const std::string verdict = !options.verdict.empty()          ? options.verdict
                                : plan.peak_bytes <= *options.budget ? "fits"
                                                                     : "does not fit";
    fmt::print(out, "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#d62728\" stroke-width=\"2\" "
               "stroke-dasharray=\"6,4\"/>\n", left, y, left + pw, y);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#d62728\" font-weight=\"bold\">"
               "budget {}: {}</text>\n", left + pw - 4, y - 6, HumanBytes(*options.budget),
               verdict);
  }

  // Peak marker.
  if (const MemoryStep* p = plan.peak()) {
    const double x = x_of(plan.peak_step) + bar / 2;
    const double y = y_of(static_cast<double>(plan.peak_bytes));
    const NodeView& node = model.nodes()[p->node];
    fmt::print(out, "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#111\" "
               "stroke-dasharray=\"2,3\"/>\n", x, y, x, top + ph);
    fmt::print(out, "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" fill=\"#111\"/>\n", x, y);
    const bool right_half = x > left + pw * 0.6;
    const std::string label = fmt::format("peak {} at #{} {} ({})", HumanBytes(plan.peak_bytes), p->node,
                                          node.name.empty() ? "(unnamed)" : node.name, node.op_type);
    const std::string parts =
        fmt::format("weights {} + activations {} + workspace {}{}", HumanBytes(p->weights), HumanBytes(p->activations),
                    HumanBytes(p->workspace), p->cublas ? fmt::format(" + cuBLAS {}", HumanBytes(p->cublas)) : "");
    const double ty = std::max(top + 14, y - 24);
    fmt::print(out, "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" font-weight=\"bold\" "
               "stroke=\"white\" stroke-width=\"4\" paint-order=\"stroke\">{}</text>\n",
               right_half ? x - 8 : x + 8, ty, right_half ? "end" : "start", Escape(label));
    fmt::print(out, "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\" fill=\"#333\" stroke=\"white\" "
               "stroke-width=\"4\" paint-order=\"stroke\">{}</text>\n",
               right_half ? x - 8 : x + 8, ty + 16, right_half ? "end" : "start", Escape(parts));
  }
  if (plan.unknown_workspace_nodes > 0) {
    fmt::print(out, "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"end\" fill=\"#b15928\">{} node(s) without a workspace "
               "estimate count 0: the peak is a lower bound</text>\n", left + pw, h - 40,
               plan.unknown_workspace_nodes);
  }
  out << "</svg>\n";
}

}  // namespace wsest
