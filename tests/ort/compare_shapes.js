#!/usr/bin/env node
// Compares the shapes wsest inferred (tests/shape_dump.cc) with those real ORT computed at run time
// (tests/ort/output_shapes.js on the model with every tensor exposed). Prints one JSON line:
//   {"tensors": N, "without_shape": N, "partial": N, "differ": N, "equal": N, "examples": [...]}
// A tensor wsest has no shape for, or a dim it leaves unknown, counts where ORT knows it; a known
// dim that differs from ORT's counts in "differ".
//   node tests/ort/compare_shapes.js WSEST.json ORT.json
'use strict';

const fs = require('fs');

if (process.argv.length !== 4) {
  process.stderr.write('usage: compare_shapes.js WSEST.json ORT.json\n');
  process.exit(2);
}
const wsest = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ort = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const out = {tensors: 0, without_shape: 0, partial: 0, differ: 0, equal: 0, examples: []};
for (const [name, dims] of Object.entries(wsest)) {
  if (!(name in ort)) continue;  // ORT folded it away or did not expose it
  const real = ort[name];
  ++out.tensors;
  let kind = 'equal';
  if (dims === null) kind = 'without_shape';
  else if (dims.length !== real.length || dims.some((d, i) => d !== -1 && d !== real[i])) kind = 'differ';
  else if (dims.includes(-1)) kind = 'partial';
  ++out[kind];
  if (kind !== 'equal' && out.examples.length < 5) out.examples.push(`${kind} ${name}: wsest ${JSON.stringify(dims)}, ORT ${JSON.stringify(real)}`);
}
process.stdout.write(JSON.stringify(out) + '\n');
