// wsest-calibrate: checks wsest's estimates against node records measured on real CUDA runs.
//   wsest-calibrate check [RECORDS_DIR]        (default data/records)
//   wsest-calibrate ingest RAW.jsonl --models DIR [--out data/records] [--name cases] [--device ID]
// check's exit codes: 0 pass, 1 a failure (an unlisted exact mismatch, an upper bound below a
// measurement, a listed mismatch that now matches, an unreadable record), 2 usage.
#include <iostream>
#include <string>

#include "calibrate/check.h"
#include "calibrate/ingest.h"

namespace {

int Usage(std::ostream& out, int code) {
  out << "usage: wsest-calibrate check [RECORDS_DIR]\n"
         "         compares today's estimates with every record under RECORDS_DIR/<device>/ort-1.29.0/*.jsonl\n"
         "         (default RECORDS_DIR: data/records) and prints an accuracy table per estimator family\n"
         "       wsest-calibrate ingest RAW.jsonl --models DIR [--out data/records] [--name cases] [--device ID]\n"
         "         turns wsest-measure's lines into node records (DIR: where its model paths resolve)\n";
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(std::cerr, 2);
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") return Usage(std::cout, 0);
  if (command == "ingest") return Ingest(argc, argv);
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
