// A fake LibraryQueries for tests: fixed answers (or refusals), and the last query of each kind kept
// so tests can check what an estimator asked.
#pragma once

#include <optional>
#include <string>

#include "wsest/live.h"

namespace wsest::testing {

class FakeQueries final : public LibraryQueries {
 public:
  std::string Kind() const override { return "live"; }
  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override {
    last_conv = q;
    if (!conv) return NotFound("fake: no conv answer");
    return ConvAnswer{*conv, "fake engine 7", "fake live"};
  }
  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override {
    last_reduction = q;
    if (!reduction) return NotFound("fake: no reduction answer");
    return ReductionAnswer{reduction->first, reduction->second, "fake live"};
  }
  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override {
    last_rnn = q;
    if (!rnn) return NotFound("fake: no rnn answer");
    return RnnAnswer{rnn->first, rnn->second, "fake live", rnn_dropout_states};
  }
  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override {
    last_cub = q;
    if (!cub) return NotFound("fake: no cub answer");
    return CubAnswer{*cub, "fake live"};
  }
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override {
    last_sdpa = q;
    if (!sdpa) return NotFound("fake: no sdpa answer");
    return SdpaAnswer{*sdpa, "fake live"};
  }

  std::optional<uint64_t> conv;
  std::optional<std::pair<uint64_t, uint64_t>> reduction;  // workspace, indices
  std::optional<std::pair<uint64_t, uint64_t>> rnn;        // workspace, reserve
  std::optional<uint64_t> rnn_dropout_states = 2048;      // cudnnDropoutGetStatesSize
  std::optional<uint64_t> cub;
  std::optional<uint64_t> sdpa;
  mutable std::optional<ConvQuery> last_conv;
  mutable std::optional<ReductionQuery> last_reduction;
  mutable std::optional<RnnQuery> last_rnn;
  mutable std::optional<CubQuery> last_cub;
  mutable std::optional<SdpaQuery> last_sdpa;
};

inline TensorInfo MakeTensor(const std::string& name, DataType dtype, std::vector<int64_t> dims,
                             bool initializer = false) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  for (int64_t d : dims) t.dims.push_back(Dim::Known(d));
  t.is_initializer = initializer;
  return t;
}

}  // namespace wsest::testing
