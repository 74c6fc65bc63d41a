// The library answers of the shadow device (calibrate/shadow): every cuDNN, cuBLASLt and cuFFT size
// query there answered the one number in the record's key (WSEST_SHADOW_LIBRARY_WORKSPACE). The check
// hands an estimate the same answers, so that a shadow record tests what ORT's own code did with
// them, never what a real library would have said. CUB's sizes are not library queries there: CUB is
// compiled into the provider and ran for real, so its queries are left to wsest's host arithmetic.
#pragma once

#include <cstdint>

#include "wsest/live.h"

namespace wsest::calibrate {

class ShadowQueries final : public LibraryQueries {
 public:
  explicit ShadowQueries(uint64_t library_workspace) : workspace_(library_workspace) {}
  std::string Kind() const override { return "shadow"; }
  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override;
  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override;
  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override;
  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override;
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override;

 private:
  uint64_t workspace_;
};

}  // namespace wsest::calibrate
