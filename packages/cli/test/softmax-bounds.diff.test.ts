// interval's sound bounds of a float32 Softmax head (`softmaxBoundsFp32`, with its stated
// allowance for exp, sum and normalisation) against onnxruntime-node's Softmax, zero tolerance:
// at points (bounds from the logits themselves) and over boxes of logits (points sampled inside).
// The network is `writeMlpOnnx` of a k → k identity Gemm with a Softmax head, so onnxruntime's
// Softmax sees exactly the float32 logits chosen here.
import { createSeededRng, type Mlp } from '@quantproof/nn';
import { createOrtSession, type OrtSession, writeMlpOnnx } from '@quantproof/onnx';
import { softmaxBoundsFp32 } from '@quantproof/interval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function identitySoftmax(k: number): Mlp {
  const weight = new Float32Array(k * k);
  for (let j = 0; j < k; j++) weight[j * k + j] = 1;
  return {
    layers: [
      { inFeatures: k, outFeatures: k, weight, bias: new Float32Array(k), activation: 'identity' },
    ],
    head: 'softmax',
  };
}

const sessions = new Map<number, OrtSession>();
beforeAll(async () => {
  for (let k = 2; k <= 8; k++)
    sessions.set(k, await createOrtSession(writeMlpOnnx(identitySoftmax(k))));
});
afterAll(async () => {
  for (const session of sessions.values()) await session.release();
});

const rng = createSeededRng(20_250_101);
const uniform = (low: number, high: number): number => low + (high - low) * rng.nextFloat64();

describe('softmaxBoundsFp32 vs onnxruntime-node', () => {
  it('contains ORT’s probabilities at 28 000 logit vectors (2 to 8 classes, spreads 1e-3 to 1e3)', async () => {
    const outside: string[] = [];
    let checked = 0;
    let worstRelative = 0;
    for (let k = 2; k <= 8; k++) {
      const rows = 4000;
      const logits = new Float32Array(rows * k);
      for (let r = 0; r < rows; r++) {
        const centre = uniform(-50, 50);
        const spread = 10 ** uniform(-3, 3);
        for (let j = 0; j < k; j++) {
          logits[r * k + j] = Math.fround(centre + spread * uniform(-1, 1));
        }
      }
      const p = await sessions.get(k)!.run(logits, rows);
      for (let r = 0; r < rows; r++) {
        const z = Float64Array.from(logits.subarray(r * k, (r + 1) * k));
        const bounds = softmaxBoundsFp32({ lower: z, upper: z })!;
        const max = Math.max(...z);
        const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
        for (let j = 0; j < k; j++) {
          const v = p[r * k + j]!;
          if (!(bounds.lower[j]! <= v && v <= bounds.upper[j]!)) {
            outside.push(`${Array.from(z).join(', ')} → p_${j} = ${v}`);
          }
          const exact = Math.exp(z[j]! - max) / sum;
          if (exact > 2 ** -100)
            worstRelative = Math.max(worstRelative, Math.abs(v - exact) / exact);
        }
        checked++;
      }
    }
    console.log(
      `softmax bounds: ${checked} vectors; ORT's largest relative error against the exact ` +
        `Softmax ${worstRelative.toExponential(2)}, allowance per term 2^-14 = ${(2 ** -14).toExponential(2)}`,
    );
    expect(outside.slice(0, 5)).toEqual([]);
  });

  it('contains ORT’s probabilities at points sampled in logit boxes', async () => {
    const outside: string[] = [];
    for (let k = 2; k <= 8; k++) {
      for (let b = 0; b < 40; b++) {
        const lower = Float64Array.from({ length: k }, () => Math.fround(uniform(-20, 20)));
        const upper = lower.map((l) => Math.fround(l + 10 ** uniform(-4, 1)));
        const bounds = softmaxBoundsFp32({ lower, upper })!;
        const rows = 100;
        const logits = new Float32Array(rows * k);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < k; j++) {
            // Corners half the time: where the bounds are attained.
            const t = r % 2 === 0 ? Math.round(rng.nextFloat64()) : rng.nextFloat64();
            logits[r * k + j] = Math.fround(lower[j]! + (upper[j]! - lower[j]!) * t);
          }
        }
        const p = await sessions.get(k)!.run(logits, rows);
        for (let i = 0; i < rows * k; i++) {
          if (!(bounds.lower[i % k]! <= p[i]! && p[i]! <= bounds.upper[i % k]!)) {
            outside.push(`box ${b} (k = ${k}), row ${Math.floor(i / k)}: p = ${p[i]}`);
          }
        }
      }
    }
    expect(outside.slice(0, 5)).toEqual([]);
  });
});
