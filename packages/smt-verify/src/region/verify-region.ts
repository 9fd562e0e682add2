// The region verifier: interval's one branch-and-bound driver over the region, with three
// objectives — decide every leaf (agree, disagree, mixed, open) and narrow the bracket of the
// disagreeing volume; certify δ*; certify ε* — and one leaf evaluation (bounds, boundary search,
// z3) run on a worker pool in rounds whose results are applied in a fixed order, checkpointed
// through an injected store.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { mlpToJson, type Mlp, createSeededRng, forwardFp32 } from '@quantproof/nn';
import { type CpuSemantics, decideLogits, qmlpToJson, type QMlp } from '@quantproof/quant';
import {
  boxContains,
  createBox,
  driveAsync,
  RegionDriver,
  type RegionItem,
  type RegionJob,
  type RegionObjective,
  splitPolicy,
} from '@quantproof/interval';
import { float32Box, type InputBox } from '../box.js';
import { modelMismatchError } from '../errors.js';
import { accumulatorOverflow, int8ExactlyEncoded } from '../disagreement-query.js';
import {
  confirmInRuntime,
  int8Outputs,
  replayCandidate,
  type Counterexample,
  type RuntimeReplay,
} from '../replay.js';
import { climbFlipMargin } from './climb.js';
import { regionTheorem } from './theorem.js';
import {
  type BestPoint,
  type CheckpointState,
  type RegionCheckpointStore,
  regionFingerprint,
} from './checkpoint.js';
import type { DecisionSettings, LeafTask } from './evaluate.js';
import type { WorkerInit } from './jobs.js';
import { type LeafState, type LeafStatus, ROOT_STATE } from './leaf-state.js';
import { JobFailedError } from './pool.js';
import { localRunner, type RegionRunnerFactory } from './runner.js';
import { decisionSettings, positive } from './settings.js';

export type { LeafStatus } from './leaf-state.js';

/** Options of `verifyRegion`. */
export interface RegionOptions {
  /** Wall-clock budget of the whole run in seconds. Default 60. */
  readonly seconds?: number;
  /** Stop at the first round boundary after this many boxes (a deterministic budget). Default unlimited. */
  readonly maxBoxes?: number;
  /** Seed of the per-box searches. Default 0. */
  readonly seed?: number;
  /** Worker threads, one z3 each; 0 runs everything in this thread. Default: one per core. */
  readonly workers?: number;
  /**
   * Leaves split per round (two evaluations each; results are applied in order, so answers do not
   * depend on `workers`). Default 16.
   */
  readonly roundSize?: number;
  /**
   * Widens every tie band to at least this (default 0). The tolerance that applies on a leaf is the
   * float32 execution error bound computed on that leaf (or on each quantisation cell it was
   * decided on); this option can only make it larger.
   */
  readonly tieTolerance?: number;
  /**
   * The int8 arithmetic of the CPU the model is deployed on (quant's `CpuSemantics`). Default
   * `vnni-exact`. With `avx2-u8s8-saturating` the proofs hold only where the two semantics provably
   * agree (see `RegionResult.cpuSemantics`).
   */
  readonly cpuSemantics?: CpuSemantics;
  /** z3 time limit per query in seconds. Default 1. */
  readonly smtTimeoutSeconds?: number;
  /** Boxes meeting at most this many quantisation cells are decided cell by cell. Default 16. */
  readonly cellLimit?: number;
  /** Boxes meeting at most this many cells are given to z3 before being split. Default 16. */
  readonly smtCellLimit?: number;
  /** Boxes on which the FP32 network has more unstable ReLUs than this are split, not given to z3. Default 12. */
  readonly smtUnstableLimit?: number;
  /** Random points of each box's boundary search. Default 16. */
  readonly samples?: number;
  /**
   * Split mixed leaves too (not only open ones), so that the bracket of the disagreeing volume
   * narrows, within the budget. Default true.
   */
  readonly refine?: boolean;
  /** Stop narrowing the bracket once mixed + open leaves cover at most this share. Default 0.001. */
  readonly volumeTolerance?: number;
  /** Certify δ* and ε* (relative precision `marginPrecision`). Default true. */
  readonly margins?: boolean;
  /** Relative precision of δ* and ε*: stop when upper ≤ (1 + p)·lower. Default 0.01. */
  readonly marginPrecision?: number;
  /** Points sampled in the mixed and open leaves for the estimate of the disagreeing volume. Default 4096. */
  readonly estimateSamples?: number;
  /**
   * Where progress is saved after rounds (at most once a second, and at the end). Injected: the cli
   * passes a file store; `memoryCheckpointStore()` keeps it in memory. Default none.
   */
  readonly checkpointStore?: RegionCheckpointStore;
  /** Continue from `checkpointStore` when it holds this run (same pair, region and options). */
  readonly resume?: boolean;
  /** Replays every counterexample in a runtime too (the cli injects onnxruntime-node). */
  readonly replay?: RuntimeReplay;
  /** Called after every round. */
  readonly onProgress?: (progress: RegionProgress) => void;
  /** Heap limit of each worker in MiB (the memory guard). Default 1024. */
  readonly workerMemoryMb?: number;
  /**
   * Where rounds are evaluated (see `RegionRunner`): default this machine's worker threads
   * (`workers`); a queue runner from `@quantproof/smt-verify/queue` hands them to other machines.
   * The answer does not depend on it.
   */
  readonly runner?: RegionRunnerFactory;
}

/** Progress after a round. */
export interface RegionProgress {
  readonly phase: 'region' | 'done';
  readonly seconds: number;
  readonly boxes: number;
  readonly volume: RegionVolume;
  readonly disagreement: { readonly lower: number; readonly upper: number };
  readonly flipMargin: { readonly lower: number; readonly upper: number } | null;
  readonly errorBound: { readonly lower: number; readonly upper: number } | null;
}

/** Shares of the region's volume by leaf status (they sum to 1). */
export interface RegionVolume {
  readonly agree: number;
  readonly disagree: number;
  readonly mixed: number;
  readonly open: number;
}

/** The disagreeing share of the region. */
export interface DisagreementVolume {
  /**
   * Certified: the share of the region where the int8 decision differs from FP32's (beyond the
   * tie tolerance) lies in [lower, upper]. lower = the disagree leaves plus the parts of mixed and
   * open leaves their linear bounds prove disagreeing; upper = everything but the agree leaves and
   * the parts of mixed and open leaves proven agreeing — at most disagree + mixed + open.
   */
  readonly lower: number;
  readonly upper: number;
  /**
   * An unbiased sampled estimate, not a proof: uniform points over the mixed and open leaves,
   * judged by the executors (points where the int8 result is undefined are left out; `samples`
   * counts the judged ones); the value and a 95 % (Wilson) interval, inside [lower, upper]. Null
   * when nothing is mixed or open, or when no point could be judged (an int8 model whose
   * accumulators could overflow is not run at all).
   */
  readonly estimate: {
    readonly value: number;
    readonly low: number;
    readonly high: number;
    readonly samples: number;
    readonly confidence: number;
  } | null;
}

/** One leaf of the final partition. */
export interface RegionLeaf {
  readonly lower: number[];
  readonly upper: number[];
  /**
   * `agree`: proved, the int8 decision is FP32's (or ties within the tolerance) at every input of
   * the leaf; `disagree`: proved, the decisions differ at every input; `mixed`: both occur (it
   * carries a replayed counterexample); `open`: undecided (`by` says why).
   */
  readonly status: LeafStatus;
  /** Share of the region's volume. */
  readonly volume: number;
  /** What decided it: `bounds`, `search`, `cells`, `smt`, or why it is open. */
  readonly by: string;
  /** Index into `counterexamples` (a replayed disagreement inside the leaf), or null. */
  readonly counterexample: number | null;
  /**
   * The certified share of the leaf's volume that disagrees: [0, 0] for agree leaves, [1, 1] for
   * disagree leaves, for mixed and open leaves what their bounds prove (else [0, 1]).
   */
  readonly share: { readonly lower: number; readonly upper: number };
  /**
   * The tie tolerance that applied on this leaf (agree leaves): FP32 margins between FP32's
   * action and the int8 action up to it are ties. 0 when bounds proved the leaf without ties.
   */
  readonly tieTolerance: number;
}

/** A certified bracket: the true value lies in [lower, upper]. */
export interface Bracket {
  readonly lower: number;
  readonly upper: number;
  /**
   * upper ≤ (1 + precision)·lower + 1e-6 was reached (else the budget ran out first); the absolute
   * 1e-6 lets a bracket of a δ* of 0 (a tie) be certified.
   */
  readonly certified: boolean;
  /** A float32 input attaining `lower` (judged exactly), when there is one. */
  readonly witness: number[] | null;
}

/** What `verifyRegion` returns. */
export interface RegionResult {
  /**
   * `consistent` iff every leaf agrees; `inconsistent` iff a replayed counterexample exists;
   * otherwise `unknown`.
   */
  readonly verdict: 'consistent' | 'inconsistent' | 'unknown';
  /** The region as requested (leaves hold its float32 points: bounds rounded inward). */
  readonly region: { readonly lower: number[]; readonly upper: number[] };
  /** The largest tie tolerance that applied on any leaf (each leaf records its own). */
  readonly tieTolerance: number;
  /** What `consistent` means for this run, in words: the theorem, the tie rule and the semantics. */
  readonly theorem: string;
  /** The int8 CPU semantics the run assumed. */
  readonly cpuSemantics: CpuSemantics;
  readonly volume: RegionVolume;
  /** The certified bracket of the disagreeing share and the sampled estimate. */
  readonly disagreement: DisagreementVolume;
  /**
   * δ*: bracket of the largest FP32 margin at which the int8 action differs. null only when every
   * leaf agrees (no disagreement exists). While no disagreement is known the lower end is 0 with no
   * witness: δ* may not exist, and is at most `upper`.
   */
  readonly flipMargin: Bracket | null;
  /** ε*: bracket of max |FP32 logit − int8 logit| over the region (FP32 in exact arithmetic). */
  readonly errorBound: Bracket | null;
  readonly leaves: readonly RegionLeaf[];
  readonly counterexamples: readonly Counterexample[];
  readonly stats: RegionStats;
}

/** Counts and times of a run. */
export interface RegionStats {
  /** Boxes evaluated (one bound pass each). */
  readonly boxes: number;
  readonly rounds: number;
  readonly smtQueries: number;
  readonly smtSeconds: number;
  readonly workers: number;
  readonly retries: number;
  /**
   * Seconds until, for the first time, no leaf was open (every leaf agree, disagree or mixed), or
   * null if the budget ran out first. Narrowing the bracket splits mixed leaves afterwards, and
   * their children may be open again.
   */
  readonly decidedAtSeconds: number | null;
  readonly seconds: number;
  readonly stopReason: 'complete' | 'time-budget' | 'box-budget';
  /** True when this run continued from a checkpoint. */
  readonly resumed: boolean;
}

/** Absolute floor of δ*'s and ε*'s precision (a relative precision cannot settle a δ* of 0). */
const MARGIN_ABSOLUTE = 1e-6;

/** Wilson score interval of a proportion (95 %). */
function wilson(hits: number, n: number): { low: number; high: number } {
  const z = 1.959963984540054;
  const p = hits / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Decides whether `int8` takes `fp32`'s action over every float32 input of `box` (FP32 margins above
 * the tie tolerance), leaf by leaf, brackets the disagreeing volume and certifies δ* and ε*. See the
 * package README.
 */
export async function verifyRegion(
  fp32: Mlp,
  int8: QMlp,
  box: InputBox,
  options: RegionOptions = {},
): Promise<RegionResult> {
  const inputs = fp32.layers[0]!.inFeatures;
  const outputs = fp32.layers[fp32.layers.length - 1]!.outFeatures;
  if (
    int8.layers[0]!.inFeatures !== inputs ||
    int8.layers[int8.layers.length - 1]!.outFeatures !== outputs
  ) {
    throw modelMismatchError(
      `FP32 ${inputs}→${outputs}, int8 ${int8.layers[0]!.inFeatures}→${int8.layers[int8.layers.length - 1]!.outFeatures}`,
    );
  }
  const f32 = float32Box(box, inputs);
  const root = createBox(f32.lower, f32.upper);
  const cpuSemantics: CpuSemantics = options.cpuSemantics ?? 'vnni-exact';
  const overflow = accumulatorOverflow(int8);
  if (overflow !== null) {
    return unmodelledResult(box, root, cpuSemantics, `accumulator-overflow: ${overflow}`);
  }
  const seconds = positive('seconds', options.seconds ?? 60, 0);
  const maxBoxes = positive('maxBoxes', options.maxBoxes ?? Infinity, 1);
  const roundSize = Math.floor(positive('roundSize', options.roundSize ?? 16, 1));
  const workers = Math.floor(
    positive('workers', options.workers ?? Math.max(1, availableParallelism()), 0),
  );
  const precision = positive('marginPrecision', options.marginPrecision ?? 0.01, 0);
  const volumeTolerance = positive('volumeTolerance', options.volumeTolerance ?? 0.001, 0);
  const estimateSamples = Math.floor(
    positive('estimateSamples', options.estimateSamples ?? 4096, 0),
  );
  const refine = options.refine ?? true;
  /** The upper end that certifies a lower end: relative precision, with an absolute floor. */
  const target = (lower: number): number => (1 + precision) * lower + MARGIN_ABSOLUTE;
  const exact = int8ExactlyEncoded(int8, cpuSemantics);
  const margins = options.margins !== false && exact;
  const settings: DecisionSettings = decisionSettings(int8, options);
  const seed = options.seed ?? 0;
  const init: WorkerInit = { fp32: mlpToJson(fp32), int8: qmlpToJson(int8), settings };
  const fingerprint = regionFingerprint(init, {
    root: [Array.from(root.lower), Array.from(root.upper)],
    seed,
    roundSize,
    refine,
    volumeTolerance,
    precision,
    margins: options.margins !== false,
  });
  const store = options.checkpointStore;
  const startedAt = performance.now();
  let saved: CheckpointState | null = null;
  if (store !== undefined && options.resume === true) saved = await store.load(fingerprint);
  const resumed = saved !== null;
  const baseElapsed = saved?.elapsedSeconds ?? 0;
  const elapsed = (): number => baseElapsed + (performance.now() - startedAt) / 1000;
  const cpu = { cpu: cpuSemantics };

  const counterexamples: Counterexample[] = [];
  let flipBest: BestPoint = saved?.flip ?? { lower: 0, witness: null };
  let errorBest: BestPoint = saved?.error ?? { lower: 0, witness: null };
  /** The δ* witness the last climb started from (checkpointed: a resume must not climb again). */
  let climbedFrom: readonly number[] | null = saved?.climbedFrom ?? null;
  let smtQueries = saved?.smtQueries ?? 0;
  let smtSeconds = saved?.smtSeconds ?? 0;
  let decidedAtSeconds = saved?.decidedAtSeconds ?? null;
  const record = (c: Counterexample): number => {
    counterexamples.push(c);
    if (c.fp32Margin > flipBest.lower || flipBest.witness === null) {
      flipBest = { lower: Math.max(c.fp32Margin, flipBest.lower), witness: Array.from(c.input) };
    }
    return counterexamples.length - 1;
  };
  /** A checkpointed counterexample, judged and replayed again. */
  const addSaved = async (input: readonly number[]): Promise<void> => {
    const c = await replayCandidate(fp32, int8, Float32Array.from(input), options.replay, cpu);
    if (c === null) throw new Error('a checkpointed counterexample no longer replays');
    record(c);
  };
  /** A counterexample a worker judged in the executors, replayed in the runtime here. */
  const addFound = async (judged: Counterexample): Promise<number> =>
    record(await confirmInRuntime(fp32, int8, judged, options.replay));
  for (const input of saved?.points ?? []) await addSaved(input);

  // Running shares by status, the certified bracket and the leaves' largest δ*/ε* upper bounds
  // (recounted in one pass after every round; leaf states change only when a round is applied).
  const leafUppers = { flip: -Infinity, error: 0 };
  const shares = { agree: 0, disagree: 0, mixed: 0, open: 0 };
  const bracket = { lower: 0, upper: 1 };
  const statusOf = (s: LeafState): LeafStatus => (s.status === 'pending' ? 'open' : s.status);
  const width = (): number => bracket.upper - bracket.lower;

  const objectives: RegionObjective<LeafState>[] = [
    {
      name: 'volume',
      priority: (item) => {
        const s = item.state;
        if (s.final || !(s.status === 'open' || (refine && s.status === 'mixed'))) return null;
        const uncertain = item.volume * (s.share.upper - s.share.lower);
        return uncertain > 0 ? uncertain : null;
      },
    },
  ];
  if (margins) {
    objectives.push(
      {
        name: 'flip-margin',
        priority: (item) => {
          const u = item.state.flipUpper;
          return u > target(flipBest.lower) && u > item.state.tieTolerance ? u : null;
        },
      },
      {
        name: 'error-bound',
        priority: (item) => {
          const u = item.state.errorUpper;
          return u > target(errorBest.lower) ? u : null;
        },
      },
    );
  }
  const split = splitPolicy(int8, root);
  const driver = new RegionDriver<LeafState>(
    {
      root,
      rootState: ROOT_STATE,
      objectives,
      roundSize,
      // The bracket splits where the decision proof is weakest, δ* where its bound's linear form
      // moves most; ε*'s bound is loose where quantisation noise is (no linear form shows it), so
      // ε* splits the relatively widest dimension.
      split: (item, objective) =>
        split(
          item.box,
          objective === 'flip-margin'
            ? (item.state.flipInfluence ?? item.state.influence)
            : objective === 'error-bound'
              ? null
              : item.state.influence,
        ),
      inherit: (parent, child, objective) => {
        const s = parent.state;
        const forMargins = objective !== 'volume';
        const cex = s.counterexample;
        const inside = cex !== null && boxContains(child, counterexamples[cex]!.input);
        if (s.status === 'agree' || s.status === 'disagree') {
          return {
            ...s,
            counterexample: inside ? cex : null,
            influence: null,
            flipInfluence: null,
            forMargins,
          };
        }
        return {
          ...ROOT_STATE,
          counterexample: inside ? cex : null,
          flipUpper: s.flipUpper,
          errorUpper: s.errorUpper,
          int8Action: s.int8Action,
          forMargins,
        };
      },
    },
    saved?.driver,
  );
  const track = (): void => {
    // Recount from the driver's leaves (cheap next to a round's evaluations).
    shares.agree = shares.disagree = shares.mixed = shares.open = 0;
    let lower = 0;
    let upper = 0;
    let flip = -Infinity;
    let error = 0;
    driver.forEachLeaf((l) => {
      shares[statusOf(l.state)] += l.volume;
      lower += l.volume * l.state.share.lower;
      upper += l.volume * l.state.share.upper;
      flip = Math.max(flip, l.state.flipUpper);
      error = Math.max(error, l.state.errorUpper);
    });
    bracket.lower = Math.min(1, lower);
    bracket.upper = Math.min(1, upper);
    leafUppers.flip = flip;
    leafUppers.error = error;
  };
  track();

  const pool = await (
    options.runner ??
    localRunner(
      { fp32, int8 },
      {
        workers,
        ...(options.workerMemoryMb === undefined ? {} : { workerMemoryMb: options.workerMemoryMb }),
      },
    )
  ).open({ init, runFingerprint: fingerprint });

  const evaluate = async (jobs: readonly RegionJob<LeafState>[]): Promise<LeafState[]> => {
    const tasks: LeafTask[] = jobs.map((job) => {
      const cex = job.inherited.counterexample;
      return {
        lower: Array.from(job.box.lower),
        upper: Array.from(job.box.upper),
        inherited: job.inherited,
        counterexampleInput: cex === null ? null : Array.from(counterexamples[cex]!.input),
        seed: seed * 1_000_003 + job.id,
        flipLower: flipBest.lower,
        errorLower: errorBest.lower,
        search: counterexamples.length === 0,
      };
    });
    const results = await pool.run(tasks);
    const states: LeafState[] = [];
    for (let k = 0; k < jobs.length; k++) {
      const r = results[k]!;
      const inherited = jobs[k]!.inherited;
      if (r instanceof JobFailedError) {
        states.push({
          ...inherited,
          status: inherited.status === 'pending' ? 'open' : inherited.status,
          by: inherited.status === 'pending' ? `worker-failed: ${r.message}` : inherited.by,
          final: true,
        });
        continue;
      }
      const e = r;
      smtQueries += e.smtQueries;
      smtSeconds += e.smtMs / 1000;
      let state = e.state;
      if (e.found !== null) {
        const index = await addFound(e.found);
        if (state.counterexample === null) state = { ...state, counterexample: index };
      }
      if (e.flip !== null && (e.flip.value > flipBest.lower || flipBest.witness === null)) {
        flipBest = { lower: e.flip.value, witness: e.flip.input };
      }
      if (e.error !== null && e.error.value > errorBest.lower) {
        errorBest = { lower: e.error.value, witness: e.error.input };
      }
      states.push(state);
    }
    return states;
  };

  const flipUpperNow = (): number => leafUppers.flip;
  const errorUpperNow = (): number => leafUppers.error;
  const progress = (phase: RegionProgress['phase']): RegionProgress => ({
    phase,
    seconds: elapsed(),
    boxes: driver.evaluations,
    volume: clampShares(shares),
    disagreement: { ...bracket },
    flipMargin: margins
      ? { lower: flipBest.lower, upper: Math.max(flipUpperNow(), flipBest.lower) }
      : null,
    errorBound: margins
      ? { lower: errorBest.lower, upper: Math.max(errorUpperNow(), errorBest.lower) }
      : null,
  });
  let lastSave = performance.now();
  const save = async (force: boolean): Promise<void> => {
    if (store === undefined) return;
    if (!force && performance.now() - lastSave < 1000) return;
    lastSave = performance.now();
    await store.save({
      fingerprint,
      driver: driver.snapshot(),
      points: counterexamples.map((c) => Array.from(c.input)),
      flip: flipBest,
      error: errorBest,
      climbedFrom,
      smtQueries,
      smtSeconds,
      elapsedSeconds: elapsed(),
      decidedAtSeconds,
    });
  };

  let stopReason: RegionStats['stopReason'];
  try {
    stopReason = await driveAsync(driver, evaluate, {
      maxBoxes,
      // Done enough: the bracket is within the tolerance and δ* and ε* are certified.
      stop: () =>
        elapsed() >= seconds ||
        (driver.rounds > 0 &&
          width() <= volumeTolerance &&
          (!margins ||
            ((flipUpperNow() <= target(flipBest.lower) || flipUpperNow() <= 0) &&
              errorUpperNow() <= target(errorBest.lower)))),
      onRound: async () => {
        // A better δ* witness this round: climb from it (deterministic, in this thread).
        if (
          margins &&
          flipBest.witness !== null &&
          (climbedFrom === null || !sameInput(flipBest.witness, climbedFrom))
        ) {
          climbedFrom = flipBest.witness;
          const c = climbFlipMargin(fp32, int8, root, flipBest.witness, cpuSemantics);
          if (c !== null && c.margin > flipBest.lower) {
            flipBest = { lower: c.margin, witness: c.input };
            climbedFrom = c.input;
          }
        }
        track();
        if (shares.open === 0) decidedAtSeconds ??= elapsed();
        options.onProgress?.(progress('region'));
        await save(false);
      },
    });
    // Stopped inside the time budget: every objective was met.
    if (stopReason === 'time-budget' && elapsed() < seconds) stopReason = 'complete';
    await save(true);
  } finally {
    await pool.close();
  }
  track();
  if (shares.open === 0) decidedAtSeconds ??= elapsed();

  const items = driver.leaves();
  const leaves: RegionLeaf[] = items.map((l) => leafOf(l));
  const allAgree = leaves.every((l) => l.status === 'agree');
  const tieTolerance = leaves.reduce((m, l) => Math.max(m, l.tieTolerance), 0);

  let flip: Bracket | null = null;
  let error: Bracket | null = null;
  if (options.margins !== false && !exact) {
    // The bounds behind δ* and ε* model exact int32 sums, which this model does not follow on
    // the stated CPU: only replayed points bound them, from below.
    flip = { lower: flipBest.lower, upper: Infinity, certified: false, witness: flipBest.witness };
    error = { lower: 0, upper: Infinity, certified: false, witness: null };
  } else if (margins) {
    const eu = Math.max(errorUpperNow(), errorBest.lower);
    error = {
      lower: errorBest.lower,
      upper: eu,
      certified: eu <= target(errorBest.lower),
      witness: errorBest.witness,
    };
    if (!allAgree) {
      const fu = Math.max(flipUpperNow(), flipBest.lower, 0);
      flip = {
        lower: flipBest.lower,
        upper: fu,
        certified: flipBest.witness !== null && fu <= target(flipBest.lower),
        witness: flipBest.witness,
      };
    }
  }
  // A disagreement δ*'s search found is a counterexample like any other once it replays.
  const flipWitness = flip?.witness ?? null;
  if (flipWitness !== null && !counterexamples.some((c) => sameInput(c.input, flipWitness))) {
    const c = await replayCandidate(
      fp32,
      int8,
      Float32Array.from(flipWitness),
      options.replay,
      cpu,
    );
    if (c !== null) counterexamples.push(c);
  }
  const disagreement: DisagreementVolume = {
    ...bracket,
    estimate: estimate(
      fp32,
      int8,
      cpuSemantics,
      items,
      shares.disagree,
      bracket,
      estimateSamples,
      seed,
    ),
  };
  const verdict = counterexamples.length > 0 ? 'inconsistent' : allAgree ? 'consistent' : 'unknown';
  const total = elapsed();
  options.onProgress?.(progress('done'));
  return {
    verdict,
    region: { lower: Array.from(box.lower), upper: Array.from(box.upper) },
    tieTolerance,
    theorem: regionTheorem(cpuSemantics, tieTolerance),
    cpuSemantics,
    volume: clampShares(shares),
    disagreement,
    flipMargin: flip,
    errorBound: error,
    leaves,
    counterexamples,
    stats: {
      boxes: driver.evaluations,
      rounds: driver.rounds,
      smtQueries,
      smtSeconds,
      workers: pool.workers,
      retries: pool.retries(),
      decidedAtSeconds,
      seconds: total - (resumed ? 0 : baseElapsed),
      stopReason,
      resumed,
    },
  };
}

/** Shares are float64 sums of leaf volumes: an ulp outside [0, 1] is rounding, not volume. */
function clampShares(v: RegionVolume): RegionVolume {
  const c = (x: number): number => Math.min(1, Math.max(0, x));
  return { agree: c(v.agree), disagree: c(v.disagree), mixed: c(v.mixed), open: c(v.open) };
}

function sameInput(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function leafOf(item: RegionItem<LeafState>): RegionLeaf {
  const s = item.state;
  return {
    lower: Array.from(item.box.lower),
    upper: Array.from(item.box.upper),
    status: s.status === 'pending' ? 'open' : s.status,
    volume: item.volume,
    by: s.by,
    counterexample: s.counterexample,
    share: { lower: s.share.lower, upper: s.share.upper },
    tieTolerance: s.tieTolerance,
  };
}

/**
 * The sampled estimate of the disagreeing share: `samples` points drawn uniformly over the mixed
 * and open leaves (a leaf with probability proportional to its volume, then a uniform point in
 * it, rounded to float32), each judged by the executors' decisions.
 */
function estimate(
  fp32: Mlp,
  int8: QMlp,
  cpu: CpuSemantics,
  items: readonly RegionItem<LeafState>[],
  disagree: number,
  bracket: { readonly lower: number; readonly upper: number },
  samples: number,
  seed: number,
): DisagreementVolume['estimate'] {
  const uncertain = items.filter((l) => l.state.status === 'mixed' || l.state.status === 'open');
  const cumulative: number[] = [];
  let total = 0;
  for (const l of uncertain) {
    total += l.volume;
    cumulative.push(total);
  }
  if (uncertain.length === 0 || !(total > 0) || samples === 0) return null;
  const rng = createSeededRng(0xe57 + seed);
  let hits = 0;
  let judged = 0;
  for (let n = 0; n < samples; n++) {
    const u = rng.nextFloat64() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    const b = uncertain[lo]!.box;
    const x = Float32Array.from(b.lower, (l, i) => {
      const v = Math.fround(l + (b.upper[i]! - l) * rng.nextFloat64());
      return Math.min(Math.max(v, l), b.upper[i]!);
    });
    // Where onnxruntime's int8 result is undefined (a dynamic quantiser meeting ±Inf) the point
    // is neither: it is left out of the proportion.
    const q = int8Outputs(int8, x, cpu);
    if (q === null) continue;
    judged++;
    const a = decideLogits(forwardFp32(fp32, x), fp32.head);
    const c = decideLogits(q, int8.head);
    if (a.kind === 'action' && c.kind === 'action' && a.action !== c.action) hits++;
  }
  if (judged === 0) return null;
  const p = hits / judged;
  const w = wilson(hits, judged);
  // The certified bracket holds the true share: the interval is cut to it.
  const clamp = (v: number): number => Math.min(bracket.upper, Math.max(bracket.lower, v));
  const value = clamp(disagree + total * p);
  return {
    value,
    // At p = 0 or 1 the Wilson end can round an ulp past the value: keep value inside.
    low: Math.min(value, clamp(disagree + total * w.low)),
    high: Math.max(value, clamp(disagree + total * w.high)),
    samples: judged,
    confidence: 0.95,
  };
}

/**
 * The answer for a model whose int32 accumulators could overflow: onnxruntime's result then
 * depends on whether its CPU kernel wraps or saturates, which nothing here models — one open leaf
 * saying so, and open δ* and ε* brackets.
 */
function unmodelledResult(
  box: InputBox,
  root: { readonly lower: Float64Array; readonly upper: Float64Array },
  cpuSemantics: CpuSemantics,
  why: string,
): RegionResult {
  const open: Bracket = { lower: 0, upper: Infinity, certified: false, witness: null };
  return {
    verdict: 'unknown',
    region: { lower: Array.from(box.lower), upper: Array.from(box.upper) },
    tieTolerance: 0,
    theorem: regionTheorem(cpuSemantics, 0),
    cpuSemantics,
    volume: { agree: 0, disagree: 0, mixed: 0, open: 1 },
    disagreement: { lower: 0, upper: 1, estimate: null },
    flipMargin: open,
    errorBound: open,
    leaves: [
      {
        lower: Array.from(root.lower),
        upper: Array.from(root.upper),
        status: 'open',
        volume: 1,
        by: why,
        counterexample: null,
        share: { lower: 0, upper: 1 },
        tieTolerance: 0,
      },
    ],
    counterexamples: [],
    stats: {
      boxes: 0,
      rounds: 0,
      smtQueries: 0,
      smtSeconds: 0,
      workers: 0,
      retries: 0,
      decidedAtSeconds: null,
      seconds: 0,
      stopReason: 'complete',
      resumed: false,
    },
  };
}
