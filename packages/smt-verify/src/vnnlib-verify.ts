// VNN-LIB checking of one FP32 network over exact reals (a network with a Softmax head is decided on
// its probabilities, in vnnlib-softmax.ts), on interval's region driver (`refuteRegion`): each box
// is refuted by bounds where they suffice, decided exactly where every ReLU is stable, handed to z3
// once small, else split (interval's split policy, at float32 middles); interval's condition search
// hunts for counterexamples, each confirmed exactly, in forwardFp32 and, when one is injected, in a
// runtime (the cli wires onnxruntime-node on the original .onnx file) before it is reported.
// Reading the .onnx file and parsing the VNN-LIB text belong to @quantproof/onnx: this module takes
// the parsed network and the `VnnlibProperty` onnx's parser returns (the type is nn's, which both
// packages import).
import {
  type Box,
  type BoxSplit,
  chooseSplitDimension,
  createBox,
  fp32ExecutionError,
  type Fp32IntervalBounds,
  fp32LinearUpperBound,
  fp32SpecLowerBound,
  ibpFp32,
  refuteRegion,
  type RefutationStep,
  searchLinearConditions,
  splitAtCellFace,
} from '@quantproof/interval';
import {
  forwardFp32,
  mlpHead,
  type Mlp,
  type VnnlibLinearConstraint,
  type VnnlibProperty,
} from '@quantproof/nn';
import { SmtVerifyOptionsError, VnnlibNetworkMismatchError } from './errors.js';
import { exactAffineObjective, exactLogits } from './exact-fp32.js';
import { encodeFp32 } from './fp32-encoding.js';
import {
  holdsExactly,
  holdsOnFloats,
  integerCondition,
  type LinearCondition,
  widen,
} from './linear-condition.js';
import {
  add,
  approximate,
  compare,
  fromNumber,
  mul,
  rational,
  type Rational,
  toFloat32,
} from './rational.js';
import { and, or, realLiteral, SmtScript, sum } from './smtlib.js';
import type { RuntimeFp32Replay } from './replay.js';
import { decideSoftmaxVnnlib } from './vnnlib-softmax.js';
import { checkSmt, type CheckResult } from './z3-session.js';

/** Options of `verifyVnnlibProperty`. */
export interface VnnlibOptions {
  /** Wall-clock limit in seconds (VNN-COMP's per-instance timeout). Default 60. */
  readonly timeoutSeconds?: number;
  /** Hand a box to z3 once at most this many ReLUs are unstable on it (and it was split at least `minDepthForSmt` times); boxes with every ReLU stable are decided exactly without z3 when each disjunct is one condition. Default 0. */
  readonly maxUnstableForSmt?: number;
  /** Split at least this many times before handing a box to z3. Default 8. */
  readonly minDepthForSmt?: number;
  /** Time limit of one z3 query in seconds (capped by what is left). Default 5. */
  readonly smtTimeoutSeconds?: number;
  /**
   * Confirms counterexamples in an inference runtime as well (the cli injects onnxruntime-node
   * running the original .onnx file). Default: none; counterexamples are then confirmed exactly
   * and in `forwardFp32` only, and say so (`runtimeReplay: 'none'`).
   */
  readonly replay?: RuntimeFp32Replay;
  /** Receives the SMT-LIB 2 text of every z3 query with its result. Default: none. */
  readonly onQuery?: (smtlib: string, result: 'sat' | 'unsat' | 'unknown') => void;
}

/**
 * A VNN-COMP counterexample: the input and the network's output there (the runtime's output when
 * one was injected, else `forwardFp32`'s).
 */
export interface VnnlibCounterexample {
  readonly input: Float32Array;
  readonly output: Float32Array;
  /** The runtime that produced `output` (`RuntimeFp32Replay.name`), or `'none'`. */
  readonly runtimeReplay: string;
}

/** Work done, for reports and benchmarks. */
export interface VnnlibStats {
  readonly boxes: number;
  readonly smtQueries: number;
  readonly seconds: number;
}

/**
 * The verdict: `sat` (an input in the box reaches the property's output region: VNN-COMP's
 * "violated"), `unsat` (proven for every float32 input in the box under every float32 execution of
 * the network: conditions are refuted with room for the float32 error bound), `timeout`, or
 * `unknown`.
 */
export type VnnlibResult =
  | {
      readonly kind: 'sat';
      readonly counterexample: VnnlibCounterexample;
      readonly stats: VnnlibStats;
    }
  | { readonly kind: 'unsat'; readonly stats: VnnlibStats }
  | { readonly kind: 'timeout'; readonly stats: VnnlibStats }
  | { readonly kind: 'unknown'; readonly reason: string; readonly stats: VnnlibStats };

function conditionsOf(property: VnnlibProperty): LinearCondition[][] {
  const m = property.outputSize;
  return property.output.map((conj) =>
    conj.map((c: VnnlibLinearConstraint) => {
      const exactCoefficients: Rational[] = Array.from({ length: m }, () => rational(0n));
      for (const t of c.terms) {
        exactCoefficients[t.index] = rational(t.coefficient.numerator, t.coefficient.denominator);
      }
      const exactBound = rational(c.bound.numerator, c.bound.denominator);
      return {
        coefficients: Float64Array.from(exactCoefficients, approximate),
        exactCoefficients,
        bound: approximate(exactBound),
        exactBound,
        strict: c.strict,
      };
    }),
  );
}

/** True when `bounds` (interval's `ibpFp32` over `box`) prove that no input of `box` meets `c`. */
function refutes(mlp: Mlp, box: Box, bounds: Fp32IntervalBounds, c: LinearCondition): boolean {
  // min(c·y) ≥ −ub(−c·y); the condition needs c·y ≤ d (or < d).
  const negated = c.coefficients.map((v) => -v);
  const minimum = fromNumber(-fp32LinearUpperBound(mlp, box, bounds, negated));
  const s = compare(minimum, c.exactBound);
  return c.strict ? s >= 0 : s > 0;
}

/** True when `lower`, a lower bound of `c`'s left side over a box, proves that no input meets `c`. */
function refutedBy(lower: number, c: LinearCondition): boolean {
  const s = compare(fromNumber(lower), c.exactBound);
  return c.strict ? s >= 0 : s > 0;
}

/**
 * The disjuncts that back-substitution with each condition folded in (`fp32SpecLowerBound`) cannot
 * refute — a disjunct falls as soon as one of its conditions is refuted — and the split score of
 * the box: per input, its share (|coefficient| × width of the bound's linear form) in the
 * condition of each open disjunct that is nearest to being refuted, summed over those disjuncts.
 */
function refuteBySpecBounds(
  mlp: Mlp,
  box: Box,
  open: readonly (readonly LinearCondition[])[],
): { open: (readonly LinearCondition[])[]; score: Float64Array } {
  const bound = fp32SpecLowerBound(mlp, box);
  const score = new Float64Array(box.lower.length);
  const left: (readonly LinearCondition[])[] = [];
  for (const conj of open) {
    let refuted = false;
    let nearest: { gap: number; coefficients: Float64Array } | null = null;
    for (const c of conj) {
      const { lower, coefficients } = bound(c.coefficients);
      if (refutedBy(lower, c)) {
        refuted = true;
        break;
      }
      // How far the bound is from refuting, relative to the condition's scale.
      let scale = 0;
      for (let i = 0; i < coefficients.length; i++) {
        scale += Math.abs(coefficients[i]!) * (box.upper[i]! - box.lower[i]!);
      }
      const gap = scale > 0 ? (c.bound - lower) / scale : Infinity;
      if (nearest === null || gap < nearest.gap) nearest = { gap, coefficients };
    }
    if (refuted) continue;
    left.push(conj);
    if (nearest === null) continue;
    const shares = Float64Array.from(
      nearest.coefficients,
      (a, i) => Math.abs(a) * (box.upper[i]! - box.lower[i]!),
    );
    const total = shares.reduce((a, b) => a + b, 0);
    if (total > 0) shares.forEach((v, i) => (score[i] = score[i]! + v / total));
  }
  return { open: left, score };
}

/** Phases of the hidden ReLUs when all are stable on the box, else null. */
function fixedPhases(mlp: Mlp, bounds: Fp32IntervalBounds): boolean[][] | null {
  const phases: boolean[][] = [];
  for (let l = 0; l < mlp.layers.length - 1; l++) {
    const layer = mlp.layers[l]!;
    const pre = bounds.preActivations[l]!;
    const row: boolean[] = [];
    for (let j = 0; j < layer.outFeatures; j++) {
      if (layer.activation !== 'relu' || pre.lower[j]! >= 0) row.push(true);
      else if (pre.upper[j]! <= 0) row.push(false);
      else return null;
    }
    phases.push(row);
  }
  return phases;
}

function unstableCount(mlp: Mlp, bounds: Fp32IntervalBounds): number {
  let count = 0;
  mlp.layers.forEach((layer, l) => {
    if (layer.activation !== 'relu' || l === mlp.layers.length - 1) return;
    const pre = bounds.preActivations[l]!;
    for (let j = 0; j < layer.outFeatures; j++) {
      if (pre.lower[j]! < 0 && pre.upper[j]! > 0) count++;
    }
  });
  return count;
}

/** Everything the evaluation of one box needs: the problem, its settings and running counts. */
interface VnnlibSearch {
  readonly mlp: Mlp;
  readonly disjuncts: readonly (readonly LinearCondition[])[];
  readonly lowerExact: readonly Rational[];
  readonly upperExact: readonly Rational[];
  readonly root: Box;
  /** Per input, Σ_j |W1_ji|: how strongly the first layer reads it (the split score's weight). */
  readonly influence: Float64Array;
  readonly maxUnstable: number;
  readonly minDepthForSmt: number;
  /** Milliseconds. */
  readonly smtTimeout: number;
  readonly deadline: number;
  readonly onQuery: VnnlibOptions['onQuery'];
  /** A confirmed counterexample at the float32 point of the exact box nearest `point`, or null. */
  readonly confirm: (point: ArrayLike<number>) => Promise<VnnlibCounterexample | null>;
  /**
   * Per open box, the split score its evaluation left (`refuteBySpecBounds`): the split targets
   * the input with the most influence on the open conditions.
   */
  readonly splitScores: WeakMap<Box, Float64Array>;
  smtQueries: number;
}

/**
 * The dimension to split: the largest influence on the open conditions when the box's evaluation
 * left a score (`scores`), else the largest width × first-layer influence; −1 when none can be
 * split.
 */
function splitDimension(
  root: Box,
  influence: Float64Array,
  box: Box,
  scores?: WeakMap<Box, Float64Array>,
): number {
  const targeted = scores?.get(box);
  if (targeted !== undefined && targeted.some((v) => v > 0)) {
    const dimension = chooseSplitDimension(box, root, targeted);
    if (dimension >= 0) return dimension;
  }
  const score = Float64Array.from(influence, (w, i) => (box.upper[i]! - box.lower[i]!) * w);
  return chooseSplitDimension(box, root, score);
}

/** The split of a box: along `splitDimension`, at its float32 middle (interval's split policy). */
function splitVnnlibBox(
  root: Box,
  influence: Float64Array,
  box: Box,
  scores?: WeakMap<Box, Float64Array>,
): BoxSplit | null {
  const dimension = splitDimension(root, influence, box, scores);
  return dimension < 0 ? null : splitAtCellFace(null, box, dimension);
}

/** The box intersected with the property's exact box, as exact bounds per input. */
function exactBoxOf(search: VnnlibSearch, box: Box): { lo: Rational; hi: Rational }[] {
  return Array.from(box.lower, (_, i) => {
    const lo = fromNumber(box.lower[i]!);
    const hi = fromNumber(box.upper[i]!);
    return {
      lo: compare(lo, search.lowerExact[i]!) > 0 ? lo : search.lowerExact[i]!,
      hi: compare(hi, search.upperExact[i]!) < 0 ? hi : search.upperExact[i]!,
    };
  });
}

/**
 * The network is affine on the box (every ReLU stable): each single-condition disjunct is decided
 * exactly at the box vertex that minimises it. `refuted`, a confirmed witness, or `open` when a
 * minimising vertex meets a condition but is not confirmed.
 */
async function decideAffine(
  search: VnnlibSearch,
  phases: boolean[][],
  open: readonly (readonly LinearCondition[])[],
  exactBox: readonly { lo: Rational; hi: Rational }[],
): Promise<RefutationStep<VnnlibCounterexample>> {
  let decided = true;
  for (const [condition] of open as LinearCondition[][]) {
    const { weights, bound } = integerCondition(condition!);
    const affine = exactAffineObjective(search.mlp, phases, weights);
    let minimum = affine.constant;
    const vertex: number[] = [];
    affine.coefficients.forEach((g, i) => {
      const at = g.numerator > 0n ? exactBox[i]!.lo : exactBox[i]!.hi;
      vertex.push(approximate(at));
      minimum = add(minimum, mul(g, at));
    });
    const s = compare(minimum, bound);
    if (condition!.strict ? s >= 0 : s > 0) continue;
    const cex = await search.confirm(vertex);
    if (cex !== null) return { kind: 'witness', witness: cex };
    decided = false;
  }
  return decided ? { kind: 'refuted' } : { kind: 'open' };
}

/** z3 over exact reals on the box: does an input meet one of the `open` disjuncts? */
async function checkBySmt(
  search: VnnlibSearch,
  exactBox: readonly { lo: Rational; hi: Rational }[],
  bounds: Fp32IntervalBounds,
  open: readonly (readonly LinearCondition[])[],
): Promise<{ result: CheckResult; inputs: string[] }> {
  const script = new SmtScript();
  const inputs: string[] = [];
  exactBox.forEach(({ lo, hi }, i) => {
    const x = script.real(`x${i}`, true);
    inputs.push(x);
    script.assert(`(<= ${realLiteral(lo)} ${x})`);
    script.assert(`(<= ${x} ${realLiteral(hi)})`);
  });
  const { logits } = encodeFp32(script, search.mlp, bounds, inputs);
  script.assert(
    or(
      open.map((conj) =>
        and(
          conj.map((c) => {
            const terms = c.exactCoefficients.flatMap((k, j) =>
              k.numerator === 0n ? [] : [`(* ${realLiteral(k)} ${logits[j]})`],
            );
            return `(${c.strict ? '<' : '<='} ${sum(terms, '0.0')} ${realLiteral(c.exactBound)})`;
          }),
        ),
      ),
    ),
  );
  const remaining = search.deadline - performance.now();
  search.smtQueries++;
  const result = await checkSmt(
    { body: script.body(), reals: script.reals, ints: [] },
    Math.min(search.smtTimeout, remaining),
  );
  search.onQuery?.(script.toSmtlib('QF_LRA'), result.kind);
  return { result, inputs };
}

/**
 * Decides one box of the search: refuted by bounds (with room for the float32 execution error on
 * the box; never where float32 could overflow), decided exactly where the network is affine on it,
 * decided by z3 once deep and stable enough (or unsplittable), else open.
 */
async function evaluateVnnlibBox(
  search: VnnlibSearch,
  box: Box,
  depth: number,
): Promise<RefutationStep<VnnlibCounterexample>> {
  const { mlp } = search;
  const splittable = (): boolean => splitDimension(search.root, search.influence, box) >= 0;
  // Y_j are the float32 outputs the file computes: a condition is refuted only with room for
  // the float32 execution error on this box (none where float32 could overflow).
  const errors = fp32ExecutionError(mlp, box);
  if (!errors.every((e) => Number.isFinite(e))) {
    return splittable() ? { kind: 'open' } : { kind: 'undecided', reason: 'float32-overflow' };
  }
  const bounds = ibpFp32(mlp, box);
  const ibpOpen = search.disjuncts
    .map((conj) => conj.map((c) => widen(c, errors)))
    .filter((conj) => !conj.some((c) => refutes(mlp, box, bounds, c)));
  if (ibpOpen.length === 0) return { kind: 'refuted' };
  const { open, score } = refuteBySpecBounds(mlp, box, ibpOpen);
  if (open.length === 0) return { kind: 'refuted' };
  search.splitScores.set(box, score);
  const exactBox = exactBoxOf(search, box);
  const phases = fixedPhases(mlp, bounds);
  if (phases !== null && open.every((conj) => conj.length === 1)) {
    const affine = await decideAffine(search, phases, open, exactBox);
    if (affine.kind !== 'open') return affine;
  }
  const small = unstableCount(mlp, bounds) <= search.maxUnstable && depth >= search.minDepthForSmt;
  const unsplittable = !small && !splittable();
  if (small || unsplittable) {
    const { result, inputs } = await checkBySmt(search, exactBox, bounds, open);
    if (result.kind === 'unsat') return { kind: 'refuted' };
    if (result.kind === 'sat') {
      const point = inputs.map((x) => approximate(result.reals.get(x)!));
      const cex =
        (await search.confirm(point)) ??
        (await confirmNear(mlp, box, search.disjuncts, point, search.confirm));
      if (cex !== null) return { kind: 'witness', witness: cex };
    }
    if (unsplittable || !splittable()) {
      return { kind: 'undecided', reason: 'unconfirmed-counterexample' };
    }
  }
  return { kind: 'open' };
}

/**
 * Decides a VNN-LIB property (see `VnnlibResult`) for an FP32 network. The cli's `verifyVnnlib`
 * reads the .onnx file, parses the VNN-LIB text and injects the onnxruntime-node replay. With a
 * Softmax head, Y_j are the float32 probabilities the file outputs: the property is decided on
 * sound probability bounds by splitting the box, with witnesses confirmed in the runtime (see
 * `decideSoftmaxVnnlib`).
 */
export async function verifyVnnlibProperty(
  mlp: Mlp,
  property: VnnlibProperty,
  options: VnnlibOptions = {},
): Promise<VnnlibResult> {
  const started = performance.now();
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  if (!(timeoutSeconds > 0)) {
    throw new SmtVerifyOptionsError(`timeoutSeconds must be positive; got ${timeoutSeconds}`);
  }
  const deadline = started + timeoutSeconds * 1000;
  const inputSize = mlp.layers[0]!.inFeatures;
  const outputSize = mlp.layers[mlp.layers.length - 1]!.outFeatures;
  if (property.inputSize !== inputSize || property.outputSize !== outputSize) {
    throw new VnnlibNetworkMismatchError(
      `the property has ${property.inputSize} inputs and ${property.outputSize} outputs; the network ` +
        `has ${inputSize} and ${outputSize}`,
    );
  }
  const lowerExact = property.lower.map((b) => rational(b.exact.numerator, b.exact.denominator));
  const upperExact = property.upper.map((b) => rational(b.exact.numerator, b.exact.denominator));
  const disjuncts = conditionsOf(property);
  let boxes = 0;
  let smtQueries = 0;
  const stats = (): VnnlibStats => ({
    boxes,
    smtQueries,
    seconds: (performance.now() - started) / 1000,
  });
  if (disjuncts.length === 0) return { kind: 'unsat', stats: stats() };

  // The exact box rounded outward to float32: a float32-closed box, as the split policy needs.
  const root = createBox(
    Float64Array.from(lowerExact, (r) => toFloat32(r, 'down')),
    Float64Array.from(upperExact, (r) => toFloat32(r, 'up')),
  );

  /** The float32 point of the exact box nearest `point`, or null when there is none. */
  const toPoint = (point: ArrayLike<number>): Float32Array | null => {
    const x = new Float32Array(inputSize);
    for (let i = 0; i < inputSize; i++) {
      let v = Math.fround(point[i]!);
      if (compare(fromNumber(v), lowerExact[i]!) < 0) v = toFloat32(lowerExact[i]!, 'up');
      if (compare(fromNumber(v), upperExact[i]!) > 0) v = toFloat32(upperExact[i]!, 'down');
      if (compare(fromNumber(v), lowerExact[i]!) < 0) return null; // no float32 in [lo, hi]
      x[i] = v;
    }
    return x;
  };

  const influence = new Float64Array(inputSize);
  const first = mlp.layers[0]!;
  for (let j = 0; j < first.outFeatures; j++) {
    for (let i = 0; i < inputSize; i++) {
      influence[i] = influence[i]! + Math.abs(first.weight[j * inputSize + i]!);
    }
  }
  const splitScores = new WeakMap<Box, Float64Array>();
  const split = (box: Box): BoxSplit | null => splitVnnlibBox(root, influence, box, splitScores);

  if (mlpHead(mlp) === 'softmax') {
    // Y_j are probabilities: decided on sound Softmax bounds, never on the logits.
    const outcome = await decideSoftmaxVnnlib({
      mlp,
      disjuncts,
      root,
      split,
      toPoint,
      deadline,
      ...(options.replay === undefined ? {} : { replay: options.replay }),
    });
    boxes = outcome.boxes;
    if (outcome.kind !== 'sat') {
      return outcome.kind === 'unknown'
        ? { kind: 'unknown', reason: outcome.reason, stats: stats() }
        : { kind: outcome.kind, stats: stats() };
    }
    const { input, output, runtimeReplay } = outcome;
    return { kind: 'sat', counterexample: { input, output, runtimeReplay }, stats: stats() };
  }

  /**
   * Confirms a candidate: a float32 point in the exact box whose outputs meet a disjunct as the
   * network computes them — in the injected runtime (the original file in onnxruntime-node), or,
   * with no runtime, in exact arithmetic with room for every float32 execution (the condition
   * narrowed by the float32 error bound at that point).
   */
  const confirm = async (point: ArrayLike<number>): Promise<VnnlibCounterexample | null> => {
    const x = toPoint(point);
    if (x === null) return null;
    const replay = options.replay;
    if (replay !== undefined) {
      const output = await replay.fp32(mlp, x);
      if (!disjuncts.some((conj) => conj.every((c) => holdsOnFloats(c, output)))) return null;
      return { input: x, output, runtimeReplay: replay.name };
    }
    const errors = fp32ExecutionError(mlp, createBox(x, x));
    if (!errors.every((e) => Number.isFinite(e))) return null;
    const exact = exactLogits(mlp, x);
    const met = disjuncts.some((conj) =>
      conj.every((c) => holdsExactly(widen(c, errors, -1), exact)),
    );
    return met ? { input: x, output: forwardFp32(mlp, x), runtimeReplay: 'none' } : null;
  };

  const candidate = searchLinearConditions(mlp, root, disjuncts);
  if (candidate !== null) {
    const cex = await confirm(candidate);
    if (cex !== null) return { kind: 'sat', counterexample: cex, stats: stats() };
  }

  const search: VnnlibSearch = {
    mlp,
    disjuncts,
    lowerExact,
    upperExact,
    root,
    influence,
    maxUnstable: options.maxUnstableForSmt ?? 0,
    minDepthForSmt: options.minDepthForSmt ?? 8,
    smtTimeout: (options.smtTimeoutSeconds ?? 5) * 1000,
    deadline,
    onQuery: options.onQuery,
    confirm,
    splitScores,
    smtQueries: 0,
  };
  const outcome = await refuteRegion<VnnlibCounterexample>({
    root,
    split,
    evaluate: (box, depth) => evaluateVnnlibBox(search, box, depth),
    stop: () => performance.now() > deadline,
  });
  boxes = outcome.evaluations;
  smtQueries = search.smtQueries;
  switch (outcome.kind) {
    case 'witness':
      return { kind: 'sat', counterexample: outcome.witness, stats: stats() };
    case 'refuted':
      return { kind: 'unsat', stats: stats() };
    case 'stopped':
      return { kind: 'timeout', stats: stats() };
    case 'undecided':
      return {
        kind: 'unknown',
        reason: outcome.reasons.includes('float32-overflow')
          ? 'float32-overflow'
          : 'unconfirmed-counterexample',
        stats: stats(),
      };
  }
}

async function confirmNear(
  mlp: Mlp,
  box: Box,
  disjuncts: readonly (readonly LinearCondition[])[],
  point: readonly number[],
  confirm: (p: ArrayLike<number>) => Promise<VnnlibCounterexample | null>,
): Promise<VnnlibCounterexample | null> {
  // z3's witness may sit on the boundary of the region; step into it with a short search.
  const near = createBox(
    box.lower.map((l, i) => Math.max(l, point[i]! - 1e-6 * (box.upper[i]! - l + 1))),
    box.upper.map((u, i) => Math.min(u, point[i]! + 1e-6 * (u - box.lower[i]! + 1))),
  );
  const candidate = searchLinearConditions(mlp, near, disjuncts, { restarts: 4, steps: 20 });
  return candidate === null ? null : confirm(candidate);
}
