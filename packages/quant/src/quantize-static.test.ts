import type { Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import { CalibrationDataError, QuantOptionsError, UnsupportedSchemeError } from './errors.js';
import { forwardInt8 } from './forward-int8.js';
import { quantizeStatic } from './quantize-static.js';
import { DEFAULT_STATIC_SCHEME } from './scheme.js';

const mlp = randomMlp([4, 8, 8, 2], 11);
const calibration = randomInputs(64, 4, 2, 5);

describe('quantizeStatic defaults', () => {
  const { model, scheme, warnings } = quantizeStatic(mlp, calibration);

  it('keep the network’s output head (none, or a Softmax)', () => {
    expect('head' in model).toBe(false);
    expect(quantizeStatic({ ...mlp, head: 'softmax' }, calibration).model.head).toBe('softmax');
    expect(quantizeStatic({ ...mlp, head: 'logits' }, calibration).model.head).toBe('logits');
  });

  it('are onnxruntime quantize_static’s: QDQ, int8 activations, symmetric int8 weights, fused path', () => {
    expect(scheme).toEqual({ ...DEFAULT_STATIC_SCHEME, weightBits: [8, 8, 8] });
    expect(model.format).toBe('qdq');
    expect(model.executionPath).toEqual({ kind: 'fused-integer' });
    expect(model.input.elementType).toBe('int8');
    expect(model.logits).toBe('dequantize');
    expect(warnings).toEqual([]);
  });

  it('uses symmetric weights in [-127, 127] with scale fl32(max|w| / 127)', () => {
    model.layers.forEach((layer, l) => {
      const absmax = Math.max(...Array.from(mlp.layers[l]!.weight, Math.abs));
      expect(layer.weightQuant.zeroPoints[0]).toBe(0);
      expect(layer.weightQuant.scales[0]).toBe(Math.fround((2 * absmax) / 254));
      expect(Math.max(...Array.from(layer.weight, Math.abs))).toBe(127);
    });
  });

  it('gives ReLU outputs the zero point qmin so the ReLU folds into the clamp', () => {
    expect(model.layers[0]!.output?.zeroPoint).toBe(-128);
    expect(model.layers[1]!.output?.zeroPoint).toBe(-128);
  });

  it('quantises the bias with scale fl32(s_in · s_w), rounding half to even', () => {
    const layer = model.layers[1]!;
    const biasScale = Math.fround(model.layers[0]!.output!.scale * layer.weightQuant.scales[0]!);
    const b = mlp.layers[1]!.bias;
    for (let j = 0; j < b.length; j++)
      expect(Math.abs(layer.bias[j]! - b[j]! / biasScale)).toBeLessThanOrEqual(0.5);
  });

  it('produces a model the executor runs, close to the FP32 network', () => {
    const y = forwardInt8(model, calibration.subarray(0, 4));
    expect(y.length).toBe(2);
    expect(Number.isFinite(y[0]!) && Number.isFinite(y[1]!)).toBe(true);
  });
});

describe('quantizeStatic options', () => {
  it('per channel gives one scale per output row', () => {
    const { model } = quantizeStatic(mlp, calibration, {
      perChannel: true,
      activationType: 'uint8',
    });
    expect(model.layers[0]!.weightQuant.scales.length).toBe(8);
    expect(model.layers[0]!.output?.zeroPoint).toBe(0);
    expect(model.input.elementType).toBe('uint8');
  });

  it('mixed precision stores b-bit weights in int8 containers with scale max|w| / (2^(b-1) - 1)', () => {
    const { model } = quantizeStatic(mlp, calibration, { weightBits: [4, 8, 3] });
    expect(Math.max(...Array.from(model.layers[0]!.weight, Math.abs))).toBe(7);
    expect(Math.max(...Array.from(model.layers[2]!.weight, Math.abs))).toBe(3);
    expect(model.layers[2]!.weightQuant.bits).toBe(3);
    expect(() => quantizeStatic(mlp, calibration, { weightBits: 1 })).toThrow(QuantOptionsError);
    expect(() => quantizeStatic(mlp, calibration, { weightBits: [8, 8] })).toThrow(
      QuantOptionsError,
    );
  });

  it('float logits drop the last layer’s output quantisation', () => {
    const { model } = quantizeStatic(mlp, calibration, { logits: 'float' });
    expect(model.layers[2]!.output).toBeNull();
  });

  it('warns when the operating box exceeds what the input quantisation represents', () => {
    const { warnings, model } = quantizeStatic(mlp, calibration, {
      operatingBox: { lower: [-1, -1, -10, -1], upper: [1, 1, 1, 1] },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      kind: 'input-range-not-covered',
      feature: 2,
      boxLower: -10,
    });
    expect(warnings[0]).toMatchObject({
      representableLower: model.input.scale * (-128 - model.input.zeroPoint),
    });
    expect(() =>
      quantizeStatic(mlp, calibration, { operatingBox: { lower: [0], upper: [1] } }),
    ).toThrow(QuantOptionsError);
  });

  it('refuses symmetric activations on ReLU layers (the Relu could not be folded)', () => {
    expect(() => quantizeStatic(mlp, calibration, { activationSymmetric: true })).toThrow(
      UnsupportedSchemeError,
    );
  });

  it('refuses int8 activations with uint8 weights and QOperator on the float path', () => {
    expect(() => quantizeStatic(mlp, calibration, { weightType: 'uint8' })).toThrow(
      QuantOptionsError,
    );
    expect(() =>
      quantizeStatic(mlp, calibration, {
        format: 'qoperator',
        executionPath: { kind: 'unfused-float', gemm: 'gemm' },
      }),
    ).toThrow(QuantOptionsError);
  });

  it('warns about a degenerate (constant-zero) layer output', () => {
    const dead: Mlp = {
      layers: [
        {
          inFeatures: 1,
          outFeatures: 1,
          weight: Float32Array.from([0]),
          bias: Float32Array.from([0]),
          activation: 'identity',
        },
      ],
    };
    const { warnings, model } = quantizeStatic(dead, Float32Array.from([1, 2]));
    expect(warnings).toContainEqual({ kind: 'degenerate-range', tensor: 0 });
    expect(model.layers[0]!.output).toEqual({ scale: 1, zeroPoint: 0, elementType: 'int8' });
  });
});

describe('quantizeStatic calibration data', () => {
  it('refuses NaN, Infinity, empty data and wrong lengths with CalibrationDataError', () => {
    expect(() => quantizeStatic(mlp, Float32Array.from([0, 1, NaN, 2]))).toThrow(
      CalibrationDataError,
    );
    expect(() => quantizeStatic(mlp, [Float32Array.from([0, 1, Infinity, 2])])).toThrow(
      CalibrationDataError,
    );
    expect(() => quantizeStatic(mlp, [])).toThrow(CalibrationDataError);
    expect(() => quantizeStatic(mlp, new Float32Array(6))).toThrow(CalibrationDataError);
    expect(() => quantizeStatic(mlp, [new Float32Array(3)])).toThrow(CalibrationDataError);
  });

  it('accepts a list of vectors and a flat batch alike', () => {
    const list = Array.from({ length: 64 }, (_, r) => calibration.slice(r * 4, r * 4 + 4));
    expect(quantizeStatic(mlp, list).model).toEqual(quantizeStatic(mlp, calibration).model);
  });
});
