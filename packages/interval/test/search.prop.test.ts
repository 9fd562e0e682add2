// Properties of the one counterexample search: everything it returns is a disagreement of the two
// executors inside the box, and on planted cases (a network whose FP32 decision boundary crosses
// the box, so the quantisation cell around a boundary point disagrees on one side) it finds one
// with small budgets.
import { forwardFp32, type Mlp } from '@quantproof/nn';
import { type CpuSemantics, decideOutputs, forwardInt8, type QMlp } from '@quantproof/quant';
import { plantedPair } from '@quantproof/test-support/planted';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boxContains,
  createBox,
  float32Range,
  searchCounterexamples,
  type Box,
} from '../src/index.js';
import { cellAround, inputQuantizers } from '../src/region/split.js';
import { float32Interior } from '../src/box.js';
import { quantCaseArb, quantize, randomBox, randomMlp, sizesArb } from './support/random-models.js';

const budgetArb = fc.record({
  samples: fc.integer({ min: 0, max: 24 }),
  corners: fc.integer({ min: 0, max: 8 }),
  bisections: fc.integer({ min: 0, max: 4 }),
  starts: fc.integer({ min: 0, max: 3 }),
  steps: fc.integer({ min: 0, max: 4 }),
  neighbours: fc.integer({ min: 0, max: 4 }),
  maxCounterexamples: fc.integer({ min: 1, max: 4 }),
});

const plantedArb = fc
  .record({
    d: fc.constantFrom(1, 2, 3, 4, 9),
    w: fc.array(fc.integer({ min: -16, max: 16 }), { minLength: 9, maxLength: 9 }),
    centre: fc.array(fc.integer({ min: -600, max: 600 }), { minLength: 9, maxLength: 9 }),
    radius: fc.constantFrom(0.05, 0.2, 0.4),
    at: fc.array(fc.integer({ min: -90, max: 90 }), { minLength: 9, maxLength: 9 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ d, w, centre, radius, at, seed }) => {
    const weights = w.slice(0, d).map((v, i) => (v === 0 && i === 0 ? 1 : v) / 8);
    const lower = centre.slice(0, d).map((c) => Math.fround(c / 1000 - radius));
    const upper = centre.slice(0, d).map((c) => Math.fround(c / 1000 + radius));
    // The FP32 boundary passes through a float32 point p of the box.
    const p = Float32Array.from(lower, (l, i) => l + (upper[i]! - l) * (0.5 + at[i]! / 200));
    const b = Math.fround(weights.reduce((s, v, i) => s + v * p[i]!, 0));
    // Quantised statically on points of [−1, 1]^d (range 1).
    const { fp32: mlp, int8: model } = plantedPair(weights, b, seed, 1);
    return { mlp, model, box: createBox(lower, upper), p, seed };
  });

/**
 * Whether the two corners of p's quantisation cell (inside the box) where w·x is largest and
 * smallest disagree somewhere: they lie on either side of the FP32 boundary through p, and the int8
 * decision is the same at both (one cell).
 */
function cellDisagreement(planted: {
  readonly mlp: Mlp;
  readonly model: QMlp;
  readonly box: Box;
  readonly p: Float32Array;
}): boolean {
  const { mlp, model, box, p } = planted;
  const q = inputQuantizers(model)!;
  const w = mlp.layers[0]!.weight;
  const cells = Array.from(p, (v, i) => cellAround(q[i]!, v, box.lower[i]!, box.upper[i]!));
  const high = Float32Array.from(cells, (c, i) => (w[i]! > 0 ? c.hi : c.lo));
  const low = Float32Array.from(cells, (c, i) => (w[i]! > 0 ? c.lo : c.hi));
  return [high, low].some(
    (x) => decideOutputs(forwardFp32(mlp, x)) !== decideOutputs(forwardInt8(model, x)),
  );
}

describe('searchCounterexamples (properties)', () => {
  it('returns only distinct executor-confirmed disagreements inside the box, deterministically', () => {
    let found = 0;
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        quantCaseArb,
        fc.constantFrom(0.01, 0.1, 0.5, 1.5),
        budgetArb,
        fc.constantFrom<CpuSemantics>('vnni-exact', 'vnni-exact', 'avx2-u8s8-saturating'),
        (sizes, seed, quant, radius, budget, cpu) => {
          const mlp = randomMlp(sizes, seed);
          const model = quantize(mlp, quant, 2, seed + 1);
          const box = randomBox(sizes[0]!, 1.5, radius, seed + 2);
          const options = { ...budget, seed, cpu };
          const result = searchCounterexamples(mlp, model, box, options);
          expect(result.length).toBeLessThanOrEqual(budget.maxCounterexamples);
          const within = float32Interior(box) === null ? float32Range(box) : box;
          const keys = new Set<string>();
          for (const c of result) {
            expect(boxContains(within, c.input)).toBe(true);
            const fp32Logits = forwardFp32(mlp, c.input);
            const int8Logits = forwardInt8(model, c.input, { cpu });
            expect(Array.from(c.fp32Logits)).toEqual(Array.from(fp32Logits));
            expect(Array.from(c.int8Logits)).toEqual(Array.from(int8Logits));
            expect(c.fp32Action).toBe(decideOutputs(fp32Logits));
            expect(c.int8Action).toBe(decideOutputs(int8Logits));
            expect(c.fp32Action).not.toBe(c.int8Action);
            keys.add(c.input.join(','));
          }
          expect(keys.size).toBe(result.length);
          const again = searchCounterexamples(mlp, model, box, options);
          expect(again.map((c) => c.input.join(','))).toEqual(result.map((c) => c.input.join(',')));
          found += result.length;
        },
      ),
      { numRuns: 150 },
    );
    // Not vacuous: many of these boxes hold disagreements, and the search returns them.
    expect(found).toBeGreaterThan(10);
  });

  it('finds a disagreement where the FP32 boundary crosses the box, with small budgets', () => {
    let planted = 0;
    fc.assert(
      fc.property(plantedArb, (c) => {
        // The ground truth: the FP32 boundary crosses p's cell, on which int8 is constant, so the
        // cell disagrees on one side.
        fc.pre(cellDisagreement(c));
        planted++;
        // Corners on both sides of the boundary (all of them up to 8 dimensions, else walks).
        const budget =
          c.p.length <= 8
            ? { seed: c.seed, samples: 0, bisections: 1, starts: 0, neighbours: 0 }
            : { seed: c.seed, samples: 4, corners: 8, bisections: 1, starts: 1, steps: 4 };
        const found = searchCounterexamples(c.mlp, c.model, c.box, { ...budget, neighbours: 0 });
        expect(found.length).toBe(1);
      }),
      { numRuns: 100 },
    );
    expect(planted).toBeGreaterThan(80);
  });
});
