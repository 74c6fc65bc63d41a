#include "calibrate/arena_replay.h"

#include <nlohmann/json.hpp>

#include "calibrate/shadow_queries.h"
#include <set>

#include "wsest/layer_plan.h"
#include "wsest/model.h"
#include "wsest/session_memory.h"

namespace wsest::calibrate {

Result<std::string> ArenaReplayJson(const ArenaReplayOptions& o) {
  Target target;
  WSEST_ASSIGN_OR_RETURN(target.device, FindDevice(o.device));
  for (const auto& [k, v] : o.ep_options) {
    auto set = target.ep.SetProviderOption(k, v);
    if (!set.ok()) return set.error();
  }
  std::optional<ShadowQueries> shadow;
  if (o.library_workspace) {
    shadow.emplace(*o.library_workspace);
    target.live = &*shadow;
  }
  ModelOptions mo;
  mo.dims = o.dims;
  mo.input_shapes = o.input_shapes;
  WSEST_ASSIGN_OR_RETURN(Model model, Model::Load(o.model, mo));
  WSEST_ASSIGN_OR_RETURN(ModelEstimate estimate, EstimateModel(model, target));
  if (!o.cpu_nodes.empty()) {
    const std::set<std::string> names(o.cpu_nodes.begin(), o.cpu_nodes.end());
    std::vector<size_t> cpu;
    for (size_t i = 0; i < model.nodes().size(); ++i)
      if (names.count(model.nodes()[i].name)) cpu.push_back(i);
    estimate = PlacedOnCpu(estimate, cpu);
  }
  SessionMemoryOptions so;
  so.memory_pattern = o.memory_pattern;
  so.initializer_order = o.initializer_order;
  so.trace = o.trace;
  so.device_bytes = o.device_memory;
  WSEST_ASSIGN_OR_RETURN(SessionMemory m, SimulateSessionMemory(model, estimate, target, so));
  auto held = [](const HeldBytes& h) { return nlohmann::json{{"median", h.median}, {"min", h.min}, {"max", h.max}}; };
  nlohmann::json doc = {{"session", held(m.session)},
                        {"first_run", held(m.first_run)},
                        {"steady", held(m.steady)},
                        {"memory_pattern", m.memory_pattern_used},
                        {"pattern_block_bytes", m.pattern_block_bytes},
                        {"initializer_bytes", m.initializer_bytes},
                        {"session_buffer_bytes", m.session_buffer_bytes},
                        {"regions", m.regions},
                        {"unknown_workspace_nodes", m.unknown_workspace_nodes},
                        {"unsized_tensors", m.unsized_tensors},
                        {"out_of_memory", m.out_of_memory},
                        {"out_of_memory_at", m.out_of_memory_at}};
  if (o.trace) doc["trace"] = m.trace;
  for (const ArenaGrowth& g : m.growth)
    doc["growth"].push_back({{"at", g.at}, {"request_bytes", g.request_bytes}, {"region_bytes", g.region_bytes}});
  return doc.dump();
}

}  // namespace wsest::calibrate
