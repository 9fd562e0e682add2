// How much of CartPole's operating box @quantproof/interval certifies: the PPO policy (seed 0) and
// its default static int8 quantisation (QDQ, int8 activations, calibrated on visited states), input
// splitting with IBP, linear and difference bounds, volume fractions after 1 s, 10 s and 60 s;
// then how much tighter joint difference bounds are than subtracted intervals.
//
//   pnpm --filter @quantproof/benchmarks bench:interval        (about 4 minutes)

import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CARTPOLE_OPERATING_BOX, CartPoleEnv, rollout } from '@quantproof/env';
import { createSeededRng, forwardFp32, type Mlp } from '@quantproof/nn';
import { createInt8Executor, quantizeStatic, type QMlp } from '@quantproof/quant';
import {
  boxFromOperatingBox,
  createBox,
  differenceBounds,
  ibpFp32,
  ibpInt8,
  splitAndCertify,
  type BoundMethod,
  type Box,
} from '@quantproof/interval';
import { evaluate, greedyPolicy, trainPpo } from '@quantproof/rl';

const CHECKPOINTS_MS = [1_000, 10_000, 60_000];
const CALIBRATION_EPISODES = 20;
const percent = (f: number): string => `${(100 * f).toFixed(2)} %`;

function calibrationStates(policy: ReturnType<typeof trainPpo>['policy']): Float32Array {
  const env = new CartPoleEnv();
  const act = greedyPolicy(policy);
  const parts: Float32Array[] = [];
  for (let seed = 0; seed < CALIBRATION_EPISODES; seed++) {
    parts.push(rollout(env, act, { seed }).observations);
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function subBox(root: Box, fraction: number, rng: ReturnType<typeof createSeededRng>): Box {
  const lower: number[] = [];
  const upper: number[] = [];
  for (let i = 0; i < root.lower.length; i++) {
    const w = root.upper[i]! - root.lower[i]!;
    const r = (w * fraction) / 2;
    const c = root.lower[i]! + r + (w - 2 * r) * rng.nextFloat64();
    lower.push(c - r);
    upper.push(c + r);
  }
  return createBox(lower, upper);
}

function main(): void {
  console.log(`## interval: certified volume of the CartPole operating box\n`);
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`,
  );
  const start = performance.now();
  const { policy } = trainPpo({ seed: 0 });
  const trained = performance.now() - start;
  const score = evaluate(policy);
  const calibration = calibrationStates(policy);
  const { model, warnings } = quantizeStatic(policy, calibration, {
    operatingBox: CARTPOLE_OPERATING_BOX,
  });
  const root = boxFromOperatingBox(CARTPOLE_OPERATING_BOX);
  console.log(
    `Policy: 4-64-64-2, trainPpo({ seed: 0 }) in ${(trained / 1000).toFixed(1)} s, greedy return ${score.mean.toFixed(1)} ± ${score.std.toFixed(1)}. ` +
      `int8: quantizeStatic defaults (QDQ, int8 activations, int8 symmetric per-tensor weights, MinMax, fused-integer path), ` +
      `calibrated on ${calibration.length / 4} states of ${CALIBRATION_EPISODES} greedy episodes; input scale ${model.input.scale.toPrecision(4)}, zero point ${model.input.zeroPoint}.`,
  );
  for (const w of warnings) {
    if (w.kind === 'input-range-not-covered') {
      console.log(
        `- input ${CARTPOLE_OPERATING_BOX.dimensions[w.feature]}: box [${w.boxLower}, ${w.boxUpper}] exceeds the quantiser's range [${w.representableLower.toFixed(3)}, ${w.representableUpper.toFixed(3)}] (inputs saturate there)`,
      );
    }
  }

  // Warm the JIT up on every method so that the 1 s column measures steady-state work.
  for (const method of ['ibp', 'linear', 'difference'] as BoundMethod[]) {
    splitAndCertify(policy, model, root, { method, maxBoxes: 200, keepLeaves: false });
  }
  console.log('\n### Input splitting over the operating box (x ±2.4, ẋ ±4, θ ±0.2095, θ̇ ±4)\n');
  console.log(
    '| bounds | time | certified consistent | confirmed counterexample | open | boxes | boxes/s |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const method of ['ibp', 'linear', 'difference'] as BoundMethod[]) {
    const result = splitAndCertify(policy, model, root, {
      method,
      seed: 0,
      maxBoxes: Infinity,
      timeBudgetMs: CHECKPOINTS_MS[CHECKPOINTS_MS.length - 1]!,
      checkpointsMs: CHECKPOINTS_MS,
      clock: () => performance.now(),
      keepLeaves: false,
    });
    for (const s of result.snapshots.slice(0, CHECKPOINTS_MS.length)) {
      console.log(
        `| ${method} | ${(s.elapsedMs / 1000).toFixed(0)} s | ${percent(s.consistentFraction)} | ${percent(s.counterexampleFraction)} | ${percent(s.openFraction)} | ${s.boxesProcessed} | ${(s.boxesProcessed / (s.elapsedMs / 1000)).toFixed(0)} |`,
      );
    }
  }

  // Where the int8 input quantiser does not saturate: every coordinate inside
  // [s·(qmin − zp), s·(qmax − zp)] (the FP32 and int8 inputs then differ by rounding only).
  const representable = [
    model.input.scale * (-128 - model.input.zeroPoint),
    model.input.scale * (127 - model.input.zeroPoint),
  ];
  const unsaturated = createBox(
    Array.from(root.lower, (l) => Math.max(l, representable[0]!)),
    Array.from(root.upper, (u) => Math.min(u, representable[1]!)),
  );
  console.log('\n### Difference bounds vs subtracted intervals (int8 − FP32 logits)\n');
  console.log(
    'Mean width of the bound on int8 logit − FP32 logit (both logits) over 100 random sub-boxes per size, and the widest difference seen on 400 random float32 points of each sub-box (a lower bound of the true width):\n',
  );
  console.log(
    '| region | sub-box width / region width | IBP int8 − IBP FP32 | linear int8 − linear FP32 | joint difference | sampled | joint / IBP-subtracted | joint / linear-subtracted |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const regions: [string, Box][] = [
    ['operating box', root],
    [`unsaturated part [${representable.map((v) => v.toFixed(3)).join(', ')}]`, unsaturated],
  ];
  for (const [name, region] of regions) {
    for (const fraction of [1 / 256, 1 / 64, 1 / 16, 1 / 4]) {
      const rng = createSeededRng(7);
      let ibp = 0;
      let linear = 0;
      let joint = 0;
      let sampled = 0;
      let count = 0;
      for (let s = 0; s < 100; s++) {
        const box = subBox(region, fraction, rng);
        const d = differenceBounds(policy, model, box);
        const fp = ibpFp32(policy, box).logits;
        const q = ibpInt8(model, box).logits;
        const seen = sampledDifferenceWidths(policy, model, box, rng);
        for (let j = 0; j < 2; j++) {
          ibp += q.upper[j]! - fp.lower[j]! - (q.lower[j]! - fp.upper[j]!);
          linear += d.subtracted.upper[j]! - d.subtracted.lower[j]!;
          joint += d.difference.upper[j]! - d.difference.lower[j]!;
          sampled += seen[j]!;
          count++;
        }
      }
      console.log(
        `| ${name} | 1/${Math.round(1 / fraction)} | ${(ibp / count).toPrecision(3)} | ${(linear / count).toPrecision(3)} | ${(joint / count).toPrecision(3)} | ${(sampled / count).toPrecision(3)} | ${(joint / ibp).toFixed(3)} | ${(joint / linear).toFixed(3)} |`,
      );
    }
  }
}

function sampledDifferenceWidths(
  policy: Mlp,
  model: QMlp,
  box: Box,
  rng: ReturnType<typeof createSeededRng>,
): number[] {
  const executor = createInt8Executor(model);
  const lower = [Infinity, Infinity];
  const upper = [-Infinity, -Infinity];
  for (let k = 0; k < 400; k++) {
    const x = Float32Array.from(box.lower, (l, i) => l + (box.upper[i]! - l) * rng.nextFloat64());
    const fp = forwardFp32(policy, x);
    const q = executor.forward(x);
    for (let j = 0; j < 2; j++) {
      const d = q[j]! - fp[j]!;
      lower[j] = Math.min(lower[j]!, d);
      upper[j] = Math.max(upper[j]!, d);
    }
  }
  return [upper[0]! - lower[0]!, upper[1]! - lower[1]!];
}

main();
