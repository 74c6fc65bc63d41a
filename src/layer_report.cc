#include "src/layer_report.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <string>
#include <vector>

#include "src/fit_report.h"
#include "src/text.h"

namespace wsest {

void WriteLayerPlanText(const LayerPlan& p, std::ostream& out) {
  fmt::print(out, "\nlayers within {} ({} layers found in node names; {} nodes outside them go with the layer before)\n",
             HumanBytes(p.budget), p.layers.size(), p.outside_nodes);
  if (p.layers.empty()) {
    fmt::print(out, "  no layer names found: give --layer-pattern with one capture group, the layer's prefix\n");
    return;
  }
  std::vector<std::string> names;
  for (const Layer& l : p.layers) names.push_back(fmt::format("{} ({} nodes)", l.prefix, l.nodes.size()));
  if (names.size() > 6) {
    names.erase(names.begin() + 3, names.end() - 2);
    names.insert(names.begin() + 3, "...");
  }
  fmt::print(out, "  layers:       {}\n", fmt::join(names, ", "));
  if (p.tail_on_cpu) {
    fmt::print(out, "  plan:         all {} layers on the GPU, the {} node(s) after the last one on the CPU EP\n",
               p.layers.size(), p.layers.back().outside.size());
  } else {
    fmt::print(out, "  plan:         the first {} of {} layers on the GPU, the rest on the CPU EP\n", p.gpu_layers,
               p.layers.size());
  }
  fmt::print(out, "  probes:       {}\n", fmt::join(p.probes, "; "));
  if (p.answer) WriteFitText(*p.answer, out);
  if (p.unnamed_cpu_nodes > 0) {
    fmt::print(out, "  note:         {} node(s) of the CPU part cannot be named in the config (no name, or one that "
                    "nodes staying on the GPU contain): ORT places them itself\n", p.unnamed_cpu_nodes);
  }
  if (p.name_based_layer_assignment.empty()) {
    fmt::print(out, "  config:       none needed: every layer stays on the GPU\n");
  } else {
    fmt::print(out, "  config:       session.name_based_layer_assignment = {}\n", p.name_based_layer_assignment);
  }
}

nlohmann::json LayerPlanJson(const LayerPlan& p, const PeakPlan& peak) {
  nlohmann::json layers = nlohmann::json::array();
  for (size_t l = 0; l < p.layers.size(); ++l)
    layers.push_back({{"prefix", p.layers[l].prefix}, {"nodes", p.layers[l].nodes.size()}, {"gpu", l < p.gpu_layers}});
  nlohmann::json j = {{"budget_bytes", p.budget},
                      {"layers", std::move(layers)},
                      {"gpu_layers", p.gpu_layers},
                      {"tail_on_cpu", p.tail_on_cpu},
                      {"outside_nodes", p.outside_nodes},
                      {"unnamed_cpu_nodes", p.unnamed_cpu_nodes},
                      {"probes", p.probes}};
  j["verdict"] = p.answer ? nlohmann::json(FitJson(*p.answer, peak)) : nlohmann::json(nullptr);
  j["session_config"] = nlohmann::json::object();
  if (!p.name_based_layer_assignment.empty())
    j["session_config"]["session.name_based_layer_assignment"] = p.name_based_layer_assignment;
  return j;
}

}  // namespace wsest
