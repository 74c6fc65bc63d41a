// ONNX Runtime's per-node stats file: the CSV that session.collect_node_memory_stats_to_file writes
// and that the CUDA EP's capacity-aware partitioning reads back
// (session.resource_cuda_partitioning_settings = "<limit_kb>,<file>"), with node names made as ORT
// makes them (IResourceAccountant::MakeUniqueNodeName, onnxruntime/core/framework/resource_accountant.cc).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/node_view.h"
#include "wsest/result.h"

namespace wsest {

// The header line ORT writes (NodeStatsRecorder::DumpStats) and skips on reading ('#').
constexpr const char* kOrtStatsHeader = "#name,input_sizes,initializers_sizes,total_dynamic_sizes,total_temp_allocations";

// ORT's name for a node: its name (its op type when the name is empty), "_", and the decimal
// uint64 h[0] | h[1] << 32 of MurmurHash3 x86_128 chained over the names of every input, then
// every output, in declaration order (omitted optional ones are empty names and are hashed too: a
// zero-length key still mixes the length and the seed), each call seeded with the previous call's
// h[0], the first with 0.
std::string OrtNodeName(const NodeView& node);

struct OrtStatsRow {
  std::string name;
  uint64_t input_sizes = 0;
  uint64_t initializers_sizes = 0;
  uint64_t total_dynamic_sizes = 0;
  uint64_t total_temp_allocations = 0;
  size_t node = 0;               // index in Model::nodes() (wsest's rows only)
  bool workspace_known = true;   // false: total_temp_allocations is 0 for want of an estimate
  uint64_t cost() const { return input_sizes + initializers_sizes + total_dynamic_sizes + total_temp_allocations; }
};

// wsest's rows, one per node ORT keeps (Constant nodes become initializers and have none):
// input_sizes = the node's non-weight inputs, initializers_sizes = its weight inputs,
// total_dynamic_sizes = its outputs, total_temp_allocations = its workspace estimate (0 when
// unknown; workspace_known says so). Each distinct input name counts once per node.
std::vector<OrtStatsRow> OrtStatsRows(const Model& model, const ModelEstimate& estimate);

// Column-wise maximum of several runs' rows with the same names, as ORT merges the stats of
// several Run() calls (NodeAllocationStats::UpdateIfGreater). Order: the first run's.
std::vector<OrtStatsRow> MergeOrtStatsMax(const std::vector<std::vector<OrtStatsRow>>& runs);

void WriteOrtStats(const std::vector<OrtStatsRow>& rows, std::ostream& out);

// Reads a stats CSV as ORT's LoadNodeAllocationStats does: blank lines and lines starting with '#'
// are skipped, every other line has exactly 5 comma-separated fields, an empty name is skipped.
// `label` names the file in errors.
Result<std::vector<OrtStatsRow>> ParseOrtStats(const std::string& text, const std::string& label);

}  // namespace wsest
