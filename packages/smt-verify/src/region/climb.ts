// A local search that raises δ*'s lower end: from the best disagreement known, coordinate steps
// inside the region that keep the int8 decision different and raise FP32's float margin, halved
// when stuck; the end point counts only once judged exactly (`judgePoint`).
import type { Box } from '@quantproof/interval';
import { forwardFp32, type Mlp } from '@quantproof/nn';
import { type CpuSemantics, decideOutputs, type QMlp } from '@quantproof/quant';
import { approximateDown } from '../rational.js';
import { int8Outputs, judgePoint } from '../replay.js';

/** FP32's float margin at x where the int8 decision differs from FP32's, else −Infinity. */
export function flipScore(mlp: Mlp, model: QMlp, x: Float32Array, cpu: CpuSemantics): number {
  const q = int8Outputs(model, x, cpu);
  if (q === null) return -Infinity;
  const y = forwardFp32(mlp, x);
  const a = decideOutputs(y);
  if (a === decideOutputs(q)) return -Infinity;
  let m = Infinity;
  for (let j = 0; j < y.length; j++) if (j !== a) m = Math.min(m, y[a]! - y[j]!);
  return m;
}

/**
 * Climbs from `start` (a disagreement) for at most `evaluations` point evaluations; returns the end
 * point and its exact FP32 margin (rounded down) when it is a judged disagreement, else null.
 */
export function climbFlipMargin(
  mlp: Mlp,
  model: QMlp,
  region: Box,
  start: readonly number[],
  cpu: CpuSemantics,
  evaluations = 400,
): { input: number[]; margin: number } | null {
  let x = Float32Array.from(start);
  let score = flipScore(mlp, model, x, cpu);
  if (score === -Infinity) return null;
  const step = Array.from(region.lower, (l, i) => (region.upper[i]! - l) / 16);
  const floor = Array.from(region.lower, (l, i) => 1e-6 * (region.upper[i]! - l));
  for (let n = 0; n < evaluations && step.some((v, i) => v > floor[i]!);) {
    let moved = false;
    for (let i = 0; i < x.length; i++) {
      for (const sign of [1, -1]) {
        const y = Float32Array.from(x);
        y[i] = Math.fround(
          Math.min(Math.max(x[i]! + sign * step[i]!, region.lower[i]!), region.upper[i]!),
        );
        n++;
        const v = flipScore(mlp, model, y, cpu);
        if (v > score) {
          x = y;
          score = v;
          moved = true;
        }
      }
    }
    if (!moved) for (let i = 0; i < step.length; i++) step[i] = step[i]! / 2;
  }
  const judged = judgePoint(mlp, model, x, { cpu });
  if (judged.kind !== 'disagree') return null;
  return { input: Array.from(x), margin: approximateDown(judged.fp32Margin) };
}
