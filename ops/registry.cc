#include "ops/schemas.h"

#include <onnx/defs/shape_inference.h>

#include <map>
#include <memory>
#include <tuple>
#include <unordered_set>

#include "ops/common.h"
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
      rule_names_.insert(schema.Name());
      by_version.emplace(schema.SinceVersion(), std::move(schema));
    }
    GuardConvRanks();
  }

  const ONNX_NAMESPACE::OpSchema* GetSchema(const std::string& key, const int max_inclusive_version,
                                            const std::string& domain) const override {
    static const std::string kOnnxDomain;
    const std::string& d = domain == "ai.onnx" ? kOnnxDomain : domain;
    // Inference asks once per node; most ops are onnx's own, so a name we have no rule for goes
    // straight to onnx's registry without building a key.
    if (rule_names_.count(key) != 0) {
      auto it = schemas_.find(std::make_tuple(d, key));
      if (it != schemas_.end()) {
        // The newest of our versions not above the requested opset.
        auto v = it->second.upper_bound(max_inclusive_version);
        if (v != it->second.begin()) return &std::prev(v)->second;
      }
    }
    const auto* schema = ONNX_NAMESPACE::OpSchemaRegistry::Schema(key, max_inclusive_version, d);
    if (schema != nullptr && guarded_names_.count(key) != 0) {
      auto guarded = guarded_.find(schema);
      if (guarded != guarded_.end()) return guarded->second.get();
    }
    return schema;
  }

  // onnx 1.12's ConvTranspose inference indexes W's dims by X's rank without comparing the two
  // (a W of lower rank reads past its end: found by fuzz/model_fuzzer), and its Conv-family rules
  // assume rank >= 3; their inference and the pools' divide by strides without checking them.
  // Each of those schemas is answered by a copy whose inference first checks the strides and (for
  // the Conv family) the ranks and fails cleanly, then runs onnx's own function.
  void GuardConvRanks() {
    for (const char* op : {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool", "AveragePool", "LpPool"}) {
      const bool quantized_linear = std::string(op) == "QLinearConv";
      const bool pool = std::string(op).find("Pool") != std::string::npos;
      const size_t w_index = quantized_linear ? 3 : 1;
      for (int version = ops::MaxKnownOpset(""); version > 0;) {
        const auto* original = ONNX_NAMESPACE::OpSchemaRegistry::Schema(op, version, "");
        if (original == nullptr) break;
        auto copy = std::make_unique<ONNX_NAMESPACE::OpSchema>(*original);
        auto infer = original->GetTypeAndShapeInferenceFunction();
        copy->TypeAndShapeInferenceFunction([infer, w_index, pool](ONNX_NAMESPACE::InferenceContext& ctx) {
          CheckStridesPositive(ctx);
          if (!pool && ONNX_NAMESPACE::hasInputShape(ctx, 0) && ctx.getNumInputs() > w_index &&
              ONNX_NAMESPACE::hasInputShape(ctx, w_index)) {
            const int x_rank = ONNX_NAMESPACE::getInputShape(ctx, 0).dim_size();
            const int w_rank = ONNX_NAMESPACE::getInputShape(ctx, w_index).dim_size();
            if (x_rank < 3 || x_rank != w_rank) {
              fail_shape_inference("input 0 (X) has rank ", x_rank, " and input ", w_index, " (W) rank ", w_rank,
                                   "; expected equal ranks of at least 3");
            }
          }
          if (infer) infer(ctx);
        });
        version = original->SinceVersion() - 1;
        guarded_names_.insert(op);
        guarded_.emplace(original, std::move(copy));
      }
    }
  }

  std::vector<RuleInfo> Rules() const {
    std::vector<RuleInfo> out;
    for (const auto& [key, by_version] : schemas_)
      for (const auto& [version, schema] : by_version) out.push_back({std::get<0>(key), std::get<1>(key), version});
    return out;
  }

 private:
  std::map<std::tuple<std::string, std::string>, std::map<int, ONNX_NAMESPACE::OpSchema>> schemas_;
  std::map<const ONNX_NAMESPACE::OpSchema*, std::unique_ptr<ONNX_NAMESPACE::OpSchema>> guarded_;
  std::unordered_set<std::string> rule_names_;     // op names with a rule in schemas_, any domain
  std::unordered_set<std::string> guarded_names_;  // op names with a copy in guarded_
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
