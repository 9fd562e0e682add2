// One bound pass on one box, shared by every question the region driver asks about it: is the
// int8 decision FP32's everywhere (agree), is it different everywhere (disagree), how large can the
// FP32 margin of a disagreement be (δ*'s upper bound), how large the logit error (ε*'s). IBP, then
// CROWN-style linear bounds of each network, then (when asked for, or when the int8 proof needs
// it) the joint difference bounds; every bound is sound for float32 execution (interval's error
// model) and for the real-number FP32 network.

import { forwardFp32 } from '@quantproof/nn';
import { decideOutputs } from '@quantproof/quant';
import { boxCentre, type Box, type Bounds } from '../box.js';
import type { LinearForm } from '../back-substitution.js';
import { headMarginFloor } from '../certify.js';
import {
  analyseDifference,
  jointDifferenceSpecLowerForm,
  jointInt8SpecLowerForm,
  type JointAnalysis,
} from '../difference-bounds.js';
import { fp32BoxState } from '../fp32-network.js';
import { int8BoxState } from '../int8-bounds.js';
import { refineNetwork, specLowerForm, type RefinedNetwork } from '../linear-bounds.js';
import { addUp, subDown, subUp } from '../outward.js';
import type { PreparedPair } from '../pair.js';
import { boundsFinite } from '../real-network.js';

/** What one bound pass proved on a box, and the bounds δ* and ε* use there. */
export interface BoxAnalysis {
  /**
   * `agree`: FP32 and int8 take `fp32Action` at every float32 input of the box; `disagree`: the
   * int8 model takes `int8Action` everywhere and some FP32 output beats it everywhere (so FP32's
   * decision is never int8's); null: neither was proven.
   */
  readonly proven: 'agree' | 'disagree' | null;
  /** FP32's and int8's decisions at the box centre (the candidates the proofs try). */
  readonly fp32Action: number;
  readonly int8Action: number;
  /**
   * Per input dimension, |coefficient| × width of the weakest unproven margin's linear bound: how
   * much each dimension limits the proof (the split policy's guide); null when nothing limits it.
   */
  readonly influence: Float64Array | null;
  /**
   * An upper bound of the FP32 margin (FP32's top output over its runner-up, exact real
   * arithmetic) at any input of the box where the int8 decision is not FP32's; −Infinity when
   * there is none (proven agree), +Infinity when the bounds overflowed.
   */
  readonly flipUpper: number;
  /** The box corner where the bound behind `flipUpper` is largest (a place to look for δ*). */
  readonly flipVertex: Float64Array | null;
  /** An upper bound of max_j |int8_j − FP32_j| (logits before any head) over the box. */
  readonly errorUpper: number;
  /** The box corner where the bound behind `errorUpper` is largest. */
  readonly errorVertex: Float64Array | null;
}

/** How much of the pass to run. */
export interface AnalyseOptions {
  /**
   * Compute the joint difference bounds even when the decision does not need them (δ*'s and ε*'s
   * upper bounds are tighter with them). Default true.
   */
  readonly joint?: boolean;
}

function proves(lower: (j: number) => number, k: number, action: number, floor: number): boolean {
  for (let j = 0; j < k; j++) {
    if (j === action) continue;
    const m = lower(j);
    if (floor > 0 ? !(m > floor) : j < action ? !(m > 0) : !(m >= 0)) return false;
  }
  return true;
}

/** The box corner where a linear lower form is smallest (its bounded quantity most extreme). */
function corner(box: Box, form: LinearForm): Float64Array {
  return Float64Array.from(box.lower, (l, i) => (form.coefficients[i]! > 0 ? l : box.upper[i]!));
}

function influenceOf(form: LinearForm, box: Box): Float64Array {
  return Float64Array.from(form.coefficients, (c, i) => Math.abs(c) * (box.upper[i]! - box.lower[i]!));
}

/** One bound pass on a closed float32 box of a prepared pair (see `BoxAnalysis`). */
export function analyseBox(pair: PreparedPair, box: Box, options: AnalyseOptions = {}): BoxAnalysis {
  const k = pair.outputSize;
  const wantJoint = options.joint ?? true;
  const centre = Float32Array.from(boxCentre(box));
  const fp32Action = decideOutputs(forwardFp32(pair.fp32, centre));
  const int8Action = decideOutputs(pair.executor.forward(centre));
  const fpFloor = headMarginFloor(pair.fp32);
  const intFloor = headMarginFloor(pair.int8);
  const fpState = fp32BoxState(pair.fpNet, box);
  const intState = int8BoxState(pair.intNet, box);
  const finite = boundsFinite(fpState.logits) && boundsFinite(intState.logits);
  // Tighter bounds are computed only when the cheaper ones do not settle the question: IBP, then
  // linear bounds of FP32, then of int8, then the joint difference bounds.
  let fp: RefinedNetwork | null = null;
  let int: ReturnType<typeof refineNetwork<typeof intState>> | null = null;
  let joint: JointAnalysis | null = null;
  const spec = new Float64Array(k);
  const pairSpec = (i: number, j: number): Float64Array => {
    spec.fill(0);
    spec[i] = 1;
    spec[j] = -1;
    return spec;
  };
  // Lower bounds of y_i − y_j (FP32) and q_i − q_j (int8), with the forms that gave them.
  const fpForms = new Map<number, LinearForm>();
  const fpLower = (i: number, j: number): number => {
    const ibp = subDown(fpState.logits.lower[i]!, fpState.logits.upper[j]!);
    if (fp === null) return ibp;
    const key = i * k + j;
    let form = fpForms.get(key);
    if (form === undefined) {
      form = specLowerForm(fp, pairSpec(i, j));
      fpForms.set(key, form);
    }
    return Math.max(form.lower, ibp);
  };
  const intForms = new Map<number, LinearForm>();
  const intLower = (i: number, j: number): number => {
    const ibp = subDown(intState.logits.lower[i]!, intState.logits.upper[j]!);
    if (int === null) return ibp;
    const key = i * k + j;
    let form = intForms.get(key);
    if (form === undefined) {
      form = specLowerForm(int, pairSpec(i, j));
      if (joint !== null) {
        const jf = jointInt8SpecLowerForm(joint, pairSpec(i, j));
        if (jf.lower > form.lower) form = jf;
      }
      intForms.set(key, form);
    }
    return Math.max(form.lower, ibp);
  };
  const refineFp = (): void => {
    fp ??= refineNetwork(pair.fpNet, fpState);
  };
  const refineInt = (): void => {
    int ??= refineNetwork(pair.intNet, intState);
  };
  const withJoint = (): void => {
    if (joint !== null) return;
    refineFp();
    refineInt();
    joint = analyseDifference(pair, box, fp!, int!);
    intForms.clear();
  };
  const fpAgrees = (): boolean => proves((j) => fpLower(fp32Action, j), k, fp32Action, fpFloor);
  const intAgrees = (): boolean => proves((j) => intLower(fp32Action, j), k, fp32Action, intFloor);
  const intTakes = (c: number): boolean => proves((j) => intLower(c, j), k, c, intFloor);
  const fpBeats = (c: number): boolean => {
    for (let j = 0; j < k; j++) if (j !== c && fpLower(j, c) > fpFloor) return true;
    return false;
  };
  const differs = fp32Action !== int8Action;

  let proven: BoxAnalysis['proven'] = null;
  if (finite) {
    for (let level = 0; level < 4 && proven === null; level++) {
      if (level === 1) refineFp();
      if (level === 2) {
        // The int8 side only matters once the FP32 side is proven either way.
        if (!fpAgrees() && !(differs && fpBeats(int8Action))) break;
        refineInt();
      }
      if (level === 3) withJoint();
      if (fpAgrees() && intAgrees()) proven = 'agree';
      else if (differs && fpBeats(int8Action) && intTakes(int8Action)) proven = 'disagree';
    }
  }
  if (wantJoint && finite) withJoint();

  let influence: Float64Array | null = null;
  if (finite && proven === null) {
    refineFp();
    // The weakest unproven margin of the agreement proof guides the split.
    let weakest = Infinity;
    const consider = (m: number, form: LinearForm | undefined): void => {
      if (form !== undefined && m < weakest) {
        weakest = m;
        influence = influenceOf(form, box);
      }
    };
    for (let j = 0; j < k; j++) {
      if (j === fp32Action) continue;
      const m = fpLower(fp32Action, j);
      const ok = fpFloor > 0 ? m > fpFloor : j < fp32Action ? m > 0 : m >= 0;
      if (!ok) consider(m, fpForms.get(fp32Action * k + j));
    }
    if (influence === null && int !== null) {
      for (let j = 0; j < k; j++) {
        if (j === fp32Action) continue;
        const m = intLower(fp32Action, j);
        const ok = intFloor > 0 ? m > intFloor : j < fp32Action ? m > 0 : m >= 0;
        if (!ok) consider(m, intForms.get(fp32Action * k + j));
      }
    }
  }

  // ε*: bounds of d = int8 − FP32 logits.
  let errorUpper = 0;
  let errorVertex: Float64Array | null = null;
  const dLower = new Float64Array(k);
  const dUpper = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    dLower[j] = subDown(intState.logits.lower[j]!, fpState.logits.upper[j]!);
    dUpper[j] = subUp(intState.logits.upper[j]!, fpState.logits.lower[j]!);
  }
  const dForms: LinearForm[] = [];
  if (joint !== null) {
    for (let j = 0; j < k; j++) {
      spec.fill(0);
      spec[j] = 1;
      const low = jointDifferenceSpecLowerForm(joint, spec);
      spec[j] = -1;
      const up = jointDifferenceSpecLowerForm(joint, spec);
      if (low.lower > dLower[j]!) dLower[j] = low.lower;
      if (-up.lower < dUpper[j]!) dUpper[j] = -up.lower;
      dForms.push(low, up);
    }
  }
  for (let j = 0; j < k; j++) {
    const lo = Math.abs(dLower[j]!);
    const hi = Math.abs(dUpper[j]!);
    const m = Math.max(lo, hi);
    if (Number.isNaN(m) || m > errorUpper) {
      errorUpper = Number.isNaN(m) ? Infinity : m;
      const form = dForms[2 * j + (hi >= lo ? 1 : 0)];
      errorVertex = form === undefined ? null : corner(box, form);
    }
  }
  if (!finite) errorUpper = Infinity;

  // δ*: where int8 takes c and FP32 does not, FP32's margin ≤ y_j − y_c for its top output j, and
  // y_j − y_c = (q_j − d_j) − (q_c − d_c) ≤ d_c − d_j + (the int8 head's collapse gap).
  let flipUpper = -Infinity;
  let flipVertex: Float64Array | null = null;
  if (!finite) flipUpper = Infinity;
  else if (proven !== 'agree') {
    const possible =
      proven === 'disagree' || intTakes(int8Action)
        ? [int8Action]
        : Array.from({ length: k }, (_, j) => j);
    for (const c of possible) {
      for (let j = 0; j < k; j++) {
        if (j === c) continue;
        const cap = addUp(subUp(dUpper[c]!, dLower[j]!), intFloor);
        const m = Math.min(-fpLower(c, j), cap);
        if (Number.isNaN(m)) {
          flipUpper = Infinity;
          continue;
        }
        if (m > flipUpper) {
          flipUpper = m;
          const form = fpForms.get(c * k + j);
          flipVertex = form === undefined ? null : corner(box, form);
        }
      }
    }
  }
  return {
    proven,
    fp32Action,
    int8Action,
    influence,
    flipUpper,
    flipVertex,
    errorUpper,
    errorVertex,
  };
}
