// scratch: bracket after N seconds for chosen variants
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { readModelOnnx } from '@quantproof/onnx';
import { verifyRegion, releaseZ3 } from '@quantproof/smt-verify';
const dir = process.env.RUN ?? '/tmp/study0';
const seconds = Number(process.env.SECONDS_ ?? 20);
const variants = (process.env.VARIANTS ?? 'ptq-dynamic,ptq-static-qdq,qat').split(',');
const read = (n) => readModelOnnx(readFileSync(join(dir, 'models', `${n}.onnx`)));
const fp32 = read('fp32');
for (const v of variants) {
  const int8 = read(v);
  const t0 = performance.now();
  const r = await verifyRegion(fp32.mlp, int8.model, CARTPOLE_OPERATING_BOX, { seconds, workers: Number(process.env.W ?? 2) });
  const d = r.disagreement;
  let unc = { mixed: 0, open: 0 }, n = { mixed: 0, open: 0 };
  for (const l of r.leaves) if (l.status === 'mixed' || l.status === 'open') { unc[l.status] += l.volume * (l.share.upper - l.share.lower); n[l.status]++; }
  console.log(v, `[${(100*d.lower).toFixed(2)}, ${(100*d.upper).toFixed(2)}] w=${(100*(d.upper-d.lower)).toFixed(2)}pp`,
    `est=${JSON.stringify(d.estimate)}`,
    `vol=${JSON.stringify(Object.fromEntries(Object.entries(r.volume).map(([k,x])=>[k,+(100*x).toFixed(2)])))}`,
    `unc mixed=${(100*unc.mixed).toFixed(2)}(${n.mixed}) open=${(100*unc.open).toFixed(2)}(${n.open})`,
    `δ*=[${r.flipMargin?.lower.toFixed(3)},${r.flipMargin?.upper.toFixed(3)}] ε*=[${r.errorBound?.lower.toFixed(3)},${r.errorBound?.upper.toFixed(3)}]`,
    `boxes=${r.stats.boxes} leaves=${r.leaves.length} t=${((performance.now()-t0)/1000).toFixed(1)}s`);
}
await releaseZ3();
