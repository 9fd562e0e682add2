// certifyDecision: does the int8 model take the FP32 network's decision at every input of a box?
//
// Decision rule, both sides: argmax with ties to the FIRST maximal index (ONNX ArgMax, numpy,
// quant's `argmaxFirst`). Action a is taken at a point iff logit_a − logit_j > 0 for every j < a and
// ≥ 0 for every j > a. The candidate action is the FP32 decision at the box centre (the only one
// that can hold on the whole box); the box is `consistent` when sound lower bounds of those margins
// prove the rule for the FP32 network (both semantics) and for the int8 model as executed.

import { forwardFp32, type Mlp, type OutputHead } from '@quantproof/nn';
import { argmaxFirst, type QMlp, SOFTMAX_ORDER_GAP } from '@quantproof/quant';
import { boxCentre, checkBoxDimension, type Box, type Bounds } from './box.js';
import type { LinearForm } from './back-substitution.js';
import {
  analyseDifference,
  jointDifferenceSpecLowerForm,
  jointInt8SpecLowerForm,
} from './difference-bounds.js';
import { IntervalOptionsError } from './errors.js';
import { fp32BoxState } from './fp32-network.js';
import { int8BoxState } from './int8-bounds.js';
import { logitLinearBounds, refineNetwork, specLowerForm } from './linear-bounds.js';
import { subDown, subUp } from './outward.js';
import { preparePair, type PreparedPair } from './pair.js';
import { boundsFinite, intersectBounds } from './real-network.js';

/**
 * Which bounds prove margins: `ibp` (interval bounds; int8 ones exact per layer), `linear` (also
 * CROWN-style linear bounds of each network, intersected with IBP) or `difference` (also the
 * joint FP32/int8 difference bounds for the int8 margins).
 */
export type BoundMethod = 'ibp' | 'linear' | 'difference';

/** Every bound method, in increasing order of cost and tightness. */
export const BOUND_METHODS: readonly BoundMethod[] = ['ibp', 'linear', 'difference'];

/** Options of `certifyDecision`. */
export interface CertifyOptions {
  /** Default `'difference'`. */
  readonly method?: BoundMethod;
}

/** The bounds a certificate was decided on. */
export interface DecisionBounds {
  readonly method: BoundMethod;
  /** The candidate action: the FP32 decision at the box centre. */
  readonly action: number;
  /**
   * Lower bounds of `logit_action − logit_j` for the FP32 network (both semantics), per j; the
   * entry of the action itself is 0. The rule holds when entries j < action are > 0 and the
   * others ≥ 0.
   */
  readonly fp32Margins: Float64Array;
  /** The same for the int8 model as executed. */
  readonly int8Margins: Float64Array;
  readonly fp32Logits: Bounds;
  readonly int8Logits: Bounds;
  /** Bounds of int8 − FP32 logits (`difference` method only, else null). */
  readonly difference: Bounds | null;
  /**
   * Per input dimension, |coefficient| × width of the weakest margin's linear bound: how much
   * each dimension limits the proof (null for `ibp`, or when every margin is proven).
   */
  readonly inputInfluence: Float64Array | null;
}

/** The answer of `certifyDecision`: proven on the whole box, or not proven (never refuted). */
export type DecisionCertificate =
  | ({ readonly kind: 'consistent' } & DecisionBounds)
  | ({
      readonly kind: 'unknown';
      /** Which side could not be proven (`non-finite-bounds`: a bound overflowed). */
      readonly reason: 'fp32-margin' | 'int8-margin' | 'both-margins' | 'non-finite-bounds';
    } & DecisionBounds);

/**
 * Whether margin lower bounds prove the first-index argmax rule for `action`. With a `floor` (a
 * Softmax head: `SOFTMAX_ORDER_GAP`) every margin must exceed it, since smaller positive logit gaps
 * may collapse to equal probabilities.
 */
export function marginsProveAction(margins: Float64Array, action: number, floor = 0): boolean {
  for (let j = 0; j < margins.length; j++) {
    if (j === action) continue;
    const m = margins[j]!;
    if (floor > 0 ? !(m > floor) : j < action ? !(m > 0) : !(m >= 0)) return false;
  }
  return true;
}

/** The margin floor a model's output head imposes on a proof of its decision (0 for logits). */
export function headMarginFloor(model: { readonly head?: OutputHead }): number {
  return (model.head ?? 'logits') === 'softmax' ? SOFTMAX_ORDER_GAP : 0;
}

function ibpMargins(logits: Bounds, action: number): Float64Array {
  return Float64Array.from(logits.lower, (_, j) =>
    j === action ? 0 : subDown(logits.lower[action]!, logits.upper[j]!),
  );
}

function subtractBounds(a: Bounds, b: Bounds): Bounds {
  return {
    lower: Float64Array.from(a.lower, (v, j) => subDown(v, b.upper[j]!)),
    upper: Float64Array.from(a.upper, (v, j) => subUp(v, b.lower[j]!)),
  };
}

function influenceOf(form: LinearForm, box: Box): Float64Array {
  return Float64Array.from(
    form.coefficients,
    (c, i) => Math.abs(c) * (box.upper[i]! - box.lower[i]!),
  );
}

function weakestInfluence(
  forms: readonly LinearForm[],
  margins: Float64Array,
  action: number,
  box: Box,
  floor: number,
): Float64Array | null {
  let weakest = Infinity;
  let influence: Float64Array | null = null;
  forms.forEach((form, j) => {
    if (j === action) return;
    const m = margins[j]!;
    const proven = floor > 0 ? m > floor : j < action ? m > 0 : m >= 0;
    if (!proven && m < weakest) {
      weakest = m;
      influence = influenceOf(form, box);
    }
  });
  return influence;
}

/**
 * certifyDecision on a prepared pair (the box's dimension already checked). With `detail:
 * 'decision'` (input splitting) it skips the logit and difference bounds that only reports use, and
 * stops before the int8 linear bounds when the FP32 margins already fail.
 */
export function certifyPrepared(
  pair: PreparedPair,
  box: Box,
  method: BoundMethod,
  detail: 'full' | 'decision' = 'full',
): DecisionCertificate {
  const centre = Float32Array.from(boxCentre(box));
  const action = argmaxFirst(forwardFp32(pair.fp32, centre));
  const fpFloor = headMarginFloor(pair.fp32);
  const intFloor = headMarginFloor(pair.int8);
  const fpState = fp32BoxState(pair.fpNet, box);
  const intState = int8BoxState(pair.intNet, box);
  const fp32Margins = ibpMargins(fpState.logits, action);
  const int8Margins = ibpMargins(intState.logits, action);
  let fp32Logits = fpState.logits;
  let int8Logits = intState.logits;
  let difference: Bounds | null = null;
  let inputInfluence: Float64Array | null = null;
  if (method !== 'ibp') {
    const fp = refineNetwork(pair.fpNet, fpState);
    const k = pair.outputSize;
    const spec = new Float64Array(k);
    const fpForms: LinearForm[] = [];
    for (let j = 0; j < k; j++) {
      spec.fill(0);
      spec[action] = 1;
      spec[j] = -1;
      const fpForm = specLowerForm(fp, spec);
      fpForms.push(fpForm);
      if (j !== action) fp32Margins[j] = Math.max(fp32Margins[j]!, fpForm.lower);
    }
    if (detail === 'decision' && !marginsProveAction(fp32Margins, action, fpFloor)) {
      return {
        kind: 'unknown',
        reason: 'fp32-margin',
        method,
        action,
        fp32Margins,
        int8Margins,
        fp32Logits,
        int8Logits,
        difference,
        inputInfluence: weakestInfluence(fpForms, fp32Margins, action, box, fpFloor),
      };
    }
    const int = refineNetwork(pair.intNet, intState);
    const intForms: LinearForm[] = [];
    for (let j = 0; j < k; j++) {
      spec.fill(0);
      spec[action] = 1;
      spec[j] = -1;
      const intForm = specLowerForm(int, spec);
      intForms.push(intForm);
      if (j !== action) int8Margins[j] = Math.max(int8Margins[j]!, intForm.lower);
    }
    // The joint analysis costs as much again: in decision mode only when the int8 bounds alone fail.
    const joint =
      method === 'difference' &&
      (detail === 'full' || !marginsProveAction(int8Margins, action, intFloor))
        ? analyseDifference(pair, box, fp, int)
        : null;
    if (joint !== null) {
      for (let j = 0; j < k; j++) {
        if (j === action) continue;
        spec.fill(0);
        spec[action] = 1;
        spec[j] = -1;
        const jointForm = jointInt8SpecLowerForm(joint, spec);
        if (jointForm.lower > intForms[j]!.lower) intForms[j] = jointForm;
        int8Margins[j] = Math.max(int8Margins[j]!, jointForm.lower);
      }
    }
    const fpInfluence = weakestInfluence(fpForms, fp32Margins, action, box, fpFloor);
    inputInfluence = fpInfluence ?? weakestInfluence(intForms, int8Margins, action, box, intFloor);
    if (detail === 'full') {
      fp32Logits = logitLinearBounds(fp, 'input').logits;
      int8Logits = logitLinearBounds(int, 'input').logits;
    }
    if (joint !== null && detail === 'full') {
      const subtracted = subtractBounds(int8Logits, fp32Logits);
      const lower = new Float64Array(k);
      const upper = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        spec.fill(0);
        spec[j] = 1;
        lower[j] = jointDifferenceSpecLowerForm(joint, spec).lower;
        spec[j] = -1;
        upper[j] = -jointDifferenceSpecLowerForm(joint, spec).lower;
      }
      difference = intersectBounds({ lower, upper }, subtracted);
    }
  }
  const bounds: DecisionBounds = {
    method,
    action,
    fp32Margins,
    int8Margins,
    fp32Logits,
    int8Logits,
    difference,
    inputInfluence,
  };
  const fpOk = marginsProveAction(fp32Margins, action, fpFloor);
  const intOk = marginsProveAction(int8Margins, action, intFloor);
  if (fpOk && intOk) return { kind: 'consistent', ...bounds, inputInfluence: null };
  const finite = boundsFinite(fpState.logits) && boundsFinite(intState.logits);
  const reason = !finite
    ? 'non-finite-bounds'
    : !fpOk && !intOk
      ? 'both-margins'
      : fpOk
        ? 'int8-margin'
        : 'fp32-margin';
  return { kind: 'unknown', reason, ...bounds };
}

/** Checks a bound method name. */
export function checkMethod(method: unknown): BoundMethod {
  if (!BOUND_METHODS.includes(method as BoundMethod)) {
    throw new IntervalOptionsError(
      `method must be one of ${BOUND_METHODS.join(', ')}; got ${String(method)}`,
    );
  }
  return method as BoundMethod;
}

/**
 * Whether the int8 model provably takes the FP32 network's decision everywhere in `box` (see the
 * README for exactly which inputs are covered). Returns `consistent` with the proving bounds, or
 * `unknown` with the best bounds found — never `inconsistent`: refuting needs a checked
 * counterexample (`searchCounterexamples`).
 */
export function certifyDecision(
  fp32: Mlp,
  int8: QMlp,
  box: Box,
  options: CertifyOptions = {},
): DecisionCertificate {
  const method = checkMethod(options.method ?? 'difference');
  const pair = preparePair(fp32, int8);
  checkBoxDimension(box, pair.inputSize, 'certifyDecision');
  return certifyPrepared(pair, box, method);
}

/** A certifier for one FP32/int8 pair, validated once: `(box) => certifyDecision(fp32, int8, box, options)`. */
export function createDecisionCertifier(
  fp32: Mlp,
  int8: QMlp,
  options: CertifyOptions = {},
): (box: Box) => DecisionCertificate {
  const method = checkMethod(options.method ?? 'difference');
  const pair = preparePair(fp32, int8);
  return (box: Box) => {
    checkBoxDimension(box, pair.inputSize, 'certifyDecision');
    return certifyPrepared(pair, box, method);
  };
}
