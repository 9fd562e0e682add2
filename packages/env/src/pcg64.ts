// numpy's PCG64 bit generator (PCG XSL RR 128/64, numpy/random/src/pcg64): a 128-bit linear
// congruential generator whose output is the xor of its two halves rotated by its top 6 bits.
// The 128-bit state lives in eight 16-bit limbs so that a draw needs no BigInt and no allocation:
// limb products stay below 2^32, column sums below 2^36 and carries below 2^21, exact in doubles.

import { SeedSequence } from './seed-sequence.js';

const LIMBS = 8;
const MASK_128 = (1n << 128n) - 1n;
const MULTIPLIER = (2549297995355413924n << 64n) + 4865540595714422341n;
const TWO_POW_MINUS_53 = 2 ** -53;
const TWO_POW_MINUS_16 = 2 ** -16;

function toLimbs(value: bigint, limbs: Int32Array): void {
  for (let i = 0; i < LIMBS; i++) limbs[i] = Number((value >> BigInt(16 * i)) & 0xffffn);
}

function fromLimbs(limbs: Int32Array): bigint {
  let value = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) value = (value << 16n) | BigInt(limbs[i] as number);
  return value;
}

const M = new Int32Array(LIMBS);
toLimbs(MULTIPLIER, M);
const M0 = M[0] as number;
const M1 = M[1] as number;
const M2 = M[2] as number;
const M3 = M[3] as number;
const M4 = M[4] as number;
const M5 = M[5] as number;
const M6 = M[6] as number;
const M7 = M[7] as number;

/** The 128-bit state and increment of a PCG64 generator, as numpy's `bit_generator.state`. */
export interface Pcg64State {
  /** The LCG state, 0 <= state < 2^128. */
  readonly state: bigint;
  /** The odd LCG increment, 0 < inc < 2^128. */
  readonly inc: bigint;
}

/** numpy's PCG64 bit generator: `next_uint64` and `next_double` with numpy's exact streams. */
export class Pcg64 {
  private readonly limbs = new Int32Array(LIMBS);
  private readonly incLimbs = new Int32Array(LIMBS);
  private outHigh = 0;
  private outLow = 0;

  /** A generator with the given raw state and increment (numpy's `state` setter). */
  constructor(state: Pcg64State) {
    toLimbs(state.state & MASK_128, this.limbs);
    toLimbs(state.inc & MASK_128, this.incLimbs);
  }

  /** `np.random.PCG64(np.random.SeedSequence(seed))`. */
  static fromSeed(seed: number | bigint): Pcg64 {
    const words = new SeedSequence(seed).generateState64(4);
    const initState = ((words[0] as bigint) << 64n) | (words[1] as bigint);
    const initSeq = ((words[2] as bigint) << 64n) | (words[3] as bigint);
    // pcg_setseq_128_srandom_r: state = 0, step, add initstate, step.
    const inc = ((initSeq << 1n) | 1n) & MASK_128;
    const state = (((inc + initState) & MASK_128) * MULTIPLIER + inc) & MASK_128;
    return new Pcg64({ state, inc });
  }

  /** The current state and increment. */
  get state(): Pcg64State {
    return { state: fromLimbs(this.limbs), inc: fromLimbs(this.incLimbs) };
  }

  /** `random_raw()`: the next 64-bit output. */
  nextUint64(): bigint {
    this.advance();
    return (BigInt(this.outHigh) << 32n) | BigInt(this.outLow);
  }

  /** numpy's `next_double`: the top 53 bits of the next output times 2^-53, in [0, 1). */
  nextDouble(): number {
    this.advance();
    return (this.outHigh * 2097152 + (this.outLow >>> 11)) * TWO_POW_MINUS_53;
  }

  /** Steps the LCG (state = state * MULTIPLIER + inc mod 2^128) and computes the XSL RR output. */
  private advance(): void {
    const s = this.limbs;
    const c = this.incLimbs;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = s[2] as number;
    const s3 = s[3] as number;
    const s4 = s[4] as number;
    const s5 = s[5] as number;
    const s6 = s[6] as number;
    const s7 = s[7] as number;
    // Column sums of the truncated product plus the increment (each < 2^36), then the carries.
    const col0 = s0 * M0 + (c[0] as number);
    const col1 = s0 * M1 + s1 * M0 + (c[1] as number);
    const col2 = s0 * M2 + s1 * M1 + s2 * M0 + (c[2] as number);
    const col3 = s0 * M3 + s1 * M2 + s2 * M1 + s3 * M0 + (c[3] as number);
    const col4 = s0 * M4 + s1 * M3 + s2 * M2 + s3 * M1 + s4 * M0 + (c[4] as number);
    const col5 = s0 * M5 + s1 * M4 + s2 * M3 + s3 * M2 + s4 * M1 + s5 * M0 + (c[5] as number);
    const col6 =
      s0 * M6 + s1 * M5 + s2 * M4 + s3 * M3 + s4 * M2 + s5 * M1 + s6 * M0 + (c[6] as number);
    const col7 =
      s0 * M7 +
      s1 * M6 +
      s2 * M5 +
      s3 * M4 +
      s4 * M3 +
      s5 * M2 +
      s6 * M1 +
      s7 * M0 +
      (c[7] as number);
    // Math.floor keeps every step in double arithmetic (ToInt32 of values >= 2^31 is slow in V8).
    let carry = Math.floor(col0 * TWO_POW_MINUS_16);
    s[0] = col0 - carry * 65536;
    let acc = carry + col1;
    carry = Math.floor(acc * TWO_POW_MINUS_16);
    s[1] = acc - carry * 65536;
    acc = carry + col2;
    carry = Math.floor(acc * TWO_POW_MINUS_16);
    s[2] = acc - carry * 65536;
    acc = carry + col3;
    carry = Math.floor(acc * TWO_POW_MINUS_16);
    s[3] = acc - carry * 65536;
    acc = carry + col4;
    carry = Math.floor(acc * TWO_POW_MINUS_16);
    s[4] = acc - carry * 65536;
    acc = carry + col5;
    carry = Math.floor(acc * TWO_POW_MINUS_16);
    s[5] = acc - carry * 65536;
    acc = carry + col6;
    carry = Math.floor(acc * TWO_POW_MINUS_16);
    s[6] = acc - carry * 65536;
    acc = carry + col7;
    s[7] = acc - Math.floor(acc * TWO_POW_MINUS_16) * 65536;

    const xHigh =
      (((s[7] as number) << 16) | (s[6] as number)) ^ (((s[3] as number) << 16) | (s[2] as number));
    const xLow =
      (((s[5] as number) << 16) | (s[4] as number)) ^ (((s[1] as number) << 16) | (s[0] as number));
    const rot = (s[7] as number) >>> 10;
    if (rot === 0) {
      this.outHigh = xHigh >>> 0;
      this.outLow = xLow >>> 0;
    } else if (rot < 32) {
      this.outHigh = ((xHigh >>> rot) | (xLow << (32 - rot))) >>> 0;
      this.outLow = ((xLow >>> rot) | (xHigh << (32 - rot))) >>> 0;
    } else if (rot === 32) {
      this.outHigh = xLow >>> 0;
      this.outLow = xHigh >>> 0;
    } else {
      const r = rot - 32;
      this.outHigh = ((xLow >>> r) | (xHigh << (32 - r))) >>> 0;
      this.outLow = ((xHigh >>> r) | (xLow << (32 - r))) >>> 0;
    }
  }
}
