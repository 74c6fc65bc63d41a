#include "wsest/layer_plan.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>
#include <regex>

namespace wsest {
namespace {

// A layer name as exporters write it, up to and including the separator after its number:
// "layer3/", "/model/layers.12/", "encoder.layer.3.", "transformer.h.7.", "blocks.2/".
const char* const kDefaultLayerPattern = R"(^(.*?\b(?:layers?|blocks?|h)[._]?\d+[./_]))";

constexpr size_t kLayerNameScan = 1024;

}  // namespace

Result<std::vector<Layer>> GroupLayers(const Model& model, const std::string& pattern) {
  std::regex re;
  try {
    re = std::regex(pattern.empty() ? kDefaultLayerPattern : pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return InvalidArgument(fmt::format("--layer-pattern '{}': not a regular expression ({})", pattern, e.what()));
  }
  if (re.mark_count() < 1)
    return InvalidArgument(fmt::format("--layer-pattern '{}': needs a capture group, the layer's prefix", pattern));
  std::vector<Layer> layers;
  std::map<std::string, size_t> by_prefix;
  const auto& nodes = model.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    // libstdc++'s std::regex recurses per character: a name of 200k characters overflowed the
    // stack. A layer prefix is looked for in a name's first kLayerNameScan characters only.
    const std::string head = nodes[i].name.substr(0, kLayerNameScan);
    std::smatch m;
    if (!std::regex_search(head, m, re, std::regex_constants::match_continuous) || m[1].length() == 0) continue;
    const std::string prefix = m[1].str();
    auto [it, added] = by_prefix.emplace(prefix, layers.size());
    if (added) layers.push_back(Layer{prefix, {}, {}});
    layers[it->second].nodes.push_back(i);
  }
  return layers;
}

namespace {

// The nodes on the CPU EP: every node of layers [first_cpu, end) and the outside nodes they take
// along; with `tail_on_cpu`, also the nodes after the last layer (a language model's head) when
// every layer stays on the GPU.
std::vector<size_t> CpuNodes(const std::vector<Layer>& layers, size_t first_cpu, bool tail_on_cpu) {
  std::vector<size_t> cpu;
  for (size_t l = first_cpu; l < layers.size(); ++l) {
    cpu.insert(cpu.end(), layers[l].nodes.begin(), layers[l].nodes.end());
    cpu.insert(cpu.end(), layers[l].outside.begin(), layers[l].outside.end());
  }
  if (tail_on_cpu && first_cpu == layers.size())
    cpu.insert(cpu.end(), layers.back().outside.begin(), layers.back().outside.end());
  return cpu;
}

// The nodes outside the layers that go to the CPU and can be named in the config: ORT matches a
// pattern as a substring, so a name is usable only when no node staying on the GPU contains it and
// it holds none of the config's own separators. The others ORT places itself (LayerPlan::
// unnamed_cpu_nodes counts them).
std::vector<size_t> NamedOutsideCpuNodes(const Model& model, const std::vector<Layer>& layers, size_t gpu_layers,
                                         bool tail_on_cpu) {
  const std::vector<size_t> cpu_nodes = CpuNodes(layers, gpu_layers, tail_on_cpu);
  const std::set<size_t> on_cpu(cpu_nodes.begin(), cpu_nodes.end());
  std::set<size_t> in_cpu_layers;
  for (size_t l = gpu_layers; l < layers.size(); ++l) in_cpu_layers.insert(layers[l].nodes.begin(), layers[l].nodes.end());
  std::vector<size_t> named;
  for (size_t i : cpu_nodes) {
    const std::string& name = model.nodes()[i].name;
    if (in_cpu_layers.count(i) || name.empty() || name.find_first_of(",;()") != std::string::npos) continue;
    bool caught_elsewhere = false;
    for (size_t j = 0; j < model.nodes().size() && !caught_elsewhere; ++j)
      caught_elsewhere = !on_cpu.count(j) && model.nodes()[j].name.find(name) != std::string::npos;
    if (!caught_elsewhere) named.push_back(i);
  }
  return named;
}

// Layers by their prefix; the outside nodes a CPU layer takes along by their own names (a substring
// of themselves; the GPU rules come first, and ORT takes the lowest rule that matches).
std::string AssignmentConfig(const Model& model, const std::vector<Layer>& layers, size_t gpu_layers,
                             bool tail_on_cpu) {
  std::vector<std::string> gpu, cpu;
  for (size_t l = 0; l < layers.size(); ++l) (l < gpu_layers ? gpu : cpu).push_back(layers[l].prefix);
  for (size_t i : NamedOutsideCpuNodes(model, layers, gpu_layers, tail_on_cpu)) cpu.push_back(model.nodes()[i].name);
  if (cpu.empty()) return "";
  std::string config;
  if (!gpu.empty()) config = fmt::format("cuda({}); ", fmt::join(gpu, ", "));
  return config + fmt::format("cpu({})", fmt::join(cpu, ", "));
}

}  // namespace

ModelEstimate PlacedOnCpu(const ModelEstimate& estimate, const std::vector<size_t>& nodes) {
  ModelEstimate out = estimate;
  for (size_t i : nodes) {
    Estimate& e = out.nodes.at(i).estimate;
    e = Estimate("cpu_ep", Exactness::kExact);
    e.reason = "placed on the CPU EP (a layer plan)";
  }
  return out;
}

Result<LayerPlan> PlanLayers(const Model& model, const ModelEstimate& estimate, const PeakPlan& plan,
                             const Target& target, uint64_t budget, const std::string& pattern) {
  LayerPlan out;
  out.budget = budget;
  WSEST_ASSIGN_OR_RETURN(out.layers, GroupLayers(model, pattern));
  if (out.layers.empty()) {
    for (const auto& node : model.nodes()) out.outside_nodes += IsFoldedIntoInitializer(node) ? 0 : 1;
    return out;
  }
  // Each node outside the layers goes with the layer before it (the first layer for those before
  // any): ORT's copies at the boundaries stay where the layers' are.
  std::vector<int64_t> layer_of(model.nodes().size(), -1);
  for (size_t l = 0; l < out.layers.size(); ++l)
    for (size_t i : out.layers[l].nodes) layer_of[i] = static_cast<int64_t>(l);
  size_t current = 0;
  for (size_t i = 0; i < layer_of.size(); ++i) {
    if (layer_of[i] >= 0) {
      current = static_cast<size_t>(layer_of[i]);
    } else if (!IsFoldedIntoInitializer(model.nodes()[i])) {
      out.layers[current].outside.push_back(i);
      ++out.outside_nodes;
    }
  }
  std::map<std::pair<size_t, bool>, FitAnswer> answers;
  auto judge = [&](size_t k, bool tail_on_cpu) -> Result<bool> {
    WSEST_ASSIGN_OR_RETURN(FitAnswer a, CheckFit(model, PlacedOnCpu(estimate, CpuNodes(out.layers, k, tail_on_cpu)),
                                                 plan, target, budget));
    out.probes.push_back(fmt::format("{} on the GPU{}: {}", k, tail_on_cpu ? " (the nodes after them on the CPU)" : "",
                                     VerdictName(a.verdict)));
    const bool fits = a.verdict == Verdict::kFits;
    answers.emplace(std::make_pair(k, tail_on_cpu), std::move(a));
    return fits;
  };
  const size_t n = out.layers.size();
  WSEST_ASSIGN_OR_RETURN(bool all_fit, judge(n, false));
  size_t best = n;
  // Every layer on the GPU and the nodes after the last one (a head, often large) on the CPU: what
  // ORT's greedy partitioning does when the head is what does not fit.
  bool tail_on_cpu = false;
  if (!all_fit && !out.layers.back().outside.empty()) {
    WSEST_ASSIGN_OR_RETURN(tail_on_cpu, judge(n, true));
    all_fit = tail_on_cpu;
  }
  if (!all_fit) {
    WSEST_ASSIGN_OR_RETURN(bool none_fit, judge(0, false));
    best = 0;
    if (none_fit) {
      size_t lo = 0, hi = n;  // lo fits, hi does not
      while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        WSEST_ASSIGN_OR_RETURN(bool fits, judge(mid, false));
        (fits ? lo : hi) = mid;
      }
      best = lo;
    }
  }
  out.gpu_layers = best;
  out.tail_on_cpu = tail_on_cpu;
  out.answer = answers.at({best, tail_on_cpu});
  out.name_based_layer_assignment = AssignmentConfig(model, out.layers, best, tail_on_cpu);
  size_t outside_on_cpu = 0;
  for (size_t l = best; l < out.layers.size(); ++l) outside_on_cpu += out.layers[l].outside.size();
  if (tail_on_cpu) outside_on_cpu += out.layers.back().outside.size();
  out.unnamed_cpu_nodes = outside_on_cpu - NamedOutsideCpuNodes(model, out.layers, best, tail_on_cpu).size();
  return out;
}

}  // namespace wsest
