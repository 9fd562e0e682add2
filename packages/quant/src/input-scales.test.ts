import { createSeededRng } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import { InvalidQMlpError, QuantOptionsError } from './errors.js';
import { createInt8Executor } from './forward-int8.js';
import { inputFeatureQuant, type QMlpStatic, validateQMlp } from './qmlp.js';
import { qmlpFromJson } from './qmlp-from-json.js';
import { qmlpToJson } from './qmlp-json.js';
import { quantizeLinear } from './quantize-linear.js';
import { searchMixedPrecision } from './mixed-precision.js';
import { quantizeAwareTrain } from './quantize-aware-train.js';
import { quantizeStatic, quantizeStaticWithRanges } from './quantize-static.js';
import { staticRangesOf, staticSchemeOf } from './static-model-scheme.js';

const mlp = randomMlp([4, 8, 8, 2], 21);
// Features with very different ranges, like CartPole's x (±2.4) and θ (±0.21).
const calibration = randomInputs(200, 4, 1, 7).map((v, k) => v * [2.4, 4, 0.21, 4][k % 4]!);
const options = {
  format: 'qoperator',
  activationType: 'uint8',
  perChannel: true,
  logits: 'float',
  inputScale: 'per-feature',
} as const;

describe("quantizeStatic with inputScale: 'per-feature'", () => {
  const { model, ranges } = quantizeStatic(mlp, calibration, options);

  it('gives each feature its own symmetric scale around one shared zero point; a_scale is the largest', () => {
    const scales = model.inputScales!;
    expect(scales).toHaveLength(4);
    ranges.inputFeatures!.forEach((range, i) => {
      const absmax = Math.max(Math.abs(range.min), Math.abs(range.max));
      expect(scales[i]).toBe(Math.fround((2 * absmax) / 254));
    });
    expect(model.input.zeroPoint).toBe(127);
    expect(model.input.scale).toBe(Math.max(...scales));
    expect(scales[2]! * 10).toBeLessThan(scales[0]!);
  });

  it('quantises every input with its own scale in the executor', () => {
    const executor = createInt8Executor(model);
    for (let r = 0; r < 50; r++) {
      const x = calibration.subarray(4 * r, 4 * r + 4);
      const q = executor.trace(x).layers[0]!.input;
      for (let i = 0; i < 4; i++) {
        const t = inputFeatureQuant(model, i);
        expect(q[i]).toBe(quantizeLinear(x[i]!, t.scale, t.zeroPoint, t.elementType));
      }
    }
  });

  it('round-trips through JSON bit for bit', () => {
    const back = qmlpFromJson(JSON.parse(JSON.stringify(qmlpToJson(model)))).model as QMlpStatic;
    expect(back.inputScales).toEqual(model.inputScales);
    expect(back).toEqual(model);
  });

  it('is re-converted identically from the model’s own ranges and scheme (repair)', () => {
    const again = quantizeStaticWithRanges(mlp, staticRangesOf(model), staticSchemeOf(model)).model;
    expect(again.inputScales).toEqual(model.inputScales);
    expect(again.input).toEqual(model.input);
  });

  it('is what quantisation-aware training (0 epochs: PTQ) and mixed precision convert to', () => {
    const qat = quantizeAwareTrain(mlp, calibration, {
      rng: createSeededRng(1),
      epochs: 0,
      scheme: options,
    });
    expect(qat.model).toEqual(model);
    const trained = quantizeAwareTrain(mlp, calibration, {
      rng: createSeededRng(1),
      epochs: 2,
      scheme: options,
    });
    expect((trained.model as QMlpStatic).inputScales).toHaveLength(4);
    const mixed = searchMixedPrecision(mlp, calibration, { threshold: 0.5, scheme: options });
    expect((mixed.model as QMlpStatic).inputScales).toEqual(model.inputScales);
  });

  it('gives a feature the calibration never moves the largest scale, and warns', () => {
    const still = calibration.map((v, k) => (k % 4 === 1 ? 0 : v));
    const result = quantizeStatic(mlp, still, options);
    const scales = result.model.inputScales!;
    expect(scales[1]).toBe(result.model.input.scale);
    expect(result.model.input.scale).toBe(Math.max(scales[0]!, scales[2]!, scales[3]!));
    expect(result.warnings).toContainEqual({ kind: 'degenerate-range', tensor: 'input' });
    expect(quantizeStatic(mlp, calibration, options).warnings).not.toContainEqual({
      kind: 'degenerate-range',
      tensor: 'input',
    });
  });

  it('rejects the QDQ format and ranges without per-feature ranges, with typed errors', () => {
    expect(() => quantizeStatic(mlp, calibration, { ...options, format: 'qdq' })).toThrow(
      QuantOptionsError,
    );
    const { inputFeatures: _dropped, ...perTensorRanges } = ranges;
    expect(() => quantizeStaticWithRanges(mlp, perTensorRanges, options)).toThrow(
      /ranges\.inputFeatures/,
    );
  });
});

describe('validateQMlp on inputScales', () => {
  const { model } = quantizeStatic(mlp, calibration, options);
  const bad =
    (change: Partial<QMlpStatic>): (() => unknown) =>
    () =>
      validateQMlp({ ...model, ...change } as QMlpStatic);

  it('accepts the quantiser’s model and rejects each broken invariant by path', () => {
    expect(validateQMlp(model)).toBe(model);
    expect(bad({ format: 'qdq' })).toThrow(InvalidQMlpError);
    expect(bad({ inputScales: Float32Array.of(1, 1, 1) })).toThrow(/\$\.inputScales: has 3/);
    expect(bad({ inputScales: Float32Array.of(1, 0, 1, 1) })).toThrow(/\$\.inputScales\[1\]/);
    expect(bad({ inputScales: Float32Array.of(1, NaN, 1, 1) })).toThrow(/\$\.inputScales\[1\]/);
    const one = quantizeStatic(randomMlp([1, 4, 2], 2), randomInputs(50, 1, 1, 3), options).model;
    expect(one.inputScales).toBeUndefined();
    expect(one.input.zeroPoint).toBe(127);
    expect(() => validateQMlp({ ...one, inputScales: Float32Array.of(one.input.scale) })).toThrow(
      /one input quantises it per tensor/,
    );
  });
});
