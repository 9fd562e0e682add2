// numpy's SeedSequence (numpy/random/bit_generator.pyx), which turns a seed into well-mixed
// 32-bit words; Gymnasium seeds PCG64 with it. Only the parts Gymnasium uses: an integer entropy,
// no spawn key, the default 4-word pool.

import { InvalidSeedError } from './errors.js';

const POOL_SIZE = 4;
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;

/** Whether a value is a seed numpy and Gymnasium accept and JavaScript represents exactly. */
export function isValidSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0;
}

/** The seed's uint32 words, least significant first (numpy's `_int_to_uint32_array`). */
function entropyWords(entropy: bigint): number[] {
  if (entropy === 0n) return [0];
  const words: number[] = [];
  for (let rest = entropy; rest > 0n; rest >>= 32n) words.push(Number(rest & 0xffffffffn));
  return words;
}

/** numpy's SeedSequence(entropy) for a non-negative integer entropy. */
export class SeedSequence {
  /** The mixed entropy pool (4 uint32 words). */
  readonly pool: Uint32Array;

  constructor(entropy: number | bigint) {
    if (typeof entropy === 'bigint' ? entropy < 0n : !isValidSeed(entropy)) {
      throw new InvalidSeedError(entropy, 'SeedSequence');
    }
    this.pool = mixEntropy(entropyWords(BigInt(entropy)));
  }

  /** `generate_state(nWords, np.uint32)`: nWords uint32 words drawn from the pool. */
  generateState(nWords: number): Uint32Array {
    const state = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let value = (this.pool[i % POOL_SIZE] as number) ^ hashConst;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      state[i] = (value ^ (value >>> 16)) >>> 0;
    }
    return state;
  }

  /** `generate_state(nWords, np.uint64)`: pairs of uint32 words, low word first. */
  generateState64(nWords: number): BigUint64Array {
    const words = this.generateState(2 * nWords);
    const state = new BigUint64Array(nWords);
    for (let i = 0; i < nWords; i++) {
      state[i] = (BigInt(words[2 * i + 1] as number) << 32n) | BigInt(words[2 * i] as number);
    }
    return state;
  }
}

function mixEntropy(entropy: readonly number[]): Uint32Array {
  const pool = new Uint32Array(POOL_SIZE);
  let hashConst = INIT_A;
  const hashmix = (input: number): number => {
    let value = (input ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> 16)) >>> 0;
  };
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(entropy[i] ?? 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst] as number, hashmix(pool[src] as number));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      pool[dst] = mix(pool[dst] as number, hashmix(entropy[src] as number));
    }
  }
  return pool;
}
