import { readFileSync } from 'node:fs';
import { readModelOnnx } from '@quantproof/onnx';
import { createInt8Executor, decideOutputs } from '@quantproof/quant';
const m = readModelOnnx(readFileSync('/tmp/study0/models/ptq-static-qdq.onnx')).model;
console.log(m.layers.map(l=>[l.inFeatures,l.outFeatures]), m.input);
const ex = createInt8Executor(m);
const x = new Float32Array(4);
let s = 0; const N = 200000; const t0 = performance.now();
for (let i = 0; i < N; i++) { x[0] = (i % 97) * 0.01; x[2] = (i % 13) * 0.01; s += decideOutputs(ex.forward(x)); }
console.log(((performance.now() - t0) / N * 1000).toFixed(2), 'µs per forward', s);
