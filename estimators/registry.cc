// The one table: (domain, op type, opset range as the CUDA EP registers its kernels) -> estimator.
// A row with a null estimator is a kernel that allocates no scratch: exact 0, its file cited.
#include "wsest/registry.h"

#include "estimators/estimators.h"

namespace wsest {

using namespace estimators;  // NOLINT: the table reads better with bare names
constexpr EstimatorFn kNoScratch = nullptr;

const std::vector<EstimatorEntry>& EstimatorTable() {
  static const std::vector<EstimatorEntry> table = {
      // domain, op, since, until, family, estimator, kernel (ORT 1.29.0), variants, exactness
      {"", "BatchNormalization", 7, kLatestOpset, "norm", EstimateBatchNormalization,
       "onnxruntime/core/providers/cuda/nn/batch_norm.cc", "cudnn_batchnorm", "exact"},
      {"", "InstanceNormalization", 6, kLatestOpset, "norm", EstimateInstanceNormalization,
       "onnxruntime/core/providers/cuda/nn/instance_norm.cc", "cudnn_batchnorm", "exact"},
      {"", "Relu", 6, kLatestOpset, "activation", kNoScratch,
       "onnxruntime/core/providers/cuda/activation/activations.cc", "elementwise", "exact"},
  };
  return table;
}

}  // namespace wsest
