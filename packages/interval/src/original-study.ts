// The check the original study ran, computed faithfully, next to the question it meant to ask.
//
// The study took the int8 network's logit interval over a region and asked whether the FP32
// network's softmax probabilities lie inside it. Probabilities lie in (0, 1) and sum to 1; logits
// are unbounded reals, and the decision depends only on their order (adding a constant to every
// logit changes no decision but moves every interval). So the two sides are different quantities:
// a `true` would not prove the decisions agree, and a `false` does not show that they differ. In the
// study's setting — a trained policy whose logits lie far outside [0, 1] and intervals narrow
// around them — the test could only answer `false`. The right question is whether both networks
// take the same argmax at every input of the region: `certifyDecision`.

import { forwardFp32, softmax, type Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import { boxCentre, checkBoxDimension, type Box, type Bounds } from './box.js';
import { certifyPrepared, type DecisionCertificate } from './certify.js';
import { int8BoxState } from './int8-bounds.js';
import { preparePair } from './pair.js';

/** The original study's check on a box, and the corrected answer. */
export interface OriginalStudyCheck {
  /** What the study bounded: the int8 model's logits over the box (interval bounds). */
  readonly int8LogitInterval: Bounds;
  /** What it compared them with: the FP32 softmax probabilities at the box centre. */
  readonly fp32Probabilities: Float64Array;
  /** Its answer: is every probability p_j inside the logit interval of index j? */
  readonly softmaxInsideLogitInterval: boolean;
  /** Why that answer says nothing about decisions (a sentence for reports). */
  readonly explanation: string;
  /** The right question — same argmax (first index on ties) on the whole box — and its answer. */
  readonly corrected: DecisionCertificate;
}

/**
 * Runs the original study's "is the FP32 softmax inside the int8 logit interval" test on `box`,
 * and `certifyDecision` (difference bounds) for the question it should have asked.
 */
export function originalStudyCheck(fp32: Mlp, int8: QMlp, box: Box): OriginalStudyCheck {
  const pair = preparePair(fp32, int8);
  checkBoxDimension(box, pair.inputSize, 'originalStudyCheck');
  const interval = int8BoxState(pair.intNet, box).logits;
  const logits = forwardFp32(fp32, Float32Array.from(boxCentre(box)));
  const k = logits.length;
  const probabilities = softmax(logits, 1, k, new Float64Array(k));
  let inside = true;
  for (let j = 0; j < k; j++) {
    const p = probabilities[j]!;
    if (!(interval.lower[j]! <= p && p <= interval.upper[j]!)) inside = false;
  }
  const corrected = certifyPrepared(pair, box, 'difference');
  const verdict =
    corrected.kind === 'consistent'
      ? `both networks provably take action ${corrected.action} on the whole box`
      : 'the bounds could not prove that both networks take the same action on the whole box';
  const explanation =
    `The test compares probabilities (in (0, 1), summing to 1) with logits (unbounded, and defined ` +
    `only up to a common shift that changes no decision), so its answer (${inside}) carries no ` +
    `information about the decisions; ${verdict} (certifyDecision).`;
  return {
    int8LogitInterval: interval,
    fp32Probabilities: probabilities,
    softmaxInsideLogitInterval: inside,
    explanation,
    corrected,
  };
}
