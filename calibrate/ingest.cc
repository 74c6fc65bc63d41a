#include "calibrate/ingest.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "calibrate/node_record.h"
#include "src/ort_stats.h"
#include "wsest/model.h"

namespace wsest::calibrate {
namespace fs = std::filesystem;
using nlohmann::json;

std::string DeviceForGpuName(const std::string& gpu_name, int sm_count) {
  auto has = [&](const char* s) { return gpu_name.find(s) != std::string::npos; };
  if (has("H200")) return "h200";
  if (has("H100")) return has("PCIe") || sm_count == 114 ? "h100-pcie" : "h100-sxm";
  if (has("A100")) return has("40GB") ? "a100-40gb" : "a100-80gb";
  if (has("L40S")) return "l40s";
  if (has("L4")) return "l4";
  if (has("4090")) return "rtx-4090";
  if (has("T4")) return "t4";
  if (has("A10G")) return "a10g";
  return {};
}

Result<IngestStats> Ingest(const IngestOptions& o, std::ostream& log) {
  std::ifstream in(o.raw);
  if (!in) return NotFound(o.raw + ": cannot open");
  IngestStats st;
  std::vector<std::string> out_lines;
  std::string device, ort;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    ++st.lines;
    const std::string origin = fmt::format("{}:{}", o.raw, n);
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("schema", "") != "wsest-measure/1") {
      return InvalidArgument(origin + ": not a wsest-measure/1 line");
    }
    if (j.contains("error")) {
      ++st.failed_cases;
      log << fmt::format("{}: case '{}' failed when measured: {}\n", origin, j.value("case", ""),
                         j["error"].get<std::string>());
      continue;
    }
    try {
      const json& d = j.at("device");
      NodeRecord r;
      r.case_name = j.at("case").get<std::string>();
      std::string model = j.at("model").get<std::string>();
      if (model.rfind("./", 0) == 0) model = model.substr(2);
      r.model = model;
      RecordKey& k = r.key;
      k.ep = d.value("ep", "");
      if (k.ep != "CUDAExecutionProvider" && !o.allow_cpu) {
        return InvalidArgument(fmt::format("{}: measured on {}, not the CUDA EP", origin, k.ep));
      }
      k.gpu_name = d.value("gpu_name", "");
      k.sm = d.value("sm", 0);
      k.sm_count = d.value("sm_count", 0);
      k.driver = d.value("driver", "");
      k.cuda_runtime = d.value("cuda_runtime", 0);
      k.cuda_driver = d.value("cuda_driver", 0);
      k.cudnn = d.value("cudnn", 0);
      k.cublas = d.value("cublas", 0);
      k.ort = d.value("ort", "");
      if (d.contains("shadow")) {
        // The shadow device (calibrate/shadow): its settings name the profile it answered as.
        const json& sh = d["shadow"];
        k.source = kSourceShadow;
        k.gpu_name = sh.value("name", "");
        k.library_workspace = sh.at("library_workspace").get<uint64_t>();
        if (o.device.empty()) k.device = sh.value("device", "");
      }
      if (k.device.empty()) k.device = o.device.empty() ? DeviceForGpuName(k.gpu_name, k.sm_count) : o.device;
      if (k.device.empty()) {
        return InvalidArgument(fmt::format("{}: no device profile for GPU '{}': pass --device", origin, k.gpu_name));
      }
      // The EP the node ran on: from the line's placements (wsest-measure reads ORT's log).
      std::string placement;
      if (j.contains("placements")) {
        const json& p = j["placements"];
        placement = p.value("all", "");
        if (p.contains("nodes")) {
          for (const auto& [node, ep] : p["nodes"].items()) placement = ep.get<std::string>();
        }
      }
      const bool on_cuda = placement.empty() || placement == "CUDAExecutionProvider";
      if (on_cuda && j.value("ort_allocator_calls", uint64_t{0}) == 0) {
        return InvalidArgument(fmt::format("{}: case '{}': ORT made no call to the counting allocator, so nothing was "
                                           "measured (session.use_env_allocators did not take effect)",
                                           origin, r.case_name));
      }
      k.provider_options = j.at("provider_options").get<std::map<std::string, std::string>>();
      k.env = j.at("env").get<std::map<std::string, std::string>>();
      k.input_shapes = j.at("input_shapes").get<std::map<std::string, std::vector<int64_t>>>();
      ModelOptions mo;
      mo.input_shapes = k.input_shapes;
      auto loaded = Model::Load((fs::path(o.models_root) / model).string(), mo);
      if (!loaded.ok()) {  // wsest cannot read this model: the case is lost, the others are kept
        ++st.unloadable;
        log << fmt::format("{}: case '{}': {}\n", origin, r.case_name, loaded.error().message);
        continue;
      }
      if (loaded->nodes().size() != 1) {
        ++st.skipped;
        log << fmt::format("{}: {} has {} nodes; node records come from single-node models\n", origin, model,
                           loaded->nodes().size());
        continue;
      }
      r.node = loaded->nodes()[0];
      r.ort_node_name = OrtNodeName(r.node);
      r.placement = placement;
      const json& runs = j.at("runs");
      if (runs.size() < 2) return InvalidArgument(origin + ": fewer than 2 runs");
      const json& first = runs.front();
      const json& steady = runs.back();
      r.scratch_bytes = steady.at("scratch_bytes").get<uint64_t>();
      r.scratch_peak_bytes = steady.at("scratch_peak_bytes").get<uint64_t>();
      r.allocations = steady.at("allocations").get<std::vector<uint64_t>>();
      if (!steady.at("external_bytes").is_null()) {
        r.external_bytes = steady["external_bytes"].get<uint64_t>();
        r.external_allocations = steady.at("external_allocations").get<std::vector<uint64_t>>();
      }
      r.first_run_scratch_bytes = first.at("scratch_bytes").get<uint64_t>();
      if (!first.at("external_bytes").is_null()) r.first_run_external_bytes = first["external_bytes"].get<uint64_t>();
      r.first_run_device_used_delta = first.at("device_used_delta_bytes").get<int64_t>();
      if (steady.contains("trace")) r.trace = steady["trace"].get<std::vector<std::string>>();
      auto rows = ParseOrtStats(j.value("ort_stats_csv", ""), origin + " ort_stats_csv");
      if (rows.ok()) {
        for (const OrtStatsRow& row : *rows) {
          if (row.name != r.ort_node_name) continue;
          r.ort_input_sizes = row.input_sizes;
          r.ort_initializers_sizes = row.initializers_sizes;
          r.ort_total_dynamic_sizes = row.total_dynamic_sizes;
          r.ort_total_temp_allocations = row.total_temp_allocations;
        }
      }
      if (!device.empty() && (device != k.device || ort != k.ort)) {
        return InvalidArgument(origin + ": lines from several devices or ORT versions in one file");
      }
      device = k.device;
      ort = k.ort;
      out_lines.push_back(FormatNodeRecord(r));
      ++st.records;
    } catch (const json::exception& e) {
      return InvalidArgument(origin + ": " + e.what());
    }
  }
  if (out_lines.empty()) return st;
  const fs::path dir = fs::path(o.out_dir) / device / ("ort-" + ort);
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path file = dir / (o.name + ".jsonl");
  std::ofstream out(file, std::ios::trunc);
  for (const std::string& l : out_lines) out << l << "\n";
  if (!out) return Error{ErrorCode::kInternal, file.string() + ": cannot write"};
  st.written = file.string();
  return st;
}

}  // namespace wsest::calibrate
