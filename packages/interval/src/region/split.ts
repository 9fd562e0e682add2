// The one split policy of the region driver: boxes are closed float32 boxes (every bound a float32
// value); a box is split along the dimension that limits its proof most (the bounds' input
// influence) and is relatively widest (both normalised, summed), at the input-quantisation cell
// face nearest the middle when the dimension spans two cells or more (the int8 model is constant on
// a cell), else at the float32 middle. The two children partition the parent's float32 points.

import {
  elementTypeRange,
  inputFeatureQuants,
  quantizeLinear,
  type QMlp,
  type TensorQuant,
  hasInputCells,
} from '@quantproof/quant';
import type { Box } from '../box.js';
import { FLOAT32_MAX, nextDownFloat32, nextUpFloat32 } from '../outward.js';
import type { BoxSplit } from './drive.js';

/**
 * A monotone quantiser x ↦ q of one input feature. `faces[k − faceBase]` is the smallest float32
 * with q ≥ k, for every k above the element type's minimum (`firstFloat32AtLeast` reads it instead
 * of searching).
 */
export interface InputQuantizer {
  (x: number): number;
  readonly faces?: Float64Array;
  readonly faceBase?: number;
}

const quantizerCache = new WeakMap<
  QMlp,
  { readonly quants: readonly TensorQuant[]; readonly quantizers: InputQuantizer[] }
>();

function sameQuants(a: readonly TensorQuant[], b: readonly TensorQuant[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (t, i) =>
        t.scale === b[i]!.scale &&
        t.zeroPoint === b[i]!.zeroPoint &&
        t.elementType === b[i]!.elementType,
    )
  );
}

/**
 * The input quantisers x_i ↦ q_i of a model with fixed input cells, one per input feature (each
 * with its own scale when the model has per-feature input scales), with their cell faces
 * tabulated (once per model), or null (dynamic: no fixed cells).
 */
export function inputQuantizers(model: QMlp): InputQuantizer[] | null {
  // Dynamic models have no fixed cells, nor has a first layer kept in float32.
  if (!hasInputCells(model)) return null;
  const quants = inputFeatureQuants(model);
  const cached = quantizerCache.get(model);
  if (cached !== undefined && sameQuants(cached.quants, quants)) return cached.quantizers;
  const tables = new Map<string, InputQuantizer>();
  const quantizers = quants.map((t) => {
    const key = `${t.scale} ${t.zeroPoint} ${t.elementType}`;
    const known = tables.get(key);
    if (known !== undefined) return known;
    const q = (x: number): number => quantizeLinear(x, t.scale, t.zeroPoint, t.elementType);
    const { qmin, qmax } = elementTypeRange(t.elementType);
    const faces = new Float64Array(qmax - qmin);
    for (let k = qmin + 1; k <= qmax; k++) {
      faces[k - qmin - 1] = firstFloat32AtLeast(q, -FLOAT32_MAX, FLOAT32_MAX, k);
    }
    const quantizer: InputQuantizer = Object.assign(q, { faces, faceBase: qmin + 1 });
    tables.set(key, quantizer);
    return quantizer;
  });
  quantizerCache.set(model, { quants: quants.map((t) => ({ ...t })), quantizers });
  return quantizers;
}

/** Ordinal of a float32 value (monotone; −0 and +0 both 0). */
export function float32Ordinal(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** The float32 value of an ordinal (inverse of `float32Ordinal`; 0 gives +0). */
export function float32FromOrdinal(ordinal: number): number {
  i32[0] = ordinal < 0 ? -ordinal | 0x80000000 : ordinal;
  return f32[0]!;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * The smallest float32 x in [lo, hi] with q(x) ≥ k for a monotone q (quantizeLinear is); the
 * float32 after hi when there is none.
 */
export function firstFloat32AtLeast(
  q: (x: number) => number,
  lo: number,
  hi: number,
  k: number,
): number {
  let a = float32Ordinal(lo) - 1;
  let b = float32Ordinal(hi) + 1;
  const { faces, faceBase } = q as InputQuantizer;
  if (faces !== undefined && faceBase !== undefined) {
    // The tabulated face (what the search below finds over all float32 values), clipped to [lo, hi].
    const i = k - faceBase;
    const face = i < 0 ? a + 1 : i >= faces.length ? b : float32Ordinal(faces[i]!);
    return float32FromOrdinal(Math.min(Math.max(face, a + 1), b));
  }
  while (b - a > 1) {
    const mid = a + Math.floor((b - a) / 2);
    if (q(float32FromOrdinal(mid)) >= k) b = mid;
    else a = mid;
  }
  return float32FromOrdinal(b);
}

/** Float32 values in [lo, hi] (both float32). */
export function float32Count(lo: number, hi: number): number {
  return float32Ordinal(hi) - float32Ordinal(lo) + 1;
}

/** Input-quantisation cells the box meets (product over dimensions); Infinity for dynamic models. */
export function cellCount(model: QMlp, box: Box): number {
  const qs = inputQuantizers(model);
  if (qs === null) return Infinity;
  let n = 1;
  for (let i = 0; i < box.lower.length; i++) {
    const q = qs[i]!;
    n *= q(box.upper[i]!) - q(box.lower[i]!) + 1;
  }
  return n;
}

/** The float32 cell of `x` along one dimension, clipped to [lo, hi]. */
export function cellAround(
  q: (x: number) => number,
  x: number,
  lo: number,
  hi: number,
): { lo: number; hi: number } {
  const k = q(x);
  const first = firstFloat32AtLeast(q, lo, x, k);
  const next = firstFloat32AtLeast(q, x, hi, k + 1);
  return { lo: first, hi: next > hi ? hi : nextDownFloat32(next) };
}

/**
 * Splits a closed float32 box along `dimension` into two closed float32 boxes that partition its
 * float32 points: at the cell face nearest the middle when the dimension spans two cells or more,
 * else at the float32 middle. Null when the dimension holds a single float32 value.
 */
export function splitAtCellFace(
  quantizer: ((x: number) => number) | null,
  box: Box,
  dimension: number,
): BoxSplit | null {
  const lo = box.lower[dimension]!;
  const hi = box.upper[dimension]!;
  if (!(float32Count(lo, hi) >= 2)) return null;
  let at: number; // first float32 of the second child
  const mid = Math.fround(0.5 * lo + 0.5 * hi);
  if (quantizer !== null && quantizer(hi) > quantizer(lo)) {
    const k = Math.min(Math.max(quantizer(mid), quantizer(lo) + 1), quantizer(hi));
    at = firstFloat32AtLeast(quantizer, lo, hi, k);
  } else {
    at = nextUpFloat32(Math.min(Math.max(mid, lo), nextDownFloat32(hi)));
  }
  const a = { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper) };
  const b = { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper) };
  a.upper[dimension] = nextDownFloat32(at);
  b.lower[dimension] = at;
  const share = hi > lo ? (at - lo) / (hi - lo) : 0.5;
  return { children: [a, b], firstShare: share };
}

/**
 * The dimension to split: the largest sum of the input influence (how much the dimension limits
 * the bounds' proof) and the width relative to the root, each normalised by its largest value over
 * the box's dimensions — the influence alone keeps cutting one dimension while a wide one keeps the
 * relaxation loose. −1 when every dimension holds a single float32 value.
 */
export function chooseSplitDimension(
  box: Box,
  root: Box,
  influence: ArrayLike<number> | null,
): number {
  const d = box.lower.length;
  const relative = new Float64Array(d);
  let maxInfluence = 0;
  let maxRelative = 0;
  for (let i = 0; i < d; i++) {
    relative[i] = (box.upper[i]! - box.lower[i]!) / (root.upper[i]! - root.lower[i]! || 1);
    maxRelative = Math.max(maxRelative, relative[i]!);
    const inf = influence?.[i];
    if (inf !== undefined && inf > 0 && Number.isFinite(inf))
      maxInfluence = Math.max(maxInfluence, inf);
  }
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < d; i++) {
    if (float32Count(box.lower[i]!, box.upper[i]!) < 2) continue;
    const inf = influence?.[i];
    const normalised =
      maxInfluence > 0 && inf !== undefined && inf > 0 && Number.isFinite(inf)
        ? inf / maxInfluence
        : 0;
    const score = normalised + (maxRelative > 0 ? relative[i]! / maxRelative : 0);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** The split policy: the chosen dimension, at a cell face of `model`'s input (if it has cells). */
export function splitPolicy(
  model: QMlp,
  root: Box,
): (box: Box, influence: ArrayLike<number> | null) => BoxSplit | null {
  const quantizers = inputQuantizers(model);
  return (box, influence) => {
    const d = chooseSplitDimension(box, root, influence);
    return d < 0 ? null : splitAtCellFace(quantizers?.[d] ?? null, box, d);
  };
}
