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
const os = require('os');
const path = require('path');

function fail(code, msg) {
  process.stderr.write(`node_stats: ${msg}\n`);
  process.exit(code);
}

if (process.argv.length !== 5) fail(2, 'usage: node_stats.js MODEL.onnx SPEC_JSON_OR_FILE OUT_CSV');
const [modelPath, specArg, outArg] = process.argv.slice(2);
const outCsv = path.resolve(outArg);

const cache = process.env.WSEST_ORT_CACHE || path.join(os.homedir(), '.cache', 'wsest-ort');
const modulesDir = process.env.WSEST_ORT_NODE_MODULES || path.join(cache, '1.29.0', 'node_modules');
let ort;
try {
  ort = require(path.join(modulesDir, 'onnxruntime-node'));
} catch (e) {
  fail(3, `cannot load onnxruntime-node from ${modulesDir} (run calibrate/fetch_ort.sh): ${e.message}`);
}

let spec;
try {
  const text = specArg.trim().startsWith('{') ? specArg : fs.readFileSync(specArg, 'utf8');
  spec = JSON.parse(text);
} catch (e) {
  fail(2, `bad spec: ${e.message}`);
}

const makers = {
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  float16: (n) => new Uint16Array(n),
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  int16: (n) => new Int16Array(n),
  uint16: (n) => new Uint16Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
  bool: (n) => new Uint8Array(n),
};

function makeTensor(name, s) {
  const dtype = s.dtype || 'float32';
  if (!(dtype in makers)) fail(2, `input ${name}: unsupported dtype ${dtype}`);
  const dims = s.dims || [];
  const n = dims.reduce((a, b) => a * b, 1);
  const data = makers[dtype](n);
  const values = s.values || [];
  for (let i = 0; values.length > 0 && i < n; ++i) {
    const v = values[i % values.length];
    if (dtype === 'int64') data[i] = BigInt(v);
    else if (dtype === 'bool') data[i] = v ? 1 : 0;
    else if (dtype === 'float16') fail(2, `input ${name}: values for float16 are not supported`);
    else data[i] = v;
  }
  return new ort.Tensor(dtype, data, dims);
}

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
  const feeds = {};
  const inputs = spec.inputs || {};
  for (const name of session.inputNames) {
    if (!(name in inputs)) fail(2, `no spec for graph input ${name}`);
    feeds[name] = makeTensor(name, inputs[name]);
  }
  try {
    await session.run(feeds);
  } catch (e) {
    fail(1, `run failed: ${e.message}`);
  }
  await session.release();
  if (!fs.existsSync(outCsv)) fail(1, `ONNX Runtime wrote no stats file at ${outCsv}`);
  process.stdout.write(outCsv + '\n');
})();
