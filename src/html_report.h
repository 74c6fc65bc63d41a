// The HTML report: one self-contained page per model (inline CSS, SVG and a little JS; no network,
// no external scripts or fonts), written from the same ModelEstimate and PeakPlan as the table, the
// JSON and the SVG timeline (DESIGN.md principle 7). The page reads without JS (header, figures,
// timeline, tables); JS adds the node detail on hover or click, sorting and filtering.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "wsest/model.h"
#include "wsest/plan.h"
#include "wsest/session_memory.h"
#include "wsest/target.h"
#include "wsest/verdict.h"

namespace wsest {

// The arena figures the header shows beside the live peak: what ORT's BFC arena holds after session
// creation, after the first run and in steady state (include/wsest/session_memory.h), and the line
// the timeline draws of it. A hook of its own so a caller can fill it from any replay; the page says
// "not computed" when it is absent.
struct HtmlArenaFigures {
  HeldBytes session;
  HeldBytes first_run;
  HeldBytes steady;
  uint64_t library_bytes = 0;                    // cuBLAS's handle workspace, held beside the arena
  std::vector<uint64_t> first_run_held_by_node;  // the arena's bytes after each node of run 1
  bool memory_pattern_used = false;
  bool lower_bound = false;  // nodes without a workspace estimate or tensors without a size counted 0
  bool out_of_memory = false;
  std::string out_of_memory_at;
};
HtmlArenaFigures ArenaFiguresFrom(const SessionMemory& memory, const PeakPlan& plan);

struct HtmlReport {
  const Model* model = nullptr;
  const ModelEstimate* estimate = nullptr;
  const PeakPlan* plan = nullptr;
  const Target* target = nullptr;               // EP provider options and ORT_* variables; none shown when null
  std::string dims;                             // the bound dims as the user gave them: "batch=4, sequence=2048"
  std::optional<uint64_t> budget;               // drawn on the timeline
  const FitAnswer* fit = nullptr;               // --budget's verdict on the memory ORT holds (include/wsest/verdict.h)
  const PartitionPreview* partition = nullptr;  // --partition: which nodes stay on the GPU per policy
  std::optional<HtmlArenaFigures> arena;
};

// Writes the page. Every string from the model (names, op types, reasons) is escaped for where it
// lands: HTML text and attributes, or the JSON the page's script reads.
void WriteHtmlReport(const HtmlReport& report, std::ostream& out);

}  // namespace wsest
