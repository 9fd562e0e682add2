// The float32 error model every tie tolerance comes from: at float32 points of random boxes, the
// float32 outputs of forwardFp32 and of other summation orders (reversed, pairwise) lie within
// fp32ExecutionError of the exact real outputs (BigInt dyadics), zero tolerance; a point box's
// error never exceeds its parent box's; overflow gives +Infinity.
import { forwardFp32, type Mlp } from '@quantproof/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addUp, createBox, fp32ExecutionError, maxPairTolerance, subDown } from '../src/index.js';
import { exactForward, within } from './support/dyadic.js';
import { coveredPoints, randomBox, randomMlp, sizesArb } from './support/random-models.js';

/** A float32 forward pass summing each dot product in another order: reversed or pairwise. */
function forwardOrder(mlp: Mlp, x: Float32Array, order: 'reversed' | 'pairwise'): Float32Array {
  let a = x;
  for (const layer of mlp.layers) {
    const n = layer.inFeatures;
    const out = new Float32Array(layer.outFeatures);
    for (let j = 0; j < layer.outFeatures; j++) {
      const terms = Array.from({ length: n }, (_, i) =>
        Math.fround(layer.weight[j * n + i]! * a[i]!),
      );
      terms.push(layer.bias[j]!);
      let s: number;
      if (order === 'reversed') {
        s = 0;
        for (let i = terms.length - 1; i >= 0; i--) s = Math.fround(s + terms[i]!);
      } else {
        let level = terms;
        while (level.length > 1) {
          const next: number[] = [];
          for (let i = 0; i < level.length; i += 2) {
            next.push(i + 1 < level.length ? Math.fround(level[i]! + level[i + 1]!) : level[i]!);
          }
          level = next;
        }
        s = level[0]!;
      }
      out[j] = layer.activation === 'relu' && s < 0 ? 0 : s;
    }
    a = out;
  }
  return a;
}

describe('fp32ExecutionError', () => {
  it('bounds |float32 execution − exact| in every summation order, and shrinks with the box', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(0.5, 2, 1000),
        fc.constantFrom(0.01, 1, 100),
        (sizes, seed, range, radius) => {
          const mlp = randomMlp(sizes, seed);
          const box = randomBox(sizes[0]!, range, radius, seed + 2);
          const boxError = fp32ExecutionError(mlp, box);
          for (const x of coveredPoints(box, 4, seed + 3)) {
            const pointError = fp32ExecutionError(mlp, createBox(x, x));
            const exact = exactForward(mlp, x);
            const y = exact.pre[exact.pre.length - 1]!;
            for (const f of [
              forwardFp32(mlp, x),
              forwardOrder(mlp, x, 'reversed'),
              forwardOrder(mlp, x, 'pairwise'),
            ]) {
              f.forEach((v, j) => {
                const e = pointError[j]!;
                expect(e).toBeLessThanOrEqual(boxError[j]!);
                expect(within(y[j]!, subDown(v, e), addUp(v, e))).toBe(true);
              });
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is +Infinity where a partial sum could overflow float32, and finite just below', () => {
    const mlp: Mlp = {
      layers: [
        {
          inFeatures: 1,
          outFeatures: 2,
          weight: Float32Array.of(2e38, 2e38),
          bias: Float32Array.of(0, 1.7e38),
          activation: 'identity',
        },
      ],
    };
    expect(Array.from(fp32ExecutionError(mlp, createBox([1.8], [1.8])))).toEqual([
      Infinity,
      Infinity,
    ]);
    expect(maxPairTolerance(fp32ExecutionError(mlp, createBox([1], [2])))).toBe(Infinity);
    // Below the guard (Σ|terms| < 2¹²⁶ ≈ 8.5e37) the bound is finite.
    const small: Mlp = { layers: [{ ...mlp.layers[0]!, bias: Float32Array.of(0, 1e37) }] };
    const tolerance = maxPairTolerance(fp32ExecutionError(small, createBox([1e-3], [1e-3])));
    expect(Number.isFinite(tolerance)).toBe(true);
  });
});
