// `wsest-calibrate arena`: wsest's replay of a session's device memory (include/wsest/session_memory.h)
// for one model, set up the way a shadow session ran it, so the two can be compared byte for byte:
// the shadow device's library answers fed to the estimate (calibrate/shadow_queries.h), and
// optionally the initializers' allocation order that one process used (read from the shadow log's
// host-to-device copies), which ORT draws anew in every process.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsest/result.h"

namespace wsest::calibrate {

struct ArenaReplayOptions {
  std::string model;
  std::map<std::string, int64_t> dims;
  std::map<std::string, std::vector<int64_t>> input_shapes;
  std::string device = "h100-sxm";
  std::map<std::string, std::string> ep_options;
  std::optional<uint64_t> library_workspace;  // the shadow's answer to every library size query
  std::vector<uint64_t> initializer_order;     // sizes in allocation order; empty: sampled orders
  std::vector<std::string> cpu_nodes;           // node names ORT placed on the CPU EP (a layer plan)
  std::optional<uint64_t> device_memory;       // what cudaMalloc can get (WSEST_SHADOW_MEMORY on the shadow)
  bool memory_pattern = true;
  bool trace = false;  // every arena request and release of the replay, in the JSON's "trace"
};

// One JSON object: session, first_run and steady (median, min, max), the pattern block, the
// initializers' and kernels' own bytes, and the replay's caveats.
Result<std::string> ArenaReplayJson(const ArenaReplayOptions& options);

}  // namespace wsest::calibrate
