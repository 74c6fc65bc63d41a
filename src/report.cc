#include "src/report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <string_view>
#include <nlohmann/json.hpp>

#include "src/text.h"
#include "wsest/bytes.h"
#include "wsest/plan.h"
#include "wsest/registry.h"

namespace wsest {
namespace {

std::string ShapeText(const TensorInfo& t) {
  if (!t.present()) return "(omitted)";
  std::string dims;
  if (!t.has_shape) {
    dims = "?";
  } else {
    std::vector<std::string> parts;
    for (const auto& d : t.dims) parts.push_back(d.known() ? std::to_string(d.value) : (d.symbol.empty() ? "?" : d.symbol));
    dims = fmt::format("[{}]", fmt::join(parts, ", "));
  }
  return fmt::format("{} {}", DataTypeName(t.dtype), dims);
}

// " = 16000", " = [4, -1, 2]": the values known before the run (a constant, a folded shape
// computation, a --value), the first 16 of a longer one; empty when none are known.
std::string ValuesText(const TensorInfo& t) {
  if (!t.int_values) return "";
  const std::vector<int64_t>& v = *t.int_values;
  if (t.has_shape && t.dims.empty() && v.size() == 1) return fmt::format(" = {}", v[0]);
  constexpr size_t kShown = 16;
  if (v.size() <= kShown) return fmt::format(" = [{}]", fmt::join(v, ", "));
  return fmt::format(" = [{}, ... ({} values)]", fmt::join(v.begin(), v.begin() + kShown, ", "), v.size());
}

std::string Truncate(const std::string& s, size_t width) {
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

std::string WorkspaceText(const Estimate& e) {
  auto bytes = e.workspace_bytes();
  return bytes ? HumanBytes(*bytes) : "-";
}

// The cause of an unknown estimate, from its reason: what the user would change to get a number.
std::string UnknownCause(const Estimate& e) {
  const std::string& r = e.reason;
  const auto lost = r.find("was lost at ");
  if (lost != std::string::npos) {
    std::string where = r.substr(lost + 12);
    if (!where.empty() && where.back() == ')') where.pop_back();
    return "shape lost at " + where;
  }
  if (r.rfind("no estimator", 0) == 0) return "no estimator";
  if (r.find("record") != std::string::npos || r.find("GPU") != std::string::npos)
    return "a library decides (no GPU, no record)";
  if (r.find("symbolic") != std::string::npos) return "symbolic dim";
  if (r.find("no shape") != std::string::npos) return "no shape";
  return "not modelled";
}

std::string NodeName(const NodeEstimate& n) { return n.name.empty() ? fmt::format("#{}", n.index) : n.name; }

}  // namespace

void WriteTable(const ModelEstimate& estimate, const Model& model, std::ostream& out, TableRows rows) {
  fmt::print(out, "model:  {}\ndevice: {}\nep:     {}\ncudnn:  {}\n\n", estimate.model_path, estimate.device,
             estimate.ep, estimate.cudnn);
  size_t name_width = 4;
  size_t op_width = 2;
  size_t variant_width = 7;
  for (const auto& n : estimate.nodes) {
    name_width = std::max(name_width, std::min<size_t>(40, NodeName(n).size()));
    op_width = std::max(op_width, std::min<size_t>(32, n.op_type.size()));
    variant_width = std::max(variant_width, std::min<size_t>(24, n.estimate.variant.size()));
  }
  // One line per node, appended to one buffer and written once: a 10k-node report spent most of
  // its time parsing format strings and measuring widths per cell (bench/, callgrind).
  std::string table;
  table.reserve((name_width + op_width + variant_width + 60) * (estimate.nodes.size() + 1));
  auto cell = [&table](std::string_view text, size_t width) {
    if (text.size() > width) {
      table.append(text.substr(0, width - 3)).append("...");
    } else {
      table.append(text).append(width - text.size(), ' ');
    }
    table.append("  ");
  };
  auto row = [&](std::string_view name, std::string_view op, std::string_view variant, std::string_view workspace,
                 std::string_view exactness, std::string_view detail) {
    cell(name, name_width);
    cell(op, op_width);
    cell(variant, variant_width);
    table.append(workspace.size() < 10 ? 10 - workspace.size() : 0, ' ').append(workspace).append("  ");
    cell(exactness, 11);
    table.append(detail).append("\n");
  };
  row("node", "op", "variant", "workspace", "exactness", "largest buffer");
  std::string unnamed;
  for (const auto& n : estimate.nodes) {
    const Buffer* largest = n.estimate.largest_buffer();
    const bool known = n.estimate.known();
    if (rows == TableRows::kUnknown && known) continue;
    if (rows == TableRows::kWorkspace && n.estimate.workspace_bytes().value_or(0) == 0) continue;
    std::string_view detail = known ? (largest ? std::string_view(largest->name) : std::string_view())
                                    : std::string_view(n.estimate.reason);
    std::string detail_cut;
    if (!known && detail.size() > 60) detail = detail_cut = Truncate(n.estimate.reason, 60);
    if (n.name.empty()) unnamed = fmt::format("#{}", n.index);
    row(n.name.empty() ? std::string_view(unnamed) : std::string_view(n.name), n.op_type,
        known ? std::string_view(n.estimate.variant) : std::string_view("-"), WorkspaceText(n.estimate),
        ExactnessName(n.estimate.exactness), detail);
  }
  out.write(table.data(), static_cast<std::streamsize>(table.size()));
  const auto& s = estimate.summary;
  fmt::print(out, "\nsummary\n");
  fmt::print(out, "  nodes:        {}\n", s.nodes);
  fmt::print(out, "  estimated:    {} (exact {}, upper_bound {}, heuristic {})\n", s.estimated, s.exact, s.upper_bound,
             s.heuristic);
  fmt::print(out, "  unknown:      {}\n", s.unknown);
  if (s.largest_node && s.workspace_max_bytes > 0) {
    const auto& n = estimate.nodes[*s.largest_node];
    fmt::print(out, "  largest node: {} ({}), {}\n", NodeName(n), n.op_type, HumanBytes(s.workspace_max_bytes));
  }
  fmt::print(out, "  workspace:    max {}, sum {} ({} B)\n", HumanBytes(s.workspace_max_bytes),
             HumanBytes(s.workspace_sum_bytes), s.workspace_sum_bytes);
  // The weights as the memory section counts them (PlanPeak).
  const Bytes weights = WeightBytes(model);
  fmt::print(out, "  weights:      {}\n", weights.overflow() ? std::string("over 2^64 B") : HumanBytes(weights.value()));
  if (!s.value_inputs.empty()) {
    std::vector<std::string> flags;
    for (const std::string& name : s.value_inputs) flags.push_back(fmt::format("--value {}=...", name));
    fmt::print(out, "  run time:     an If's branch or a Loop's trip count depends on the value of {}: {} settles it\n",
               fmt::format("'{}'", fmt::join(s.value_inputs, "', '")), fmt::join(flags, " "));
  }
  if (s.unknown > 0) {
    // Grouped by cause, so the one thing to fix (a dim, a lost shape, a missing record) is one line.
    std::map<std::string, std::map<std::string, size_t>> by_cause;
    for (const auto& n : estimate.nodes)
      if (!n.estimate.known()) ++by_cause[UnknownCause(n.estimate)][(n.domain.empty() ? "" : n.domain + ".") + n.op_type];
    fmt::print(out, "  unknown causes:\n");
    for (const auto& [cause, ops] : by_cause) {
      std::vector<std::string> parts;
      size_t count = 0;
      for (const auto& [op, k] : ops) {
        parts.push_back(fmt::format("{} x{}", op, k));
        count += k;
      }
      fmt::print(out, "    {} {}: {}\n", count, cause, fmt::join(parts, ", "));
    }
  }
}

void WriteJson(const ModelEstimate& estimate, std::ostream& out) {
  using nlohmann::json;
  json nodes = json::array();
  for (const auto& n : estimate.nodes) {
    json buffers = json::array();
    for (const auto& b : n.estimate.buffers)
      buffers.push_back({{"name", b.name}, {"bytes", b.bytes}, {"source", b.source},
                         {"allocator", AllocatorName(b.allocator)}});
    json candidates = json::array();
    for (const auto& c : n.estimate.candidates) {
      json cj = {{"variant", c.variant}};
      cj["rejected_because"] = c.rejected_because.empty() ? json(nullptr) : json(c.rejected_because);
      cj["bytes"] = c.bytes ? json(*c.bytes) : json(nullptr);
      candidates.push_back(std::move(cj));
    }
    const auto bytes = n.estimate.workspace_bytes();
    nodes.push_back({{"index", n.index},
                     {"name", n.name},
                     {"op_type", n.op_type},
                     {"domain", n.domain},
                     {"variant", n.estimate.known() ? json(n.estimate.variant) : json(nullptr)},
                     {"workspace_bytes", bytes ? json(*bytes) : json(nullptr)},
                     {"exactness", ExactnessName(n.estimate.exactness)},
                     {"reason", n.estimate.reason},
                     {"buffers", std::move(buffers)},
                     {"candidates", std::move(candidates)}});
  }
  const auto& s = estimate.summary;
  json doc = {{"wsest", Version()},
              {"model", estimate.model_path},
              {"device", estimate.device},
              {"ep", estimate.ep},
              {"cudnn", estimate.cudnn},
              {"nodes", std::move(nodes)},
              {"summary",
               {{"nodes", s.nodes},
                {"estimated", s.estimated},
                {"unknown", s.unknown},
                {"exactness", ExactnessName(s.exactness)},
                {"exact", s.exact},
                {"upper_bound", s.upper_bound},
                {"heuristic", s.heuristic},
                {"workspace_max_bytes", s.workspace_max_bytes},
                {"workspace_sum_bytes", s.workspace_sum_bytes},
                {"value_inputs", s.value_inputs}}}};
  // Names come from the model and may be any bytes: invalid UTF-8 becomes U+FFFD instead of a throw.
  out << doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

bool WriteNodeDetail(const ModelEstimate& estimate, const Model& model, const std::string& name, std::ostream& out) {
  const NodeEstimate* found = nullptr;
  for (const auto& n : estimate.nodes)
    if (n.name == name) found = &n;
  if (!found) {
    for (const auto& n : estimate.nodes)
      if (fmt::format("#{}", n.index) == name) found = &n;
  }
  if (!found) return false;
  const NodeView& view = model.nodes()[found->index];
  const Estimate& e = found->estimate;
  fmt::print(out, "node:      {} (#{})\n", found->name.empty() ? "(unnamed)" : found->name, found->index);
  fmt::print(out, "op:        {}{} (opset {})\n", view.domain.empty() ? "" : view.domain + ".", view.op_type,
             view.opset);
  for (size_t i = 0; i < view.inputs.size(); ++i)
    fmt::print(out, "input {}:   {} {}{}\n", i, view.inputs[i].name.empty() ? "-" : view.inputs[i].name,
               ShapeText(view.inputs[i]), ValuesText(view.inputs[i]));
  for (size_t i = 0; i < view.outputs.size(); ++i)
    fmt::print(out, "output {}:  {} {}{}\n", i, view.outputs[i].name, ShapeText(view.outputs[i]),
               ValuesText(view.outputs[i]));
  fmt::print(out, "device:    {}\nep:        {}\ncudnn:     {}\n", estimate.device, estimate.ep, estimate.cudnn);
  fmt::print(out, "variant:   {}\n", e.known() ? e.variant : "-");
  const auto bytes = e.workspace_bytes();
  fmt::print(out, "workspace: {}\n", bytes ? fmt::format("{} ({} B)", HumanBytes(*bytes), *bytes) : "unknown");
  fmt::print(out, "exactness: {}\n", ExactnessName(e.exactness));
  if (!e.reason.empty()) fmt::print(out, "reason:    {}\n", e.reason);
  if (!e.buffers.empty()) {
    fmt::print(out, "buffers:\n");
    for (const auto& b : e.buffers)
      fmt::print(out, "  {:<24} {:>14} B  {:<10}  {}\n", b.name, b.bytes, AllocatorName(b.allocator), b.source);
  }
  if (!e.candidates.empty()) {
    fmt::print(out, "kernels tried, in the EP's order:\n");
    for (const auto& c : e.candidates) {
      // Estimators may phrase a rejection whole ("flash: rejected, mask present"); keep it as is.
      if (!c.rejected_because.empty() && c.rejected_because.rfind(c.variant + ": ", 0) == 0)
        fmt::print(out, "  {:<24} {}\n", c.variant, c.rejected_because.substr(c.variant.size() + 2));
      else if (!c.rejected_because.empty())
        fmt::print(out, "  {:<24} rejected: {}\n", c.variant, c.rejected_because);
      else
        fmt::print(out, "  {:<24} feasible{}\n", c.variant, c.bytes ? fmt::format(", {} B", *c.bytes) : "");
    }
  }
  return true;
}

void WriteRegistry(std::ostream& out) {
  fmt::print(out, "wsest {} estimators, mirroring {} {}\n\n", Version(), kEpName, kEpRelease);
  fmt::print(out, "{:<14}  {:<36}  {:<9}  {:<12}  {:<28}  {:<17}  {}\n", "domain", "op", "opsets", "family", "variants",
             "exactness", "kernel");
  for (const auto& e : EstimatorTable()) {
    const std::string opsets = e.until_version >= kLatestOpset ? fmt::format("{}+", e.since_version)
                                                               : fmt::format("{}-{}", e.since_version, e.until_version);
    fmt::print(out, "{:<14}  {:<36}  {:<9}  {:<12}  {:<28}  {:<17}  {}\n", e.domain[0] ? e.domain : "ai.onnx", e.op_type,
               opsets, e.family, e.variants, e.exactness, e.kernel);
  }
  fmt::print(out, "\n{} entries\n", EstimatorTable().size());
}

void WriteDevices(std::ostream& out) {
  fmt::print(out, "{:<12}  {:<28}  {:>4}  {:>4}  {:>10}  {:>9}  {}\n", "id", "name", "sm", "SMs", "memory", "L2",
             "source");
  for (const auto& d : DeviceProfiles())
    fmt::print(out, "{:<12}  {:<28}  {:>4}  {:>4}  {:>10}  {:>9}  {}\n", d.id, d.name,
               fmt::format("{}.{}", d.sm_major, d.sm_minor), d.sm_count, HumanBytes(d.memory_bytes),
               HumanBytes(d.l2_bytes), d.source);
}

}  // namespace wsest
