// CUB's temp-storage sizes for the device algorithms ORT's CUDA kernels call, as host arithmetic.
// Derived from the CUB that ships with CUDA 13.0 (CUB_VERSION 300001,
// /usr/local/cuda/include/cccl/cub); every constant below cites the file it comes from. A size
// query (`d_temp_storage == nullptr`) runs only this arithmetic on the host: it depends on the item
// count, the types, and the tuning policy CUB picks for the PTX version of the kernel image that runs
// (util_device.cuh PtxVersionUncached: cudaFuncGetAttributes(...).ptxVersion * 10), never on data.
//
// The functions are constexpr so calibrate/live/cub_queries.cu can static_assert them against
// CUB's own policy types, compiled by nvcc, with no GPU.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wsest::cub_storage {

// CUB_VERSION of the CUB these formulas were derived from (cub/version.cuh).
constexpr int kCubVersion = 300001;

// util_temporary_storage.cuh detail::AliasTemporaries: each allocation is rounded up to 256 bytes,
// the rounded sizes are summed, and 255 bytes are added so the blob can be realigned to 256.
constexpr uint64_t kAliasAlign = 256;
constexpr uint64_t AlignAlias(uint64_t bytes) { return (bytes + kAliasAlign - 1) / kAliasAlign * kAliasAlign; }
template <int N>
constexpr uint64_t AliasTemporaries(const uint64_t (&sizes)[N]) {
  uint64_t total = 0;
  for (int i = 0; i < N; ++i) total += AlignAlias(sizes[i]);
  return total + kAliasAlign - 1;
}

// util_arch.cuh: static shared memory per block CUB sizes policies against (48 KiB).
constexpr int kMaxSmemPerBlock = 48 * 1024;
constexpr int CeilDivInt(int a, int b) { return (a + b - 1) / b; }
constexpr int MinInt(int a, int b) { return a < b ? a : b; }
constexpr int MaxInt(int a, int b) { return a > b ? a : b; }

struct TilePolicy {
  int block_threads = 0;
  int items_per_thread = 0;
  constexpr int tile_items() const { return block_threads * items_per_thread; }
};

// util_arch.cuh MemBoundScaling<threads, items, T> (AgentScanPolicy's default scaling).
constexpr TilePolicy MemBoundScaling(int threads, int items, int type_bytes) {
  const int ipt = MaxInt(1, MinInt(items * 4 / type_bytes, items * 2));
  const int bt = MinInt(threads, CeilDivInt(kMaxSmemPerBlock / (type_bytes * ipt), 32) * 32);
  return {bt, ipt};
}
// util_arch.cuh RegBoundScaling<threads, items, T> (radix-sort agents' default scaling).
constexpr TilePolicy RegBoundScaling(int threads, int items, int type_bytes) {
  const int ipt = MaxInt(1, items * 4 / MaxInt(4, type_bytes));
  const int bt = MinInt(threads, CeilDivInt(kMaxSmemPerBlock / (type_bytes * ipt), 32) * 32);
  return {bt, ipt};
}

// ---- DeviceScan::InclusiveSum with an integer accumulator of 4 bytes and ::cuda::std::plus<> ----
// (NonZero: int -> int; Compress: int8 through CastToInt32 -> int32.) The offset type is
// choose_offset_t<int> = uint32_t (detail/choose_offset.cuh).
// tuning/tuning_scan.cuh policy_hub, chained by PTX version (ChainedPolicy picks the highest <= ptx):
//   Policy500/520: AgentScanPolicy<128, 12>; Policy600 and Policy860: DefaultPolicy <128, 15>;
//   Policy800: sm80_tuning<4-byte primitive accum> <320, 12>; Policy900: sm90_tuning <128, 24>;
//   Policy1000: sm100_tuning<plus, offset 4, value 4> <384, 22> (sizes of accum and value match, so
//   select_agent_policy100 takes it). All scaled by MemBoundScaling with sizeof(AccumT) = 4.
constexpr TilePolicy ScanInt32Policy(int ptx_version) {
  if (ptx_version >= 1000) return MemBoundScaling(384, 22, 4);
  if (ptx_version >= 900) return MemBoundScaling(128, 24, 4);
  if (ptx_version >= 860) return MemBoundScaling(128, 15, 4);
  if (ptx_version >= 800) return MemBoundScaling(320, 12, 4);
  if (ptx_version >= 600) return MemBoundScaling(128, 15, 4);
  return MemBoundScaling(128, 12, 4);
}

// agent/single_pass_scan_operators.cuh: ScanTileState<int, true> (int is primitive) keeps one
// TxnWord (uint2, 8 bytes, for a 4-byte T) per tile plus TILE_STATUS_PADDING = 32 (warp_threads);
// tile_state_allocation_size aliases {descriptors, 0, 0} through AliasTemporaries.
constexpr uint64_t kScanTileStatusPadding = 32;
constexpr uint64_t ScanTileStateBytes(uint64_t num_tiles, uint64_t descriptor_bytes) {
  const uint64_t sizes[3] = {(kScanTileStatusPadding + num_tiles) * descriptor_bytes, 0, 0};
  return AliasTemporaries(sizes);
}

// dispatch_scan.cuh DispatchScan::Invoke: num_tiles = ceil(num_items / tile_size); one allocation of
// tile_state.AllocationSize(num_tiles), aliased again. The size query returns before the
// `num_items == 0` early exit, so an empty scan still reports the padding-only size.
constexpr uint64_t InclusiveSumInt32TempBytes(uint64_t num_items, int ptx_version) {
  const uint64_t tile = static_cast<uint64_t>(ScanInt32Policy(ptx_version).tile_items());
  const uint64_t num_tiles = (num_items + tile - 1) / tile;
  const uint64_t sizes[1] = {ScanTileStateBytes(num_tiles, 8)};
  return AliasTemporaries(sizes);
}

// ---- DeviceRadixSort::SortPairs[Descending] with separate in/out arrays (is_overwrite_okay false) ----
// tuning/tuning_radix_sort.cuh policy_hub<KeyT, ValueT, OffsetT>; DominantT is the larger of key and
// value. Returns nullopt where the dispatch takes the upsweep/scan/downsweep passes (ONESWEEP false),
// whose spine length depends on the kernel's occupancy (dispatch_radix_sort.cuh InvokePasses:
// sm_occupancy from cudaOccupancyMaxActiveBlocksPerMultiprocessor): not host arithmetic.
struct RadixSortShape {
  int key_bytes = 4;
  int value_bytes = 8;   // 0: keys only
  int offset_bytes = 8;  // sizeof(choose_offset_t<NumItemsT>): 4 for int, 8 for int64_t
  bool float_keys = false;  // KeyT is float (Policy900's keys-only tuning reads it)
  int begin_bit = 0;
  int end_bit = 32;
};

// SingleTilePolicy: AgentRadixSortDownsweepPolicy<256, 19, DominantT> (Policy800 and the sm90/sm100
// OnesweepSmallKeyTunedPolicy alike), RegBoundScaling.
constexpr TilePolicy RadixSingleTilePolicy(const RadixSortShape& s) {
  return RegBoundScaling(256, 19, MaxInt(s.key_bytes, s.value_bytes));
}

// sm90_small_key_tuning<KeySize, ValueSize, OffsetSize> for 1- and 2-byte keys (default 384 x 23).
constexpr TilePolicy Sm90SmallKeyTuning(int key, int value, int offset) {
  struct Row { int k, v, o, threads, items; };
  constexpr Row rows[] = {
      {1, 0, 4, 512, 19}, {1, 0, 8, 512, 19}, {2, 0, 4, 512, 19}, {2, 0, 8, 512, 19},
      {1, 1, 4, 512, 15}, {1, 1, 8, 448, 16}, {1, 2, 4, 512, 17}, {1, 2, 8, 512, 14},
      {1, 4, 4, 512, 17}, {1, 4, 8, 512, 14}, {1, 8, 4, 384, 23}, {1, 8, 8, 384, 18},
      {1, 16, 4, 512, 22}, {1, 16, 8, 512, 22},
      {2, 1, 4, 384, 14}, {2, 1, 8, 384, 16}, {2, 2, 4, 384, 15}, {2, 2, 8, 448, 16},
      {2, 4, 4, 512, 17}, {2, 4, 8, 512, 12}, {2, 8, 4, 384, 23}, {2, 8, 8, 512, 23},
      {2, 16, 4, 512, 21}, {2, 16, 8, 576, 22},
  };
  for (const Row& r : rows) {
    if (r.k == key && r.v == value && r.o == offset) return {r.threads, r.items};
  }
  return {384, 23};
}

// The onesweep policy (nominal, before RegBoundScaling), or nullopt when ONESWEEP is false or the
// arch's tuning is not transcribed here.
//   Policy800 (ptx 800-899): ONESWEEP = sizeof(KeyT) >= 4; <384, OFFSET_64BIT && key 4 && pairs ? 17 : 21>.
//   Policy900 (OnesweepSmallKeyTunedPolicy<sm90_small_key_tuning>): ONESWEEP always; keys < 4 bytes:
//   the sm90 small-key table; 4-byte keys: <384, keys only ? 20 - OFFSET_64BIT - FLOAT_KEYS :
//   value < 8 ? (OFFSET_64BIT ? 17 : 23) : (OFFSET_64BIT ? 29 : 30)>; 8-byte keys: <384, value < 8 ? 30 : 24>.
//   Policy1000: as Policy900 for keys of 4 and 8 bytes; small keys use sm100_small_key_tuning, which
//   is not transcribed (nullopt).
constexpr std::optional<TilePolicy> RadixOnesweepNominal(const RadixSortShape& s, int ptx_version) {
  const bool offset_64 = s.offset_bytes == 8;
  const bool keys_only = s.value_bytes == 0;
  if (ptx_version >= 900) {
    if (s.key_bytes < 4) {
      if (ptx_version >= 1000) return std::nullopt;
      return Sm90SmallKeyTuning(s.key_bytes, s.value_bytes, s.offset_bytes);
    }
    if (s.key_bytes == 4) {
      const int items = keys_only ? 20 - (offset_64 ? 1 : 0) - (s.float_keys ? 1 : 0)
                                  : (s.value_bytes < 8 ? (offset_64 ? 17 : 23) : (offset_64 ? 29 : 30));
      return TilePolicy{384, items};
    }
    return TilePolicy{384, s.value_bytes < 8 ? 30 : 24};
  }
  if (ptx_version >= 800) {
    if (s.key_bytes < 4) return std::nullopt;
    return TilePolicy{384, offset_64 && s.key_bytes == 4 && !keys_only ? 17 : 21};
  }
  return std::nullopt;
}

constexpr std::optional<TilePolicy> RadixOnesweepPolicy(const RadixSortShape& s, int ptx_version) {
  const std::optional<TilePolicy> nominal = RadixOnesweepNominal(s, ptx_version);
  if (!nominal) return std::nullopt;
  return RegBoundScaling(nominal->block_threads, nominal->items_per_thread, MaxInt(s.key_bytes, s.value_bytes));
}

// dispatch_radix_sort.cuh DispatchRadixSort::Invoke: 0 items -> 1 byte; items that fit one
// SingleTilePolicy tile -> InvokeSingleTile, whose size query writes 1; otherwise InvokeOnesweep:
//   RADIX_BITS = 8 (ONESWEEP_RADIX_BITS), RADIX_DIGITS = 256, TILE = threads * items,
//   PORTION_SIZE = ((1 << 28) - 1) / TILE * TILE, num_passes = ceil((end_bit - begin_bit) / 8),
//   num_portions = ceil(n / PORTION_SIZE), max_num_blocks = ceil(min(n, PORTION_SIZE) / TILE),
//   allocations {bins: num_portions * num_passes * 256 * sizeof(OffsetT),
//                lookback: max_num_blocks * 256 * sizeof(int),
//                keys: num_passes <= 1 ? 0 : n * sizeof(KeyT), values: ... n * sizeof(ValueT),
//                counters: num_portions * num_passes * sizeof(int)}, then AliasTemporaries.
constexpr std::optional<uint64_t> RadixSortPairsTempBytes(uint64_t num_items, const RadixSortShape& s,
                                                          int ptx_version) {
  if (num_items == 0) return 1;
  const TilePolicy single = RadixSingleTilePolicy(s);
  if (num_items <= static_cast<uint64_t>(single.tile_items())) return 1;
  const std::optional<TilePolicy> onesweep = RadixOnesweepPolicy(s, ptx_version);
  if (!onesweep) return std::nullopt;
  const uint64_t tile = static_cast<uint64_t>(onesweep->tile_items());
  const uint64_t portion = ((uint64_t{1} << 28) - 1) / tile * tile;
  const uint64_t passes = static_cast<uint64_t>(CeilDivInt(s.end_bit - s.begin_bit, 8));
  const uint64_t portions = (num_items + portion - 1) / portion;
  const uint64_t first_portion = num_items < portion ? num_items : portion;
  const uint64_t max_blocks = (first_portion + tile - 1) / tile;
  const uint64_t offset = static_cast<uint64_t>(s.offset_bytes);
  const uint64_t sizes[5] = {
      portions * passes * 256 * offset,
      max_blocks * 256 * 4,
      passes <= 1 ? 0 : num_items * static_cast<uint64_t>(s.key_bytes),
      passes <= 1 ? 0 : num_items * static_cast<uint64_t>(s.value_bytes),
      portions * passes * 4,
  };
  return AliasTemporaries(sizes);
}

// ---- DeviceSelect::Flagged over int items and char flags (NonMaxSuppression's NmsGpu) ----
// dispatch_select_if.cuh DispatchSelectIf: per-partition offsets are int32 (per_partition_offset_t),
// so counts below 2^31 run as one partition (no streaming storage); tuning/tuning_select_if.cuh
// policy_hub<int, char, int32, false, Select>, chained by PTX version:
//   Policy500 and Policy860: DefaultPolicy <128, clamp(10 * 4 / 4, 1, 10) = 10>;
//   Policy800: sm80_tuning<flagged, no rejects, offset 4, primitive, 4-byte input> <320, 10>;
//   Policy900: sm90_tuning (same key) <384, 15>;
//   Policy1000: sm100_tuning (same key, no alias) <512, Nominal4BItemsToItems<int>(14) = 14>.
// Every one keeps its tile of ints in shared memory well under 48 KiB, so vsmem_per_block is 0.
constexpr TilePolicy SelectFlaggedInt32Policy(int ptx_version) {
  if (ptx_version >= 1000) return {512, 14};
  if (ptx_version >= 900) return {384, 15};
  if (ptx_version >= 860) return {128, 10};
  if (ptx_version >= 800) return {320, 10};
  return {128, 10};
}

// DispatchSelectIf::Invoke: allocations {tile state of ceil(n / tile) tiles (ScanTileState<int32>,
// 8-byte TxnWord), vsmem 0, streaming 0}, aliased. 0 items: 0 tiles, the padding-only tile state.
constexpr uint64_t SelectFlaggedInt32TempBytes(uint64_t num_items, int ptx_version) {
  const uint64_t tile = static_cast<uint64_t>(SelectFlaggedInt32Policy(ptx_version).tile_items());
  const uint64_t num_tiles = (num_items + tile - 1) / tile;
  const uint64_t sizes[3] = {ScanTileStateBytes(num_tiles, 8), 0, 0};
  return AliasTemporaries(sizes);
}

// ---- DeviceSegmentedRadixSort::SortPairs[Descending], not double-buffered (Sampling) ----
// dispatch_radix_sort.cuh DispatchSegmentedRadixSort: 0 items or 0 segments -> 1 byte; otherwise the
// allocations {keys: n * sizeof(KeyT), values: n * sizeof(ValueT)} (is_overwrite_okay false) are
// aliased, whatever the arch: the pass configuration does not enter the size.
constexpr uint64_t SegmentedRadixSortPairsTempBytes(uint64_t num_items, uint64_t num_segments, int key_bytes,
                                                    int value_bytes) {
  if (num_items == 0 || num_segments == 0) return 1;
  const uint64_t sizes[2] = {num_items * static_cast<uint64_t>(key_bytes),
                             num_items * static_cast<uint64_t>(value_bytes)};
  return AliasTemporaries(sizes);
}

// ---- thrust::count_if over floats, as cuda_cub::reduce_n (NonMaxSuppression's score filter) ----
// thrust/system/cuda/detail/count.h count_if -> reduce.h reduce_n_impl: the size type is
// ptrdiff_t (8 bytes), so AccumT is 8 bytes; one temporary_array of sizeof(T) + the
// cub::DeviceReduce::Reduce size. dispatch_reduce.cuh DispatchReduce::Invoke takes the single-tile
// kernel, whose size query writes 1, when n <= SingleTilePolicy's tile; tuning/tuning_reduce.cuh
// Policy600 <256, 16> with MemBoundScaling for 8 bytes -> 256 x 8 = 2048 items (Policy1000's sm100
// tuning for plus is 512 x 15 -> 512 x 7 = 3584; 2048 is the smaller, so it is used for sm100 too).
constexpr uint64_t kThrustCountIfSingleTileItems = 2048;
constexpr uint64_t kThrustReduceResultBytes = 8;
// Past one tile InvokePasses sizes max_blocks * sizeof(AccumT), max_blocks = sm_occupancy * sm_count *
// subscription_factor (util_arch.cuh CUB_PTX_SUBSCRIPTION_FACTOR 5), and sm_occupancy comes from
// cudaOccupancyMaxActiveBlocksPerMultiprocessor: not host arithmetic. It is at most 2048 resident
// threads per SM / 256 threads per block = 8, which bounds the blob.
constexpr uint64_t kCubSubscriptionFactor = 5;
constexpr uint64_t kMaxThreadsPerSm = 2048;
constexpr uint64_t ThrustCountIfTempBytesUpperBound(uint64_t num_items, uint64_t sm_count) {
  if (num_items <= kThrustCountIfSingleTileItems) return kThrustReduceResultBytes + 1;
  const uint64_t sizes[1] = {kMaxThreadsPerSm / 256 * sm_count * kCubSubscriptionFactor * 8};
  return kThrustReduceResultBytes + AliasTemporaries(sizes);
}

}  // namespace wsest::cub_storage

namespace wsest {
struct DeviceProfile;
}

namespace wsest::cub_storage {
// ptx version assumed for `device` (10 * sm; see cub_temp_storage.cc).
int AssumedPtxVersion(const DeviceProfile& device);
// "CUB 300001 (CUDA 13.0) <what>" for a Buffer's source.
std::string CubSource(const char* what);
}  // namespace wsest::cub_storage
