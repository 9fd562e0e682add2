// Linear relaxations of piecewise-linear activations. For a slope λ and a piecewise-linear f on
// [l, u] with breakpoints P (the ends and the kinks inside), f(t) − λ t is piecewise linear, so its
// minimum and maximum over [l, u] are attained on P:
//   λ t + min_{p∈P} (f(p) − λ p) ≤ f(t) ≤ λ t + max_{p∈P} (f(p) − λ p)   for every t ∈ [l, u].
// Any slope gives a sound relaxation; the slopes below are the usual tight choices (chords, and
// CROWN's adaptive 0/1 for the flat side). Only the intercepts need outward rounding.

import type { Bounds } from './box.js';
import { mulDown, mulUp, subDown, subUp } from './outward.js';
import { clampValue } from './real-network.js';

/** Per-neuron linear bounds `lowerSlope·t + lowerIntercept ≤ act(t) ≤ upperSlope·t + upperIntercept`. */
export interface Relaxation {
  readonly lowerSlope: Float64Array;
  readonly lowerIntercept: Float64Array;
  readonly upperSlope: Float64Array;
  readonly upperIntercept: Float64Array;
}

/** A piecewise-linear function of one variable, given by its values (exact at the breakpoints). */
export type PiecewiseLinear = (t: number) => number;

/** min over `points` of f(p) − λ p, rounded down: the intercept of a sound lower line of slope λ. */
export function lowerInterceptAt(
  f: PiecewiseLinear,
  slope: number,
  points: readonly number[],
): number {
  let best = Infinity;
  for (const p of points) {
    const v = slope === 0 ? f(p) : subDown(f(p), mulUp(slope, p));
    if (v < best) best = v;
  }
  return best;
}

/** max over `points` of f(p) − λ p, rounded up: the intercept of a sound upper line of slope λ. */
export function upperInterceptAt(
  f: PiecewiseLinear,
  slope: number,
  points: readonly number[],
): number {
  let best = -Infinity;
  for (const p of points) {
    const v = slope === 0 ? f(p) : subUp(f(p), mulDown(slope, p));
    if (v > best) best = v;
  }
  return best;
}

/** The ends of [l, u] and the given kinks strictly inside it. */
export function breakpoints(l: number, u: number, kinks: readonly number[]): number[] {
  const points = [l, u];
  for (const k of kinks) if (k > l && k < u) points.push(k);
  return points;
}

/** How a neuron's clamp relates to its pre-activation bounds. */
export type ClampState = 'below' | 'linear' | 'above' | 'crossing';

/** Which piece of clamp(·, lo, hi) the interval [l, u] falls in, or `crossing`. */
export function clampState(l: number, u: number, lo: number, hi: number): ClampState {
  if (u <= lo) return 'below';
  if (l >= hi) return 'above';
  if (l >= lo && u <= hi) return 'linear';
  return 'crossing';
}

/**
 * Candidate lower slopes of clamp(·, lo, hi) over [l, u]: the adaptive one first (CROWN: 1 when
 * the linear part dominates, else 0; a chord when the upper kink is crossed), then alternatives.
 */
export function clampLowerSlopes(l: number, u: number, lo: number, hi: number): number[] {
  const crossLo = l < lo && u > lo;
  const crossHi = l < hi && u > hi;
  if (crossLo && crossHi) return [(hi - lo) / (u - lo), 0];
  if (crossHi) return [(hi - l) / (u - l)];
  if (crossLo) return u - lo >= lo - l ? [1, 0] : [0, 1];
  return [clampState(l, u, lo, hi) === 'linear' ? 1 : 0];
}

/** Candidate upper slopes of clamp(·, lo, hi) over [l, u], the adaptive one first. */
export function clampUpperSlopes(l: number, u: number, lo: number, hi: number): number[] {
  const crossLo = l < lo && u > lo;
  const crossHi = l < hi && u > hi;
  if (crossLo && crossHi) return [(hi - lo) / (hi - l), 0];
  if (crossLo) return [(u - lo) / (u - l)];
  if (crossHi) return hi - l >= u - hi ? [1, 0] : [0, 1];
  return [clampState(l, u, lo, hi) === 'linear' ? 1 : 0];
}

/**
 * The relaxation of `clamp(t, lo_j, hi_j)` over `t ∈ [pre.lower_j, pre.upper_j]` for every neuron:
 * exact on stable neurons, adaptive slopes and breakpoint intercepts on crossing ones, constant
 * bounds when a pre-activation bound is infinite. With `noise` (the width of each neuron's bias
 * interval), a neuron whose pre-activation range is no wider than its own noise gets the constant
 * relaxation [clamp(l), clamp(u)]: substituting t = W a + β would cost at least that noise again
 * (this is what makes an int8 neuron whose requantised output is known exactly contribute no
 * rounding noise).
 */
export function relaxClamp(
  pre: Bounds,
  lo: Float64Array,
  hi: Float64Array,
  noise?: Bounds,
): Relaxation {
  const n = pre.lower.length;
  const lowerSlope = new Float64Array(n);
  const lowerIntercept = new Float64Array(n);
  const upperSlope = new Float64Array(n);
  const upperIntercept = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const l = pre.lower[j]!;
    const u = pre.upper[j]!;
    const a = lo[j]!;
    const b = hi[j]!;
    const state = clampState(l, u, a, b);
    const narrow = noise !== undefined && u - l <= noise.upper[j]! - noise.lower[j]!;
    if (state === 'linear' && !narrow) {
      lowerSlope[j] = 1;
      upperSlope[j] = 1;
      continue;
    }
    if (state !== 'crossing' || narrow || !Number.isFinite(l) || !Number.isFinite(u)) {
      lowerIntercept[j] = clampValue(l, a, b);
      upperIntercept[j] = clampValue(u, a, b);
      continue;
    }
    const f = (t: number): number => clampValue(t, a, b);
    const points = breakpoints(l, u, [a, b]);
    const ls = clampLowerSlopes(l, u, a, b)[0]!;
    const us = clampUpperSlopes(l, u, a, b)[0]!;
    lowerSlope[j] = ls;
    lowerIntercept[j] = lowerInterceptAt(f, ls, points);
    upperSlope[j] = us;
    upperIntercept[j] = upperInterceptAt(f, us, points);
  }
  return { lowerSlope, lowerIntercept, upperSlope, upperIntercept };
}

/** Whether the relaxation of neuron j is exact (a stable neuron). */
export function isStable(pre: Bounds, lo: Float64Array, hi: Float64Array, j: number): boolean {
  return clampState(pre.lower[j]!, pre.upper[j]!, lo[j]!, hi[j]!) !== 'crossing';
}
