// δ* and ε* over a decided region, by branch and bound on its leaves: sound upper bounds from
// interval arithmetic (δ*: FP32 margin bounds where the int8 action can differ; ε*: joint difference
// bounds), lower bounds from replayed points, z3's flip-margin bisection on boxes that meet few
// cells, and splitting of the box with the largest upper bound until the bracket is within the
// requested precision or the time runs out.
import { performance } from 'node:perf_hooks';
import {
  createBox,
  differenceBounds,
  marginsProveAction,
  type Box,
  type DecisionCertificate,
} from '@quantproof/interval';
import { createSeededRng, forwardFp32, type Mlp, type SeededRng } from '@quantproof/nn';
import {
  argmaxFirst,
  type CpuSemantics,
  forwardInt8,
  NonFiniteInputError,
  type QMlp,
  SOFTMAX_ORDER_GAP,
} from '@quantproof/quant';
import { addUp, fp32ExecutionError, subDown, subUp } from '@quantproof/interval';
import { fp32Bounds, fp32LinearUpperBound } from '../internal-bounds.js';
import { approximateDown } from '../rational.js';
import { int8HeadUndetermined } from '../int8-head.js';
import { int8Outputs, judgePoint, type Counterexample } from '../replay.js';
import { type BoxTaskBounds, cellCount, cellFaceSplit, unstableRelus } from './box-decision.js';
import { Heap } from './heap.js';
import type { JobPool } from './pool.js';

/** A certified bracket: the true value lies in [lower, upper]. */
export interface Bracket {
  readonly lower: number;
  readonly upper: number;
  /** upper ≤ (1 + precision)·lower was reached (else the time ran out first). */
  readonly certified: boolean;
  /** A float32 input attaining `lower` (replayed), when there is one. */
  readonly witness: number[] | null;
  /** Boxes the branch and bound evaluated, and z3 queries it ran. */
  readonly boxes: number;
  readonly smtQueries: number;
}

interface Item {
  readonly box: BoxTaskBounds;
  readonly upper: number;
  /** The upper bound came from z3's bisection (no further refinement helps). */
  readonly exact: boolean;
  /** The box can be neither split nor bounded more tightly: its bound stays, uncertified. */
  readonly stuck?: boolean;
  readonly smtTried: boolean;
}

function widestSplit(model: QMlp, box: BoxTaskBounds, root: BoxTaskBounds): BoxTaskBounds[] {
  let best = -1;
  let widest = -Infinity;
  for (let i = 0; i < box.lower.length; i++) {
    if (!(box.upper[i]! > box.lower[i]!)) continue;
    const r = (box.upper[i]! - box.lower[i]!) / (root.upper[i]! - root.lower[i]! || 1);
    if (r > widest) {
      widest = r;
      best = i;
    }
  }
  if (best < 0) return [];
  return [...cellFaceSplit(model, box, best).children];
}

function samplePoints(box: BoxTaskBounds, rng: SeededRng, count: number): Float32Array[] {
  const points: Float32Array[] = [];
  const d = box.lower.length;
  for (let m = 0; m < Math.min(1 << d, 64); m++) {
    points.push(Float32Array.from(box.lower, (l, i) => ((m >> i) & 1 ? box.upper[i]! : l)));
  }
  points.push(Float32Array.from(box.lower, (l, i) => Math.fround(0.5 * (l + box.upper[i]!))));
  for (let k = 0; k < count; k++) {
    points.push(
      Float32Array.from(box.lower, (l, i) => {
        const v = Math.fround(l + (box.upper[i]! - l) * rng.nextFloat64());
        return Math.min(Math.max(v, l), box.upper[i]!);
      }),
    );
  }
  return points;
}

/**
 * An upper bound on the FP32 margin of any action the int8 model does not take, over `box`
 * (−Infinity when the int8 action is provably FP32's there). Per action c the smaller of two
 * bounds: linear back-substitution through the FP32 network for y_c − y_j, and (c ≠ a, where a is
 * the bounds' action) minus the certifier's lower bound of y_a − y_c.
 */
function flipUpper(
  mlp: Mlp,
  model: QMlp,
  certify: (box: Box) => DecisionCertificate,
  box: BoxTaskBounds,
  cpu: CpuSemantics,
): number {
  const k = mlp.layers[mlp.layers.length - 1]!.outFeatures;
  const bounds = fp32Bounds(mlp, box.lower, box.upper);
  const region = createBox(box.lower, box.upper);
  const cert = certify(region);
  // d = int8 − FP32 logits. If FP32 takes c by margin m and int8 takes a, then
  // m ≤ y_c − y_a ≤ d_a − d_c: the joint difference bounds cap δ* by the logit error.
  const d = differenceBounds(mlp, model, region).difference;
  const int8Gap = (model.head ?? 'logits') === 'softmax' ? SOFTMAX_ORDER_GAP : 0;
  // The int8 actions possible on the box: exact inside one quantisation cell (the int8 output
  // is a constant there), else the certifier's proven action, else every action.
  const oneCell = cellCount(model, box) === 1;
  const possible: number[] = int8HeadUndetermined(model)
    ? Array.from({ length: k }, (_, j) => j)
    : oneCell
      ? [argmaxFirst(forwardInt8(model, Float32Array.from(box.lower), { cpu }))]
      : marginsProveAction(cert.int8Margins, cert.action)
        ? [cert.action]
        : Array.from({ length: k }, (_, j) => j);
  let best = -Infinity;
  for (let c = 0; c < k; c++) {
    for (const a of possible) {
      if (a === c) continue;
      const diff = new Float64Array(k);
      diff[c] = 1;
      diff[a] = -1;
      // With an int8 Softmax head, a may win a collapse although q_a < q_c by up to the gap.
      const cap = addUp(subUp(d.upper[a]!, d.lower[c]!), int8Gap);
      let m = Math.min(fp32LinearUpperBound(mlp, bounds, diff), cap);
      // The certifier bounds y_{a'} − y_c from below for its own action a'.
      if (a === cert.action) m = Math.min(m, -cert.fp32Margins[c]!);
      best = Math.max(best, m);
    }
  }
  return best;
}

/** What `boundFlipBox` found on one box. */
export interface FlipBoxBound {
  /** Upper bound of the FP32 margin of a disagreement in the box (−Infinity: none possible). */
  readonly upper: number;
  /** The disagreement with the largest exact FP32 margin among the sampled points, if any. */
  readonly best: { readonly input: number[]; readonly margin: number } | null;
}

/** δ* bound and sampled witness on one box (run in a worker or in this thread). */
export function boundFlipBox(
  mlp: Mlp,
  model: QMlp,
  certify: (box: Box) => DecisionCertificate,
  box: BoxTaskBounds,
  seed: number,
  cpu: CpuSemantics,
): FlipBoxBound {
  let upper: number;
  try {
    upper = flipUpper(mlp, model, certify, box, cpu);
  } catch (error) {
    if (!(error instanceof NonFiniteInputError)) throw error;
    upper = Infinity; // onnxruntime's int8 result is undefined somewhere in the box
  }
  // A bound that is NaN (overflowing bounds meeting 0·∞) bounds nothing.
  if (Number.isNaN(upper)) upper = Infinity;
  let best: { input: number[]; margin: number } | null = null;
  for (const x of samplePoints(box, createSeededRng(seed), 8)) {
    const q = int8Outputs(model, x, cpu);
    if (q === null || argmaxFirst(forwardFp32(mlp, x)) === argmaxFirst(q)) continue;
    const judged = judgePoint(mlp, model, x, { cpu });
    if (judged.kind !== 'disagree') continue;
    const m = approximateDown(judged.fp32Margin);
    if (best !== null && m <= best.margin) continue;
    best = { input: Array.from(x), margin: m };
  }
  return { upper, best };
}

/** Options of the δ* branch and bound. */
export interface FlipMarginSearchOptions {
  /** Disagreements with FP32 margins up to this count as ties (the region's largest leaf tolerance). */
  readonly tieTolerance: number;
  readonly cpu: CpuSemantics;
  readonly precision: number;
  readonly seconds: number;
  readonly pool: JobPool;
  /** Stop after evaluating this many boxes (a deterministic budget). */
  readonly maxBoxes: number;
  readonly smtCellLimit: number;
  readonly smtUnstableLimit: number;
}

/**
 * δ* over a region that is not proven consistent: a bracket whose lower end is a replayed
 * disagreement's exact FP32 margin, or 0 with no witness when none is known (δ* may then not
 * exist); the caller returns null only when every leaf is consistent.
 */
export async function certifyFlipMargin(
  mlp: Mlp,
  model: QMlp,
  root: BoxTaskBounds,
  counterexamples: readonly Counterexample[],
  options: FlipMarginSearchOptions,
): Promise<Bracket> {
  const start = performance.now();
  const cpu = { cpu: options.cpu };
  let lower = 0;
  let witness: number[] | null = null;
  for (const c of counterexamples) {
    if (c.fp32Margin > lower) {
      lower = c.fp32Margin;
      witness = Array.from(c.input);
    }
  }
  let boxes = 0;
  let smtQueries = 0;
  /** The largest tie tolerance a z3 answer on a box relied on (δ*'s upper end covers it). */
  let tieFloor = 0;
  /** Float32 FP32 margin of x where int8 disagrees (−Infinity where it agrees). */
  const flipScore = (x: Float32Array): number => {
    const y = forwardFp32(mlp, x);
    const a = argmaxFirst(y);
    const q = int8Outputs(model, x, options.cpu);
    if (q === null || a === argmaxFirst(q)) return -Infinity;
    let m = Infinity;
    for (let j = 0; j < y.length; j++) if (j !== a) m = Math.min(m, y[a]! - y[j]!);
    return m;
  };
  /**
   * Hill-climbs the best witness inside the region (coordinate steps, halved when stuck), keeping
   * the int8 action different; the exact margin of the end point raises the lower bound.
   */
  const climb = (): void => {
    if (witness === null) return;
    let x = Float32Array.from(witness);
    let score = flipScore(x);
    const step = root.lower.map((l, i) => (root.upper[i]! - l) / 16);
    for (
      let evals = 0;
      evals < 400 && step.some((v, i) => v > 1e-6 * (root.upper[i]! - root.lower[i]!));
    ) {
      let moved = false;
      for (let i = 0; i < x.length; i++) {
        for (const sign of [1, -1]) {
          const y = Float32Array.from(x);
          y[i] = Math.fround(
            Math.min(Math.max(x[i]! + sign * step[i]!, root.lower[i]!), root.upper[i]!),
          );
          evals++;
          const v = flipScore(y);
          if (v > score) {
            x = y;
            score = v;
            moved = true;
          }
        }
      }
      if (!moved) for (let i = 0; i < step.length; i++) step[i] = step[i]! / 2;
    }
    const judged = judgePoint(mlp, model, x, cpu);
    if (judged.kind !== 'disagree') return;
    const m = approximateDown(judged.fp32Margin);
    if (m > lower) {
      lower = m;
      witness = Array.from(x);
    }
  };
  const heap = new Heap<Item>((a, b) => a.upper > b.upper);
  let seq = 0;
  /** Bounds boxes on the pool (in parallel), then applies the results in order. */
  const addAll = async (list: readonly BoxTaskBounds[]): Promise<void> => {
    const results = await Promise.all(
      list.map((box) => options.pool.run({ kind: 'flip-bound', box, seed: 0x5eed + seq++ })),
    );
    results.forEach((r, k) => {
      if (r.kind !== 'flip-bound') return;
      boxes++;
      const { upper, best } = r.bound;
      if (best !== null && best.margin > lower) {
        lower = best.margin;
        witness = best.input;
      }
      // Boxes that cannot beat the current lower bound by the precision are pruned.
      if (!(upper <= options.tieTolerance) && !(upper <= (1 + options.precision) * lower)) {
        heap.push({ box: list[k]!, upper, exact: false, smtTried: false });
      }
    });
  };
  await addAll([root]);
  climb();
  const done = (): boolean => {
    const top = heap.peek();
    return (
      top === undefined ||
      top.exact ||
      top.stuck === true ||
      top.upper <= (1 + options.precision) * lower
    );
  };
  while (
    !done() &&
    boxes < options.maxBoxes &&
    (performance.now() - start) / 1000 < options.seconds
  ) {
    climb();
    const batch: Item[] = [];
    while (batch.length < Math.max(4, 8 * options.pool.size) && !done()) batch.push(heap.pop()!);
    const results = await Promise.all(
      batch.map(async (item) => {
        if (
          item.smtTried ||
          cellCount(model, item.box) > options.smtCellLimit ||
          unstableRelus(mlp, item.box) > options.smtUnstableLimit
        ) {
          return null;
        }
        try {
          const r = await options.pool.run({
            kind: 'flip',
            box: item.box,
            precision: Math.max(
              options.precision * 0.5 * Math.max(lower, options.tieTolerance),
              1e-9,
            ),
          });
          return r;
        } catch {
          return null;
        }
      }),
    );
    const children: BoxTaskBounds[] = [];
    batch.forEach((item, k) => {
      const r = results[k];
      if (r !== null && r !== undefined && r.kind === 'flip') {
        smtQueries += r.smtQueries;
        if (r.bracket.kind === 'none') {
          // No disagreement beyond the box's own tie tolerance: the ones up to it stay in δ*.
          tieFloor = Math.max(tieFloor, r.bracket.tieTolerance);
          return;
        }
        if (r.bracket.kind === 'bounded') {
          if (r.bracket.lower > lower) {
            lower = r.bracket.lower;
            witness = r.bracket.witness;
          }
          heap.push({ box: item.box, upper: r.bracket.upper, exact: true, smtTried: true });
          return;
        }
      }
      const halves = widestSplit(model, item.box, root);
      // A box that cannot be split keeps its bound (uncertified): dropping it would lose it.
      if (halves.length === 0) heap.push({ ...item, smtTried: true, stuck: true });
      children.push(...halves);
    });
    await addAll(children);
  }
  const top = heap.peek();
  // Pruned boxes are bounded by (1 + precision)·lower (at the time they were pruned, ≤ now).
  const upper = Math.max(
    (1 + options.precision) * lower,
    options.tieTolerance,
    tieFloor,
    top?.upper ?? -Infinity,
  );
  return {
    lower,
    upper,
    certified:
      witness !== null &&
      tieFloor <= (1 + options.precision) * lower &&
      (top === undefined ||
        top.upper <= (1 + options.precision) * lower ||
        (top.exact && top.stuck !== true)),
    witness,
    boxes,
    smtQueries,
  };
}

/** Options of the ε* branch and bound. */
export interface ErrorBoundSearchOptions {
  readonly precision: number;
  readonly cpu: CpuSemantics;
  readonly seconds: number;
  /** Stop after evaluating this many boxes (a deterministic budget). */
  readonly maxBoxes: number;
}

/**
 * ε* = max over the region and outputs of |FP32 logit − int8 logit| (FP32 in exact real
 * arithmetic): upper bounds from joint difference bounds, lower bounds from float32 evaluations
 * less the float32 execution error bound at each evaluated point (points where float32 could
 * overflow give no lower bound).
 */
export function certifyErrorBound(
  mlp: Mlp,
  model: QMlp,
  root: BoxTaskBounds,
  options: ErrorBoundSearchOptions,
): Bracket {
  const start = performance.now();
  const rng = createSeededRng(0xe5);
  let lower = 0;
  let witness: number[] | null = null;
  let boxes = 0;
  const heap = new Heap<Item>((a, b) => a.upper > b.upper);
  const add = (box: BoxTaskBounds, samples: number): void => {
    boxes++;
    let upper = 0;
    try {
      const d = differenceBounds(mlp, model, createBox(box.lower, box.upper)).difference;
      for (let j = 0; j < d.lower.length; j++) {
        // NaN (overflowing bounds) bounds nothing.
        const m = Math.max(Math.abs(d.lower[j]!), Math.abs(d.upper[j]!));
        upper = Number.isNaN(m) ? Infinity : Math.max(upper, m);
      }
    } catch (error) {
      if (!(error instanceof NonFiniteInputError)) throw error;
      upper = Infinity;
    }
    for (const x of samplePoints(box, rng, samples)) {
      const f = forwardFp32(mlp, x);
      const q = int8Outputs(model, x, options.cpu);
      if (q === null) continue;
      const e = fp32ExecutionError(mlp, createBox(x, x));
      for (let j = 0; j < f.length; j++) {
        // |exact − q| ≥ |f − q| − |f − exact|, rounded down; nothing where e is infinite.
        const v = subDown(subDown(Math.max(f[j]!, q[j]!), Math.min(f[j]!, q[j]!)), e[j]!);
        if (v > lower) {
          lower = v;
          witness = Array.from(x);
        }
      }
    }
    if (upper > (1 + options.precision) * lower) {
      heap.push({ box, upper, exact: false, smtTried: false });
    }
  };
  add(root, 16);
  while (boxes < options.maxBoxes && (performance.now() - start) / 1000 < options.seconds) {
    const top = heap.peek();
    if (top === undefined || top.upper <= (1 + options.precision) * lower) break;
    heap.pop();
    const children = widestSplit(model, top.box, root);
    if (children.length === 0) {
      heap.push({ ...top, exact: true });
      break;
    }
    for (const child of children) add(child, 4);
  }
  const top = heap.peek();
  const upper = Math.max((1 + options.precision) * lower, top?.upper ?? 0);
  return {
    lower,
    upper,
    certified: top === undefined || top.upper <= (1 + options.precision) * lower,
    witness,
    boxes,
    smtQueries: 0,
  };
}
