// Keeping one GPU architecture's device code in an ELF shared library: the CUDA provider's
// `.nv_fatbin` section holds fatbin containers (magic 0xBA55ED50, u16 version, u16 header size,
// u64 payload size), each a list of entries (u16 kind, u16 flags, u32 header size, u64 payload
// size, ..., u32 SM architecture at byte 28). Zeroing the payloads of the other architectures'
// entries keeps every header, offset and symbol in place, so the library still loads and the CUDA
// runtime still finds its own architecture's code; the zeros compress to almost nothing.
// Facts from ../shared/research/ort-1.29-from-npm.md, confirmed on libonnxruntime_providers_cuda.so
// of ORT 1.29.0 (289 containers, 1591 entries, all kind 2 = ELF cubin; no PTX).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "wsest/result.h"

namespace wsest::calibrate {

struct FatbinStats {
  uint64_t section_offset = 0, section_size = 0;
  size_t containers = 0, entries = 0;
  size_t kept_entries = 0, zeroed_entries = 0;
  uint64_t kept_bytes = 0, zeroed_bytes = 0;
  size_t containers_without_keep = 0;  // containers with no entry for the kept architecture
  std::map<uint32_t, uint64_t> bytes_by_arch;  // payload bytes per SM architecture, before shrinking
};

// Zeroes, in place, the payload of every fatbin entry whose architecture is not `keep_sm` (an entry
// of kind PTX, kind 1, is kept when its architecture is <= keep_sm and the container has no cubin for
// keep_sm, so code that would be JIT-compiled still is). With `dry_run` nothing is written.
// Errors: not a 64-bit little-endian ELF, no `.nv_fatbin` section, a container or entry that runs
// past its bounds.
Result<FatbinStats> ShrinkFatbin(std::string& elf, uint32_t keep_sm, bool dry_run = false);

}  // namespace wsest::calibrate
