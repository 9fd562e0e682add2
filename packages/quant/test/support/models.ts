// Small hand-built models for executor tests.
import type { Mlp } from '@quantproof/nn';
import type { QMlpDynamic, QMlpStatic } from '../../src/index.js';

/** A 2 → 2 static int8 model whose arithmetic is easy to follow by hand. */
export function handStaticModel(overrides: Partial<QMlpStatic> = {}): QMlpStatic {
  return {
    format: 'qdq',
    executionPath: { kind: 'fused-integer' },
    input: { scale: 0.5, zeroPoint: 0, elementType: 'int8' },
    layers: [
      {
        inFeatures: 2,
        outFeatures: 2,
        weight: Int8Array.from([2, -1, 1, 1]),
        weightQuant: {
          elementType: 'int8',
          granularity: 'per-tensor',
          scales: Float32Array.from([0.25]),
          zeroPoints: Int32Array.from([0]),
          bits: 8,
        },
        bias: Int32Array.from([4, -2]),
        activation: 'identity',
        output: { scale: 0.25, zeroPoint: 0, elementType: 'int8' },
      },
    ],
    logits: 'dequantize',
    ...overrides,
  };
}

/** A 2 → 2 dynamic model. */
export function handDynamicModel(): QMlpDynamic {
  return {
    format: 'dynamic',
    executionPath: { kind: 'fused-integer' },
    layers: [
      {
        inFeatures: 2,
        outFeatures: 2,
        weight: Int8Array.from([1, 2, 3, -1]),
        weightQuant: {
          elementType: 'int8',
          granularity: 'per-tensor',
          scales: Float32Array.from([0.5]),
          zeroPoints: Int32Array.from([0]),
          bits: 8,
        },
        bias: Float32Array.from([0.25, -1]),
        activation: 'identity',
      },
    ],
  };
}

/** A deterministic pseudo-random float32 generator (a linear congruential generator) for fixtures. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A random MLP with ReLU hidden layers, weights ~ U(-1, 1)/sqrt(in), biases ~ U(-0.1, 0.1). */
export function randomMlp(sizes: readonly number[], seed: number): Mlp {
  const next = lcg(seed);
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inFeatures = sizes[l]!;
    const outFeatures = sizes[l + 1]!;
    layers.push({
      inFeatures,
      outFeatures,
      weight: new Float32Array(inFeatures * outFeatures).map(
        () => (2 * next() - 1) / Math.sqrt(inFeatures),
      ),
      bias: new Float32Array(outFeatures).map(() => 0.2 * next() - 0.1),
      activation: (l + 2 < sizes.length ? 'relu' : 'identity') as 'relu' | 'identity',
    });
  }
  return { layers };
}

/** `count` random inputs of `size` features in [-scale, scale], row-major. */
export function randomInputs(
  count: number,
  size: number,
  scale: number,
  seed: number,
): Float32Array {
  const next = lcg(seed);
  return new Float32Array(count * size).map(() => scale * (2 * next() - 1));
}
