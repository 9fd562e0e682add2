// The states that calibrate the quantisers: what the FP32 policy visits, and with
// `--calibrate-on region` uniform samples of the whole operating box besides.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
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
