// splitAndCertify on random networks, quantisation schemes and boxes, against sampled ground truth:
// every float32 point of a consistent leaf takes the certified action in both executors, every
// counterexample leaf holds a confirmed disagreement, the leaves partition the box's float32
// points, and the same seed and budget give the same partition.
import { createSeededRng, forwardFp32 } from '@quantproof/nn';
import { createInt8Executor, decideOutputs } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxContains, float32Range, splitAndCertify, type Box } from '../src/index.js';
import { BOUND_METHODS } from '../src/certify.js';
import {
  coveredPoints,
  quantCaseArb,
  quantize,
  randomBox,
  randomMlp,
  sizesArb,
} from './support/random-models.js';

/** Float32 points of `box`: its covered points and uniform float32 points of its range. */
function samplePoints(box: Box, count: number, seed: number): Float32Array[] {
  const points = coveredPoints(box, count, seed).map((x) => Float32Array.from(x));
  const rng = createSeededRng(seed + 1);
  const r = float32Range(box);
  for (let s = 0; s < count; s++) {
    points.push(
      Float32Array.from(r.lower, (l, i) => Math.fround(l + (r.upper[i]! - l) * rng.nextFloat64())),
    );
  }
  return points;
}

describe('splitAndCertify (properties)', () => {
  it('is sound against sampled ground truth and partitions the float32 points of the box', () => {
    let consistentLeaves = 0;
    let counterexampleLeaves = 0;
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        quantCaseArb,
        fc.constantFrom(0.05, 0.3, 1),
        fc.constantFrom(...BOUND_METHODS),
        fc.integer({ min: 1, max: 60 }),
        (sizes, seed, quant, radius, method, maxBoxes) => {
          const mlp = randomMlp(sizes, seed);
          const model = quantize(mlp, quant, 2, seed + 1);
          const box = randomBox(sizes[0]!, 1.5, radius, seed + 2);
          const options = { method, maxBoxes, seed, search: { samples: 4, starts: 1, steps: 2 } };
          const result = splitAndCertify(mlp, model, box, options);
          expect(result.boxesProcessed).toBeLessThanOrEqual(maxBoxes + 1);
          const sum = result.leaves.reduce((s, l) => s + l.volumeFraction, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
          const shares =
            result.consistentFraction + result.counterexampleFraction + result.openFraction;
          expect(Math.abs(shares - 1)).toBeLessThan(1e-9);
          const executor = createInt8Executor(model);
          result.leaves.forEach((leaf, k) => {
            if (leaf.kind === 'consistent') {
              consistentLeaves++;
              for (const x of samplePoints(leaf.box, 60, seed + k)) {
                expect(decideOutputs(forwardFp32(mlp, x))).toBe(leaf.action);
                expect(decideOutputs(executor.forward(x))).toBe(leaf.action);
              }
            } else if (leaf.kind === 'counterexample') {
              counterexampleLeaves++;
              const x = leaf.counterexample!.input;
              expect(boxContains(leaf.box, x)).toBe(true);
              expect(decideOutputs(forwardFp32(mlp, x))).not.toBe(
                decideOutputs(executor.forward(x)),
              );
            }
          });
          // Every float32 point of the box lies in exactly one leaf.
          const range = float32Range(box);
          for (const x of samplePoints(box, 100, seed + 3)) {
            expect(boxContains(range, x)).toBe(true);
            expect(result.leaves.filter((l) => boxContains(l.box, x)).length).toBe(1);
          }
          const again = splitAndCertify(mlp, model, box, options);
          expect(again.leaves.map((l) => [l.kind, ...l.box.lower, ...l.box.upper])).toEqual(
            result.leaves.map((l) => [l.kind, ...l.box.lower, ...l.box.upper]),
          );
        },
      ),
      { numRuns: 60 },
    );
    // Not vacuous: both kinds of decided leaves occur.
    expect(consistentLeaves).toBeGreaterThan(30);
    expect(counterexampleLeaves).toBeGreaterThan(5);
  });
});
