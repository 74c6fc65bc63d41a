// The memory timeline as an SVG picture: memory over execution order, stacked weights /
// activations / workspace / cuBLAS handle workspace (the live bytes), the device memory ORT's arena
// holds as a line over them, the budget line and the peak marked.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/plan.h"

namespace wsest {

struct TimelineOptions {
  std::string title;                // first line; the model path when empty
  std::string subtitle;             // second line (dims, device)
  std::optional<uint64_t> budget;   // draws the budget line
  std::string verdict;              // beside the budget line ("fits", "cannot tell"); live peak's when empty
  // Device memory held after each node of the first run (SessionMemory::first_run_held_by_node plus
  // the cuBLAS handle workspace, so that it compares with the bars), and in steady state.
  std::vector<uint64_t> held_by_node;
  std::optional<uint64_t> steady_held;
  int width = 1200;
  int height = 640;
};

// A self-contained SVG 1.1 document (no scripts, no external fonts or files).
void WriteTimelineSvg(const Model& model, const PeakPlan& plan, const TimelineOptions& options, std::ostream& out);

}  // namespace wsest
