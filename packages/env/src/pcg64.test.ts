import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NpRandom } from './np-random.js';
import { Pcg64 } from './pcg64.js';

// Oracle: PCG XSL RR 128/64 written directly on BigInt, as the PCG paper and numpy's pcg64.h define
// it: state = state * MULT + inc mod 2^128, output = rotr64(high ^ low, state >> 122).
const MASK_64 = (1n << 64n) - 1n;
const MASK_128 = (1n << 128n) - 1n;
const MULT = (2549297995355413924n << 64n) + 4865540595714422341n;

function referenceDraws(state: bigint, inc: bigint, count: number): bigint[] {
  const out: bigint[] = [];
  let s = state;
  for (let i = 0; i < count; i++) {
    s = (s * MULT + inc) & MASK_128;
    const x = ((s >> 64n) ^ s) & MASK_64;
    const rot = s >> 122n;
    out.push(((x >> rot) | (x << ((64n - rot) & 63n))) & MASK_64);
  }
  return out;
}

describe('Pcg64', () => {
  test('the limb arithmetic equals the BigInt definition for any state and increment', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MASK_128 }),
        fc.bigInt({ min: 0n, max: MASK_128 }),
        (state, incSeed) => {
          const inc = incSeed | 1n;
          const generator = new Pcg64({ state, inc });
          const draws = Array.from({ length: 8 }, () => generator.nextUint64());
          expect(draws).toEqual(referenceDraws(state, inc, 8));
          expect(generator.state.inc).toBe(inc);
        },
      ),
    );
  });

  test('the state round-trips through the constructor', () => {
    const generator = Pcg64.fromSeed(7);
    generator.nextDouble();
    const copy = new Pcg64(generator.state);
    expect(copy.nextUint64()).toBe(generator.nextUint64());
  });

  test('nextDouble is in [0, 1) and uses the top 53 bits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MASK_128 }), (state) => {
        const a = new Pcg64({ state, inc: 1n });
        const b = new Pcg64({ state, inc: 1n });
        const value = a.nextDouble();
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
        expect(value).toBe(Number(b.nextUint64() >> 11n) * 2 ** -53);
      }),
    );
  });
});

describe('NpRandom', () => {
  test('uniform(-0.05, 0.05) for seed 2^53 - 1 equals numpy 2.4.6 bit for bit', () => {
    // np.random.Generator(np.random.PCG64(np.random.SeedSequence(2**53 - 1))).uniform(-0.05, 0.05, 4)
    const expected = [
      0.028626810667611496, 0.01063032385025929, 0.0037609482380064133, -0.03436705552134953,
    ];
    const rng = NpRandom.fromSeed(Number.MAX_SAFE_INTEGER);
    expect(Array.from({ length: 4 }, () => rng.uniform(-0.05, 0.05))).toEqual(expected);
  });
});
