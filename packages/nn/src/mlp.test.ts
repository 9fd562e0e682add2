import { describe, expect, it } from 'vitest';
import { NnShapeError } from './errors.js';
import {
  type DenseLayer,
  type Mlp,
  cloneMlp,
  copyMlpParameters,
  mlpInputSize,
  mlpOutputSize,
  mlpParameterCount,
  mlpSizes,
  validateMlp,
} from './mlp.js';

function layer(
  inFeatures: number,
  outFeatures: number,
  overrides: Partial<DenseLayer> = {},
): DenseLayer {
  return {
    inFeatures,
    outFeatures,
    weight: new Float32Array(inFeatures * outFeatures).map((_, i) => i),
    bias: new Float32Array(outFeatures).map((_, i) => -i),
    activation: 'relu',
    ...overrides,
  };
}

const net: Mlp = { layers: [layer(3, 4), layer(4, 2, { activation: 'identity' })] };

describe('Mlp helpers', () => {
  it('report sizes and parameter counts', () => {
    expect(mlpInputSize(net)).toBe(3);
    expect(mlpOutputSize(net)).toBe(2);
    expect(mlpSizes(net)).toEqual([3, 4, 2]);
    expect(mlpParameterCount(net)).toBe(3 * 4 + 4 + 4 * 2 + 2);
  });

  it('clone deeply and copy parameters', () => {
    const copy = cloneMlp(net);
    expect(copy).toEqual(net);
    copy.layers[0]!.weight[0] = 42;
    expect(net.layers[0]!.weight[0]).toBe(0);
    copyMlpParameters(net, copy);
    expect(copy.layers[0]!.weight[0]).toBe(0);
    expect(() => copyMlpParameters(net, { layers: [layer(3, 4)] })).toThrow(NnShapeError);
    expect(() => copyMlpParameters(net, { layers: [layer(3, 5), layer(5, 2)] })).toThrow(
      NnShapeError,
    );
  });
});

describe('validateMlp', () => {
  it('accepts a well-formed network and returns it', () => {
    expect(validateMlp(net)).toBe(net);
  });

  it.each<[string, Mlp, RegExp]>([
    ['no layers', { layers: [] }, /at least one layer/],
    ['zero width', { layers: [{ ...layer(1, 1), inFeatures: 0 }] }, /positive integers/],
    ['fractional width', { layers: [{ ...layer(2, 2), outFeatures: 1.5 }] }, /positive integers/],
    ['short weight', { layers: [{ ...layer(2, 2), weight: new Float32Array(3) }] }, /weight has 3/],
    ['long bias', { layers: [{ ...layer(2, 2), bias: new Float32Array(3) }] }, /bias has 3/],
    [
      'float64 weight',
      { layers: [{ ...layer(2, 2), weight: new Float64Array(4) as unknown as Float32Array }] },
      /Float32Array/,
    ],
    [
      'unknown activation',
      { layers: [{ ...layer(2, 2), activation: 'tanh' as unknown as 'relu' }] },
      /unknown activation "tanh"/,
    ],
    [
      'layers that do not chain',
      { layers: [layer(2, 3), layer(4, 1)] },
      /layer 1: takes 4 inputs but layer 0 produces 3/,
    ],
  ])('rejects %s', (_name, bad, message) => {
    expect(() => validateMlp(bad)).toThrow(NnShapeError);
    expect(() => validateMlp(bad)).toThrow(message);
  });
});
