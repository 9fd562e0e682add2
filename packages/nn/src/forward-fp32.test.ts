import { describe, expect, it } from 'vitest';
import { NnShapeError } from './errors.js';
import {
  createForwardFp32Workspace,
  forwardBatchFp32,
  forwardFp32,
  forwardFp32Into,
} from './forward-fp32.js';
import type { Activation, DenseLayer, Mlp } from './mlp.js';

function dense(
  inFeatures: number,
  outFeatures: number,
  weight: number[],
  bias: number[],
  activation: Activation,
): DenseLayer {
  return {
    inFeatures,
    outFeatures,
    weight: Float32Array.from(weight),
    bias: Float32Array.from(bias),
    activation,
  };
}

const EPS = 2 ** -23; // float32 ulp of 1

describe('forwardFp32 on hand-computed networks', () => {
  it('computes a small ReLU network exactly', () => {
    // h = relu([[1, -2], [0.5, 3]] x + [0.25, -10]); y = [[2, -1]] h + [1]
    const mlp: Mlp = {
      layers: [
        dense(2, 2, [1, -2, 0.5, 3], [0.25, -10], 'relu'),
        dense(2, 1, [2, -1], [1], 'identity'),
      ],
    };
    // x = [3, 1]: h = relu([1.25, -7.5]) = [1.25, 0]; y = 2.5 + 1 = 3.5
    expect(Array.from(forwardFp32(mlp, Float32Array.of(3, 1)))).toEqual([3.5]);
    // x = [-1, 4]: h = relu([-8.75, 1.5]) = [0, 1.5]; y = -1.5 + 1 = -0.5
    expect(Array.from(forwardFp32(mlp, Float32Array.of(-1, 4)))).toEqual([-0.5]);
  });

  it('rounds every sum to float32, in increasing input order', () => {
    const x = Float32Array.of(1, 1, 1);
    const small = 2 ** -24; // half an ulp of 1: 1 + small is a tie that rounds to even (1)
    const forwards: Mlp = { layers: [dense(3, 1, [small, small, 1], [0], 'identity')] };
    const backwards: Mlp = { layers: [dense(3, 1, [1, small, small], [0], 'identity')] };
    // small + small = 2^-23 exactly, then 1 + 2^-23 is representable.
    expect(forwardFp32(forwards, x)[0]).toBe(1 + EPS);
    // 1 + 2^-24 rounds to 1, twice: the float64 sum would be 1 + 2^-23.
    expect(forwardFp32(backwards, x)[0]).toBe(1);
  });

  it('rounds every product to float32', () => {
    const a = 1 + EPS;
    const mlp: Mlp = { layers: [dense(1, 1, [a], [0], 'identity')] };
    // (1 + 2^-23)² = 1 + 2^-22 + 2^-46 rounds to 1 + 2^-22.
    expect(forwardFp32(mlp, Float32Array.of(a))[0]).toBe(1 + 2 * EPS);
  });

  it('adds the bias last and rounds it', () => {
    const mlp: Mlp = { layers: [dense(2, 1, [1, 1], [1], 'identity')] };
    // acc = 1, then 1 + 2^24 is a tie that rounds to even (2^24), then 2^24 + 1 rounds to 2^24
    // again. Adding the bias first, or summing in float64, would give 2^24 + 2.
    expect(forwardFp32(mlp, Float32Array.of(1, 2 ** 24))[0]).toBe(2 ** 24);
  });

  it('applies ReLU as y < 0 ? 0 : y on relu layers only', () => {
    const relu: Mlp = { layers: [dense(1, 2, [1, -1], [0, 0], 'relu')] };
    expect(Array.from(forwardFp32(relu, Float32Array.of(2)))).toEqual([2, 0]);
    const identity: Mlp = { layers: [dense(1, 2, [1, -1], [0, 0], 'identity')] };
    expect(Array.from(forwardFp32(identity, Float32Array.of(2)))).toEqual([2, -2]);
  });
});

describe('forwardFp32 variants', () => {
  const mlp: Mlp = {
    layers: [
      dense(2, 3, [0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [0.01, -0.02, 0.03], 'relu'),
      dense(3, 2, [1, -1, 0.5, 0.25, 2, -3], [0, 0.5], 'identity'),
    ],
  };

  it('forwardFp32Into writes into the caller buffer and reuses a workspace', () => {
    const out = new Float32Array(2);
    const workspace = createForwardFp32Workspace(mlp);
    const x = Float32Array.of(0.7, -1.3);
    expect(forwardFp32Into(mlp, x, out, workspace)).toBe(out);
    expect(out).toEqual(forwardFp32(mlp, x));
  });

  it('forwardBatchFp32 handles n = 0 and ignores trailing input', () => {
    expect(forwardBatchFp32(mlp, new Float32Array(0), 0)).toEqual(new Float32Array(0));
    const inputs = Float32Array.of(0.7, -1.3, 99);
    expect(forwardBatchFp32(mlp, inputs, 1)).toEqual(forwardFp32(mlp, inputs.subarray(0, 2)));
  });

  it('rejects wrong shapes', () => {
    expect(() => forwardFp32(mlp, new Float32Array(3))).toThrow(NnShapeError);
    expect(() => forwardFp32Into(mlp, new Float32Array(2), new Float32Array(1))).toThrow(
      /output buffer holds 1/,
    );
    expect(() => forwardBatchFp32(mlp, new Float32Array(3), 2)).toThrow(/needs 4 input values/);
    expect(() =>
      forwardBatchFp32(mlp, new Float32Array(4), 2, { out: new Float32Array(3) }),
    ).toThrow(NnShapeError);
    expect(() => forwardBatchFp32(mlp, new Float32Array(4), -1)).toThrow(NnShapeError);
    const tiny = { ping: new Float32Array(1), pong: new Float32Array(1) };
    expect(() => forwardFp32Into(mlp, new Float32Array(2), new Float32Array(2), tiny)).toThrow(
      /createForwardFp32Workspace/,
    );
  });
});

describe('forwardFp32 validation', () => {
  it('rejects a malformed network with NnShapeError', () => {
    const broken: Mlp = { layers: [dense(2, 2, [1, 2, 3], [0, 0], 'relu')] };
    expect(() => forwardFp32(broken, new Float32Array(2))).toThrow(NnShapeError);
    expect(() => forwardBatchFp32(broken, new Float32Array(2), 1)).toThrow(/weight has 3/);
  });
});
