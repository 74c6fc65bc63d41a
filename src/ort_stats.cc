#include "src/ort_stats.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

#include "src/murmurhash3.h"
#include "wsest/plan.h"

namespace wsest {

std::string OrtNodeName(const NodeView& node) {
  Hash128 h = {0, 0, 0, 0};
  auto hash = [&h](const std::string& s) { h = MurmurHash3X86_128(s, h[0]); };
  for (const auto& in : node.inputs) hash(in.name);
  for (const auto& out : node.outputs) hash(out.name);
  const uint64_t value = static_cast<uint64_t>(h[0]) | (static_cast<uint64_t>(h[1]) << 32);
  return fmt::format("{}_{}", node.name.empty() ? node.op_type : node.name, value);
}

std::vector<OrtStatsRow> OrtStatsRows(const Model& model, const ModelEstimate& estimate) {
  const auto footprints = NodeFootprints(model, estimate);
  std::vector<OrtStatsRow> rows;
  for (size_t i = 0; i < model.nodes().size(); ++i) {
    const NodeView& node = model.nodes()[i];
    if (IsFoldedIntoInitializer(node)) continue;
    const NodeFootprint& f = footprints[i];
    OrtStatsRow row;
    row.name = OrtNodeName(node);
    row.input_sizes = f.input_bytes;
    row.initializers_sizes = f.initializer_bytes;
    row.total_dynamic_sizes = f.output_bytes;
    row.total_temp_allocations = f.workspace_bytes;
    row.node = i;
    row.workspace_known = f.workspace_known;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<OrtStatsRow> MergeOrtStatsMax(const std::vector<std::vector<OrtStatsRow>>& runs) {
  std::vector<OrtStatsRow> merged;
  std::unordered_map<std::string, size_t> index;
  for (const auto& run : runs) {
    for (const auto& row : run) {
      auto [it, inserted] = index.emplace(row.name, merged.size());
      if (inserted) {
        merged.push_back(row);
        continue;
      }
      OrtStatsRow& m = merged[it->second];
      m.input_sizes = std::max(m.input_sizes, row.input_sizes);
      m.initializers_sizes = std::max(m.initializers_sizes, row.initializers_sizes);
      m.total_dynamic_sizes = std::max(m.total_dynamic_sizes, row.total_dynamic_sizes);
      m.total_temp_allocations = std::max(m.total_temp_allocations, row.total_temp_allocations);
      m.workspace_known = m.workspace_known && row.workspace_known;
    }
  }
  return merged;
}

void WriteOrtStats(const std::vector<OrtStatsRow>& rows, std::ostream& out) {
  out << kOrtStatsHeader << "\n";
  for (const auto& r : rows)
    fmt::print(out, "{},{},{},{},{}\n", r.name, r.input_sizes, r.initializers_sizes, r.total_dynamic_sizes,
               r.total_temp_allocations);
}

Result<std::vector<OrtStatsRow>> ParseOrtStats(const std::string& text, const std::string& label) {
  std::vector<OrtStatsRow> rows;
  std::istringstream in(text);
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (fields.size() != 5) {
      return InvalidArgument(fmt::format("{}:{}: expected 5 comma-separated fields, got {}: '{}'", label, line_no,
                                         fields.size(), line));
    }
    if (fields[0].empty()) continue;
    OrtStatsRow row;
    row.name = fields[0];
    uint64_t* columns[4] = {&row.input_sizes, &row.initializers_sizes, &row.total_dynamic_sizes,
                            &row.total_temp_allocations};
    for (size_t k = 0; k < 4; ++k) {
      const std::string& f = fields[k + 1];
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(f.c_str(), &end, 10);
      if (f.empty() || f[0] == '-' || errno != 0 || end != f.c_str() + f.size()) {
        return InvalidArgument(fmt::format("{}:{}: field {} ('{}') is not a byte count", label, line_no, k + 2, f));
      }
      *columns[k] = v;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace wsest
