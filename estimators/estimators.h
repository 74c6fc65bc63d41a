// Estimator functions, one family per file; estimators/registry.cc puts them in the one table.
// Estimators include only include/wsest/ headers (DESIGN.md, rooms).
#pragma once

#include "wsest/estimate.h"
#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest::estimators {

// estimators/norm.cc
Result<Estimate> EstimateBatchNormalization(const NodeView& node, const Target& target);
Result<Estimate> EstimateInstanceNormalization(const NodeView& node, const Target& target);

}  // namespace wsest::estimators
