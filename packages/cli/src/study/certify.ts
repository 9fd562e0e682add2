// What the certifying commands (`sensitivity`, `repair`, `quantize --certify-delta`, the study's
// `certified` variant) share: the region verifier's options from their flags, and each certified
// model in one line. The states they calibrate and fine-tune on are `calibrationStates`'.

import type { Box } from '@quantproof/interval';
import { createSeededRng, type Mlp } from '@quantproof/nn';
import { type QatLoss, type QMlpStatic, staticRangesOf, staticSchemeOf } from '@quantproof/quant';
import type { PrecisionFrontJson, RepairJson } from '@quantproof/web-report';
import {
  type CertifiedMixedPrecisionResult,
  type CertifiedNumbers,
  type RegionOptions,
  repairToTarget,
  type RepairResult,
  type RepairRound,
} from '@quantproof/smt-verify';
import type { AssumedCpuSemantics } from './cpu-semantics.js';
import { bracketText } from './verification-text.js';

/** The verifier flags the certifying commands share. */
export interface CertifyVerifyFlags {
  /** Seconds per verified model. */
  readonly timeout: number;
  readonly maxBoxes?: number;
  readonly workers?: number;
  readonly seed: number;
}

/** `verifyRegion` options from the flags (counterexamples of in-memory models replay in the executors). */
export function certifyRegionOptions(
  flags: CertifyVerifyFlags,
  cpu: AssumedCpuSemantics,
): RegionOptions {
  return {
    seconds: flags.timeout,
    seed: flags.seed,
    cpuSemantics: cpu.semantics,
    ...(flags.maxBoxes === undefined ? {} : { maxBoxes: flags.maxBoxes }),
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
  };
}

/** A certified bracket of a real number: `[0.3906, 0.4000]`, `≤ 0` or `none`. */
export function numberBracketText(
  bracket: { readonly lower: number; readonly upper: number } | null,
  none = 'none',
): string {
  if (bracket === null) return none;
  const upper = Number.isFinite(bracket.upper) ? bracket.upper.toPrecision(4) : '∞';
  return `[${bracket.lower.toPrecision(4)}, ${upper}]`;
}

/** A certified model in one line: δ*, ε*, the disagreeing share and the verdict. */
export function numbersText(n: CertifiedNumbers): string {
  return `δ* ∈ ${numberBracketText(n.flipMargin, 'none (every leaf agrees)')}, ε* ∈ ${numberBracketText(n.errorBound)}, disagreeing share ${bracketText(n.disagreement, 2)} (${n.verdict}, ${n.boxes} boxes, ${n.seconds.toFixed(1)} s)`;
}

/** One repair round in one line. */
export function roundText(r: RepairRound, target: number): string {
  const next = r.reached
    ? `≤ ${target}: target proven`
    : r.counterexamples + r.boundaryPoints > 0
      ? `> ${target}: fine-tuning on ${r.counterexamples} counterexamples and ${r.boundaryPoints} boundary-cell points`
      : `> ${target}`;
  return `round ${r.round}: ${numbersText(r.numbers)} — δ*'s upper end ${next}`;
}

/** A repair as run directories and `--json` record it (web-report's `RepairJson`). */
export type RepairRecordJson = RepairJson;

/** The record of a repair (infinite upper ends as null, as in verify.json). */
export function repairRecord(result: RepairResult): RepairRecordJson {
  const bracket = (
    b: { readonly lower: number; readonly upper: number } | null,
  ): { lower: number; upper: number | null } | null =>
    b === null ? null : { lower: b.lower, upper: Number.isFinite(b.upper) ? b.upper : null };
  return {
    targetDelta: result.targetDelta,
    kind: result.kind,
    round: result.round,
    rounds: result.rounds.map((r) => ({
      round: r.round,
      verdict: r.numbers.verdict,
      flipMargin: bracket(r.numbers.flipMargin),
      errorBound: bracket(r.numbers.errorBound),
      disagreement: r.numbers.disagreement,
      counterexamples: r.counterexamples,
      boundaryPoints: r.boundaryPoints,
      reached: r.reached,
      boxes: r.numbers.boxes,
      seconds: r.numbers.seconds,
    })),
  };
}

/** Options of `repairModel`. */
export interface RepairModelOptions {
  readonly targetDelta: number;
  /** Fine-tuning rounds after round 0. */
  readonly rounds: number;
  readonly verify: RegionOptions;
  /** The states fine-tuning distils on (`calibrationStates`). */
  readonly states: Float32Array;
  readonly seed: number;
  /** Fine-tuning's loss; default QAT's (KL distillation). */
  readonly loss?: QatLoss;
  readonly onRound?: (round: RepairRound) => void;
  /** Layers every round keeps in float32 (the model verified and returned is then mixed). */
  readonly keepFp32?: readonly number[];
}

/**
 * Repairs `start`, an int8 model of `fp32`, over `region`: round 0 verifies `start` itself; later
 * rounds fine-tune from the FP32 weights and convert with `start`'s own ranges and scheme (read
 * back from it), so the repaired model keeps its layout, element types and bit widths.
 */
export function repairModel(
  fp32: Mlp,
  start: QMlpStatic,
  region: Box,
  options: RepairModelOptions,
): Promise<RepairResult> {
  return repairToTarget(fp32, region, {
    targetDelta: options.targetDelta,
    ranges: staticRangesOf(start),
    scheme: staticSchemeOf(start),
    states: options.states,
    rng: createSeededRng(options.seed),
    start: { model: start, student: fp32 },
    rounds: options.rounds,
    verify: options.verify,
    ...(options.loss === undefined ? {} : { loss: options.loss }),
    ...(options.onRound === undefined ? {} : { onRound: options.onRound }),
    ...(options.keepFp32 === undefined ? {} : { keepFp32: options.keepFp32 }),
  });
}

/** The search as web-report's `PrecisionFrontJson` (infinite upper ends as null). */
export function precisionFrontJson(result: CertifiedMixedPrecisionResult): PrecisionFrontJson {
  const index = new Map(result.points.map((p, i) => [p, i]));
  return {
    targetDelta: result.targetDelta,
    points: result.points.map((p) => ({
      bits: p.bits,
      sizeBits: p.sizeBits,
      flipMargin:
        p.numbers.flipMargin === null
          ? null
          : {
              lower: p.numbers.flipMargin.lower,
              upper: Number.isFinite(p.numbers.flipMargin.upper)
                ? p.numbers.flipMargin.upper
                : null,
              certified: p.numbers.flipMargin.certified,
            },
      disagreement: p.numbers.disagreement,
      meetsTarget: p.meetsTarget,
    })),
    front: result.front.map((p) => index.get(p)!),
    chosen: result.chosen === null ? null : index.get(result.chosen)!,
  };
}
