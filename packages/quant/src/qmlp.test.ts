import { describe, expect, it } from 'vitest';
import { handDynamicModel, handStaticModel } from '../test/support/models.js';
import { InvalidQMlpError } from './errors.js';
import {
  biasScales,
  layerInputQuant,
  layerMultipliers,
  qmlpInputSize,
  qmlpOutputSize,
  validateQMlp,
  type QMlpStatic,
} from './qmlp.js';

function expectInvalid(model: unknown, path: string): void {
  try {
    validateQMlp(model as QMlpStatic);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQMlpError);
    expect((error as InvalidQMlpError).path).toBe(path);
    return;
  }
  throw new Error(`expected ${path} to be reported`);
}

describe('validateQMlp', () => {
  it('accepts well-formed models', () => {
    expect(validateQMlp(handStaticModel())).toBeDefined();
    expect(validateQMlp(handDynamicModel())).toBeDefined();
  });

  it('locates broken invariants', () => {
    const m = handStaticModel();
    const layer = m.layers[0]!;
    expectInvalid({ ...m, input: { ...m.input, scale: 0.1 } }, '$.input.scale');
    expectInvalid({ ...m, input: { ...m.input, zeroPoint: 200 } }, '$.input.zeroPoint');
    expectInvalid({ ...m, layers: [{ ...layer, weight: new Int8Array(3) }] }, '$.layers[0].weight');
    expectInvalid(
      { ...m, layers: [{ ...layer, weight: new Uint8Array(4) }] },
      '$.layers[0].weight',
    );
    expectInvalid({ ...m, layers: [{ ...layer, bias: new Int32Array(1) }] }, '$.layers[0].bias');
    expectInvalid(
      { ...m, layers: [{ ...layer, activation: 'relu' }] },
      '$.layers[0].output.zeroPoint',
    );
    expectInvalid({ ...m, layers: [{ ...layer, activation: 'tanh' }] }, '$.layers[0].activation');
    expectInvalid({ ...m, layers: [{ ...layer, output: null }] }, '$.layers[0].output');
    expectInvalid({ ...m, logits: 'float' }, '$.layers[0].output');
    expectInvalid(
      { ...m, layers: [{ ...layer, weightQuant: { ...layer.weightQuant, bits: 2 } }] },
      '$.layers[0].weight[0]',
    );
    const wide = { ...layer, inFeatures: 1, weight: new Int8Array(2) };
    expectInvalid({ ...m, layers: [layer, wide] }, '$.layers[1].inFeatures');
    expectInvalid(
      { ...m, executionPath: { kind: 'unfused-float', gemm: 'conv' } },
      '$.executionPath.gemm',
    );
    expectInvalid(
      { ...handDynamicModel(), executionPath: { kind: 'unfused-float', gemm: 'gemm' } },
      '$.executionPath',
    );
    expectInvalid({ ...m, layers: [] }, '$.layers');
  });
});

describe('model helpers', () => {
  it('derive input quantisation, multipliers and bias scales', () => {
    const m = handStaticModel();
    expect(layerInputQuant(m, 0)).toBe(m.input);
    expect(Array.from(layerMultipliers(m, 0))).toEqual([0.5, 0.5]);
    expect(Array.from(biasScales(m, 0))).toEqual([0.125, 0.125]);
    expect(qmlpInputSize(m)).toBe(2);
    expect(qmlpOutputSize(handDynamicModel())).toBe(2);
  });
});
