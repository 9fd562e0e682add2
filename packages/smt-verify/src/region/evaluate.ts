// The evaluation of one leaf of a region run (the driver's `evaluate`): one bound pass (interval's
// `analyseBox`: agree, disagree, δ* and ε* bounds), then, for a leaf not decided by it, a
// counterexample search that walks to the FP32 decision boundary and tests the quantisation cell
// it lands in, then z3 on leaves that meet few cells. Runs in a worker thread (one z3 per worker)
// or in-process.
import {
  analyseBox,
  type Box,
  cellCount,
  createBox,
  createCounterexampleSearch,
  fp32ExecutionError,
  ibpFp32,
  preparePair,
  subDown,
  type BoxAnalysis,
} from '@quantproof/interval';
import { performance } from 'node:perf_hooks';
import { createSeededRng, forwardFp32, type Mlp, type SeededRng } from '@quantproof/nn';
import {
  type CpuSemantics,
  decideOutputs,
  NonFiniteInputError,
  type QMlp,
} from '@quantproof/quant';
import { checkAgreement } from '../agreement.js';
import { int8ExactlyEncoded } from '../disagreement-query.js';
import { approximateDown } from '../rational.js';
import { int8Outputs, judgePoint, replayCandidate, type Counterexample } from '../replay.js';
import { flipScore } from './climb.js';
import type { LeafState } from './leaf-state.js';

/** Settings every leaf evaluation shares (fixed for a whole region run). */
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
  /** δ* and ε* are wanted (their bounds and witnesses are computed where they can matter). */
  readonly margins: boolean;
  /** Relative precision of δ* and ε*. */
  readonly precision: number;
}

/** One box to evaluate and what it inherits. */
export interface LeafTask {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  readonly inherited: LeafState;
  /** The inherited counterexample's input when it lies in this box. */
  readonly counterexampleInput: readonly number[] | null;
  readonly seed: number;
  /** The run's current lower ends of δ* and ε*: bounds and witnesses matter only above them. */
  readonly flipLower: number;
  readonly errorLower: number;
  /** Search for a counterexample when none is inherited (false once the run holds some). */
  readonly search: boolean;
}

/** A point found on a box and the value it gives (δ*: exact FP32 margin, rounded down; ε*: error). */
export interface Witness {
  readonly input: number[];
  readonly value: number;
}

/** What an evaluation reports: the leaf's state (counterexample as a point) and its witnesses. */
export interface LeafEvaluation {
  readonly state: LeafState;
  /** A new disagreement found in the box, judged in the executors (the caller replays it in the runtime). */
  readonly found: Counterexample | null;
  readonly flip: Witness | null;
  readonly error: Witness | null;
  readonly smtQueries: number;
  readonly smtMs: number;
}

const MAX_FULL_CORNERS = 8;

/** ReLUs of the FP32 network whose phase the bounds leave open on the box (z3's case splits). */
export function unstableRelus(mlp: Mlp, box: Box): number {
  const pres = ibpFp32(mlp, box).preActivations;
  let n = 0;
  mlp.layers.forEach((layer, l) => {
    if (layer.activation !== 'relu') return;
    const pre = pres[l]!;
    for (let j = 0; j < layer.outFeatures; j++) if (pre.lower[j]! < 0 && pre.upper[j]! > 0) n++;
  });
  return n;
}

function corners(box: Box, rng: SeededRng, limit: number): Float32Array[] {
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

/** Evaluates leaves of one FP32/int8 pair (the per-thread state: prepared pair, settings). */
export interface LeafEvaluator {
  evaluate(task: LeafTask): Promise<LeafEvaluation>;
}

/** Reasons that hold on every sub-box of a single-cell box: splitting cannot remove them. */
const CELL_REASONS = new Set(['float32-overflow', 'softmax-collapse', 'int8-softmax-collapse']);

/** Points probed for ε* in a dynamic model's leaf (seeded: the same for every worker count). */
const ERROR_PROBES = 4;

function errorProbes(box: Box, analysis: BoxAnalysis | null, seed: number): Float32Array[] {
  const rng = createSeededRng(seed ^ 0x5eed);
  const vertex = analysis?.errorVertex ?? null;
  return Array.from({ length: ERROR_PROBES }, (_, p) =>
    Float32Array.from(box.lower, (l, i) => {
      const u = box.upper[i]!;
      // Half of them within a tenth of the leaf's width of the corner, half anywhere in it.
      const t = rng.nextFloat64();
      const near = vertex !== null && p % 2 === 0;
      const v = near
        ? vertex[i]! + (vertex[i] === l ? 1 : -1) * 0.1 * t * (u - l)
        : l + t * (u - l);
      return Math.min(u, Math.max(l, Math.fround(v)));
    }),
  );
}

/** An evaluator for one FP32/int8 pair. */
export function createLeafEvaluator(
  mlp: Mlp,
  model: QMlp,
  settings: DecisionSettings,
): LeafEvaluator {
  const pair = preparePair(mlp, model);
  const exact = int8ExactlyEncoded(model, settings.cpu);
  const cpu = settings.cpu === undefined ? {} : { cpu: settings.cpu };
  const search = createCounterexampleSearch(mlp, model, cpu);

  const executor = (x: Float32Array): Float32Array | null => int8Outputs(model, x, settings.cpu);
  /** The exact FP32 margin at x when x is a disagreement whose float margin passes `above`. */
  const flipAt = (x: Float32Array, above: number): number | null => {
    // Float margins are within float32 error of the exact one: a generous prefilter.
    const m = flipScore(mlp, model, x, settings.cpu ?? 'vnni-exact');
    if (!(m > above * (1 - 1e-3) - 1e-6)) return null;
    const judged = judgePoint(mlp, model, x, cpu);
    return judged.kind === 'disagree' ? approximateDown(judged.fp32Margin) : null;
  };
  /** A lower bound of max_j |exact FP32_j − int8_j| at x when it can pass `above` (else 0). */
  const errorAt = (x: Float32Array, above: number): number => {
    const f = forwardFp32(mlp, x);
    const q = executor(x);
    if (q === null) return 0;
    let rough = 0;
    for (let j = 0; j < f.length; j++) rough = Math.max(rough, Math.abs(f[j]! - q[j]!));
    if (!(rough > above)) return 0;
    const e = fp32ExecutionError(mlp, createBox(x, x));
    let best = 0;
    for (let j = 0; j < f.length; j++) {
      const v = subDown(subDown(Math.max(f[j]!, q[j]!), Math.min(f[j]!, q[j]!)), e[j]!);
      if (v > best) best = v;
    }
    return best;
  };
  const witnesses = (
    task: LeafTask,
    box: Box,
    analysis: BoxAnalysis | null,
    found: Float32Array | null,
    upper: { flip: number; error: number },
  ): { flip: Witness | null; error: Witness | null } => {
    if (!settings.margins) return { flip: null, error: null };
    const centre = Float32Array.from(box.lower, (l, i) => Math.fround(l + (box.upper[i]! - l) / 2));
    let flip: Witness | null = null;
    if (upper.flip > task.flipLower) {
      const candidates = [centre];
      if (analysis?.flipVertex) candidates.push(Float32Array.from(analysis.flipVertex));
      if (found !== null) candidates.push(Float32Array.from(found));
      for (const x of candidates) {
        const m = flipAt(x, Math.max(task.flipLower, flip?.value ?? 0));
        if (m !== null && m >= task.flipLower && (flip === null || m > flip.value)) {
          flip = { input: Array.from(x), value: m };
        }
      }
    }
    let error: Witness | null = null;
    if (upper.error > task.errorLower) {
      const candidates: Float32Array[] = [centre];
      if (analysis?.errorVertex) candidates.push(Float32Array.from(analysis.errorVertex));
      // A dynamic model's error is not constant on input cells: within a leaf it follows the
      // rounding of every hidden unit, a pattern far finer than the leaf. Its smooth part peaks at
      // the bound's corner; seeded points near that corner and across the leaf sample the pattern.
      // So is a model whose first layer is kept in float32: its hidden codes follow x as finely.
      if (model.format === 'dynamic' || model.format === 'mixed') {
        candidates.push(...errorProbes(box, analysis, task.seed));
      }
      for (const x of candidates) {
        const v = errorAt(x, Math.max(task.errorLower, error?.value ?? 0));
        if (v > task.errorLower && (error === null || v > error.value)) {
          error = { input: Array.from(x), value: v };
        }
      }
    }
    return { flip, error };
  };

  async function evaluateLeaf(task: LeafTask): Promise<LeafEvaluation> {
    const box = createBox(task.lower, task.upper);
    const inherited = task.inherited;
    // The joint difference bounds tighten δ* and ε*; they are computed where those can matter.
    const joint =
      settings.margins &&
      inherited.forMargins &&
      (inherited.flipUpper > (1 + settings.precision) * task.flipLower + 1e-6 ||
        inherited.errorUpper > (1 + settings.precision) * task.errorLower + 1e-6);
    const known =
      exact && inherited.int8Action !== null ? { int8Action: inherited.int8Action } : {};
    const analysis = analyseBox(pair, box, { joint, ...known });
    // The bounds model exact int32 sums: on a CPU whose pair sums can saturate for this model
    // they bound nothing about the int8 side, so only the executor's points can answer.
    const flipUpper = exact ? Math.min(inherited.flipUpper, analysis.flipUpper) : Infinity;
    const errorUpper = exact ? Math.min(inherited.errorUpper, analysis.errorUpper) : Infinity;
    const list = (a: Float64Array | null): number[] | null => (a === null ? null : Array.from(a));
    const influence = list(analysis.influence);
    const flipInfluence = list(analysis.flipInfluence);
    const share = exact ? analysis.share : { lower: 0, upper: 1 };
    const base = {
      ...inherited,
      flipUpper,
      errorUpper,
      influence,
      flipInfluence,
      share,
      int8Action: exact ? analysis.int8Constant : null,
    };
    const none = { smtQueries: 0, smtMs: 0 };
    const uppers = { flip: flipUpper, error: errorUpper };
    if (inherited.status === 'agree' || inherited.status === 'disagree') {
      return {
        state: { ...base, share: inherited.share },
        found: null,
        ...witnesses(task, box, analysis, null, uppers),
        ...none,
      };
    }
    if (exact && analysis.proven === 'agree') {
      const state: LeafState = {
        ...base,
        status: 'agree',
        by: 'bounds',
        counterexample: null,
        tieTolerance: 0,
        flipUpper: -Infinity,
      };
      return {
        state,
        found: null,
        ...witnesses(task, box, analysis, null, { ...uppers, flip: -Infinity }),
        ...none,
      };
    }
    if (exact && analysis.proven === 'disagree') {
      const state: LeafState = { ...base, status: 'disagree', by: 'bounds', tieTolerance: 0 };
      const w = witnesses(task, box, analysis, null, uppers);
      // While the run holds no counterexample, the leaf gives one (every point of it disagrees).
      let found: Counterexample | null = null;
      if (task.search) {
        const centre = Float32Array.from(box.lower, (l, i) =>
          Math.fround(l + (box.upper[i]! - l) / 2),
        );
        for (const x of [centre, ...corners(box, createSeededRng(task.seed), 16)]) {
          const c = await replayCandidate(mlp, model, x, undefined, cpu);
          if (c !== null) {
            found = c;
            break;
          }
        }
      }
      return { state, found, ...w, ...none };
    }
    // Not decided by bounds: a disagreement inside (inherited, seen at a corner, else searched
    // for) makes it mixed when an agreeing point is seen too.
    const rng = createSeededRng(task.seed);
    const inheritedPoint =
      task.counterexampleInput === null ? null : Float32Array.from(task.counterexampleInput);
    let fresh: Counterexample | null = null;
    let agreeSeen = false;
    for (const x of corners(box, rng, 16)) {
      const q = executor(x);
      if (q === null) continue;
      if (decideOutputs(q) === decideOutputs(forwardFp32(mlp, x))) agreeSeen = true;
      else if (inheritedPoint === null && fresh === null) {
        fresh = await replayCandidate(mlp, model, x, undefined, cpu);
      }
      if (agreeSeen && (inheritedPoint !== null || fresh !== null)) break;
    }
    if (inheritedPoint === null && fresh === null && task.search) {
      const candidates = search(box, {
        seed: rng.nextUint32(),
        samples: settings.samples,
        bisections: 4,
        starts: 2,
        steps: 4,
        neighbours: 4,
        maxCounterexamples: 4,
      });
      for (const candidate of candidates) {
        fresh = await replayCandidate(mlp, model, candidate.input, undefined, cpu);
        if (fresh !== null) break;
      }
    }
    const found = inheritedPoint ?? (fresh === null ? null : Float32Array.from(fresh.input));
    if (found !== null) {
      const state: LeafState = {
        ...base,
        status: agreeSeen ? 'mixed' : 'open',
        by: agreeSeen ? 'search' : 'undecided',
        tieTolerance: 0,
      };
      return {
        state,
        found: fresh,
        ...witnesses(task, box, analysis, found, uppers),
        ...none,
      };
    }
    if (!exact) {
      const state: LeafState = { ...base, status: 'open', by: 'avx2-saturation', final: true };
      return { state, found: null, ...witnesses(task, box, null, null, uppers), ...none };
    }
    const cells = cellCount(model, box);
    // z3 and the cell path can only prove agreement: not where the bounds prove a disagreeing part.
    if (
      share.lower === 0 &&
      cells <= settings.smtCellLimit &&
      unstableRelus(mlp, box) <= settings.smtUnstableLimit
    ) {
      let smtQueries = 0;
      const t0 = performance.now();
      const result = await checkAgreement(mlp, model, box, {
        tieTolerance: settings.tieToleranceFloor,
        ...cpu,
        timeoutSeconds: settings.smtTimeoutSeconds,
        cellFastPath: settings.cellLimit,
        onQuery: () => {
          smtQueries++;
        },
      });
      const smtMs = performance.now() - t0;
      const by = cells <= settings.cellLimit ? 'cells' : 'smt';
      if (result.kind === 'consistent') {
        const state: LeafState = {
          ...base,
          status: 'agree',
          by,
          counterexample: null,
          tieTolerance: result.tieTolerance,
          share: { lower: 0, upper: 0 },
          // Disagreements up to the tolerance are ties: δ*'s upper end covers them.
          flipUpper: Math.min(flipUpper, result.tieTolerance),
        };
        return {
          state,
          found: null,
          ...witnesses(task, box, analysis, null, uppers),
          smtQueries,
          smtMs,
        };
      }
      if (result.kind === 'inconsistent') {
        const x = result.counterexample.input;
        // Mixed when an agreeing input was seen too (corners); else it stays open.
        const state: LeafState = {
          ...base,
          status: agreeSeen ? 'mixed' : 'open',
          by: agreeSeen ? by : 'undecided',
          tieTolerance: 0,
        };
        return {
          state,
          found: result.counterexample,
          ...witnesses(task, box, analysis, Float32Array.from(x), uppers),
          smtQueries,
          smtMs,
        };
      }
      const state: LeafState = {
        ...base,
        status: 'open',
        by: result.reason,
        final: cells <= 1 && CELL_REASONS.has(result.reason),
      };
      return {
        state,
        found: null,
        ...witnesses(task, box, analysis, null, uppers),
        smtQueries,
        smtMs,
      };
    }
    const state: LeafState = { ...base, status: 'open', by: 'undecided' };
    return { state, found: null, ...witnesses(task, box, analysis, null, uppers), ...none };
  }

  return {
    async evaluate(task: LeafTask): Promise<LeafEvaluation> {
      try {
        return await evaluateLeaf(task);
      } catch (error) {
        // A dynamic model whose run-time quantiser meets ±Inf or NaN inside the box (an FP32 value
        // that overflowed): onnxruntime's result is undefined there, so nothing can be said.
        if (!(error instanceof NonFiniteInputError)) throw error;
        const state: LeafState = {
          ...task.inherited,
          status: task.inherited.status === 'pending' ? 'open' : task.inherited.status,
          by: task.inherited.status === 'pending' ? 'int8-non-finite' : task.inherited.by,
          flipUpper: Infinity,
          errorUpper: Infinity,
          influence: null,
          share:
            task.inherited.status === 'pending' ? { lower: 0, upper: 1 } : task.inherited.share,
        };
        return { state, found: null, flip: null, error: null, smtQueries: 0, smtMs: 0 };
      }
    },
  };
}
