// int8 consistency at scale: dubinsrejoin's FP32 network (8-256-256-8, VNN-COMP 2022) quantised
// statically (QDQ, per-channel weights, calibrated on uniform samples of the input box) and its
// int8/FP32 decision consistency verified over the input box of one VNN-LIB property. Reports, per
// box: time until no leaf was open, the certified bracket of the disagreeing share and its width,
// boxes per second, δ* and ε*, at 20 s and at the long budget.
//
//   pnpm --filter @quantproof/benchmarks bench:int8-scale [-- --seconds 120 --workers 2
//     --property dubinsrejoin_case_safe_0,dubinsrejoin_case_safe_1]
//
// Markdown tables go to stdout, progress to stderr.

import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createSeededRng } from '@quantproof/nn';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import { quantizeStatic } from '@quantproof/quant';
import { type RegionResult, releaseZ3, verifyRegion } from '@quantproof/smt-verify';

const FIXTURES = new URL(
  '../../packages/smt-verify/test/fixtures/vnncomp2022-rl/',
  import.meta.url,
);
const CALIBRATION_SAMPLES = 4096;
const SHORT_SECONDS = 20;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    workers: { type: 'string', default: '2' },
    property: { type: 'string', default: 'dubinsrejoin_case_safe_0,dubinsrejoin_case_unsafe_2' },
  },
});
const longSeconds = Number(values.seconds);
const workers = Number(values.workers);
const properties = values.property.split(',').filter((p) => p !== '');

const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

const fp32 = readMlpOnnx(readFileSync(new URL('onnx/dubinsrejoin.onnx', FIXTURES))).mlp;
const sizes = [fp32.layers[0]!.inFeatures, ...fp32.layers.map((l) => l.outFeatures)];

interface Row {
  readonly property: string;
  readonly seconds: number;
  readonly result: RegionResult;
  readonly wall: number;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const num = (x: number): string =>
  !Number.isFinite(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);

const rows: Row[] = [];
const warnings = new Map<string, readonly unknown[]>();
for (const property of properties) {
  const spec = parseVnnlib(readFileSync(new URL(`vnnlib/${property}.vnnlib`, FIXTURES), 'utf8'));
  const lower = Array.from(spec.lower, (b) => b.value);
  const upper = Array.from(spec.upper, (b) => b.value);
  const rng = createSeededRng(1);
  const samples = Array.from({ length: CALIBRATION_SAMPLES }, () =>
    Float32Array.from(lower, (l, i) => Math.fround(l + (upper[i]! - l) * rng.nextFloat64())),
  );
  const { model, warnings: w } = quantizeStatic(fp32, samples, {
    format: 'qdq',
    perChannel: true,
  });
  warnings.set(property, w);
  for (const seconds of [SHORT_SECONDS, longSeconds]) {
    log(`${property}: ${seconds} s, ${workers} workers`);
    const t0 = performance.now();
    const result = await verifyRegion(fp32, model, { lower, upper }, { seconds, workers });
    rows.push({ property, seconds, result, wall: (performance.now() - t0) / 1000 });
  }
}
await releaseZ3();

const cpu = cpus();
console.log('## int8 consistency at scale: an 8-256-256-8 policy (`src/int8-scale.ts`)\n');
console.log(
  `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}; ` +
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ` +
    `${loadavg()[0]!.toFixed(2)} at the end. Network: VNN-COMP 2022 dubinsrejoin (${sizes.join('-')}), ` +
    `quantised with quantizeStatic (QDQ, per-channel int8 weights, int8 activations) calibrated on ` +
    `${CALIBRATION_SAMPLES} uniform samples of each property's input box; region: that input box; ` +
    `${workers} workers.\n`,
);
console.log(
  '| property | budget | verdict | decided at | disagreeing share | width | δ* | ε* | boxes | boxes/s | leaves |',
);
console.log('| --- | ---: | --- | ---: | --- | ---: | --- | --- | ---: | ---: | ---: |');
for (const r of rows) {
  const d = r.result.disagreement;
  const f = r.result.flipMargin;
  const e = r.result.errorBound;
  const decided = r.result.stats.decidedAtSeconds;
  console.log(
    `| ${r.property} | ${r.seconds} s | ${r.result.verdict} | ${decided === null ? '—' : `${decided.toFixed(1)} s`} | ` +
      `[${pct(d.lower)}, ${pct(d.upper)}] | ${(100 * (d.upper - d.lower)).toFixed(2)} pp | ` +
      `${f === null ? '—' : `[${num(f.lower)}, ${num(f.upper)}]${f.certified ? ' ✓' : ''}`} | ` +
      `${e === null ? '—' : `[${num(e.lower)}, ${num(e.upper)}]${e.certified ? ' ✓' : ''}`} | ` +
      `${r.result.stats.boxes} | ${(r.result.stats.boxes / r.wall).toFixed(0)} | ${r.result.leaves.length} |`,
  );
}
for (const [property, w] of warnings) {
  if (w.length > 0) console.log(`\nQuantiser warnings (${property}): ${JSON.stringify(w)}`);
}
