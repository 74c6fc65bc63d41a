// `wsest-calibrate check`: compares today's estimates with every node record under a records folder
// and prints an accuracy table per estimator family. Runs without a GPU (CI).
//
// Layout read: <dir>/<device>/ort-<release>/*.jsonl (node records, calibrate/node_record.h, from a
// GPU or from the shadow device; the two are reported apart),
// <dir>/<device>/*.jsonl (recorded library answers, src/records.h: the Target's live queries),
// <dir>/known_mismatches.tsv (device, case, node, reason; '#' starts a comment). The device field is
// the profile id for GPU records and "shadow:<profile>@<cuDNN version>" for shadow records
// ("shadow:h100-sxm@9.19.0"); a trailing '*' matches any rest ("shadow:*").
//
// Outcomes, per record, by the label of today's estimate:
//   exact        must equal the measurement; a mismatch fails unless listed, and a listed entry
//                that now matches fails too (remove it from the list);
//   upper_bound  must not fall below the measurement (a failure like an exact mismatch);
//   heuristic    relative error |estimate - measured| / measured, reported, never failing;
//   unknown      counted.
// Compared: the estimate's buffers on ORT's allocators (scratch + temp_space) with the most bytes the
// node held at once from ORT's device allocator; its external buffers with the raw cudaMalloc bytes, when the
// record has them. Shadow records also check the variant against the kernels the binary launched
// (calibrate/observed_variant.h): another variant fails whatever the bytes, unless listed; their
// library-decided sizes are answered to the estimate as the stub answered them (shadow_queries.h).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "calibrate/node_record.h"
#include "wsest/estimate.h"

namespace wsest::calibrate {

struct KnownMismatch {
  std::string device, case_name, node, reason;
  std::string origin;  // "file:line"
  bool used = false;
};
// Parses known_mismatches.tsv text: 4 tab-separated fields per line; blank and '#' lines skipped.
Result<std::vector<KnownMismatch>> ParseKnownMismatches(const std::string& text, const std::string& label);

enum class Outcome {
  kMatch,              // exact and equal
  kMismatch,           // exact and different, not listed: fails
  kListedMismatch,     // exact and different, listed with a reason
  kListedNowMatches,   // listed, but equal (or within the bound) now: fails
  kUpperOk,            // upper bound at or above the measurement
  kUpperBelow,         // upper bound below the measurement, not listed: fails
  kListedUpperBelow,   // upper bound below the measurement, listed
  kHeuristic,          // heuristic: relative error reported
  kUnknown,            // no estimate
  kVariantMismatch,    // shadow: the binary ran another kernel than the estimate names, not listed: fails
  kError,              // the record cannot be checked (bad key, estimator error): fails
};
const char* OutcomeName(Outcome o);
bool IsFailure(Outcome o);

struct Comparison {
  std::string origin, device, case_name, node, op, family;
  std::string source = kSourceGpu;       // RecordKey::source
  std::string label;                     // RecordLabel: what known_mismatches.tsv's device field matches
  std::optional<std::string> observed_variant;  // shadow: the kernel the binary ran (observed_variant.h)
  Outcome outcome = Outcome::kError;
  Exactness exactness = Exactness::kUnknown;
  std::string variant;
  std::optional<uint64_t> estimated;           // ORT-allocator part (scratch + temp_space)
  uint64_t estimated_external = 0;
  uint64_t measured = 0;                        // NodeRecord::scratch_peak_bytes
  std::optional<uint64_t> measured_external;
  std::optional<double> relative_error;         // |est - measured| / measured, when measured > 0
  uint64_t ort_fallback = 0;                    // ORT's ad-hoc 1.5x: 0.5 x (weights + outputs)
  std::string message;                          // why it failed, or the listed reason
};

struct CheckReport {
  std::string dir;
  size_t files = 0;
  std::vector<Comparison> comparisons;
  std::vector<std::string> errors;    // files that could not be read, malformed lines: failures
  std::vector<std::string> notes;     // skipped folders, unused known-mismatch entries
  size_t known_mismatches = 0;
  bool passed() const;
};

// Compares one record (already parsed) with today's estimate under `target`.
Comparison CompareRecord(const NodeRecord& record, const Target& target, std::vector<KnownMismatch>& known);

// ORT's ad-hoc allowance for a node without stats (SizeBasedStatsAccountant::ComputeResourceCount,
// onnxruntime/core/framework/resource_accountant.cc): 1.5 x (initializer bytes + output bytes); its
// implied workspace allowance is the 0.5 x part.
uint64_t OrtAdHocWorkspaceAllowance(const NodeView& node);

// The device field known_mismatches.tsv uses for a record: its profile id, or for a shadow record
// "shadow:<profile>@<cuDNN version>".
std::string RecordLabel(const RecordKey& key);

CheckReport Check(const std::string& dir);
void PrintReport(const CheckReport& report, std::ostream& out);

}  // namespace wsest::calibrate
