import { readFileSync } from 'node:fs';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import { quantizeStatic } from '@quantproof/quant';
import { analyseBox, preparePair } from '@quantproof/interval';
const dir = '../packages/smt-verify/test/fixtures/vnncomp2022-rl/';
const fp32 = readMlpOnnx(readFileSync(dir + 'onnx/dubinsrejoin.onnx')).mlp;
const p = parseVnnlib(readFileSync(dir + 'vnnlib/dubinsrejoin_case_safe_0.vnnlib', 'utf8'));
const lower = p.lower.map(b => b.value), upper = p.upper.map(b => b.value);
const samples = Array.from({ length: 1024 }, () => Float32Array.from(lower, (l, i) => Math.fround(l + (upper[i] - l) * Math.random())));
const { model } = quantizeStatic(fp32, samples, { format: 'qdq', perChannel: true });
const pair = preparePair(fp32, model);
const box = { lower: Float64Array.from(lower), upper: Float64Array.from(upper) };
// a smaller box: 1/8 width around centre
const small = { lower: box.lower.map((l, i) => Math.fround(l + (box.upper[i] - l) * 0.45)), upper: box.lower.map((l, i) => Math.fround(l + (box.upper[i] - l) * 0.55)) };
for (const [name, b] of [['root', box], ['small', small]]) for (const opts of [{ shareGrid: 512 }, { shareGrid: 1 }, { shareGrid: 512, joint: false }, { shareGrid: 1, joint: false }]) {
  const t0 = performance.now(); let a; for (let r = 0; r < 3; r++) a = analyseBox(pair, b, opts);
  console.log(name, JSON.stringify(opts), ((performance.now() - t0) / 3).toFixed(1), 'ms', a.proven, a.share);
}
