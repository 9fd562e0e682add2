// The states that calibrate the quantisers and that fine-tuning distils on: what a CartPole policy
// visits, and with `--calibrate-on region` uniform samples of a region besides (the operating box,
// or the region the command's flags name); and activation ranges from sound bounds over a region.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import {
  type Box,
  boxFromOperatingBox,
  float32Down,
  float32Up,
  ibpFp32,
} from '@quantproof/interval';
import { createSeededRng, type Mlp, mlpInputSize, mlpOutputSize } from '@quantproof/nn';
import type { CalibrationRanges } from '@quantproof/quant';
import { type CalibrateOn, STUDY_DEFAULTS } from './defaults.js';
import { visitedStates } from './visited-states.js';

/** Uniform samples of the region the certifying commands (`sensitivity`, `repair`) draw. */
export const REGION_SAMPLES = 4000;

/** `count` float32 inputs uniform in `region` (seeded), then its lower and upper corners; row-major. */
export function regionSamples(region: Box, count: number, seed: number): Float32Array {
  const d = region.lower.length;
  const rng = createSeededRng(seed);
  const out = new Float32Array((count + 2) * d);
  for (let i = 0; i < count * d; i++) {
    const k = i % d;
    out[i] = region.lower[k]! + (region.upper[k]! - region.lower[k]!) * rng.nextFloat64();
  }
  // The corners as float32 inputs inside the region (bounds rounded inward), so that min-max
  // calibration reaches its faces.
  for (let k = 0; k < d; k++) {
    out[count * d + k] = float32Up(region.lower[k]!);
    out[(count + 1) * d + k] = float32Down(region.upper[k]!);
  }
  return out;
}

/** Whether `mlp` maps CartPole's 4 observations to its 2 actions (its visited states exist). */
export function isCartPolePolicy(mlp: Mlp): boolean {
  return mlpInputSize(mlp) === CARTPOLE_OPERATING_BOX.lower.length && mlpOutputSize(mlp) === 2;
}

/** Where `calibrationStates` samples, and how many samples it draws. */
export interface CalibrationRegion {
  /** Default: CartPole's operating box. */
  readonly region?: Box;
  /** Default: the study's `regionCalibrationSamples` (10 000). */
  readonly samples?: number;
}

/**
 * Row-major calibration states of `policy`. A CartPole policy: the states it visits in `episodes`
 * greedy episodes, plus with `calibrateOn: 'region'` uniform samples of the region and its two
 * extreme corners. Any other network has no episodes: the region's samples alone.
 */
export function calibrationStates(
  policy: Mlp,
  episodes: number,
  calibrateOn: CalibrateOn,
  seed: number,
  where: CalibrationRegion = {},
): Float32Array {
  const cartPole = isCartPolePolicy(policy);
  const visited = cartPole ? visitedStates(policy, episodes) : new Float32Array(0);
  if (cartPole && calibrateOn === 'visited') return visited;
  const region = where.region ?? boxFromOperatingBox(CARTPOLE_OPERATING_BOX);
  const samples = regionSamples(
    region,
    where.samples ?? STUDY_DEFAULTS.regionCalibrationSamples,
    seed + 2,
  );
  const out = new Float32Array(visited.length + samples.length);
  out.set(visited);
  out.set(samples, visited.length);
  return out;
}

/** The choices of `--calibrate-on`. */
export const CALIBRATE_ON_CHOICES: readonly CalibrateOn[] = ['visited', 'region'];

/**
 * Activation ranges from sound bounds over `region` instead of samples: the input's range is the
 * region's, each layer's the hull of interval's IBP bounds of its outputs there. No input and no
 * activation of the FP32 network can leave them anywhere in the region, so only the quantised
 * network's own error can make a tensor saturate; the price is wider (coarser) ranges than the
 * states reach.
 */
export function regionBoundRanges(mlp: Mlp, region: Box): CalibrationRanges {
  const hull = (
    lower: ArrayLike<number>,
    upper: ArrayLike<number>,
  ): { min: number; max: number } => ({
    min: Math.min(...Array.from(lower)),
    max: Math.max(...Array.from(upper)),
  });
  const bounds = ibpFp32(mlp, region);
  return {
    input: hull(region.lower, region.upper),
    layers: bounds.activations.map((a) => hull(a.lower, a.upper)),
    // Each input's own side of the region (read by per-feature input scales).
    inputFeatures: Array.from(region.lower, (lower, i) => ({ min: lower, max: region.upper[i]! })),
  };
}

/** The choices of `quantize --ranges-from`. */
export const RANGES_CHOICES: readonly ('states' | 'bounds')[] = ['states', 'bounds'];
