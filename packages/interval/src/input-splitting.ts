// Input splitting: the region driver (`region/drive.ts`) with one objective, the open leaves by
// volume (largest first, oldest first among equals), the shared split policy (`region/split.ts`),
// `certifyDecision` as the evaluation of a box and the counterexample search on every box it does
// not certify. The leaves partition the float32 inputs of the box into certified boxes, boxes that
// hold a confirmed counterexample, and open boxes.

import {
  backwardTrain,
  createTrainingWorkspace,
  forwardTrain,
  type Mlp,
  type TrainingWorkspace,
} from '@quantproof/nn';
import { decideOutputs, type QMlp } from '@quantproof/quant';
import { boxCentre, boxContains, checkBoxDimension, float32Range, type Box } from './box.js';
import { certifyPrepared, checkMethod, type BoundMethod } from './certify.js';
import {
  createSearchContext,
  searchInContext,
  type Counterexample,
  type CounterexampleSearchBudget,
} from './counterexample-search.js';
import { IntervalOptionsError } from './errors.js';
import { preparePair, type PreparedPair } from './pair.js';
import { drive, RegionDriver, type RegionItem, type RegionJob } from './region/drive.js';
import { splitPolicy } from './region/split.js';

/** Options of `splitAndCertify`. */
export interface SplitOptions {
  /** Bounds used on every box; default `'difference'`. */
  readonly method?: BoundMethod;
  /**
   * Stop once this many boxes were certified; default 2000. A split certifies both children, so
   * the count may end one above it.
   */
  readonly maxBoxes?: number;
  /** Stop after this many milliseconds of `clock`; default Infinity (then only `maxBoxes` stops). */
  readonly timeBudgetMs?: number;
  /** Milliseconds, monotone (e.g. `() => performance.now()`); required with a time budget. */
  readonly clock?: () => number;
  /** Elapsed times (ms) at which to record the fractions in `snapshots`; default none. */
  readonly checkpointsMs?: readonly number[];
  /**
   * Seed of the counterexample searches; default 0. Box i (the root is 0, children are numbered in
   * order of creation) is searched with seed + i.
   */
  readonly seed?: number;
  /**
   * Search budget for every box that is not certified and holds no counterexample of its parent,
   * or `false` for no search; default `{ samples: 8, bisections: 2, starts: 2, steps: 4,
   * neighbours: 4 }` (the search's own defaults otherwise).
   */
  readonly search?: CounterexampleSearchBudget | false;
  /**
   * Dimensions at most this fraction of the root's width are not split, and a box whose every
   * dimension is that narrow stays a leaf; default 2^-20.
   */
  readonly minWidthFraction?: number;
  /** Return every leaf box (default true); with false, `leaves` is empty. */
  readonly keepLeaves?: boolean;
}

/**
 * One box of `splitAndCertify`'s final partition (the region verifier's three-way leaf is
 * smt-verify's `RegionLeaf`).
 */
export interface SplitLeaf {
  /** A closed box with float32 bounds; the leaves' boxes hold disjoint sets of float32 points. */
  readonly box: Box;
  readonly kind: 'consistent' | 'counterexample' | 'open';
  /**
   * Share of the root box's volume: each split gives each child its width's share of the parent's
   * (the gap of less than one float32 step between two children goes to the first).
   */
  readonly volumeFraction: number;
  /** The certified action (`consistent` leaves). */
  readonly action: number | null;
  /** A confirmed disagreement inside the box (`counterexample` leaves). */
  readonly counterexample: Counterexample | null;
}

/** The volume fractions at one moment of the search. */
export interface SplitSnapshot {
  readonly elapsedMs: number;
  readonly boxesProcessed: number;
  readonly consistentFraction: number;
  readonly counterexampleFraction: number;
  readonly openFraction: number;
}

/** What `splitAndCertify` returns. */
export interface SplitResult extends SplitSnapshot {
  readonly method: BoundMethod;
  readonly stopReason: 'complete' | 'box-budget' | 'time-budget';
  /** Boxes certified per second of `clock` (null without a clock or when no time passed). */
  readonly boxesPerSecond: number | null;
  readonly leaves: readonly SplitLeaf[];
  /** Every confirmed counterexample found, in order. */
  readonly counterexamples: readonly Counterexample[];
  /** One per checkpoint reached, then the final state. */
  readonly snapshots: readonly SplitSnapshot[];
}

/** The search budget `splitAndCertify` uses on a box by default. */
const DEFAULT_SPLIT_SEARCH: CounterexampleSearchBudget = {
  samples: 8,
  bisections: 2,
  starts: 2,
  steps: 4,
  neighbours: 4,
};

/** What the evaluation of one box concluded (the driver's leaf state). */
interface BoxState {
  readonly kind: SplitLeaf['kind'];
  readonly action: number | null;
  /** A confirmed disagreement inside the box (inherited from the parent or found on it). */
  readonly counterexample: Counterexample | null;
  /** The certificate's input influence, or null (the split then uses the FP32 gradient). */
  readonly influence: Float64Array | null;
}

const UNEVALUATED: BoxState = { kind: 'open', action: null, counterexample: null, influence: null };

/** |∂(FP32 margin)/∂x| × width at the box centre: the split score when bounds give none. */
function gradientInfluence(
  pair: PreparedPair,
  box: Box,
  workspace: TrainingWorkspace,
): Float64Array {
  const x = Float32Array.from(boxCentre(box));
  const logits = forwardTrain(workspace, x, 1);
  const k = pair.outputSize;
  const a = decideOutputs(logits.subarray(0, k));
  let b = a === 0 ? 1 : 0;
  for (let j = 0; j < k; j++) if (j !== a && logits[j]! > logits[b]!) b = j;
  const dOutput = new Float64Array(k);
  dOutput[a] = 1;
  if (b < k) dOutput[b] = -1;
  const gradient = new Float64Array(pair.inputSize);
  backwardTrain(workspace, dOutput, { dInput: gradient });
  return Float64Array.from(gradient, (g, i) => Math.abs(g) * (box.upper[i]! - box.lower[i]!));
}

function checkNumber(name: string, value: number, min: number): number {
  if (!(value >= min) || Number.isNaN(value)) {
    throw new IntervalOptionsError(`${name} must be a number ≥ ${min}; got ${value}`);
  }
  return value;
}

/**
 * Partitions the float32 inputs of `box` (those of `float32Range(box)`: every `fl(x)` of a real x
 * inside it) by branch and bound into certified-consistent boxes, boxes holding a confirmed
 * counterexample and open boxes, under a box budget and/or a time budget (injected `clock`). It is
 * the region driver evaluating both children of one leaf per round, the largest open leaf first.
 * Deterministic for a given seed: the same boxes are evaluated in the same order, so two runs
 * that evaluate the same number of boxes return the same partition.
 */
export function splitAndCertify(
  fp32: Mlp,
  int8: QMlp,
  box: Box,
  options: SplitOptions = {},
): SplitResult {
  const method = checkMethod(options.method ?? 'difference');
  const maxBoxes = checkNumber('maxBoxes', options.maxBoxes ?? 2000, 1);
  const timeBudgetMs = checkNumber('timeBudgetMs', options.timeBudgetMs ?? Infinity, 0);
  const minWidthFraction = checkNumber('minWidthFraction', options.minWidthFraction ?? 2 ** -20, 0);
  const seed = options.seed ?? 0;
  const clock = options.clock;
  if (timeBudgetMs !== Infinity && clock === undefined) {
    throw new IntervalOptionsError(
      'a time budget needs a clock: pass clock: () => performance.now() (interval reads no clock itself)',
    );
  }
  const search = options.search === false ? null : (options.search ?? DEFAULT_SPLIT_SEARCH);
  const keepLeaves = options.keepLeaves ?? true;
  const pair = preparePair(fp32, int8);
  checkBoxDimension(box, pair.inputSize, 'splitAndCertify');
  const root = float32Range(box);
  const start = clock?.() ?? 0;
  const elapsed = (): number => (clock === undefined ? 0 : clock() - start);
  const checkpoints = [...(options.checkpointsMs ?? [])].sort((a, b) => a - b);
  const gradientWorkspace = createTrainingWorkspace(fp32, 1);
  const searchContext = createSearchContext(pair);
  const policy = splitPolicy(int8, root);
  const counterexamples: Counterexample[] = [];

  const evaluate = (job: RegionJob<BoxState>): BoxState => {
    const certificate = certifyPrepared(pair, job.box, method, 'decision');
    const inherited = job.inherited.counterexample;
    if (certificate.kind === 'consistent') {
      if (inherited !== null) {
        // A proof on a box holding a checked disagreement would be a soundness bug: never hide it.
        throw new Error(
          'internal soundness check failed: a box holding a confirmed counterexample was certified; please report this with the networks and the box',
        );
      }
      return {
        kind: 'consistent',
        action: certificate.action,
        counterexample: null,
        influence: null,
      };
    }
    let counterexample = inherited;
    if (counterexample === null && search !== null) {
      counterexample =
        searchInContext(searchContext, job.box, { ...search, seed: seed + job.id })[0] ?? null;
      if (counterexample !== null) counterexamples.push(counterexample);
    }
    return {
      kind: counterexample === null ? 'open' : 'counterexample',
      action: null,
      counterexample,
      influence: certificate.inputInfluence,
    };
  };

  const split = (item: RegionItem<BoxState>): ReturnType<typeof policy> => {
    const b = item.box;
    const wide = (i: number): boolean =>
      b.upper[i]! - b.lower[i]! > minWidthFraction * (root.upper[i]! - root.lower[i]!);
    let any = false;
    for (let i = 0; i < b.lower.length; i++) any ||= wide(i);
    if (!any) return null;
    const influence = item.state.influence ?? gradientInfluence(pair, b, gradientWorkspace);
    // Narrow dimensions get no influence, so the policy's width tie-break never picks them.
    return policy(
      b,
      Float64Array.from(influence, (v, i) => (wide(i) ? v : 0)),
    );
  };

  const driver = new RegionDriver<BoxState>({
    root,
    rootState: UNEVALUATED,
    objectives: [
      {
        name: 'volume',
        priority: (item) => (item.state.kind === 'consistent' ? null : item.volume),
      },
    ],
    split,
    inherit: (parent, child) => {
      const c = parent.state.counterexample;
      // The children partition the parent's float32 points: one of them holds its counterexample.
      return c !== null && boxContains(child, c.input)
        ? { ...UNEVALUATED, counterexample: c }
        : UNEVALUATED;
    },
    roundSize: 1,
  });

  const snapshots: SplitSnapshot[] = [];
  const snapshot = (ms: number): SplitSnapshot => {
    let consistent = 0;
    let withCounterexample = 0;
    driver.forEachLeaf((leaf) => {
      if (leaf.state.kind === 'consistent') consistent += leaf.volume;
      else if (leaf.state.kind === 'counterexample') withCounterexample += leaf.volume;
    });
    return {
      elapsedMs: ms,
      boxesProcessed: driver.evaluations,
      consistentFraction: consistent,
      counterexampleFraction: withCounterexample,
      openFraction: Math.max(0, 1 - consistent - withCounterexample),
    };
  };
  const recordCheckpoints = (now: number): void => {
    while (checkpoints.length > 0 && now >= checkpoints[0]!) {
      snapshots.push(snapshot(checkpoints.shift()!));
    }
  };
  const stopReason = drive(driver, (jobs) => jobs.map(evaluate), {
    maxBoxes,
    stop: () => {
      const now = elapsed();
      recordCheckpoints(now);
      return now >= timeBudgetMs;
    },
  });
  const total = elapsed();
  recordCheckpoints(total);
  const final = snapshot(total);
  snapshots.push(final);
  const leaves: SplitLeaf[] = keepLeaves
    ? driver.leaves().map((leaf) => ({
        box: leaf.box,
        kind: leaf.state.kind,
        volumeFraction: leaf.volume,
        action: leaf.state.action,
        counterexample: leaf.state.counterexample,
      }))
    : [];
  return {
    ...final,
    method,
    stopReason,
    boxesPerSecond: clock === undefined || total <= 0 ? null : (driver.evaluations * 1000) / total,
    leaves,
    counterexamples,
    snapshots,
  };
}
