// VNN-LIB checking of one FP32 network over exact reals (a network with a Softmax head is decided on
// its probabilities, in vnnlib-softmax.ts): bounds refute what they can, the input box
// is split where they cannot, z3 decides small leaves, and a gradient attack hunts for
// counterexamples, each confirmed exactly, in forwardFp32 and, when one is injected, in a runtime
// (the cli wires onnxruntime-node on the original .onnx file) before it is reported. Reading the
// .onnx file and parsing the VNN-LIB text belong to @quantproof/onnx: this module takes the parsed
// network and a structural copy of onnx's `VnnlibProperty`, so onnx's values flow in unchanged.
import {
  addUp,
  type Bounds,
  createBox,
  fp32ExecutionError,
  type Fp32IntervalBounds,
  ibpFp32,
  mulUp,
} from '@quantproof/interval';
import { forwardFp32, mlpHead, type Mlp } from '@quantproof/nn';
import { SmtVerifyOptionsError, VnnlibNetworkMismatchError } from './errors.js';
import { exactAffineObjective, exactLogits } from './exact-fp32.js';
import { attackFp32 } from './fp32-attack.js';
import { encodeFp32 } from './fp32-encoding.js';
import { fp32LinearUpperBound } from './internal-bounds.js';
import { holdsExactly, holdsOnFloats, type LinearCondition } from './linear-condition.js';
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
import { decideSoftmaxVnnlib, type SearchBox } from './vnnlib-softmax.js';
import { checkSmt } from './z3-session.js';

/** An exact rational `numerator / denominator` (structurally onnx's `VnnlibRational`). */
export interface VnnlibRational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** One input bound: exact value, nearest float64, strictness (onnx's `VnnlibBound`). */
export interface VnnlibBound {
  readonly exact: VnnlibRational;
  readonly value: number;
  readonly strict: boolean;
}

/** `Σ coefficient · Y_index ≤ bound` (`<` when strict) (onnx's `VnnlibLinearConstraint`). */
export interface VnnlibLinearConstraint {
  readonly terms: readonly { readonly index: number; readonly coefficient: VnnlibRational }[];
  readonly bound: VnnlibRational;
  readonly strict: boolean;
}

/**
 * A parsed VNN-LIB property, structurally identical to what `@quantproof/onnx`'s `parseVnnlib`
 * returns: the input box and the unsafe output region as a disjunction of conjunctions.
 */
export interface VnnlibProperty {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly lower: readonly VnnlibBound[];
  readonly upper: readonly VnnlibBound[];
  /** Disjuncts; each is a conjunction. One empty conjunction means "any output". */
  readonly output: readonly (readonly VnnlibLinearConstraint[])[];
}

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
function refutes(mlp: Mlp, box: Bounds, bounds: Fp32IntervalBounds, c: LinearCondition): boolean {
  // min(c·y) ≥ −ub(−c·y); the condition needs c·y ≤ d (or < d).
  const negated = c.coefficients.map((v) => -v);
  const minimum = fromNumber(-fp32LinearUpperBound(mlp, box, bounds, negated));
  const s = compare(minimum, c.exactBound);
  return c.strict ? s >= 0 : s > 0;
}

/** A box of the input search. */
type Box = SearchBox;

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

/** Integer weights proportional (by a positive factor) to the condition's coefficients, and the
 * bound scaled alike. */
function integerCondition(c: LinearCondition): { weights: bigint[]; bound: Rational } {
  let scale = 1n;
  for (const k of c.exactCoefficients) {
    scale = (scale * k.denominator) / gcdBig(scale, k.denominator);
  }
  const factor = rational(scale);
  return {
    weights: c.exactCoefficients.map((k) => (k.numerator * scale) / k.denominator),
    bound: mul(c.exactBound, factor),
  };
}

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
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
  const maxUnstable = options.maxUnstableForSmt ?? 0;
  const smtTimeout = (options.smtTimeoutSeconds ?? 5) * 1000;
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

  // Outward float64 box: float32 rounding down/up is coarser than needed but exact and sound.
  const root: Box = {
    lower: Float64Array.from(lowerExact, (r) => toFloat32(r, 'down')),
    upper: Float64Array.from(upperExact, (r) => toFloat32(r, 'up')),
  };

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

  if (mlpHead(mlp) === 'softmax') {
    // Y_j are probabilities: decided on sound Softmax bounds, never on the logits.
    const outcome = await decideSoftmaxVnnlib({
      mlp,
      disjuncts,
      root,
      influence,
      toPoint,
      deadline,
      ...(options.replay === undefined ? {} : { replay: options.replay }),
      onBox: () => void boxes++,
    });
    if (outcome.kind !== 'sat') return { ...outcome, stats: stats() };
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

  const attacked = attackFp32(mlp, root.lower, root.upper, disjuncts);
  if (attacked !== null) {
    const cex = await confirm(attacked);
    if (cex !== null) return { kind: 'sat', counterexample: cex, stats: stats() };
  }

  const stack: Box[] = [root];
  const depthOf = new WeakMap<Box, number>();
  const minDepthForSmt = options.minDepthForSmt ?? 8;
  let undecided = false;
  let overflow = false;
  while (stack.length > 0) {
    if (performance.now() > deadline) return { kind: 'timeout', stats: stats() };
    const box = stack.pop()!;
    boxes++;
    // Y_j are the float32 outputs the file computes: a condition is refuted only with room for
    // the float32 execution error on this box (none where float32 could overflow).
    const region = createBox(box.lower, box.upper);
    const errors = fp32ExecutionError(mlp, region);
    if (!errors.every((e) => Number.isFinite(e))) {
      const mid = splitPoint(box, influence);
      if (mid === null) {
        undecided = true;
        overflow = true;
        continue;
      }
      stack.push(...mid);
      continue;
    }
    const bounds = ibpFp32(mlp, region);
    const open = disjuncts
      .map((conj) => conj.map((c) => widen(c, errors)))
      .filter((conj) => !conj.some((c) => refutes(mlp, region, bounds, c)));
    if (open.length === 0) continue;
    const clipped = Array.from(box.lower, (_, i) => {
      const lo = fromNumber(box.lower[i]!);
      const hi = fromNumber(box.upper[i]!);
      return {
        lo: compare(lo, lowerExact[i]!) > 0 ? lo : lowerExact[i]!,
        hi: compare(hi, upperExact[i]!) < 0 ? hi : upperExact[i]!,
      };
    });
    const phases = fixedPhases(mlp, bounds);
    if (phases !== null && open.every((conj) => conj.length === 1)) {
      // The network is affine on this box: each single-condition disjunct is decided exactly at
      // the box vertex that minimises it.
      let decided = true;
      for (const [condition] of open as LinearCondition[][]) {
        const { weights, bound } = integerCondition(condition!);
        const affine = exactAffineObjective(mlp, phases, weights);
        let minimum = affine.constant;
        const vertex: number[] = [];
        affine.coefficients.forEach((g, i) => {
          const at = g.numerator > 0n ? clipped[i]!.lo : clipped[i]!.hi;
          vertex.push(approximate(at));
          minimum = add(minimum, mul(g, at));
        });
        const s = compare(minimum, bound);
        if (condition!.strict ? s >= 0 : s > 0) continue;
        const cex = await confirm(vertex);
        if (cex !== null) return { kind: 'sat', counterexample: cex, stats: stats() };
        decided = false;
      }
      if (decided) continue;
    }
    const unstable = unstableCount(mlp, bounds);
    let widest = 0;
    let best = -1;
    for (let i = 0; i < inputSize; i++) {
      const score = (box.upper[i]! - box.lower[i]!) * (influence[i]! + 1e-30);
      if (score > best) [best, widest] = [score, i];
    }
    const mid = 0.5 * (box.lower[widest]! + box.upper[widest]!);
    const splittable = mid > box.lower[widest]! && mid < box.upper[widest]!;
    depthOf.set(box, depthOf.get(box) ?? 0);
    const depth = depthOf.get(box)!;
    if ((unstable <= maxUnstable && depth >= minDepthForSmt) || !splittable) {
      const script = new SmtScript();
      const inputs: string[] = [];
      for (let i = 0; i < inputSize; i++) {
        const x = script.real(`x${i}`, true);
        inputs.push(x);
        script.assert(`(<= ${realLiteral(clipped[i]!.lo)} ${x})`);
        script.assert(`(<= ${x} ${realLiteral(clipped[i]!.hi)})`);
      }
      const { logits } = encodeFp32(script, mlp, bounds, inputs);
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
      const remaining = deadline - performance.now();
      smtQueries++;
      const result = await checkSmt(
        { body: script.body(), reals: script.reals, ints: [] },
        Math.min(smtTimeout, remaining),
      );
      options.onQuery?.(script.toSmtlib('QF_LRA'), result.kind);
      if (result.kind === 'unsat') continue;
      if (result.kind === 'sat') {
        const point = inputs.map((x) => approximate(result.reals.get(x)!));
        const cex =
          (await confirm(point)) ?? (await confirmNear(mlp, box, disjuncts, point, confirm));
        if (cex !== null) return { kind: 'sat', counterexample: cex, stats: stats() };
      }
      if (!splittable) {
        undecided = true;
        continue;
      }
      if (result.kind === 'unknown' && performance.now() > deadline) {
        return { kind: 'timeout', stats: stats() };
      }
    }
    const left: Box = { lower: box.lower, upper: box.upper.slice() };
    const right: Box = { lower: box.lower.slice(), upper: box.upper };
    left.upper[widest] = mid;
    right.lower[widest] = mid;
    depthOf.set(left, depth + 1);
    depthOf.set(right, depth + 1);
    stack.push(right, left);
  }
  return undecided
    ? {
        kind: 'unknown',
        reason: overflow ? 'float32-overflow' : 'unconfirmed-counterexample',
        stats: stats(),
      }
    : { kind: 'unsat', stats: stats() };
}

/**
 * The condition a float32 output meeting `c` forces on the exact real outputs: with
 * |y32_k − y_k| ≤ e_k, `Σ c_k y32_k ≤ d` implies `Σ c_k y_k ≤ d + Σ |c_k| e_k` (strictness kept).
 * Refuting the widened condition in real arithmetic refutes `c` for every float32 execution; with
 * `direction` −1 it is narrowed instead: exact outputs meeting that meet `c` in every execution.
 */
function widen(c: LinearCondition, errors: Float64Array, direction: 1 | -1 = 1): LinearCondition {
  let slack = 0;
  c.coefficients.forEach((k, j) => {
    if (k !== 0) slack = addUp(slack, mulUp(Math.abs(k), errors[j]!));
  });
  // The float64 coefficients are exact for VNN-LIB's decimals only approximately: pad by 2⁻⁴⁰.
  slack = mulUp(slack, 1 + 2 ** -40);
  if (slack === 0) return c;
  const exactBound = add(c.exactBound, fromNumber(direction * slack));
  return { ...c, exactBound, bound: approximate(exactBound) };
}

/** The two halves of `box` along its most influential dimension, or null when it cannot split. */
function splitPoint(box: Box, influence: Float64Array): [Box, Box] | null {
  let widest = 0;
  let best = -1;
  for (let i = 0; i < box.lower.length; i++) {
    const score = (box.upper[i]! - box.lower[i]!) * (influence[i]! + 1e-30);
    if (score > best) [best, widest] = [score, i];
  }
  const mid = 0.5 * (box.lower[widest]! + box.upper[widest]!);
  if (!(mid > box.lower[widest]! && mid < box.upper[widest]!)) return null;
  const left: Box = { lower: box.lower, upper: box.upper.slice() };
  const right: Box = { lower: box.lower.slice(), upper: box.upper };
  left.upper[widest] = mid;
  right.lower[widest] = mid;
  return [right, left];
}

async function confirmNear(
  mlp: Mlp,
  box: Box,
  disjuncts: readonly (readonly LinearCondition[])[],
  point: readonly number[],
  confirm: (p: ArrayLike<number>) => Promise<VnnlibCounterexample | null>,
): Promise<VnnlibCounterexample | null> {
  // z3's witness may sit on the boundary of the region; step into it with a short attack.
  const lower = box.lower.map((l, i) => Math.max(l, point[i]! - 1e-6 * (box.upper[i]! - l + 1)));
  const upper = box.upper.map((u, i) => Math.min(u, point[i]! + 1e-6 * (u - box.lower[i]! + 1)));
  const candidate = attackFp32(mlp, lower, upper, disjuncts, { restarts: 4, steps: 20 });
  return candidate === null ? null : confirm(candidate);
}
