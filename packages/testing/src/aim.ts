// Where an int8 model disagrees with its FP32 original: in the quantisation cells the FP32 decision
// boundary crosses (the int8 model is constant on a cell of a static model, so the cell's far side
// takes the other FP32 decision), on and next to the input-quantisation cell faces, at the
// saturation edges of the input quantiser and of the box. `Aimer` draws float32 points there from a
// seeded generator; it decides with quant's one decision rule on nn's forward pass and quant's
// executor, and finds cell faces with smt-verify's `inputCells` (quant's `quantizeLinear`).
import { float32Down, float32FromOrdinal, float32Ordinal, float32Up } from '@quantproof/interval';
import { forwardFp32, type Mlp, mlpHead, type Rng } from '@quantproof/nn';
import {
  AccumulatorOverflowError,
  createInt8Executor,
  decideLogits,
  elementTypeRange,
  inputFeatureQuant,
  type Int8Executor,
  NonFiniteInputError,
  type QMlp,
  hasInputCells,
} from '@quantproof/quant';
import { type InputBox, inputCells } from '@quantproof/smt-verify';
import { ModelInputError, TestingOptionsError } from './errors.js';

/** Where a sample is aimed. */
export type AimKind = 'boundary' | 'cell-face' | 'saturation' | 'uniform';

/** Relative weights of the aims in a mixture (non-negative, not all 0). */
export type AimWeights = Readonly<Record<AimKind, number>>;

/**
 * The default mixture: mostly bisected FP32 decision boundaries carried to the far side of their
 * quantisation cell, some cell faces and saturation edges, and a uniform share so that no part of
 * the box has probability 0.
 */
export const DEFAULT_AIM: AimWeights = {
  boundary: 6,
  'cell-face': 2,
  saturation: 1,
  uniform: 1,
};

/** Bisection steps along a segment between two inputs with different FP32 decisions. */
const BISECTIONS = 48;
/** Partners tried for a segment that crosses the FP32 decision boundary. */
const PARTNERS = 12;

function nextFloat32(x: number, up: boolean): number {
  if (x === 0) return up ? float32FromOrdinal(1) : float32FromOrdinal(-1);
  return float32FromOrdinal(float32Ordinal(x) + (up ? 1 : -1));
}

/** The FP32 decision at `x` (quant's rule on nn's forward pass); -1 where a Softmax may collapse. */
export function fp32DecisionAt(mlp: Mlp, x: Float32Array): number {
  const d = decideLogits(forwardFp32(mlp, x), mlpHead(mlp));
  return d.kind === 'action' ? d.action : -1;
}

/** The int8 decision at `x` (quant's executor and rule); -1 where it is undefined or may collapse. */
export function int8DecisionAt(executor: Int8Executor, model: QMlp, x: Float32Array): number {
  let logits: Float32Array;
  try {
    logits = executor.forward(x);
  } catch (error) {
    if (error instanceof NonFiniteInputError) return -1;
    throw error;
  }
  const d = decideLogits(logits, model.head);
  return d.kind === 'action' ? d.action : -1;
}

/** Draws aimed float32 points of one box for one model pair. */
export class Aimer {
  /** Float32 bounds of the box (rounded inward). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Per dimension: the first float32 of each input-quantisation cell after the lowest (static models). */
  readonly faces: readonly (readonly number[])[];
  /** Per dimension: the box bounds and the input quantiser's saturation faces inside the box. */
  readonly edges: readonly (readonly number[])[];
  readonly #fp32: Mlp;
  readonly #int8: QMlp;
  readonly #executor: Int8Executor;

  constructor(fp32: Mlp, int8: QMlp, box: InputBox) {
    const d = fp32.layers[0]!.inFeatures;
    if (box.lower.length !== d || box.upper.length !== d) {
      throw new TestingOptionsError(
        `the box has ${box.lower.length} lower and ${box.upper.length} upper bounds; the models take ${d} inputs: give one [lower, upper] pair per input`,
      );
    }
    this.lower = new Float64Array(d);
    this.upper = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const lo = box.lower[i]!;
      const hi = box.upper[i]!;
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(float32Up(lo) <= float32Down(hi))) {
        throw new TestingOptionsError(
          `box dimension ${i} is [${lo}, ${hi}], which holds no finite float32 value; give finite bounds with lower ≤ upper`,
        );
      }
      this.lower[i] = float32Up(lo);
      this.upper[i] = float32Down(hi);
    }
    this.#fp32 = fp32;
    this.#int8 = int8;
    try {
      this.#executor = createInt8Executor(int8);
    } catch (error) {
      if (!(error instanceof AccumulatorOverflowError)) throw error;
      throw new ModelInputError(
        `the int8 model cannot be run exactly: ${error.message}; onnxruntime's result then depends on how its CPU kernel handles int32 overflow, which quantproof does not model (the region verifier answers unknown for it)`,
      );
    }
    const faces: number[][] = [];
    const edges: number[][] = [];
    for (let i = 0; i < d; i++) {
      const lo = this.lower[i]!;
      const hi = this.upper[i]!;
      const dimEdges = [lo, hi];
      if (!hasInputCells(int8)) {
        faces.push([]);
      } else {
        const cells = inputCells(lo, hi, inputFeatureQuant(int8, i));
        faces.push([...cells.firstAt]);
        const range = elementTypeRange(int8.input.elementType);
        // Leaving the lowest code and reaching the highest: where the input quantiser saturates.
        for (const k of [range.qmin + 1, range.qmax]) {
          const at = k - cells.qLow - 1;
          if (at >= 0 && at < cells.firstAt.length) dimEdges.push(cells.firstAt[at]!);
        }
      }
      edges.push(dimEdges);
    }
    this.faces = faces;
    this.edges = edges;
  }

  /** The number of inputs. */
  get dimensions(): number {
    return this.lower.length;
  }

  /** The FP32 decision at `x` (quant's rule on nn's forward pass); -1 where a Softmax may collapse. */
  fp32Decision(x: Float32Array): number {
    return fp32DecisionAt(this.#fp32, x);
  }

  /** The int8 decision at `x` (quant's executor and rule); -1 where it is undefined or may collapse. */
  int8Decision(x: Float32Array): number {
    return int8DecisionAt(this.#executor, this.#int8, x);
  }

  /**
   * The FP32 margin at `x` of output `action` (default: FP32's decision at `x`): its float32 logit
   * over the largest other one, negative where another output is larger. The severity the shrinker
   * maximises; the certified margin of a counterexample is smt-verify's exact one.
   */
  fp32Margin(x: Float32Array, action?: number): number {
    const y = forwardFp32(this.#fp32, x);
    let top = action ?? -1;
    if (top < 0) {
      const d = decideLogits(y, 'logits');
      top = d.kind === 'action' ? d.action : 0;
    }
    let second = -Infinity;
    for (let j = 0; j < y.length; j++) if (j !== top) second = Math.max(second, y[j]!);
    return y.length === 1 ? Infinity : y[top]! - second;
  }

  /** Clamps to the box and rounds to float32 (staying inside). */
  #point(values: ArrayLike<number>): Float32Array {
    return Float32Array.from(values, (v, i) => {
      const lo = this.lower[i]!;
      const hi = this.upper[i]!;
      const r = Math.fround(Math.min(Math.max(v, lo), hi));
      return r < lo ? lo : r > hi ? hi : r;
    });
  }

  /** A uniform float32 point of the box (uniform over the reals, then rounded). */
  uniform(rng: Rng): Float32Array {
    return this.#point(
      Array.from(this.lower, (lo, i) => lo + (this.upper[i]! - lo) * rng.nextFloat64()),
    );
  }

  #pick<T>(items: readonly T[], rng: Rng): T {
    return items[Math.floor(rng.nextFloat64() * items.length)]!;
  }

  /** A non-empty random subset of the dimensions for which `usable` holds. */
  #dimensions(rng: Rng, usable: (i: number) => boolean): number[] {
    const all = Array.from(this.lower, (_, i) => i).filter(usable);
    if (all.length === 0) return [];
    const chosen = all.filter(() => rng.nextFloat64() < 0.5);
    return chosen.length > 0 ? chosen : [this.#pick(all, rng)];
  }

  /** A uniform point with some coordinates on a cell face or the float32 just below it. */
  cellFace(rng: Rng): Float32Array {
    const x = this.uniform(rng);
    const dims = this.#dimensions(rng, (i) => this.faces[i]!.length > 0);
    if (dims.length === 0) return this.boundary(rng);
    for (const i of dims) {
      const face = this.#pick(this.faces[i]!, rng);
      x[i] = rng.nextFloat64() < 0.5 ? face : Math.max(nextFloat32(face, false), this.lower[i]!);
    }
    return x;
  }

  /** A uniform point with some coordinates on a box face or a saturation face of the input quantiser. */
  saturation(rng: Rng): Float32Array {
    const x = this.uniform(rng);
    for (const i of this.#dimensions(rng, () => true)) x[i] = this.#pick(this.edges[i]!, rng);
    return x;
  }

  /** The point at `t` of the segment from `a` to `b` (float32, in the box). */
  #along(a: Float32Array, b: Float32Array, t: number): Float32Array {
    return this.#point(Array.from(a, (v, i) => v + t * (b[i]! - v)));
  }

  /**
   * A point next to the FP32 decision boundary, on the side where FP32 decides against the int8
   * decision there: a segment between two points with different FP32 decisions is bisected to the
   * boundary; for a static model the point moves to the corner of its quantisation cell on that
   * side (or part of the way: the int8 decision is the same across the cell), for a dynamic model
   * a log-uniform step along the segment. Without a crossing segment, a uniform point.
   */
  boundary(rng: Rng): Float32Array {
    const a = rng.nextFloat64() < 0.75 ? this.uniform(rng) : this.saturation(rng);
    const da = this.fp32Decision(a);
    let b: Float32Array | null = null;
    for (let k = 0; k < PARTNERS && b === null; k++) {
      const candidate = k % 3 === 2 ? this.saturation(rng) : this.uniform(rng);
      if (this.fp32Decision(candidate) !== da) b = candidate;
    }
    if (b === null) return a;
    let t0 = 0;
    let t1 = 1;
    for (let k = 0; k < BISECTIONS; k++) {
      const t = 0.5 * (t0 + t1);
      if (this.fp32Decision(this.#along(a, b, t)) === da) t0 = t;
      else t1 = t;
    }
    const p = this.#along(a, b, t0);
    const c = this.int8Decision(p);
    // Towards a's side when FP32 decides there against int8's decision at p, else towards b's.
    const target = da !== c ? a : b;
    if (this.#int8.format === 'dynamic') {
      const span = 10 ** (-1 - 6 * rng.nextFloat64());
      const from = target === a ? t0 : t1;
      const to = target === a ? 0 : 1;
      return this.#along(a, b, from + span * (to - from));
    }
    const share = rng.nextFloat64() < 0.6 ? 1 : rng.nextFloat64();
    return this.#point(
      Array.from(p, (v, i) => {
        const step = target[i]! - v;
        if (step === 0) return v;
        const cell = this.cellOf(i, v);
        const corner = step > 0 ? cell.hi : cell.lo;
        return v + share * (corner - v);
      }),
    );
  }

  /** The float32 interval of the input-quantisation cell holding `v` in dimension `i` (the box side for dynamic models). */
  cellOf(i: number, v: number): { lo: number; hi: number } {
    const faces = this.faces[i]!;
    // The last face ≤ v starts the cell; the next face ends it.
    let a = -1;
    let b = faces.length;
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (faces[m]! <= v) a = m;
      else b = m;
    }
    const lo = a < 0 ? this.lower[i]! : faces[a]!;
    const hi = b >= faces.length ? this.upper[i]! : nextFloat32(faces[b]!, false);
    return { lo, hi };
  }

  /** One point aimed as `kind`. */
  point(kind: AimKind, rng: Rng): Float32Array {
    switch (kind) {
      case 'boundary':
        return this.boundary(rng);
      case 'cell-face':
        return this.cellFace(rng);
      case 'saturation':
        return this.saturation(rng);
      case 'uniform':
        return this.uniform(rng);
    }
  }

  /**
   * Points to try when shrinking a counterexample `x`, each with a larger FP32 margin of FP32's
   * decision at `x` (so on the same side of the FP32 boundary), largest first: each coordinate
   * moved to either end of its quantisation cell (the int8 decision of a static model stays), all
   * of them to the better end at once, steps of 2^-k of the box width (k = 1 … 24) along each
   * coordinate, and the same steps along all coordinates at once in the direction that raised the
   * margin.
   */
  shrinkCandidates(x: Float32Array, limit = 512): { x: Float32Array; margin: number }[] {
    const action = this.fp32Decision(x);
    if (action < 0) return [];
    const margin = (y: Float32Array): number => this.fp32Margin(y, action);
    const m0 = margin(x);
    const floor = m0 + 1e-9 * (1 + Math.abs(m0));
    const seen = new Set<string>([x.join()]);
    const out: { x: Float32Array; margin: number }[] = [];
    const consider = (y: Float32Array): number => {
      const m = margin(y);
      const key = y.join();
      if (!seen.has(key) && m > floor && Number.isFinite(m)) {
        seen.add(key);
        out.push({ x: y, margin: m });
      }
      return m;
    };
    const corner = Float32Array.from(x);
    const direction = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const cell = this.cellOf(i, x[i]!);
      let best = { v: x[i]!, m: m0 };
      for (const v of [cell.lo, cell.hi]) {
        const y = Float32Array.from(x);
        y[i] = v;
        const m = consider(y);
        if (m > best.m) best = { v, m };
      }
      corner[i] = best.v;
      const width = this.upper[i]! - this.lower[i]!;
      for (let k = 1; k <= 24; k++) {
        const gains: number[] = [];
        for (const sign of [-1, 1]) {
          const y = Float32Array.from(x);
          y[i] = x[i]! + sign * width * 2 ** -k;
          gains.push(consider(this.#point(y)));
        }
        if (direction[i] === 0 && gains[0]! !== gains[1]!)
          direction[i] = gains[1]! > gains[0]! ? 1 : -1;
      }
    }
    consider(corner);
    // Every corner of the quantisation cell of x (up to 2^8): the int8 decision of a static model
    // is the same at all of them, and the FP32 margin over a cell is largest at one of them when
    // the network is affine there.
    if (x.length <= 8 && this.#int8.format !== 'dynamic') {
      const cells = Array.from(x, (v, i) => this.cellOf(i, v));
      for (let mask = 0; mask < 1 << x.length; mask++) {
        consider(Float32Array.from(cells, (c, i) => ((mask >> i) & 1 ? c.hi : c.lo)));
      }
    }
    for (let k = 1; k <= 24; k++) {
      consider(
        this.#point(
          Array.from(x, (v, i) => v + direction[i]! * (this.upper[i]! - this.lower[i]!) * 2 ** -k),
        ),
      );
    }
    out.sort((p, q) => q.margin - p.margin);
    return out.slice(0, limit);
  }
}
