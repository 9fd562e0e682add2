// Samples and wall time to the first replayed counterexample: @quantproof/testing's aimed
// arbitrary (`regionInputs`, default mixture) against uniform sampling of the same box (aim
// 'uniform'), on the study's five int8 variants (seed 0) over the CartPole operating box and on
// planted-style tiny networks (two logits differing by w·x − b through a pair of ReLUs, static int8
// with coarse input cells) over [−1, 1]^d; and how close the shrunk counterexample's FP32 margin
// comes to the certified δ* of the region verifier.
//
//   pnpm --filter @quantproof/benchmarks bench:aiming                      (about 3 minutes on 2 cores)
//   pnpm --filter @quantproof/benchmarks bench:aiming -- --run runs/<dir> --seeds 21 --verify-seconds 20
//
// Each (pair, aim, seed) is one seeded fast-check run of the property "int8 takes FP32's decision"
// judged by `createDecisionJudge` (smt-verify's replay: exact FP32 margin beyond the float32 error
// bound at the point, then onnxruntime-node on the models' .onnx bytes), stopped at the first
// counterexample and shrunk. "samples" counts the inputs drawn up to and including the first
// counterexample; "ms" is the wall time from the start of the run to that counterexample (the
// arbitrary and the onnxruntime sessions are built before, once per pair). Runs that find nothing
// within --cap inputs count as the cap and are reported. δ* comes from `verifyRegion` on the same
// pair (--verify-seconds each, 2 workers; planted pairs with maxBoxes 3000). Markdown to stdout.

import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { boxFromOperatingBox } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import { readModelOnnx, writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { type Bracket, releaseZ3, verifyRegion } from '@quantproof/smt-verify';
import { plantedPair } from '@quantproof/test-support/planted';
import { createDecisionJudge, regionInputs } from '@quantproof/testing';
import fc from 'fast-check';
import { log, readModels, studyRun, VARIANTS } from './study-models.js';

interface Pair {
  readonly name: string;
  readonly fp32: Uint8Array;
  readonly int8: Uint8Array;
  readonly box: { readonly lower: number[]; readonly upper: number[] };
  readonly delta: () => Promise<Bracket | null>;
}

interface Run {
  readonly samples: number;
  readonly ms: number;
  readonly found: boolean;
  readonly firstMargin: number;
  readonly shrunkMargin: number;
}

/** The planted pair of `w` and `b` (the FP32 boundary w·x = b crosses [−1, 1]^d) as .onnx bytes. */
function planted(w: readonly number[], b: number, seed: number): { fp32: Mlp; int8: Uint8Array } {
  const { fp32, int8 } = plantedPair(w, b, seed);
  return { fp32, int8: writeQMlpOnnx(int8) };
}

const PLANTED: readonly { w: number[]; b: number }[] = [
  { w: [0.5, -0.25], b: 0.05 },
  { w: [1, 0.125], b: -0.3 },
  { w: [0.5, -0.25, 0.125], b: 0.05 },
  { w: [0.25, 0.75, -0.5], b: 0.2 },
  { w: [0.125, -0.5, 0.25, 1], b: -0.1 },
  { w: [1, 1, -1, 0.5], b: 0.4 },
];

async function search(
  pair: Pair,
  aim: 'uniform' | undefined,
  seeds: number,
  cap: number,
): Promise<Run[]> {
  const inputs = regionInputs(pair.fp32, pair.int8, { box: pair.box, ...(aim ? { aim } : {}) });
  const judge = createDecisionJudge(pair.fp32, pair.int8);
  // Warm the onnxruntime sessions and the JIT outside the timed runs.
  await fc.check(fc.asyncProperty(inputs, judge.takesFp32Decision), { seed: 0, numRuns: 50 });
  const runs: Run[] = [];
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      const before = judge.counterexamples.length;
      let samples = 0;
      let firstAt: number | null = null;
      const started = performance.now();
      await fc.check(
        fc.asyncProperty(inputs, async (x) => {
          if (firstAt === null) samples++;
          const ok = await judge.takesFp32Decision(x);
          if (!ok && firstAt === null) firstAt = performance.now();
          return ok;
        }),
        { seed, numRuns: cap },
      );
      const found = judge.counterexamples.slice(before);
      runs.push({
        samples,
        ms: (firstAt ?? performance.now()) - started,
        found: found.length > 0,
        firstMargin: found[0]?.fp32Margin ?? NaN,
        shrunkMargin: found.at(-1)?.fp32Margin ?? NaN,
      });
    }
  } finally {
    await judge.release();
  }
  return runs;
}

const median = (values: readonly number[]): number => {
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : 0.5 * (v[m - 1]! + v[m]!);
};

const f = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toPrecision(digits) : '—');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      run: { type: 'string' },
      seeds: { type: 'string', default: '21' },
      cap: { type: 'string', default: '20000' },
      'verify-seconds': { type: 'string', default: '20' },
    },
  });
  const seeds = Number(values.seeds);
  const cap = Number(values.cap);
  const verifySeconds = Number(values['verify-seconds']);
  const study = studyRun(values.run);
  const operating = boxFromOperatingBox(CARTPOLE_OPERATING_BOX);
  const box = { lower: Array.from(operating.lower), upper: Array.from(operating.upper) };
  const file = (name: string): Uint8Array =>
    new Uint8Array(readFileSync(join(study.dir, 'models', `${name}.onnx`)));
  const { fp32: studyFp32, variants } = readModels(study.dir);
  const pairs: Pair[] = [
    ...VARIANTS.map((name) => ({
      name,
      fp32: file('fp32'),
      int8: file(name),
      box,
      delta: async () =>
        (
          await verifyRegion(studyFp32, variants.find((v) => v.name === name)!.model, box, {
            seconds: verifySeconds,
            workers: 2,
          })
        ).flipMargin,
    })),
    ...PLANTED.map(({ w, b }, k) => {
      const p = planted(w, b, k + 1);
      const d = w.length;
      const plantedBox = { lower: w.map(() => -1), upper: w.map(() => 1) };
      return {
        name: `planted ${d}-d #${k + 1} (w = [${w.join(', ')}], b = ${b})`,
        fp32: writeMlpOnnx(p.fp32),
        int8: p.int8,
        box: plantedBox,
        delta: async () => {
          const q = readModelOnnx(p.int8);
          if (q.kind !== 'int8') throw new Error('the planted int8 model reads as FP32');
          return (
            await verifyRegion(p.fp32, q.model, plantedBox, {
              seconds: verifySeconds,
              maxBoxes: 3000,
              workers: 2,
            })
          ).flipMargin;
        },
      };
    }),
  ];
  const rows: string[] = [];
  for (const pair of pairs) {
    log(`${pair.name}: uniform`);
    const uniform = await search(pair, 'uniform', seeds, cap);
    log(`${pair.name}: aimed`);
    const aimed = await search(pair, undefined, seeds, cap);
    log(`${pair.name}: δ*`);
    const delta = await pair.delta();
    const shrunk = median(aimed.filter((r) => r.found).map((r) => r.shrunkMargin));
    const first = median(aimed.filter((r) => r.found).map((r) => r.firstMargin));
    const su = median(uniform.map((r) => r.samples));
    const sa = median(aimed.map((r) => r.samples));
    const missed = (runs: Run[]): string => {
      const n = runs.filter((r) => !r.found).length;
      return n === 0 ? '' : ` (${n} of ${runs.length} none in ${cap})`;
    };
    rows.push(
      `| ${pair.name} | ${su}${missed(uniform)} | ${sa}${missed(aimed)} | ${f(su / sa, 3)}× | ${f(median(uniform.map((r) => r.ms)))} | ${f(median(aimed.map((r) => r.ms)))} | ${f(first)} | ${f(shrunk)} | ${delta === null ? 'none' : `[${f(delta.lower, 4)}, ${f(delta.upper, 4)}]`} | ${delta === null || !(delta.lower > 0) ? '—' : `${f((100 * shrunk) / delta.lower, 3)} %`} |`,
    );
    log(rows.at(-1)!);
  }
  await releaseZ3();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      `Machine: ${cpus().length} × ${cpu}, load average ${loadavg()[0]!.toFixed(2)}; Node ${process.version}. ${seeds} seeds per aim (fast-check seeds 1 … ${seeds}), cap ${cap} inputs; δ* by verifyRegion (${verifySeconds} s, 2 workers; planted: maxBoxes 3000).`,
      '',
      '| pair | uniform: median samples to 1st | aimed: median samples to 1st | ratio | uniform: median ms to 1st | aimed: median ms to 1st | aimed: median FP32 margin of 1st | aimed: median shrunk FP32 margin | certified δ* | shrunk / δ* lower |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
