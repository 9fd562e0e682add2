import { describe, expect, it } from 'vitest';
import {
  handDynamicModel,
  handStaticModel,
  randomInputs,
  randomMlp,
} from '../test/support/models.js';
import {
  AccumulatorOverflowError,
  InputShapeError,
  InvalidQMlpError,
  QuantOptionsError,
} from './errors.js';
import { createInt8Executor, forwardInt8, forwardInt8Batch, traceInt8 } from './forward-int8.js';
import type { QMlpStatic } from './qmlp.js';
import { quantizeDynamic } from './quantize-dynamic.js';
import { quantizeStatic } from './quantize-static.js';
import { scaleAccumulator } from './requantize.js';

describe('forwardInt8, static fused-integer', () => {
  // x = [1, 0.75] → q_x = [2, RNE(1.5) = 2]; acc = [4 + 4 - 2, -2 + 2 + 2] = [6, 2];
  // M = fl32(fl32(0.5 · 0.25) / 0.25) = 0.5 → q = [3, 1] → logits [0.75, 0.25].
  const x = Float32Array.from([1, 0.75]);

  it('computes the hand-checked logits and intermediates', () => {
    expect(Array.from(forwardInt8(handStaticModel(), x))).toEqual([0.75, 0.25]);
    const trace = traceInt8(handStaticModel(), x);
    const layer = trace.layers[0]!;
    expect(layer.kind).toBe('integer');
    if (layer.kind !== 'integer') return;
    expect(Array.from(layer.input)).toEqual([2, 2]);
    expect(layer.input).toBeInstanceOf(Int8Array);
    expect(Array.from(layer.accumulator)).toEqual([6, 2]);
    expect(Array.from(layer.output ?? [])).toEqual([3, 1]);
    expect(Array.from(trace.logits)).toEqual([0.75, 0.25]);
  });

  it('float logits are QGemm without y_scale: fl32(fl32(acc) · fl32(s_in · s_w))', () => {
    const model = handStaticModel();
    const floatModel: QMlpStatic = {
      ...model,
      logits: 'float',
      layers: [{ ...model.layers[0]!, output: null }],
    };
    expect(Array.from(forwardInt8(floatModel, x))).toEqual([0.75, 0.25]);
    expect(Array.from(forwardInt8(floatModel, Float32Array.from([0.2, -3])))).toEqual([
      Math.fround(4 + 0 * 2 + 6) * 0.125,
      Math.fround(-2 + 0 - 6) * 0.125,
    ]);
  });

  it('the unfused-float path dequantises, runs the float Gemm and requantises', () => {
    const model = handStaticModel({
      executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
    });
    expect(Array.from(forwardInt8(model, x))).toEqual([0.75, 0.25]);
    const trace = traceInt8(model, x);
    expect(trace.layers[0]!.kind).toBe('float-gemm');
    if (trace.layers[0]!.kind === 'float-gemm')
      expect(Array.from(trace.layers[0]!.gemmOutput)).toEqual([0.75, 0.25]);
  });

  it('forwardBatch equals per-sample forward and fills a given buffer', () => {
    const mlp = randomMlp([4, 9, 7, 3], 7);
    const { model } = quantizeStatic(mlp, randomInputs(50, 4, 2, 1));
    const xs = randomInputs(20, 4, 3, 2);
    const executor = createInt8Executor(model);
    const out = new Float32Array(60);
    expect(executor.forwardBatch(xs, out)).toBe(out);
    for (let r = 0; r < 20; r++) {
      expect(Array.from(out.subarray(r * 3, r * 3 + 3))).toEqual(
        Array.from(executor.forward(xs.subarray(r * 4, r * 4 + 4))),
      );
    }
    expect(Array.from(forwardInt8Batch(model, xs))).toEqual(Array.from(out));
  });

  it('the AVX2 semantics saturate u8·s8 pair sums where the exact semantics do not', () => {
    const model: QMlpStatic = {
      format: 'qoperator',
      executionPath: { kind: 'fused-integer' },
      input: { scale: 1, zeroPoint: 128, elementType: 'uint8' },
      layers: [
        {
          inFeatures: 2,
          outFeatures: 1,
          weight: Int8Array.from([127, 127]),
          weightQuant: {
            elementType: 'int8',
            granularity: 'per-tensor',
            scales: Float32Array.from([1]),
            zeroPoints: Int32Array.from([0]),
            bits: 8,
          },
          bias: Int32Array.from([0]),
          activation: 'identity',
          output: null,
        },
      ],
      logits: 'float',
    };
    const x = Float32Array.from([127, 127]); // q = 255, 255
    expect(forwardInt8(model, x)[0]).toBe(32258);
    expect(forwardInt8(model, x, { cpu: 'avx2-u8s8-saturating' })[0]).toBe(255);
  });
});

describe('forwardInt8, dynamic', () => {
  it('quantises each layer input at run time and adds the float bias after scaling', () => {
    const trace = traceInt8(handDynamicModel(), Float32Array.from([-1, 3]));
    const layer = trace.layers[0]!;
    expect(layer.kind).toBe('dynamic');
    if (layer.kind !== 'dynamic') return;
    expect(layer.inputQuant.zeroPoint).toBe(64);
    expect(Array.from(layer.input)).toEqual([0, 255]);
    expect(Array.from(layer.accumulator)).toEqual([-64 + 2 * 191, -3 * 64 - 191]);
    const m = Math.fround(layer.inputQuant.scale * 0.5);
    expect(Array.from(trace.logits)).toEqual([
      scaleAccumulator(318, m, 0.25),
      scaleAccumulator(-383, m, -1),
    ]);
  });

  it('per-batch ranges differ from per-sample ranges, as one batched onnxruntime call differs from many', () => {
    const { model } = quantizeDynamic(randomMlp([4, 8, 2], 3));
    const xs = Float32Array.from([0.1, -0.2, 0.3, 0.05, 40, -25, 10, 3]);
    const perSample = forwardInt8Batch(model, xs);
    const perBatch = createInt8Executor(model, { dynamicRange: 'per-batch' }).forwardBatch(xs);
    expect(Array.from(perBatch.subarray(0, 2))).not.toEqual(Array.from(perSample.subarray(0, 2)));
    expect(Array.from(perSample.subarray(0, 2))).toEqual(
      Array.from(forwardInt8(model, xs.subarray(0, 4))),
    );
  });
});

describe('executor errors', () => {
  it('refuses inputs of the wrong length', () => {
    expect(() => forwardInt8(handStaticModel(), new Float32Array(3))).toThrow(InputShapeError);
    expect(() => forwardInt8Batch(handStaticModel(), new Float32Array(3))).toThrow(InputShapeError);
    expect(() =>
      createInt8Executor(handStaticModel()).forwardBatch(new Float32Array(4), new Float32Array(3)),
    ).toThrow(InputShapeError);
  });

  it('refuses a model whose int32 accumulator could overflow', () => {
    const model = handStaticModel();
    const layer = model.layers[0]!;
    const big: QMlpStatic = {
      ...model,
      layers: [{ ...layer, bias: Int32Array.from([2 ** 31 - 10, 0]) }],
    };
    expect(() => createInt8Executor(big)).toThrow(AccumulatorOverflowError);
  });

  it('refuses invalid models and options', () => {
    const model = handStaticModel();
    expect(() => createInt8Executor({ ...model, input: { ...model.input, scale: 0.1 } })).toThrow(
      InvalidQMlpError,
    );
    expect(() => createInt8Executor(model, { cpu: 'sse' as never })).toThrow(QuantOptionsError);
  });
});
