#include "calibrate/shadow_queries.h"

#include <fmt/format.h>

namespace wsest::calibrate {
namespace {

std::string Source(uint64_t workspace) {
  return fmt::format("shadow device: every library size query answered {} B (calibrate/shadow)", workspace);
}

}  // namespace

// calibrate/shadow/cudnn_backend_stub.cc: the one engine's plan needs the library workspace.
Result<ConvAnswer> ShadowQueries::ConvWorkspace(const ConvQuery&) const {
  return ConvAnswer{workspace_, "shadow engine 0", Source(workspace_)};
}

// calibrate/shadow/cudnn_stub.cc: cudnnGetReductionWorkspaceSize and cudnnGetReductionIndicesSize.
Result<ReductionAnswer> ShadowQueries::ReductionWorkspace(const ReductionQuery&) const {
  return ReductionAnswer{workspace_, workspace_, Source(workspace_)};
}

// calibrate/shadow/cudnn_stub.cc cudnnGetRNNTempSpaceSizes: inference mode, so no reserve space;
// cudnnDropoutGetStatesSize answers the library workspace too.
Result<RnnAnswer> ShadowQueries::RnnTempSpace(const RnnQuery&) const {
  return RnnAnswer{workspace_, 0, Source(workspace_), workspace_};
}

// calibrate/shadow/cudnn_backend_stub.cc: the SDPA graph's one execution plan, like a conv plan.
Result<SdpaAnswer> ShadowQueries::SdpaWorkspace(const SdpaQuery&) const {
  return SdpaAnswer{workspace_, Source(workspace_)};
}

Result<CubAnswer> ShadowQueries::CubTempStorage(const CubQuery&) const {
  return NotFound("the shadow device runs CUB's own host code: its sizes are wsest's host arithmetic to match");
}

}  // namespace wsest::calibrate
