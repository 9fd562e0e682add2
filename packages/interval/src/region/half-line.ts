// Where a linear bound certifies a condition along one input dimension: the exact dimension of the
// certified share (analyse.ts). The bound's variable is the float32 value of the real input, or
// its dequantised input cell; both are non-decreasing in the input, so each certified set is one
// interval, found with directed rounding and float32 / cell-face thresholds.

import { divDown, divUp, nextDownFloat32, nextUpFloat32, subUp } from '../outward.js';
import { firstFloat32AtLeast } from './split.js';

/** An interval [a, b] of one input dimension (empty when a > b). */
export interface Span {
  a: number;
  b: number;
}

/**
 * How the variable of a linear form depends on the real input x of the exact dimension: its
 * float32 value fl(x), or the dequantised value s·(q(fl(x)) − z) of a model with fixed input cells.
 */
export interface LineVariable {
  readonly lo: number;
  readonly hi: number;
  /** Null: v = fl(x). */
  readonly cells: {
    readonly q: (x: number) => number;
    readonly scale: number;
    readonly zeroPoint: number;
    readonly qmin: number;
    readonly qmax: number;
  } | null;
}

/**
 * The inputs x of [lo, hi] (the exact dimension) where `c·v(x) + m > θ` (or ≥ when not strict)
 * certainly holds in real arithmetic, as an interval (v is non-decreasing in x, so the set is one).
 * Sound: every x of the returned interval satisfies it; it may miss a few points at the edge.
 */
export function halfLine(
  c: number,
  m: number,
  theta: number,
  strict: boolean,
  line: LineVariable,
): Span {
  const { lo, hi } = line;
  const all = { a: lo, b: hi };
  const none = { a: Infinity, b: -Infinity };
  if (Number.isNaN(c) || Number.isNaN(m)) return none;
  if (c === 0) return (strict ? m > theta : m >= theta) ? all : none;
  if (!Number.isFinite(c)) return none;
  const gap = subUp(theta, m); // ≥ θ − m
  if (c > 0) {
    // v > t for t = (θ − m)/c: v > tUp (or ≥) suffices.
    const t = divUp(gap, c);
    if (Number.isNaN(t)) return none;
    if (line.cells === null) {
      const f = strict ? firstFloat32Above(t) : firstFloat32AtLeastValue(t);
      return f <= lo ? all : f > hi ? none : { a: f, b: hi };
    }
    const { q, scale, zeroPoint, qmin, qmax } = line.cells;
    const ok = (k: number): boolean =>
      strict ? scale * (k - zeroPoint) > t : scale * (k - zeroPoint) >= t;
    let k = Number.isFinite(t) ? Math.ceil(t / scale + zeroPoint) : t > 0 ? qmax + 1 : qmin;
    k = Math.min(Math.max(k, qmin), qmax + 1);
    while (k > qmin && ok(k - 1)) k--;
    while (k <= qmax && !ok(k)) k++;
    if (k > qmax) return none;
    if (k <= q(lo)) return all;
    const f = firstFloat32AtLeast(q, lo, hi, k);
    return f > hi ? none : { a: f, b: hi };
  }
  // c < 0: v < t for t = (θ − m)/c: v < tDown (or ≤) suffices.
  const t = divDown(gap, c);
  if (Number.isNaN(t)) return none;
  if (line.cells === null) {
    const f = strict ? lastFloat32Below(t) : lastFloat32AtMostValue(t);
    return f >= hi ? all : f < lo ? none : { a: lo, b: f };
  }
  const { q, scale, zeroPoint, qmin, qmax } = line.cells;
  const ok = (k: number): boolean =>
    strict ? scale * (k - zeroPoint) < t : scale * (k - zeroPoint) <= t;
  let k = Number.isFinite(t) ? Math.floor(t / scale + zeroPoint) : t < 0 ? qmin - 1 : qmax;
  k = Math.min(Math.max(k, qmin - 1), qmax);
  while (k < qmax && ok(k + 1)) k++;
  while (k >= qmin && !ok(k)) k--;
  if (k < qmin) return none;
  if (k >= q(hi)) return all;
  // The last float32 whose code is ≤ k.
  const next = firstFloat32AtLeast(q, lo, hi, k + 1);
  const f = nextDownFloat32(next);
  return f < lo ? none : { a: lo, b: Math.min(f, hi) };
}

/** The smallest float32 > t (t a float64; −Infinity gives −FLOAT32_MAX's predecessor, i.e. −Inf). */
function firstFloat32Above(t: number): number {
  const f = Math.fround(t);
  return f > t ? f : nextUpFloat32(f);
}
function firstFloat32AtLeastValue(t: number): number {
  const f = Math.fround(t);
  return f >= t ? f : nextUpFloat32(f);
}
function lastFloat32Below(t: number): number {
  const f = Math.fround(t);
  return f < t ? f : nextDownFloat32(f);
}
function lastFloat32AtMostValue(t: number): number {
  const f = Math.fround(t);
  return f <= t ? f : nextDownFloat32(f);
}

export function intersect(x: Span, y: Span): Span {
  return { a: Math.max(x.a, y.a), b: Math.min(x.b, y.b) };
}
