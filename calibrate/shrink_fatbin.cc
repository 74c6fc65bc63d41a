// shrink_fatbin IN OUT [--keep-sm 90] [--dry-run]
// Writes a copy of IN (an ELF shared library with CUDA device code, e.g. ORT's
// libonnxruntime_providers_cuda.so) whose `.nv_fatbin` keeps only one architecture's code; the rest
// is zeroed in place (calibrate/fatbin.h), so `xz` shrinks the copy to fit a 64 MiB transfer.
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "calibrate/fatbin.h"

int main(int argc, char** argv) {
  std::string in_path, out_path;
  uint32_t keep_sm = 90;
  bool dry_run = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--keep-sm" && i + 1 < argc) {
      keep_sm = static_cast<uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--dry-run") {
      dry_run = true;
    } else if (in_path.empty()) {
      in_path = a;
    } else if (out_path.empty()) {
      out_path = a;
    } else {
      in_path.clear();
      break;
    }
  }
  if (in_path.empty() || (out_path.empty() && !dry_run) || keep_sm == 0) {
    std::cerr << "usage: shrink_fatbin IN OUT [--keep-sm 90] [--dry-run]\n";
    return 2;
  }
  std::ifstream in(in_path, std::ios::binary);
  if (!in) {
    std::cerr << "shrink_fatbin: cannot open " << in_path << "\n";
    return 1;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string elf = buf.str();
  auto st = wsest::calibrate::ShrinkFatbin(elf, keep_sm, dry_run);
  if (!st.ok()) {
    std::cerr << "shrink_fatbin: " << in_path << ": " << st.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format(".nv_fatbin at {:#x}, {} bytes: {} containers, {} entries\n", st->section_offset,
                           st->section_size, st->containers, st->entries);
  for (const auto& [arch, bytes] : st->bytes_by_arch) std::cout << fmt::format("  sm_{}: {} bytes\n", arch, bytes);
  std::cout << fmt::format("kept sm_{}: {} entries, {} bytes; zeroed {} entries, {} bytes\n", keep_sm,
                           st->kept_entries, st->kept_bytes, st->zeroed_entries, st->zeroed_bytes);
  if (st->containers_without_keep) {
    std::cout << fmt::format("note: {} containers have no sm_{} code (their kernels cannot run on that GPU anyway)\n",
                             st->containers_without_keep, keep_sm);
  }
  if (dry_run) return 0;
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out.write(elf.data(), static_cast<std::streamsize>(elf.size()));
  if (!out) {
    std::cerr << "shrink_fatbin: cannot write " << out_path << "\n";
    return 1;
  }
  return 0;
}
