#include "estimators/estimators.h"

namespace wsest::estimators {

Result<Estimate> EstimateBatchNormalization(const NodeView&, const Target&) {
  return Estimate::Unknown("BatchNormalization estimator not written yet");
}
Result<Estimate> EstimateInstanceNormalization(const NodeView&, const Target&) {
  return Estimate::Unknown("InstanceNormalization estimator not written yet");
}

}  // namespace wsest::estimators
