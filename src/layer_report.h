// Writers for the layer plan (include/wsest/layer_plan.h): the text section and its JSON ("layers").
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "wsest/layer_plan.h"

namespace wsest {

void WriteLayerPlanText(const LayerPlan& plan, std::ostream& out);
// `peak` is the whole model's live walk, carried beside the verdict as --budget's JSON does.
nlohmann::json LayerPlanJson(const LayerPlan& plan, const PeakPlan& peak);

}  // namespace wsest
