#!/usr/bin/env node
// Runs a model once on ONNX Runtime's CPU EP with graph optimizations and the memory pattern
// disabled, with the session config entry session.collect_node_memory_stats_to_file set, and
// copies the per-node stats CSV ORT writes to OUT_CSV.
//
//   node tests/ort/node_stats.js MODEL.onnx SPEC OUT_CSV
//
// SPEC is a JSON string or a path to a JSON file, as for output_shapes.js:
//   {"inputs": {"name": {"dims": [2, 3], "dtype": "float32", "values": [..optional..]}}}
// Inputs are zeros unless "values" is given (repeated cyclically to fill the tensor).
//
// Session config entries go through SessionOptions.extra: the Node.js binding
// (js/node/src/session_options_helper.cc, IterateExtraOptions) joins nested keys with '.' and
// calls AddConfigEntry, so {session: {collect_node_memory_stats_to_file: p}} sets
// "session.collect_node_memory_stats_to_file". ORT resolves that path against the model's folder
// (NodeStatsRecorder::DumpStats in core/framework/resource_accountant.cc: model dir / path), so an
// absolute OUT_CSV is written where given. ORT writes the file when the session is released.
// ONNX Runtime comes from WSEST_ORT_NODE_MODULES (default: what calibrate/fetch_ort.sh unpacks).
// Exit codes: 0 ok, 1 the model failed to load or run or wrote no CSV, 2 bad usage, 3 ONNX Runtime
// unavailable.
'use strict';

const fs = require('fs');
const path = require('path');

const {loadOrt, readSpec, makeFeeds} = require('./common');

function fail(code, msg) {
  process.stderr.write(`node_stats: ${msg}\n`);
  process.exit(code);
}

if (process.argv.length !== 5) fail(2, 'usage: node_stats.js MODEL.onnx SPEC_JSON_OR_FILE OUT_CSV');
const [modelPath, specArg, outArg] = process.argv.slice(2);
const outCsv = path.resolve(outArg);

const ort = loadOrt(fail);
const spec = readSpec(specArg, fail);

(async () => {
  try {
    fs.unlinkSync(outCsv);
  } catch (e) {
    // not there: fine
  }
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      enableMemPattern: false,
      logSeverityLevel: 3,
      extra: {session: {collect_node_memory_stats_to_file: outCsv}},
    });
  } catch (e) {
    fail(1, `load failed: ${e.message}`);
  }
  const feeds = makeFeeds(ort, session, spec, fail);
  try {
    await session.run(feeds);
  } catch (e) {
    fail(1, `run failed: ${e.message}`);
  }
  await session.release();
  if (!fs.existsSync(outCsv)) fail(1, `ONNX Runtime wrote no stats file at ${outCsv}`);
  process.stdout.write(outCsv + '\n');
})();
