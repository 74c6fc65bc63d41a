// The memory timeline as an SVG picture: memory over execution order, stacked weights /
// activations / workspace / cuBLAS handle workspace, the budget line and the peak marked.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "wsest/model.h"
#include "wsest/plan.h"

namespace wsest {

struct TimelineOptions {
  std::string title;                // first line; the model path when empty
  std::string subtitle;             // second line (dims, device)
  std::optional<uint64_t> budget;   // draws the budget line and the verdict
  int width = 1200;
  int height = 640;
};

// A self-contained SVG 1.1 document (no scripts, no external fonts or files).
void WriteTimelineSvg(const Model& model, const PeakPlan& plan, const TimelineOptions& options, std::ostream& out);

}  // namespace wsest
