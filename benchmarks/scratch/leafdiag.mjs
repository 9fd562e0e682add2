import { readFileSync } from 'node:fs';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { readModelOnnx } from '@quantproof/onnx';
import { verifyRegion, releaseZ3 } from '@quantproof/smt-verify';
import { analyseBox, preparePair } from '@quantproof/interval';
import { cellCount } from '../../packages/interval/dist/region/split.js';
const v = process.env.V ?? 'ptq-static-qdq';
const read = (n) => readModelOnnx(readFileSync(`/tmp/study0/models/${n}.onnx`));
const fp32 = read('fp32').mlp, int8 = read(v).model;
const r = await verifyRegion(fp32, int8, CARTPOLE_OPERATING_BOX, { seconds: 600, maxBoxes: Number(process.env.B ?? 3000), workers: 0 });
const pair = preparePair(fp32, int8);
const un = r.leaves.filter(l => l.status === 'mixed' || l.status === 'open').map(l => ({ ...l, unc: l.volume * (l.share.upper - l.share.lower) })).sort((a, b) => b.unc - a.unc);
console.log('bracket', r.disagreement.lower, r.disagreement.upper, 'uncertain leaves', un.length, 'Σunc', un.reduce((a, l) => a + l.unc, 0));
const hist = {};
let tg = 0, tc = 0, sg = 0, sc = 0, n = 0;
for (const l of un.slice(0, 300)) {
  const box = { lower: Float64Array.from(l.lower), upper: Float64Array.from(l.upper) };
  const cc = cellCount(int8, box);
  const b = cc <= 16 ? '≤16' : cc <= 256 ? '≤256' : cc <= 2048 ? '≤2048' : cc <= 65536 ? '≤65k' : '>65k';
  hist[b] = (hist[b] ?? 0) + l.unc;
  let t0 = performance.now(); const g = analyseBox(pair, box, { cellLimit: 0 }); tg += performance.now() - t0;
  t0 = performance.now(); const c = analyseBox(pair, box, { cellLimit: 65536 }); tc += performance.now() - t0;
  sg += l.volume * (g.share.upper - g.share.lower); sc += l.volume * (c.share.upper - c.share.lower); n++;
  if (n <= 8) console.log(l.status, l.by, 'cells', cc, 'vol', l.volume.toExponential(2), 'grid', g.share, 'cell', c.share, g.int8Constant);
}
console.log('unc by cellcount (all)', hist);
console.log(`top ${n}: grid unc ${sg.toFixed(4)} ${(tg/n).toFixed(2)}ms/box; cell unc ${sc.toFixed(4)} ${(tc/n).toFixed(2)}ms/box`);
await releaseZ3();
