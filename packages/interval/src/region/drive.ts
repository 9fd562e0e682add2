// The one branch-and-bound driver over input boxes. Every region computation in quantproof (region
// verification, the δ*/ε* brackets, input splitting, VNN-LIB checking) is this driver with its own
// evaluation of a box, its own objectives and its own split policy.
//
// A run keeps a partition of the root box into evaluated leaves. Each objective orders the leaves
// that still need work for it (largest priority first). A round pops up to `roundSize` leaves,
// taking turns between the objectives that still have work, splits each in two, and evaluates the
// children; the results are applied in order. Nothing depends on how a round is evaluated (inline,
// worker threads, a queue), so a box budget gives the same partition everywhere.

import type { Box } from '../box.js';

/** A box of the partition and what its evaluation concluded. */
export interface RegionItem<S> {
  /** Unique within a run, increasing in order of creation. */
  readonly id: number;
  readonly box: Box;
  /** Share of the root box's volume. */
  readonly volume: number;
  readonly state: S;
}

/** A box to evaluate: a new child (or the root) and the state it inherits from its parent. */
export interface RegionJob<S> {
  readonly id: number;
  readonly box: Box;
  readonly volume: number;
  /** The parent's state, as `inherit` passed it down (`rootState` for the root). */
  readonly inherited: S;
}

/** One goal of a run: which leaves still need work, and in what order. */
export interface RegionObjective<S> {
  readonly name: string;
  /**
   * The leaf's priority for this objective (larger first), or null when it needs no more work for
   * it. Called when a leaf is added and again when it reaches the front: a leaf that has become
   * null by then is dropped from this objective for good, so null must be permanent.
   */
  priority(item: RegionItem<S>): number | null;
}

/** Two parts of a box and the share of its volume each takes. */
export interface BoxSplit {
  readonly children: readonly [Box, Box];
  /** Share of the parent's volume in the first child. */
  readonly firstShare: number;
}

/** What a driver needs besides the evaluation. */
export interface RegionDriverSpec<S> {
  readonly root: Box;
  /** The state the root's evaluation inherits. */
  readonly rootState: S;
  readonly objectives: readonly RegionObjective<S>[];
  /**
   * How a leaf is split (null: it cannot be split; it stays a leaf). `objective` names the
   * objective that took it, so that it can be split where that objective's bound is loosest.
   */
  split(item: RegionItem<S>, objective: string): BoxSplit | null;
  /**
   * The state a child inherits from its parent before its own evaluation (`objective`: the one
   * that split the parent).
   */
  inherit(parent: RegionItem<S>, child: Box, objective: string): S;
  /** Leaves popped per round (each gives two evaluations). Default 16. */
  readonly roundSize?: number;
}

/** Everything needed to continue a run (plain data: JSON-safe when S is). */
export interface RegionDriverSnapshot<S> {
  readonly nextId: number;
  readonly evaluations: number;
  readonly rounds: number;
  /**
   * Objective turns taken so far (whose turn the next leaf is): without it a resumed run would
   * start the rotation over and take other leaves than the uninterrupted one. Absent: 0.
   */
  readonly turn?: number;
  /** Every leaf: id, box as arrays, volume, state; and the leaves too small to split. */
  readonly leaves: readonly {
    readonly id: number;
    readonly lower: number[];
    readonly upper: number[];
    readonly volume: number;
    readonly state: S;
  }[];
  readonly stuck: readonly number[];
  /** Jobs waiting for evaluation (the root, before the first round). */
  readonly pending: readonly {
    readonly id: number;
    readonly lower: number[];
    readonly upper: number[];
    readonly volume: number;
    readonly inherited: S;
  }[];
}

interface Entry {
  readonly id: number;
  readonly priority: number;
}

/** A binary max-heap on priority, first in first out among equal priorities (by id). */
class PriorityHeap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  private static before(a: Entry, b: Entry): boolean {
    return a.priority > b.priority || (a.priority === b.priority && a.id < b.id);
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(entry: Entry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!PriorityHeap.before(items[i]!, items[parent]!)) break;
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
        if (l < items.length && PriorityHeap.before(items[l]!, items[m]!)) m = l;
        if (r < items.length && PriorityHeap.before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

function copyBox(lower: ArrayLike<number>, upper: ArrayLike<number>): Box {
  return { lower: Float64Array.from(lower), upper: Float64Array.from(upper) };
}

/**
 * The state of one branch-and-bound run: its leaves, one queue per objective and the jobs of the
 * round in progress. `drive` and `driveAsync` are the usual loops over it.
 */
export class RegionDriver<S> {
  private readonly spec: RegionDriverSpec<S>;
  private readonly roundSize: number;
  private readonly leafMap = new Map<number, RegionItem<S>>();
  private readonly heaps: PriorityHeap[];
  private readonly stuckIds = new Set<number>();
  private pendingJobs: RegionJob<S>[];
  private nextId: number;
  private turn = 0;
  /** Boxes evaluated so far. */
  evaluations = 0;
  /** Rounds applied so far. */
  rounds = 0;

  constructor(spec: RegionDriverSpec<S>, snapshot?: RegionDriverSnapshot<S>) {
    this.spec = spec;
    this.roundSize = Math.max(1, Math.floor(spec.roundSize ?? 16));
    this.heaps = spec.objectives.map(() => new PriorityHeap());
    if (snapshot === undefined) {
      this.nextId = 1;
      this.pendingJobs = [
        {
          id: 0,
          box: copyBox(spec.root.lower, spec.root.upper),
          volume: 1,
          inherited: spec.rootState,
        },
      ];
      return;
    }
    this.nextId = snapshot.nextId;
    this.evaluations = snapshot.evaluations;
    this.rounds = snapshot.rounds;
    this.turn = snapshot.turn ?? 0;
    for (const s of snapshot.stuck) this.stuckIds.add(s);
    for (const l of snapshot.leaves) {
      this.addLeaf({ id: l.id, box: copyBox(l.lower, l.upper), volume: l.volume, state: l.state });
    }
    this.pendingJobs = snapshot.pending.map((p) => ({
      id: p.id,
      box: copyBox(p.lower, p.upper),
      volume: p.volume,
      inherited: p.inherited,
    }));
  }

  /** The current leaves, in order of creation. */
  leaves(): RegionItem<S>[] {
    return [...this.leafMap.values()].sort((a, b) => a.id - b.id);
  }

  /** Calls `f` on every current leaf (in no particular order). */
  forEachLeaf(f: (item: RegionItem<S>) => void): void {
    for (const item of this.leafMap.values()) f(item);
  }

  /** Number of current leaves. */
  get leafCount(): number {
    return this.leafMap.size;
  }

  /** Leaves that could not be split although an objective wanted them split. */
  isStuck(id: number): boolean {
    return this.stuckIds.has(id);
  }

  private addLeaf(item: RegionItem<S>): void {
    this.leafMap.set(item.id, item);
    if (this.stuckIds.has(item.id)) return;
    this.spec.objectives.forEach((objective, k) => {
      const p = objective.priority(item);
      if (p !== null) this.heaps[k]!.push({ id: item.id, priority: p });
    });
  }

  /** The front leaf of objective k that still needs work, dropping those that no longer do. */
  private front(k: number): RegionItem<S> | undefined {
    const heap = this.heaps[k]!;
    for (;;) {
      const top = heap.peek();
      if (top === undefined) return undefined;
      const item = this.leafMap.get(top.id);
      if (item !== undefined && !this.stuckIds.has(top.id)) {
        if (this.spec.objectives[k]!.priority(item) !== null) return item;
      }
      heap.pop();
    }
  }

  /** The front leaf of every objective (undefined where it has no work left). */
  fronts(): (RegionItem<S> | undefined)[] {
    return this.spec.objectives.map((_, k) => this.front(k));
  }

  /** Whether no objective has work left and nothing waits for evaluation. */
  done(): boolean {
    return this.pendingJobs.length === 0 && this.fronts().every((f) => f === undefined);
  }

  /**
   * The next round's jobs: the jobs already waiting (the root), or up to `roundSize` leaves taken
   * in turn from the objectives with work left, each split in two. Empty when the run is done.
   */
  nextRound(): RegionJob<S>[] {
    if (this.pendingJobs.length > 0) return this.pendingJobs;
    const jobs: RegionJob<S>[] = [];
    let taken = 0;
    const k = this.spec.objectives.length;
    let idle = 0;
    while (taken < this.roundSize && idle < k) {
      const objective = this.turn % k;
      this.turn++;
      const item = this.front(objective);
      if (item === undefined) {
        idle++;
        continue;
      }
      idle = 0;
      this.heaps[objective]!.pop();
      const split = this.spec.split(item, this.spec.objectives[objective]!.name);
      if (split === null) {
        this.stuckIds.add(item.id);
        continue;
      }
      taken++;
      this.leafMap.delete(item.id);
      split.children.forEach((child, i) => {
        jobs.push({
          id: this.nextId++,
          box: child,
          volume: item.volume * (i === 0 ? split.firstShare : 1 - split.firstShare),
          inherited: this.spec.inherit(item, child, this.spec.objectives[objective]!.name),
        });
      });
    }
    this.pendingJobs = jobs;
    return jobs;
  }

  /** Applies the evaluations of the round `nextRound` returned, in order. */
  apply(states: readonly S[]): void {
    const jobs = this.pendingJobs;
    if (states.length !== jobs.length) {
      throw new Error(
        `internal error: a round of ${jobs.length} jobs got ${states.length} results; please report it`,
      );
    }
    jobs.forEach((job, i) => {
      this.addLeaf({ id: job.id, box: job.box, volume: job.volume, state: states[i]! });
    });
    this.evaluations += jobs.length;
    this.rounds++;
    this.pendingJobs = [];
  }

  /** Plain data to continue the run later (see the constructor). */
  snapshot(): RegionDriverSnapshot<S> {
    return {
      nextId: this.nextId,
      evaluations: this.evaluations,
      rounds: this.rounds,
      turn: this.turn,
      leaves: this.leaves().map((l) => ({
        id: l.id,
        lower: Array.from(l.box.lower),
        upper: Array.from(l.box.upper),
        volume: l.volume,
        state: l.state,
      })),
      stuck: [...this.stuckIds],
      pending: this.pendingJobs.map((j) => ({
        id: j.id,
        lower: Array.from(j.box.lower),
        upper: Array.from(j.box.upper),
        volume: j.volume,
        inherited: j.inherited,
      })),
    };
  }
}

/** When a run stops besides running out of work. */
export interface DriveBudget {
  /** Stop before a round once this many boxes were evaluated. Default unlimited. */
  readonly maxBoxes?: number;
  /** Checked before every round (e.g. a clock); true stops the run. */
  readonly stop?: () => boolean;
  /** Called after every round (awaited by `driveAsync`). */
  readonly onRound?: () => void | Promise<void>;
}

/** Why a run ended. */
export type DriveStopReason = 'complete' | 'box-budget' | 'time-budget';

function stopReason<S>(driver: RegionDriver<S>, budget: DriveBudget): DriveStopReason | null {
  if (driver.done()) return 'complete';
  if (driver.evaluations >= (budget.maxBoxes ?? Infinity)) return 'box-budget';
  if (budget.stop?.() === true) return 'time-budget';
  return null;
}

/** Runs `driver` with a synchronous evaluation until it is done or the budget ends. */
export function drive<S>(
  driver: RegionDriver<S>,
  evaluate: (jobs: readonly RegionJob<S>[]) => S[],
  budget: DriveBudget = {},
): DriveStopReason {
  for (;;) {
    const reason = stopReason(driver, budget);
    if (reason !== null) return reason;
    const jobs = driver.nextRound();
    driver.apply(evaluate(jobs));
    void budget.onRound?.();
  }
}

/** Runs `driver` with an asynchronous evaluation (a worker pool) until it is done or the budget ends. */
export async function driveAsync<S>(
  driver: RegionDriver<S>,
  evaluate: (jobs: readonly RegionJob<S>[]) => Promise<S[]>,
  budget: DriveBudget = {},
): Promise<DriveStopReason> {
  for (;;) {
    const reason = stopReason(driver, budget);
    if (reason !== null) return reason;
    const jobs = driver.nextRound();
    driver.apply(await evaluate(jobs));
    await budget.onRound?.();
  }
}
