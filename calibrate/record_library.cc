// wsest-record-library: records the library tables (data/records/<device>/library.jsonl) for the
// shape corpus of calibrate/record_library_lib.cc on the GPU this runs on. Needs a GPU: without one
// it says why and exits 2. Usage:
//   wsest_record_library --device h100-sxm [--out data/records] [--option key=value ...]
//   wsest_record_library --gpu-name "NVIDIA H200" ...   (the profile of the GPU nvidia-smi names;
//                                                        calibrate/run_on_gpu.sh passes it)
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "calibrate/ingest.h"
#include "calibrate/record_library.h"

int main(int argc, char** argv) {
  std::string device = wsest::kDefaultDevice, out_dir = "data/records";
  wsest::Target target = wsest::DefaultTarget();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--device") {
      device = value;
    } else if (flag == "--gpu-name") {
      device = wsest::calibrate::DeviceForGpuName(value, 0);
      if (device.empty()) {
        std::cerr << "no device profile for the GPU '" << value << "': name one with --device\n";
        return 1;
      }
    } else if (flag == "--out") {
      out_dir = value;
    } else if (flag == "--option") {
      const auto eq = value.find('=');
      auto r = target.ep.SetProviderOption(value.substr(0, eq), eq == std::string::npos ? "" : value.substr(eq + 1));
      if (!r.ok()) {
        std::cerr << r.error().message << "\n";
        return 1;
      }
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return 1;
    }
  }
  auto profile = wsest::FindDevice(device);
  if (!profile.ok()) {
    std::cerr << profile.error().message << "\n";
    return 1;
  }
  target.device = *profile;
  std::string why_not;
  std::unique_ptr<wsest::LibraryQueries> live = wsest::CreateLiveQueries(0, &why_not);
  if (!live) {
    std::cerr << "cannot record: " << why_not << "\n";
    return 2;
  }
  wsest::LibraryVersions versions = wsest::LiveLibraryVersions();
  versions.device = device;
  versions.sm = target.device.sm();
  const std::string dir = out_dir + "/" + device;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir + "/library.jsonl");
  const auto stats = wsest::calibrate::RecordCorpus(wsest::calibrate::LibraryCorpus(), target, *live, versions, out,
                                                    std::cerr);
  std::cout << "queries " << stats.queries << ", recorded " << stats.recorded << ", failed " << stats.failed << " -> "
            << dir << "/library.jsonl\n";
  return stats.failed == 0 ? 0 : 3;
}
