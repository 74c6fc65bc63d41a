// Node records: what ORT 1.29.0's CUDA EP really allocated for one node in a measured run
// (data/records/<device>/ort-1.29.0/*.jsonl, written by calibrate/measure on a GPU, read by
// `wsest-calibrate check` without one). The format is documented in data/records/README.md.
//
// These are per-node measurements of whole ORT runs. The library-query tables of issue 5 (cuDNN and
// CUB answers, src/records.h) live one folder up, in data/records/<device>/*.jsonl; the check loads
// them as the Target's recorded library queries, so Conv and Reduce estimates use the same answers
// the EP got when the node was measured.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsest/node_view.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest::calibrate {

constexpr const char* kNodeRecordSchema = "wsest-node-record/1";

// Where a record was measured.
//   gpu:    a real GPU: every byte is ground truth.
//   shadow: the real ORT 1.29.0 CUDA provider on the shadow device (calibrate/shadow), no GPU: the
//           binary's own host code chose the kernel and sized ORT's buffers, so those are ground
//           truth; every size a library decides (cuDNN, cuBLASLt, cuFFT) was the stub's answer,
//           `library_workspace`, and the check feeds the same answer to the estimate.
constexpr const char* kSourceGpu = "gpu";
constexpr const char* kSourceShadow = "shadow";

// The compatibility key: a record applies to an estimate only under the same key.
struct RecordKey {
  std::string source = kSourceGpu;
  std::string device;    // wsest device profile id ("h100-sxm")
  std::string gpu_name;  // cudaDeviceProp::name ("NVIDIA H100 80GB HBM3")
  int sm = 0;            // 90
  int sm_count = 0;      // cudaDeviceProp::multiProcessorCount
  std::string driver;    // NVIDIA driver version ("580.82.07")
  int cuda_runtime = 0;  // cudaRuntimeGetVersion (13000)
  int cuda_driver = 0;   // cudaDriverGetVersion
  int cudnn = 0;         // cudnnGetVersion (91300)
  int cublas = 0;        // cublasGetProperty major*10000 + minor*100 + patch
  std::string ort;       // OrtGetApiBase()->GetVersionString() ("1.29.0")
  std::string ep = "CUDAExecutionProvider";
  std::map<std::string, std::string> provider_options;  // as passed to UpdateCUDAProviderOptions
  std::map<std::string, std::string> env;               // ORT_* variables set for the session
  std::map<std::string, std::vector<int64_t>> input_shapes;  // graph inputs as fed
  std::optional<uint64_t> library_workspace;  // shadow: every library query's answer, in bytes
  bool shadow() const { return source == kSourceShadow; }
};

// One measured node.
struct NodeRecord {
  std::string case_name;      // calibrate/cases name, or "<model>/<node>" for a split model
  std::string model;          // the model file measured (informational, relative to the bundle)
  RecordKey key;
  NodeView node;              // shaped as wsest saw it when measuring
  std::string ort_node_name;  // IResourceAccountant::MakeUniqueNodeName, as in ORT's stats CSV

  // Steady run (after warm-up runs), outputs bound in advance: bytes the node requested from ORT's
  // device allocator during Compute (every Alloc summed, the way ORT's stats sum temp allocations),
  // and the peak of those held at once.
  uint64_t scratch_bytes = 0;
  uint64_t scratch_peak_bytes = 0;
  std::vector<uint64_t> allocations;  // each Alloc's size, in order (per buffer where a buffer is one Alloc)
  // Raw cudaMalloc/cudaMallocAsync through the dynamic CUDA runtime during the steady run (the
  // LD_PRELOAD shim); nullopt when the shim was not loaded.
  std::optional<uint64_t> external_bytes;
  std::vector<uint64_t> external_allocations;
  // First run (cold: algorithm searches, handle creation), for reference; never compared.
  std::optional<uint64_t> first_run_scratch_bytes;
  std::optional<uint64_t> first_run_external_bytes;
  // Growth of cudaMemGetInfo's used bytes over the whole first run (2 MiB granular): persistent
  // allocations made outside every allocator (cuBLAS/cuDNN handle workspaces).
  std::optional<int64_t> first_run_device_used_delta;
  // ORT's own node stats (session.collect_node_memory_stats_to_file) for the same node.
  std::optional<uint64_t> ort_input_sizes, ort_initializers_sizes, ort_total_dynamic_sizes,
      ort_total_temp_allocations;
  // Shadow records: the kernels launched ("launch <mangled name>") and library calls ("cublasGemmEx",
  // "cudnnBackendExecute") of the steady run, in order: what names the variant the EP chose.
  std::vector<std::string> trace;
  // The EP ORT placed the node on ("CUDAExecutionProvider"; "CPUExecutionProvider" when GetCapability
  // turned it down), from ORT's log; empty in records made before the runner read it.
  std::string placement;

  std::string origin;  // "file:line", filled by the reader
};

// One JSONL line (no trailing newline); fields in a stable order.
std::string FormatNodeRecord(const NodeRecord& r);
// Parses one line; `origin` ("file:line") names it in errors.
Result<NodeRecord> ParseNodeRecord(const std::string& line, const std::string& origin);
// Every record in a .jsonl file (blank lines skipped).
Result<std::vector<NodeRecord>> ReadNodeRecords(const std::string& path);

// The Target a record was measured under: device profile, provider options, ORT_* variables.
// Fails when the profile is unknown or disagrees with the key (SM, SM count), or an option is one
// the 1.29.0 EP does not know.
Result<Target> TargetForKey(const RecordKey& key);

// A NodeView as JSON text and back (types, dims, attributes, small integer constants).
std::string NodeViewToJson(const NodeView& node);
Result<NodeView> NodeViewFromJson(const std::string& text, const std::string& origin);

}  // namespace wsest::calibrate
