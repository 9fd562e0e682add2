// Region verification of the trained CartPole policy's int8 models over the operating box
// (@quantproof/smt-verify's verifyRegion): time until every leaf is decided, volume fractions, δ*
// and ε* brackets; then, on small boxes along the FP32 decision boundary, z3 alone against
// bounds-then-z3, and the same SMT-LIB queries in z3's WASM build against Debian's native z3.
//
//   pnpm --filter @quantproof/benchmarks bench:region        (about 4 minutes)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CARTPOLE_OPERATING_BOX, CartPoleEnv, rollout } from '@quantproof/env';
import { certifyDecision, createBox } from '@quantproof/interval';
import { createSeededRng, forwardFp32, type Mlp } from '@quantproof/nn';
import { argmaxFirst, quantizeAwareTrain, quantizeStatic, type QMlp } from '@quantproof/quant';
import { greedyPolicy, trainPpo } from '@quantproof/rl';
import { checkAgreement, releaseZ3, verifyRegion } from '@quantproof/smt-verify';

const SECONDS = 60;
const pct = (f: number): string => `${(100 * f).toFixed(2)} %`;
const bracket = (b: { lower: number; upper: number; certified: boolean } | null): string =>
  b === null
    ? '— (no disagreement)'
    : `[${b.lower.toPrecision(5)}, ${b.upper.toPrecision(5)}]${b.certified ? ' ✓' : ' (gap > 1 %)'}`;

function visited(policy: Mlp): Float32Array {
  const env = new CartPoleEnv();
  const act = greedyPolicy(policy);
  const parts: number[] = [];
  for (let seed = 0; seed < 20; seed++) parts.push(...rollout(env, act, { seed }).observations);
  return Float32Array.from(parts);
}

/** Small boxes (widths 1/1024 of the operating box) centred on points of the FP32 boundary. */
function boundaryBoxes(policy: Mlp, count: number): { lower: number[]; upper: number[] }[] {
  const rng = createSeededRng(11);
  const { lower, upper } = CARTPOLE_OPERATING_BOX;
  const sample = (): Float32Array =>
    Float32Array.from(lower, (l, i) => Math.fround(l + (upper[i]! - l) * rng.nextFloat64()));
  const act = (x: Float32Array): number => argmaxFirst(forwardFp32(policy, x));
  const boxes: { lower: number[]; upper: number[] }[] = [];
  while (boxes.length < count) {
    const a = sample();
    const b = sample();
    if (act(a) === act(b)) continue;
    let lo = 0;
    let hi = 1;
    for (let k = 0; k < 40; k++) {
      const t = 0.5 * (lo + hi);
      const p = Float32Array.from(a, (v, i) => v + (b[i]! - v) * t);
      if (act(p) === act(a)) lo = t;
      else hi = t;
    }
    const c = Array.from(a, (v, i) => v + (b[i]! - v) * lo);
    const r = Array.from(lower, (l, i) => (upper[i]! - l) / 2048);
    boxes.push({ lower: c.map((v, i) => v - r[i]!), upper: c.map((v, i) => v + r[i]!) });
  }
  return boxes;
}

async function main(): Promise<void> {
  console.log('## smt-verify: region verification of the trained policy over the operating box\n');
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; workers ${availableParallelism()} (one z3 WASM each), budget ${SECONDS} s per model (leaves first, a quarter reserved for δ* and ε*).\n`,
  );
  const { policy } = trainPpo({ seed: 0 });
  const states = visited(policy);
  const staticModel = quantizeStatic(policy, states, {
    operatingBox: CARTPOLE_OPERATING_BOX,
  }).model;
  const qat = quantizeAwareTrain(policy, states, {
    rng: createSeededRng(0),
    scheme: { operatingBox: CARTPOLE_OPERATING_BOX },
    boxSamples: { ...CARTPOLE_OPERATING_BOX, count: 5000 },
  }).model;
  const models: [string, QMlp][] = [
    ['PTQ static (QDQ, int8, per-tensor, MinMax on visited states)', staticModel],
    ['QAT (distillation, same scheme)', qat],
  ];
  console.log(
    '| model | every leaf decided at | consistent | inconsistent | unknown | leaves | boxes | counterexamples (replayed) | δ* | ε* | z3 queries | total |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |');
  for (const [name, model] of models) {
    const t0 = performance.now();
    const r = await verifyRegion(policy, model, CARTPOLE_OPERATING_BOX, { seconds: SECONDS });
    const total = (performance.now() - t0) / 1000;
    const decided = r.stats.decidedAtSeconds;
    console.log(
      `| ${name} | ${decided === null ? 'not within budget' : `${decided.toFixed(2)} s`} | ${pct(r.volume.consistent)} | ${pct(r.volume.inconsistent)} | ${pct(r.volume.unknown)} | ${r.leaves.length} | ${r.stats.boxes} | ${r.counterexamples.length} | ${bracket(r.flipMargin)} | ${bracket(r.errorBound)} | ${r.stats.smtQueries} | ${total.toFixed(1)} s |`,
    );
  }

  // Time to certify: leaves without refinement, then δ* and ε* with the rest of a long budget.
  console.log(
    '\n### Time until every leaf is decided and δ* and ε* are certified within 1 % (no refinement of inconsistent leaves; budget 300 s)\n',
  );
  console.log('| model | every leaf decided at | δ* | ε* | certified at |');
  console.log('| --- | ---: | --- | --- | ---: |');
  for (const [name, model] of models) {
    const t0 = performance.now();
    const r = await verifyRegion(policy, model, CARTPOLE_OPERATING_BOX, {
      seconds: 300,
      refine: false,
      marginShare: 0.95,
    });
    const total = (performance.now() - t0) / 1000;
    const both = r.flipMargin?.certified !== false && r.errorBound?.certified === true;
    console.log(
      `| ${name} | ${r.stats.decidedAtSeconds?.toFixed(2) ?? '—'} s | ${bracket(r.flipMargin)} | ${bracket(r.errorBound)} | ${both ? `${total.toFixed(1)} s` : `not within ${total.toFixed(0)} s`} |`,
    );
  }

  // z3 alone vs the leaf pipeline (bounds, then the exact cell path / z3), and WASM vs native z3,
  // on the same small boxes: half random in the operating box, half on the FP32 boundary.
  const rng = createSeededRng(5);
  const { lower: L, upper: U } = CARTPOLE_OPERATING_BOX;
  const random = Array.from({ length: 8 }, () => {
    const c = Array.from(L, (l, i) => l + (U[i]! - l) * rng.nextFloat64());
    const r = Array.from(L, (l, i) => (U[i]! - l) / 2048);
    return { lower: c.map((v, i) => v - r[i]!), upper: c.map((v, i) => v + r[i]!) };
  });
  const boxes = [...random, ...boundaryBoxes(policy, 8)];
  const dir = mkdtempSync(join(tmpdir(), 'qp-bench-region-'));
  const TIMEOUT = 10;
  let aloneMs = 0;
  let pipelineMs = 0;
  let aloneDecided = 0;
  let pipelineDecided = 0;
  let byBounds = 0;
  const scripts: { file: string; wasmMs: number; result: string }[] = [];
  try {
    for (const [k, box] of boxes.entries()) {
      let last = performance.now();
      const t0 = performance.now();
      const alone = await checkAgreement(policy, staticModel, box, {
        cellFastPath: 0,
        timeoutSeconds: TIMEOUT,
        onQuery: (smtlib, result) => {
          const now = performance.now();
          const file = join(dir, `q${k}-${scripts.length}.smt2`);
          writeFileSync(file, smtlib);
          scripts.push({ file, wasmMs: now - last, result });
          last = now;
        },
      });
      aloneMs += performance.now() - t0;
      if (alone.kind !== 'unknown') aloneDecided++;
      const t1 = performance.now();
      const cert = certifyDecision(policy, staticModel, createBox(box.lower, box.upper));
      if (cert.kind === 'consistent') {
        byBounds++;
        pipelineDecided++;
      } else {
        const r = await checkAgreement(policy, staticModel, box, { timeoutSeconds: TIMEOUT });
        if (r.kind !== 'unknown') pipelineDecided++;
      }
      pipelineMs += performance.now() - t1;
    }
    console.log(
      `\n### z3 alone vs bounds first, on ${boxes.length} boxes 1/1024 of the operating box wide (8 uniform, 8 centred on the FP32 boundary; PTQ static, ${TIMEOUT} s per z3 query)\n`,
    );
    console.log('| pipeline | time | decided |');
    console.log('| --- | ---: | ---: |');
    console.log(
      `| z3 alone (joint int8 + FP32 encoding, WASM) | ${(aloneMs / 1000).toFixed(2)} s | ${aloneDecided} / ${boxes.length} |`,
    );
    console.log(
      `| bounds, then the exact cell path (int8 per cell, FP32 by bounds or z3) | ${(pipelineMs / 1000).toFixed(2)} s | ${pipelineDecided} / ${boxes.length} (${byBounds} by bounds alone) |`,
    );
    let native = 0;
    let wasm = 0;
    let both = 0;
    let agree = 0;
    for (const s of scripts) {
      const t = performance.now();
      let out = '';
      try {
        out = execFileSync('z3', [`-T:${TIMEOUT}`, s.file], { encoding: 'utf8' }).trim();
      } catch (error) {
        out = String((error as { stdout?: string }).stdout ?? 'error').trim();
      }
      const ms = performance.now() - t;
      const answer = out.split('\n')[0] ?? '';
      const decided = (a: string): boolean => a === 'sat' || a === 'unsat';
      if (decided(answer) && decided(s.result)) {
        both++;
        native += ms;
        wasm += s.wasmMs;
        if (answer === s.result) agree++;
      }
    }
    console.log(
      `\nThe ${scripts.length} SMT-LIB queries z3 alone wrote, re-run in Debian's native z3 (\`z3 -T:${TIMEOUT} file.smt2\`, process start included): both builds answered ${both}, with the same answer on ${agree}; on those, WASM ${(wasm / 1000).toFixed(2)} s, native ${(native / 1000).toFixed(2)} s, ratio WASM/native ${(wasm / Math.max(native, 1e-9)).toFixed(2)}.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await releaseZ3();
  }
}

void main();
