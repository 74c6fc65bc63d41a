#include "calibrate/fatbin.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace wsest::calibrate {
namespace {

constexpr uint32_t kFatbinMagic = 0xBA55ED50u;
constexpr uint16_t kKindPtx = 1;

template <typename T>
T Read(const std::string& b, uint64_t off) {
  T v;
  std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

struct Entry {
  uint64_t offset, header_size, payload_size;
  uint16_t kind;
  uint32_t arch;
};

}  // namespace

Result<FatbinStats> ShrinkFatbin(std::string& elf, uint32_t keep_sm, bool dry_run) {
  // ELF64 header: e_ident[16], e_type u16, e_machine u16, e_version u32, e_entry u64, e_phoff u64,
  // e_shoff u64 @40, e_flags u32, e_ehsize u16, e_phentsize u16, e_phnum u16, e_shentsize u16 @58,
  // e_shnum u16 @60, e_shstrndx u16 @62. Section header (64 bytes): sh_name u32 @0, sh_offset u64 @24,
  // sh_size u64 @32.
  if (elf.size() < 64 || std::memcmp(elf.data(), "\x7f" "ELF", 4) != 0) return InvalidArgument("not an ELF file");
  if (elf[4] != 2 || elf[5] != 1) return InvalidArgument("not a 64-bit little-endian ELF file");
  const uint64_t shoff = Read<uint64_t>(elf, 40);
  const uint16_t shentsize = Read<uint16_t>(elf, 58), shnum = Read<uint16_t>(elf, 60),
                 shstrndx = Read<uint16_t>(elf, 62);
  if (shentsize != 64 || shstrndx >= shnum || shoff + uint64_t{shnum} * 64 > elf.size()) {
    return InvalidArgument("bad ELF section header table");
  }
  auto section = [&](uint16_t i, uint64_t field) { return shoff + uint64_t{i} * 64 + field; };
  const uint64_t strtab = Read<uint64_t>(elf, section(shstrndx, 24));
  FatbinStats st;
  bool found = false;
  for (uint16_t i = 0; i < shnum; ++i) {
    const uint64_t name = strtab + Read<uint32_t>(elf, section(i, 0));
    if (name >= elf.size()) continue;
    if (std::strncmp(elf.data() + name, ".nv_fatbin", elf.size() - name) == 0) {
      st.section_offset = Read<uint64_t>(elf, section(i, 24));
      st.section_size = Read<uint64_t>(elf, section(i, 32));
      found = true;
      break;
    }
  }
  if (!found) return NotFound("no .nv_fatbin section");
  const uint64_t end = st.section_offset + st.section_size;
  if (end > elf.size() || end < st.section_offset) return InvalidArgument(".nv_fatbin runs past the end of the file");

  uint64_t p = st.section_offset;
  while (p + 16 <= end) {
    if (Read<uint32_t>(elf, p) != kFatbinMagic) {
      // Containers may be padded apart; only zero bytes may sit between them.
      if (elf[p] == 0) {
        ++p;
        continue;
      }
      return InvalidArgument(fmt::format("no fatbin magic at file offset {:#x}", p));
    }
    const uint64_t header = Read<uint16_t>(elf, p + 6), payload = Read<uint64_t>(elf, p + 8);
    const uint64_t cend = p + header + payload;
    if (cend > end || cend < p) return InvalidArgument(fmt::format("fatbin container at {:#x} runs past .nv_fatbin", p));
    ++st.containers;
    std::vector<Entry> entries;
    for (uint64_t e = p + header; e < cend;) {
      if (e + 32 > cend) return InvalidArgument(fmt::format("fatbin entry at {:#x} is truncated", e));
      Entry en{e, Read<uint32_t>(elf, e + 4), Read<uint64_t>(elf, e + 8), Read<uint16_t>(elf, e),
               Read<uint32_t>(elf, e + 28)};
      if (en.header_size < 32 || e + en.header_size + en.payload_size > cend) {
        return InvalidArgument(fmt::format("fatbin entry at {:#x} runs past its container", e));
      }
      entries.push_back(en);
      e += en.header_size + en.payload_size;
    }
    bool has_cubin = false;
    uint32_t best_ptx = 0;
    for (const Entry& en : entries) {
      if (en.kind != kKindPtx && en.arch == keep_sm) has_cubin = true;
      if (en.kind == kKindPtx && en.arch <= keep_sm) best_ptx = std::max(best_ptx, en.arch);
    }
    if (!has_cubin && best_ptx == 0) ++st.containers_without_keep;
    for (const Entry& en : entries) {
      ++st.entries;
      st.bytes_by_arch[en.arch] += en.payload_size;
      const bool keep = (en.kind != kKindPtx && en.arch == keep_sm) ||
                        (en.kind == kKindPtx && !has_cubin && en.arch == best_ptx);
      if (keep) {
        ++st.kept_entries;
        st.kept_bytes += en.payload_size;
      } else {
        ++st.zeroed_entries;
        st.zeroed_bytes += en.payload_size;
        if (!dry_run) std::memset(elf.data() + en.offset + en.header_size, 0, en.payload_size);
      }
    }
    p = cend;
  }
  return st;
}

}  // namespace wsest::calibrate
