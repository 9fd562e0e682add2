// Which verified leaves a 2-D slice of the box cuts, and which counterexamples lie near it.

import type { BoxJson } from '../schema/common.js';
import type { CounterexampleJson, LeafJson } from '../schema/verify.js';

/** A 2-D slice: the axis dimensions and the values of the fixed ones. */
export interface SlicePlane {
  /** Dimension on the horizontal axis. */
  readonly x: number;
  /** Dimension on the vertical axis. */
  readonly y: number;
  /** The fixed dimensions… */
  readonly fixed: readonly number[];
  /** …and their values, in the same order. */
  readonly values: readonly number[];
}

/** A leaf the slice cuts, with its index in the variant's `leaves`. */
export interface SlicedLeaf {
  readonly index: number;
  readonly leaf: LeafJson;
}

/** What `sliceLeaves` returns: the leaves to draw and how many the slice cuts in all. */
export interface SlicedLeaves {
  /** At most `limit` leaves, the largest (by area in the slice) first. */
  readonly leaves: readonly SlicedLeaf[];
  /** Leaves the slice cuts (before the limit). */
  readonly total: number;
}

/** The largest float32 value below the float32 value `v` (finite, not -max). */
function float32Below(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Int32Array(f.buffer);
  if (v === 0) return -1.401298464324817e-45;
  bits[0] = v > 0 ? bits[0]! - 1 : bits[0]! + 1;
  return f[0]!;
}

/**
 * The leaves whose box contains the slice plane. A leaf is a closed box of float32 inputs (the
 * verifier's next leaf starts at the next float32 value: a leaf ending at 0 is followed by one
 * starting at 1.4e-45), and the models only ever see float32 inputs, so the plane's value is
 * rounded to float32 (the input the decision maps evaluate) and a leaf contains it when
 * `lower ≤ v ≤ upper` in each fixed dimension. Keeps the `limit` leaves of largest area in the
 * slice.
 */
export function sliceLeaves(
  leaves: readonly LeafJson[],
  region: BoxJson,
  plane: SlicePlane,
  limit: number = Number.POSITIVE_INFINITY,
): SlicedLeaves {
  const cut: SlicedLeaf[] = [];
  const values = plane.values.map((v, k) => {
    const d = plane.fixed[k]!;
    const lower = region.lower[d]!;
    const upper = region.upper[d]!;
    if (!(lower <= v && v <= upper)) return null;
    // The float32 input nearest the plane inside the region (the region's faces need not be
    // float32 values: its leaves are).
    const v32 = Math.fround(v);
    if (v32 > upper) return float32Below(v32);
    if (v32 < lower) return -float32Below(-v32);
    return v32;
  });
  if (values.some((v) => v === null)) return { leaves: [], total: 0 };
  leaves.forEach((leaf, index) => {
    for (let k = 0; k < plane.fixed.length; k++) {
      const d = plane.fixed[k]!;
      const v = values[k]!;
      if (!(leaf.lower[d]! <= v && v <= leaf.upper[d]!)) return;
    }
    cut.push({ index, leaf });
  });
  if (cut.length <= limit) return { leaves: cut, total: cut.length };
  const area = (l: LeafJson): number =>
    (l.upper[plane.x]! - l.lower[plane.x]!) * (l.upper[plane.y]! - l.lower[plane.y]!);
  const largest = [...cut].sort((a, b) => area(b.leaf) - area(a.leaf)).slice(0, limit);
  return { leaves: largest, total: cut.length };
}

/**
 * Whether a counterexample lies within `tolerance` (a fraction of the region's width, default 5%)
 * of the slice plane in every fixed dimension.
 */
export function nearSlice(
  counterexample: CounterexampleJson,
  region: BoxJson,
  plane: SlicePlane,
  tolerance = 0.05,
): boolean {
  return plane.fixed.every((d, k) => {
    const width = region.upper[d]! - region.lower[d]!;
    return Math.abs(counterexample.input[d]! - plane.values[k]!) <= tolerance * width;
  });
}
