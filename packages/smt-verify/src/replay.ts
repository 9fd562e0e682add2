// The verdict at one float32 point, and the replay every counterexample goes through before it is
// reported. The FP32 side is judged in exact real arithmetic with the float32 execution error
// bounded at that very point (`@quantproof/interval`'s error model, overflow included); the int8
// side is the executor's decision (quant's `decideLogits`, the one decision rule) under the stated
// CPU semantics; with a `RuntimeReplay` both are replayed in a runtime too (the cli wires
// onnxruntime-node on the user's own files; smt-verify itself imports no runtime).
import {
  addUp,
  type Counterexample as ConfirmedCounterexample,
  createBox,
  fp32ExecutionError,
  pairTolerance,
} from '@quantproof/interval';
import { forwardFp32, mlpHead, type Mlp } from '@quantproof/nn';
import {
  type CpuSemantics,
  decideLogits,
  decideOutputs,
  createInt8Executor,
  type Int8Executor,
  NonFiniteInputError,
  type QMlp,
  SOFTMAX_ORDER_GAP,
} from '@quantproof/quant';
import { exactLogits } from './exact-fp32.js';
import { approximateDown, compare, fromNumber, sub, type Rational } from './rational.js';

/** One validated executor per model and CPU semantics (models are not changed once verified). */
const executors = new WeakMap<QMlp, Map<string, Int8Executor>>();

function executorOf(model: QMlp, cpu: CpuSemantics | undefined): Int8Executor {
  let byCpu = executors.get(model);
  if (byCpu === undefined) {
    byCpu = new Map();
    executors.set(model, byCpu);
  }
  const key = cpu ?? 'default';
  let executor = byCpu.get(key);
  if (executor === undefined) {
    executor = createInt8Executor(model, cpu === undefined ? {} : { cpu });
    byCpu.set(key, executor);
  }
  return executor;
}

/**
 * The executor's int8 logits at `x`, or null where onnxruntime's result is undefined: a dynamic
 * model whose run-time quantiser meets ±Inf or NaN (an FP32 hidden value that overflowed).
 */
export function int8Outputs(model: QMlp, x: Float32Array, cpu?: CpuSemantics): Float32Array | null {
  try {
    return executorOf(model, cpu).forward(x);
  } catch (error) {
    if (error instanceof NonFiniteInputError) return null;
    throw error;
  }
}

/** Runs the FP32 network in an inference runtime (for replaying counterexamples there). */
export interface RuntimeFp32Replay {
  /** The runtime's name, recorded in every counterexample it replayed (e.g. `onnxruntime-node`). */
  readonly name: string;
  /** The runtime's outputs of the FP32 model (after its head) at one input. */
  fp32(mlp: Mlp, input: Float32Array): Promise<Float32Array>;
}

/**
 * Runs both networks in an inference runtime. Injected by the caller (the cli provides
 * onnxruntime-node on the user's files); a counterexample on which the runtime and the executors
 * disagree is a bug.
 */
export interface RuntimeReplay extends RuntimeFp32Replay {
  /** The runtime's outputs of the int8 model (after its head) at one input. */
  int8(model: QMlp, input: Float32Array): Promise<Float32Array>;
}

/**
 * An input where the int8 policy takes an action the FP32 policy cannot take there, replayed:
 * interval's executor-confirmed `Counterexample` with its exact margin, tolerance and runtime replay.
 */
export interface Counterexample extends ConfirmedCounterexample {
  /** The float32 input. */
  readonly input: Float32Array;
  /**
   * The FP32 action: an output that beats the int8 action at every float32 execution — the first
   * maximal exact real logit whenever it does (the runtime's FP32 decision is never the int8 action).
   */
  readonly fp32Action: number;
  /** The int8 action (the executor's decision, and the runtime's if replayed). */
  readonly int8Action: number;
  /**
   * The FP32 margin at this input: the first maximal exact logit over its runner-up, in exact real
   * arithmetic (rounded down to float64, so a bound from below) — the quantity δ* bounds.
   */
  readonly fp32Margin: number;
  /**
   * The float32 execution error bound at this input between `fp32Action` and `int8Action`: their
   * exact margin exceeds it (plus `SOFTMAX_ORDER_GAP` with a Softmax head), so every float32
   * execution of the FP32 model ranks `fp32Action` above `int8Action`.
   */
  readonly tieTolerance: number;
  /** forwardFp32's float32 logits and the executor's int8 logits (before any head). */
  readonly fp32Logits: Float32Array;
  readonly int8Logits: Float32Array;
  /**
   * The runtime that replayed this counterexample (`RuntimeReplay.name`), or `'none'` when no
   * runtime was injected: then it was replayed in the executors only.
   */
  readonly runtimeReplay: string;
  /** The runtime's outputs (onnxruntime-node's when the cli wires it), or null with no runtime. */
  readonly ortFp32Logits: Float32Array | null;
  readonly ortInt8Logits: Float32Array | null;
}

/** Exact FP32 decision at a float32 point: the first maximal exact logit and its margin over the runner-up. */
export function exactDecision(mlp: Mlp, x: Float32Array): { action: number; margin: Rational } {
  return decisionOf(exactLogits(mlp, x));
}

export function decisionOf(y: readonly Rational[]): { action: number; margin: Rational } {
  let action = 0;
  for (let j = 1; j < y.length; j++) if (compare(y[j]!, y[action]!) > 0) action = j;
  let margin: Rational | null = null;
  y.forEach((v, j) => {
    if (j === action) return;
    const d = sub(y[action]!, v);
    if (margin === null || compare(d, margin) < 0) margin = d;
  });
  return { action, margin: margin ?? fromNumber(Number.MAX_VALUE) };
}

/** Options of the point judgement. */
export interface PointOptions {
  /** int8 CPU semantics of the executor (default quant's `vnni-exact`). */
  readonly cpu?: CpuSemantics;
}

/**
 * What one float32 point is, for the theorem `verify` proves (the tie rule): `disagree` when some
 * FP32 output beats the int8 action by more than the float32 error bound at this point (plus
 * `SOFTMAX_ORDER_GAP` with a Softmax head: every float32 execution of the FP32 model then ranks it
 * above the int8 action, so the int8 action is never FP32's); `agree-or-tie` when no output beats
 * it by more than that bound (the int8 action is FP32's, or FP32's own margin against it is within
 * float32 error — a tie); `undetermined` when neither can be said: float32 could overflow here, or
 * a Softmax head may collapse a gap just outside the tie band (an output above c by less than the
 * gap, or an earlier output below c by less than it, whose probability may round to c's).
 */
export type PointJudgement =
  | {
      readonly kind: 'disagree';
      readonly fp32Action: number;
      readonly int8Action: number;
      readonly fp32Margin: Rational;
      readonly tieTolerance: number;
      readonly int8Logits: Float32Array;
    }
  | { readonly kind: 'agree-or-tie'; readonly int8Action: number; readonly tieTolerance: number }
  | {
      readonly kind: 'undetermined';
      readonly reason:
        | 'float32-overflow'
        | 'softmax-collapse'
        | 'int8-softmax-collapse'
        | 'int8-non-finite'
        | 'non-finite-input';
    };

/**
 * The FP32 side of the tie rule at one point against int8 action `c`, from the exact logits `y`,
 * the float32 execution errors and the exact FP32 action: `beaten` is an output that beats c by
 * more than the float32 error bound (plus `SOFTMAX_ORDER_GAP` with a Softmax head) — the exact FP32
 * action when it is one of them — or −1; `inBand` says a Softmax head may collapse a gap just
 * outside the tie band; `tolerance` is the largest error bound against c.
 */
export function fp32Against(
  y: readonly Rational[],
  errors: ArrayLike<number>,
  c: number,
  action: number,
  softmax: boolean,
): { beaten: number; inBand: boolean; tolerance: number } {
  const gap = softmax ? SOFTMAX_ORDER_GAP : 0;
  let beaten = -1;
  let inBand = false;
  let tolerance = 0;
  for (let j = 0; j < y.length; j++) {
    if (j === c) continue;
    const tol = pairTolerance(errors, j, c);
    tolerance = Math.max(tolerance, tol);
    const over = sub(y[j]!, y[c]!);
    if (compare(over, fromNumber(tol)) <= 0) {
      // Below the tie band, a Softmax head may still round an earlier output up to c's
      // probability (equal probabilities: the first index wins).
      if (gap > 0 && j < c && compare(over, fromNumber(-tol)) < 0) {
        if (compare(over, fromNumber(-addUp(tol, gap))) >= 0) inBand = true;
      }
      continue;
    }
    if (gap === 0 || compare(over, fromNumber(addUp(tol, gap))) > 0) {
      // Report the exact FP32 action when it is one of the outputs that certainly beat c.
      if (beaten < 0 || j === action || (beaten !== action && compare(y[j]!, y[beaten]!) > 0)) {
        beaten = j;
      }
    } else inBand = true;
  }
  return { beaten, inBand, tolerance };
}

/**
 * `fp32Against`'s answer without exact arithmetic where the float32 logits `f` settle it: every
 * exact logit lies within `errors` of `f`, so when y_j − y_c < −(tolerance_jc + gap) for every j —
 * shown from f with outward rounding — no output beats c and none is in a Softmax head's band.
 * Returns the tie tolerance `fp32Against` would (the largest pair tolerance against c), or null
 * when the exact logits are needed. Most points of a region are settled here.
 */
function clearlyTakes(
  f: ArrayLike<number>,
  errors: ArrayLike<number>,
  c: number,
  softmax: boolean,
): number | null {
  const gap = softmax ? SOFTMAX_ORDER_GAP : 0;
  let tolerance = 0;
  for (let j = 0; j < f.length; j++) {
    if (j === c) continue;
    const tol = pairTolerance(errors, j, c);
    tolerance = Math.max(tolerance, tol);
    // An upper bound of y_j − y_c, against −(tol + gap) rounded away from zero (stricter).
    const over = addUp(addUp(f[j]!, -f[c]!), tol);
    if (!(over < -addUp(tol, gap))) return null;
  }
  return tolerance;
}

/** Judges one float32 point (see `PointJudgement`). */
export function judgePoint(
  mlp: Mlp,
  model: QMlp,
  x: Float32Array,
  options: PointOptions = {},
): PointJudgement {
  if (!x.every((v) => Number.isFinite(v)))
    return { kind: 'undetermined', reason: 'non-finite-input' };
  const int8Logits = int8Outputs(model, x, options.cpu);
  if (int8Logits === null) return { kind: 'undetermined', reason: 'int8-non-finite' };
  const int8 = decideLogits(int8Logits, model.head);
  if (int8.kind === 'undetermined')
    return { kind: 'undetermined', reason: 'int8-softmax-collapse' };
  const c = int8.action;
  const errors = fp32ExecutionError(mlp, createBox(x, x));
  if (!errors.every((e) => Number.isFinite(e))) {
    return { kind: 'undetermined', reason: 'float32-overflow' };
  }
  const softmax = mlpHead(mlp) === 'softmax';
  const clear = clearlyTakes(forwardFp32(mlp, x), errors, c, softmax);
  if (clear !== null) return { kind: 'agree-or-tie', int8Action: c, tieTolerance: clear };
  const y = exactLogits(mlp, x);
  const { action, margin } = decisionOf(y);
  const { beaten, inBand, tolerance } = fp32Against(y, errors, c, action, softmax);
  if (beaten >= 0) {
    return {
      kind: 'disagree',
      fp32Action: beaten,
      int8Action: c,
      fp32Margin: margin,
      tieTolerance: pairTolerance(errors, beaten, c),
      int8Logits,
    };
  }
  if (inBand) return { kind: 'undetermined', reason: 'softmax-collapse' };
  return { kind: 'agree-or-tie', int8Action: c, tieTolerance: tolerance };
}

/** A runtime that contradicts the executors on a counterexample: a bug in quantproof. */
export class ReplayMismatchError extends Error {
  override readonly name: string = 'ReplayMismatchError';
}

/**
 * Replays a candidate: returns the counterexample when the point is a certain disagreement
 * (`judgePoint`) and, with `replay`, the runtime agrees (its int8 decision is the executor's, its
 * FP32 decision is not the int8 action); else null. Without `replay` the counterexample is replayed
 * in the executors only (`runtimeReplay: 'none'`). A runtime that contradicts a certain
 * disagreement throws `ReplayMismatchError` (a bug: executor, reader or error model).
 */
export async function replayCandidate(
  mlp: Mlp,
  model: QMlp,
  x: Float32Array,
  replay?: RuntimeReplay,
  options: PointOptions = {},
): Promise<Counterexample | null> {
  const judged = judgePoint(mlp, model, x, options);
  if (judged.kind !== 'disagree') return null;
  return confirmInRuntime(
    mlp,
    model,
    {
      input: x,
      fp32Action: judged.fp32Action,
      int8Action: judged.int8Action,
      fp32Margin: approximateDown(judged.fp32Margin),
      tieTolerance: judged.tieTolerance,
      fp32Logits: forwardFp32(mlp, x),
      int8Logits: judged.int8Logits,
      runtimeReplay: 'none',
      ortFp32Logits: null,
      ortInt8Logits: null,
    },
    replay,
  );
}

/**
 * The runtime half of `replayCandidate` for a counterexample the executors already judged (in a
 * worker thread): with `replay`, both files run at its input and must agree with the executors
 * (else `ReplayMismatchError`); without, it is returned as replayed in the executors only.
 */
export async function confirmInRuntime(
  mlp: Mlp,
  model: QMlp,
  judged: Counterexample,
  replay?: RuntimeReplay,
): Promise<Counterexample> {
  if (replay === undefined)
    return { ...judged, runtimeReplay: 'none', ortFp32Logits: null, ortInt8Logits: null };
  const x = judged.input;
  const ortFp32Logits = await replay.fp32(mlp, x);
  const ortInt8Logits = await replay.int8(model, x);
  const ortFp32 = decideOutputs(ortFp32Logits);
  const ortInt8 = decideOutputs(ortInt8Logits);
  if (ortFp32 === judged.int8Action || ortInt8 !== judged.int8Action) {
    throw new ReplayMismatchError(
      `${replay.name} contradicts a certain disagreement at input [${Array.from(x).join(', ')}] ` +
        `(FP32 decision ${ortFp32}, int8 decision ${ortInt8}; the executors give int8 action ` +
        `${judged.int8Action}, which the FP32 model cannot take there); this is a bug in quantproof ` +
        '(executor, model reader or error model), please report it with both model files and the input',
    );
  }
  return { ...judged, runtimeReplay: replay.name, ortFp32Logits, ortInt8Logits };
}
