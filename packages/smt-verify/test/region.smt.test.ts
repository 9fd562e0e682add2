// The region verifier: planted cases (a network that disagrees across its diagonal and a box that
// agrees by construction), soundness against 10 000 replayed samples, determinism across worker
// counts (the pool runs the package's build), and a checkpointed run continued to the same answer.
import { createSeededRng, forwardFp32, type Mlp } from '@quantproof/nn';
import { argmaxFirst, forwardInt8, type QMlp } from '@quantproof/quant';
import { test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { exactDecision } from '../src/replay.js';
import { exactLogits } from '../src/exact-fp32.js';
import { abs, approximate, compare, fromNumber, sub } from '../src/rational.js';
import { memoryCheckpointStore } from '../src/region/checkpoint.js';
import { verifyRegion, type RegionResult } from '../src/region/verify-region.js';
import { releaseZ3 } from '../src/z3-session.js';
import { diagonal, quantizeTiny } from '@quantproof/test-support/tiny-nets';
import { tinyCase } from './support/tiny-nets.js';

afterAll(releaseZ3);

const inside = (x: ArrayLike<number>, l: { lower: number[]; upper: number[] }): boolean =>
  Array.from(x).every((v, i) => v >= l.lower[i]! && v <= l.upper[i]!);

/** Every claim of `result` checked against the executors on `samples` random float32 points. */
function checkSound(
  mlp: Mlp,
  model: QMlp,
  result: RegionResult,
  samples: number,
  seed: number,
): void {
  const total = result.leaves.reduce((s, l) => s + l.volume, 0);
  expect(total).toBeCloseTo(1, 9);
  const v = result.volume;
  expect(v.agree + v.disagree + v.mixed + v.open).toBeCloseTo(1, 9);
  const share = (status: string): number =>
    result.leaves.filter((l) => l.status === status).reduce((s, l) => s + l.volume, 0);
  expect(v.disagree).toBeCloseTo(share('disagree'), 12);
  const sum = (f: (l: RegionResult['leaves'][number]) => number): number =>
    result.leaves.reduce((s, l) => s + l.volume * f(l), 0);
  expect(result.disagreement.lower).toBeCloseTo(
    sum((l) => l.share.lower),
    12,
  );
  expect(result.disagreement.upper).toBeCloseTo(
    Math.min(
      1,
      sum((l) => l.share.upper),
    ),
    12,
  );
  expect(result.disagreement.lower).toBeGreaterThanOrEqual(v.disagree - 1e-12);
  expect(result.disagreement.upper).toBeLessThanOrEqual(v.disagree + v.mixed + v.open + 1e-12);
  for (const l of result.leaves) {
    if (l.status === 'agree') expect(l.share).toEqual({ lower: 0, upper: 0 });
    if (l.status === 'disagree') expect(l.share).toEqual({ lower: 1, upper: 1 });
    expect(l.share.lower).toBeLessThanOrEqual(l.share.upper);
  }
  const estimate = result.disagreement.estimate;
  if (estimate !== null) {
    expect(estimate.low).toBeLessThanOrEqual(estimate.value);
    expect(estimate.value).toBeLessThanOrEqual(estimate.high);
    expect(estimate.low).toBeGreaterThanOrEqual(result.disagreement.lower - 1e-12);
    expect(estimate.high).toBeLessThanOrEqual(result.disagreement.upper + 1e-12);
  } else {
    expect(v.mixed + v.open).toBe(0);
  }
  for (const c of result.counterexamples) {
    expect(argmaxFirst(forwardInt8(model, c.input))).toBe(c.int8Action);
    expect(argmaxFirst(forwardFp32(mlp, c.input))).toBe(c.fp32Action);
    expect(c.int8Action).not.toBe(c.fp32Action);
    // Certain: FP32's action beats the int8 action by more than the float32 error at that point.
    const y = exactLogits(mlp, c.input);
    expect(compare(sub(y[c.fp32Action]!, y[c.int8Action]!), fromNumber(c.tieTolerance))).toBe(1);
  }
  for (const leaf of result.leaves) {
    if (leaf.status === 'mixed') expect(leaf.counterexample).not.toBeNull();
    if (leaf.counterexample !== null) {
      expect(inside(result.counterexamples[leaf.counterexample]!.input, leaf)).toBe(true);
    }
  }
  if (result.flipMargin !== null) {
    for (const c of result.counterexamples) {
      expect(c.fp32Margin).toBeLessThanOrEqual(result.flipMargin.upper);
    }
  }
  const rng = createSeededRng(seed);
  const consistent = result.leaves.filter((l) => l.status === 'agree');
  const disagreeing = result.leaves.filter((l) => l.status === 'disagree');
  const { lower, upper } = result.region;
  for (let n = 0; n < samples; n++) {
    const x = Float32Array.from(lower, (lo, i) =>
      Math.min(Math.max(Math.fround(lo + (upper[i]! - lo) * rng.nextFloat64()), lo), upper[i]!),
    );
    if (disagreeing.some((l) => inside(x, l))) {
      // Proven disagree: FP32's decision is never the int8 one (float32 and exact arithmetic).
      const q = argmaxFirst(forwardInt8(model, x));
      expect(argmaxFirst(forwardFp32(mlp, x))).not.toBe(q);
      const y = exactLogits(mlp, x);
      expect(y.some((v) => compare(v, y[q]!) > 0)).toBe(true);
      continue;
    }
    const leaf = consistent.find((l) => inside(x, l));
    if (leaf === undefined) continue;
    // The theorem, zero tolerance: no exact FP32 logit beats the int8 action's by more than the
    // leaf's tie tolerance; and where FP32's own margin exceeds it, int8 takes FP32's action.
    const q = argmaxFirst(forwardInt8(model, x));
    const y = exactLogits(mlp, x);
    for (const v of y) {
      expect(compare(sub(v, y[q]!), fromNumber(leaf.tieTolerance))).toBeLessThanOrEqual(0);
    }
    const { action, margin } = exactDecision(mlp, x);
    if (approximate(margin) <= leaf.tieTolerance) continue; // a tie
    expect(q).toBe(action);
  }
}

describe('verifyRegion: planted cases', () => {
  const model = quantizeTiny(diagonal);

  it('refutes a box the FP32 boundary crosses, with replayed counterexamples in decided leaves', async () => {
    const result = await verifyRegion(
      diagonal,
      model,
      { lower: [-1, -1], upper: [1, 1] },
      { workers: 0, maxBoxes: 3000, seconds: 60 },
    );
    expect(result.verdict).toBe('inconsistent');
    expect(result.counterexamples.length).toBeGreaterThan(0);
    expect(result.volume.agree).toBeGreaterThan(0.5);
    expect(result.volume.mixed).toBeGreaterThan(0);
    expect(result.disagreement.upper - result.disagreement.lower).toBeLessThan(0.2);
    checkSound(diagonal, model, result, 10_000, 1);
    // δ*: a disagreement's margin is at most the largest margin reachable inside one cell.
    expect(result.flipMargin).not.toBeNull();
    expect(result.flipMargin!.lower).toBeGreaterThan(result.tieTolerance);
    expect(result.flipMargin!.upper).toBeGreaterThanOrEqual(result.flipMargin!.lower);
    const e = result.errorBound!;
    expect(e.upper).toBeGreaterThanOrEqual(e.lower);
  });

  it('proves a box away from the boundary and brackets ε* around every sampled difference', async () => {
    const box = { lower: [0.5, -1], upper: [1, -0.5] };
    const result = await verifyRegion(diagonal, model, box, { workers: 0, seconds: 60 });
    expect(result.verdict).toBe('consistent');
    expect(result.leaves.every((l) => l.status === 'agree')).toBe(true);
    expect(result.disagreement).toEqual({ lower: 0, upper: 0, estimate: null });
    expect(result.flipMargin).toBeNull();
    const e = result.errorBound!;
    const rng = createSeededRng(3);
    for (let n = 0; n < 10_000; n++) {
      const x = Float32Array.of(
        Math.fround(0.5 + 0.5 * rng.nextFloat64()),
        Math.fround(-1 + 0.5 * rng.nextFloat64()),
      );
      const y = exactLogits(diagonal, x);
      const q = forwardInt8(model, x);
      for (let j = 0; j < 2; j++) {
        const d = abs(sub(y[j]!, fromNumber(q[j]!)));
        expect(compare(d, fromNumber(e.upper))).toBeLessThanOrEqual(0);
      }
    }
    checkSound(diagonal, model, result, 10_000, 2);
  });
});

describe('verifyRegion: determinism and resume', () => {
  const model = quantizeTiny(diagonal);
  const box = { lower: [-1, -1], upper: [1, 1] };
  const strip = (r: RegionResult): unknown => ({
    verdict: r.verdict,
    volume: r.volume,
    disagreement: r.disagreement,
    flipMargin: r.flipMargin,
    errorBound: r.errorBound,
    leaves: r.leaves,
    counterexamples: r.counterexamples.map((c) => Array.from(c.input)),
  });

  it('gives the same leaves, bracket, δ* and ε* with 0, 1 and 2 worker threads (rounds are applied in order)', async () => {
    const options = { maxBoxes: 200, seconds: 120 } as const;
    const inline = await verifyRegion(diagonal, model, box, { ...options, workers: 0 });
    const one = await verifyRegion(diagonal, model, box, { ...options, workers: 1 });
    const pooled = await verifyRegion(diagonal, model, box, { ...options, workers: 2 });
    expect(pooled.stats.workers).toBe(2);
    expect(inline.flipMargin).not.toBeNull();
    expect(strip(one)).toEqual(strip(inline));
    expect(strip(pooled)).toEqual(strip(inline));
  });

  it('continues a checkpointed run with its three objectives to the answer of an uninterrupted one', async () => {
    // The objectives take turns: a resume must continue the rotation where it stopped.
    const checkpointStore = memoryCheckpointStore();
    const options = { seconds: 120, workers: 0, volumeTolerance: 0, roundSize: 5 } as const;
    const first = await verifyRegion(diagonal, model, box, {
      ...options,
      maxBoxes: 12,
      checkpointStore,
    });
    expect(first.stats.stopReason).toBe('box-budget');
    const resumed = await verifyRegion(diagonal, model, box, {
      ...options,
      maxBoxes: 120,
      checkpointStore,
      resume: true,
    });
    expect(resumed.stats.resumed).toBe(true);
    const fresh = await verifyRegion(diagonal, model, box, { ...options, maxBoxes: 120 });
    expect(fresh.stats.boxes).toBeGreaterThan(first.stats.boxes);
    expect(strip(resumed)).toEqual(strip(fresh));
  });

  it('continues a checkpointed run to the answer of an uninterrupted one', async () => {
    const checkpointStore = memoryCheckpointStore();
    const options = { seconds: 120, margins: false, workers: 0, volumeTolerance: 0 } as const;
    const first = await verifyRegion(diagonal, model, box, {
      ...options,
      maxBoxes: 9,
      checkpointStore,
    });
    expect(first.stats.stopReason).toBe('box-budget');
    expect(first.stats.boxes).toBeLessThan(40);
    expect(checkpointStore.text).not.toBeNull();
    const resumed = await verifyRegion(diagonal, model, box, {
      ...options,
      maxBoxes: 300,
      checkpointStore,
      resume: true,
    });
    expect(resumed.stats.resumed).toBe(true);
    expect(resumed.stats.boxes).toBeGreaterThan(first.stats.boxes);
    const fresh = await verifyRegion(diagonal, model, box, { ...options, maxBoxes: 300 });
    expect(strip(resumed)).toEqual(strip(fresh));
    // A checkpoint of another run is refused with a message that says what to do.
    await expect(
      verifyRegion(
        diagonal,
        model,
        { lower: [0, 0], upper: [1, 1] },
        { ...options, checkpointStore, resume: true },
      ),
    ).rejects.toThrow(/belongs to another run/);
  });
});

describe('verifyRegion: properties', () => {
  test.prop([tinyCase], { numRuns: 12 })(
    'consistent leaves agree on 10 000 samples; counterexamples replay',
    async ({ mlp, model }) => {
      const d = mlp.layers[0]!.inFeatures;
      const box = { lower: Array(d).fill(-0.5), upper: Array(d).fill(0.5) };
      const result = await verifyRegion(mlp, model, box, {
        workers: 0,
        maxBoxes: 150,
        seconds: 60,
        margins: false,
      });
      checkSound(mlp, model, result, 10_000, 5);
    },
  );
});

it('rejects options that make no sense, naming the option', async () => {
  const model = quantizeTiny(diagonal);
  await expect(
    verifyRegion(diagonal, model, { lower: [0, 0], upper: [1, 1] }, { workers: -1 }),
  ).rejects.toThrow(/workers must be a number ≥ 0/);
  await expect(
    verifyRegion(diagonal, model, { lower: [0, Number.NaN], upper: [1, 1] }, { workers: 0 }),
  ).rejects.toThrow(/dimension 1/);
});
