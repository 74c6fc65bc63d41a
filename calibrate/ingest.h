// `wsest-calibrate ingest`: turns wsest-measure's raw lines (one per case, measured on a GPU) into
// node records, with wsest's own view of each node: the model is loaded with the case's input
// shapes, its one node becomes the record's NodeView, and ORT's stats row for it is found by ORT's
// node name (src/ort_stats.h).
#pragma once

#include <ostream>
#include <string>

#include "wsest/result.h"

namespace wsest::calibrate {

struct IngestOptions {
  std::string raw;          // wsest-measure's output (JSONL)
  std::string models_root;  // where the raw lines' model paths resolve (the bundle's cases folder)
  std::string out_dir;      // records root: <out_dir>/<device>/ort-<version>/<name>.jsonl
  std::string name = "cases";
  std::string device;       // profile id; empty: from the GPU name
  bool allow_cpu = false;   // accept CPU EP lines (only for testing the pipeline without a GPU)
};

struct IngestStats {
  size_t lines = 0, records = 0, failed_cases = 0, skipped = 0, unloadable = 0;
  std::string written;  // the file written
};

// The device profile id for a CUDA device name ("NVIDIA H100 80GB HBM3" -> "h100-sxm"); empty if none.
std::string DeviceForGpuName(const std::string& gpu_name, int sm_count);

Result<IngestStats> Ingest(const IngestOptions& options, std::ostream& log);

}  // namespace wsest::calibrate
