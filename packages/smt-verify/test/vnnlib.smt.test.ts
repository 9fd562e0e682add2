// verifyVnnlibProperty on hand-written properties (the `VnnlibProperty` that onnx's parseVnnlib
// returns), with and without an injected runtime. The VNN-COMP 2022 cartpole instances,
// read from .onnx and VNN-LIB files and replayed in onnxruntime-node, are
// packages/cli/test/vnnlib.test.ts.
import { forwardFp32, type VnnlibBound, type VnnlibProperty } from '@quantproof/nn';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuntimeFp32Replay } from '../src/replay.js';
import { verifyVnnlibProperty } from '../src/vnnlib-verify.js';
import { releaseZ3 } from '../src/z3-session.js';
import { diagonal } from '@quantproof/test-support/tiny-nets';

afterAll(releaseZ3);

/** A bound at numerator / denominator. */
function bound(numerator: bigint, denominator: bigint): VnnlibBound {
  return {
    exact: { numerator, denominator },
    value: Number(numerator) / Number(denominator),
    strict: false,
  };
}

/** The box lower ≤ X ≤ upper (in quarters) with the unsafe region Y_0 ≤ Y_1. */
function property(lower: [bigint, bigint], upper: [bigint, bigint]): VnnlibProperty {
  return {
    inputSize: 2,
    outputSize: 2,
    lower: lower.map((q) => bound(q, 4n)),
    upper: upper.map((q) => bound(q, 4n)),
    output: [
      [
        {
          terms: [
            { index: 0, coefficient: { numerator: 1n, denominator: 1n } },
            { index: 1, coefficient: { numerator: -1n, denominator: 1n } },
          ],
          bound: { numerator: 0n, denominator: 1n },
          strict: false,
        },
      ],
    ],
  };
}

describe('verifyVnnlibProperty on a parsed-property structure', () => {
  it('proves Y_0 > Y_1 where x0 − x1 ≥ 1/4', async () => {
    const result = await verifyVnnlibProperty(diagonal, property([2n, 0n], [4n, 1n]), {
      timeoutSeconds: 30,
    });
    expect(result.kind).toBe('unsat');
  });

  it('finds a counterexample replayed in forwardFp32 only when no runtime is injected', async () => {
    const p = property([0n, 0n], [4n, 4n]);
    const result = await verifyVnnlibProperty(diagonal, p, { timeoutSeconds: 30 });
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    const { input, output, runtimeReplay } = result.counterexample;
    expect(runtimeReplay).toBe('none');
    p.lower.forEach((b, i) => expect(input[i]!).toBeGreaterThanOrEqual(b.value));
    p.upper.forEach((b, i) => expect(input[i]!).toBeLessThanOrEqual(b.value));
    expect(Array.from(output)).toEqual(Array.from(forwardFp32(diagonal, input)));
    expect(output[0]!).toBeLessThanOrEqual(output[1]!);
  });

  it('confirms a counterexample in an injected runtime and reports its output', async () => {
    const inputs: Float32Array[] = [];
    const replay: RuntimeFp32Replay = {
      name: 'test-runtime',
      fp32: (mlp, x) => {
        inputs.push(x);
        return Promise.resolve(forwardFp32(mlp, x));
      },
    };
    const result = await verifyVnnlibProperty(diagonal, property([0n, 0n], [4n, 4n]), {
      timeoutSeconds: 30,
      replay,
    });
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    expect(result.counterexample.runtimeReplay).toBe('test-runtime');
    expect(inputs).toContain(result.counterexample.input);
  });

  it('rejects a counterexample that the runtime does not reproduce', async () => {
    // A runtime whose outputs never meet Y_0 ≤ Y_1: nothing is confirmed, so no `sat`.
    const replay: RuntimeFp32Replay = {
      name: 'never-unsafe',
      fp32: () => Promise.resolve(Float32Array.of(1, 0)),
    };
    const result = await verifyVnnlibProperty(diagonal, property([0n, 0n], [4n, 4n]), {
      timeoutSeconds: 2,
      replay,
    });
    expect(result.kind).not.toBe('sat');
  });
});

describe('Y_j are the float32 outputs the network computes', () => {
  // y = x + 2²⁴ at x = 1: the exact value 2²⁴ + 1 is above 2²⁴, but float32 rounds the sum to 2²⁴
  // (ties to even), so every float32 execution meets Y_0 ≤ 2²⁴: `sat`, never `unsat`.
  const mlp = {
    layers: [
      {
        inFeatures: 1,
        outFeatures: 1,
        weight: Float32Array.of(1),
        bias: Float32Array.of(2 ** 24),
        activation: 'identity' as const,
      },
    ],
  };
  const atMost = (limit: bigint): VnnlibProperty => ({
    inputSize: 1,
    outputSize: 1,
    lower: [bound(4n, 4n)],
    upper: [bound(4n, 4n)],
    output: [
      [
        {
          terms: [{ index: 0, coefficient: { numerator: 1n, denominator: 1n } }],
          bound: { numerator: limit, denominator: 1n },
          strict: false,
        },
      ],
    ],
  });

  it('a condition false in real arithmetic but met by float32 is never unsat', async () => {
    // Without a runtime nothing confirms the float32 witness (onnxruntime-node confirms it in the
    // cli's packages/cli/test/vnnlib-float32.test.ts): unknown, never a proof.
    expect(forwardFp32(mlp, Float32Array.of(1))[0]).toBe(2 ** 24);
    const result = await verifyVnnlibProperty(mlp, atMost(2n ** 24n), { timeoutSeconds: 30 });
    expect(result.kind).toBe('unknown');
  });

  it('a condition no float32 execution meets is unsat', async () => {
    const result = await verifyVnnlibProperty(mlp, atMost(2n ** 24n - 8n), { timeoutSeconds: 30 });
    expect(result.kind).toBe('unsat');
  });
});
