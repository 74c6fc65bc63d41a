// wsest-make-cases OUT_DIR: writes the single-node calibration cases (one .onnx per model, weights as
// zero-filled inline initializers) and OUT_DIR/cases.tsv, the list wsest-measure runs on a GPU or on
// the shadow device: one line per (model, provider options, ORT_* variables, input shapes), chosen so
// that every estimator family, and the variants the EP's options and shapes can force, run at least
// once. The families' cases are in calibrate/cases/*_cases.cc.
#include <iostream>

#include "calibrate/cases/case_builder.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: wsest-make-cases OUT_DIR\n";
    return 2;
  }
  wsest::cases::Writer w;
  w.dir = argv[1];
  std::filesystem::create_directories(w.dir);
  w.tsv.open(w.dir / "cases.tsv");
  w.tsv << "# name\tmodel\tprovider options\tORT_* variables\tinputs (name=dims[@fill])\n";
  for (auto* family : {wsest::cases::AttentionCases, wsest::cases::GemmCases, wsest::cases::ConvCases,
                       wsest::cases::ReduceCases, wsest::cases::NormCases, wsest::cases::TensorCases,
                       wsest::cases::RnnCases, wsest::cases::CubCases, wsest::cases::MiscCases}) {
    family(w);
  }
  std::cout << w.models << " models, " << w.lines << " cases in " << (w.dir / "cases.tsv").string() << "\n";
  return w.tsv ? 0 : 1;
}
