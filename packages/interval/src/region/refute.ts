// Refutation on the region driver: a property holds on a box when every leaf of a partition of it
// is refuted, and fails as soon as one leaf yields a witness. The caller's evaluation decides one
// box at a time (bounds, an exact solver, a search for witnesses); the driver splits the leaves
// left open, newest first (depth first, the first part of a split first, so that a witness deep in
// the box is reached early; the work to refute every leaf does not depend on the order), and
// the run ends at the first witness, once every leaf is refuted or undecided, or when `stop` says.

import type { Box } from '../box.js';
import { driveAsync, type BoxSplit, RegionDriver, type RegionJob } from './drive.js';

/** What an evaluation concluded about one box. */
export type RefutationLeaf =
  /** No input of the box has the property's negation: proved for the whole box. */
  | { readonly kind: 'refuted' }
  /** Neither refuted nor a witness: split it. */
  | { readonly kind: 'open' }
  /** Cannot be decided (nor split further), with the reason. */
  | { readonly kind: 'undecided'; readonly reason: string };

/** An evaluation's answer: a leaf, or a confirmed witness that ends the run. */
export type RefutationStep<W> = RefutationLeaf | { readonly kind: 'witness'; readonly witness: W };

/** A refutation run: the root box, how to split a box and how to evaluate one. */
export interface RefutationSpec<W> {
  readonly root: Box;
  /** The two parts of an open box, or null when it cannot be split (it then stays undecided). */
  split(box: Box): BoxSplit | null;
  /** Decides one box; `depth` counts the splits from the root. Called one box at a time. */
  evaluate(box: Box, depth: number): Promise<RefutationStep<W>>;
  /** Checked before every evaluation (e.g. a deadline); true stops the run. */
  stop?(): boolean;
  /** Open leaves split per round of the driver. Default 16. */
  readonly roundSize?: number;
}

/** How a refutation run ended, with the number of boxes evaluated. */
export type RefutationResult<W> =
  | { readonly kind: 'witness'; readonly witness: W; readonly evaluations: number }
  | { readonly kind: 'refuted'; readonly evaluations: number }
  /** Every leaf refuted or undecided, some undecided: their reasons, each once. */
  | {
      readonly kind: 'undecided';
      readonly reasons: readonly string[];
      readonly evaluations: number;
    }
  | { readonly kind: 'stopped'; readonly evaluations: number };

/** A leaf's state: its depth and what its evaluation concluded (null: not evaluated). */
interface LeafState {
  readonly depth: number;
  readonly leaf: RefutationLeaf | null;
}

/** Reason given for an open leaf the split policy cannot split. */
const UNSPLITTABLE = 'unsplittable';

/**
 * Runs a refutation (see the file comment): `witness` at the first witness an evaluation returns,
 * `refuted` when every leaf of the partition is refuted, `undecided` when every leaf is refuted or
 * undecided, `stopped` when `stop` ended it first.
 */
export async function refuteRegion<W>(spec: RefutationSpec<W>): Promise<RefutationResult<W>> {
  let witness = null as { readonly value: W } | null;
  let stopped = false as boolean;
  let evaluations = 0;
  const halt = (): boolean => {
    if (witness === null && !stopped && spec.stop?.() === true) stopped = true;
    return witness !== null || stopped;
  };
  const driver = new RegionDriver<LeafState>({
    root: spec.root,
    rootState: { depth: 0, leaf: null },
    objectives: [
      {
        name: 'open',
        priority: (item) => (item.state.leaf?.kind === 'open' ? item.id : null),
      },
    ],
    // Newest open leaf first: the first part of a split is given the larger id.
    split: (item) => {
      const parts = spec.split(item.box);
      if (parts === null) return null;
      const [first, second] = parts.children;
      return { children: [second, first], firstShare: 1 - parts.firstShare };
    },
    inherit: (parent) => ({ depth: parent.state.depth + 1, leaf: null }),
    ...(spec.roundSize === undefined ? {} : { roundSize: spec.roundSize }),
  });
  const evaluate = async (jobs: readonly RegionJob<LeafState>[]): Promise<LeafState[]> => {
    const states: LeafState[] = [];
    for (const job of jobs) {
      const depth = job.inherited.depth;
      if (halt()) {
        states.push({ depth, leaf: null });
        continue;
      }
      evaluations++;
      const step = await spec.evaluate(job.box, depth);
      if (step.kind === 'witness') {
        witness = { value: step.witness };
        states.push({ depth, leaf: null });
      } else states.push({ depth, leaf: step });
    }
    return states;
  };
  await driveAsync(driver, evaluate, { stop: halt });
  if (witness !== null) {
    return { kind: 'witness', witness: witness.value, evaluations };
  }
  if (stopped) return { kind: 'stopped', evaluations };
  const reasons = new Set<string>();
  for (const item of driver.leaves()) {
    const leaf = item.state.leaf;
    if (leaf?.kind === 'undecided') reasons.add(leaf.reason);
    else if (leaf?.kind !== 'refuted') reasons.add(UNSPLITTABLE);
  }
  return reasons.size === 0
    ? { kind: 'refuted', evaluations }
    : { kind: 'undecided', reasons: [...reasons], evaluations };
}
