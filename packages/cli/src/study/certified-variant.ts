// The study's `certified` variant, made by the counterexample-guided repair loop, and the one
// sentence its verification proves.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { boxFromOperatingBox } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import {
  calibrateInputFeatureRanges,
  calibrateRanges,
  type QMlpMixed,
  type QMlpStatic,
  quantizeStatic,
} from '@quantproof/quant';
import { certifyBitWidths } from '@quantproof/smt-verify';
import type { BoxJson, PrecisionFrontJson } from '@quantproof/web-report';
import { flipMarginCoverage, fp32Margins } from './flip-coverage.js';
import { precisionFrontJson } from './certify.js';
import type { AssumedCpuSemantics } from './cpu-semantics.js';
import { describeWarnings } from './quantize-model.js';
import { repairModel, repairRecord, type RepairRecordJson, roundText } from './certify.js';
import { CERTIFIED_VARIANT } from './variants.js';

/** The certified variant, its quantiser's warnings and the repair's rounds. */
export interface CertifiedVariant {
  readonly model: QMlpStatic | QMlpMixed;
  readonly warnings: readonly string[];
  readonly repair: RepairRecordJson;
}

/**
 * Quantises `policy` with the certified variant's scheme on `states` (visited states plus region
 * samples) and repairs it over the operating box (`CERTIFIED_VARIANT`'s target, rounds, budget).
 */
export async function certifiedVariant(
  policy: Mlp,
  states: Float32Array,
  options: {
    readonly seed: number;
    readonly cpuSemantics: AssumedCpuSemantics;
    readonly workers?: number;
    readonly log: (text: string) => void;
  },
): Promise<CertifiedVariant> {
  const start = quantizeStatic(policy, states, {
    ...CERTIFIED_VARIANT.scheme,
    operatingBox: CARTPOLE_OPERATING_BOX,
  });
  const repaired = await repairModel(
    policy,
    start.model,
    boxFromOperatingBox(CARTPOLE_OPERATING_BOX),
    {
      targetDelta: CERTIFIED_VARIANT.targetDelta,
      rounds: CERTIFIED_VARIANT.rounds,
      states,
      seed: options.seed,
      // Logit matching keeps ε* (and with it the bounds behind δ*'s upper end) small.
      loss: { kind: 'logit-mse' },
      verify: {
        seconds: 600,
        maxBoxes: CERTIFIED_VARIANT.maxBoxes,
        seed: options.seed,
        cpuSemantics: options.cpuSemantics.semantics,
        ...(options.workers === undefined ? {} : { workers: options.workers }),
      },
      onRound: (r) => options.log(`    ${roundText(r, CERTIFIED_VARIANT.targetDelta)}`),
      keepFp32: CERTIFIED_VARIANT.keepFp32,
    },
  );
  // A first layer kept in float32 reads the input as it is: no input range can saturate.
  const inputKept = CERTIFIED_VARIANT.keepFp32.includes(0);
  return {
    model: repaired.model,
    warnings: describeWarnings(
      inputKept
        ? start.warnings.filter((w) => w.kind !== 'input-range-not-covered')
        : start.warnings,
      CERTIFIED_VARIANT.scheme.inputScale,
    ),
    repair: repairRecord(repaired),
  };
}

/**
 * The certified variant's theorem in one sentence: the certified upper end of δ* as the margin
 * above which int8 provably takes FP32's action in `where`, and the share of visited states it
 * covers.
 */
export function certifiedTheorem(
  flipMarginUpper: number | null,
  verdict: string,
  coverage: { readonly share: number; readonly states: number },
  where = 'the operating box',
): string {
  const share = `${(100 * coverage.share).toFixed(2)} % of the ${coverage.states} states the FP32 policy visits`;
  if (verdict === 'consistent') {
    return `everywhere in ${where} the int8 policy takes the FP32 action (${share})`;
  }
  if (flipMarginUpper === null) {
    return 'no finite δ* was certified in the budget, so no margin is yet proven safe from flips';
  }
  return `wherever the FP32 margin exceeds δ* = ${flipMarginUpper.toPrecision(4)} in ${where}, the int8 policy takes the FP32 action — ${share}`;
}

/** What a certified theorem states, and the share of the visited states it covers. */
export interface CertifiedTheorem {
  readonly text: string;
  readonly coverage: { readonly share: number; readonly states: number };
}

/**
 * `certifiedTheorem` for a verification of `mlp`'s int8 model over `where` (its region), with its
 * coverage of the visited `states` (row-major): those inside the region whose FP32 margin exceeds
 * δ*'s certified upper end.
 */
export function certifiedTheoremOn(
  mlp: Mlp,
  states: Float32Array,
  verification: {
    readonly region: BoxJson;
    readonly verdict: string;
    readonly flipMargin: { readonly upper: number | null } | null;
  },
  where: string,
): CertifiedTheorem {
  const upper = verification.flipMargin?.upper ?? null;
  const margins = fp32Margins(mlp, states);
  const coverage = {
    share: flipMarginCoverage(states, margins, verification.region, upper),
    states: margins.length,
  };
  return { text: certifiedTheorem(upper, verification.verdict, coverage, where), coverage };
}

/** The weight bit widths (every layer alike) whose certified front the study reports. */
export const STUDY_PRECISION_BITS: readonly number[] = [8, 6, 4];

/** Boxes per model of the study's precision front (a deterministic budget). */
export const STUDY_PRECISION_MAX_BOXES = 100;

/**
 * The study's certified mixed-precision front: the certified variant's scheme and ranges (calibrated
 * on `states`) at `STUDY_PRECISION_BITS` in every layer, each verified over the operating box.
 */
export async function studyPrecisionFront(
  policy: Mlp,
  states: Float32Array,
  options: {
    readonly seed: number;
    readonly cpuSemantics: AssumedCpuSemantics;
    readonly workers?: number;
  },
): Promise<PrecisionFrontJson> {
  const result = await certifyBitWidths(
    policy,
    boxFromOperatingBox(CARTPOLE_OPERATING_BOX),
    STUDY_PRECISION_BITS.map((b) => policy.layers.map(() => b)),
    {
      targetDelta: CERTIFIED_VARIANT.targetDelta,
      ranges: {
        ...calibrateRanges(policy, states, { kind: 'minmax' }),
        inputFeatures: calibrateInputFeatureRanges(policy, states, { kind: 'minmax' }),
      },
      scheme: CERTIFIED_VARIANT.scheme,
      verify: {
        seconds: 600,
        maxBoxes: STUDY_PRECISION_MAX_BOXES,
        seed: options.seed,
        cpuSemantics: options.cpuSemantics.semantics,
        ...(options.workers === undefined ? {} : { workers: options.workers }),
      },
    },
  );
  return precisionFrontJson(result);
}
