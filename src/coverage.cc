#include "src/coverage.h"

#include <fmt/format.h>

#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <tuple>

namespace wsest {
namespace internal {
extern const char kCudaKernelsTsv[];  // data/ort-1.29.0-cuda-kernels.tsv, embedded by cmake/embed_text.cmake
}  // namespace internal
namespace {

constexpr const char* kKernelTableName = "data/ort-1.29.0-cuda-kernels.tsv";

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

bool ParseVersion(const std::string& text, int* out) {
  if (text.empty() || text.size() > 6) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Weakest-first order of the labels a row can carry.
int LabelRank(const std::string& label) {
  if (label == "exact") return 1;
  if (label == "upper_bound") return 2;
  if (label == "heuristic") return 3;
  if (label == "unknown") return 4;
  return 0;
}

// The row's weakest label other than unknown, or "unknown" when it has nothing else.
std::string RowLabel(const EstimatorEntry& entry) {
  if (entry.estimate == nullptr) return "no_scratch";
  std::string best = "unknown";
  int best_rank = -1;
  std::stringstream labels(entry.exactness == nullptr ? "" : entry.exactness);
  std::string label;
  while (std::getline(labels, label, ',')) {
    const int rank = LabelRank(label);
    if (rank == 4 || rank == 0) continue;
    if (rank > best_rank) {
      best_rank = rank;
      best = label;
    }
  }
  return best;
}

}  // namespace

Result<std::vector<KernelRegistration>> ParseKernelTable(const std::string& text) {
  std::vector<KernelRegistration> rows;
  std::set<std::tuple<std::string, std::string, int>> seen;
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      if (line != "domain\top_type\tsince\tuntil\tstatus") {
        return InvalidArgument(fmt::format("{}:{}: expected the header 'domain op_type since until status'",
                                           kKernelTableName, line_number));
      }
      header_seen = true;
      continue;
    }
    const std::vector<std::string> f = SplitTabs(line);
    if (f.size() != 5) {
      return InvalidArgument(fmt::format("{}:{}: {} fields, expected 5", kKernelTableName, line_number, f.size()));
    }
    KernelRegistration k;
    k.domain = f[0] == "ai.onnx" ? std::string() : f[0];
    k.op_type = f[1];
    k.status = f[4];
    if (f[0].empty() || k.op_type.empty()) {
      return InvalidArgument(fmt::format("{}:{}: empty domain or op_type", kKernelTableName, line_number));
    }
    if (!ParseVersion(f[2], &k.since_version)) {
      return InvalidArgument(fmt::format("{}:{}: since '{}' is not a version", kKernelTableName, line_number, f[2]));
    }
    if (f[3].empty()) {
      k.until_version = kLatestOpset;
    } else if (!ParseVersion(f[3], &k.until_version) || k.until_version < k.since_version) {
      return InvalidArgument(
          fmt::format("{}:{}: until '{}' is not a version >= since", kKernelTableName, line_number, f[3]));
    }
    if (k.status != "listed" && k.status != "kernel_file") {
      return InvalidArgument(fmt::format("{}:{}: status '{}', expected listed or kernel_file", kKernelTableName,
                                         line_number, k.status));
    }
    if (!seen.insert({k.domain, k.op_type, k.since_version}).second) {
      return InvalidArgument(fmt::format("{}:{}: duplicate row {} {} {}", kKernelTableName, line_number, f[0],
                                         k.op_type, k.since_version));
    }
    rows.push_back(std::move(k));
  }
  if (!header_seen) return InvalidArgument(fmt::format("{}: no header line", kKernelTableName));
  return rows;
}

CoverageReport ComputeCoverage(const std::vector<KernelRegistration>& kernels) {
  CoverageReport report;
  for (const auto& k : kernels) {
    KernelCoverage c;
    c.kernel = k;
    // Walk the registry rows across [since, until]: each must start where the previous one ended.
    bool spanned = true;
    std::string label;
    for (int v = k.since_version; v <= k.until_version;) {
      const EstimatorEntry* entry = FindEstimator(k.domain, k.op_type, v);
      if (entry == nullptr) {
        spanned = false;
        break;
      }
      if (c.entry == nullptr) c.entry = entry;
      const std::string row_label = RowLabel(*entry);
      const int row_rank = row_label == "no_scratch" ? 0 : LabelRank(row_label);
      const int label_rank = label.empty() ? -1 : (label == "no_scratch" ? 0 : LabelRank(label));
      if (row_rank > label_rank) label = row_label;
      if (entry->until_version >= k.until_version) break;
      v = entry->until_version + 1;
    }
    if (spanned) {
      c.label = label;
      if (c.label != "unknown") ++report.covered;
    } else {
      c.entry = nullptr;
      c.label = "none";
    }
    report.kernels.push_back(std::move(c));
  }
  report.total = kernels.size();
  return report;
}

void WriteCoverageReport(const CoverageReport& report, const std::string& source, std::ostream& out) {
  std::map<std::string, size_t> by_label;
  for (const auto& c : report.kernels) ++by_label[c.label];
  out << fmt::format("CUDA EP kernels of onnxruntime {} ({}): {}\n", kEpRelease, source, report.total);
  out << "by estimator exactness (a row's weakest label):\n";
  for (const char* label : {"no_scratch", "exact", "upper_bound", "heuristic", "unknown"}) {
    out << fmt::format("  {:<12} {}\n", label, by_label[label]);
  }
  out << fmt::format("without an estimator: {} (listed with the {} whose estimator only says unknown)\n",
                     by_label["none"], by_label["unknown"]);
  for (const auto& c : report.kernels) {
    if (c.label != "none" && c.label != "unknown") continue;
    const std::string until = c.kernel.until_version == kLatestOpset ? "" : std::to_string(c.kernel.until_version);
    out << fmt::format("  {} {} {}-{}{}\n", c.kernel.domain.empty() ? "ai.onnx" : c.kernel.domain, c.kernel.op_type,
                       c.kernel.since_version, until, c.label == "unknown" ? " (estimator returns unknown only)" : "");
  }
  const double percent = report.total == 0 ? 0.0 : 100.0 * static_cast<double>(report.covered) /
                                                        static_cast<double>(report.total);
  out << fmt::format("coverage: {}/{} kernels ({:.1f}%)\n", report.covered, report.total, percent);
}

Result<std::vector<KernelRegistration>> EmbeddedKernelTable() { return ParseKernelTable(internal::kCudaKernelsTsv); }

Result<bool> WriteCoverage(std::ostream& out) {
  WSEST_ASSIGN_OR_RETURN(std::vector<KernelRegistration> kernels, EmbeddedKernelTable());
  WriteCoverageReport(ComputeCoverage(kernels), kKernelTableName, out);
  return true;
}

bool CudaEpRegisters(const std::string& domain, const std::string& op_type, int opset) {
  // Parsed once; a table that does not parse is a build defect caught by tests/coverage_test.cc, and
  // then every op counts as registered (unknown, never a wrong 0).
  static const std::vector<KernelRegistration>* const kernels = [] {
    auto parsed = EmbeddedKernelTable();
    return new std::vector<KernelRegistration>(parsed.ok() ? std::move(*parsed) : std::vector<KernelRegistration>{});
  }();
  if (kernels->empty()) return true;
  const std::string& d = domain == "ai.onnx" ? std::string() : domain;
  for (const auto& k : *kernels)
    if (k.op_type == op_type && k.domain == d && k.since_version <= opset && opset <= k.until_version) return true;
  return false;
}

}  // namespace wsest
