// The tabulated cell faces of `inputQuantizers` give exactly what the binary search over float32
// values gives: for random static models (every input layout, per-feature scales included), float32
// ranges [lo, hi] and codes k, firstFloat32AtLeast with the tabulated quantiser equals it with the
// plain quantiser bit for bit (signed zero included), and is the smallest float32 of [lo, hi] whose
// code is at least k.
import { elementTypeRange, inputFeatureQuant, quantizeLinear, type QMlp } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextDownFloat32 } from '../src/outward.js';
import { firstFloat32AtLeast, inputQuantizers } from '../src/region/split.js';
import { quantCaseArb, quantize, randomMlp, sizesArb } from './support/random-models.js';

describe('tabulated input-cell faces', () => {
  it('equal the float32 binary search for every range and code', () => {
    fc.assert(
      fc.property(
        sizesArb,
        quantCaseArb.map((q) => ({ ...q, kind: 'static' as const })),
        fc.nat(1000),
        fc.array(fc.tuple(fc.double({ min: -1, max: 1 }), fc.double({ min: -1, max: 1 })), {
          minLength: 4,
          maxLength: 12,
        }),
        fc.array(fc.integer({ min: -3, max: 258 }), { minLength: 4, maxLength: 12 }),
        (sizes, q, seed, ranges, codes) => {
          const model = quantize(randomMlp(sizes, seed), q, 3, seed) as QMlp & { format: 'static' };
          const quantizers = inputQuantizers(model)!;
          expect(inputQuantizers(model)).toBe(quantizers);
          quantizers.forEach((tabulated, i) => {
            expect(tabulated.faces).toBeDefined();
            const t = inputFeatureQuant(model, i);
            const plain = (x: number): number =>
              quantizeLinear(x, t.scale, t.zeroPoint, t.elementType);
            const { qmin } = elementTypeRange(t.elementType);
            ranges.forEach(([a, b], r) => {
              // Ranges up to 600 scales wide around 0: saturated codes at both ends included.
              const lo = Math.fround(Math.min(a, b) * 300 * t.scale);
              const hi = Math.fround(Math.max(a, b) * 300 * t.scale);
              const k = codes[r % codes.length]! + qmin;
              const fast = firstFloat32AtLeast(tabulated, lo, hi, k);
              const slow = firstFloat32AtLeast(plain, lo, hi, k);
              expect(Object.is(fast, slow)).toBe(true);
              if (fast <= hi) {
                expect(plain(fast)).toBeGreaterThanOrEqual(k);
                if (fast > lo) expect(plain(nextDownFloat32(fast))).toBeLessThan(k);
              }
            });
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
