// Branch and bound over the input box: certify a box, and when that fails look for a
// counterexample and split the box in two along its most influential dimension, largest boxes
// first, until the budget runs out. The leaves partition the box into certified boxes, boxes that
// hold a confirmed counterexample, and open boxes.

import {
  backwardTrain,
  createTrainingWorkspace,
  forwardTrain,
  type Mlp,
  type TrainingWorkspace,
} from '@quantproof/nn';
import { argmaxFirst, type QMlp } from '@quantproof/quant';
import {
  boxCentre,
  boxContains,
  checkBoxDimension,
  splitBox,
  volumeFraction,
  type Box,
} from './box.js';
import { certifyPrepared, checkMethod, type BoundMethod } from './certify.js';
import {
  searchPrepared,
  type Counterexample,
  type CounterexampleSearchOptions,
} from './counterexample-search.js';
import { IntervalOptionsError } from './errors.js';
import { preparePair, type PreparedPair } from './pair.js';

/** Options of `splitAndCertify`. */
export interface SplitOptions {
  /** Bounds used on every box; default `'difference'`. */
  readonly method?: BoundMethod;
  /** Stop after certifying this many boxes; default 2000. */
  readonly maxBoxes?: number;
  /** Stop after this many milliseconds of `clock`; default Infinity (then only `maxBoxes` stops). */
  readonly timeBudgetMs?: number;
  /** Milliseconds, monotone (e.g. `() => performance.now()`); required with a time budget. */
  readonly clock?: () => number;
  /** Elapsed times (ms) at which to record the fractions in `snapshots`; default none. */
  readonly checkpointsMs?: readonly number[];
  /** Seed of the counterexample searches (box i uses seed + i); default 0. */
  readonly seed?: number;
  /**
   * Search options for every box that is not certified, or `false` for no search; default
   * `{ samples: 8, starts: 2, steps: 4, neighbours: 4 }`.
   */
  readonly search?: CounterexampleSearchOptions | false;
  /** Boxes whose every width is at most this fraction of the root's are not split; default 2^-20. */
  readonly minWidthFraction?: number;
  /** Return every leaf box (default true); with false, `leaves` is empty. */
  readonly keepLeaves?: boolean;
}

/** One box of the final partition. */
export interface RegionLeaf {
  readonly box: Box;
  readonly kind: 'consistent' | 'counterexample' | 'open';
  /** Share of the root box's volume. */
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
  /** Boxes certified per second of `clock` (null without a clock). */
  readonly boxesPerSecond: number | null;
  readonly leaves: readonly RegionLeaf[];
  /** Every confirmed counterexample found, in order. */
  readonly counterexamples: readonly Counterexample[];
  /** One per checkpoint reached, then the final state. */
  readonly snapshots: readonly SplitSnapshot[];
}

interface Entry {
  readonly box: Box;
  readonly volume: number;
  readonly seq: number;
  readonly counterexample: Counterexample | null;
}

/** A max-heap on volume, first in first out among equal volumes. */
class BoxQueue {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  private before(a: Entry, b: Entry): boolean {
    return a.volume > b.volume || (a.volume === b.volume && a.seq < b.seq);
  }

  push(entry: Entry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.before(items[l]!, items[m]!)) m = l;
        if (r < items.length && this.before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }

  drain(): Entry[] {
    return this.items.splice(0);
  }
}

/** |∂(FP32 margin)/∂x| × width at the box centre: the split score when bounds give none. */
function gradientInfluence(
  pair: PreparedPair,
  box: Box,
  workspace: TrainingWorkspace,
): Float64Array {
  const x = Float32Array.from(boxCentre(box));
  const logits = forwardTrain(workspace, x, 1);
  const k = pair.outputSize;
  const a = argmaxFirst(logits.subarray(0, k));
  let b = a === 0 ? 1 : 0;
  for (let j = 0; j < k; j++) if (j !== a && logits[j]! > logits[b]!) b = j;
  const dOutput = new Float64Array(k);
  dOutput[a] = 1;
  if (b < k) dOutput[b] = -1;
  const gradient = new Float64Array(pair.inputSize);
  backwardTrain(workspace, dOutput, { dInput: gradient });
  return Float64Array.from(gradient, (g, i) => Math.abs(g) * (box.upper[i]! - box.lower[i]!));
}

function chooseDimension(
  influence: Float64Array,
  box: Box,
  root: Box,
  minWidthFraction: number,
): number {
  let best = -1;
  let bestScore = -Infinity;
  let widest = -1;
  let widestRatio = -Infinity;
  for (let i = 0; i < influence.length; i++) {
    const rootWidth = root.upper[i]! - root.lower[i]!;
    const width = box.upper[i]! - box.lower[i]!;
    if (!(width > minWidthFraction * rootWidth)) continue;
    const ratio = width / rootWidth;
    if (ratio > widestRatio) {
      widest = i;
      widestRatio = ratio;
    }
    const score = influence[i]!;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return bestScore > 0 ? best : widest;
}

function checkNumber(name: string, value: number, min: number): number {
  if (!(value >= min) || Number.isNaN(value)) {
    throw new IntervalOptionsError(`${name} must be a number ≥ ${min}; got ${value}`);
  }
  return value;
}

/**
 * Partitions `box` by branch and bound into certified-consistent boxes, boxes holding a confirmed
 * counterexample and open boxes, under a box budget and/or a time budget (injected `clock`).
 * Deterministic for a given seed: the same boxes are processed in the same order, so two runs that
 * process the same number of boxes return the same partition.
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
  const search =
    options.search === false
      ? null
      : (options.search ?? { samples: 8, starts: 2, steps: 4, neighbours: 4 });
  const keepLeaves = options.keepLeaves ?? true;
  const pair = preparePair(fp32, int8);
  checkBoxDimension(box, pair.inputSize, 'splitAndCertify');
  const start = clock?.() ?? 0;
  const elapsed = (): number => (clock === undefined ? 0 : clock() - start);
  const checkpoints = [...(options.checkpointsMs ?? [])].sort((a, b) => a - b);
  const gradientWorkspace = createTrainingWorkspace(fp32, 1);
  const searchWorkspace = createTrainingWorkspace(fp32, 16 + (search?.samples ?? 0));
  const queue = new BoxQueue();
  const leaves: RegionLeaf[] = [];
  const counterexamples: Counterexample[] = [];
  const snapshots: SplitSnapshot[] = [];
  let seq = 0;
  let processed = 0;
  let consistent = 0;
  let withCounterexample = 0;
  queue.push({ box, volume: 1, seq: seq++, counterexample: null });
  const snapshot = (ms: number): SplitSnapshot => ({
    elapsedMs: ms,
    boxesProcessed: processed,
    consistentFraction: consistent,
    counterexampleFraction: withCounterexample,
    openFraction: Math.max(0, 1 - consistent - withCounterexample),
  });
  const leaf = (entry: Entry, kind: RegionLeaf['kind'], action: number | null): void => {
    if (!keepLeaves) return;
    leaves.push({
      box: entry.box,
      kind,
      volumeFraction: entry.volume,
      action,
      counterexample: kind === 'counterexample' ? entry.counterexample : null,
    });
  };
  let stopReason: SplitResult['stopReason'] = 'complete';
  while (queue.size > 0) {
    const now = elapsed();
    while (checkpoints.length > 0 && now >= checkpoints[0]!)
      snapshots.push(snapshot(checkpoints.shift()!));
    if (processed >= maxBoxes) {
      stopReason = 'box-budget';
      break;
    }
    if (now >= timeBudgetMs) {
      stopReason = 'time-budget';
      break;
    }
    const entry = queue.pop()!;
    const certificate = certifyPrepared(pair, entry.box, method, 'decision');
    processed++;
    if (entry.counterexample !== null) withCounterexample -= entry.volume;
    if (certificate.kind === 'consistent') {
      if (entry.counterexample !== null) {
        // A proof on a box holding a checked disagreement would be a soundness bug: never hide it.
        throw new Error(
          'internal soundness check failed: a box holding a confirmed counterexample was certified; please report this with the networks and the box',
        );
      }
      consistent += entry.volume;
      leaf(entry, 'consistent', certificate.action);
      continue;
    }
    let counterexample = entry.counterexample;
    if (counterexample === null && search !== null) {
      counterexample =
        searchPrepared(
          pair,
          entry.box,
          { ...search, seed: seed + processed },
          searchWorkspace,
        )[0] ?? null;
      if (counterexample !== null) counterexamples.push(counterexample);
    }
    const influence =
      certificate.inputInfluence ?? gradientInfluence(pair, entry.box, gradientWorkspace);
    const dimension = chooseDimension(influence, entry.box, box, minWidthFraction);
    if (dimension < 0) {
      const final = { ...entry, counterexample };
      if (counterexample !== null) withCounterexample += entry.volume;
      leaf(final, counterexample === null ? 'open' : 'counterexample', null);
      continue;
    }
    let inherited = counterexample;
    for (const child of splitBox(entry.box, dimension)) {
      const holds = inherited !== null && boxContains(child, inherited.input);
      const volume = volumeFraction(child, box);
      if (holds) withCounterexample += volume;
      queue.push({ box: child, volume, seq: seq++, counterexample: holds ? inherited : null });
      if (holds) inherited = null;
    }
  }
  for (const entry of queue.drain()) {
    leaf(entry, entry.counterexample === null ? 'open' : 'counterexample', null);
  }
  const total = elapsed();
  while (checkpoints.length > 0 && total >= checkpoints[0]!)
    snapshots.push(snapshot(checkpoints.shift()!));
  const final = snapshot(total);
  snapshots.push(final);
  return {
    ...final,
    method,
    stopReason,
    boxesPerSecond: clock === undefined || total <= 0 ? null : (processed * 1000) / total,
    leaves,
    counterexamples,
    snapshots,
  };
}
