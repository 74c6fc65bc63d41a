#include "src/records.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace wsest {
namespace {

using nlohmann::json;

std::string VersionsText(const LibraryVersions& v) {
  return fmt::format("{} sm{} CUDA {} cuDNN {} cuBLASLt {} CUB {}", v.device, v.sm, v.cuda_runtime, v.cudnn,
                     v.cublaslt, v.cub);
}

// A required field (non-zero / non-empty) that differs, as "cudnn 91900 != 90100"; empty if compatible.
std::string Mismatch(const LibraryVersions& have, const LibraryVersions& want, const std::string& device) {
  if (!device.empty() && have.device != device) return "device " + have.device + " != " + device;
  if (want.sm != 0 && have.sm != want.sm) return fmt::format("sm {} != {}", have.sm, want.sm);
  if (want.cuda_runtime != 0 && have.cuda_runtime != want.cuda_runtime) {
    return fmt::format("CUDA {} != {}", have.cuda_runtime, want.cuda_runtime);
  }
  if (want.cudnn != 0 && have.cudnn != want.cudnn) return fmt::format("cuDNN {} != {}", have.cudnn, want.cudnn);
  if (want.cublaslt != 0 && have.cublaslt != want.cublaslt) {
    return fmt::format("cuBLASLt {} != {}", have.cublaslt, want.cublaslt);
  }
  if (want.cub != 0 && have.cub != want.cub) return fmt::format("CUB {} != {}", have.cub, want.cub);
  return {};
}

}  // namespace

std::string FormatRecord(const Record& r) {
  json j;
  j["kind"] = r.kind;
  j["key"] = r.key;
  j["device"] = r.versions.device;
  j["sm"] = r.versions.sm;
  j["cuda_runtime"] = r.versions.cuda_runtime;
  j["cudnn"] = r.versions.cudnn;
  j["cublaslt"] = r.versions.cublaslt;
  j["cub"] = r.versions.cub;
  j["ep"] = r.ep;
  json result = json::object();
  for (const auto& [name, value] : r.numbers) result[name] = value;
  if (!r.engine.empty()) result["engine"] = r.engine;
  j["result"] = result;
  return j.dump();
}

Result<Record> ParseRecord(const std::string& line, const std::string& origin) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument(origin + ": not a JSON object");
  Record r;
  r.origin = origin;
  auto str = [&](const char* name, std::string& out) -> bool {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  auto num = [&](const char* name, int& out) {
    auto it = j.find(name);
    if (it != j.end() && it->is_number_integer()) out = it->get<int>();
  };
  if (!str("kind", r.kind)) return InvalidArgument(origin + ": missing string field 'kind'");
  if (!str("key", r.key)) return InvalidArgument(origin + ": missing string field 'key'");
  if (!str("device", r.versions.device)) return InvalidArgument(origin + ": missing string field 'device'");
  str("ep", r.ep);
  num("sm", r.versions.sm);
  num("cuda_runtime", r.versions.cuda_runtime);
  num("cudnn", r.versions.cudnn);
  num("cublaslt", r.versions.cublaslt);
  num("cub", r.versions.cub);
  if (r.kind != "conv" && r.kind != "reduction" && r.kind != "rnn" && r.kind != "cub" && r.kind != "sdpa") {
    return InvalidArgument(origin + ": kind '" + r.kind + "', expected conv, reduction, rnn, cub or sdpa");
  }
  auto result = j.find("result");
  if (result == j.end() || !result->is_object()) return InvalidArgument(origin + ": missing object field 'result'");
  for (auto it = result->begin(); it != result->end(); ++it) {
    if (it.value().is_number_unsigned() || (it.value().is_number_integer() && it.value().get<int64_t>() >= 0)) {
      r.numbers[it.key()] = it.value().get<uint64_t>();
    } else if (it.key() == "engine" && it.value().is_string()) {
      r.engine = it.value().get<std::string>();
    } else {
      return InvalidArgument(origin + ": result field '" + it.key() + "' is not a byte count");
    }
  }
  return r;
}

void RecordedQueries::Add(Record r) {
  auto k = std::make_pair(r.kind, r.key);
  records_.emplace(std::move(k), std::move(r));
}

Result<size_t> RecordedQueries::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open record file " + path);
  std::string line;
  size_t line_no = 0, added = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    WSEST_ASSIGN_OR_RETURN(Record r, ParseRecord(line, path + ":" + std::to_string(line_no)));
    Add(std::move(r));
    ++added;
  }
  return added;
}

Result<size_t> RecordedQueries::LoadDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return size_t{0};
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  size_t total = 0;
  for (const std::string& f : files) {
    WSEST_ASSIGN_OR_RETURN(size_t n, LoadFile(f));
    total += n;
  }
  return total;
}

Result<const Record*> RecordedQueries::Find(const std::string& kind, const std::string& key) const {
  auto [begin, end] = records_.equal_range(std::make_pair(kind, key));
  std::string first_mismatch;
  for (auto it = begin; it != end; ++it) {
    std::string why = Mismatch(it->second.versions, required_, device_);
    if (why.empty()) return &it->second;
    if (first_mismatch.empty()) first_mismatch = it->second.origin + ": " + why;
  }
  if (!first_mismatch.empty()) return NotFound("records for the key exist but none is compatible (" + first_mismatch + ")");
  return NotFound("no record for " + kind + " key '" + key + "'");
}

namespace {
std::string SourceOf(const Record& r) { return "recorded " + r.origin + " (" + VersionsText(r.versions) + ")"; }
uint64_t Number(const Record& r, const char* name) {
  auto it = r.numbers.find(name);
  return it == r.numbers.end() ? 0 : it->second;
}
}  // namespace

Result<ConvAnswer> RecordedQueries::ConvWorkspace(const ConvQuery& q) const {
  WSEST_ASSIGN_OR_RETURN(const Record* r, Find("conv", CanonicalKey(q)));
  return ConvAnswer{Number(*r, "workspace_bytes"), r->engine, SourceOf(*r)};
}
Result<ReductionAnswer> RecordedQueries::ReductionWorkspace(const ReductionQuery& q) const {
  WSEST_ASSIGN_OR_RETURN(const Record* r, Find("reduction", CanonicalKey(q)));
  return ReductionAnswer{Number(*r, "workspace_bytes"), Number(*r, "indices_bytes"), SourceOf(*r)};
}
Result<RnnAnswer> RecordedQueries::RnnTempSpace(const RnnQuery& q) const {
  WSEST_ASSIGN_OR_RETURN(const Record* r, Find("rnn", CanonicalKey(q)));
  RnnAnswer a{Number(*r, "workspace_bytes"), Number(*r, "reserve_bytes"), SourceOf(*r)};
  if (auto states = r->numbers.find("dropout_states_bytes"); states != r->numbers.end())
    a.dropout_states_bytes = states->second;
  return a;
}
Result<CubAnswer> RecordedQueries::CubTempStorage(const CubQuery& q) const {
  WSEST_ASSIGN_OR_RETURN(const Record* r, Find("cub", CanonicalKey(q)));
  return CubAnswer{Number(*r, "temp_storage_bytes"), SourceOf(*r)};
}
Result<SdpaAnswer> RecordedQueries::SdpaWorkspace(const SdpaQuery& q) const {
  WSEST_ASSIGN_OR_RETURN(const Record* r, Find("sdpa", CanonicalKey(q)));
  return SdpaAnswer{Number(*r, "workspace_bytes"), SourceOf(*r)};
}

}  // namespace wsest
