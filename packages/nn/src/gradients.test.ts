import { describe, expect, it } from 'vitest';
import { NnOptionsError } from './errors.js';
import { clipGradientNorm, createMlpGradients, gradientNorm, zeroGradients } from './gradients.js';
import type { Mlp } from './mlp.js';

const mlp: Mlp = {
  layers: [
    {
      inFeatures: 2,
      outFeatures: 3,
      weight: new Float32Array(6),
      bias: new Float32Array(3),
      activation: 'relu',
    },
    {
      inFeatures: 3,
      outFeatures: 1,
      weight: new Float32Array(3),
      bias: new Float32Array(1),
      activation: 'identity',
    },
  ],
};

describe('MlpGradients', () => {
  it('lays layers out back to back in one flat buffer', () => {
    const g = createMlpGradients(mlp);
    expect(g.flat.length).toBe(13);
    g.layers[0]!.bias[0] = 1;
    g.layers[1]!.weight[0] = 2;
    g.layers[1]!.bias[0] = 3;
    expect(g.flat[6]).toBe(1);
    expect(g.flat[9]).toBe(2);
    expect(g.flat[12]).toBe(3);
  });

  it('computes and clips the global norm, and zeroes', () => {
    const g = createMlpGradients(mlp);
    g.flat[0] = 3;
    g.flat[12] = 4;
    expect(gradientNorm(g)).toBe(5);
    expect(clipGradientNorm(g, 10)).toBe(5);
    expect(g.flat[0]).toBe(3);
    expect(clipGradientNorm(g, 1)).toBe(5);
    expect(gradientNorm(g)).toBeCloseTo(1 / (1 + 2e-7), 12);
    zeroGradients(g);
    expect(gradientNorm(g)).toBe(0);
    expect(() => clipGradientNorm(g, 0)).toThrow(NnOptionsError);
  });
});

describe('joint clipping (policy and value together, as SB3)', () => {
  it('uses the norm over all networks', () => {
    const a = createMlpGradients(mlp);
    const b = createMlpGradients(mlp);
    a.flat[0] = 3;
    b.flat[5] = 4;
    expect(gradientNorm([a, b])).toBe(5);
    expect(clipGradientNorm([a, b], 0.5)).toBe(5);
    const coefficient = 0.5 / (5 + 1e-6);
    expect(a.flat[0]).toBe(3 * coefficient);
    expect(b.flat[5]).toBe(4 * coefficient);
  });
});
