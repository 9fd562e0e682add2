import { createSeededRng, forwardFp32 } from '@quantproof/nn';
import { argmaxFirst, createInt8Executor, forwardInt8 } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import {
  boxContains,
  certifyDecision,
  IntervalOptionsError,
  splitAndCertify,
} from '../src/index.js';
import { float32FromOrdinal, float32Ordinal } from '../src/region/split.js';
import { volumeFraction } from '../src/box.js';
import { boundaryCrossingPair, coveredPoints } from './support/random-models.js';

const { mlp, model, box: root } = boundaryCrossingPair();

describe('splitAndCertify', () => {
  it('partitions the box: fractions sum to 1, leaves tile the volume, each leaf is what it says', () => {
    const result = splitAndCertify(mlp, model, root, { maxBoxes: 300, method: 'linear' });
    expect(result.stopReason).toBe('box-budget');
    // The root, then both children of one leaf per round: the budget is reached at 301.
    expect(result.boxesProcessed).toBe(301);
    expect(result.leaves.length).toBe(151);
    const total = result.consistentFraction + result.counterexampleFraction + result.openFraction;
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    expect(result.consistentFraction).toBeGreaterThan(0.5);
    expect(result.counterexampleFraction).toBeGreaterThan(0);
    const sum = result.leaves.reduce((s, l) => s + l.volumeFraction, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    const executor = createInt8Executor(model);
    for (const leaf of result.leaves) {
      // Shares of the parents' widths: the leaf's own width up to the float32 gaps between leaves.
      expect(Math.abs(leaf.volumeFraction - volumeFraction(leaf.box, root))).toBeLessThan(1e-6);
      if (leaf.kind === 'consistent') {
        const action = leaf.action!;
        expect(certifyDecision(mlp, model, leaf.box, { method: 'linear' }).kind).toBe('consistent');
        for (const x of coveredPoints(leaf.box, 200, 7)) {
          expect(argmaxFirst(forwardFp32(mlp, x))).toBe(action);
          expect(argmaxFirst(executor.forward(x))).toBe(action);
        }
      }
      if (leaf.kind === 'counterexample') {
        const x = leaf.counterexample!.input;
        expect(boxContains(leaf.box, x)).toBe(true);
        expect(argmaxFirst(forwardFp32(mlp, x))).not.toBe(argmaxFirst(forwardInt8(model, x)));
      }
    }
  });

  it('partitions the float32 points of the box: each lies in exactly one leaf', () => {
    const result = splitAndCertify(mlp, model, root, { maxBoxes: 200, method: 'ibp' });
    const rng = createSeededRng(11);
    const points = coveredPoints(root, 2000, 12);
    // Points on the leaves' faces, where two children meet.
    for (const leaf of result.leaves.slice(0, 50)) {
      points.push(Float32Array.from(leaf.box.lower), Float32Array.from(leaf.box.upper));
      points.push(
        Float32Array.from(leaf.box.lower, (l) => float32FromOrdinal(float32Ordinal(l) - 1)),
      );
      points.push(
        Float32Array.from(leaf.box.upper, (u) => float32FromOrdinal(float32Ordinal(u) + 1)),
      );
      points.push(
        Float32Array.from(leaf.box.upper, (u, i) =>
          rng.nextFloat64() < 0.5 ? u : leaf.box.lower[i]!,
        ),
      );
    }
    for (const x of points) {
      if (!boxContains(root, x)) continue;
      expect(result.leaves.filter((l) => boxContains(l.box, x)).length).toBe(1);
    }
  });

  it('is deterministic for a seed and certifies more with more boxes', () => {
    const a = splitAndCertify(mlp, model, root, { maxBoxes: 120, seed: 4 });
    const b = splitAndCertify(mlp, model, root, { maxBoxes: 120, seed: 4 });
    expect(b.leaves.map((l) => [l.kind, ...l.box.lower, ...l.box.upper])).toEqual(
      a.leaves.map((l) => [l.kind, ...l.box.lower, ...l.box.upper]),
    );
    const more = splitAndCertify(mlp, model, root, { maxBoxes: 400, seed: 4 });
    expect(more.consistentFraction).toBeGreaterThan(a.consistentFraction);
  });

  it('stops on the injected clock and records checkpoints', () => {
    let now = 0;
    const clock = (): number => (now += 10);
    const result = splitAndCertify(mlp, model, root, {
      method: 'ibp',
      timeBudgetMs: 500,
      clock,
      checkpointsMs: [100, 300],
      maxBoxes: Infinity,
    });
    expect(result.stopReason).toBe('time-budget');
    expect(result.snapshots.map((s) => s.elapsedMs).slice(0, 2)).toEqual([100, 300]);
    expect(result.boxesPerSecond).not.toBeNull();
  });

  it('rejects a time budget without a clock and bad budgets', () => {
    expect(() => splitAndCertify(mlp, model, root, { timeBudgetMs: 1000 })).toThrow(
      IntervalOptionsError,
    );
    expect(() => splitAndCertify(mlp, model, root, { maxBoxes: 0 })).toThrow(IntervalOptionsError);
    expect(() =>
      splitAndCertify(mlp, model, root, { method: 'exact' as unknown as 'ibp' }),
    ).toThrow(IntervalOptionsError);
  });
});
