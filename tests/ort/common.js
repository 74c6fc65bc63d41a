// Shared by the ONNX Runtime harnesses in tests/ort/: loading onnxruntime-node, reading an input
// SPEC, and building the feeds a session asks for.
//   SPEC: {"inputs": {"name": {"dims": [2, 3], "dtype": "float32", "values": [..optional..]}}}
// Inputs are zeros unless "values" is given (repeated cyclically to fill the tensor). dtypes:
// float32, float16, float64, int8, uint8, int16, uint16, int32, int64, bool.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

// ONNX Runtime from WSEST_ORT_NODE_MODULES (default: what calibrate/fetch_ort.sh unpacks); exit 3
// through `fail` when it cannot be loaded.
function loadOrt(fail) {
  const cache = process.env.WSEST_ORT_CACHE || path.join(os.homedir(), '.cache', 'wsest-ort');
  const modulesDir = process.env.WSEST_ORT_NODE_MODULES || path.join(cache, '1.29.0', 'node_modules');
  try {
    return require(path.join(modulesDir, 'onnxruntime-node'));
  } catch (e) {
    fail(3, `cannot load onnxruntime-node from ${modulesDir} (run calibrate/fetch_ort.sh): ${e.message}`);
  }
  return null;
}

// SPEC given inline (starts with '{') or as a file path; exit 2 through `fail` when malformed.
function readSpec(specArg, fail) {
  try {
    const text = specArg.trim().startsWith('{') ? specArg : fs.readFileSync(specArg, 'utf8');
    return JSON.parse(text);
  } catch (e) {
    fail(2, `bad spec: ${e.message}`);
  }
  return null;
}

// float32 -> IEEE half bits, enough for the small values tests feed.
function toHalfBits(v) {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = (x >>> 13) & 0x3ff;
  if (v === 0 || exp <= 0) return sign;
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

function makeTensor(ort, name, s, fail) {
  const dtype = s.dtype || 'float32';
  if (!(dtype in makers)) fail(2, `input ${name}: unsupported dtype ${dtype}`);
  const dims = s.dims || [];
  const n = dims.reduce((a, b) => a * b, 1);
  const data = makers[dtype](n);
  const values = s.values || [];
  for (let i = 0; values.length > 0 && i < n; ++i) {
    const v = values[i % values.length];
    if (dtype === 'int64') data[i] = BigInt(v);
    else if (dtype === 'float16') data[i] = toHalfBits(v);
    else if (dtype === 'bool') data[i] = v ? 1 : 0;
    else data[i] = v;
  }
  return new ort.Tensor(dtype, data, dims);
}

// One tensor per graph input of `session`, from the SPEC; exit 2 through `fail` for a missing one.
function makeFeeds(ort, session, spec, fail) {
  const feeds = {};
  const inputs = spec.inputs || {};
  for (const name of session.inputNames) {
    if (!(name in inputs)) fail(2, `no spec for graph input ${name}`);
    feeds[name] = makeTensor(ort, name, inputs[name], fail);
  }
  return feeds;
}

module.exports = {loadOrt, readSpec, makeFeeds};
