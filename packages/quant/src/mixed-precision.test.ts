import { argmax, forwardBatchFp32, type Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import { argmaxFirst } from './argmax.js';
import { CalibrationDataError, QuantOptionsError } from './errors.js';
import { createInt8Executor } from './forward-int8.js';
import { searchMixedPrecision, weightSizeBits } from './mixed-precision.js';
import { quantizeStatic, type QuantizeStaticResult } from './quantize-static.js';
import type { QuantizeStaticOptions } from './scheme.js';

const mlp = randomMlp([4, 16, 16, 2], 3);
const states = randomInputs(1500, 4, 1, 9);

/** Agreement measured independently: quantizeStatic, the batch executor, forwardBatchFp32. */
function agreement(
  net: Mlp,
  xs: Float32Array,
  bits: readonly number[],
  scheme: QuantizeStaticOptions = {},
): { agreement: number; result: QuantizeStaticResult } {
  const result = quantizeStatic(net, xs, { ...scheme, weightBits: bits });
  const n = xs.length / 4;
  const fp32 = forwardBatchFp32(net, xs, n);
  const int8 = createInt8Executor(result.model).forwardBatch(xs);
  let same = 0;
  for (let r = 0; r < n; r++) {
    if (argmax(fp32, r * 2, 2) === argmaxFirst(int8.subarray(r * 2, r * 2 + 2))) same++;
  }
  return { agreement: same / n, result };
}

describe('searchMixedPrecision', () => {
  it('keeps the network’s output head', () => {
    const found = searchMixedPrecision({ ...mlp, head: 'softmax' }, states, { threshold: 0.9 });
    expect(found.model.head).toBe('softmax');
  });

  it.each([
    [0.99, {}],
    [0.98, { perChannel: true }],
  ])(
    'meets the threshold %d, and lowering any single layer by one bit breaks it (%j)',
    (threshold, scheme) => {
      const found = searchMixedPrecision(mlp, states, { threshold, scheme });
      if (found.kind !== 'found') throw new Error(`expected a model; got ${found.kind}`);
      const check = agreement(mlp, states, found.bits, scheme);
      expect(found.model).toEqual(check.result.model);
      expect(found.agreement).toBe(check.agreement);
      expect(found.agreement).toBeGreaterThanOrEqual(threshold);
      expect(found.sizeBits).toBe(
        16 * 4 * found.bits[0]! + 16 * 16 * found.bits[1]! + 32 * found.bits[2]!,
      );
      expect(found.sizeBits).toBeLessThan(found.startSizeBits);
      found.bits.forEach((b, l) => {
        if (b <= 2) return;
        const lowered = found.bits.map((x, k) => (k === l ? x - 1 : x));
        expect(agreement(mlp, states, lowered, scheme).agreement).toBeLessThan(threshold);
      });
    },
  );

  it('records each greedy round: the most agreeing feasible candidate is lowered', () => {
    const found = searchMixedPrecision(mlp, states, { threshold: 0.99 });
    const { trace } = found;
    expect(trace[0]!.bits).toEqual([8, 8, 8]);
    expect(trace[trace.length - 1]!.lowered).toBeNull();
    expect(trace[trace.length - 1]!.bits).toEqual(found.bits);
    for (let r = 0; r + 1 < trace.length; r++) {
      const round = trace[r]!;
      const feasible = round.candidates.filter((c) => c.complete && c.agreement >= 0.99);
      const best = Math.max(...feasible.map((c) => c.agreement));
      const chosen = round.candidates.find((c) => c.layer === round.lowered)!;
      expect(chosen.agreement).toBe(best);
      expect(trace[r + 1]!.bits).toEqual(
        round.bits.map((b, l) => (l === round.lowered ? b - 1 : b)),
      );
      expect(trace[r + 1]!.agreement).toBe(chosen.agreement);
    }
    for (const c of trace[trace.length - 1]!.candidates) {
      // A stopped evaluation's agreement is an upper bound already below the threshold.
      expect(c.agreement).toBeLessThan(0.99);
    }
  });

  it('goes down to minBits when the threshold allows and is deterministic', () => {
    const loose = searchMixedPrecision(mlp, states, { threshold: 0.01, minBits: 3, maxBits: 6 });
    expect(loose.kind).toBe('found');
    expect(loose.bits).toEqual([3, 3, 3]);
    expect(loose.trace[0]!.bits).toEqual([6, 6, 6]);
    expect(loose.trace[loose.trace.length - 1]!.candidates).toEqual([]);
    expect(searchMixedPrecision(mlp, states, { threshold: 0.99 })).toEqual(
      searchMixedPrecision(mlp, states, { threshold: 0.99 }),
    );
  });

  it('says when even maxBits everywhere misses the threshold', () => {
    const result = searchMixedPrecision(mlp, states, { threshold: 1, maxBits: 4 });
    expect(result.kind).toBe('threshold-unreachable');
    expect(result.bits).toEqual([4, 4, 4]);
    expect(result.agreement).toBe(agreement(mlp, states, [4, 4, 4]).agreement);
    expect(result.sizeBits).toBe(weightSizeBits(mlp, [4, 4, 4]));
  });

  it('uses given ranges or calibration inputs instead of the states', () => {
    const calibration = randomInputs(100, 4, 2, 1);
    const { ranges } = quantizeStatic(mlp, calibration);
    const a = searchMixedPrecision(mlp, states, { threshold: 0.97, ranges });
    const b = searchMixedPrecision(mlp, states, {
      threshold: 0.97,
      calibrationInputs: calibration,
    });
    expect(a).toEqual(b);
    expect(a.model.input.scale).toBe(quantizeStatic(mlp, calibration).model.input.scale);
  });

  it('refuses bit widths outside 2..8 and other bad options with typed errors', () => {
    const bad = [
      { minBits: 1 },
      { maxBits: 9 },
      { minBits: 5, maxBits: 4 },
      { minBits: 2.5 },
      { threshold: 0 },
      { threshold: 1.01 },
    ];
    for (const options of bad) {
      expect(() => searchMixedPrecision(mlp, states, options)).toThrow(QuantOptionsError);
    }
    expect(() => quantizeStatic(mlp, states, { weightBits: [8, 9, 8] })).toThrow(QuantOptionsError);
    expect(() => quantizeStatic(mlp, states, { weightBits: 1 })).toThrow(QuantOptionsError);
    expect(() => searchMixedPrecision(mlp, new Float32Array(3))).toThrow(CalibrationDataError);
    expect(() => searchMixedPrecision(mlp, Float32Array.of(0, 0, Infinity, 0))).toThrow(
      CalibrationDataError,
    );
  });
});
