import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantizeLinear, roundHalfEven } from '../src/index.js';
import { dynamicQuantizationParams } from '../src/internal/dynamic-quantization.js';

const f32 = Math.fround;

/** GetQuantizationParameter re-derived with float32 registers (every store into r rounds). */
function rederive(data: Float32Array): { scale: number; zeroPoint: number } {
  const r = new Float32Array(3);
  r[0] = 0; // min
  r[1] = 0; // max
  for (const v of data) {
    if (v < r[0]!) r[0] = v;
    if (v > r[1]!) r[1] = v;
  }
  let scale = 1;
  if (r[1] !== r[0]) {
    r[2] = r[1]! - r[0]!;
    r[2] = r[2]! / 255;
    scale = r[2]!;
  }
  r[2] = r[0]! / scale;
  r[2] = 0 - r[2]!;
  const v = r[2]!;
  const upper = v < 255 ? v : 255; // std::min(255.f, v)
  const clamped = 0 < upper ? upper : 0; // std::max(0.f, ·)
  return { scale, zeroPoint: roundHalfEven(clamped) };
}

describe('dynamicQuantizationParams', () => {
  const dataArb = fc
    .array(fc.float({ min: f32(-1e6), max: f32(1e6), noNaN: true, noDefaultInfinity: true }), {
      minLength: 1,
      maxLength: 32,
    })
    .map((values) => Float32Array.from(values));

  it('matches a float32 re-derivation of onnxruntime’s GetQuantizationParameter', () => {
    fc.assert(
      fc.property(dataArb, (data) => {
        const p = dynamicQuantizationParams(data);
        expect({ scale: p.scale, zeroPoint: p.zeroPoint }).toEqual(rederive(data));
      }),
    );
  });

  it('represents 0 exactly and every value within 1.5 steps (the zero point’s rounding shifts the grid ≤ ½)', () => {
    fc.assert(
      fc.property(dataArb, (data) => {
        const { scale, zeroPoint } = dynamicQuantizationParams(data);
        fc.pre(scale > 0); // a subnormal range underflows the scale to 0 (see the unit tests)
        expect(quantizeLinear(0, scale, zeroPoint, 'uint8')).toBe(zeroPoint);
        for (const v of data) {
          const q = quantizeLinear(v, scale, zeroPoint, 'uint8');
          expect(Math.abs((q - zeroPoint) * scale - v)).toBeLessThanOrEqual(scale * 1.5);
        }
      }),
    );
  });
});
