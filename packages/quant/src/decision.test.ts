import { describe, expect, it } from 'vitest';
import { decideLogits, decideOutputs, SOFTMAX_ORDER_GAP } from './decision.js';

const GAP = SOFTMAX_ORDER_GAP;
/** The smallest float32 above the gap (2⁻¹⁷ is a power of two: one ulp is 2⁻⁴⁰). */
const ABOVE = GAP + 2 ** -40;

describe('decideOutputs', () => {
  it('is the first maximal index of the outputs', () => {
    expect(decideOutputs(Float32Array.of(0.1, 0.7, 0.2))).toBe(1);
    expect(decideOutputs(Float32Array.of(0.5, 0.5))).toBe(0);
    expect(decideOutputs(Float32Array.of(-3, -1, -1, -2))).toBe(1);
    expect(decideOutputs([7])).toBe(0);
  });

  it('counts NaN as maximal and compares ±Inf as values', () => {
    expect(decideOutputs([1, NaN, 2])).toBe(1);
    expect(decideOutputs([NaN, NaN])).toBe(0);
    expect(decideOutputs([Infinity, Infinity])).toBe(0);
    expect(decideOutputs([-Infinity, 0])).toBe(1);
    expect(decideOutputs([1, Infinity, NaN])).toBe(2);
  });

  it('refuses no outputs', () => {
    expect(() => decideOutputs([])).toThrow(RangeError);
  });
});

describe('decideLogits', () => {
  it('with a logits head is the first maximal logit, however close the runner-up', () => {
    expect(decideLogits([0, 2 ** -30])).toEqual({ kind: 'action', action: 1 });
    expect(decideLogits([0, 2 ** -30], 'logits')).toEqual({ kind: 'action', action: 1 });
    expect(decideLogits([NaN, 1], 'logits')).toEqual({ kind: 'action', action: 0 });
  });

  it('with a softmax head decides when every other logit is equal or more than the gap below', () => {
    expect(decideLogits([0, ABOVE], 'softmax')).toEqual({ kind: 'action', action: 1 });
    expect(decideLogits([1, 1, 1], 'softmax')).toEqual({ kind: 'action', action: 0 });
    expect(decideLogits([-5, 2, 2, -1e30], 'softmax')).toEqual({ kind: 'action', action: 1 });
    expect(decideLogits([3], 'softmax')).toEqual({ kind: 'action', action: 0 });
  });

  it('leaves gaps in (0, SOFTMAX_ORDER_GAP] undetermined between the near-maximal indices', () => {
    expect(decideLogits([0, GAP], 'softmax')).toEqual({
      kind: 'undetermined',
      candidates: [0, 1],
      reason: 'softmax-collapse',
    });
    expect(decideLogits(Float32Array.of(0, 2 ** -26), 'softmax')).toEqual({
      kind: 'undetermined',
      candidates: [0, 1],
      reason: 'softmax-collapse',
    });
    // A second equal maximum always gets the first one's probability, so it never wins; the near
    // one may, the far one may not.
    expect(decideLogits([1, -4, 1, 1 - 2 ** -23], 'softmax')).toEqual({
      kind: 'undetermined',
      candidates: [0, 3],
      reason: 'softmax-collapse',
    });
  });

  it('leaves non-finite logits in front of a Softmax undetermined among every index', () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      expect(decideLogits([0, bad, 1], 'softmax')).toEqual({
        kind: 'undetermined',
        candidates: [0, 1, 2],
        reason: 'non-finite',
      });
    }
  });

  it('the gap is 2⁻¹⁷', () => {
    expect(GAP).toBe(2 ** -17);
    expect(Math.fround(ABOVE)).toBe(ABOVE);
  });
});
