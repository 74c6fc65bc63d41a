// Recorded library answers (data/records/<device>/*.jsonl): the tables calibrate/record_library
// writes on a GPU and estimators read through Target::live when no GPU is present.
//
// One JSON object per line:
//   {"kind": "conv" | "reduction" | "rnn" | "cub" | "sdpa",
//    "key": CanonicalKey(query)          -- op, dtype, shapes, attributes, EP options (include/wsest/live.h)
//    "device": "h100-sxm", "device_name": "NVIDIA H100 80GB HBM3", "sm": 90,
//    "cuda_runtime": 13000, "cudnn": 91900, "cublaslt": 130100, "cub": 300001,
//    "ep": "onnxruntime-cuda 1.29.0",
//    "result": {"workspace_bytes": N, "engine": "..."}                      conv
//              {"workspace_bytes": N, "indices_bytes": N}                   reduction
//              {"workspace_bytes": N, "reserve_bytes": N}                   rnn
//              {"temp_storage_bytes": N}                                    cub
//              {"workspace_bytes": N}}                                      sdpa
// A record answers a query when kind, key and device match and every version the reader requires
// (a non-zero field of `required`) matches; the answer's source names the file, line and versions.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "wsest/live.h"
#include "wsest/result.h"

namespace wsest {

struct Record {
  std::string kind;
  std::string key;
  LibraryVersions versions;
  std::string ep;
  std::map<std::string, uint64_t> numbers;  // result's numeric fields
  std::string engine;                        // conv only
  std::string origin;                        // "file:line"
};

// Serialises one record as a JSONL line (no trailing newline).
std::string FormatRecord(const Record& r);
// Parses one line; `origin` is kept for sources and messages.
Result<Record> ParseRecord(const std::string& line, const std::string& origin);

class RecordedQueries final : public LibraryQueries {
 public:
  // `device`: the device profile id records must carry; `required`: versions that must match
  // (zero fields and an empty device match anything).
  explicit RecordedQueries(std::string device, LibraryVersions required = {})
      : device_(std::move(device)), required_(std::move(required)) {}

  // Adds every record of a .jsonl file; a malformed line is an InvalidArgument naming file:line.
  Result<size_t> LoadFile(const std::string& path);
  // Loads every *.jsonl under `dir` (non-recursive); a missing directory loads nothing.
  Result<size_t> LoadDir(const std::string& dir);
  void Add(Record r);
  size_t size() const { return records_.size(); }

  std::string Kind() const override { return "recorded"; }
  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override;
  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override;
  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override;
  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override;
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override;

 private:
  Result<const Record*> Find(const std::string& kind, const std::string& key) const;
  std::string device_;
  LibraryVersions required_;
  std::multimap<std::pair<std::string, std::string>, Record> records_;
};

}  // namespace wsest
