// Coverage: the registry's rows counted against the kernels ONNX Runtime's CUDA EP registers
// (data/ort-1.29.0-cuda-kernels.tsv, compiled into the library).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "wsest/registry.h"
#include "wsest/result.h"
#include "wsest/target.h"

namespace wsest {

// One registration of the CUDA EP: (domain, op, since, until), until = kLatestOpset when open-ended.
struct KernelRegistration {
  std::string domain;  // "" for ai.onnx (the file spells it "ai.onnx")
  std::string op_type;
  int since_version = 0;
  int until_version = 0;
  std::string status;  // "listed" or "kernel_file" (see the file's header)
};

// Parses the TSV: '#' comment lines, one header line, then rows of five tab-separated fields. An error
// names the line. A repeated (domain, op, since) row is an error too.
Result<std::vector<KernelRegistration>> ParseKernelTable(const std::string& text);


struct KernelCoverage {
  KernelRegistration kernel;
  const EstimatorEntry* entry = nullptr;  // the row covering it; null when none covers every version
  std::string label;                      // "no_scratch", "exact", "upper_bound", "heuristic", "unknown", "none"
};

struct CoverageReport {
  std::vector<KernelCoverage> kernels;
  size_t covered = 0;  // kernels with an estimator that can say more than unknown
  size_t total = 0;
};

// A kernel is covered when one registry row spans its whole version range (checked at since and at
// until, or since alone when open-ended) and that row's exactness labels are not only "unknown".
// Its label is the row's weakest label: no_scratch < exact < upper_bound < heuristic < unknown.
CoverageReport ComputeCoverage(const std::vector<KernelRegistration>& kernels);

// The kernel list compiled into the library.
Result<std::vector<KernelRegistration>> EmbeddedKernelTable();

// Whether the CUDA EP registers a kernel for (domain, op) at this opset. When it does not, ORT leaves
// the node to another EP (the CPU EP) and it takes no GPU workspace.
bool CudaEpRegisters(const std::string& domain, const std::string& op_type, int opset);

// Writes the report for the embedded table; the last line reads "coverage: X/Y kernels (Z%)".
Result<bool> WriteCoverage(std::ostream& out);
void WriteCoverageReport(const CoverageReport& report, const std::string& source, std::ostream& out);

}  // namespace wsest
