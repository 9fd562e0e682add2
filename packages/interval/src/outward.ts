// The one module of @quantproof/interval that rounds: every bound the package computes is a
// composition of the directed operations and error bounds below. Everything else either works in
// exact arithmetic (integers, products of a float32 and a small integer) or calls these.
//
// JavaScript numbers are IEEE binary64 with round-to-nearest-even (RN). For a finite result r =
// RN(a op b) of an operation whose exact value v is finite, |r - v| ≤ ulp(r), so nextDown(r) ≤ v ≤
// nextUp(r): the directed operations below return those neighbours (or r itself when the operation
// is provably exact). Overflow to ±Infinity is handled the same way (nextDown(+∞) is the largest
// finite double), so every directed result still brackets the exact value.
//
// Error bounds for sums and dot products follow Higham, "Accuracy and Stability of Numerical
// Algorithms" (2nd ed.), §2.2 and §3.1: with unit roundoff u, fl(a op b) = (a op b)(1 + θ) + η with
// |θ| ≤ u, |η| ≤ half the smallest subnormal (η = 0 for + and −), and a sum or dot product of n
// terms evaluated in any order satisfies |fl(Σ) − Σ| ≤ γ_n Σ|terms| + n·(smallest subnormal), where
// γ_n = n u / (1 − n u).

/** Unit roundoff of binary64 round-to-nearest: 2^-53. */
export const UNIT_ROUNDOFF_FLOAT64: number = 2 ** -53;

/** Unit roundoff of binary32 round-to-nearest: 2^-24. */
export const UNIT_ROUNDOFF_FLOAT32: number = 2 ** -24;

/** The smallest positive float32 (subnormal) value, 2^-149: a bound on one float32 underflow. */
export const FLOAT32_MIN_SUBNORMAL: number = 2 ** -149;

/** The largest finite float32 value. */
export const FLOAT32_MAX: number = (2 - 2 ** -23) * 2 ** 127;

const view = new DataView(new ArrayBuffer(8));

// Rump, Zimmermann, Boldo & Melquiond, "Computing predecessor and successor in rounding to
// nearest" (BIT 2009): for |x| ≥ 2^-1020 (and below the overflow threshold), RN(x + RN(φ·|x|)) with
// φ = 2^-53(1 + 2^-52) is exactly the successor of x. Used on a narrower range, where φ·|x| is a
// normal number; the bit-level path covers the rest.
const SUCCESSOR_FACTOR = 2 ** -53 + 2 ** -105;
const SUCCESSOR_FAST_LOW = 2 ** -960;
const SUCCESSOR_FAST_HIGH = 2 ** 1020;

/** The smallest double greater than `x` (IEEE 754 nextUp); NaN and +∞ are returned unchanged. */
export function nextUp(x: number): number {
  const a = Math.abs(x);
  if (a > SUCCESSOR_FAST_LOW && a < SUCCESSOR_FAST_HIGH) return x + SUCCESSOR_FACTOR * a;
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  view.setFloat64(0, x);
  let hi = view.getUint32(0);
  let lo = view.getUint32(4);
  if (x > 0) {
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  } else if (lo === 0) {
    hi = (hi - 1) >>> 0;
    lo = 0xffffffff;
  } else {
    lo = lo - 1;
  }
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return view.getFloat64(0);
}

/** The largest double less than `x` (IEEE 754 nextDown); NaN and -∞ are returned unchanged. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The smallest float32 value greater than the float32 value `x`; NaN and +∞ unchanged. */
export function nextUpFloat32(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return 2 ** -149;
  view.setFloat32(0, x);
  const bits = view.getUint32(0);
  view.setUint32(0, x > 0 ? bits + 1 : bits - 1);
  return view.getFloat32(0);
}

/** The largest float32 value less than the float32 value `x`; NaN and -∞ unchanged. */
export function nextDownFloat32(x: number): number {
  return -nextUpFloat32(-x);
}

/** The largest float32 value ≤ `x` (rounding toward -∞); -∞ for x below -FLOAT32_MAX. */
export function float32Down(x: number): number {
  const f = Math.fround(x);
  return f <= x || x !== x ? f : nextDownFloat32(f);
}

/** The smallest float32 value ≥ `x` (rounding toward +∞); +∞ for x above FLOAT32_MAX. */
export function float32Up(x: number): number {
  const f = Math.fround(x);
  return f >= x || x !== x ? f : nextUpFloat32(f);
}

/**
 * The exact rounding error `(a + b) − s` of `s = RN(a + b)` (Knuth's TwoSum; exact for finite
 * operands whose sum does not overflow).
 */
export function twoSumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

function finite2(a: number, b: number): boolean {
  return a - a === 0 && b - b === 0;
}

/** A double ≤ a + b (the exact sum); exact sums are returned unrounded (TwoSum). */
export function addDown(a: number, b: number): number {
  const s = a + b;
  if (s - s !== 0) return finite2(a, b) ? nextDown(s) : s;
  return twoSumError(a, b, s) < 0 ? nextDown(s) : s;
}

/** A double ≥ a + b (the exact sum); exact sums are returned unrounded (TwoSum). */
export function addUp(a: number, b: number): number {
  const s = a + b;
  if (s - s !== 0) return finite2(a, b) ? nextUp(s) : s;
  return twoSumError(a, b, s) > 0 ? nextUp(s) : s;
}

/** A double ≤ a − b. */
export function subDown(a: number, b: number): number {
  return addDown(a, -b);
}

/** A double ≥ a − b. */
export function subUp(a: number, b: number): number {
  return addUp(a, -b);
}

/** A double ≤ a · b (exact when an operand is 0, ±1 or the product is a power-of-two scaling). */
export function mulDown(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  if (a === 1) return b;
  if (b === 1) return a;
  const p = a * b;
  if (p - p !== 0 && !finite2(a, b)) return p;
  return nextDown(p);
}

/** A double ≥ a · b. */
export function mulUp(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  if (a === 1) return b;
  if (b === 1) return a;
  const p = a * b;
  if (p - p !== 0 && !finite2(a, b)) return p;
  return nextUp(p);
}

/** A double ≤ a / b for b ≠ 0. */
export function divDown(a: number, b: number): number {
  if (a === 0) return 0;
  if (b === 1) return a;
  const q = a / b;
  if (q - q !== 0 && !finite2(a, b)) return q;
  return nextDown(q);
}

/** A double ≥ a / b for b ≠ 0. */
export function divUp(a: number, b: number): number {
  if (a === 0) return 0;
  if (b === 1) return a;
  const q = a / b;
  if (q - q !== 0 && !finite2(a, b)) return q;
  return nextUp(q);
}

/** A lower bound of w · v over v ∈ [lower, upper] (the interval product with a point). */
export function scaleIntervalDown(w: number, lower: number, upper: number): number {
  return w >= 0 ? mulDown(w, lower) : mulDown(w, upper);
}

/** An upper bound of w · v over v ∈ [lower, upper]. */
export function scaleIntervalUp(w: number, lower: number, upper: number): number {
  return w >= 0 ? mulUp(w, upper) : mulUp(w, lower);
}

/** The larger magnitude of an interval's ends, max(|lower|, |upper|) (exact). */
export function magnitude(lower: number, upper: number): number {
  return Math.max(Math.abs(lower), Math.abs(upper));
}

function gammaUncached(n: number, u: number): number {
  const nu = mulUp(n, u);
  if (nu >= 0.5) return Infinity;
  return divUp(nu, subDown(1, nu));
}

const GAMMA_CACHE_SIZE = 4096;
const gamma64Cache = new Float64Array(GAMMA_CACHE_SIZE).fill(-1);

/** An upper bound of γ_n = n·u / (1 − n·u) for unit roundoff `u`; +∞ when n·u ≥ 1/2. */
export function gammaUp(n: number, u: number): number {
  if (u === UNIT_ROUNDOFF_FLOAT64 && Number.isInteger(n) && n >= 0 && n < GAMMA_CACHE_SIZE) {
    const cached = gamma64Cache[n]!;
    if (cached >= 0) return cached;
    const g = gammaUncached(n, u);
    gamma64Cache[n] = g;
    return g;
  }
  return gammaUncached(n, u);
}

/**
 * An upper bound of Σ_i |a[aOffset + i]| · |b[bOffset + i]| over `n` terms, from one
 * round-to-nearest pass: with ŝ the computed sum, the exact sum is at most
 * (ŝ + 2n·2^-1074)(1 + 2γ_n) (Higham §3.1 with all terms non-negative, and γ_n ≤ 1/2).
 */
export function sumAbsProductsUp(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[aOffset + i]!) * Math.abs(b[bOffset + i]!);
  return inflateNonNegativeSum(s, n);
}

/**
 * Turns a round-to-nearest sum `s` of `n` non-negative products into an upper bound of the exact
 * sum: (s + 2n·2^-1074)(1 + 2γ_n).
 */
export function inflateNonNegativeSum(s: number, n: number): number {
  if (n === 0) return 0;
  const g = gammaUp(n, UNIT_ROUNDOFF_FLOAT64);
  return mulUp(addUp(s, 2 * n * Number.MIN_VALUE), addUp(1, 2 * g));
}

/**
 * An upper bound of the total error Σ_i |ĉ_i − c_i| · vmax_i of a vector-matrix product ĉ = Aᵀ W
 * computed in round-to-nearest with `terms` products per entry, given `weighted` ≥ Σ_k |A_k| ·
 * (Σ_i |W_ki| vmax_i) and `vmaxSum` ≥ Σ_i vmax_i: γ_terms · weighted + terms · 2^-1074 · vmaxSum.
 */
export function productSlackUp(terms: number, weighted: number, vmaxSum: number): number {
  if (terms === 0) return 0;
  const g = gammaUp(terms, UNIT_ROUNDOFF_FLOAT64);
  return addUp(mulUp(g, weighted), mulUp(terms * Number.MIN_VALUE, vmaxSum));
}

/**
 * An upper bound of |RN(x) − x| given only the rounded result r = RN(x): 2u|r| + 2^-1074 (the
 * error of one binary64 operation, relative to its result, including underflow).
 */
export function roundingErrorUp(r: number): number {
  return addUp(mulUp(2 * UNIT_ROUNDOFF_FLOAT64, Math.abs(r)), Number.MIN_VALUE);
}

/**
 * An upper bound of |fl32(e) − e| for an expression e = Σ terms evaluated in float32 where every
 * term passes through at most `roundings` float32 roundings and at most `underflows` operations may
 * underflow, given `sumAbs` ≥ Σ |terms|: γ_roundings(2^-24) · sumAbs + underflows · 2^-149.
 */
export function float32ErrorUp(roundings: number, sumAbs: number, underflows: number): number {
  const g = gammaUp(roundings, UNIT_ROUNDOFF_FLOAT32);
  return addUp(mulUp(g, sumAbs), underflows * FLOAT32_MIN_SUBNORMAL);
}

/**
 * A lower bound of Σ_i a_i · v_i over v_i ∈ [lower_i, upper_i] (the box), `n` terms from the
 * given offsets, every product and sum rounded down. Monotone: a sub-box never gives less.
 */
export function dotIntervalDown(
  a: ArrayLike<number>,
  aOffset: number,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  vOffset: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const w = a[aOffset + i]!;
    if (w === 0) continue;
    s = addDown(s, w > 0 ? mulDown(w, lower[vOffset + i]!) : mulDown(w, upper[vOffset + i]!));
  }
  return s;
}

/** An upper bound of Σ_i a_i · v_i over v_i ∈ [lower_i, upper_i], rounded up. */
export function dotIntervalUp(
  a: ArrayLike<number>,
  aOffset: number,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  vOffset: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const w = a[aOffset + i]!;
    if (w === 0) continue;
    s = addUp(s, w > 0 ? mulUp(w, upper[vOffset + i]!) : mulUp(w, lower[vOffset + i]!));
  }
  return s;
}

/**
 * An upper bound of Σ_i |a_i| · m_i for non-negative m (one round-to-nearest pass, inflated as in
 * `inflateNonNegativeSum`); monotone in `m`, since every rounded operation is.
 */
export function dotAbsUp(
  a: ArrayLike<number>,
  aOffset: number,
  m: ArrayLike<number>,
  mOffset: number,
  n: number,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[aOffset + i]!) * m[mOffset + i]!;
  return inflateNonNegativeSum(s, n);
}

/**
 * A lower bound of Σ_i a_i · v_i over v_i ∈ [lower_i, upper_i] from one round-to-nearest pass:
 * the computed sum ŝ of the terms min(a_i·lower_i, a_i·upper_i) minus γ_n·Σ|terms| + n·2^-1074
 * (Higham §3.1). Faster than `dotIntervalDown` but not monotone in the box.
 */
export function dotIntervalDownFast(
  a: ArrayLike<number>,
  aOffset: number,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  vOffset: number,
  n: number,
): number {
  let s = 0;
  let abs = 0;
  let terms = 0;
  for (let i = 0; i < n; i++) {
    const w = a[aOffset + i]!;
    if (w === 0) continue;
    const t = w > 0 ? w * lower[vOffset + i]! : w * upper[vOffset + i]!;
    s += t;
    abs += Math.abs(t);
    terms++;
  }
  if (terms === 0) return 0;
  const error = addUp(
    mulUp(gammaUp(terms, UNIT_ROUNDOFF_FLOAT64), inflateNonNegativeSum(abs, terms)),
    2 * terms * Number.MIN_VALUE,
  );
  return subDown(s, error);
}

/**
 * An upper bound of Σ_k (2u·|r_k| + 2^-1074)·m_k — the total rounding error of `count` binary64
 * results r_k weighted by magnitudes m_k (see `roundingErrorUp`) — from the round-to-nearest sums
 * `absTimesMax` = Σ |r_k|·m_k and `maxSum` = Σ m_k.
 */
export function roundingSlackUp(absTimesMax: number, maxSum: number, count: number): number {
  if (count === 0) return 0;
  return addUp(
    mulUp(2 * UNIT_ROUNDOFF_FLOAT64, inflateNonNegativeSum(absTimesMax, count)),
    mulUp(Number.MIN_VALUE, inflateNonNegativeSum(maxSum, count)),
  );
}
