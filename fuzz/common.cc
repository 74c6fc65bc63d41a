#include "fuzz/common.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "src/report.h"

namespace wsest::fuzz {

void EstimateAndWrite(const Model& model, const Target& target) {
  auto estimate = EstimateModel(model, target);
  if (!estimate.ok()) {
    CheckError(estimate.error());
    return;
  }
  const ModelSummary& s = estimate->summary;
  if (s.nodes != model.nodes().size() || s.nodes != estimate->nodes.size()) Fail("summary", "node count");
  if (s.estimated + s.unknown != s.nodes) Fail("summary", "estimated + unknown != nodes");
  if (s.exact + s.upper_bound + s.heuristic != s.estimated) Fail("summary", "exactness counts");
  uint64_t max = 0;
  for (const auto& n : estimate->nodes) {
    const Estimate& e = n.estimate;
    const auto bytes = e.workspace_bytes();
    if (e.known() != bytes.has_value()) Fail("estimate", n.name + ": known() disagrees with workspace_bytes()");
    if (!e.known()) {
      if (e.reason.empty()) Fail("estimate", n.name + ": unknown without a reason");
      continue;
    }
    uint64_t sum = 0;
    for (const auto& b : e.buffers) {
      if (__builtin_add_overflow(sum, b.bytes, &sum)) Fail("estimate", n.name + ": buffers overflow");
    }
    if (sum != *bytes) Fail("estimate", n.name + ": total is not the sum of the buffers");
    if (*bytes > max) max = *bytes;
  }
  if (max != s.workspace_max_bytes) Fail("summary", "workspace_max_bytes");

  std::ostringstream table, json, detail;
  WriteTable(*estimate, model, table);
  WriteJson(*estimate, json);
  if (!nlohmann::json::accept(json.str())) Fail("WriteJson", "not valid JSON");
  if (!model.nodes().empty()) {
    if (!WriteNodeDetail(*estimate, model, "#0", detail)) Fail("WriteNodeDetail", "#0 not found");
    WriteNodeDetail(*estimate, model, model.nodes().back().name, detail);
  }
}

}  // namespace wsest::fuzz
