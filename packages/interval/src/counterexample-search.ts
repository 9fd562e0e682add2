// The one counterexample search: float32 inputs of a box where the int8 model and the FP32 network
// take different decisions. The int8 decision is constant on a quantisation cell, so a cell that
// the FP32 decision boundary crosses holds a disagreement on one side; the search looks for such
// cells. Candidates, in order: the box's corners and seeded random points; for each of the two
// decisions (FP32, int8), segments between candidates whose decisions differ, bisected to adjacent
// float32 points; gradient-guided walks (nn's backwardTrain) that push the FP32 margin across zero,
// bisected where a decision flips. Around every boundary point found it tries the corners of the
// point's quantisation cell inside the box and a few random points near it. Every candidate
// is CHECKED with forwardFp32 and quant's forwardInt8; only confirmed disagreements are returned.

import {
  backwardTrain,
  createForwardFp32Workspace,
  createSeededRng,
  createTrainingWorkspace,
  forwardFp32,
  forwardFp32Into,
  forwardTrain,
  type ForwardFp32Workspace,
  type Mlp,
  type Rng,
  type TrainingWorkspace,
} from '@quantproof/nn';
import {
  type CpuSemantics,
  createInt8Executor,
  decideOutputs,
  forwardInt8,
  type Int8Executor,
  NonFiniteInputError,
  type QMlp,
} from '@quantproof/quant';
import { checkBoxDimension, float32Interior, float32Range, type Box, type Bounds } from './box.js';
import { IntervalOptionsError } from './errors.js';
import { preparePair, type PreparedPair } from './pair.js';
import { cellAround, inputQuantizers } from './region/split.js';

/** A confirmed disagreement: both executors were run on `input` and decided differently. */
export interface Counterexample {
  /** The float32 input (inside the box; see the README for boxes without float32 interior). */
  readonly input: Float32Array;
  /** `forwardFp32(fp32, input)`. */
  readonly fp32Logits: Float32Array;
  /** `forwardInt8(int8, input, { cpu })`. */
  readonly int8Logits: Float32Array;
  /** `decideOutputs(fp32Logits)`. */
  readonly fp32Action: number;
  /** `decideOutputs(int8Logits)`. */
  readonly int8Action: number;
}

/** Budgets of one search; every budget is a count, so the search is deterministic for a seed. */
export interface CounterexampleSearchBudget {
  /** Seed of the random points (a non-negative safe integer); default 0. */
  readonly seed?: number;
  /** Random points sampled in the box (after its corners); default 256. */
  readonly samples?: number;
  /**
   * Random corners tried where a box (or a cell) has more than 8 dimensions of non-zero width
   * (else all of them); default 32.
   */
  readonly corners?: number;
  /** Segments bisected per decision (FP32, then int8) between candidates that differ; default 4. */
  readonly bisections?: number;
  /** Gradient-guided walks, started from the candidates with the smallest FP32 margins; default 8. */
  readonly starts?: number;
  /** Newton steps per walk; default 8. */
  readonly steps?: number;
  /** Random points tried near each boundary point, after its cell's corners; default 8. */
  readonly neighbours?: number;
  /** Stop after this many confirmed counterexamples; default 1. */
  readonly maxCounterexamples?: number;
}

/** Options of `searchCounterexamples`. */
export interface CounterexampleSearchOptions extends CounterexampleSearchBudget {
  /** The int8 CPU semantics the executor reproduces; default quant's `DEFAULT_CPU_SEMANTICS`. */
  readonly cpu?: CpuSemantics;
}

/** A search over boxes of one FP32/int8 pair, validated once (see `createCounterexampleSearch`). */
export type CounterexampleSearch = (
  box: Box,
  budget?: CounterexampleSearchBudget,
) => Counterexample[];

/** What every search of one pair reuses: the prepared pair, the executor and the workspaces. */
export interface SearchContext {
  readonly pair: PreparedPair;
  readonly executor: Int8Executor;
  readonly quantizers: ((x: number) => number)[] | null;
  readonly fpWorkspace: ForwardFp32Workspace;
  readonly fpOut: Float32Array;
  readonly intOut: Float32Array;
  training: TrainingWorkspace | null;
}

/** Boxes (and cells) with at most this many dimensions of non-zero width have all their corners tried. */
const MAX_FULL_CORNERS = 8;

/** Bisection steps per segment: halves a float32 segment down to adjacent points in practice. */
const BISECTION_STEPS = 64;

/** The reusable state of searches on `pair` (int8 executed with `cpu`). */
export function createSearchContext(pair: PreparedPair, cpu?: CpuSemantics): SearchContext {
  return {
    pair,
    executor:
      cpu === undefined || cpu === pair.executor.cpu
        ? pair.executor
        : createInt8Executor(pair.int8, { cpu }),
    quantizers: inputQuantizers(pair.int8),
    fpWorkspace: createForwardFp32Workspace(pair.fp32),
    fpOut: new Float32Array(pair.outputSize),
    intOut: new Float32Array(pair.outputSize),
    training: null,
  };
}

/** Decisions at a point; `int` is −1 where the int8 model cannot run (a non-finite dynamic scale). */
interface Decisions {
  readonly fp: number;
  readonly int: number;
}

type Label = (d: Decisions) => number;
const fpLabel: Label = (d) => d.fp;
const intLabel: Label = (d) => d.int;
const pairLabel: Label = (d) => d.fp * 65536 + d.int;

class Search {
  readonly found: Counterexample[] = [];
  private readonly seen = new Set<string>();
  private readonly probedCells = new Set<string>();

  constructor(
    readonly ctx: SearchContext,
    readonly range: Bounds,
    readonly rng: Rng,
    readonly limit: number,
    readonly cornerCount: number,
    readonly neighbours: number,
  ) {}

  get done(): boolean {
    return this.found.length >= this.limit;
  }

  /** Both decisions at x; records x when they differ and the executors, run afresh, confirm it. */
  decide(x: Float32Array): Decisions {
    const { pair, executor } = this.ctx;
    const fp = decideOutputs(forwardFp32Into(pair.fp32, x, this.ctx.fpOut, this.ctx.fpWorkspace));
    let int: number;
    try {
      int = decideOutputs(executor.forward(x, this.ctx.intOut));
    } catch (error) {
      if (!(error instanceof NonFiniteInputError)) throw error;
      return { fp, int: -1 };
    }
    if (fp !== int && !this.done) {
      const key = x.join(',');
      if (!this.seen.has(key)) {
        this.seen.add(key);
        const input = Float32Array.from(x);
        const fp32Logits = forwardFp32(pair.fp32, input);
        const int8Logits = forwardInt8(pair.int8, input, { cpu: executor.cpu });
        const fp32Action = decideOutputs(fp32Logits);
        const int8Action = decideOutputs(int8Logits);
        if (fp32Action !== int8Action) {
          this.found.push({ input, fp32Logits, int8Logits, fp32Action, int8Action });
        }
      }
    }
    return { fp, int };
  }

  /** All corners of `bounds` when at most 8 of its dimensions have width, else `cornerCount` random ones. */
  corners(bounds: Bounds): Float32Array[] {
    const wide: number[] = [];
    for (let i = 0; i < bounds.lower.length; i++) {
      if (bounds.upper[i]! > bounds.lower[i]!) wide.push(i);
    }
    const corner = (upper: (k: number) => boolean): Float32Array => {
      const x = Float32Array.from(bounds.lower);
      wide.forEach((i, k) => {
        if (upper(k)) x[i] = bounds.upper[i]!;
      });
      return x;
    };
    const out: Float32Array[] = [];
    if (wide.length <= MAX_FULL_CORNERS) {
      for (let m = 0; m < 1 << wide.length; m++) out.push(corner((k) => ((m >> k) & 1) === 1));
    } else {
      for (let c = 0; c < this.cornerCount; c++)
        out.push(corner(() => this.rng.nextFloat64() < 0.5));
    }
    return out;
  }

  /** A random float32 point of `bounds` (float32 ends: fl is monotone, so it stays inside). */
  randomPoint(bounds: Bounds): Float32Array {
    return Float32Array.from(bounds.lower, (l, i) =>
      Math.fround(l + (bounds.upper[i]! - l) * this.rng.nextFloat64()),
    );
  }

  /** x clipped to the box's float32 range. */
  project(x: ArrayLike<number>): Float32Array {
    return Float32Array.from(x, (v, i) =>
      Math.fround(Math.min(Math.max(v, this.range.lower[i]!), this.range.upper[i]!)),
    );
  }

  /**
   * Bisects the segment a→b, whose labels differ, down to two float32 points (adjacent along the
   * segment) with different labels; both are probed as boundary points.
   */
  bisect(a: Float32Array, b: Float32Array, label: Label): void {
    let lo = a;
    let hi = b;
    const at = label(this.decide(a));
    for (let step = 0; step < BISECTION_STEPS && !this.done; step++) {
      const mid = Float32Array.from(lo, (v, i) => Math.fround(v + (hi[i]! - v) / 2));
      if (mid.every((v, i) => v === lo[i]) || mid.every((v, i) => v === hi[i])) break;
      if (label(this.decide(mid)) === at) lo = mid;
      else hi = mid;
    }
    this.probe(lo);
    this.probe(hi);
  }

  /**
   * Candidates around a boundary point p: the corners of p's quantisation cell inside the box (the
   * int8 decision is constant on it, so where the FP32 boundary crosses it one side disagrees),
   * those on either side of the FP32 margin's gradient first, then random points of the cell
   * (dynamic models, which have no fixed cells: random points within 2^-10 of the box's width).
   */
  probe(p: Float32Array): void {
    if (this.done) return;
    this.decide(p);
    const q = this.ctx.quantizers;
    if (q === null) {
      for (let s = 0; s < this.neighbours && !this.done; s++) {
        const width = (i: number): number => this.range.upper[i]! - this.range.lower[i]!;
        const step = (i: number): number => width(i) * 2 ** -10 * (2 * this.rng.nextFloat64() - 1);
        this.decide(this.project(Array.from(p, (v, i) => v + step(i))));
      }
      return;
    }
    const cell: Bounds = { lower: new Float64Array(p.length), upper: new Float64Array(p.length) };
    for (let i = 0; i < p.length; i++) {
      const c = cellAround(q[i]!, p[i]!, this.range.lower[i]!, this.range.upper[i]!);
      cell.lower[i] = c.lo;
      cell.upper[i] = c.hi;
    }
    const key = `${cell.lower.join(',')}|${cell.upper.join(',')}`;
    if (this.probedCells.has(key)) return;
    this.probedCells.add(key);
    // First the two corners where the FP32 margin's linearisation at p is largest and smallest:
    // when the FP32 boundary crosses the cell they lie on either side of it, in any dimension.
    const { gradients } = this.marginGradients(p, 1);
    this.decide(Float32Array.from(cell.lower, (l, i) => (gradients[i]! > 0 ? cell.upper[i]! : l)));
    this.decide(Float32Array.from(cell.lower, (l, i) => (gradients[i]! > 0 ? l : cell.upper[i]!)));
    for (const x of this.corners(cell)) {
      this.decide(x);
      if (this.done) return;
    }
    for (let s = 0; s < this.neighbours && !this.done; s++) this.decide(this.randomPoint(cell));
  }

  /** The training workspace, grown to at least `rows` rows. */
  training(rows: number): TrainingWorkspace {
    const current = this.ctx.training;
    if (current !== null && current.batchCapacity >= rows) return current;
    const grown = createTrainingWorkspace(this.ctx.pair.fp32, Math.max(rows, 16));
    this.ctx.training = grown;
    return grown;
  }

  /** FP32 margins (top logit minus the runner-up) of `count` rows and their input gradients. */
  marginGradients(
    xs: Float32Array,
    count: number,
  ): { margins: Float64Array; gradients: Float64Array } {
    const k = this.ctx.pair.outputSize;
    const n = this.ctx.pair.inputSize;
    const workspace = this.training(count);
    const logits = forwardTrain(workspace, xs, count);
    const dOutput = new Float64Array(count * k);
    const margins = new Float64Array(count);
    for (let r = 0; r < count; r++) {
      const row = logits.subarray(r * k, (r + 1) * k);
      const a = decideOutputs(row);
      let b = a === 0 ? 1 : 0;
      for (let j = 0; j < k; j++) if (j !== a && row[j]! > row[b]!) b = j;
      margins[r] = b < k ? row[a]! - row[b]! : Infinity;
      dOutput[r * k + a] = 1;
      if (b < k) dOutput[r * k + b] = -1;
    }
    const gradients = new Float64Array(count * n);
    backwardTrain(workspace, dOutput, { dInput: gradients });
    return { margins, gradients };
  }

  /** A walk from x: Newton steps on the FP32 margin until a decision flips (then bisects). */
  walk(start: Float32Array, steps: number): void {
    const n = this.ctx.pair.inputSize;
    let x = start;
    let at = this.decide(x);
    for (let step = 0; step < steps && !this.done; step++) {
      const { margins, gradients } = this.marginGradients(x, 1);
      // Only the coordinates that can move down the gradient (not held by a face of the box).
      const free = (i: number): boolean => {
        const g = gradients[i]!;
        return g > 0 ? x[i]! > this.range.lower[i]! : g < 0 && x[i]! < this.range.upper[i]!;
      };
      let norm = 0;
      for (let i = 0; i < n; i++) if (free(i)) norm += gradients[i]! * gradients[i]!;
      if (!(norm > 0) || !Number.isFinite(margins[0]!)) return;
      // A step to slightly past the FP32 boundary (margin → −½·margin).
      const scale = (1.5 * margins[0]! + 1e-6) / norm;
      const next = this.project(Array.from(x, (v, i) => (free(i) ? v - scale * gradients[i]! : v)));
      const atNext = this.decide(next);
      if (pairLabel(atNext) !== pairLabel(at)) {
        this.bisect(x, next, pairLabel);
        return;
      }
      if (next.every((v, i) => v === x[i])) return;
      x = next;
      at = atNext;
    }
  }
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new IntervalOptionsError(`${name} must be an integer ≥ ${min}; got ${value}`);
  }
  return value;
}

/**
 * `searchCounterexamples` with a prepared context (the box's dimension already checked): the
 * float32 points searched are those strictly inside the box, or `float32Range(box)` when it has
 * none.
 */
export function searchInContext(
  ctx: SearchContext,
  box: Box,
  budget: CounterexampleSearchBudget = {},
): Counterexample[] {
  const samples = checkCount('samples', budget.samples ?? 256, 0);
  const corners = checkCount('corners', budget.corners ?? 32, 0);
  const bisections = checkCount('bisections', budget.bisections ?? 4, 0);
  const starts = checkCount('starts', budget.starts ?? 8, 0);
  const steps = checkCount('steps', budget.steps ?? 8, 0);
  const neighbours = checkCount('neighbours', budget.neighbours ?? 8, 0);
  const limit = checkCount('maxCounterexamples', budget.maxCounterexamples ?? 1, 1);
  const rng = createSeededRng(checkCount('seed', budget.seed ?? 0, 0));
  const range = float32Interior(box) ?? float32Range(box);
  const search = new Search(ctx, range, rng, limit, corners, neighbours);
  const candidates = search.corners(range);
  for (let s = 0; s < samples; s++) candidates.push(search.randomPoint(range));
  const decisions: Decisions[] = [];
  for (const x of candidates) {
    decisions.push(search.decide(x));
    if (search.done) return search.found;
  }
  // Segments between candidates of different decisions cross a boundary of that decision.
  for (const label of [fpLabel, intLabel]) {
    const groups = new Map<number, Float32Array[]>();
    candidates.forEach((x, k) => {
      const value = label(decisions[k]!);
      if (value < 0) return;
      const group = groups.get(value);
      if (group === undefined) groups.set(value, [x]);
      else group.push(x);
    });
    if (groups.size < 2) continue;
    const [first, ...rest] = [...groups.values()];
    const others = rest.flat();
    const pairs = Math.min(bisections, first!.length, others.length);
    for (let k = 0; k < pairs && !search.done; k++) {
      search.bisect(first![k]!, others[others.length - 1 - k]!, label);
    }
    if (search.done) return search.found;
  }
  if (starts === 0 || candidates.length === 0) return search.found;
  // Walks start from the candidates closest to the FP32 boundary.
  const n = ctx.pair.inputSize;
  const batch = new Float32Array(candidates.length * n);
  candidates.forEach((x, r) => batch.set(x, r * n));
  const { margins } = search.marginGradients(batch, candidates.length);
  const order = Array.from(margins.keys()).sort((a, b) => margins[a]! - margins[b]! || a - b);
  for (const index of order.slice(0, starts)) {
    search.walk(candidates[index]!, steps);
    if (search.done) break;
  }
  return search.found;
}

/**
 * A counterexample search over boxes of one FP32/int8 pair, validated once (throws like
 * `preparePair`): `(box, budget) => searchCounterexamples(fp32, int8, box, { ...budget, cpu })`.
 */
export function createCounterexampleSearch(
  fp32: Mlp,
  int8: QMlp,
  options: Pick<CounterexampleSearchOptions, 'cpu'> = {},
): CounterexampleSearch {
  const ctx = createSearchContext(preparePair(fp32, int8), options.cpu);
  return (box, budget = {}) => {
    checkBoxDimension(box, ctx.pair.inputSize, 'searchCounterexamples');
    return searchInContext(ctx, box, budget);
  };
}

/**
 * Searches `box` for float32 inputs where `decideOutputs(forwardInt8(int8, x, { cpu }))` differs
 * from `decideOutputs(forwardFp32(fp32, x))`. Returns only disagreements confirmed by running both
 * executors (possibly none), in the order found; deterministic for a given seed and budget.
 */
export function searchCounterexamples(
  fp32: Mlp,
  int8: QMlp,
  box: Box,
  options: CounterexampleSearchOptions = {},
): Counterexample[] {
  const { cpu, ...budget } = options;
  return createCounterexampleSearch(fp32, int8, cpu === undefined ? {} : { cpu })(box, budget);
}
