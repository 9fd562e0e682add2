import { NnOptionsError } from './errors.js';
import { type GradientSink, checkRows, sinkScale } from './gradient-sink.js';
import type { Logits } from './log-softmax.js';

/** Options of `distillationKl`. */
export interface DistillationOptions {
  /** Softmax temperature T > 0; default 1. */
  readonly temperature?: number;
}

/** Max and shifted log-sum of the row `z / T`: `log softmax(z/T)_i = z_i/T - max - logSum`. */
function scaledRow(
  logits: Logits,
  offset: number,
  k: number,
  inverseT: number,
): { max: number; logSum: number } {
  let max = -Infinity;
  for (let i = 0; i < k; i++) max = Math.max(max, logits[offset + i]! * inverseT);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.exp(logits[offset + i]! * inverseT - max);
  return { max, logSum: Math.log(sum) };
}

/**
 * Knowledge-distillation loss (Hinton et al.): `T² · mean_s KL(softmax(t_s/T) ‖ softmax(z_s/T))`
 * for teacher logits t and student logits z, `n` rows of `k`. With a `sink`, adds
 * `scale · T · (softmax(z/T) - softmax(t/T)) / n` (the gradient w.r.t. the student logits). The
 * soft-target cross-entropy differs from this only by the teacher's entropy, a constant.
 */
export function distillationKl(
  studentLogits: Logits,
  teacherLogits: Logits,
  n: number,
  k: number,
  options: DistillationOptions = {},
  sink?: GradientSink,
): number {
  checkRows('distillationKl', studentLogits, n, k);
  checkRows('distillationKl', teacherLogits, n, k);
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new NnOptionsError(
      `distillationKl: temperature must be finite and > 0; got ${temperature}`,
    );
  }
  const inverseT = 1 / temperature;
  const scale = sink === undefined ? 0 : (sinkScale(sink, n * k) * temperature) / Math.max(n, 1);
  let total = 0;
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const student = scaledRow(studentLogits, offset, k, inverseT);
    const teacher = scaledRow(teacherLogits, offset, k, inverseT);
    for (let i = 0; i < k; i++) {
      const logQ = studentLogits[offset + i]! * inverseT - student.max - student.logSum;
      const logP = teacherLogits[offset + i]! * inverseT - teacher.max - teacher.logSum;
      const p = Math.exp(logP);
      if (p > 0) total += p * (logP - logQ);
      if (sink !== undefined) {
        sink.gradient[offset + i] = sink.gradient[offset + i]! + scale * (Math.exp(logQ) - p);
      }
    }
  }
  return n === 0 ? 0 : (temperature * temperature * total) / n;
}
