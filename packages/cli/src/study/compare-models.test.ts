// Per-layer SQNR of models with layers kept in float32: each layer is compared as the next layer
// reads it (dequantised codes, or the float32 output itself).
import { createMlp, createSeededRng } from '@quantproof/nn';
import { keepLayersInFloat32, quantizeStatic } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { layerSqnr } from './compare-models.js';

const mlp = createMlp({ sizes: [4, 16, 16, 2], rng: createSeededRng(5) });
const states = Float32Array.from({ length: 4 * 200 }, (_, k) => Math.fround(Math.sin(k * 0.37)));
const base = quantizeStatic(mlp, states, { activationType: 'uint8' }).model;

describe('layerSqnr', () => {
  it('measures a float32 layer by its float32 output, and an int8 layer after it as before', () => {
    const all = layerSqnr(mlp, base, states);
    const kept = layerSqnr(mlp, keepLayersInFloat32(mlp, base, [0, 1]), states);
    // Layer 0 in float32 feeding a float32 layer: only float32 summation order separates it from
    // FP32. Layer 1 feeds the int8 layer 2, so it is measured at its quantised codes.
    expect(kept[0]!).toBeGreaterThan(100);
    expect(kept[0]!).toBeGreaterThan(all[0]!);
    expect(kept[1]!).toBeLessThan(100);
    for (const v of [...all, ...kept]) expect(Number.isNaN(v)).toBe(false);
    // A float32 first layer that feeds an int8 layer is measured at its quantised codes.
    const first = layerSqnr(mlp, keepLayersInFloat32(mlp, base, [0]), states);
    expect(first[0]!).toBeLessThan(100);
    expect(Number.isFinite(first[0]!)).toBe(true);
  });
});
