// VNN-LIB properties of a network with a Softmax head. In VNN-LIB, Y_j are the model's outputs as
// the file computes them: here the float32 probabilities, not the logits (dropping the head answers
// `unsat` where probabilities make the property `sat`). Decided on interval's region driver
// (`refuteRegion`) over the input box on sound probability bounds (interval's logit bounds, then
// `softmaxBoundsFp32`): `unsat` only when every box is refuted by them; `sat` only from a witness whose probabilities meet a disjunct,
// confirmed in the injected runtime on the original file, or — with no runtime — by sound
// probability bounds at that float32 point that meet it for every value inside them.
import { createSeededRng, forwardFp32, type Mlp } from '@quantproof/nn';
import {
  type Bounds,
  type Box,
  type BoxSplit,
  createBox,
  linearBoundsFp32,
  refuteRegion,
  softmaxBoundsFp32,
  softmaxFp32,
} from '@quantproof/interval';
import { holdsOnFloats, slack, type LinearCondition } from './linear-condition.js';
import { add, compare, fromNumber, mul, type Rational, ZERO } from './rational.js';
import type { RuntimeFp32Replay } from './replay.js';

/** What the Softmax-head search needs from `verifyVnnlibProperty`. */
export interface SoftmaxVnnlibProblem {
  readonly mlp: Mlp;
  /** Disjuncts of conjunctions of conditions on the probabilities. */
  readonly disjuncts: readonly (readonly LinearCondition[])[];
  /** The input box, rounded outward to float32. */
  readonly root: Box;
  /** How a box is split (the same policy as the logits' search), or null when it cannot be. */
  readonly split: (box: Box) => BoxSplit | null;
  /** The float32 point of the exact box nearest a candidate, or null (no float32 there). */
  readonly toPoint: (candidate: ArrayLike<number>) => Float32Array | null;
  /** `performance.now()` after which the search stops. */
  readonly deadline: number;
  readonly replay?: RuntimeFp32Replay;
}

/** A confirmed witness of the Softmax-head search. */
interface SoftmaxWitness {
  readonly kind: 'sat';
  readonly input: Float32Array;
  readonly output: Float32Array;
  readonly runtimeReplay: string;
}

/** The outcome of the Softmax-head search with the boxes it evaluated (the caller adds the rest). */
export type SoftmaxVnnlibOutcome = (
  | SoftmaxWitness
  | { readonly kind: 'unsat' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'unknown'; readonly reason: string }
) & { readonly boxes: number };

/** Random candidates drawn on the root box by the witness search (seeded, deterministic). */
const ROOT_SAMPLES = 256;
/** Inputs up to this many get every corner of the root box as a witness candidate. */
const MAX_CORNER_INPUTS = 8;
/** Candidates replayed in the runtime at most (each replay runs the original file once). */
const MAX_REPLAYS = 64;

/** Σ c_j·p_j over the product of probability intervals: its minimum (`'min'`) or maximum. */
function extreme(c: LinearCondition, p: Bounds, which: 'min' | 'max'): Rational {
  let total = ZERO;
  c.exactCoefficients.forEach((k, j) => {
    if (k.numerator === 0n) return;
    const low = k.numerator > 0n === (which === 'min');
    total = add(total, mul(k, fromNumber(low ? p.lower[j]! : p.upper[j]!)));
  });
  return total;
}

/** True when no probabilities within `p` meet `c`. */
function refutes(c: LinearCondition, p: Bounds): boolean {
  const s = compare(extreme(c, p, 'min'), c.exactBound);
  return c.strict ? s >= 0 : s > 0;
}

/** True when all probabilities within `p` meet `c`. */
function guarantees(c: LinearCondition, p: Bounds): boolean {
  const s = compare(extreme(c, p, 'max'), c.exactBound);
  return c.strict ? s < 0 : s <= 0;
}

/** Sound probability bounds over a box (or a point box), or null when overflow is possible. */
function probabilityBounds(mlp: Mlp, box: Box): Bounds | null {
  return softmaxBoundsFp32(linearBoundsFp32(mlp, createBox(box.lower, box.upper)).logits);
}

/** The float64 estimate of how far a point's probabilities are from meeting the property. */
function score(mlp: Mlp, disjuncts: SoftmaxVnnlibProblem['disjuncts'], x: Float32Array): number {
  const logits = forwardFp32(mlp, x);
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  const e = Array.from(logits, (z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  const p = e.map((v) => v / sum);
  let best = Infinity;
  for (const conj of disjuncts) {
    best = Math.min(best, Math.max(...conj.map((c) => slack(c, p))));
  }
  return Number.isNaN(best) ? Infinity : best;
}

/**
 * Decides a VNN-LIB property of a network whose head is a float32 Softmax (see the file comment).
 * `unknown` with reason `undecided-boxes` when boxes too small to split stay undecided.
 */
export async function decideSoftmaxVnnlib(
  problem: SoftmaxVnnlibProblem,
): Promise<SoftmaxVnnlibOutcome> {
  const { mlp, disjuncts, root, toPoint, deadline, replay } = problem;
  const n = root.lower.length;
  let replays = 0;
  const tried = new Set<string>();

  /** A confirmed witness at `candidate`, or null. */
  const confirm = async (candidate: ArrayLike<number>): Promise<SoftmaxWitness | null> => {
    const x = toPoint(candidate);
    if (x === null) return null;
    const key = Array.from(x).join(',');
    if (tried.has(key)) return null;
    tried.add(key);
    if (replay !== undefined) {
      if (replays >= MAX_REPLAYS) return null;
      replays++;
      const output = await replay.fp32(mlp, x);
      if (!output.every(Number.isFinite)) return null;
      const meets = disjuncts.some((conj) => conj.every((c) => holdsOnFloats(c, output)));
      return meets ? { kind: 'sat', input: x, output, runtimeReplay: replay.name } : null;
    }
    const point = Float64Array.from(x);
    const p = probabilityBounds(mlp, { lower: point, upper: point });
    if (p === null || !disjuncts.some((conj) => conj.every((c) => guarantees(c, p)))) return null;
    return {
      kind: 'sat',
      input: x,
      output: softmaxFp32(forwardFp32(mlp, x)),
      runtimeReplay: 'none',
    };
  };

  /** Tries the candidates whose float64 estimate meets the property, best first. */
  const search = async (candidates: ArrayLike<number>[]): Promise<SoftmaxWitness | null> => {
    const scored = candidates
      .map((c) => ({ c, x: toPoint(c) }))
      .filter((e): e is { c: ArrayLike<number>; x: Float32Array } => e.x !== null)
      .map((e) => ({ c: e.c, s: score(mlp, disjuncts, e.x) }))
      .filter((e) => e.s <= 0)
      .sort((a, b) => a.s - b.s);
    for (const { c } of scored) {
      const found = await confirm(c);
      if (found !== null) return found;
    }
    return null;
  };

  const centre = (box: Box): number[] =>
    Array.from(box.lower, (lo, i) => 0.5 * (lo + box.upper[i]!));
  const rootCandidates: number[][] = [centre(root)];
  if (n <= MAX_CORNER_INPUTS) {
    for (let mask = 0; mask < 2 ** n; mask++) {
      rootCandidates.push(
        Array.from(root.lower, (lo, i) => ((mask >> i) & 1 ? root.upper[i]! : lo)),
      );
    }
  }
  const rng = createSeededRng(2022);
  for (let s = 0; s < ROOT_SAMPLES; s++) {
    rootCandidates.push(
      Array.from(root.lower, (lo, i) => lo + (root.upper[i]! - lo) * rng.nextFloat64()),
    );
  }
  const early = await search(rootCandidates);
  if (early !== null) return { ...early, boxes: 0 };

  const outcome = await refuteRegion<SoftmaxWitness>({
    root,
    split: problem.split,
    evaluate: async (box) => {
      const p = probabilityBounds(mlp, box);
      const open =
        p === null ? disjuncts : disjuncts.filter((conj) => !conj.some((c) => refutes(c, p)));
      if (open.length === 0) return { kind: 'refuted' };
      const found = await search([centre(box)]);
      if (found !== null) return { kind: 'witness', witness: found };
      return problem.split(box) === null
        ? { kind: 'undecided', reason: 'undecided-boxes' }
        : { kind: 'open' };
    },
    stop: () => performance.now() > deadline,
  });
  const boxes = outcome.evaluations;
  switch (outcome.kind) {
    case 'witness':
      return { ...outcome.witness, boxes };
    case 'refuted':
      return { kind: 'unsat', boxes };
    case 'stopped':
      return { kind: 'timeout', boxes };
    case 'undecided':
      return { kind: 'unknown', reason: 'undecided-boxes', boxes };
  }
}
