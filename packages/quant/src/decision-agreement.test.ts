import { createMlp, createSeededRng, forwardFp32 } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { argmaxFirst } from './argmax.js';
import { decisionAgreement } from './decision-agreement.js';
import { forwardInt8 } from './forward-int8.js';
import { quantizeStatic } from './quantize-static.js';

describe('decisionAgreement', () => {
  it('counts exactly the states where the greedy actions differ', () => {
    const rng = createSeededRng(11);
    const mlp = createMlp({ sizes: [3, 6, 3], rng });
    const states = Float32Array.from({ length: 3 * 500 }, () => rng.nextFloat64() * 4 - 2);
    const { model } = quantizeStatic(mlp, states, { weightBits: 3 });
    const result = decisionAgreement(mlp, model, states);
    const expected: number[] = [];
    let maxDiff = 0;
    for (let s = 0; s < 500; s++) {
      const x = states.subarray(s * 3, s * 3 + 3);
      const a = forwardFp32(mlp, x);
      const b = forwardInt8(model, x);
      if (argmaxFirst(a) !== argmaxFirst(b)) expected.push(s);
      for (let i = 0; i < 3; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    }
    expect(result.disagreements).toEqual(expected);
    expect(result.agreement).toBe((500 - expected.length) / 500);
    expect(result.maxLogitDifference).toBe(maxDiff);
    expect(expected.length).toBeGreaterThan(0);
  });
});
