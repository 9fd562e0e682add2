import type { Activation, DenseLayer, Mlp } from '@quantproof/nn';
import { testRng } from './prng.js';
import type { TestRng } from './prng.js';

/**
 * An MLP with the given layer sizes (e.g. [4, 64, 64, 2]), ReLU on hidden layers, identity on the
 * last, weights uniform with He-like scale ±sqrt(6 / in) and biases ±0.1, from a seeded generator.
 */
export function heUniformMlp(sizes: readonly number[], seed: number): Mlp {
  const rng = testRng(seed);
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inFeatures = sizes[l] ?? 0;
    const outFeatures = sizes[l + 1] ?? 0;
    const activation: Activation = l + 2 < sizes.length ? 'relu' : 'identity';
    layers.push(randomLayer(rng, inFeatures, outFeatures, activation, Math.sqrt(6 / inFeatures)));
  }
  return { layers };
}

function randomLayer(
  rng: TestRng,
  inFeatures: number,
  outFeatures: number,
  activation: Activation,
  scale: number,
): DenseLayer {
  const weight = Float32Array.from({ length: inFeatures * outFeatures }, () =>
    rng.uniform(-scale, scale),
  );
  const bias = Float32Array.from({ length: outFeatures }, () => rng.uniform(-0.1, 0.1));
  return { inFeatures, outFeatures, weight, bias, activation };
}

/** CartPole's operating box: x, ẋ, θ, θ̇ (θ up to the 12° termination angle). */
export const CARTPOLE_BOX: readonly (readonly [number, number])[] = [
  [-2.4, 2.4],
  [-3, 3],
  [-0.2095, 0.2095],
  [-3.5, 3.5],
];

/** `rows` inputs drawn uniformly from `box`, rounded to float32, rows one after another. */
export function uniformInputs(
  box: readonly (readonly [number, number])[],
  rows: number,
  seed: number,
): Float32Array {
  const rng = testRng(seed);
  const out = new Float32Array(rows * box.length);
  for (let r = 0; r < rows; r++) {
    box.forEach(([low, high], i) => {
      out[r * box.length + i] = rng.uniform(low, high);
    });
  }
  return out;
}
