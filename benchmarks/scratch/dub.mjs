import { readFileSync } from 'node:fs';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
const dir = '../packages/smt-verify/test/fixtures/vnncomp2022-rl/';
const m = readMlpOnnx(readFileSync(dir + 'onnx/dubinsrejoin.onnx'));
console.log(Object.keys(m), m.mlp ? m.mlp.layers.map(l => [l.inFeatures ?? l.weight?.length, l.outFeatures]) : m.layers?.map(l => [l.inFeatures, l.outFeatures]));
const p = parseVnnlib(readFileSync(dir + 'vnnlib/dubinsrejoin_case_safe_0.vnnlib', 'utf8'));
console.log(Object.keys(p), JSON.stringify(p.inputBox ?? p.input ?? Object.values(p)[0]).slice(0, 300));
console.log(p.lower, p.upper);
