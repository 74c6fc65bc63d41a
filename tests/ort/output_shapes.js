#!/usr/bin/env node
// Runs a model once on ONNX Runtime's CPU EP (graph optimizations off, so every node runs as
// written) and prints the output shapes as JSON: {"output_name": [dims...], ...}.
//
//   node tests/ort/output_shapes.js MODEL.onnx SPEC
//
// SPEC is a JSON string or a path to a JSON file:
//   {"inputs": {"name": {"dims": [2, 3], "dtype": "float32", "values": [..optional..]}}}
// Inputs are zeros unless "values" is given (repeated cyclically to fill the tensor). dtypes:
// float32, float16, float64, int8, uint8, int16, uint16, int32, int64, bool.
// ONNX Runtime comes from WSEST_ORT_NODE_MODULES (default: what calibrate/fetch_ort.sh unpacks).
// Exit codes: 0 ok, 1 the model failed to load or run, 2 bad usage, 3 ONNX Runtime unavailable.
'use strict';

const {loadOrt, readSpec, makeFeeds} = require('./common');

function fail(code, msg) {
  process.stderr.write(`output_shapes: ${msg}\n`);
  process.exit(code);
}

if (process.argv.length !== 4) fail(2, 'usage: output_shapes.js MODEL.onnx SPEC_JSON_OR_FILE');
const [modelPath, specArg] = process.argv.slice(2);

const ort = loadOrt(fail);
const spec = readSpec(specArg, fail);

(async () => {
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3,
    });
  } catch (e) {
    fail(1, `load failed: ${e.message}`);
  }
  const feeds = makeFeeds(ort, session, spec, fail);
  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(1, `run failed: ${e.message}`);
  }
  const out = {};
  for (const name of session.outputNames) out[name] = results[name].dims.map(Number);
  process.stdout.write(JSON.stringify(out) + '\n');
})();
