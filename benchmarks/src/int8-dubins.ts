// int8 consistency at scale: dubinsrejoin's FP32 network (VNN-COMP 2022, 8-256-256-8) quantised
// with @quantproof/quant's `quantizeStatic` (defaults: QDQ, int8 activations, MinMax), calibrated
// on points drawn uniformly from the union of its 96 VNN-LIB input boxes, then verified for
// int8/FP32 decision consistency over one of those boxes with smt-verify's region verifier.
// Reports the time until every leaf is decided (or the budget), the certified bracket of the
// disagreeing share and its width, and boxes per second.
// Run: pnpm --filter @quantproof/benchmarks bench:int8-dubins [-- --instance NAME] [--seconds S]
//        [--workers N]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { NpRandom } from '@quantproof/env';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import { quantizeStatic } from '@quantproof/quant';
import { releaseZ3, verifyRegion } from '@quantproof/smt-verify';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    instance: { type: 'string', default: 'dubinsrejoin_case_unsafe_83' },
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string', default: '1' },
    calibration: { type: 'string', default: '4096' },
  },
});
const dir = new URL('../../packages/smt-verify/test/fixtures/vnncomp2022-rl/', import.meta.url);
const { mlp } = readMlpOnnx(readFileSync(new URL('onnx/dubinsrejoin.onnx', dir)));
const properties = readFileSync(new URL('instances.csv', dir), 'utf8')
  .trim()
  .split('\n')
  .map((row) => row.split(',')[1]!)
  .filter((vnnlib) => vnnlib.includes('dubinsrejoin'))
  .map((vnnlib) => parseVnnlib(readFileSync(new URL(vnnlib, dir), 'utf8')));

// Calibration: uniform points of the 96 boxes, each box in turn (seeded numpy generator).
const rng = NpRandom.fromSeed(0);
const count = Number(values.calibration);
const calibration = Array.from({ length: count }, (_, k) => {
  const p = properties[k % properties.length]!;
  return Float32Array.from(
    p.lower,
    (lo, i) => lo.value + rng.random() * (p.upper[i]!.value - lo.value),
  );
});
const quantizeStarted = performance.now();
const { model } = quantizeStatic(mlp, calibration);
const quantizeSeconds = (performance.now() - quantizeStarted) / 1000;

const property = parseVnnlib(
  readFileSync(new URL(`vnnlib/${values.instance}.vnnlib`, dir), 'utf8'),
);
const box = {
  lower: property.lower.map((b) => b.value),
  upper: property.upper.map((b) => b.value),
};
const loadAtStart = loadavg()[0]!;
const result = await verifyRegion(mlp, model, box, {
  seconds: Number(values.seconds),
  workers: Number(values.workers),
});
await releaseZ3();
const { stats, disagreement, volume } = result;
const pct = (v: number): string => `${(100 * v).toFixed(3)} %`;
console.log(
  [
    `network: dubinsrejoin.onnx (8-256-256-8), quantizeStatic defaults on ${count} calibration points (${quantizeSeconds.toFixed(2)} s)`,
    `box: ${values.instance}'s input box; ${values.seconds} s budget, ${stats.workers} worker(s)`,
    `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}, load ${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
    `verdict: ${result.verdict}; stop: ${stats.stopReason}; every leaf decided at: ${stats.decidedAtSeconds === null ? 'not within the budget' : `${stats.decidedAtSeconds.toFixed(2)} s`}`,
    `disagreeing share (certified bracket): [${pct(disagreement.lower)}, ${pct(disagreement.upper)}], width ${pct(disagreement.upper - disagreement.lower)}`,
    `volume: ${JSON.stringify(volume)}`,
    `boxes: ${stats.boxes} in ${stats.seconds.toFixed(2)} s = ${(stats.boxes / stats.seconds).toFixed(1)} boxes/s; SMT queries ${stats.smtQueries} (${stats.smtSeconds.toFixed(2)} s)`,
    `counterexamples (replayed in the executors): ${result.counterexamples.length}`,
  ].join('\n'),
);
process.exit(0);
