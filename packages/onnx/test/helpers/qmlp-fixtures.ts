// Seeded float networks and calibration data for the int8 tests.
import { createMlp, createSeededRng } from '@quantproof/nn';
import type { Mlp } from '@quantproof/nn';
import { CARTPOLE_BOX, uniformInputs } from './mlp-fixtures.js';

/** CartPole's operating box as lower/upper bounds (the test copy; onnx may not import env). */
export const CARTPOLE_BOUNDS: {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
} = {
  lower: CARTPOLE_BOX.map(([low]) => low),
  upper: CARTPOLE_BOX.map(([, high]) => high),
};

/**
 * A policy-shaped MLP from @quantproof/nn's `createMlp` (orthogonal init, ReLU hidden layers) with
 * biases drawn uniformly in ±`biasRange` from the same seeded generator.
 */
export function policyMlp(sizes: readonly number[], seed: number, biasRange = 0.2): Mlp {
  const rng = createSeededRng(seed);
  const mlp = createMlp({ sizes, rng });
  for (const layer of mlp.layers) {
    for (let j = 0; j < layer.bias.length; j++) {
      layer.bias[j] = biasRange * (2 * rng.nextFloat64() - 1);
    }
  }
  return mlp;
}

/** Calibration rows: uniform in the CartPole box for 4 inputs, else in ±1 on every input. */
export function calibrationInputs(inFeatures: number, rows: number, seed: number): Float32Array {
  const box: (readonly [number, number])[] =
    inFeatures === 4 ? [...CARTPOLE_BOX] : new Array(inFeatures).fill([-1, 1] as const);
  return uniformInputs(box, rows, seed);
}
