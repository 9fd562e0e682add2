// Every counterexample is replayed before it is reported: the FP32 side in exact real arithmetic
// (margin above the tie tolerance) and in `forwardFp32`, the int8 side in `forwardInt8`, and both
// in a runtime when one is injected (`RuntimeReplay`: the cli wires onnxruntime-node through the
// onnx package's writers; smt-verify itself imports no runtime).
import { forwardFp32, type Mlp } from '@quantproof/nn';
import { argmaxFirst, forwardInt8, type QMlp } from '@quantproof/quant';
import { exactLogits } from './exact-fp32.js';
import { approximate, compare, fromNumber, sub, type Rational } from './rational.js';

/** Runs the FP32 network in an inference runtime (for replaying counterexamples there). */
export interface RuntimeFp32Replay {
  /** The runtime's name, recorded in every counterexample it replayed (e.g. `onnxruntime-node`). */
  readonly name: string;
  /** The runtime's FP32 logits of `mlp` at one input. */
  fp32(mlp: Mlp, input: Float32Array): Promise<Float32Array>;
}

/**
 * Runs both networks in an inference runtime. Injected by the caller (the cli provides
 * onnxruntime-node); a counterexample on which the runtime and the executors disagree is a bug.
 */
export interface RuntimeReplay extends RuntimeFp32Replay {
  /** The runtime's int8 logits of `model` at one input. */
  int8(model: QMlp, input: Float32Array): Promise<Float32Array>;
}

/** An input where the int8 policy takes another action than the FP32 policy, replayed. */
export interface Counterexample {
  /** The float32 input. */
  readonly input: Float32Array;
  /** The FP32 action (exact real semantics; also forwardFp32's and the runtime's, if replayed). */
  readonly fp32Action: number;
  /** The int8 action (forwardInt8's and the runtime's, if replayed; first maximal index). */
  readonly int8Action: number;
  /** The FP32 margin in exact real arithmetic (rounded to float64), above the tie tolerance. */
  readonly fp32Margin: number;
  readonly fp32Logits: Float32Array;
  readonly int8Logits: Float32Array;
  /**
   * The runtime that replayed this counterexample (`RuntimeReplay.name`), or `'none'` when no
   * runtime was injected: then it was replayed in the executors only.
   */
  readonly runtimeReplay: string;
  /** The runtime's logits (onnxruntime-node's when the cli wires it), or null with no runtime. */
  readonly ortFp32Logits: Float32Array | null;
  readonly ortInt8Logits: Float32Array | null;
}

/** Exact FP32 decision at a float32 point: the winner and its margin over the runner-up. */
export function exactDecision(mlp: Mlp, x: Float32Array): { action: number; margin: Rational } {
  const y = exactLogits(mlp, x);
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

/**
 * Replays a candidate: returns the counterexample when the exact FP32 margin exceeds `tolerance`,
 * the int8 action differs, and (with `replay`) the runtime agrees with both executors; else null.
 * Without `replay` the counterexample is replayed in the executors only (`runtimeReplay: 'none'`).
 */
export async function replayCandidate(
  mlp: Mlp,
  model: QMlp,
  x: Float32Array,
  tolerance: number,
  replay?: RuntimeReplay,
): Promise<Counterexample | null> {
  const { action, margin } = exactDecision(mlp, x);
  if (compare(margin, fromNumber(tolerance)) <= 0) return null;
  const int8Logits = forwardInt8(model, x);
  const int8Action = argmaxFirst(int8Logits);
  if (int8Action === action) return null;
  const fp32Logits = forwardFp32(mlp, x);
  if (argmaxFirst(fp32Logits) !== action) return null; // cannot happen above the tolerance
  let ortFp32Logits: Float32Array | null = null;
  let ortInt8Logits: Float32Array | null = null;
  if (replay !== undefined) {
    ortFp32Logits = await replay.fp32(mlp, x);
    ortInt8Logits = await replay.int8(model, x);
    if (argmaxFirst(ortFp32Logits) !== action || argmaxFirst(ortInt8Logits) !== int8Action) {
      throw new Error(
        `${replay.name} disagrees with the executors on a counterexample; this is a bug in ` +
          'quantproof (executor or writer), please report it with the model and input',
      );
    }
  }
  return {
    input: x,
    fp32Action: action,
    int8Action,
    fp32Margin: approximate(margin),
    fp32Logits,
    int8Logits,
    runtimeReplay: replay?.name ?? 'none',
    ortFp32Logits,
    ortInt8Logits,
  };
}
