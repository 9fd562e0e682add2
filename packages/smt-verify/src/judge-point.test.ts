// judgePoint settles most points from the float32 FP32 logits and their error bound; that fast path
// must give exactly the judgement of the exact path (exact logits, fp32Against) — on random points
// and on points a few float32 steps from FP32's decision boundary, where only exact arithmetic can
// tell.
import { createBox, fp32ExecutionError, pairTolerance } from '@quantproof/interval';
import { createSeededRng, forwardFp32, mlpHead, type Mlp, type Rng } from '@quantproof/nn';
import { decideLogits, quantizeDynamic, SOFTMAX_ORDER_GAP } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactLogits } from './exact-fp32.js';
import { decisionOf, fp32Against, int8Outputs, judgePoint } from './replay.js';

function randomMlp(
  rng: Rng,
  inputs: number,
  hidden: number,
  outputs: number,
  softmax: boolean,
): Mlp {
  const u = (): number => Math.fround(2 * rng.nextFloat64() - 1);
  return {
    layers: [
      {
        inFeatures: inputs,
        outFeatures: hidden,
        weight: Float32Array.from({ length: inputs * hidden }, u),
        bias: Float32Array.from({ length: hidden }, u),
        activation: 'relu',
      },
      {
        inFeatures: hidden,
        outFeatures: outputs,
        weight: Float32Array.from({ length: hidden * outputs }, u),
        bias: Float32Array.from({ length: outputs }, () => u() / 8),
        activation: 'identity',
      },
    ],
    ...(softmax ? { head: 'softmax' as const } : {}),
  };
}

/** The exact path of judgePoint, spelled out. */
function exactJudgement(
  mlp: Mlp,
  model: ReturnType<typeof quantizeDynamic>['model'],
  x: Float32Array,
) {
  const int8Logits = int8Outputs(model, x);
  if (int8Logits === null) return null;
  const int8 = decideLogits(int8Logits, model.head);
  if (int8.kind === 'undetermined') return null;
  const errors = fp32ExecutionError(mlp, createBox(x, x));
  const y = exactLogits(mlp, x);
  const { action } = decisionOf(y);
  const r = fp32Against(y, errors, int8.action, action, mlpHead(mlp) === 'softmax');
  return r.beaten >= 0
    ? { kind: 'disagree', fp32Action: r.beaten }
    : r.inBand
      ? { kind: 'undetermined' }
      : { kind: 'agree-or-tie', tieTolerance: r.tolerance };
}

/**
 * Points where FP32's first two logits differ by about `target` (a number, or one per point):
 * bisection between two inputs on either side of that level (0 is FP32's decision boundary;
 * ±SOFTMAX_ORDER_GAP the edges of a Softmax head's band, where a point is undetermined or not by a
 * float32 step; ±(2·tol + gap), with tol the pair's float32 error bound at the point, is where the
 * fast path starts to settle points, and ±(tol + gap) is where the exact path does).
 */
function levelPoints(
  mlp: Mlp,
  rng: Rng,
  inputs: number,
  target: number | ((x: Float32Array) => number),
  count: number,
): Float32Array[] {
  const side = (x: Float32Array): boolean => {
    const f = forwardFp32(mlp, x);
    return f[0]! - f[1]! > (typeof target === 'number' ? target : target(x));
  };
  const points: Float32Array[] = [];
  for (let t = 0; t < 40 && points.length < count; t++) {
    let a = Float32Array.from({ length: inputs }, () => 4 * rng.nextFloat64() - 2);
    let b = Float32Array.from({ length: inputs }, () => 4 * rng.nextFloat64() - 2);
    if (side(a) === side(b)) continue;
    for (let s = 0; s < 60; s++) {
      const m = Float32Array.from(a, (v, i) => Math.fround((v + b[i]!) / 2));
      if (side(m) === side(a)) a = m;
      else b = m;
    }
    points.push(a, b);
  }
  return points;
}

describe('judgePoint', () => {
  it('judges exactly as exact arithmetic does, on random and on near-boundary points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 2, max: 4 }),
        fc.boolean(),
        (seed, inputs, hidden, outputs, softmax) => {
          const rng = createSeededRng(seed);
          const mlp = randomMlp(rng, inputs, hidden, outputs, softmax);
          const model = quantizeDynamic(mlp).model;
          const random = Array.from({ length: 8 }, () =>
            Float32Array.from({ length: inputs }, () => 4 * rng.nextFloat64() - 2),
          );
          const gap = softmax ? SOFTMAX_ORDER_GAP : 0;
          const tol = (x: Float32Array): number =>
            pairTolerance(fp32ExecutionError(mlp, createBox(x, x)), 0, 1);
          const levels = [
            0,
            SOFTMAX_ORDER_GAP,
            -SOFTMAX_ORDER_GAP,
            ...[1, 2].flatMap((k) => [
              (x: Float32Array) => k * tol(x) + gap,
              (x: Float32Array) => -(k * tol(x) + gap),
            ]),
          ];
          const near = levels.flatMap((target) => levelPoints(mlp, rng, inputs, target, 6));
          for (const x of [...random, ...near]) {
            const expected = exactJudgement(mlp, model, x);
            if (expected === null) continue;
            const got = judgePoint(mlp, model, x);
            expect(got.kind).toBe(expected.kind);
            if (got.kind === 'agree-or-tie' && expected.kind === 'agree-or-tie') {
              expect(got.tieTolerance).toBe(expected.tieTolerance);
            }
            if (got.kind === 'disagree' && expected.kind === 'disagree') {
              expect(got.fp32Action).toBe(expected.fp32Action);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
