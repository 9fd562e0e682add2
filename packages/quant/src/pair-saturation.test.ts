import { describe, expect, it } from 'vitest';
import { forwardInt8 } from './forward-int8.js';
import { pairSaturationFree } from './pair-saturation.js';
import type { QMlpDynamic, QMlpStatic } from './qmlp.js';

/** One u8s8 layer 4 → 2 with float logits: weight rows `rows`, input scale 1, zero point `zp`. */
function u8s8Model(rows: readonly number[][], zp = 0): QMlpStatic {
  return {
    format: 'qoperator',
    executionPath: { kind: 'fused-integer' },
    input: { scale: 1, zeroPoint: zp, elementType: 'uint8' },
    layers: [
      {
        inFeatures: rows[0]!.length,
        outFeatures: rows.length,
        weight: Int8Array.from(rows.flat()),
        weightQuant: {
          elementType: 'int8',
          granularity: 'per-tensor',
          scales: Float32Array.of(1),
          zeroPoints: Int32Array.of(0),
          bits: 8,
        },
        bias: new Int32Array(rows.length),
        activation: 'identity',
        output: null,
      },
    ],
    logits: 'float',
  };
}

const bothSemantics = (model: QMlpStatic | QMlpDynamic, x: Float32Array): Float32Array[] => [
  forwardInt8(model, x, { cpu: 'vnni-exact' }),
  forwardInt8(model, x, { cpu: 'avx2-u8s8-saturating' }),
];

describe('pairSaturationFree', () => {
  it('is false for a pair 255·127 + 255·127 = 64770 > 32767, and the semantics then differ', () => {
    const model = u8s8Model([
      [127, 127, 0, 0],
      [1, 0, 0, 0],
    ]);
    expect(pairSaturationFree(model)).toBe(false);
    const [exact, saturating] = bothSemantics(model, Float32Array.of(255, 255, 0, 0));
    expect(Array.from(exact!)).toEqual([64770, 255]);
    expect(Array.from(saturating!)).toEqual([32767, 255]);
  });

  it('is false for a negative pair below -32768 and true at the int16 edges', () => {
    expect(pairSaturationFree(u8s8Model([[-128, -1, 0, 0]]))).toBe(false); // -33 150
    // 255·128 + 0 = 32 640 and 255·(64 + 64) = 32 640: inside int16.
    expect(pairSaturationFree(u8s8Model([[-128, 100, 64, 64]]))).toBe(true);
    // Pairs of opposite signs stay within 255·[−128, 127].
    expect(pairSaturationFree(u8s8Model([[-128, 127, 127, -128]]))).toBe(true);
  });

  it('pairs only adjacent (2i, 2i + 1): large weights at k = 1 and 2 do not form a pair', () => {
    expect(pairSaturationFree(u8s8Model([[0, 127, 127, 0]]))).toBe(true);
    expect(pairSaturationFree(u8s8Model([[127, 0, 127, 127]]))).toBe(false);
    // An odd last k is a single product.
    expect(pairSaturationFree(u8s8Model([[0, 0, 0, 0, 127]]))).toBe(true);
  });

  it('is true where the executor never takes the saturating path', () => {
    const saturatingRows = [[127, 127, 127, 127]];
    const base = u8s8Model(saturatingRows);
    // int8 activations: s8s8 kernels are exact.
    expect(pairSaturationFree({ ...base, input: { ...base.input, elementType: 'int8' } })).toBe(
      true,
    );
    // The unfused QDQ path runs a float32 Gemm.
    expect(
      pairSaturationFree({
        ...base,
        format: 'qdq',
        executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
      }),
    ).toBe(true);
  });

  it('checks dynamic layers, whose activations DynamicQuantizeLinear makes uint8', () => {
    const dynamic: QMlpDynamic = {
      format: 'dynamic',
      executionPath: { kind: 'fused-integer' },
      layers: [
        {
          inFeatures: 2,
          outFeatures: 1,
          weight: Int8Array.of(127, 127),
          weightQuant: {
            elementType: 'int8',
            granularity: 'per-tensor',
            scales: Float32Array.of(1),
            zeroPoints: Int32Array.of(0),
            bits: 8,
          },
          bias: new Float32Array(1),
          activation: 'identity',
        },
      ],
    };
    expect(pairSaturationFree(dynamic)).toBe(false);
    // x = (0, 1, 1): DynamicQuantizeLinear maps [0, 1] to 0..255, so both inputs quantise to 255.
    const [exact, saturating] = bothSemantics(dynamic, Float32Array.of(1, 1));
    expect(exact).not.toEqual(saturating);
    const small: QMlpDynamic = {
      ...dynamic,
      layers: [{ ...dynamic.layers[0]!, weight: Int8Array.of(64, 64) }],
    };
    expect(pairSaturationFree(small)).toBe(true);
  });
});
