import { createSeededRng, type Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { exactLogits } from './exact-fp32.js';
import { rational, type Rational } from './rational.js';

function text(r: readonly Rational[]): string[] {
  return r.map((v) => `${String(v.numerator)}/${String(v.denominator)}`);
}

describe('exactLogits', () => {
  it('is the exact real value: 0.1f·3 + 0.2f, by hand', () => {
    const mlp: Mlp = {
      layers: [
        {
          inFeatures: 1,
          outFeatures: 1,
          weight: Float32Array.of(0.1),
          bias: Float32Array.of(0.2),
          activation: 'identity',
        },
      ],
    };
    // 0.1f = 13421773 / 2^27, 0.2f = 13421773 / 2^26.
    const expected = rational(13421773n * 3n * 1n + 13421773n * 2n, 1n << 27n);
    expect(text(exactLogits(mlp, [3]))).toEqual(text([expected]));
  });

  it('follows weights changed in place (its conversion cache never answers for old values)', () => {
    const rng = createSeededRng(3);
    const mlp: Mlp = {
      layers: [
        {
          inFeatures: 3,
          outFeatures: 4,
          weight: Float32Array.from({ length: 12 }, () => rng.nextFloat64() - 0.5),
          bias: Float32Array.from({ length: 4 }, () => rng.nextFloat64() - 0.5),
          activation: 'relu',
        },
        {
          inFeatures: 4,
          outFeatures: 2,
          weight: Float32Array.from({ length: 8 }, () => rng.nextFloat64() - 0.5),
          bias: Float32Array.of(0, 0),
          activation: 'identity',
        },
      ],
    };
    const x = [0.25, -0.5, 0.75];
    const before = text(exactLogits(mlp, x));
    expect(text(exactLogits(mlp, x))).toEqual(before);
    const fresh = (): Mlp => ({
      layers: mlp.layers.map((l) => ({
        ...l,
        weight: Float32Array.from(l.weight),
        bias: Float32Array.from(l.bias),
      })),
    });
    mlp.layers[1]!.weight[0] = 0.125;
    expect(text(exactLogits(mlp, x))).toEqual(text(exactLogits(fresh(), x)));
    mlp.layers[0]!.bias[2] = -0.25;
    expect(text(exactLogits(mlp, x))).toEqual(text(exactLogits(fresh(), x)));
    expect(text(exactLogits(mlp, x))).not.toEqual(before);
  });
});
