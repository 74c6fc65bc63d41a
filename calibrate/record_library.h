// The shape corpus calibrate/record_library records on a GPU, and the recording loop. The corpus is
// a list of NodeViews (Convs of ResNet-50, MobileNetV2, a YOLO-style detector, an SD-style VAE/UNet,
// a 3-D conv net in fp32/fp16/bf16; reductions; RNN sizes); the queries are captured by running the
// estimators themselves, so every recorded key is exactly a key an estimator asks.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "wsest/live.h"
#include "wsest/node_view.h"
#include "wsest/target.h"

namespace wsest::calibrate {

std::vector<NodeView> LibraryCorpus();

struct RecordStats {
  size_t queries = 0;   // distinct queries captured from the corpus
  size_t recorded = 0;  // answered by `source` and written
  size_t failed = 0;    // `source` refused (the reason goes to `log`)
};

// Runs every corpus node's estimator against `target` (whose EP options are part of each key),
// captures the library queries, asks `source` for each, and writes one JSONL record per answer.
RecordStats RecordCorpus(const std::vector<NodeView>& corpus, const Target& target, const LibraryQueries& source,
                         const LibraryVersions& versions, std::ostream& out, std::ostream& log);

}  // namespace wsest::calibrate
