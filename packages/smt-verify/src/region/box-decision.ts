// One step of the region verifier on one box: bounds, then a counterexample search that walks to
// the FP32 decision boundary and tests the quantisation cell it lands in, then z3 on boxes that
// meet few cells; otherwise a split. Runs in a worker thread (one z3 per worker) or in-process.
import {
  createBox,
  createDecisionCertifier,
  searchCounterexamples,
  type Box,
  type DecisionCertificate,
} from '@quantproof/interval';
import { performance } from 'node:perf_hooks';
import { createSeededRng, forwardFp32, type Mlp, type SeededRng } from '@quantproof/nn';
import {
  argmaxFirst,
  type CpuSemantics,
  forwardInt8,
  NonFiniteInputError,
  quantizeLinear,
  type QMlp,
} from '@quantproof/quant';
import { checkAgreement } from '../agreement.js';
import { int8ExactlyEncoded } from '../disagreement-query.js';
import { fp32Bounds } from '../internal-bounds.js';
import { firstFloat32AtLeast } from '../input-cells.js';
import { float32Ordinal, nextFloat32 } from '../rational.js';
import { replayCandidate, type Counterexample } from '../replay.js';

/** Settings every box decision shares (fixed for a whole region run). */
export interface DecisionSettings {
  /**
   * A floor the caller puts under every tie tolerance (0 by default): each box's tolerance is the
   * larger of this and the float32 execution error bound computed on that box.
   */
  readonly tieToleranceFloor: number;
  /** int8 CPU semantics of the executor (absent: quant's default). */
  readonly cpu?: CpuSemantics;
  /** Boxes meeting at most this many quantisation cells are decided exactly cell by cell. */
  readonly cellLimit: number;
  /** Boxes meeting at most this many cells go to z3 (both networks) before they are split. */
  readonly smtCellLimit: number;
  /** z3 is asked only when the FP32 network has at most this many unstable ReLUs on the box. */
  readonly smtUnstableLimit: number;
  /** z3 time limit per query, seconds. */
  readonly smtTimeoutSeconds: number;
  /** Random points of the boundary search per box. */
  readonly samples: number;
}

/** One box to decide. `seed` makes its searches reproducible. */
export interface BoxTask {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  readonly seed: number;
}

/** A counterexample as it crosses a thread boundary (executor replay done, runtime replay not). */
export interface FoundPoint {
  readonly input: number[];
}

/** What one decision step concluded about a box. */
export type BoxOutcome =
  | {
      readonly kind: 'consistent';
      readonly by: 'bounds' | 'cells' | 'smt';
      /** The tie tolerance the proof used on this box (0: bounds proved it without ties). */
      readonly tieTolerance: number;
    }
  | {
      readonly kind: 'inconsistent';
      readonly by: 'search' | 'cells' | 'smt';
      readonly point: FoundPoint;
    }
  | {
      readonly kind: 'split';
      readonly dimension: number;
      /** Children as closed float32 boxes that partition the parent's float32 points. */
      readonly children: readonly [BoxTaskBounds, BoxTaskBounds];
      /** Share of the parent's volume in the first child. */
      readonly firstShare: number;
      /** z3's answer when it was asked and could not decide (e.g. `timeout`). */
      readonly smt: string | null;
    }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Lower and upper corners of a box. */
export interface BoxTaskBounds {
  readonly lower: number[];
  readonly upper: number[];
}

/** What a decision step reports next to its outcome. */
export interface BoxDecision {
  readonly outcome: BoxOutcome;
  /** z3 queries this step ran, and their wall time in ms. */
  readonly smtQueries: number;
  readonly smtMs: number;
}

/** The per-pair state a decider keeps (bounds certifier, settings). */
export interface BoxDecider {
  readonly mlp: Mlp;
  readonly model: QMlp;
  readonly settings: DecisionSettings;
  decide(task: BoxTask): Promise<BoxDecision>;
}

const MAX_FULL_CORNERS = 8;

/** ReLUs of the FP32 network whose phase the bounds leave open on the box (z3's case splits). */
export function unstableRelus(mlp: Mlp, box: BoxTaskBounds): number {
  const bounds = fp32Bounds(mlp, box.lower, box.upper);
  let n = 0;
  mlp.layers.forEach((layer, l) => {
    if (layer.activation !== 'relu') return;
    const pre = bounds.pre[l]!;
    for (let j = 0; j < layer.outFeatures; j++) if (pre.lower[j]! < 0 && pre.upper[j]! > 0) n++;
  });
  return n;
}

/** Float32 points of one dimension: how many lie in [lo, hi]. */
function float32Count(lo: number, hi: number): number {
  return float32Ordinal(hi) - float32Ordinal(lo) + 1;
}

/** The input quantiser x ↦ q (one per tensor), or null for dynamic models (no fixed cells). */
function inputQuantizer(model: QMlp): ((x: number) => number) | null {
  if (model.format === 'dynamic') return null;
  const t = model.input;
  return (x) => quantizeLinear(x, t.scale, t.zeroPoint, t.elementType);
}

/** Number of quantisation cells the box meets (product over dimensions); Infinity for dynamic. */
export function cellCount(model: QMlp, box: BoxTaskBounds): number {
  const q = inputQuantizer(model);
  if (q === null) return Infinity;
  let n = 1;
  for (let i = 0; i < box.lower.length; i++) n *= q(box.upper[i]!) - q(box.lower[i]!) + 1;
  return n;
}

/** The cell of `x` (float32) along dimension i, clipped to [lo, hi]. */
function cellAround(
  q: (x: number) => number,
  x: number,
  lo: number,
  hi: number,
): { lo: number; hi: number } {
  const k = q(x);
  const first = firstFloat32AtLeast(q, lo, x, k);
  const next = firstFloat32AtLeast(q, x, hi, k + 1);
  return { lo: first, hi: next > hi ? hi : nextFloat32(next, false) };
}

function randomPoint(box: BoxTaskBounds, rng: SeededRng): Float32Array {
  return Float32Array.from(box.lower, (l, i) => {
    const v = Math.fround(l + (box.upper[i]! - l) * rng.nextFloat64());
    return Math.min(Math.max(v, l), box.upper[i]!);
  });
}

function corners(box: BoxTaskBounds, rng: SeededRng, limit: number): Float32Array[] {
  const d = box.lower.length;
  const out: Float32Array[] = [];
  if (d <= MAX_FULL_CORNERS) {
    for (let m = 0; m < 1 << d; m++) {
      out.push(Float32Array.from(box.lower, (l, i) => ((m >> i) & 1 ? box.upper[i]! : l)));
    }
    return out;
  }
  for (let k = 0; k < limit; k++) {
    out.push(Float32Array.from(box.lower, (l, i) => (rng.nextFloat64() < 0.5 ? l : box.upper[i]!)));
  }
  return out;
}

/** Bisects the segment a→b (different labels) to two float32 points with different labels. */
function bisect(
  a: Float32Array,
  b: Float32Array,
  label: (x: Float32Array) => number,
): [Float32Array, Float32Array] {
  const la = label(a);
  let lo = 0;
  let hi = 1;
  let pa = a;
  let pb = b;
  for (let step = 0; step < 48; step++) {
    const t = 0.5 * (lo + hi);
    const p = Float32Array.from(a, (v, i) => Math.fround(v + (b[i]! - v) * t));
    if (p.every((v, i) => v === pa[i]) || p.every((v, i) => v === pb[i])) break;
    if (label(p) === la) {
      lo = t;
      pa = p;
    } else {
      hi = t;
      pb = p;
    }
  }
  return [pa, pb];
}

/**
 * Points worth replaying around a point `p` near the FP32 boundary: the corners of p's
 * quantisation cell inside the box (the int8 action is constant on the cell while the FP32
 * boundary crosses it, so one side of the cell disagrees).
 */
function cellCorners(
  model: QMlp,
  p: Float32Array,
  box: BoxTaskBounds,
  rng: SeededRng,
): Float32Array[] {
  const q = inputQuantizer(model);
  if (q === null) return [p];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = cellAround(q, p[i]!, box.lower[i]!, box.upper[i]!);
    lo.push(c.lo);
    hi.push(c.hi);
  }
  return corners({ lower: lo, upper: hi }, rng, 32);
}

/** Searches `box` for a replayed disagreement above the tie tolerance; null when none is seen. */
async function boundarySearch(
  mlp: Mlp,
  model: QMlp,
  box: BoxTaskBounds,
  settings: DecisionSettings,
  rng: SeededRng,
): Promise<Counterexample | null> {
  const points = [
    ...corners(box, rng, 32),
    ...Array.from({ length: settings.samples }, () => randomPoint(box, rng)),
  ];
  const cpu = settings.cpu === undefined ? {} : { cpu: settings.cpu };
  // The labels only steer the search to decision boundaries; every candidate is judged exactly.
  const fpAction = (x: Float32Array): number => argmaxFirst(forwardFp32(mlp, x));
  const qAction = (x: Float32Array): number => argmaxFirst(forwardInt8(model, x, cpu));
  const tryPoint = (x: Float32Array): Promise<Counterexample | null> =>
    fpAction(x) === qAction(x)
      ? Promise.resolve(null)
      : replayCandidate(mlp, model, x, undefined, cpu);
  for (const x of points) {
    const found = await tryPoint(x);
    if (found !== null) return found;
  }
  for (const label of [fpAction, qAction]) {
    const labels = points.map(label);
    const byLabel = new Map<number, Float32Array[]>();
    points.forEach((x, k) => {
      const list = byLabel.get(labels[k]!) ?? [];
      list.push(x);
      byLabel.set(labels[k]!, list);
    });
    if (byLabel.size < 2) continue;
    const groups = [...byLabel.values()];
    const first = groups[0]!;
    const others = groups.slice(1).flat();
    const pairs = Math.min(4, first.length, others.length);
    for (let k = 0; k < pairs; k++) {
      const [a, b] = bisect(first[k]!, others[others.length - 1 - k]!, label);
      for (const p of [a, b]) {
        for (const x of [p, ...cellCorners(model, p, box, rng)]) {
          const found = await tryPoint(x);
          if (found !== null) return found;
        }
      }
    }
  }
  const interval = searchCounterexamples(mlp, model, createBox(box.lower, box.upper), {
    seed: rng.nextUint32(),
    samples: settings.samples,
    starts: 2,
    steps: 4,
    neighbours: 4,
    maxCounterexamples: 4,
  });
  for (const c of interval) {
    const found = await replayCandidate(mlp, model, c.input, undefined, cpu);
    if (found !== null) return found;
  }
  return null;
}

/** Quantisation cells box meets along dimension i (1 for dynamic models). */
export function dimensionCells(model: QMlp, box: BoxTaskBounds, i: number): number {
  const q = inputQuantizer(model);
  return q === null ? 1 : q(box.upper[i]!) - q(box.lower[i]!) + 1;
}

/**
 * Splits `box` along `dimension` into two closed float32 boxes that partition its float32 points:
 * at the cell face nearest the middle when the dimension spans ≥ 2 cells, else at the middle.
 */
export function cellFaceSplit(
  model: QMlp,
  box: BoxTaskBounds,
  dimension: number,
): Extract<BoxOutcome, { kind: 'split' }> {
  const lo = box.lower[dimension]!;
  const hi = box.upper[dimension]!;
  const q = inputQuantizer(model);
  let at: number; // first float32 of the second child
  const mid = Math.fround(0.5 * (lo + hi));
  if (q !== null && q(hi) > q(lo)) {
    const k = Math.min(Math.max(q(mid), q(lo) + 1), q(hi));
    at = firstFloat32AtLeast(q, lo, hi, k);
  } else {
    at = nextFloat32(Math.min(Math.max(mid, lo), nextFloat32(hi, false)), true);
  }
  const a = { lower: [...box.lower], upper: [...box.upper] };
  const b = { lower: [...box.lower], upper: [...box.upper] };
  a.upper[dimension] = nextFloat32(at, false);
  b.lower[dimension] = at;
  const share = hi > lo ? (at - lo) / (hi - lo) : 0.5;
  return { kind: 'split', dimension, children: [a, b], firstShare: share, smt: null };
}

/** The dimension to split: the bounds' most influential one, else the relatively widest. */
export function chooseSplit(
  model: QMlp,
  box: BoxTaskBounds,
  root: BoxTaskBounds,
  certificate: DecisionCertificate,
): Extract<BoxOutcome, { kind: 'split' }> | null {
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < box.lower.length; i++) {
    if (float32Count(box.lower[i]!, box.upper[i]!) < 2) continue;
    const relative = (box.upper[i]! - box.lower[i]!) / (root.upper[i]! - root.lower[i]! || 1);
    const influence = certificate.inputInfluence?.[i];
    // The bounds' influence leads; relative width breaks ties and rescues zero influence.
    const score = (influence !== undefined && influence > 0 ? influence : 0) * 1e6 + relative;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best < 0 ? null : cellFaceSplit(model, box, best);
}

/** A decider for one FP32/int8 pair over boxes inside `root`. */
export function createBoxDecider(
  mlp: Mlp,
  model: QMlp,
  root: BoxTaskBounds,
  settings: DecisionSettings,
): BoxDecider {
  const certify = createDecisionCertifier(mlp, model, { method: 'difference' });
  return {
    mlp,
    model,
    settings,
    async decide(task: BoxTask): Promise<BoxDecision> {
      try {
        return await decideBox(task);
      } catch (error) {
        // A dynamic model whose run-time quantiser meets ±Inf or NaN inside the box (an FP32 value
        // that overflowed): onnxruntime's result is undefined there, so nothing can be said.
        if (!(error instanceof NonFiniteInputError)) throw error;
        return {
          outcome: { kind: 'unknown', reason: 'int8-non-finite' },
          smtQueries: 0,
          smtMs: 0,
        };
      }
    },
  };

  async function decideBox(task: BoxTask): Promise<BoxDecision> {
    const box: BoxTaskBounds = { lower: [...task.lower], upper: [...task.upper] };
    const certificate = certify(createBox(box.lower, box.upper) as Box);
    const exact = int8ExactlyEncoded(model, settings.cpu);
    if (certificate.kind === 'consistent' && exact) {
      return {
        outcome: { kind: 'consistent', by: 'bounds', tieTolerance: 0 },
        smtQueries: 0,
        smtMs: 0,
      };
    }
    const rng = createSeededRng(task.seed);
    const found = await boundarySearch(mlp, model, box, settings, rng);
    if (found !== null) {
      return {
        outcome: {
          kind: 'inconsistent',
          by: 'search',
          point: { input: Array.from(found.input) },
        },
        smtQueries: 0,
        smtMs: 0,
      };
    }
    if (!exact) {
      // The bounds and encodings model exact int32 sums; this model's pair sums can saturate on
      // the stated CPU, so only the search (which runs the executor on it) can answer.
      return {
        outcome: { kind: 'unknown', reason: 'avx2-saturation' },
        smtQueries: 0,
        smtMs: 0,
      };
    }
    const cells = cellCount(model, box);
    const split = chooseSplit(model, box, root, certificate);
    let smt: string | null = null;
    let smtQueries = 0;
    let smtMs = 0;
    const unstable = unstableRelus(mlp, box);
    if (
      (cells <= settings.smtCellLimit && unstable <= settings.smtUnstableLimit) ||
      split === null
    ) {
      const t0 = performance.now();
      const result = await checkAgreement(mlp, model, box, {
        tieTolerance: settings.tieToleranceFloor,
        ...(settings.cpu === undefined ? {} : { cpu: settings.cpu }),
        timeoutSeconds: settings.smtTimeoutSeconds,
        cellFastPath: settings.cellLimit,
        onQuery: () => {
          smtQueries++;
        },
      });
      smtMs = performance.now() - t0;
      const by = cells <= settings.cellLimit ? 'cells' : 'smt';
      if (result.kind === 'consistent') {
        return {
          outcome: { kind: 'consistent', by, tieTolerance: result.tieTolerance },
          smtQueries,
          smtMs,
        };
      }
      if (result.kind === 'inconsistent') {
        return {
          outcome: {
            kind: 'inconsistent',
            by,
            point: { input: Array.from(result.counterexample.input) },
          },
          smtQueries,
          smtMs,
        };
      }
      smt = result.reason;
      // Splitting cannot remove what float32 or a Softmax head leaves undetermined in one cell.
      const settled =
        cells <= 1 &&
        (result.reason === 'float32-overflow' ||
          result.reason === 'softmax-collapse' ||
          result.reason === 'int8-softmax-collapse');
      if (split === null || settled) {
        return { outcome: { kind: 'unknown', reason: result.reason }, smtQueries, smtMs };
      }
    }
    return { outcome: { ...split!, smt }, smtQueries, smtMs };
  }
}
