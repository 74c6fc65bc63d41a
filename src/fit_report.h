// Writers for the device memory ORT holds (include/wsest/session_memory.h) and the budget's verdict
// (include/wsest/verdict.h): the text sections the CLI prints after the live peak, and their JSON
// (memory.arena and budget), beside the other writers of one model estimate (src/report.h).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "src/graph_rewrites.h"
#include "wsest/plan.h"
#include "wsest/session_memory.h"
#include "wsest/verdict.h"

namespace wsest {

void WriteArenaText(const SessionMemory& memory, const PeakPlan& plan, std::ostream& out);
void WriteFitText(const FitAnswer& answer, std::ostream& out);

// The arena figures are for the graph as given: when ORT's default optimizations would rewrite it
// (src/graph_rewrites.h), say which rewrites and how to get the graph ORT runs. Nothing when none.
void WriteGraphRewritesNote(const std::vector<GraphRewrite>& rewrites, std::ostream& out);
nlohmann::json GraphRewritesJson(const std::vector<GraphRewrite>& rewrites);

// memory.arena: session_bytes, first_run_peak_bytes, steady_bytes (median order) with their ranges,
// the library handle workspaces beside them, regions, the memory pattern's block, gpu_mem_limit.
nlohmann::json ArenaJson(const SessionMemory& memory, const PeakPlan& plan);
// budget: verdict (fits / does_not_fit / cannot_tell), the figures it rests on, and the reasons.
nlohmann::json FitJson(const FitAnswer& answer, const PeakPlan& plan);

}  // namespace wsest
