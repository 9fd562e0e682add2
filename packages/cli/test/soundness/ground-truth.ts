// Ground truth on one box: the float32 points the oracle evaluates, and both files' onnxruntime
// outputs there. Static models: every input-quantisation cell the box meets (the int8 action is
// constant on a cell), each at its corners, its midpoint and seeded random float32 points. Dynamic
// models (no fixed cells): an even grid of pseudo-cells sampled the same way. Then the float32
// neighbours of every decision change found inside a cell, by bisection in onnxruntime. A box
// with few float32 points is enumerated whole.
import type { SeededRng } from '@quantproof/nn';
import { inputFeatureQuant, type QMlp, hasInputCells } from '@quantproof/quant';
import { cellInterval, inputCells } from '@quantproof/smt-verify';
import { float32FromOrdinal, float32Ordinal, float32Step, MAX_FLOAT32 } from './exact.js';
import type { Evaluation, PairFiles } from './model-files.js';

/** A box of float32 inputs (both bounds float32, lower ≤ upper). */
export interface FloatBox {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

/** How densely a box is sampled. */
export interface SamplingOptions {
  /** Random float32 points per cell, besides its corners and midpoint. */
  readonly randomPerCell: number;
  /** Pseudo-cells per dimension of a dynamic model's box. */
  readonly gridPerDimension: number;
  /** Most cells whose decision change is bisected, per box. */
  readonly bisections: number;
  /** Boxes with at most this many float32 points are evaluated at every one of them. */
  readonly completeLimit: number;
}

/** The evaluated points of one box. */
export interface BoxTruth {
  readonly box: FloatBox;
  /** `rows` float32 inputs, row-major. */
  readonly points: Float32Array;
  readonly rows: number;
  /** Quantisation cells the box meets (0 for a dynamic model: it has no fixed cells). */
  readonly cells: number;
  /** Every float32 point of the box is among `points`. */
  readonly complete: boolean;
  readonly evaluation: Evaluation;
}

/**
 * The float32 values inside [lower, upper] per dimension (inward rounding, as the verifier reads a
 * box), or null when a dimension holds none.
 */
export function float32Inside(lower: readonly number[], upper: readonly number[]): FloatBox | null {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < lower.length; i++) {
    const l = lower[i]!;
    const u = upper[i]!;
    if (Number.isNaN(l) || Number.isNaN(u)) return null;
    let a = Math.fround(l);
    if (a < l) a = float32Step(a, 1);
    let b = Math.fround(u);
    if (b > u) b = float32Step(b, -1);
    if (a === -Infinity) a = -MAX_FLOAT32;
    if (b === Infinity) b = MAX_FLOAT32;
    if (!(a <= b) || !Number.isFinite(a) || !Number.isFinite(b)) return null;
    lo.push(a);
    hi.push(b);
  }
  return { lower: lo, upper: hi };
}

/** Number of float32 values in [lo, hi] (both float32). */
function float32Count(lo: number, hi: number): number {
  return float32Ordinal(hi) - float32Ordinal(lo) + 1;
}

/** A random float32 in [lo, hi]: uniform by value or by float32 ordinal, alternately. */
function randomFloat32(lo: number, hi: number, rng: SeededRng, byOrdinal: boolean): number {
  if (byOrdinal) {
    const a = float32Ordinal(lo);
    const n = float32Ordinal(hi) - a + 1;
    return float32FromOrdinal(a + Math.floor(rng.nextFloat64() * n));
  }
  const v = Math.fround(lo + (hi - lo) * rng.nextFloat64());
  return Math.min(Math.max(v, lo), hi);
}

function midpoint(lo: number, hi: number): number {
  return Math.min(Math.max(Math.fround(lo / 2 + hi / 2), lo), hi);
}

/** Per dimension, the float32 intervals of the cells (or pseudo-cells) the box meets. */
function cellIntervals(
  model: QMlp,
  box: FloatBox,
  grid: number,
): { intervals: { lo: number; hi: number }[][]; quantised: boolean } {
  // Fixed input cells (static models, an int8 first layer); else pseudo-cells, as for dynamic.
  if (hasInputCells(model)) {
    const intervals = box.lower.map((lo, i) => {
      const cells = inputCells(lo, box.upper[i]!, inputFeatureQuant(model, i));
      const list: { lo: number; hi: number }[] = [];
      for (let q = cells.qLow; q <= cells.qHigh; q++) list.push(cellInterval(cells, q));
      return list;
    });
    return { intervals, quantised: true };
  }
  const intervals = box.lower.map((lo, i) => {
    const hi = box.upper[i]!;
    const count = Math.min(grid, float32Count(lo, hi));
    const faces: number[] = [lo];
    for (let k = 1; k < count; k++) {
      // Half of the faces evenly by value, half evenly by float32 ordinal (dense near zero).
      const byValue = Math.fround(lo + ((hi - lo) * k) / count);
      const byOrdinal = float32FromOrdinal(
        float32Ordinal(lo) + Math.floor(((float32Ordinal(hi) - float32Ordinal(lo)) * k) / count),
      );
      const f = k % 2 === 0 ? byValue : byOrdinal;
      if (f > faces[faces.length - 1]! && f <= hi) faces.push(f);
    }
    return faces.map((f, k) => ({
      lo: f,
      hi: k + 1 < faces.length ? float32Step(faces[k + 1]!, -1) : hi,
    }));
  });
  return { intervals, quantised: false };
}

/** Every combination of one interval per dimension, in lexicographic order. */
function product<T>(lists: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/**
 * Samples and evaluates `box` for the pair `files` (`model` is the int8 model as generated: its
 * input quantisation defines the cells). Points are grouped by cell; decision changes inside a
 * cell are bisected down to neighbouring float32 points.
 */
export async function boxTruth(
  files: PairFiles,
  model: QMlp,
  box: FloatBox,
  rng: SeededRng,
  options: SamplingOptions,
): Promise<BoxTruth> {
  const d = box.lower.length;
  const { intervals, quantised } = cellIntervals(model, box, options.gridPerDimension);
  const cellCount = intervals.reduce((n, l) => n * l.length, 1);
  const total = box.lower.reduce((n, lo, i) => n * float32Count(lo, box.upper[i]!), 1);
  const points: number[] = [];
  const groups: number[] = [];
  if (total <= options.completeLimit) {
    const axes = box.lower.map((lo, i) => {
      const a = float32Ordinal(lo);
      return Array.from({ length: float32Count(lo, box.upper[i]!) }, (_, k) =>
        float32FromOrdinal(a + k),
      );
    });
    for (const x of product(axes)) {
      points.push(...x);
      groups.push(0);
    }
  } else {
    const cells = product(intervals);
    cells.forEach((cell, g) => {
      const add = (x: readonly number[]): void => {
        points.push(...x);
        groups.push(g);
      };
      for (let m = 0; m < 1 << d; m++) add(cell.map((c, i) => ((m >> i) & 1 ? c.hi : c.lo)));
      add(cell.map((c) => midpoint(c.lo, c.hi)));
      for (let k = 0; k < options.randomPerCell; k++) {
        add(cell.map((c) => randomFloat32(c.lo, c.hi, rng, k % 2 === 1)));
      }
    });
  }
  let x = Float32Array.from(points);
  let rows = groups.length;
  const first = await files.evaluate(x, rows);
  if (total > options.completeLimit) {
    const extra = await bisectChanges(files, x, groups, first, d, options.bisections);
    if (extra.length > 0) {
      x = Float32Array.from([...points, ...extra]);
      rows = x.length / d;
    }
  }
  const evaluation = rows === groups.length ? first : await files.evaluate(x, rows);
  return {
    box,
    points: x,
    rows,
    cells: quantised ? cellCount : 0,
    complete: total <= options.completeLimit,
    evaluation,
  };
}

/**
 * For cells whose sampled points do not all take the same decisions (FP32 or int8), bisects the
 * segment between two points with different decisions until the two ends are float32 neighbours
 * along it; returns both ends of every segment.
 */
async function bisectChanges(
  files: PairFiles,
  x: Float32Array,
  groups: readonly number[],
  evaluation: Evaluation,
  d: number,
  limit: number,
): Promise<number[]> {
  const key = (r: number): number =>
    evaluation.fp32Decisions[r]! * 64 + evaluation.int8Decisions[r]!;
  const segments: { a: Float32Array; b: Float32Array; ka: number }[] = [];
  let start = 0;
  while (start < groups.length && segments.length < limit) {
    let end = start;
    while (end < groups.length && groups[end] === groups[start]) end++;
    const k0 = key(start);
    for (let r = start + 1; r < end; r++) {
      if (key(r) !== k0) {
        segments.push({
          a: x.slice(start * d, (start + 1) * d),
          b: x.slice(r * d, (r + 1) * d),
          ka: k0,
        });
        break;
      }
    }
    start = end;
  }
  if (segments.length === 0) return [];
  let active = segments.map((_, i) => i);
  for (let step = 0; step < 64 && active.length > 0; step++) {
    const mids: Float32Array[] = [];
    const still: number[] = [];
    for (const i of active) {
      const { a, b } = segments[i]!;
      const m = Float32Array.from(a, (v, j) => Math.fround(v / 2 + b[j]! / 2));
      const same = (p: Float32Array): boolean => p.every((v, j) => v === m[j]);
      if (same(a) || same(b)) continue;
      mids.push(m);
      still.push(i);
    }
    if (still.length === 0) break;
    const batch = new Float32Array(still.length * d);
    mids.forEach((m, n) => batch.set(m, n * d));
    const e = await files.evaluate(batch, still.length);
    still.forEach((i, n) => {
      const s = segments[i]!;
      const k = e.fp32Decisions[n]! * 64 + e.int8Decisions[n]!;
      if (k === s.ka) s.a = mids[n]!;
      else s.b = mids[n]!;
    });
    active = still;
  }
  return segments.flatMap((s) => [...s.a, ...s.b]);
}
