#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "calibrate/check.h"
#include "calibrate/observed_variant.h"
#include "calibrate/shadow_queries.h"
#include "src/records.h"
#include "wsest/bytes.h"
#include "wsest/registry.h"

namespace wsest::calibrate {
namespace fs = std::filesystem;

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kMatch: return "match";
    case Outcome::kMismatch: return "MISMATCH";
    case Outcome::kListedMismatch: return "listed mismatch";
    case Outcome::kListedNowMatches: return "LISTED BUT MATCHES";
    case Outcome::kUpperOk: return "within bound";
    case Outcome::kUpperBelow: return "BOUND BELOW MEASUREMENT";
    case Outcome::kListedUpperBelow: return "listed bound below measurement";
    case Outcome::kHeuristic: return "heuristic";
    case Outcome::kUnknown: return "unknown";
    case Outcome::kVariantMismatch: return "VARIANT DIFFERS";
    case Outcome::kError: return "ERROR";
  }
  return "?";
}

bool IsFailure(Outcome o) {
  return o == Outcome::kMismatch || o == Outcome::kListedNowMatches || o == Outcome::kUpperBelow ||
         o == Outcome::kVariantMismatch || o == Outcome::kError;
}

bool CheckReport::passed() const {
  if (!errors.empty()) return false;
  return std::none_of(comparisons.begin(), comparisons.end(), [](const Comparison& c) { return IsFailure(c.outcome); });
}

Result<std::vector<KnownMismatch>> ParseKnownMismatches(const std::string& text, const std::string& label) {
  std::vector<KnownMismatch> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      f.push_back(line.substr(start, tab - start));
    }
    f.push_back(line.substr(start));
    if (f.size() != 4) {
      return InvalidArgument(fmt::format("{}:{}: {} tab-separated fields, expected 4 (device, case, node, reason)",
                                         label, n, f.size()));
    }
    if (f[3].empty()) return InvalidArgument(fmt::format("{}:{}: the reason is empty", label, n));
    out.push_back({f[0], f[1], f[2], f[3], fmt::format("{}:{}", label, n), false});
  }
  return out;
}

uint64_t OrtAdHocWorkspaceAllowance(const NodeView& node) {
  auto tensor_bytes = [](const TensorInfo& t) -> uint64_t {
    const auto n = t.element_count();
    if (!n) return 0;  // ORT skips what it cannot size statically
    const Bytes b = Bytes(static_cast<uint64_t>(*n)) * ElementSize(t.dtype);
    return b.overflow() ? 0 : b.value();
  };
  uint64_t total = 0;
  for (const TensorInfo& t : node.inputs) {
    if (t.present() && t.is_initializer) total += tensor_bytes(t);
  }
  for (const TensorInfo& t : node.outputs) {
    if (t.present()) total += tensor_bytes(t);
  }
  // ComputeResourceCount returns (weights + outputs) * 150 / 100; the part beyond the tensors
  // themselves is its allowance for workspace.
  return total * 150 / 100 - total;
}

std::string RecordLabel(const RecordKey& key) {
  return key.shadow() ? fmt::format("shadow:{}@{}", key.device, CudnnVersionText(key.cudnn)) : key.device;
}

namespace {

bool LabelMatches(const std::string& pattern, const std::string& label) {
  if (!pattern.empty() && pattern.back() == '*') return label.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  return pattern == label;
}

KnownMismatch* FindListed(std::vector<KnownMismatch>& known, const NodeRecord& r) {
  const std::string label = RecordLabel(r.key);
  for (KnownMismatch& k : known) {
    if (LabelMatches(k.device, label) && k.case_name == r.case_name && k.node == r.node.name) return &k;
  }
  return nullptr;
}

std::string Sizes(const std::vector<uint64_t>& v) {
  if (v.empty()) return "none";
  std::string s;
  for (size_t i = 0; i < v.size() && i < 8; ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  if (v.size() > 8) s += fmt::format(", ... ({} in all)", v.size());
  return s;
}

}  // namespace

Comparison CompareRecord(const NodeRecord& r, const Target& target, std::vector<KnownMismatch>& known) {
  Comparison c;
  c.origin = r.origin;
  c.device = r.key.device;
  c.case_name = r.case_name;
  c.node = r.node.name;
  c.source = r.key.source;
  c.label = RecordLabel(r.key);
  c.op = (IsOnnxDomain(r.node.domain) ? "" : r.node.domain + ".") + r.node.op_type;
  const EstimatorEntry* entry = FindEstimator(r.node.domain, r.node.op_type, r.node.opset);
  c.family = entry ? entry->family : "(no estimator)";
  // A node's workspace is what it holds at once: where a kernel frees one buffer before it takes the
  // next (NonMaxSuppression's per-class loop, ReduceLogSumExp's two passes), the sum overstates it.
  c.measured = r.scratch_peak_bytes;
  c.measured_external = r.external_bytes;
  c.ort_fallback = OrtAdHocWorkspaceAllowance(r.node);

  Result<Estimate> est = EstimateNode(r.node, target);
  if (!est.ok()) {
    c.outcome = Outcome::kError;
    c.message = "estimator error: " + est.error().message;
    return c;
  }
  c.exactness = est->exactness;
  c.variant = est->variant;
  KnownMismatch* listed = FindListed(known, r);
  if (listed) listed->used = true;
  c.observed_variant = ObservedVariant(r);
  if (est->known() && !EstimateAllows(*est, c.observed_variant, r)) {
    // The binary chose another kernel (or EP): whatever the bytes, the estimate describes another run.
    c.outcome = listed ? Outcome::kListedMismatch : Outcome::kVariantMismatch;
    c.message = listed ? listed->reason
                       : fmt::format("the binary ran {}, the estimate says {} ({} B)",
                                     c.observed_variant.value_or(r.placement), c.variant,
                                     est->workspace_bytes().value_or(0));
    return c;
  }
  if (!est->known()) {
    c.outcome = Outcome::kUnknown;
    c.message = est->reason;
    return c;
  }
  uint64_t ort_part = 0;
  for (const Buffer& b : est->buffers) {
    (b.allocator == Allocator::kExternal ? c.estimated_external : ort_part) += b.bytes;
  }
  c.estimated = ort_part;
  if (c.measured > 0) {
    const double diff = ort_part > c.measured ? double(ort_part - c.measured) : double(c.measured - ort_part);
    c.relative_error = diff / double(c.measured);
  }
  const bool ext_known = r.external_bytes.has_value();
  const uint64_t ext = r.external_bytes.value_or(0);
  const std::string measured_text =
      fmt::format("measured {} B held at most (allocations: {}){}", c.measured, Sizes(r.allocations),
                  ext_known ? fmt::format(", external {} B (allocations: {})", ext, Sizes(r.external_allocations)) : "");
  const std::string estimated_text = fmt::format("estimated {} B ({}){}", ort_part, c.variant,
                                                 c.estimated_external ? fmt::format(", external {} B", c.estimated_external) : "");

  switch (est->exactness) {
    case Exactness::kExact: {
      const bool equal = ort_part == c.measured && (!ext_known || c.estimated_external == ext);
      if (equal && !listed) {
        c.outcome = Outcome::kMatch;
      } else if (equal) {
        c.outcome = Outcome::kListedNowMatches;
        c.message = fmt::format("listed at {} but matches now ({}): remove the entry", listed->origin, estimated_text);
      } else if (listed) {
        c.outcome = Outcome::kListedMismatch;
        c.message = listed->reason;
      } else {
        c.outcome = Outcome::kMismatch;
        c.message = fmt::format("exact estimate differs: {}, {}", estimated_text, measured_text);
      }
      break;
    }
    case Exactness::kUpperBound: {
      const bool within = ort_part >= c.measured && (!ext_known || c.estimated_external >= ext);
      if (within && !listed) {
        c.outcome = Outcome::kUpperOk;
      } else if (within) {
        c.outcome = Outcome::kListedNowMatches;
        c.message = fmt::format("listed at {} but the bound holds now ({}): remove the entry", listed->origin,
                                estimated_text);
      } else if (listed) {
        c.outcome = Outcome::kListedUpperBelow;
        c.message = listed->reason;
      } else {
        c.outcome = Outcome::kUpperBelow;
        c.message = fmt::format("upper bound below the measurement: {}, {}", estimated_text, measured_text);
      }
      break;
    }
    case Exactness::kHeuristic:
      c.outcome = Outcome::kHeuristic;
      if (listed) c.message = listed->reason;
      break;
    case Exactness::kUnknown:
      c.outcome = Outcome::kUnknown;
      break;
  }
  return c;
}

CheckReport Check(const std::string& dir) {
  CheckReport report;
  report.dir = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    report.errors.push_back(fmt::format("{}: not a folder", dir));
    return report;
  }
  std::vector<KnownMismatch> known;
  const fs::path known_path = fs::path(dir) / "known_mismatches.tsv";
  if (fs::exists(known_path, ec)) {
    std::ifstream in(known_path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = ParseKnownMismatches(text.str(), known_path.string());
    if (!parsed.ok()) {
      report.errors.push_back(parsed.error().message);
    } else {
      known = std::move(parsed).value();
    }
  }
  report.known_mismatches = known.size();

  const std::string release_dir = std::string("ort-") + kEpRelease;
  std::vector<fs::path> devices;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory()) devices.push_back(e.path());
  }
  std::sort(devices.begin(), devices.end());
  for (const fs::path& device_dir : devices) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(device_dir, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_directory() && name.rfind("ort-", 0) == 0 && name != release_dir) {
        report.notes.push_back(fmt::format("skipped {}: wsest mirrors ONNX Runtime {}", e.path().string(), kEpRelease));
      }
    }
    const fs::path records_dir = device_dir / release_dir;
    if (!fs::is_directory(records_dir, ec)) continue;
    for (const auto& e : fs::directory_iterator(records_dir, ec)) {
      if (e.path().extension() == ".jsonl") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    // Library answers recorded on this device (issue 5's tables), one reader per version set.
    std::map<std::string, std::unique_ptr<RecordedQueries>> libraries;
    std::map<uint64_t, std::unique_ptr<ShadowQueries>> shadow_queries;
    for (const fs::path& f : files) {
      ++report.files;
      auto records = ReadNodeRecords(f.string());
      if (!records.ok()) {
        report.errors.push_back(records.error().message);
        continue;
      }
      for (const NodeRecord& r : *records) {
        auto target = TargetForKey(r.key);
        if (!target.ok()) {
          Comparison c;
          c.origin = r.origin;
          c.device = r.key.device;
          c.case_name = r.case_name;
          c.node = r.node.name;
          c.op = r.node.op_type;
          c.family = "(bad key)";
          c.outcome = Outcome::kError;
          c.message = target.error().message;
          report.comparisons.push_back(std::move(c));
          continue;
        }
        if (device_dir.filename().string() != r.key.device) {
          report.errors.push_back(fmt::format("{}: key.device '{}' under folder '{}'", r.origin, r.key.device,
                                              device_dir.filename().string()));
          continue;
        }
        Target t = std::move(target).value();
        if (r.key.shadow()) {
          // The stub's answers, never a GPU's: the same number for every library query.
          auto& shadow = shadow_queries[*r.key.library_workspace];
          if (!shadow) shadow = std::make_unique<ShadowQueries>(*r.key.library_workspace);
          t.live = shadow.get();
          report.comparisons.push_back(CompareRecord(r, t, known));
          continue;
        }
        LibraryVersions required;
        required.sm = r.key.sm;
        required.cuda_runtime = r.key.cuda_runtime;
        required.cudnn = r.key.cudnn;
        const std::string lib_key = fmt::format("{}/{}/{}", r.key.sm, r.key.cuda_runtime, r.key.cudnn);
        auto& lib = libraries[lib_key];
        if (!lib) {
          lib = std::make_unique<RecordedQueries>(r.key.device, required);
          auto loaded = lib->LoadDir(device_dir.string());
          if (!loaded.ok()) report.errors.push_back(loaded.error().message);
        }
        if (lib->size() > 0) t.live = lib.get();
        report.comparisons.push_back(CompareRecord(r, t, known));
      }
    }
  }
  for (const KnownMismatch& k : known) {
    if (!k.used) {
      report.notes.push_back(fmt::format("{}: known mismatch ({}, {}, {}) matches no record", k.origin, k.device,
                                         k.case_name, k.node));
    }
  }
  return report;
}

namespace {

struct FamilyStats {
  size_t records = 0, exact = 0, exact_match = 0, exact_mismatch = 0, exact_listed = 0, listed_now_match = 0;
  size_t upper = 0, upper_below = 0, upper_listed = 0, heuristic = 0, unknown = 0, errors = 0;
  std::vector<double> heuristic_err;
  size_t measured_zero = 0;
  size_t variant_checked = 0, variant_differs = 0;
  size_t fallback_below = 0;
  std::vector<double> fallback_err;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Pct(const std::vector<double>& v, bool median) {
  if (v.empty()) return "-";
  const double x = median ? Median(v) : *std::max_element(v.begin(), v.end());
  return fmt::format("{:.1f}%", 100 * x);
}

void Accumulate(FamilyStats& s, const Comparison& c) {
  ++s.records;
  switch (c.outcome) {
    case Outcome::kMatch: ++s.exact, ++s.exact_match; break;
    case Outcome::kMismatch: ++s.exact, ++s.exact_mismatch; break;
    case Outcome::kListedMismatch: ++s.exact, ++s.exact_listed; break;
    case Outcome::kListedNowMatches:
      ++s.listed_now_match;
      (c.exactness == Exactness::kExact ? s.exact : s.upper) += 1;
      break;
    case Outcome::kUpperOk: ++s.upper; break;
    case Outcome::kUpperBelow: ++s.upper, ++s.upper_below; break;
    case Outcome::kListedUpperBelow: ++s.upper, ++s.upper_listed; break;
    case Outcome::kHeuristic:
      ++s.heuristic;
      if (c.relative_error) s.heuristic_err.push_back(*c.relative_error);
      break;
    case Outcome::kUnknown: ++s.unknown; break;
    case Outcome::kVariantMismatch: ++s.exact, ++s.exact_mismatch; break;
    case Outcome::kError: ++s.errors; break;
  }
  if (c.observed_variant) {
    ++s.variant_checked;
    if (c.outcome == Outcome::kVariantMismatch) ++s.variant_differs;
  }
  if (c.outcome == Outcome::kError) return;
  if (c.measured == 0) {
    ++s.measured_zero;
  } else {
    const double diff = c.ort_fallback > c.measured ? double(c.ort_fallback - c.measured)
                                                    : double(c.measured - c.ort_fallback);
    s.fallback_err.push_back(diff / double(c.measured));
  }
  if (c.ort_fallback < c.measured) ++s.fallback_below;
}

}  // namespace

void PrintReport(const CheckReport& report, std::ostream& out) {
  out << fmt::format("wsest-calibrate check {} (estimates for {} {})\n", report.dir, kEpName, kEpRelease);
  const size_t n = report.comparisons.size();
  out << fmt::format("{} records in {} files; {} known mismatches listed\n", n, report.files, report.known_mismatches);
  if (n == 0 && report.errors.empty()) {
    out << fmt::format("0 records: nothing to compare yet. Records are measured on a GPU machine by "
                       "calibrate/run_on_gpu.sh, or on the shadow device by calibrate/shadow/run_corpus.sh, into "
                       "{}/<device>/ort-{}/*.jsonl.\n",
                       report.dir, kEpRelease);
  }
  // GPU records and shadow records answer different questions (shadow.h): one table each.
  for (const char* source : {kSourceGpu, kSourceShadow}) {
    std::map<std::string, FamilyStats> fam;
    std::map<std::string, size_t> per_label;
    FamilyStats all;
    for (const Comparison& c : report.comparisons) {
      if (c.source != source) continue;
      Accumulate(fam[c.family], c);
      Accumulate(all, c);
      ++per_label[c.label];
    }
    if (all.records == 0) continue;
    std::string labels;
    for (const auto& [d, k] : per_label) labels += fmt::format("{}{}: {}", labels.empty() ? "" : ", ", d, k);
    const bool shadow = std::string(source) == kSourceShadow;
    out << fmt::format("\n{} records: {} ({})\n", shadow ? "shadow" : "GPU", all.records, labels);
    if (shadow) {
      out << "  the real 1.29.0 CUDA provider on stub CUDA libraries: its kernel choice and ORT's own buffers are "
             "ground truth;\n  sizes a library decides (cuDNN, cuBLASLt, cuFFT) are the stub's answer, fed to both "
             "sides alike\n";
    }
    out << "\nexact: match/labelled (unlisted mismatches, listed); upper: below measurement/labelled; "
           "heuristic: relative error;\nvariant: kernel choices checked against the kernels the binary launched "
           "(differing/checked);\nORT 1.5x: ORT's ad-hoc allowance 0.5 x (weights + outputs) on the same nodes "
           "(below: under the measured workspace; error over nodes measured > 0)\n\n";
    const std::string header =
        fmt::format("{:<14} {:>5} | {:>13} {:>9} | {:>9} | {:>7} | {:>5} {:>7} {:>7} | {:>5} | {:>9} {:>7} {:>8}",
                    "family", "nodes", "exact match", "mism(lst)", "ub below", "variant", "heur", "med err", "max err",
                    "unkn", "ORT below", "med err", "max err");
    out << header << "\n" << std::string(header.size(), '-') << "\n";
    auto row = [&](const std::string& name, const FamilyStats& s) {
      const std::string exact = s.exact ? fmt::format("{}/{} ({:.0f}%)", s.exact_match, s.exact,
                                                      100.0 * double(s.exact_match) / double(s.exact))
                                        : "-";
      out << fmt::format("{:<14} {:>5} | {:>13} {:>9} | {:>9} | {:>7} | {:>5} {:>7} {:>7} | {:>5} | {:>9} {:>7} {:>8}\n",
                         name, s.records, exact, fmt::format("{}({})", s.exact_mismatch, s.exact_listed),
                         s.upper ? fmt::format("{}/{}", s.upper_below + s.upper_listed, s.upper) : "-",
                         s.variant_checked ? fmt::format("{}/{}", s.variant_differs, s.variant_checked) : "-",
                         s.heuristic, Pct(s.heuristic_err, true), Pct(s.heuristic_err, false), s.unknown + s.errors,
                         fmt::format("{}/{}", s.fallback_below, s.records - s.errors), Pct(s.fallback_err, true),
                         Pct(s.fallback_err, false));
    };
    for (const auto& [name, s] : fam) row(name, s);
    out << std::string(header.size(), '-') << "\n";
    row("all", all);
  }
  for (const std::string& note : report.notes) out << "note: " << note << "\n";
  size_t failures = report.errors.size();
  for (const std::string& e : report.errors) out << "FAIL " << e << "\n";
  for (const Comparison& c : report.comparisons) {
    if (IsFailure(c.outcome)) {
      ++failures;
      out << fmt::format("FAIL {} [{}] {} case '{}' node '{}' ({}): {}: {}\n", c.origin, c.family, c.label,
                         c.case_name, c.node, c.op, OutcomeName(c.outcome), c.message);
    }
  }
  out << (failures == 0 ? std::string("result: PASS\n") : fmt::format("result: FAIL ({} failures)\n", failures));
}

}  // namespace wsest::calibrate
