// CUB temp-storage queries compiled by nvcc (the size query instantiates CUB's dispatch, which needs
// device code), plus compile-time checks that estimators/cub_temp_storage.h transcribes CUB's
// tuning policies correctly: these static_asserts run with no GPU, every time wsest_live builds.
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <cub/device/device_select.cuh>
#include <cub/version.cuh>
#include <thrust/iterator/transform_iterator.h>

#include <cstdint>

#include "estimators/cub_temp_storage.h"
#include "wsest/live.h"

namespace {

namespace cs = wsest::cub_storage;

static_assert(CUB_VERSION == cs::kCubVersion, "cub_temp_storage.h was derived from another CUB version");

// Scan policies for an int accumulator, plus<>, uint32 offsets (NonZero and Compress).
using ScanHub = cub::detail::scan::policy_hub<int, int, int, uint32_t, ::cuda::std::plus<>>;
template <typename P>
constexpr bool SameScan(int ptx) {
  return P::ScanPolicyT::BLOCK_THREADS == cs::ScanInt32Policy(ptx).block_threads &&
         P::ScanPolicyT::ITEMS_PER_THREAD == cs::ScanInt32Policy(ptx).items_per_thread;
}
static_assert(SameScan<ScanHub::Policy800>(800), "scan Policy800");
static_assert(SameScan<ScanHub::Policy860>(860), "scan Policy860");
static_assert(SameScan<ScanHub::Policy900>(900), "scan Policy900");
static_assert(SameScan<ScanHub::Policy1000>(1000), "scan Policy1000");
static_assert(SameScan<ScanHub::Policy600>(600), "scan Policy600");

// Onesweep policies for TopK (keys of each type, int64 values, 64-bit offsets) and NMS (float keys,
// int values, 32-bit offsets).
template <typename Key, typename Value, typename Offset, typename P>
constexpr bool SameOnesweep(int ptx) {
  cs::RadixSortShape s;
  s.key_bytes = sizeof(Key);
  s.value_bytes = sizeof(Value);
  s.offset_bytes = sizeof(Offset);
  s.float_keys = ::cuda::std::is_same_v<Key, float>;
  const auto mine = cs::RadixOnesweepPolicy(s, ptx);
  return mine.has_value() && P::ONESWEEP && P::OnesweepPolicy::BLOCK_THREADS == mine->block_threads &&
         P::OnesweepPolicy::ITEMS_PER_THREAD == mine->items_per_thread &&
         P::SingleTilePolicy::BLOCK_THREADS * P::SingleTilePolicy::ITEMS_PER_THREAD ==
             cs::RadixSingleTilePolicy(s).tile_items();
}
template <typename Key, typename Value, typename Offset>
using RadixHub = cub::detail::radix::policy_hub<Key, Value, Offset>;
using ull = unsigned long long;
static_assert(SameOnesweep<float, int64_t, ull, RadixHub<float, int64_t, ull>::Policy900>(900), "topk float sm90");
static_assert(SameOnesweep<__half, int64_t, ull, RadixHub<__half, int64_t, ull>::Policy900>(900), "topk half sm90");
static_assert(SameOnesweep<double, int64_t, ull, RadixHub<double, int64_t, ull>::Policy900>(900), "topk double sm90");
static_assert(SameOnesweep<int64_t, int64_t, ull, RadixHub<int64_t, int64_t, ull>::Policy900>(900), "topk i64 sm90");
static_assert(SameOnesweep<int32_t, int64_t, ull, RadixHub<int32_t, int64_t, ull>::Policy900>(900), "topk i32 sm90");
static_assert(SameOnesweep<float, int64_t, ull, RadixHub<float, int64_t, ull>::Policy800>(800), "topk float sm80");
static_assert(SameOnesweep<float, int64_t, ull, RadixHub<float, int64_t, ull>::Policy1000>(1000), "topk float sm100");
static_assert(SameOnesweep<float, int, uint32_t, RadixHub<float, int, uint32_t>::Policy900>(900), "nms sm90");
static_assert(SameOnesweep<float, int, uint32_t, RadixHub<float, int, uint32_t>::Policy800>(800), "nms sm80");

struct CastToInt32 {
  __host__ __device__ int32_t operator()(int8_t v) const { return static_cast<int32_t>(v); }
};

template <typename Key>
cudaError_t SortPairsSize(const wsest::CubQuery& q, size_t& bytes) {
  if (q.offset_bytes == 8) {
    return cub::DeviceRadixSort::SortPairs(nullptr, bytes, static_cast<const Key*>(nullptr), static_cast<Key*>(nullptr),
                                           static_cast<const int64_t*>(nullptr), static_cast<int64_t*>(nullptr),
                                           static_cast<int64_t>(q.num_items), q.begin_bit, q.end_bit);
  }
  return cub::DeviceRadixSort::SortPairs(nullptr, bytes, static_cast<const Key*>(nullptr), static_cast<Key*>(nullptr),
                                         static_cast<const int*>(nullptr), static_cast<int*>(nullptr),
                                         static_cast<int>(q.num_items), q.begin_bit, q.end_bit);
}

}  // namespace

namespace wsest {

int CubVersionCompiled() { return CUB_VERSION; }

// The same calls, with the same types, as ORT 1.29.0's kernels make (nonzero_impl.cu,
// compress_impl.cu, topk_impl.cuh, non_max_suppression_impl.cu).
Result<uint64_t> CubTempStorageOnDevice(const CubQuery& q) {
  size_t bytes = 0;
  cudaError_t e = cudaErrorInvalidValue;
  switch (q.algorithm) {
    case CubAlgorithm::kInclusiveSumInt32:
      e = cub::DeviceScan::InclusiveSum(nullptr, bytes, static_cast<int*>(nullptr), static_cast<int*>(nullptr),
                                        static_cast<int>(q.num_items));
      break;
    case CubAlgorithm::kInclusiveSumInt8AsInt32: {
      auto it = thrust::make_transform_iterator(static_cast<const int8_t*>(nullptr), CastToInt32());
      e = cub::DeviceScan::InclusiveSum(nullptr, bytes, it, static_cast<int32_t*>(nullptr),
                                        static_cast<int>(q.num_items));
      break;
    }
    case CubAlgorithm::kRadixSortPairs:
      // Values are int64 for 8-byte offsets (TopK) and int for 4-byte offsets (NMS), as ORT calls them.
      switch (q.key_dtype) {
        case DataType::kFloat16: e = SortPairsSize<__half>(q, bytes); break;
        case DataType::kFloat: e = SortPairsSize<float>(q, bytes); break;
        case DataType::kDouble: e = SortPairsSize<double>(q, bytes); break;
        case DataType::kInt32: e = SortPairsSize<int32_t>(q, bytes); break;
        case DataType::kInt64: e = SortPairsSize<int64_t>(q, bytes); break;
        default: return NotFound("no radix sort instantiated for this key type");
      }
      break;
    case CubAlgorithm::kSelectFlagged:
      e = cub::DeviceSelect::Flagged(nullptr, bytes, static_cast<int*>(nullptr), static_cast<char*>(nullptr),
                                     static_cast<int*>(nullptr), static_cast<int*>(nullptr),
                                     static_cast<int>(q.num_items));
      break;
  }
  if (e != cudaSuccess) return NotFound(std::string("CUB size query failed: ") + cudaGetErrorString(e));
  return static_cast<uint64_t>(bytes);
}

}  // namespace wsest
