import { NnOptionsError } from './errors.js';

/** A source of uniform random numbers: the only randomness `@quantproof/nn` uses. */
export interface Rng {
  /** A uniform float64 in [0, 1). */
  nextFloat64(): number;
}

/** A seeded xoshiro128** generator: an `Rng` that also hands out raw 32-bit words. */
export interface SeededRng extends Rng {
  /** The next 32-bit output of xoshiro128**, as an unsigned integer in [0, 2^32). */
  nextUint32(): number;
}

const MASK64 = (1n << 64n) - 1n;

function splitMix64(state: { value: bigint }): bigint {
  state.value = (state.value + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.value;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * A xoshiro128** 1.1 generator (Blackman & Vigna) seeded by SplitMix64: two SplitMix64 outputs
 * `a`, `b` from state `seed` give the state words `[lo(a), hi(a), lo(b), hi(b)]`. `nextFloat64`
 * takes two outputs `x`, `y` and returns `((x >>> 5) * 2^26 + (y >>> 6)) / 2^53` (53 random bits).
 * The same seed gives the same stream on every platform. `seed` is an integer in [0, 2^64).
 */
export function createSeededRng(seed: number | bigint): SeededRng {
  if (typeof seed === 'number' && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new NnOptionsError(
      `the seed must be a non-negative safe integer or a bigint in [0, 2^64); got ${seed}`,
    );
  }
  const big = BigInt(seed);
  if (big < 0n || big > MASK64) {
    throw new NnOptionsError(`the seed must be in [0, 2^64); got ${big}`);
  }
  const state = { value: big };
  const a = splitMix64(state);
  const b = splitMix64(state);
  let s0 = Number(a & 0xffffffffn) >>> 0;
  let s1 = Number(a >> 32n) >>> 0;
  let s2 = Number(b & 0xffffffffn) >>> 0;
  let s3 = Number(b >> 32n) >>> 0;
  // An all-zero state is a fixed point of xoshiro; SplitMix64 never yields two zero outputs in a
  // row, but guard anyway.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
  const nextFloat64 = (): number => {
    const x = nextUint32() >>> 5;
    const y = nextUint32() >>> 6;
    return (x * 67108864 + y) / 9007199254740992;
  };
  return { nextUint32, nextFloat64 };
}

/**
 * A standard normal sample by the Box–Muller transform, using exactly two uniforms `u1`, `u2`
 * from `rng` and returning `sqrt(-2 ln(1 - u1)) * cos(2π u2)` (the sine half is discarded, so the
 * result depends only on the two draws).
 */
export function standardNormal(rng: Rng): number {
  const u1 = rng.nextFloat64();
  const u2 = rng.nextFloat64();
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}
