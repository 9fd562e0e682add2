import { readFileSync } from 'node:fs';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import { refineFp32, specLowerForm } from '../packages/interval/dist/linear-bounds.js';
import { createBox, ibpFp32, fp32LinearUpperBound } from '@quantproof/interval';
const dir = '/work/wt16/packages/smt-verify/test/fixtures/vnncomp2022-rl/';
const { mlp } = readMlpOnnx(readFileSync(dir + 'onnx/dubinsrejoin.onnx'));
const inst = process.argv[2] ?? 'dubinsrejoin_case_unsafe_83';
const p = parseVnnlib(readFileSync(dir + `vnnlib/${inst}.vnnlib`, 'utf8'));
const lo = Float64Array.from(p.lower, (b) => b.value), hi = Float64Array.from(p.upper, (b) => b.value);
const box = createBox(lo.map(Math.fround), hi.map(Math.fround));
const ibp = ibpFp32(mlp, box);
const r = refineFp32(mlp, box);
for (const conj of p.output) for (const c of conj) {
  const spec = new Float64Array(8); for (const t of c.terms) spec[t.index] += Number(t.coefficient.numerator) / Number(t.coefficient.denominator);
  const ibpMin = -fp32LinearUpperBound(mlp, box, ibp, spec.map((v) => -v));
  const f = specLowerForm(r, spec);
  const w = f.coefficients.map((a, i) => Math.abs(a) * (hi[i] - lo[i]));
  console.log(c.terms.map(t=>`${Number(t.coefficient.numerator)}*Y${t.index}`).join('+'), '<=', Number(c.bound.numerator), 'ibp min', ibpMin.toFixed(3), 'crown min', f.lower.toFixed(3), 'infl', Array.from(w, (v) => v.toFixed(2)).join(' '));
}
