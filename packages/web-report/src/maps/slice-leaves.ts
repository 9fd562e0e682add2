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

/**
 * The leaves whose box contains the slice plane: for each fixed dimension `lower ≤ v < upper`, or
 * `v = upper` on the region's upper face — half-open, so a plane on a face shared by two leaves
 * belongs to exactly one of them. Keeps the `limit` leaves of largest area in the slice.
 */
export function sliceLeaves(
  leaves: readonly LeafJson[],
  region: BoxJson,
  plane: SlicePlane,
  limit: number = Number.POSITIVE_INFINITY,
): SlicedLeaves {
  const cut: SlicedLeaf[] = [];
  leaves.forEach((leaf, index) => {
    for (let k = 0; k < plane.fixed.length; k++) {
      const d = plane.fixed[k]!;
      const v = plane.values[k]!;
      const lo = leaf.lower[d]!;
      const hi = leaf.upper[d]!;
      const inside = (lo <= v && v < hi) || (v === hi && hi === region.upper[d]);
      if (!inside) return;
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
