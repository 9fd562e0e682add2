// Uniform samples of the CartPole operating box, on which the study measures agreement: the
// region's samples of `regionSamples` (one sampler), without its two corners.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { boxFromOperatingBox } from '@quantproof/interval';
import { regionSamples } from './calibration.js';

/** `count` float32 states uniform in the operating box (seeded), row-major. */
export function boxSamples(count: number, seed: number): Float32Array {
  const d = CARTPOLE_OPERATING_BOX.lower.length;
  return regionSamples(boxFromOperatingBox(CARTPOLE_OPERATING_BOX), count, seed).slice(
    0,
    count * d,
  );
}
