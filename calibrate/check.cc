// wsest-calibrate: checks wsest's estimates against node records measured on real CUDA runs.
//   wsest-calibrate check [RECORDS_DIR]        (default data/records)
//   wsest-calibrate ingest RAW.jsonl --models DIR [--out data/records] [--name cases] [--device ID]
//   wsest-calibrate arena MODEL.onnx [--dim k=v] [--input name=d0,...] [--device ID] [--ep-option k=v]
//                         [--library-workspace BYTES] [--order SIZES.txt] [--device-memory BYTES]
//                         [--cpu-nodes NAMES.txt] [--no-memory-pattern] [--trace]
// check's exit codes: 0 pass, 1 a failure (an unlisted exact mismatch, an upper bound below a
// measurement, a listed mismatch that now matches, an unreadable record), 2 usage.
#include <iostream>
#include <string>

#include <cstdlib>
#include <fstream>

#include "calibrate/arena_replay.h"
#include "calibrate/check.h"
#include "calibrate/ingest.h"

namespace {

int Usage(std::ostream& out, int code) {
  out << "usage: wsest-calibrate check [RECORDS_DIR]\n"
         "         compares today's estimates with every record under RECORDS_DIR/<device>/ort-1.29.0/*.jsonl\n"
         "         (default RECORDS_DIR: data/records) and prints an accuracy table per estimator family\n"
         "       wsest-calibrate ingest RAW.jsonl --models DIR [--out data/records] [--name cases] [--device ID]\n"
         "         turns wsest-measure's lines into node records (DIR: where its model paths resolve)\n"
         "       wsest-calibrate arena MODEL.onnx [--dim k=v] [--input name=d0,...] [--device ID] [--ep-option k=v]\n"
         "                             [--library-workspace BYTES] [--order SIZES.txt] [--device-memory BYTES]\n"
         "                             [--cpu-nodes NAMES.txt] [--no-memory-pattern] [--trace]\n"
         "         wsest's replay of the device memory a session holds, as a shadow session ran it (JSON)\n";
  return code;
}

int Ingest(int argc, char** argv) {
  wsest::calibrate::IngestOptions o;
  o.out_dir = "data/records";
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--models" && has_value) o.models_root = argv[++i];
    else if (a == "--out" && has_value) o.out_dir = argv[++i];
    else if (a == "--name" && has_value) o.name = argv[++i];
    else if (a == "--device" && has_value) o.device = argv[++i];
    else if (a == "--allow-cpu") o.allow_cpu = true;
    else if (o.raw.empty() && a[0] != '-') o.raw = a;
    else return Usage(std::cerr, 2);
  }
  if (o.raw.empty() || o.models_root.empty()) return Usage(std::cerr, 2);
  auto st = wsest::calibrate::Ingest(o, std::cerr);
  if (!st.ok()) {
    std::cerr << "wsest-calibrate ingest: " << st.error().message << "\n";
    return 1;
  }
  std::cout << st->lines << " lines: " << st->records << " records" << (st->written.empty() ? "" : " in " + st->written)
            << ", " << st->failed_cases << " cases failed when measured, " << st->skipped << " multi-node models skipped, " << st->unloadable
            << " models wsest could not load\n";
  return 0;
}

// "k=v" -> (k, v); false without '='.
bool KeyValue(const std::string& text, std::string* key, std::string* value) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *key = text.substr(0, eq);
  *value = text.substr(eq + 1);
  return true;
}

int Arena(int argc, char** argv) {
  wsest::calibrate::ArenaReplayOptions o;
  try {
    for (int i = 2; i < argc; ++i) {
      const std::string a = argv[i];
      const bool has_value = i + 1 < argc;
      std::string k, v;
      if (a == "--dim" && has_value && KeyValue(argv[++i], &k, &v)) {
        o.dims[k] = std::stoll(v);
      } else if (a == "--input" && has_value && KeyValue(argv[++i], &k, &v)) {
        std::vector<int64_t> dims;
        size_t start = 0;
        while (start <= v.size()) {
          const size_t comma = v.find(',', start);
          dims.push_back(std::stoll(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        o.input_shapes[k] = dims;
      } else if (a == "--device" && has_value) {
        o.device = argv[++i];
      } else if (a == "--ep-option" && has_value && KeyValue(argv[++i], &k, &v)) {
        o.ep_options[k] = v;
      } else if (a == "--library-workspace" && has_value) {
        o.library_workspace = std::stoull(argv[++i]);
      } else if (a == "--order" && has_value) {
        std::ifstream in(argv[++i]);
        if (!in) throw std::runtime_error(std::string("cannot open ") + argv[i]);
        uint64_t bytes = 0;
        while (in >> bytes) o.initializer_order.push_back(bytes);
      } else if (a == "--cpu-nodes" && has_value) {
        std::ifstream in(argv[++i]);
        if (!in) throw std::runtime_error(std::string("cannot open ") + argv[i]);
        for (std::string name; std::getline(in, name);)
          if (!name.empty()) o.cpu_nodes.push_back(name);
      } else if (a == "--device-memory" && has_value) {
        o.device_memory = std::stoull(argv[++i]);
      } else if (a == "--trace") {
        o.trace = true;
      } else if (a == "--no-memory-pattern") {
        o.memory_pattern = false;
      } else if (o.model.empty() && a[0] != '-') {
        o.model = a;
      } else {
        return Usage(std::cerr, 2);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "wsest-calibrate arena: " << e.what() << "\n";
    return 2;
  }
  if (o.model.empty()) return Usage(std::cerr, 2);
  auto json = wsest::calibrate::ArenaReplayJson(o);
  if (!json.ok()) {
    std::cerr << "wsest-calibrate arena: " << json.error().message << "\n";
    return 1;
  }
  std::cout << *json << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(std::cerr, 2);
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") return Usage(std::cout, 0);
  if (command == "ingest") return Ingest(argc, argv);
  if (command == "arena") return Arena(argc, argv);
  if (command != "check") {
    std::cerr << "wsest-calibrate: unknown command '" << command << "'\n";
    return Usage(std::cerr, 2);
  }
  if (argc > 3) return Usage(std::cerr, 2);
  const std::string dir = argc == 3 ? argv[2] : "data/records";
  const wsest::calibrate::CheckReport report = wsest::calibrate::Check(dir);
  wsest::calibrate::PrintReport(report, std::cout);
  return report.passed() ? 0 : 1;
}
