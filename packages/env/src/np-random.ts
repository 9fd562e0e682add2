// numpy's `np.random.Generator(PCG64(SeedSequence(seed)))`, the generator Gymnasium's
// `seeding.np_random(seed)` returns, reduced to the draws the environments use.

import { Pcg64 } from './pcg64.js';

/** numpy's Generator over a PCG64 bit generator: `random()` and `uniform(low, high)`. */
export class NpRandom {
  /** The underlying bit generator (shared, not copied). */
  readonly bitGenerator: Pcg64;

  /** A generator drawing from the given bit generator. */
  constructor(bitGenerator: Pcg64) {
    this.bitGenerator = bitGenerator;
  }

  /** Gymnasium's `seeding.np_random(seed)`: `Generator(PCG64(SeedSequence(seed)))`. */
  static fromSeed(seed: number | bigint): NpRandom {
    return new NpRandom(Pcg64.fromSeed(seed));
  }

  /** `Generator.random()`: a double in [0, 1) from the top 53 bits of one 64-bit draw. */
  random(): number {
    return this.bitGenerator.nextDouble();
  }

  /** `Generator.uniform(low, high)` for one value: `low + (high - low) * next_double()`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.bitGenerator.nextDouble();
  }
}
