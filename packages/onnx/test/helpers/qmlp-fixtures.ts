// Seeded float networks and calibration data for the int8 tests.
import { CARTPOLE_BOX, uniformInputs } from './mlp-fixtures.js';

/** CartPole's operating box as lower/upper bounds (the test copy; onnx may not import env). */
export const CARTPOLE_BOUNDS: {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
} = {
  lower: CARTPOLE_BOX.map(([low]) => low),
  upper: CARTPOLE_BOX.map(([, high]) => high),
};

/** The policy-shaped networks the differential checks share. */
export { policyMlp } from '@quantproof/test-support/int8-formats';

/** Calibration rows: uniform in the CartPole box for 4 inputs, else in ±1 on every input. */
export function calibrationInputs(inFeatures: number, rows: number, seed: number): Float32Array {
  const box: (readonly [number, number])[] =
    inFeatures === 4 ? [...CARTPOLE_BOX] : new Array(inFeatures).fill([-1, 1] as const);
  return uniformInputs(box, rows, seed);
}
