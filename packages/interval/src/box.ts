import { BoxDimensionError, InvalidBoxError } from './errors.js';
import { addUp, float32Down, float32Up, subDown } from './outward.js';

/**
 * An axis-aligned box of inputs `lower[i] ≤ x[i] ≤ upper[i]` (float64 bounds). What a box covers
 * is defined in the README: every real vector inside it, and the float32 vector `fl(x)` (round to
 * nearest, as `Float32Array.from` stores it) of each of them — which includes every float32
 * vector inside the box.
 */
export interface Box {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Sound lower and upper bounds of a vector, element by element. */
export interface Bounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** An operating box given as plain arrays, e.g. `CARTPOLE_OPERATING_BOX` from @quantproof/env. */
export interface BoxArrays {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

function checkBounds(lower: Float64Array, upper: Float64Array, what: string): void {
  if (lower.length !== upper.length) {
    throw new InvalidBoxError(
      `${what}: lower has ${lower.length} values but upper has ${upper.length}; give one lower and one upper bound per input dimension`,
    );
  }
  if (lower.length === 0) {
    throw new InvalidBoxError(`${what}: a box needs at least one dimension; got none`);
  }
  for (let i = 0; i < lower.length; i++) {
    const l = lower[i]!;
    const u = upper[i]!;
    if (Number.isNaN(l) || Number.isNaN(u)) {
      throw new InvalidBoxError(`${what}: dimension ${i} has a NaN bound; bounds must be numbers`);
    }
    if (!Number.isFinite(l) || !Number.isFinite(u)) {
      throw new InvalidBoxError(
        `${what}: dimension ${i} is unbounded ([${l}, ${u}]); bounds must be finite — verify over an operating box such as CARTPOLE_OPERATING_BOX`,
      );
    }
    if (l > u) {
      throw new InvalidBoxError(
        `${what}: dimension ${i} has lower ${l} > upper ${u}; swap them or fix the box`,
      );
    }
  }
}

/** A box from lower and upper bounds (copied); throws `InvalidBoxError` for NaN, ±∞, lower > upper or mismatched lengths. */
export function createBox(lower: ArrayLike<number>, upper: ArrayLike<number>): Box {
  const box = { lower: Float64Array.from(lower), upper: Float64Array.from(upper) };
  checkBounds(box.lower, box.upper, 'createBox');
  return box;
}

/**
 * The box `[centre − radius, centre + radius]` (one radius for every dimension or one per
 * dimension), rounded outward so that it contains the exact real interval.
 */
export function boxFromCentre(centre: ArrayLike<number>, radius: number | ArrayLike<number>): Box {
  const n = centre.length;
  if (typeof radius !== 'number' && radius.length !== n) {
    throw new InvalidBoxError(
      `boxFromCentre: the centre has ${n} dimensions but ${radius.length} radii were given; give one radius or one per dimension`,
    );
  }
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = typeof radius === 'number' ? radius : radius[i]!;
    if (!(r >= 0) || !Number.isFinite(r)) {
      throw new InvalidBoxError(
        `boxFromCentre: radius ${i} is ${r}; a radius must be a finite number ≥ 0`,
      );
    }
    const c = centre[i]!;
    if (!Number.isFinite(c)) {
      throw new InvalidBoxError(`boxFromCentre: centre ${i} is ${c}; it must be a finite number`);
    }
    lower[i] = subDown(c, r);
    upper[i] = addUp(c, r);
  }
  const box = { lower, upper };
  checkBounds(lower, upper, 'boxFromCentre');
  return box;
}

/** A box from an operating box given as arrays (`{ lower, upper }`), validated like `createBox`. */
export function boxFromOperatingBox(operatingBox: BoxArrays): Box {
  const box = {
    lower: Float64Array.from(operatingBox.lower),
    upper: Float64Array.from(operatingBox.upper),
  };
  checkBounds(box.lower, box.upper, 'boxFromOperatingBox');
  return box;
}

/** Number of dimensions of a box. */
export function boxDimension(box: Box): number {
  return box.lower.length;
}

/** Throws `BoxDimensionError` unless the box has `inputs` dimensions. */
export function checkBoxDimension(box: Box, inputs: number, what: string): void {
  if (box.lower.length !== inputs || box.upper.length !== inputs) {
    throw new BoxDimensionError(
      `${what}: the box has ${box.lower.length} dimensions but the network takes ${inputs} inputs; build the box over the network's inputs`,
    );
  }
}

/** The midpoint of every dimension (round to nearest; it lies inside the box). */
export function boxCentre(box: Box): Float64Array {
  const out = new Float64Array(box.lower.length);
  for (let i = 0; i < out.length; i++) {
    const l = box.lower[i]!;
    const u = box.upper[i]!;
    const m = l + (u - l) / 2;
    out[i] = m < l ? l : m > u ? u : m;
  }
  return out;
}

/** The two halves of `box` split at `at` (default the midpoint) along dimension `dimension`. */
export function splitBox(box: Box, dimension: number, at?: number): [Box, Box] {
  const l = box.lower[dimension];
  const u = box.upper[dimension];
  if (l === undefined || u === undefined) {
    throw new BoxDimensionError(
      `splitBox: dimension ${dimension} does not exist in a ${box.lower.length}-dimensional box`,
    );
  }
  const cut = at ?? boxCentre(box)[dimension]!;
  if (!(cut >= l && cut <= u)) {
    throw new InvalidBoxError(`splitBox: the cut ${cut} lies outside [${l}, ${u}]`);
  }
  const left = { lower: new Float64Array(box.lower), upper: new Float64Array(box.upper) };
  const right = { lower: new Float64Array(box.lower), upper: new Float64Array(box.upper) };
  left.upper[dimension] = cut;
  right.lower[dimension] = cut;
  return [left, right];
}

/** Whether `x` lies inside the box (every coordinate within its bounds, inclusive). */
export function boxContains(box: Box, x: ArrayLike<number>): boolean {
  if (x.length !== box.lower.length) return false;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! >= box.lower[i]! && x[i]! <= box.upper[i]!)) return false;
  }
  return true;
}

/**
 * The share of `root`'s volume that `box` takes: Π (width_i / rootWidth_i) over the dimensions of
 * non-zero root width (an informational float64 value, not a bound).
 */
export function volumeFraction(box: Box, root: Box): number {
  let f = 1;
  for (let i = 0; i < root.lower.length; i++) {
    const w = root.upper[i]! - root.lower[i]!;
    if (w > 0) f *= (box.upper[i]! - box.lower[i]!) / w;
  }
  return f;
}

/**
 * The range `[fl(lower), fl(upper)]` of the float32 inputs the executors see for the box: `fl(x)`
 * for every real x inside it (`fl` = round to nearest float32, monotone).
 */
export function float32Range(box: Box): Bounds {
  return {
    lower: Float64Array.from(box.lower, (v) => Math.fround(v)),
    upper: Float64Array.from(box.upper, (v) => Math.fround(v)),
  };
}

/**
 * The float32 values strictly inside the box, `[float32Up(lower), float32Down(upper)]`, or `null`
 * when some dimension contains no float32 value (then `float32Range` still covers `fl(x)`).
 */
export function float32Interior(box: Box): Bounds | null {
  const lower = Float64Array.from(box.lower, float32Up);
  const upper = Float64Array.from(box.upper, float32Down);
  for (let i = 0; i < lower.length; i++) if (lower[i]! > upper[i]!) return null;
  return { lower, upper };
}

/**
 * The input range every FP32 bound is computed over: the hull of the box (real inputs) and of
 * `float32Range(box)` (float32 inputs).
 */
export function fp32InputRange(box: Box): Bounds {
  const f = float32Range(box);
  return {
    lower: Float64Array.from(box.lower, (v, i) => Math.min(v, f.lower[i]!)),
    upper: Float64Array.from(box.upper, (v, i) => Math.max(v, f.upper[i]!)),
  };
}
