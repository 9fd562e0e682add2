import { isFloatLayer, requantize, traceInt8, type QuantElementType } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32Range, ibpInt8 } from '../src/index.js';
import { quantize, randomBox, randomMlp, sizesArb } from './support/random-models.js';

describe('int8 interval bounds as executed', () => {
  it('requantize is monotone non-decreasing in the accumulator (positive multipliers)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.float({ min: Math.fround(1e-9), max: Math.fround(50), noNaN: true }),
        fc.constantFrom<QuantElementType>('int8', 'uint8'),
        fc.integer({ min: 0, max: 255 }),
        (a, b, multiplier, type, zp) => {
          const zeroPoint = type === 'uint8' ? zp : zp - 128;
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(requantize(lo, multiplier, zeroPoint, type)).toBeLessThanOrEqual(
            requantize(hi, multiplier, zeroPoint, type),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('is exact on the first fused-integer layer: every accumulator and output bound is attained', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom<QuantElementType>('int8', 'uint8'),
        fc.boolean(),
        (sizes, seed, activationType, perChannel) => {
          const mlp = randomMlp(sizes, seed);
          const model = quantize(
            mlp,
            {
              kind: 'static',
              activationType,
              perChannel,
              format: 'qdq',
              path: 'fused',
              logits: 'dequantize',
              bits: 8,
            },
            2,
            seed + 1,
          );
          if (model.format === 'dynamic') return;
          const box = randomBox(sizes[0]!, 2, 1, seed + 2);
          const bounds = ibpInt8(model, box).layers[0]!;
          if (bounds.kind !== 'integer') throw new Error('expected a fused-integer layer');
          const x32 = float32Range(box);
          const layer = model.layers[0]!;
          if (isFloatLayer(layer)) throw new Error('layer 0 is kept in float32');
          const n = layer.inFeatures;
          for (let j = 0; j < layer.outFeatures; j++) {
            const zpW =
              layer.weightQuant.zeroPoints[layer.weightQuant.granularity === 'per-tensor' ? 0 : j]!;
            for (const side of ['lower', 'upper'] as const) {
              // The corner that pushes every product towards this side of the accumulator.
              const corner = Float32Array.from({ length: n }, (_, i) => {
                const up = layer.weight[j * n + i]! - zpW >= 0 === (side === 'upper');
                return up ? x32.upper[i]! : x32.lower[i]!;
              });
              const trace = traceInt8(model, corner).layers[0]!;
              if (trace.kind !== 'integer') throw new Error('expected a fused-integer trace');
              expect(trace.accumulator[j]).toBe(bounds.accumulator[side][j]);
              expect(trace.output![j]).toBe(bounds.output![side][j]);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
