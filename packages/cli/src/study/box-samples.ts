// Uniform samples of the CartPole operating box: agreement on the box, calibration on the region.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { createSeededRng } from '@quantproof/nn';

/** `count` float32 states uniform in the operating box (seeded), row-major. */
export function boxSamples(count: number, seed: number): Float32Array {
  const rng = createSeededRng(seed);
  const { lower, upper } = CARTPOLE_OPERATING_BOX;
  const out = new Float32Array(count * 4);
  for (let i = 0; i < out.length; i++) {
    const d = i % 4;
    out[i] = lower[d]! + (upper[d]! - lower[d]!) * rng.nextFloat64();
  }
  return out;
}
