// qmlpToJson / qmlpFromJson round-trip every model bit for bit: quantiser output over random
// schemes, and hand-built models with arbitrary float32 scales (subnormals included), arbitrary
// int8/uint8 weights and int32 biases. The executor gives the same logits before and after.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createInt8Executor,
  qmlpFromJson,
  qmlpToJson,
  quantizeDynamic,
  quantizeStatic,
  type QMlp,
  type QMlpStatic,
  type QuantElementType,
} from '../src/index.js';
import { randomInputs, randomMlp } from './support/models.js';

const sizesArb = fc
  .tuple(
    fc.integer({ min: 1, max: 5 }),
    fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 0, maxLength: 2 }),
    fc.integer({ min: 1, max: 4 }),
  )
  .map(([i, hidden, o]) => [i, ...hidden, o]);

const roundTrip = (model: QMlp): QMlp =>
  qmlpFromJson(JSON.parse(JSON.stringify(qmlpToJson(model))) as unknown).model;

/** Bit patterns of every typed array in the model, in document order. */
function bits(model: QMlp): string[] {
  const out: string[] = [];
  JSON.stringify(model, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value)) {
      const v = value as Float32Array;
      out.push(
        `${v.constructor.name}:${Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).join(',')}`,
      );
    }
    return value;
  });
  return out;
}

describe('QMlp JSON round trip', () => {
  it('is exact for quantiser output over random schemes', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.record({
          activationType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
          perChannel: fc.boolean(),
          weightBits: fc.integer({ min: 2, max: 8 }),
          logits: fc.constantFrom<'dequantize' | 'float'>('dequantize', 'float'),
          format: fc.constantFrom<'qdq' | 'qoperator'>('qdq', 'qoperator'),
          perFeatureInput: fc.boolean(),
        }),
        fc.boolean(),
        (sizes, seed, { perFeatureInput, ...options }, dynamic) => {
          const scheme = {
            ...options,
            inputScale:
              perFeatureInput && options.format === 'qoperator'
                ? ('per-feature' as const)
                : ('per-tensor' as const),
          };
          const mlp = randomMlp(sizes, seed);
          const model: QMlp = dynamic
            ? quantizeDynamic(mlp, { perChannel: scheme.perChannel, weightBits: scheme.weightBits })
                .model
            : quantizeStatic(mlp, randomInputs(12, sizes[0]!, 2, seed + 1), scheme).model;
          const back = roundTrip(model);
          expect(back).toEqual(model);
          expect(bits(back)).toEqual(bits(model));
          const x = randomInputs(3, sizes[0]!, 3, seed + 2);
          expect(Array.from(createInt8Executor(back).forwardBatch(x))).toEqual(
            Array.from(createInt8Executor(model).forwardBatch(x)),
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('is exact for arbitrary float32 scales, weights and int32 biases', () => {
    const scaleArb = fc.float({ min: Math.fround(1e-45), max: Math.fround(1e30), noNaN: true });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<QuantElementType>('int8', 'uint8'),
        scaleArb,
        scaleArb,
        fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 16, maxLength: 16 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 4, maxLength: 4 }),
        (k, n, elementType, inputScale, weightScale, weights, biases) => {
          const signed = elementType === 'int8';
          const model: QMlpStatic = {
            format: 'qdq',
            executionPath: { kind: 'fused-integer' },
            input: { scale: inputScale, zeroPoint: signed ? -5 : 130, elementType },
            layers: [
              {
                inFeatures: k,
                outFeatures: n,
                weight: Int8Array.from(weights.slice(0, k * n)),
                weightQuant: {
                  elementType: 'int8',
                  granularity: 'per-channel',
                  scales: new Float32Array(n).fill(weightScale),
                  zeroPoints: new Int32Array(n),
                  bits: 8,
                },
                bias: Int32Array.from(biases.slice(0, n)),
                activation: 'identity',
                output: { scale: weightScale, zeroPoint: signed ? 7 : 0, elementType },
              },
            ],
            logits: 'dequantize',
          };
          const back = roundTrip(model);
          expect(back).toEqual(model);
          expect(bits(back)).toEqual(bits(model));
        },
      ),
    );
  });
});
