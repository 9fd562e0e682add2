// How often the int8 model takes the FP32 model's greedy decision on given states.

import { forwardBatchFp32, type Mlp, mlpOutputSize } from '@quantproof/nn';
import { decideLogits } from './decision.js';
import { createInt8Executor, type ForwardInt8Options } from './forward-int8.js';
import { InputShapeError } from './errors.js';
import type { QMlp } from './qmlp.js';
import { qmlpInputSize, qmlpOutputSize } from './qmlp.js';

/** What `decisionAgreement` measures on a set of states. */
export interface DecisionAgreement {
  /** States compared. */
  readonly states: number;
  /** Fraction of states where both greedy actions (first maximal index) are equal. */
  readonly agreement: number;
  /** Indices of the states where they differ. */
  readonly disagreements: readonly number[];
  /**
   * States where a Softmax head leaves either decision undetermined (logits within the collapse
   * band): counted neither as agreement nor as disagreement.
   */
  readonly undetermined: number;
  /** States where the int8 logits hold a tie for the maximum (decided by the first-index rule). */
  readonly int8Ties: number;
  /** Largest |FP32 logit − int8 logit| over all states and outputs. */
  readonly maxLogitDifference: number;
}

/**
 * Compares the greedy decisions of `fp32` (`forwardFp32`, float32) and `int8` (the executor,
 * bit-identical to onnxruntime-node) on the row-major `states`, with the one decision rule
 * (`decideLogits` with each model's head: the first maximal index).
 */
export function decisionAgreement(
  fp32: Mlp,
  int8: QMlp,
  states: Float32Array,
  options: ForwardInt8Options = {},
): DecisionAgreement {
  const inputs = qmlpInputSize(int8);
  const outputs = qmlpOutputSize(int8);
  if (mlpOutputSize(fp32) !== outputs || states.length % inputs !== 0) {
    throw new InputShapeError(
      `decisionAgreement: the models must have the same sizes and states a multiple of ${inputs} values`,
    );
  }
  const n = states.length / inputs;
  const fp32Logits = forwardBatchFp32(fp32, states, n);
  const int8Logits = createInt8Executor(int8, options).forwardBatch(states);
  const disagreements: number[] = [];
  let int8Ties = 0;
  let undetermined = 0;
  let maxLogitDifference = 0;
  for (let s = 0; s < n; s++) {
    const a = fp32Logits.subarray(s * outputs, (s + 1) * outputs);
    const b = int8Logits.subarray(s * outputs, (s + 1) * outputs);
    const fp = decideLogits(a, fp32.head);
    const q = decideLogits(b, int8.head);
    if (fp.kind === 'undetermined' || q.kind === 'undetermined') {
      undetermined += 1;
    } else {
      const best = q.action;
      if (fp.action !== best) disagreements.push(s);
      for (let i = 0; i < outputs; i++) {
        if (i !== best && b[i] === b[best]) {
          int8Ties += 1;
          break;
        }
      }
    }
    for (let i = 0; i < outputs; i++) {
      maxLogitDifference = Math.max(maxLogitDifference, Math.abs(a[i]! - b[i]!));
    }
  }
  return {
    states: n,
    agreement: n === 0 ? 1 : (n - disagreements.length - undetermined) / n,
    disagreements,
    undetermined,
    int8Ties,
    maxLogitDifference,
  };
}
