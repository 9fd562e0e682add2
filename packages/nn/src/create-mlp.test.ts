import { describe, expect, it } from 'vitest';
import { createMlp } from './create-mlp.js';
import { NnOptionsError, NnShapeError } from './errors.js';
import { mlpSizes, validateMlp } from './mlp.js';
import { createSeededRng } from './rng.js';

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

describe('createMlp', () => {
  it('builds the default 4-64-64-2 ReLU policy with zero biases', () => {
    const mlp = createMlp({ sizes: [4, 64, 64, 2], rng: createSeededRng(1) });
    validateMlp(mlp);
    expect(mlpSizes(mlp)).toEqual([4, 64, 64, 2]);
    expect(mlp.layers.map((l) => l.activation)).toEqual(['relu', 'relu', 'identity']);
    for (const layer of mlp.layers) {
      expect(layer.bias.every((b) => b === 0)).toBe(true);
      expect(layer.weight.some((w) => w !== 0)).toBe(true);
    }
  });

  it('honours activations and every init kind', () => {
    for (const init of [
      { kind: 'orthogonal', hiddenGain: 1, outputGain: 0.01 },
      { kind: 'kaiming-uniform' },
      { kind: 'kaiming-normal', gain: 1 },
    ] as const) {
      const mlp = createMlp({
        sizes: [3, 5, 1],
        hiddenActivation: 'identity',
        outputActivation: 'relu',
        init,
        rng: createSeededRng(3),
      });
      expect(mlp.layers.map((l) => l.activation)).toEqual(['identity', 'relu']);
    }
  });

  it('is deterministic: the same seed gives bitwise identical weights', () => {
    const a = createMlp({ sizes: [4, 64, 64, 2], rng: createSeededRng(99) });
    const b = createMlp({ sizes: [4, 64, 64, 2], rng: createSeededRng(99) });
    const c = createMlp({ sizes: [4, 64, 64, 2], rng: createSeededRng(100) });
    a.layers.forEach((layer, l) => {
      expect(bits(layer.weight)).toEqual(bits(b.layers[l]!.weight));
    });
    expect(bits(a.layers[1]!.weight)).not.toEqual(bits(c.layers[1]!.weight));
  });

  it('scales the output layer by outputGain', () => {
    const mlp = createMlp({
      sizes: [4, 8, 2],
      init: { kind: 'orthogonal', outputGain: 0.01 },
      rng: createSeededRng(5),
    });
    // Rows of a 2×8 orthogonal-init matrix have norm = gain.
    const w = mlp.layers[1]!.weight;
    for (let j = 0; j < 2; j++) {
      let norm = 0;
      for (let i = 0; i < 8; i++) norm += w[j * 8 + i]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(0.01, 7);
    }
  });

  it('rejects bad sizes and options', () => {
    const rng = createSeededRng(0);
    expect(() => createMlp({ sizes: [4], rng })).toThrow(NnShapeError);
    expect(() => createMlp({ sizes: [4, 0, 2], rng })).toThrow(NnShapeError);
    expect(() => createMlp({ sizes: [4, 2.5], rng })).toThrow(/positive integer/);
    expect(() =>
      createMlp({ sizes: [4, 2], hiddenActivation: 'gelu' as unknown as 'relu', rng }),
    ).toThrow(NnOptionsError);
    expect(() =>
      createMlp({
        sizes: [4, 2],
        init: { kind: 'xavier' } as unknown as { kind: 'orthogonal' },
        rng,
      }),
    ).toThrow(NnOptionsError);
    expect(() =>
      createMlp({ sizes: [4, 2], init: { kind: 'orthogonal', outputGain: Infinity }, rng }),
    ).toThrow(NnOptionsError);
  });
});
