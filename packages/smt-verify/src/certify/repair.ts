// Counterexample-guided repair: verify the int8 model over the region; while its certified δ* is
// above the target, fine-tune it with quant's quantisation-aware training (distillation from the
// FP32 network through the straight-through estimator) on the training states plus the replayed
// counterexamples, δ*'s witness and points of the boundary cells (mixed leaves), then verify again —
// until the target is proven or the rounds run out. Every round's numbers are `verifyRegion`'s.
import { cloneMlp, type Mlp, type Rng } from '@quantproof/nn';
import {
  type CalibrationRanges,
  keepLayersInFloat32,
  type QatLoss,
  type QMlpMixed,
  type QMlpStatic,
  type QuantizeStaticOptions,
  quantizeAwareTrain,
  quantizeStaticWithRanges,
} from '@quantproof/quant';
import { float32Box, type InputBox } from '../box.js';
import { SmtVerifyOptionsError } from '../errors.js';
import { type RegionOptions, type RegionResult, verifyRegion } from '../region/verify-region.js';
import { type CertifiedNumbers, certifiedNumbers, flipMarginUpper } from './certified-numbers.js';

/** Options of `repairToTarget`. */
export interface RepairOptions {
  /** The δ* to prove: the certified upper end of δ* must be ≤ this. */
  readonly targetDelta: number;
  /** The activation ranges every round converts with (frozen, like the model being repaired). */
  readonly ranges: CalibrationRanges;
  /** The static scheme of the repaired model (format, element types, bit widths). */
  readonly scheme?: QuantizeStaticOptions;
  /** Training states (row-major), e.g. those the FP32 policy visits; distilled every round. */
  readonly states: Float32Array;
  /** The training randomness (region samples, shuffles, boundary points). */
  readonly rng: Rng;
  /**
   * The model of round 0 and the float network it was converted from (the student fine-tuning
   * continues from). Default: `quantizeStaticWithRanges(fp32, ranges, scheme)` from the FP32 weights.
   */
  readonly start?: { readonly model: QMlpStatic; readonly student: Mlp };
  /** Fine-tuning rounds after round 0. Default 4. */
  readonly rounds?: number;
  /** QAT epochs per round. Default 6. */
  readonly epochs?: number;
  /** QAT's distillation loss. Default `{ kind: 'kl', temperature: 1 }` (QAT's own default). */
  readonly loss?: QatLoss;
  /** QAT step size. Default 5e-4. */
  readonly learningRate?: number;
  /** Uniform samples of the region added to every round's training inputs. Default 4000. */
  readonly regionSamples?: number;
  /** Copies of each counterexample and of δ*'s witness in the training inputs. Default 16. */
  readonly counterexampleCopies?: number;
  /** Points drawn in each mixed leaf (a boundary cell), at most `boundaryLimit` in all. Default 4. */
  readonly boundaryPointsPerLeaf?: number;
  /** Default 4000. */
  readonly boundaryLimit?: number;
  /** Options of every round's `verifyRegion` (give `maxBoxes` for a reproducible loop). */
  readonly verify?: RegionOptions;
  /**
   * Layers every round's model keeps in float32 (`keepLayersInFloat32`, the FP32 network's weights):
   * the model verified, recorded and returned is that mixed model; fine-tuning trains the int8
   * layers as before. Default none.
   */
  readonly keepFp32?: readonly number[];
  /** Called after each round is verified. */
  readonly onRound?: (round: RepairRound) => void;
}

/** One verified round. */
export interface RepairRound {
  /** 0 is the starting model. */
  readonly round: number;
  readonly numbers: CertifiedNumbers;
  /** Replayed counterexamples and boundary points the next round trains on (0 after the last). */
  readonly counterexamples: number;
  readonly boundaryPoints: number;
  /** Whether this round's certified δ* upper end is ≤ the target. */
  readonly reached: boolean;
}

/** What `repairToTarget` returns, discriminated by `kind`. */
export interface RepairResult {
  /** `reached`: `model`'s certified δ* is ≤ the target; `budget`: no round reached it. */
  readonly kind: 'reached' | 'budget';
  readonly targetDelta: number;
  /**
   * The first round that reached the target, else the round with the smallest certified δ* upper
   * end (a mixed model with `keepFp32`).
   */
  readonly model: QMlpStatic | QMlpMixed;
  readonly student: Mlp;
  readonly round: number;
  /** That round's verification, unchanged. */
  readonly verification: RegionResult;
  readonly rounds: readonly RepairRound[];
}

function count(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SmtVerifyOptionsError(`${name} must be an integer ≥ ${min}; got ${value}`);
  }
  return value;
}

/** The inputs the next round trains on besides the states: counterexamples, δ*'s witness, boundary points. */
function repairInputs(
  result: RegionResult,
  rng: Rng,
  copies: number,
  perLeaf: number,
  limit: number,
): { inputs: Float32Array; counterexamples: number; boundaryPoints: number } {
  const rows: ArrayLike<number>[] = [];
  for (const c of result.counterexamples) for (let k = 0; k < copies; k++) rows.push(c.input);
  const witness = result.flipMargin?.witness;
  if (witness !== undefined && witness !== null)
    for (let k = 0; k < copies; k++) rows.push(witness);
  let boundaryPoints = 0;
  for (const leaf of result.leaves) {
    if (leaf.status !== 'mixed') continue;
    for (let k = 0; k < perLeaf && boundaryPoints < limit; k++, boundaryPoints++) {
      rows.push(
        leaf.lower.map((lo, i) => Math.fround(lo + (leaf.upper[i]! - lo) * rng.nextFloat64())),
      );
    }
  }
  const size = result.region.lower.length;
  const inputs = new Float32Array(rows.length * size);
  rows.forEach((r, i) => inputs.set(Array.from(r), i * size));
  return { inputs, counterexamples: result.counterexamples.length, boundaryPoints };
}

/**
 * Repairs an int8 model of `fp32` until `verifyRegion` certifies δ* ≤ `options.targetDelta` over
 * `box`, or the rounds run out. Deterministic for a given `rng` state and a `maxBoxes` budget.
 */
export async function repairToTarget(
  fp32: Mlp,
  box: InputBox,
  options: RepairOptions,
): Promise<RepairResult> {
  const target = options.targetDelta;
  if (!(target >= 0) || !Number.isFinite(target)) {
    throw new SmtVerifyOptionsError(`targetDelta must be a finite number ≥ 0; got ${target}`);
  }
  const rounds = count('rounds', options.rounds ?? 4, 0);
  const epochs = count('epochs', options.epochs ?? 6, 1);
  const copies = count('counterexampleCopies', options.counterexampleCopies ?? 16, 0);
  const perLeaf = count('boundaryPointsPerLeaf', options.boundaryPointsPerLeaf ?? 4, 0);
  const limit = count('boundaryLimit', options.boundaryLimit ?? 4000, 0);
  const regionSamples = count('regionSamples', options.regionSamples ?? 4000, 0);
  const region = float32Box(box, fp32.layers[0]!.inFeatures);
  let model =
    options.start?.model ?? quantizeStaticWithRanges(fp32, options.ranges, options.scheme).model;
  let student = cloneMlp(options.start?.student ?? fp32);
  const keep = options.keepFp32;
  const deployed = (m: QMlpStatic): QMlpStatic | QMlpMixed =>
    keep === undefined || keep.length === 0 ? m : keepLayersInFloat32(fp32, m, keep);
  const history: RepairRound[] = [];
  let best: {
    round: number;
    model: QMlpStatic | QMlpMixed;
    student: Mlp;
    verification: RegionResult;
  } | null = null;
  for (let round = 0; ; round++) {
    const verified = deployed(model);
    const verification = await verifyRegion(fp32, verified, box, options.verify);
    const numbers = certifiedNumbers(verification);
    const reached = flipMarginUpper(numbers) <= target;
    const last = reached || round === rounds;
    const extra = last
      ? { inputs: new Float32Array(0), counterexamples: 0, boundaryPoints: 0 }
      : repairInputs(verification, options.rng, copies, perLeaf, limit);
    const record: RepairRound = {
      round,
      numbers,
      counterexamples: extra.counterexamples,
      boundaryPoints: extra.boundaryPoints,
      reached,
    };
    history.push(record);
    options.onRound?.(record);
    if (
      best === null ||
      reached ||
      flipMarginUpper(numbers) < flipMarginUpper(certifiedNumbers(best.verification))
    ) {
      best = { round, model: verified, student, verification };
    }
    if (last) break;
    const states = new Float32Array(options.states.length + extra.inputs.length);
    states.set(options.states);
    states.set(extra.inputs, options.states.length);
    const trained = quantizeAwareTrain(fp32, states, {
      rng: options.rng,
      ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
      initialStudent: student,
      initialRanges: options.ranges,
      epochs,
      learningRate: options.learningRate ?? 5e-4,
      ...(options.loss === undefined ? {} : { loss: options.loss }),
      checkpoint: 'last',
      boxSamples: { lower: region.lower, upper: region.upper, count: regionSamples },
    });
    model = trained.model;
    student = trained.student;
  }
  const chosen = best!;
  return {
    kind: history.some((r) => r.reached) ? 'reached' : 'budget',
    targetDelta: target,
    model: chosen.model,
    student: chosen.student,
    round: chosen.round,
    verification: chosen.verification,
    rounds: history,
  };
}
