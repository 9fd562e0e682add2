import { forwardFp32 } from '@quantproof/nn';
import { argmaxFirst, forwardInt8 } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import {
  boxContains,
  certifyDecision,
  IntervalOptionsError,
  splitAndCertify,
  volumeFraction,
} from '../src/index.js';
import { boundaryCrossingPair } from './support/random-models.js';

const { mlp, model, box: root } = boundaryCrossingPair();

describe('splitAndCertify', () => {
  it('partitions the box: fractions sum to 1, leaves tile the volume, each leaf is what it says', () => {
    const result = splitAndCertify(mlp, model, root, { maxBoxes: 300, method: 'linear' });
    expect(result.stopReason).toBe('box-budget');
    expect(result.boxesProcessed).toBe(300);
    const total = result.consistentFraction + result.counterexampleFraction + result.openFraction;
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    expect(result.consistentFraction).toBeGreaterThan(0.5);
    expect(result.counterexampleFraction).toBeGreaterThan(0);
    const sum = result.leaves.reduce((s, l) => s + l.volumeFraction, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    for (const leaf of result.leaves) {
      expect(leaf.volumeFraction).toBe(volumeFraction(leaf.box, root));
      if (leaf.kind === 'consistent') {
        expect(certifyDecision(mlp, model, leaf.box, { method: 'linear' }).kind).toBe('consistent');
      }
      if (leaf.kind === 'counterexample') {
        const x = leaf.counterexample!.input;
        expect(boxContains(leaf.box, x)).toBe(true);
        expect(argmaxFirst(forwardFp32(mlp, x))).not.toBe(argmaxFirst(forwardInt8(model, x)));
      }
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
