// Writers: one ModelEstimate, several renderings (DESIGN.md principle 7). The CLI only wires flags.
#pragma once

#include <ostream>
#include <string>

#include "wsest/model.h"
#include "wsest/target.h"

namespace wsest {

// The per-node table and the summary.
// Which nodes the table lists (--only); the summary always counts them all.
enum class TableRows { kAll, kUnknown, kWorkspace };
void WriteTable(const ModelEstimate& estimate, const Model& model, std::ostream& out, TableRows rows = TableRows::kAll);
// The JSON document of the README (schema kept stable: extend, don't rename).
void WriteJson(const ModelEstimate& estimate, std::ostream& out);
// One node's breakdown: shapes, variant, buffers with citations, candidates. False if no node
// is named `name` (matched against the name, then "#index").
bool WriteNodeDetail(const ModelEstimate& estimate, const Model& model, const std::string& name, std::ostream& out);
// The registry: op, family, variants, exactness, kernel file, ORT release.
void WriteRegistry(std::ostream& out);
// The device profiles.
void WriteDevices(std::ostream& out);

}  // namespace wsest
