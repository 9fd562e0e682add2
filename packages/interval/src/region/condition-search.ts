// A search for float32 inputs of a box whose FP32 outputs meet a disjunction of conjunctions of
// linear conditions (a VNN-LIB property's unsafe region): projected sign-gradient descent on each
// conjunction's summed violation, from the box's centre and seeded random starts, all starts and
// disjuncts in one batch through nn's training forward and backward passes. It only proposes
// candidates: callers confirm every one exactly before reporting it.

import {
  backwardTrain,
  createSeededRng,
  createTrainingWorkspace,
  forwardTrain,
  mlpOutputSize,
  type Mlp,
  type TrainingWorkspace,
} from '@quantproof/nn';
import { float32Interior, float32Range, type Bounds, type Box } from '../box.js';
import { IntervalOptionsError } from '../errors.js';

/** `Σ_k coefficients[k] · y_k ≤ bound` (`<` when strict) on the network's outputs y. */
export interface OutputCondition {
  readonly coefficients: ArrayLike<number>;
  readonly bound: number;
  readonly strict: boolean;
}

/** Budgets of `searchLinearConditions`; every one is a count, so a search is deterministic. */
export interface ConditionSearchOptions {
  /** Random starts besides the box's centre; default 8. */
  readonly restarts?: number;
  /** Gradient steps per start; default 40. */
  readonly steps?: number;
  /** Seed of the random starts (nn's `createSeededRng`); default 1. */
  readonly seed?: number;
}

/** Rows per forward/backward batch. */
const MAX_BATCH = 256;

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new IntervalOptionsError(`${name} must be an integer ≥ ${min}; got ${value}`);
  }
  return value;
}

/**
 * Looks for a float32 point of `box` (strictly inside it, or in `float32Range(box)` when it has no
 * float32 interior) whose outputs as nn's `forwardTrain` computes them (float32, the last layer
 * without a head) meet every condition of one of `disjuncts` with a little room. Returns the first
 * found, or null — a heuristic: null proves nothing, and a point is only a candidate.
 */
export function searchLinearConditions(
  mlp: Mlp,
  box: Box,
  disjuncts: readonly (readonly OutputCondition[])[],
  options: ConditionSearchOptions = {},
): Float32Array | null {
  const restarts = checkCount('restarts', options.restarts ?? 8, 0);
  const steps = checkCount('steps', options.steps ?? 40, 0);
  const rng = createSeededRng(checkCount('seed', options.seed ?? 1, 0));
  if (disjuncts.length === 0) return null;
  const range = float32Interior(box) ?? float32Range(box);
  const n = range.lower.length;
  const k = mlpOutputSize(mlp);
  const starts: Float32Array[] = [];
  for (let s = 0; s <= restarts; s++) {
    starts.push(
      Float32Array.from(range.lower, (lo, i) => {
        const u = s === 0 ? 0.5 : rng.nextFloat64();
        return clamp(Math.fround(lo + u * (range.upper[i]! - lo)), lo, range.upper[i]!);
      }),
    );
  }
  // One row per (start, disjunct), start-major.
  const rows: { x: Float32Array; conditions: readonly OutputCondition[] }[] = [];
  for (const x of starts) {
    for (const conditions of disjuncts) rows.push({ x: Float32Array.from(x), conditions });
  }
  const workspace = createTrainingWorkspace(mlp, Math.min(rows.length, MAX_BATCH));
  for (let first = 0; first < rows.length; first += MAX_BATCH) {
    const batch = rows.slice(first, first + MAX_BATCH);
    const found = descend(workspace, batch, range, n, k, steps);
    if (found !== null) return found;
  }
  return null;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Sign-gradient descent of every row at once; the first row (in order) to meet its conditions. */
function descend(
  workspace: TrainingWorkspace,
  rows: readonly { x: Float32Array; conditions: readonly OutputCondition[] }[],
  range: Bounds,
  n: number,
  k: number,
  steps: number,
): Float32Array | null {
  const count = rows.length;
  const inputs = new Float32Array(count * n);
  const dOutput = new Float64Array(count * k);
  const dInput = new Float64Array(count * n);
  for (let step = 0; step <= steps; step++) {
    rows.forEach((row, r) => inputs.set(row.x, r * n));
    const outputs = forwardTrain(workspace, inputs, count);
    dOutput.fill(0);
    for (let r = 0; r < count; r++) {
      let worst = -Infinity;
      for (const c of rows[r]!.conditions) {
        let total = 0;
        for (let j = 0; j < k; j++) total += c.coefficients[j]! * outputs[r * k + j]!;
        // Aim a little inside the condition so that an exact re-evaluation keeps it.
        const slack = total - c.bound + 1e-6 * (1 + Math.abs(c.bound));
        worst = Math.max(worst, Number.isNaN(slack) ? Infinity : slack);
        if (slack > 0) {
          for (let j = 0; j < k; j++) dOutput[r * k + j] = dOutput[r * k + j]! + c.coefficients[j]!;
        }
      }
      if (worst <= 0) return rows[r]!.x;
    }
    if (step === steps) break;
    backwardTrain(workspace, dOutput, { dInput });
    const alpha = 0.25 * (1 - step / (steps + 1));
    for (let r = 0; r < count; r++) {
      const x = rows[r]!.x;
      for (let i = 0; i < n; i++) {
        const lo = range.lower[i]!;
        const hi = range.upper[i]!;
        const g = dInput[r * n + i]!;
        x[i] = clamp(Math.fround(x[i]! - alpha * (hi - lo) * Math.sign(g)), lo, hi);
      }
    }
  }
  return null;
}
