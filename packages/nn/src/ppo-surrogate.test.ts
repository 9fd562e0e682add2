import { describe, expect, it } from 'vitest';
import { NnOptionsError, NnShapeError } from './errors.js';
import { ppoClippedSurrogate } from './ppo-surrogate.js';

// Logits [0, 0] give log p = -ln 2 for either action; old log-probs are chosen so that the
// ratio r = exp(log p - old) takes the wanted value.
function oldLogProbFor(ratio: number): number {
  return -Math.LN2 - Math.log(ratio);
}

describe('ppoClippedSurrogate', () => {
  it('matches a hand-computed batch covering all four clipping cases (ε = 0.2)', () => {
    // row  A   r    min(rA, clip(r)A)   gradient flows?
    //  0   +1  1.5  1.2 (clipped)        no
    //  1   +1  0.5  0.5                  yes, dL/dlogp = -0.5/4
    //  2   -1  1.5  -1.5                 yes, dL/dlogp = +1.5/4
    //  3   -1  0.5  -0.8 (clipped)       no
    // loss = -(1.2 + 0.5 - 1.5 - 0.8)/4 = 0.15; every |r - 1| = 0.5 > ε.
    const gradient = new Float64Array(8);
    const result = ppoClippedSurrogate(
      {
        logits: new Float64Array(8),
        actions: [0, 0, 1, 1],
        oldLogProbs: [1.5, 0.5, 1.5, 0.5].map(oldLogProbFor),
        advantages: [1, 1, -1, -1],
        clipRange: 0.2,
        n: 4,
        k: 2,
      },
      { gradient },
    );
    expect(result.loss).toBeCloseTo(0.15, 14);
    expect(result.clipFraction).toBe(1);
    const kl = (0.5 - Math.log(1.5) + (-0.5 - Math.log(0.5))) / 2;
    expect(result.approxKl).toBeCloseTo(kl, 14);
    // d logp[a]/dz = onehot(a) - [0.5, 0.5].
    const expected = [0, 0, -0.0625, 0.0625, -0.1875, 0.1875, 0, 0];
    expected.forEach((g, k) => expect(gradient[k]).toBeCloseTo(g, 14));
  });

  it('at r = 1 (first epoch) is the plain policy gradient', () => {
    const gradient = new Float64Array(2);
    const result = ppoClippedSurrogate(
      {
        logits: Float64Array.of(0, Math.log(3)),
        actions: [1],
        oldLogProbs: [Math.log(0.75)],
        advantages: [2],
        clipRange: 0.1,
        n: 1,
        k: 2,
      },
      { gradient, scale: 0.5 },
    );
    expect(result.loss).toBeCloseTo(-2, 14);
    expect(result.clipFraction).toBe(0);
    expect(Math.abs(result.approxKl)).toBeLessThan(1e-15);
    // -A · (onehot - p) · scale = -2 · [-0.25, 0.25] · 0.5
    expect(gradient[0]).toBeCloseTo(0.25, 14);
    expect(gradient[1]).toBeCloseTo(-0.25, 14);
  });

  it('rejects bad input', () => {
    const batch = {
      logits: new Float64Array(2),
      actions: [0],
      oldLogProbs: [0],
      advantages: [0],
      clipRange: 0.2,
      n: 1,
      k: 2,
    };
    expect(() => ppoClippedSurrogate({ ...batch, clipRange: 0 })).toThrow(NnOptionsError);
    expect(() => ppoClippedSurrogate({ ...batch, advantages: [] })).toThrow(NnShapeError);
    expect(() => ppoClippedSurrogate({ ...batch, actions: [3] })).toThrow(NnShapeError);
    expect(ppoClippedSurrogate({ ...batch, n: 0 })).toEqual({
      loss: 0,
      clipFraction: 0,
      approxKl: 0,
    });
  });
});
