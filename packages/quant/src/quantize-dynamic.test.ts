import { describe, expect, it } from 'vitest';
import { randomMlp } from '../test/support/models.js';
import { QuantOptionsError } from './errors.js';
import { quantizeDynamic } from './quantize-dynamic.js';

describe('quantizeDynamic', () => {
  it('keeps the network’s output head', () => {
    const mlp = randomMlp([4, 8, 2], 3);
    expect('head' in quantizeDynamic(mlp).model).toBe(false);
    expect(quantizeDynamic({ ...mlp, head: 'softmax' }).model.head).toBe('softmax');
  });

  const mlp = randomMlp([4, 6, 2], 9);

  it('writes quantize_dynamic’s defaults: int8 symmetric per-tensor weights, float bias', () => {
    const { model } = quantizeDynamic(mlp);
    expect(model.format).toBe('dynamic');
    const layer = model.layers[0]!;
    expect(layer.weight).toBeInstanceOf(Int8Array);
    expect(layer.weightQuant.granularity).toBe('per-tensor');
    expect(layer.weightQuant.zeroPoints[0]).toBe(0);
    expect(Array.from(layer.bias)).toEqual(Array.from(mlp.layers[0]!.bias));
    expect(layer.activation).toBe('relu');
  });

  it('supports uint8 asymmetric, per-channel and reduced-range weights', () => {
    const { model } = quantizeDynamic(mlp, {
      weightType: 'uint8',
      perChannel: true,
      reduceRange: true,
    });
    const layer = model.layers[0]!;
    expect(layer.weight).toBeInstanceOf(Uint8Array);
    expect(layer.weightQuant.scales.length).toBe(6);
    expect(Math.max(...Array.from(layer.weight))).toBeLessThanOrEqual(127);
  });

  it('refuses bad options', () => {
    expect(() => quantizeDynamic(mlp, { weightBits: 9 })).toThrow(QuantOptionsError);
    expect(() => quantizeDynamic(mlp, { weightType: 'int4' as never })).toThrow(QuantOptionsError);
  });
});
