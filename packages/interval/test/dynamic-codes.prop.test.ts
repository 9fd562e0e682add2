// Dynamic layers bounded code by code: on boxes about one input cell wide (and smaller) the bounds
// must still contain every executed intermediate, and inside one cell they must be as tight as the
// run-time scale's own range allows, not the s/2-per-input error model.
import { createInt8Executor, quantizeDynamic } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBox, ibpInt8, type Bounds } from '../src/index.js';
import { coveredPoints, randomBox, randomMlp, sizesArb } from './support/random-models.js';

function inside(bounds: Bounds, values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!(bounds.lower[i]! <= values[i]! && values[i]! <= bounds.upper[i]!)) return false;
  }
  return true;
}

const caseArb = fc.record({
  sizes: sizesArb,
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  perChannel: fc.boolean(),
  weightType: fc.constantFrom<'int8' | 'uint8'>('int8', 'uint8'),
  range: fc.constantFrom(0.05, 0.5, 2, 6),
  // From far below one input cell (s = range/255) to a few cells.
  radius: fc.constantFrom(1e-7, 1e-5, 1e-3, 0.01, 0.05),
});

describe('dynamic layers bounded code by code', () => {
  it('contain every executed scale and output on boxes near the input cell size', () => {
    fc.assert(
      fc.property(caseArb, ({ sizes, seed, perChannel, weightType, range, radius }) => {
        const model = quantizeDynamic(randomMlp(sizes, seed), { perChannel, weightType }).model;
        const box = randomBox(sizes[0]!, range, radius * range, seed + 2);
        const bounds = ibpInt8(model, box);
        const executor = createInt8Executor(model);
        for (const x of coveredPoints(box, 24, seed + 3)) {
          const trace = executor.trace(x);
          expect(inside(bounds.logits, trace.logits)).toBe(true);
          trace.layers.forEach((t, l) => {
            const b = bounds.layers[l]!;
            if (t.kind !== 'dynamic' || b.kind !== 'dynamic') throw new Error('not dynamic');
            expect(b.scale.lower[0]! <= t.inputQuant.scale).toBe(true);
            expect(t.inputQuant.scale <= b.scale.upper[0]!).toBe(true);
            expect(inside(b.output, t.output)).toBe(true);
          });
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('are tight inside one input cell: the logits known to the scale’s range', () => {
    // A 4-16-16-2 network at a point box 2·10⁻⁷ wide: every code is constant on it, so the
    // logits vary only with the run-time scales (relative width ~10⁻⁷). The error model alone
    // allows s·(½ + 2⁻¹²) per input element: widths of order 10⁻², checked below as the contrast.
    const model = quantizeDynamic(randomMlp([4, 16, 16, 2], 7), { perChannel: true }).model;
    const executor = createInt8Executor(model);
    const centre = [0.31, -1.17, 0.052, 0.74];
    const point = createBox(centre, centre);
    const box = createBox(
      centre.map((c) => c - 1e-7),
      centre.map((c) => c + 1e-7),
    );
    const logits = executor.forward(Float32Array.from(centre));
    const tight = ibpInt8(model, box).logits;
    const exact = ibpInt8(model, point).logits;
    for (let j = 0; j < 2; j++) {
      expect(tight.upper[j]! - tight.lower[j]!).toBeLessThan(1e-5);
      // A single float32 input: every intermediate is one value, bounded exactly.
      expect(exact.lower[j]).toBe(logits[j]);
      expect(exact.upper[j]).toBe(logits[j]);
    }
  });
});
