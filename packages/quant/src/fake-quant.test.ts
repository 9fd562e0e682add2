import { createMlpGradients } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import { argmaxFirst } from './argmax.js';
import type { CalibrationRanges } from './calibration.js';
import { InputShapeError, QuantOptionsError } from './errors.js';
import {
  backwardFakeQuant,
  createFakeQuantEngine,
  fakeQuantizeActivations,
  forwardFakeQuant,
  forwardFakeQuantBatch,
  refreshFakeQuant,
} from './fake-quant.js';
import { createInt8Executor } from './forward-int8.js';
import { biasScales, weightQuantFor } from './qmlp.js';
import { dequantizeLinear, quantizeLinear, type TensorQuant } from './quantize-linear.js';
import { quantizeStatic } from './quantize-static.js';

describe('fakeQuantizeActivations', () => {
  const cases: TensorQuant[] = [
    { scale: Math.fround(0.1), zeroPoint: -3, elementType: 'int8' },
    { scale: 0.5, zeroPoint: 0, elementType: 'int8' },
    { scale: Math.fround(0.037), zeroPoint: 17, elementType: 'uint8' },
  ];
  const x = Float32Array.from([
    0,
    -0,
    0.25,
    0.75,
    -0.25,
    1.25,
    63.5,
    64,
    1e30,
    -1e30,
    Infinity,
    -Infinity,
    NaN,
    12.7,
    -12.8,
    Math.fround(0.05),
    Math.fround(0.15),
    3.3,
    -7.1,
  ]);

  it.each(cases)(
    'is DequantizeLinear(QuantizeLinear(x)) bit for bit, masking clamped values %#',
    (q) => {
      const out = new Float32Array(x.length);
      const mask = new Uint8Array(x.length);
      fakeQuantizeActivations(x, x.length, q, out, mask);
      const lower = (q.elementType === 'int8' ? -128 : 0) - q.zeroPoint;
      const upper = (q.elementType === 'int8' ? 127 : 255) - q.zeroPoint;
      x.forEach((v, i) => {
        const expected = dequantizeLinear(
          quantizeLinear(v, q.scale, q.zeroPoint, q.elementType),
          q.scale,
          q.zeroPoint,
        );
        expect(Object.is(out[i], Math.fround(expected))).toBe(true);
        const quotient = Math.fround(v / q.scale);
        expect(mask[i]).toBe(quotient >= lower && quotient <= upper ? 1 : 0);
      });
      expect(mask[8]).toBe(0); // 1e30
      expect(mask[12]).toBe(0); // NaN
      expect(mask[0]).toBe(1);
    },
  );
});

const mlp = randomMlp([3, 5, 4, 2], 21);
const calibration = randomInputs(200, 3, 1.5, 4);

describe('the fake-quantised parameters', () => {
  it.each([
    {},
    { perChannel: true, weightBits: [3, 5, 8] },
    { activationType: 'uint8' as const, logits: 'float' as const },
    { weightType: 'uint8' as const, activationType: 'uint8' as const, weightSymmetric: false },
  ])('are the converted model’s dequantised weights and biases (%j)', (options) => {
    const { model, ranges, scheme } = quantizeStatic(mlp, calibration, options);
    const engine = createFakeQuantEngine(mlp, 4, null);
    const quants = refreshFakeQuant(engine, ranges, scheme);
    expect(quants.input).toEqual(model.input);
    model.layers.forEach((layer, l) => {
      expect(quants.outputs[l]).toEqual(layer.output);
      const k = layer.inFeatures;
      const bs = biasScales(model, l);
      for (let j = 0; j < layer.outFeatures; j++) {
        const { scale, zeroPoint } = weightQuantFor(layer.weightQuant, j);
        for (let i = 0; i < k; i++) {
          expect(engine.layers[l]!.weight[j * k + i]).toBe(
            dequantizeLinear(layer.weight[j * k + i]!, scale, zeroPoint),
          );
        }
        expect(engine.layers[l]!.bias[j]).toBe(dequantizeLinear(layer.bias[j]!, bs[j]!, 0));
      }
    });
  });
});

describe('backwardFakeQuant', () => {
  it('is the straight-through gradient: float backprop through the fake-quantised values, zero where clamped', () => {
    const { ranges, scheme } = quantizeStatic(mlp, calibration);
    // Shrink layer 0's output range so that a good share of its activations clamp.
    const narrowed: CalibrationRanges = {
      input: ranges.input,
      layers: [{ min: 0, max: ranges.layers[0]!.max / 3 }, ...ranges.layers.slice(1)],
    };
    const n = 16;
    const x = randomInputs(n, 3, 1.5, 8);
    const gradients = createMlpGradients(mlp);
    const engine = createFakeQuantEngine(mlp, n, gradients, 'js');
    refreshFakeQuant(engine, narrowed, scheme);
    const logits = forwardFakeQuantBatch(engine, x, n);
    const g = Float64Array.from({ length: n * 2 }, (_, i) => Math.sin(3 * i + 1));
    engine.dLogits.set(g);
    backwardFakeQuant(engine, n);
    expect(engine.masks[2]!.subarray(0, n * 4).includes(0) || engine.masks[1]!.includes(0)).toBe(
      true,
    );
    expect(logits.length).toBe(n * 2);

    // Reference in float64 from the engine's own fake-quantised values and masks.
    const sizes = [3, 5, 4, 2];
    const expected = mlp.layers.map((layer) => ({
      weight: new Float64Array(layer.weight.length),
      bias: new Float64Array(layer.bias.length),
    }));
    for (let s = 0; s < n; s++) {
      let delta = Array.from({ length: 2 }, (_, j) =>
        engine.logitsMask[s * 2 + j] === 1 ? g[s * 2 + j]! : 0,
      );
      for (let l = 2; l >= 0; l--) {
        const k = sizes[l]!;
        const out = sizes[l + 1]!;
        const input = engine.activations[l]!.subarray(s * k, (s + 1) * k);
        const w = engine.layers[l]!.weight;
        if (mlp.layers[l]!.activation === 'relu') {
          // ReLU passes where the pre-activation (from the fake-quantised input) is > 0.
          delta = delta.map((d, j) => {
            let pre = engine.layers[l]!.bias[j]!;
            for (let i = 0; i < k; i++) pre += w[j * k + i]! * input[i]!;
            return pre > 0 ? d : 0;
          });
        }
        const e = expected[l]!;
        for (let j = 0; j < out; j++) {
          e.bias[j] = e.bias[j]! + delta[j]!;
          for (let i = 0; i < k; i++)
            e.weight[j * k + i] = e.weight[j * k + i]! + delta[j]! * input[i]!;
        }
        if (l === 0) break;
        const mask = engine.masks[l]!.subarray(s * k, (s + 1) * k);
        delta = Array.from({ length: k }, (_, i) => {
          let sum = 0;
          for (let j = 0; j < out; j++) sum += delta[j]! * w[j * k + i]!;
          return mask[i] === 1 ? sum : 0;
        });
      }
    }
    let nonZeroLayer0 = 0;
    expected.forEach((e, l) => {
      for (const key of ['weight', 'bias'] as const) {
        e[key].forEach((v, i) => {
          const got = gradients.layers[l]![key][i]!;
          expect(Math.abs(got - v)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)));
          if (l === 0 && v !== 0) nonZeroLayer0++;
        });
      }
    });
    expect(nonZeroLayer0).toBeGreaterThan(0);
  });

  it('stops every gradient below an activation that always clamps', () => {
    const { ranges, scheme } = quantizeStatic(mlp, calibration);
    const tiny: CalibrationRanges = {
      input: ranges.input,
      layers: [ranges.layers[0]!, { min: 0, max: 1e-6 }, ranges.layers[2]!],
    };
    const n = 32;
    const x = randomInputs(n, 3, 1.5, 9);
    const gradients = createMlpGradients(mlp);
    const engine = createFakeQuantEngine(mlp, n, gradients);
    refreshFakeQuant(engine, tiny, scheme);
    forwardFakeQuantBatch(engine, x, n);
    // Layer 1's ReLU outputs that are > 0 all exceed 1e-6 here, so every one of them clamps.
    engine.dLogits.fill(1, 0, n * 2);
    backwardFakeQuant(engine, n);
    expect(gradients.layers[0]!.weight.every((v) => v === 0)).toBe(true);
    expect(gradients.layers[1]!.weight.every((v) => v === 0)).toBe(true);
    expect(gradients.layers[2]!.bias.some((v) => v !== 0)).toBe(true);
  });
});

describe('forwardFakeQuant', () => {
  it.each([
    [[4, 16, 16, 2], {}],
    [[4, 32, 32, 2], { perChannel: true, weightBits: 4 }],
    [[4, 32, 3], { activationType: 'uint8' as const }],
    [
      [4, 24, 2],
      { executionPath: { kind: 'unfused-float' as const, gemm: 'gemm-transb' as const } },
    ],
  ])(
    'matches the converted model’s forwardInt8 up to rare one-step rounding differences (%j %j)',
    (sizes, options) => {
      const net = randomMlp(sizes, 5);
      const xs = randomInputs(2000, 4, 1, 9);
      const { model, ranges, scheme } = quantizeStatic(net, xs, options);
      const fake = forwardFakeQuant({ mlp: net, ranges, scheme }, xs);
      const int8 = createInt8Executor(model).forwardBatch(xs);
      const k = sizes[sizes.length - 1]!;
      const step = model.layers[model.layers.length - 1]!.output!.scale;
      let sameDecision = 0;
      let rowsDiffering = 0;
      for (let r = 0; r < 2000; r++) {
        const a = fake.subarray(r * k, (r + 1) * k);
        const b = int8.subarray(r * k, (r + 1) * k);
        if (argmaxFirst(a) === argmaxFirst(b)) sameDecision++;
        let differs = false;
        for (let j = 0; j < k; j++) {
          // Both are dequantised logits on the same grid: equal or a few steps apart.
          expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(3 * step * 1.0001);
          if (a[j] !== b[j]) differs = true;
        }
        if (differs) rowsDiffering++;
      }
      expect(sameDecision).toBeGreaterThanOrEqual(1990);
      expect(rowsDiffering).toBeLessThanOrEqual(20);
    },
  );

  it('with per-feature input scales matches the converted model’s forwardInt8 the same way', () => {
    const net = randomMlp([4, 24, 24, 2], 6);
    // Features with CartPole-like ranges, so the scales differ (θ's ≈ 20× finer than x's).
    const xs = randomInputs(2000, 4, 1, 10).map((v, k) => v * [2.4, 4, 0.21, 4][k % 4]!);
    const { model, ranges, scheme } = quantizeStatic(net, xs, {
      format: 'qoperator',
      activationType: 'uint8',
      perChannel: true,
      inputScale: 'per-feature',
    });
    expect(model.inputScales![2]! * 10).toBeLessThan(model.inputScales![0]!);
    const fake = forwardFakeQuant({ mlp: net, ranges, scheme }, xs);
    const int8 = createInt8Executor(model).forwardBatch(xs);
    const step = model.layers[model.layers.length - 1]!.output!.scale;
    let sameDecision = 0;
    for (let r = 0; r < 2000; r++) {
      const a = fake.subarray(2 * r, 2 * r + 2);
      const b = int8.subarray(2 * r, 2 * r + 2);
      if (argmaxFirst(a) === argmaxFirst(b)) sameDecision++;
      for (let j = 0; j < 2; j++)
        expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(3 * step * 1.0001);
    }
    expect(sameDecision).toBeGreaterThanOrEqual(1990);
  });

  it('with float logits differs from forwardInt8 only by float32 rounding', () => {
    const net = randomMlp([4, 16, 16, 2], 5);
    const xs = randomInputs(1000, 4, 1, 9);
    const { model, ranges, scheme } = quantizeStatic(net, xs, { logits: 'float' });
    const fake = forwardFakeQuant({ mlp: net, ranges, scheme }, xs);
    const int8 = createInt8Executor(model).forwardBatch(xs);
    fake.forEach((v, i) => expect(Math.abs(v - int8[i]!)).toBeLessThanOrEqual(1e-5));
  });

  it('does not depend on the batching, and checks its inputs', () => {
    const { ranges, scheme } = quantizeStatic(mlp, calibration);
    const all = forwardFakeQuant({ mlp, ranges, scheme }, calibration);
    const one = forwardFakeQuant({ mlp, ranges, scheme }, calibration.subarray(30, 33));
    expect(Array.from(one)).toEqual(Array.from(all.subarray(20, 22)));
    expect(() => forwardFakeQuant({ mlp, ranges, scheme }, new Float32Array(4))).toThrow(
      InputShapeError,
    );
    expect(() =>
      forwardFakeQuant({ mlp, ranges: { ...ranges, layers: [] }, scheme }, calibration),
    ).toThrow(QuantOptionsError);
    expect(forwardFakeQuant({ mlp, ranges, scheme }, new Float32Array(0))).toHaveLength(0);
  });
});
