#include "ops/schemas.h"

#include <map>
#include <memory>
#include <tuple>

#include "ops/rules.h"

namespace wsest::ops {
namespace {

class LayeredRegistry final : public ONNX_NAMESPACE::ISchemaRegistry {
 public:
  LayeredRegistry() {
    for (auto& schema : AllRules()) {
      schema.Finalize();
      const auto key = std::make_tuple(schema.domain(), schema.Name());
      auto& by_version = schemas_[key];
      by_version.emplace(schema.SinceVersion(), std::move(schema));
    }
  }

  const ONNX_NAMESPACE::OpSchema* GetSchema(const std::string& key, const int max_inclusive_version,
                                            const std::string& domain) const override {
    const std::string& d = domain == "ai.onnx" ? std::string() : domain;
    auto it = schemas_.find(std::make_tuple(d, key));
    if (it != schemas_.end()) {
      // The newest of our versions not above the requested opset.
      auto v = it->second.upper_bound(max_inclusive_version);
      if (v != it->second.begin()) return &std::prev(v)->second;
    }
    return ONNX_NAMESPACE::OpSchemaRegistry::Schema(key, max_inclusive_version, d);
  }

  std::vector<RuleInfo> Rules() const {
    std::vector<RuleInfo> out;
    for (const auto& [key, by_version] : schemas_)
      for (const auto& [version, schema] : by_version) out.push_back({std::get<0>(key), std::get<1>(key), version});
    return out;
  }

 private:
  std::map<std::tuple<std::string, std::string>, std::map<int, ONNX_NAMESPACE::OpSchema>> schemas_;
};

const LayeredRegistry& Instance() {
  static const LayeredRegistry* registry = new LayeredRegistry();  // never destroyed: schemas outlive users
  return *registry;
}

}  // namespace

const ONNX_NAMESPACE::ISchemaRegistry& SchemaRegistry() { return Instance(); }

int MaxKnownOpset(const std::string& domain) {
  if (domain.empty() || domain == "ai.onnx") return 24;
  if (domain == "com.microsoft") return 1;
  if (domain == "ai.onnx.ml") return 3;
  return 0;
}

std::vector<RuleInfo> Rules() { return Instance().Rules(); }

}  // namespace wsest::ops
