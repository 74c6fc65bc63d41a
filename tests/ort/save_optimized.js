#!/usr/bin/env node
// Saves the graph ONNX Runtime optimizes on its CPU EP at one level, as a user would with
// session.optimized_model_filepath, so wsest can be run on exactly that file.
//   node tests/ort/save_optimized.js MODEL.onnx basic|extended|all OUT.onnx
// Exit codes: 0 ok, 1 the model failed to load, 2 bad usage, 3 ONNX Runtime unavailable.
'use strict';

const {loadOrt} = require('./common');

function fail(code, msg) {
  process.stderr.write(`save_optimized: ${msg}\n`);
  process.exit(code);
}

if (process.argv.length !== 5) fail(2, 'usage: save_optimized.js MODEL.onnx basic|extended|all OUT.onnx');
const [modelPath, level, outPath] = process.argv.slice(2);
if (!['basic', 'extended', 'all'].includes(level)) fail(2, `unknown level ${level}`);
const ort = loadOrt(fail);

(async () => {
  try {
    await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: level,
      optimizedModelFilePath: outPath,
      logSeverityLevel: 3,
    });
  } catch (e) {
    fail(1, `load failed: ${e.message}`);
  }
})();
