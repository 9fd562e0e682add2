// Counterexample search: float32 inputs of a box where the int8 model and the FP32 network take
// different actions. Candidates come from corners, random samples, and gradient-guided walks that
// push the FP32 margin (logit of its action minus the runner-up, differentiated with nn's
// backwardTrain) across zero; a segment along which either decision flips is bisected to adjacent
// float32 points, and a few points around the FP32 boundary are sampled — the int8 decision is
// piecewise constant on quantisation cells, so a cell the FP32 boundary crosses holds a
// disagreement. Every candidate is CHECKED with forwardFp32 and quant's forwardInt8; only
// confirmed disagreements are returned.

import {
  backwardTrain,
  createForwardFp32Workspace,
  createSeededRng,
  createTrainingWorkspace,
  forwardFp32,
  forwardFp32Into,
  forwardTrain,
  mlpInputSize,
  type Mlp,
  type ForwardFp32Workspace,
  type Rng,
  type TrainingWorkspace,
} from '@quantproof/nn';
import { argmaxFirst, forwardInt8, type QMlp } from '@quantproof/quant';
import { checkBoxDimension, float32Interior, float32Range, type Box, type Bounds } from './box.js';
import { IntervalOptionsError } from './errors.js';
import { preparePair, type PreparedPair } from './pair.js';

/** A confirmed disagreement: both executors were run on `input` and chose different actions. */
export interface Counterexample {
  /** The float32 input (inside the box; see the README for boxes without float32 interior). */
  readonly input: Float32Array;
  /** `forwardFp32(fp32, input)`. */
  readonly fp32Logits: Float32Array;
  /** `forwardInt8(int8, input)`. */
  readonly int8Logits: Float32Array;
  /** `argmaxFirst(fp32Logits)`. */
  readonly fp32Action: number;
  /** `argmaxFirst(int8Logits)`. */
  readonly int8Action: number;
}

/** Options of `searchCounterexamples`; every budget is a count, so the search is deterministic. */
export interface CounterexampleSearchOptions {
  /** Seed of the random samples; default 0. */
  readonly seed?: number;
  /** Random points sampled in the box (after its corners); default 256. */
  readonly samples?: number;
  /** Gradient-guided walks, started from the samples with the smallest FP32 margins; default 8. */
  readonly starts?: number;
  /** Newton steps per walk; default 8. */
  readonly steps?: number;
  /** Points sampled around each FP32 boundary point found; default 8. */
  readonly neighbours?: number;
  /** Stop after this many confirmed counterexamples; default 1. */
  readonly maxCounterexamples?: number;
}

interface Evaluator {
  readonly pair: PreparedPair;
  readonly fpWorkspace: ForwardFp32Workspace;
  readonly fpOut: Float32Array;
  readonly intOut: Float32Array;
  readonly n: number;
  readonly workspace: TrainingWorkspace;
  readonly found: Counterexample[];
  readonly seen: Set<string>;
  readonly limit: number;
  /** The float32 range points are drawn from. */
  readonly range: Bounds;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new IntervalOptionsError(`${name} must be an integer ≥ ${min}; got ${value}`);
  }
  return value;
}

/** Evaluates both decisions at x; records x when they differ (confirmed by the executors). */
function decide(ev: Evaluator, x: Float32Array): { fp: number; int: number } {
  const fpLogits = forwardFp32Into(ev.pair.fp32, x, ev.fpOut, ev.fpWorkspace);
  const intLogits = ev.pair.executor.forward(x, ev.intOut);
  const fp = argmaxFirst(fpLogits);
  const int = argmaxFirst(intLogits);
  if (fp !== int && ev.found.length < ev.limit) {
    const key = Array.from(x).join(',');
    if (!ev.seen.has(key)) {
      ev.seen.add(key);
      // The check: the canonical executors, run afresh on a copy of the input.
      const input = Float32Array.from(x);
      const fp32Logits = forwardFp32(ev.pair.fp32, input);
      const int8Logits = forwardInt8(ev.pair.int8, input);
      const fp32Action = argmaxFirst(fp32Logits);
      const int8Action = argmaxFirst(int8Logits);
      if (fp32Action !== int8Action) {
        ev.found.push({ input, fp32Logits, int8Logits, fp32Action, int8Action });
      }
    }
  }
  return { fp, int };
}

function done(ev: Evaluator): boolean {
  return ev.found.length >= ev.limit;
}

function randomPoint(rng: Rng, range: Bounds): Float32Array {
  return Float32Array.from(range.lower, (lo, i) => {
    const hi = range.upper[i]!;
    // fl is monotone and both ends are float32 values, so the point stays inside the range.
    return Math.fround(lo + (hi - lo) * rng.nextFloat64());
  });
}

function project(x: Float64Array | Float32Array, range: Bounds): Float32Array {
  return Float32Array.from(x, (v, i) =>
    Math.fround(Math.min(Math.max(v, range.lower[i]!), range.upper[i]!)),
  );
}

/** Bisects the segment [a, b], whose decision pairs differ, down to adjacent float32 points. */
function bisect(ev: Evaluator, a: Float32Array, b: Float32Array): Float32Array {
  let lo = a;
  let hi = b;
  let atLo = decide(ev, lo);
  for (let iteration = 0; iteration < 64 && !done(ev); iteration++) {
    const mid = Float32Array.from(lo, (v, i) => Math.fround(v + (hi[i]! - v) / 2));
    if (mid.every((v, i) => v === lo[i]) || mid.every((v, i) => v === hi[i])) break;
    const atMid = decide(ev, mid);
    if (atMid.fp === atLo.fp && atMid.int === atLo.int) {
      lo = mid;
      atLo = atMid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** FP32 margins (action minus runner-up) of `count` rows and their input gradients. */
function marginGradients(
  ev: Evaluator,
  xs: Float32Array,
  count: number,
): { margins: Float64Array; gradients: Float64Array } {
  const k = ev.pair.outputSize;
  const logits = forwardTrain(ev.workspace, xs, count);
  const dOutput = new Float64Array(count * k);
  const margins = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    const row = logits.subarray(r * k, (r + 1) * k);
    const a = argmaxFirst(row);
    let b = a === 0 ? 1 : 0;
    for (let j = 0; j < k; j++) if (j !== a && row[j]! > row[b]!) b = j;
    margins[r] = row[a]! - row[b]!;
    dOutput[r * k + a] = 1;
    dOutput[r * k + b] = -1;
  }
  const gradients = new Float64Array(count * ev.n);
  backwardTrain(ev.workspace, dOutput, { dInput: gradients });
  return { margins, gradients };
}

function neighbourhood(ev: Evaluator, rng: Rng, centre: Float32Array, count: number): void {
  const model = ev.pair.int8;
  for (let s = 0; s < count && !done(ev); s++) {
    const x = Float64Array.from(centre, (v, i) => {
      const width = ev.range.upper[i]! - ev.range.lower[i]!;
      const step = model.format === 'dynamic' ? width * 2 ** -10 : model.input.scale;
      return v + step * (2 * rng.nextFloat64() - 1);
    });
    decide(ev, project(x, ev.range));
  }
}

/**
 * `searchCounterexamples` on a prepared pair (the box's dimension already checked), reusing
 * `workspace` when it holds enough rows.
 */
export function searchPrepared(
  pair: PreparedPair,
  box: Box,
  options: CounterexampleSearchOptions = {},
  workspace?: TrainingWorkspace,
): Counterexample[] {
  const seed = options.seed ?? 0;
  const samples = checkCount('samples', options.samples ?? 256, 0);
  const starts = checkCount('starts', options.starts ?? 8, 0);
  const steps = checkCount('steps', options.steps ?? 8, 0);
  const neighbours = checkCount('neighbours', options.neighbours ?? 8, 0);
  const limit = checkCount('maxCounterexamples', options.maxCounterexamples ?? 1, 1);
  const rng = createSeededRng(checkCount('seed', seed, 0));
  const n = pair.inputSize;
  const range = float32Interior(box) ?? float32Range(box);
  const candidates: Float32Array[] = [];
  const corners = Math.min(2 ** n, 16);
  for (let c = 0; c < corners; c++) {
    candidates.push(
      Float32Array.from(range.lower, (lo, i) => ((c >> i) & 1 ? range.upper[i]! : lo)),
    );
  }
  for (let s = 0; s < samples; s++) candidates.push(randomPoint(rng, range));
  const capacity = Math.max(1, candidates.length);
  const ev: Evaluator = {
    pair,
    fpWorkspace: createForwardFp32Workspace(pair.fp32),
    fpOut: new Float32Array(pair.outputSize),
    intOut: new Float32Array(pair.outputSize),
    n,
    workspace:
      workspace !== undefined && workspace.batchCapacity >= capacity
        ? workspace
        : createTrainingWorkspace(pair.fp32, capacity),
    found: [],
    seen: new Set(),
    limit,
    range,
  };
  for (const x of candidates) {
    decide(ev, x);
    if (done(ev)) return ev.found;
  }
  if (starts === 0 || candidates.length === 0) return ev.found;
  // Walks start from the candidates closest to the FP32 boundary.
  const batch = new Float32Array(candidates.length * n);
  candidates.forEach((x, r) => batch.set(x, r * n));
  const { margins } = marginGradients(ev, batch, candidates.length);
  const order = Array.from(margins.keys()).sort((a, b) => margins[a]! - margins[b]! || a - b);
  for (const index of order.slice(0, starts)) {
    let x = candidates[index]!;
    let at = decide(ev, x);
    for (let step = 0; step < steps && !done(ev); step++) {
      const { margins: m, gradients: g } = marginGradients(ev, x, 1);
      let norm = 0;
      for (let i = 0; i < n; i++) norm += g[i]! * g[i]!;
      if (!(norm > 0)) break;
      // A Newton step to slightly past the FP32 boundary (margin → −½·margin).
      const scale = (1.5 * m[0]! + 1e-6) / norm;
      const next = project(
        Float64Array.from(x, (v, i) => v - scale * g[i]!),
        range,
      );
      const atNext = decide(ev, next);
      if (atNext.fp !== at.fp || atNext.int !== at.int) {
        const boundary = bisect(ev, x, next);
        neighbourhood(ev, rng, boundary, neighbours);
        break;
      }
      if (next.every((v, i) => v === x[i])) break;
      x = next;
      at = atNext;
    }
    if (done(ev)) break;
  }
  return ev.found;
}

/**
 * Searches `box` for float32 inputs where `argmaxFirst(forwardInt8(int8, x))` differs from
 * `argmaxFirst(forwardFp32(fp32, x))`. Returns only disagreements confirmed by running both
 * executors (possibly none); deterministic for a given seed.
 */
export function searchCounterexamples(
  fp32: Mlp,
  int8: QMlp,
  box: Box,
  options: CounterexampleSearchOptions = {},
): Counterexample[] {
  const pair = preparePair(fp32, int8);
  checkBoxDimension(box, mlpInputSize(fp32), 'searchCounterexamples');
  return searchPrepared(pair, box, options);
}
