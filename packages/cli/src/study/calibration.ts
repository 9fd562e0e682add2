// The states that calibrate the quantisers: what the FP32 policy visits, and with
// `--calibrate-on region` uniform samples of the whole operating box besides.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { type Box, ibpFp32 } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import type { CalibrationRanges } from '@quantproof/quant';
import { boxSamples } from './box-samples.js';
import { type CalibrateOn, STUDY_DEFAULTS } from './defaults.js';
import { visitedStates } from './visited-states.js';

/** Row-major calibration states of `policy`: `episodes` greedy episodes, plus the region on request. */
export function calibrationStates(
  policy: Mlp,
  episodes: number,
  calibrateOn: CalibrateOn,
  seed: number,
): Float32Array {
  const visited = visitedStates(policy, episodes);
  if (calibrateOn === 'visited') return visited;
  const region = boxSamples(STUDY_DEFAULTS.regionCalibrationSamples, seed + 2);
  // The box's two extreme corners, so min-max calibration reaches its faces.
  const corners = Float32Array.from([
    ...CARTPOLE_OPERATING_BOX.lower,
    ...CARTPOLE_OPERATING_BOX.upper,
  ]);
  const out = new Float32Array(visited.length + region.length + corners.length);
  out.set(visited);
  out.set(region, visited.length);
  out.set(corners, visited.length + region.length);
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
