import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createInt8Executor,
  dequantizeLinear,
  inputFeatureQuant,
  layerInputQuant,
  layerMultipliers,
  quantizeDynamic,
  quantizeLinear,
  quantizeStatic,
  requantize,
  weightQuantFor,
  isFloatLayer,
  type QMlp,
  type QuantElementType,
} from '../src/index.js';
import { dynamicQuantizationParams } from '../src/internal/dynamic-quantization.js';
import { randomInputs, randomMlp } from './support/models.js';

const sizesArb = fc
  .tuple(
    fc.integer({ min: 1, max: 6 }),
    fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 0, maxLength: 2 }),
    fc.integer({ min: 1, max: 4 }),
  )
  .map(([i, hidden, o]) => [i, ...hidden, o]);

const staticCaseArb = fc.record({
  sizes: sizesArb,
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  activationType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
  perChannel: fc.boolean(),
  bits: fc.integer({ min: 2, max: 8 }),
  logits: fc.constantFrom<'dequantize' | 'float'>('dequantize', 'float'),
  inputScale: fc.constantFrom(0.5, 2, 8),
  // One input scale per feature (QOperator), odd features calibrated on a 20× narrower range.
  perFeatureInput: fc.boolean(),
});

/** Σ (q_x - zp_x)(q_w - zp_w) (+ bias) in BigInt, independent of the executor's arithmetic. */
function bigAccumulator(
  model: QMlp,
  l: number,
  input: ArrayLike<number>,
  zpX: number,
  j: number,
): bigint {
  const layer = model.layers[l]!;
  if (isFloatLayer(layer)) throw new Error(`layer ${l} is kept in float32`);
  const k = layer.inFeatures;
  let sum = 0n;
  const zpW = weightQuantFor(layer.weightQuant, j).zeroPoint;
  for (let i = 0; i < k; i++)
    sum += BigInt(input[i]! - zpX) * BigInt(layer.weight[j * k + i]! - zpW);
  return model.format === 'dynamic' ? sum : sum + BigInt((layer.bias as Int32Array)[j]!);
}

describe('forwardInt8 intermediates (static)', () => {
  it('are consistent: QuantizeLinear input, BigInt accumulators, requantised outputs, dequantised logits', () => {
    fc.assert(
      fc.property(
        staticCaseArb,
        ({
          sizes,
          seed,
          activationType,
          perChannel,
          bits,
          logits,
          inputScale,
          perFeatureInput,
        }) => {
          const mlp = randomMlp(sizes, seed);
          const n = sizes[0]!;
          const narrow = (v: number, k: number): number =>
            perFeatureInput && (k % n) % 2 === 1 ? Math.fround(v / 20) : v;
          const { model } = quantizeStatic(
            mlp,
            randomInputs(16, n, inputScale, seed + 1).map(narrow),
            {
              activationType,
              perChannel,
              weightBits: bits,
              logits,
              ...(perFeatureInput ? { format: 'qoperator', inputScale: 'per-feature' } : {}),
            },
          );
          expect(model.inputScales === undefined).toBe(!perFeatureInput || n === 1);
          const executor = createInt8Executor(model);
          const x = randomInputs(1, n, inputScale * 1.5, seed + 2).map(narrow);
          const trace = executor.trace(x);
          for (let i = 0; i < x.length; i++) {
            // Each feature with its own scale (per-feature input scales) and the shared zero point.
            const t = inputFeatureQuant(model, i);
            expect(trace.layers[0]!.input[i]).toBe(
              quantizeLinear(x[i]!, t.scale, t.zeroPoint, activationType),
            );
          }
          trace.layers.forEach((t, l) => {
            if (t.kind !== 'integer') throw new Error('expected integer layers');
            const inQ = layerInputQuant(model, l);
            const multipliers = layerMultipliers(model, l);
            const layer = model.layers[l]!;
            for (let j = 0; j < layer.outFeatures; j++) {
              expect(BigInt(t.accumulator[j]!)).toBe(
                bigAccumulator(model, l, t.input, inQ.zeroPoint, j),
              );
              if (layer.output !== null) {
                expect(t.output![j]).toBe(
                  requantize(
                    t.accumulator[j]!,
                    multipliers[j]!,
                    layer.output.zeroPoint,
                    layer.output.elementType,
                  ),
                );
              }
            }
            if (l + 1 < trace.layers.length)
              expect(Array.from(trace.layers[l + 1]!.input)).toEqual(Array.from(t.output!));
          });
          const lastLayer = model.layers[model.layers.length - 1]!;
          const lastTrace = trace.layers[trace.layers.length - 1]!;
          if (lastTrace.kind === 'integer' && lastLayer.output !== null) {
            const out = lastLayer.output;
            expect(Array.from(trace.logits)).toEqual(
              Array.from(lastTrace.output!, (q) => dequantizeLinear(q, out.scale, out.zeroPoint)),
            );
          }
          expect(Array.from(executor.forward(x))).toEqual(Array.from(trace.logits));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('batched logits equal per-sample logits (no state leaks between samples)', () => {
    fc.assert(
      fc.property(
        staticCaseArb,
        fc.integer({ min: 1, max: 6 }),
        ({ sizes, seed, activationType, perChannel }, count) => {
          const { model } = quantizeStatic(
            randomMlp(sizes, seed),
            randomInputs(16, sizes[0]!, 2, seed + 3),
            {
              activationType,
              perChannel,
            },
          );
          const executor = createInt8Executor(model);
          const xs = randomInputs(count, sizes[0]!, 3, seed + 4);
          const batch = Array.from(executor.forwardBatch(xs));
          const single: number[] = [];
          for (let r = 0; r < count; r++)
            single.push(...executor.forward(xs.subarray(r * sizes[0]!, (r + 1) * sizes[0]!)));
          expect(batch).toEqual(single);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('AVX2 saturation never triggers with reduced-range (7-bit) weights: both semantics agree', () => {
    fc.assert(
      fc.property(staticCaseArb, ({ sizes, seed }) => {
        const { model } = quantizeStatic(
          randomMlp(sizes, seed),
          randomInputs(16, sizes[0]!, 2, seed + 5),
          {
            activationType: 'uint8',
            reduceRange: true,
          },
        );
        const xs = randomInputs(8, sizes[0]!, 3, seed + 6);
        const exact = createInt8Executor(model, { cpu: 'vnni-exact' }).forwardBatch(xs);
        const avx2 = createInt8Executor(model, { cpu: 'avx2-u8s8-saturating' }).forwardBatch(xs);
        expect(Array.from(avx2)).toEqual(Array.from(exact));
      }),
      { numRuns: 40 },
    );
  });
});

describe('forwardInt8 intermediates (dynamic)', () => {
  it('re-derive each layer’s DynamicQuantizeLinear parameters and BigInt accumulators', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.boolean(),
        (sizes, seed, perChannel) => {
          const { model } = quantizeDynamic(randomMlp(sizes, seed), { perChannel });
          const x = randomInputs(1, sizes[0]!, 2, seed + 7);
          const trace = createInt8Executor(model).trace(x);
          let floatInput: Float32Array = x;
          trace.layers.forEach((t, l) => {
            if (t.kind !== 'dynamic') throw new Error('expected dynamic layers');
            expect(t.inputQuant).toEqual(dynamicQuantizationParams(floatInput));
            for (let i = 0; i < floatInput.length; i++) {
              expect(t.input[i]).toBe(
                quantizeLinear(floatInput[i]!, t.inputQuant.scale, t.inputQuant.zeroPoint, 'uint8'),
              );
            }
            for (let j = 0; j < model.layers[l]!.outFeatures; j++) {
              expect(BigInt(t.accumulator[j]!)).toBe(
                bigAccumulator(model, l, t.input, t.inputQuant.zeroPoint, j),
              );
            }
            floatInput = t.output;
          });
          expect(Array.from(trace.logits)).toEqual(Array.from(floatInput));
        },
      ),
      { numRuns: 60 },
    );
  });
});
