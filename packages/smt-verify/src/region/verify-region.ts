// The region verifier: decide every leaf of an input box (bounds, boundary search, z3 on boxes that
// meet few quantisation cells, splitting otherwise) over a worker pool, in rounds whose results are
// applied in a fixed order, checkpointed atomically; then certify δ* and ε* by branch and bound.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { mlpToJson, type Mlp } from '@quantproof/nn';
import { qmlpToJson, type QMlp } from '@quantproof/quant';
import { float32Box, type InputBox } from '../box.js';
import { ModelMismatchError, SmtVerifyOptionsError } from '../errors.js';
import { accumulatorOverflow, int8ExactlyEncoded } from '../disagreement-query.js';
import { replayCandidate, type Counterexample, type RuntimeReplay } from '../replay.js';
import { createBox, createDecisionCertifier } from '@quantproof/interval';
import type { CpuSemantics } from '@quantproof/quant';
import { regionTheorem } from './theorem.js';
import { type BoxTaskBounds, chooseSplit, type DecisionSettings } from './box-decision.js';
import {
  type CheckpointState,
  type QueueEntry,
  readCheckpoint,
  type RefinementStep,
  regionFingerprint,
  writeCheckpoint,
} from './checkpoint.js';
import { Heap } from './heap.js';
import type { WorkerInit } from './jobs.js';
import { certifyErrorBound, certifyFlipMargin, type Bracket } from './margins.js';
import { createInlinePool, createWorkerPool, JobFailedError, type JobPool } from './pool.js';

/** Options of `verifyRegion`. */
export interface RegionOptions {
  /** Wall-clock budget of the whole run in seconds (leaves, refinement, δ*, ε*). Default 60. */
  readonly seconds?: number;
  /** Stop at the first round boundary after this many boxes (a deterministic budget). Default unlimited. */
  readonly maxBoxes?: number;
  /** Seed of the per-box searches. Default 0. */
  readonly seed?: number;
  /** Worker threads, one z3 each; 0 runs everything in this thread. Default: one per core. */
  readonly workers?: number;
  /** Boxes per round (results are applied in order, so answers do not depend on `workers`). Default 32. */
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
   * After every leaf is decided, split inconsistent leaves towards single quantisation cells (so
   * that the inconsistent volume bounds the disagreeing volume more tightly), within the budget.
   * Default true.
   */
  readonly refine?: boolean;
  /** Certify δ* and ε* (relative precision `marginPrecision`). Default true. */
  readonly margins?: boolean;
  /** Relative precision of δ* and ε*: stop when upper ≤ (1 + p)·lower. Default 0.01. */
  readonly marginPrecision?: number;
  /** Most boxes each of the δ* and ε* searches evaluates (a deterministic budget). Default unlimited. */
  readonly marginBoxes?: number;
  /** Share of `seconds` reserved for δ* and ε*. Default 0.25. */
  readonly marginShare?: number;
  /** Checkpoint file: progress is written there atomically after rounds. Default none. */
  readonly checkpoint?: string;
  /** Continue from `checkpoint` when it exists (it must describe the same pair, box and options). */
  readonly resume?: boolean;
  /** Replays every counterexample in a runtime too (the cli injects onnxruntime-node). */
  readonly replay?: RuntimeReplay;
  /** Called after every round. */
  readonly onProgress?: (progress: RegionProgress) => void;
  /** Heap limit of each worker in MiB (the memory guard). Default 1024. */
  readonly workerMemoryMb?: number;
}

/** Progress after a round. */
export interface RegionProgress {
  readonly phase: 'decide' | 'refine' | 'margins' | 'done';
  readonly seconds: number;
  readonly boxes: number;
  readonly volume: RegionVolume;
  /** Open boxes waiting (phase `decide`). */
  readonly open: number;
}

/** Shares of the region's volume. */
export interface RegionVolume {
  readonly consistent: number;
  readonly inconsistent: number;
  readonly unknown: number;
}

/** One leaf of the final partition. */
export interface RegionLeaf {
  readonly lower: number[];
  readonly upper: number[];
  readonly verdict: 'consistent' | 'inconsistent' | 'unknown';
  /** Share of the region's volume. */
  readonly volume: number;
  /** What decided it: `bounds`, `search`, `cells`, `smt`, or why it is open. */
  readonly by: string;
  /** Index into `counterexamples` (inconsistent leaves). */
  readonly counterexample: number | null;
  /**
   * The tie tolerance that applied on this leaf (consistent leaves): FP32 margins between FP32's
   * action and the int8 action up to it are ties. 0 when bounds proved the leaf without ties.
   */
  readonly tieTolerance: number;
}

/** What `verifyRegion` returns. */
export interface RegionResult {
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
  /**
   * δ*: bracket of the largest FP32 margin at which the int8 action differs. null only when every
   * leaf is consistent (no disagreement exists). While leaves are open and no counterexample is
   * known the bracket's lower end is 0 with no witness: δ* may not exist, and is at most `upper`.
   */
  readonly flipMargin: Bracket | null;
  /** ε*: bracket of max |FP32 logit − int8 logit| over the region. */
  readonly errorBound: Bracket | null;
  readonly leaves: readonly RegionLeaf[];
  readonly counterexamples: readonly Counterexample[];
  readonly stats: RegionStats;
}

/** Counts and times of a run. */
export interface RegionStats {
  readonly boxes: number;
  readonly rounds: number;
  readonly smtQueries: number;
  readonly smtSeconds: number;
  readonly workers: number;
  readonly retries: number;
  /** Seconds until no leaf was open, or null if the budget ran out first. */
  readonly decidedAtSeconds: number | null;
  readonly seconds: number;
  readonly stopReason: 'complete' | 'time-budget' | 'box-budget';
  /** True when this run continued from a checkpoint. */
  readonly resumed: boolean;
}

function positive(name: string, value: number, min: number): number {
  if (!(value >= min) || Number.isNaN(value)) {
    throw new SmtVerifyOptionsError(`${name} must be a number ≥ ${min}; got ${value}`);
  }
  return value;
}

/** Splits a refinement step's other half may take before the step is given up. */
const STEP_BUDGET = 96;

/** Queue order: open boxes before refinement, then larger volume, then earlier sequence. */
function queueBefore(a: QueueEntry, b: QueueEntry): boolean {
  const ra = a.counterexample === null ? 0 : 1;
  const rb = b.counterexample === null ? 0 : 1;
  if (ra !== rb) return ra < rb;
  return a.volume > b.volume || (a.volume === b.volume && a.seq < b.seq);
}

function inside(box: BoxTaskBounds, x: readonly number[]): boolean {
  return x.every((v, i) => v >= box.lower[i]! && v <= box.upper[i]!);
}

/**
 * Decides whether `int8` takes `fp32`'s action over every float32 input of `box` (FP32 margins above
 * the tie tolerance), leaf by leaf, and certifies δ* and ε*. See the package README.
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
    throw new ModelMismatchError(
      `FP32 ${inputs}→${outputs}, int8 ${int8.layers[0]!.inFeatures}→${int8.layers[int8.layers.length - 1]!.outFeatures}`,
    );
  }
  const f32 = float32Box(box, inputs);
  const root: BoxTaskBounds = { lower: Array.from(f32.lower), upper: Array.from(f32.upper) };
  const overflow = accumulatorOverflow(int8);
  if (overflow !== null) {
    return unmodelledResult(box, root, options.cpuSemantics ?? 'vnni-exact', overflow);
  }
  const seconds = positive('seconds', options.seconds ?? 60, 0);
  const maxBoxes = positive('maxBoxes', options.maxBoxes ?? Infinity, 1);
  const roundSize = Math.floor(positive('roundSize', options.roundSize ?? 32, 1));
  const workers = Math.floor(
    positive('workers', options.workers ?? Math.max(1, availableParallelism()), 0),
  );
  const marginShare = positive('marginShare', options.marginShare ?? 0.25, 0);
  const precision = positive('marginPrecision', options.marginPrecision ?? 0.01, 0);
  const tieToleranceFloor = positive('tieTolerance', options.tieTolerance ?? 0, 0);
  const cpuSemantics: CpuSemantics = options.cpuSemantics ?? 'vnni-exact';
  const cpu = { cpu: cpuSemantics };
  const settings: DecisionSettings = {
    tieToleranceFloor,
    cpu: cpuSemantics,
    cellLimit: positive('cellLimit', options.cellLimit ?? 16, 0),
    smtCellLimit: positive('smtCellLimit', options.smtCellLimit ?? 16, 0),
    smtUnstableLimit: positive('smtUnstableLimit', options.smtUnstableLimit ?? 12, 0),
    smtTimeoutSeconds: positive('smtTimeoutSeconds', options.smtTimeoutSeconds ?? 1, 0.001),
    samples: Math.floor(positive('samples', options.samples ?? 16, 0)),
  };
  const seed = options.seed ?? 0;
  const init: WorkerInit = {
    fp32: mlpToJson(fp32),
    int8: qmlpToJson(int8),
    root,
    settings,
  };
  const fingerprint = regionFingerprint(init, { seed, roundSize, refine: options.refine ?? true });
  const startedAt = performance.now();

  let state: CheckpointState = {
    fingerprint,
    seq: 1,
    queue: [{ lower: root.lower, upper: root.upper, volume: 1, seq: 0, counterexample: null }],
    leaves: [],
    steps: [],
    points: [],
    boxes: 0,
    rounds: 0,
    smtQueries: 0,
    smtSeconds: 0,
    elapsedSeconds: 0,
    decidedAtSeconds: null,
  };
  let resumed = false;
  if (options.checkpoint !== undefined && options.resume === true) {
    const saved = await readCheckpoint(options.checkpoint, fingerprint);
    if (saved !== null) {
      state = saved;
      resumed = true;
    }
  }
  const elapsed = (): number => state.elapsedSeconds + (performance.now() - startedAt) / 1000;
  const baseElapsed = state.elapsedSeconds;
  const counterexamples: Counterexample[] = [];
  for (const input of state.points) {
    const c = await replayCandidate(fp32, int8, Float32Array.from(input), options.replay, cpu);
    if (c === null) throw new Error('a checkpointed counterexample no longer replays');
    counterexamples.push(c);
  }
  const heap = new Heap<QueueEntry>(queueBefore);
  for (const e of state.queue) heap.push(e);
  const leaves: StepLeaf[] = [...state.leaves];
  const pool: JobPool =
    workers === 0
      ? createInlinePool(fp32, int8, init)
      : createWorkerPool(init, {
          workers,
          jobDeadlineMs: Math.max(30_000, settings.smtTimeoutSeconds * 1000 * 20),
          memoryMb: options.workerMemoryMb ?? 1024,
        });
  const refine = options.refine ?? true;
  const leafBudget = seconds * (options.margins === false ? 1 : 1 - Math.min(marginShare, 1));
  let stopReason: RegionStats['stopReason'] = 'complete';
  let lastCheckpoint = performance.now();

  const volumeNow = (): RegionVolume => {
    let consistent = 0;
    let inconsistent = 0;
    for (const l of leaves) {
      if (l.verdict === 'consistent') consistent += l.volume;
      else if (l.verdict === 'inconsistent') inconsistent += l.volume;
    }
    for (const e of heap.items) if (e.counterexample !== null) inconsistent += e.volume;
    return { consistent, inconsistent, unknown: Math.max(0, 1 - consistent - inconsistent) };
  };
  const openCount = (): number => heap.items.filter((e) => e.counterexample === null).length;
  const save = async (force: boolean): Promise<void> => {
    if (options.checkpoint === undefined) return;
    if (!force && performance.now() - lastCheckpoint < 1000) return;
    lastCheckpoint = performance.now();
    await writeCheckpoint(options.checkpoint, {
      ...state,
      queue: [...heap.items],
      leaves,
      points: counterexamples.map((c) => Array.from(c.input)),
      elapsedSeconds: elapsed(),
    });
  };
  const addCounterexample = async (input: readonly number[]): Promise<number> => {
    const c = await replayCandidate(fp32, int8, Float32Array.from(input), options.replay, cpu);
    if (c === null) {
      throw new Error(
        'internal check failed: a counterexample found by a worker does not replay in the executors; please report it',
      );
    }
    counterexamples.push(c);
    return counterexamples.length - 1;
  };

  const certify = createDecisionCertifier(fp32, int8, { method: 'difference' });
  const abandonedLineage = (step: number | null): boolean => {
    for (let s = step; s !== null; s = state.steps[s]!.parent) {
      if (state.steps[s]!.abandoned) return true;
    }
    return false;
  };
  /**
   * Gives up a refinement step whose other half needs more than STEP_BUDGET splits: its
   * descendants (queued boxes and leaves) are dropped and its box is one inconsistent leaf again.
   */
  const abandonStep = (step: number): void => {
    const s = state.steps[step]!;
    s.abandoned = true;
    heap.retain((e) => !abandonedLineage(e.step ?? null));
    const keptLeaves = leaves.filter((l) => !abandonedLineage(l.step));
    leaves.length = 0;
    leaves.push(...keptLeaves);
    leaves.push({
      lower: s.lower,
      upper: s.upper,
      volume: s.volume,
      verdict: 'inconsistent',
      by: 'refined',
      counterexample: s.counterexample,
      tieTolerance: 0,
      step: s.parent,
    });
  };
  /**
   * Refinement of inconsistent leaves (this thread, no z3): split a batch of them; the half with
   * the counterexample stays inconsistent, the other is decided by the next rounds. Each split is a
   * step; if the budget ends before a step's other half is decided, the step is undone at the end.
   */
  const refineBatch = (): void => {
    for (let n = 0; n < roundSize && heap.size > 0 && heap.peek()!.counterexample !== null; n++) {
      const e = heap.pop()!;
      const index = e.counterexample!;
      state.boxes++;
      const cert = certify(createBox(e.lower, e.upper));
      const split = chooseSplit(int8, e, root, cert);
      if (split === null) {
        leaves.push(leafOf(e, 'inconsistent', 'refined', index));
        continue;
      }
      const step = state.steps.length;
      state.steps.push({
        ...base(e),
        counterexample: index,
        parent: e.step ?? null,
        work: 0,
        abandoned: false,
      });
      const point = Array.from(counterexamples[index]!.input);
      split.children.forEach((child, i) => {
        heap.push({
          ...child,
          volume: e.volume * (i === 0 ? split.firstShare : 1 - split.firstShare),
          seq: state.seq++,
          counterexample: inside(child, point) ? index : null,
          step,
        });
      });
    }
  };

  try {
    while (heap.size > 0) {
      if (state.boxes >= maxBoxes) {
        stopReason = 'box-budget';
        break;
      }
      if (elapsed() >= leafBudget) {
        stopReason = 'time-budget';
        break;
      }
      if (heap.peek()!.counterexample !== null) {
        // Every leaf is decided. Refine inconsistent leaves: split each at a cell face and decide
        // the half without the counterexample in the same round; keep the split only when that
        // half is decided in one step, so that every leaf stays decided after every round.
        state.decidedAtSeconds ??= elapsed();
        if (!refine) break;
        refineBatch();
        continue;
      }
      const round: QueueEntry[] = [];
      while (round.length < roundSize && heap.size > 0 && heap.peek()!.counterexample === null) {
        round.push(heap.pop()!);
      }
      const results = await Promise.all(
        round.map((e) =>
          pool
            .run({
              kind: 'decide',
              task: { lower: e.lower, upper: e.upper, seed: seed * 1_000_003 + e.seq },
            })
            .catch((error: unknown) => {
              if (error instanceof JobFailedError) return error;
              throw error;
            }),
        ),
      );
      for (let k = 0; k < round.length; k++) {
        const e = round[k]!;
        const r = results[k]!;
        state.boxes++;
        if (abandonedLineage(e.step ?? null)) continue; // its refinement step was given up
        if (r instanceof JobFailedError || r.kind !== 'decide') {
          const why = r instanceof JobFailedError ? `worker-failed: ${r.message}` : 'internal';
          leaves.push(leafOf(e, 'unknown', why, null));
          continue;
        }
        state.smtQueries += r.decision.smtQueries;
        state.smtSeconds += r.decision.smtMs / 1000;
        const o = r.decision.outcome;
        if (o.kind === 'consistent') {
          leaves.push(leafOf(e, 'consistent', o.by, null, o.tieTolerance));
        } else if (o.kind === 'inconsistent') {
          const index = await addCounterexample(o.point.input);
          if (refine) heap.push({ ...e, seq: state.seq++, counterexample: index });
          else leaves.push(leafOf(e, 'inconsistent', o.by, index));
        } else if (o.kind === 'unknown') {
          leaves.push(leafOf(e, 'unknown', o.reason, null));
        } else {
          const step = e.step ?? null;
          if (step !== null && ++state.steps[step]!.work > STEP_BUDGET) {
            abandonStep(step);
            continue;
          }
          o.children.forEach((child, i) => {
            heap.push({
              lower: child.lower,
              upper: child.upper,
              volume: e.volume * (i === 0 ? o.firstShare : 1 - o.firstShare),
              seq: state.seq++,
              counterexample: null,
              step,
            });
          });
        }
      }
      state.rounds++;
      if (openCount() === 0) state.decidedAtSeconds ??= elapsed();
      options.onProgress?.({
        phase: 'decide',
        seconds: elapsed(),
        boxes: state.boxes,
        volume: volumeNow(),
        open: openCount(),
      });
      await save(false);
    }
    if (heap.size === 0 && state.decidedAtSeconds === null) state.decidedAtSeconds = elapsed();
    // The checkpoint keeps the raw queue (a resumed run continues it); the result closes it.
    await save(true);
    undoUnfinishedSteps(heap.items.splice(0), leaves, state.steps);
    options.onProgress?.({
      phase: 'margins',
      seconds: elapsed(),
      boxes: state.boxes,
      volume: volumeNow(),
      open: 0,
    });
    const finalLeaves = leaves.map(({ step: _step, ...leaf }) => leaf);
    const allConsistent = finalLeaves.every((l) => l.verdict === 'consistent');
    const tieTolerance = finalLeaves.reduce((m, l) => Math.max(m, l.tieTolerance), 0);
    let flip: Bracket | null = null;
    let error: Bracket | null = null;
    if (options.margins !== false && !int8ExactlyEncoded(int8, cpuSemantics)) {
      // The bounds behind δ* and ε* model exact int32 sums, which this model does not follow on
      // the stated CPU: only replayed points bound them, from below.
      let best: Counterexample | null = null;
      for (const c of counterexamples)
        if (best === null || c.fp32Margin > best.fp32Margin) best = c;
      const open = (lower: number, witness: number[] | null): Bracket => ({
        lower,
        upper: Infinity,
        certified: false,
        witness,
        boxes: 0,
        smtQueries: 0,
      });
      flip = open(best?.fp32Margin ?? 0, best === null ? null : Array.from(best.input));
      error = open(0, null);
    } else if (options.margins !== false) {
      const deadline = Math.max(seconds - elapsed(), 0.25 * seconds * marginShare);
      // ε* first (bounds only, quick), then δ* with whatever time is left.
      const marginBoxes = positive('marginBoxes', options.marginBoxes ?? Infinity, 1);
      error = certifyErrorBound(fp32, int8, root, {
        precision,
        maxBoxes: marginBoxes,
        seconds: deadline / 2,
        cpu: cpuSemantics,
      });
      // δ* exists only where some leaf is not consistent; while any is, its bracket stays open.
      flip = allConsistent
        ? null
        : await certifyFlipMargin(fp32, int8, root, counterexamples, {
            tieTolerance,
            precision,
            seconds: Math.max(seconds - elapsed(), deadline / 4),
            pool,
            maxBoxes: marginBoxes,
            smtCellLimit: settings.smtCellLimit,
            smtUnstableLimit: settings.smtUnstableLimit,
            cpu: cpuSemantics,
          });
    }
    // A disagreement δ*'s search found is a counterexample like any other once it replays.
    if (counterexamples.length === 0 && flip !== null && flip.witness !== null) {
      const c = await replayCandidate(
        fp32,
        int8,
        Float32Array.from(flip.witness),
        options.replay,
        cpu,
      );
      if (c !== null) counterexamples.push(c);
    }
    const volume = volumeNow();
    // Verdicts come from leaf verdicts, never from summed volumes.
    const verdict =
      counterexamples.length > 0 ? 'inconsistent' : allConsistent ? 'consistent' : 'unknown';
    const total = elapsed();
    options.onProgress?.({
      phase: 'done',
      seconds: total,
      boxes: state.boxes,
      volume,
      open: 0,
    });
    return {
      verdict,
      region: { lower: Array.from(box.lower), upper: Array.from(box.upper) },
      tieTolerance,
      theorem: regionTheorem(cpuSemantics, tieTolerance),
      cpuSemantics,
      volume,
      flipMargin: flip,
      errorBound: error,
      leaves: finalLeaves,
      counterexamples,
      stats: {
        boxes: state.boxes,
        rounds: state.rounds,
        smtQueries: state.smtQueries,
        smtSeconds: state.smtSeconds,
        workers,
        retries: pool.retries(),
        decidedAtSeconds: state.decidedAtSeconds,
        seconds: total - (resumed ? 0 : baseElapsed),
        stopReason,
        resumed,
      },
    };
  } finally {
    await pool.close();
  }
}

/** A leaf and the refinement step it descends from (internal). */
export type StepLeaf = RegionLeaf & { readonly step: number | null };

/**
 * Ends a run's queue: boxes holding a counterexample become inconsistent leaves; open boxes with no
 * refinement step become unknown leaves; a refinement step with an open box left is undone (its
 * descendants are dropped and its box is one inconsistent leaf again), so refinement never leaves
 * a leaf undecided.
 */
function undoUnfinishedSteps(
  rest: QueueEntry[],
  leaves: StepLeaf[],
  steps: readonly RefinementStep[],
): void {
  const undo = new Set<number>();
  for (const e of rest)
    if (e.counterexample === null && e.step !== null && e.step !== undefined) undo.add(e.step);
  const undone = (step: number | null): boolean => {
    for (let s = step; s !== null; s = steps[s]!.parent) if (undo.has(s)) return true;
    return false;
  };
  const kept = leaves.filter((l) => !undone(l.step));
  leaves.length = 0;
  leaves.push(...kept);
  for (const e of rest) {
    if (undone(e.step ?? null)) continue;
    const inconsistent = e.counterexample !== null;
    leaves.push(
      leafOf(
        e,
        inconsistent ? 'inconsistent' : 'unknown',
        inconsistent ? 'search' : 'budget',
        e.counterexample,
        0,
      ),
    );
  }
  for (const s of undo) {
    if (undone(steps[s]!.parent)) continue;
    const step = steps[s]!;
    leaves.push({
      lower: step.lower,
      upper: step.upper,
      volume: step.volume,
      verdict: 'inconsistent',
      by: 'search',
      counterexample: step.counterexample,
      tieTolerance: 0,
      step: step.parent,
    });
  }
}

function leafOf(
  e: QueueEntry,
  verdict: RegionLeaf['verdict'],
  by: string,
  counterexample: number | null,
  tieTolerance = 0,
): StepLeaf {
  return { ...base(e), verdict, by, counterexample, tieTolerance, step: e.step ?? null };
}

function base(e: QueueEntry): { lower: number[]; upper: number[]; volume: number } {
  return { lower: e.lower, upper: e.upper, volume: e.volume };
}

/**
 * The answer for a model whose int32 accumulators could overflow: onnxruntime's result then
 * depends on whether its CPU kernel wraps or saturates, which nothing here models — one unknown
 * leaf saying so, and open δ* and ε* brackets.
 */
function unmodelledResult(
  box: InputBox,
  root: BoxTaskBounds,
  cpuSemantics: CpuSemantics,
  why: string,
): RegionResult {
  const open: Bracket = {
    lower: 0,
    upper: Infinity,
    certified: false,
    witness: null,
    boxes: 0,
    smtQueries: 0,
  };
  return {
    verdict: 'unknown',
    region: { lower: Array.from(box.lower), upper: Array.from(box.upper) },
    tieTolerance: 0,
    theorem: regionTheorem(cpuSemantics, 0),
    cpuSemantics,
    volume: { consistent: 0, inconsistent: 0, unknown: 1 },
    flipMargin: open,
    errorBound: open,
    leaves: [
      {
        lower: root.lower,
        upper: root.upper,
        verdict: 'unknown',
        volume: 1,
        by: `accumulator-overflow: ${why}`,
        counterexample: null,
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
