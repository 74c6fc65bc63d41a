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

const fs = require('fs');
const os = require('os');
const path = require('path');

function fail(code, msg) {
  process.stderr.write(`output_shapes: ${msg}\n`);
  process.exit(code);
}

if (process.argv.length !== 4) fail(2, 'usage: output_shapes.js MODEL.onnx SPEC_JSON_OR_FILE');
const [modelPath, specArg] = process.argv.slice(2);

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

// float32 -> IEEE half bits, enough for the small values tests feed.
function toHalfBits(v) {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = (x >>> 13) & 0x3ff;
  if (v === 0) return sign;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | mant;
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
  if (values.length > 0) {
    for (let i = 0; i < n; ++i) {
      const v = values[i % values.length];
      if (dtype === 'int64') data[i] = BigInt(v);
      else if (dtype === 'float16') data[i] = toHalfBits(v);
      else if (dtype === 'bool') data[i] = v ? 1 : 0;
      else data[i] = v;
    }
  }
  return new ort.Tensor(dtype, data, dims);
}

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
  const feeds = {};
  const inputs = spec.inputs || {};
  for (const name of session.inputNames) {
    if (!(name in inputs)) fail(2, `no spec for graph input ${name}`);
    feeds[name] = makeTensor(name, inputs[name]);
  }
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
