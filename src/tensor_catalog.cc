#include "src/tensor_catalog.h"

namespace wsest {

std::unordered_set<std::string_view> WeightInputs(const onnx::GraphProto& graph) {
  std::unordered_set<std::string_view> inputs, weights;
  for (const auto& vi : graph.input()) inputs.insert(vi.name());
  for (const auto& t : graph.initializer())
    if (inputs.count(t.name())) weights.insert(t.name());
  return weights;
}

std::shared_ptr<const TensorCatalog> CatalogOf(const onnx::GraphProto& graph, const std::vector<int>& order) {
  auto catalog = std::make_shared<TensorCatalog>();
  const size_t n = order.size();
  catalog->names = NameIndex(n * 2 + static_cast<size_t>(graph.input_size() + graph.initializer_size()));
  TensorIds& ids = catalog->ids;
  auto number = [&](const std::string& name) {
    return name.empty() ? -1 : static_cast<int32_t>(catalog->names.Add(name).first);
  };
  ids.input_begin.reserve(n + 1);
  ids.output_begin.reserve(n + 1);
  ids.input_ids.reserve(n * 2);
  ids.output_ids.reserve(n);
  constexpr size_t kAhead = 4;  // nodes whose names are prefetched ahead of the one being numbered
  for (size_t at = 0; at < n; ++at) {
    if (at + kAhead < n) {
      const auto& ahead = graph.node(order[at + kAhead]);
      for (const auto& name : ahead.input()) catalog->names.Prefetch(name);
      for (const auto& name : ahead.output()) catalog->names.Prefetch(name);
    }
    const auto& node = graph.node(order[at]);
    ids.input_begin.push_back(static_cast<uint32_t>(ids.input_ids.size()));
    ids.output_begin.push_back(static_cast<uint32_t>(ids.output_ids.size()));
    for (const auto& in : node.input()) ids.input_ids.push_back(number(in));
    for (const auto& out : node.output()) ids.output_ids.push_back(number(out));
  }
  ids.input_begin.push_back(static_cast<uint32_t>(ids.input_ids.size()));
  ids.output_begin.push_back(static_cast<uint32_t>(ids.output_ids.size()));
  const std::unordered_set<std::string_view> weight_inputs = WeightInputs(graph);
  for (const auto& vi : graph.input())
    if (!weight_inputs.count(vi.name())) ids.graph_inputs.push_back(number(vi.name()));
  for (const auto& vi : graph.output()) ids.graph_outputs.push_back(number(vi.name()));
  ids.count = catalog->names.size();
  for (const auto& t : graph.initializer()) catalog->names.Add(t.name());
  return catalog;
}

}  // namespace wsest
