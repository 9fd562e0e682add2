// The certified numbers of one region verification that the layer-sensitivity ranking, the repair
// loop and the mixed-precision front compare models by: δ*, ε* and the disagreeing-volume bracket,
// taken from `verifyRegion`'s result unchanged (no number is recomputed or approximated here).
import type { Bracket, RegionResult } from '../region/verify-region.js';

/** δ*, ε* and the disagreeing-volume bracket of one model over one region, as `verifyRegion` certified them. */
export interface CertifiedNumbers {
  readonly verdict: RegionResult['verdict'];
  /** δ*: null when every leaf agrees (no FP32 margin at which int8 disagrees exists). */
  readonly flipMargin: Bracket | null;
  /** ε*: max |FP32 logit − int8 logit| over the region. */
  readonly errorBound: Bracket | null;
  /** The certified share of the region where the decisions differ, [lower, upper]. */
  readonly disagreement: { readonly lower: number; readonly upper: number };
  readonly boxes: number;
  readonly seconds: number;
}

/** The certified numbers of a region verification. */
export function certifiedNumbers(result: RegionResult): CertifiedNumbers {
  return {
    verdict: result.verdict,
    flipMargin: result.flipMargin,
    errorBound: result.errorBound,
    disagreement: { lower: result.disagreement.lower, upper: result.disagreement.upper },
    boxes: result.stats.boxes,
    seconds: result.stats.seconds,
  };
}

/**
 * The certified upper end of δ*: above this FP32 margin the int8 action is proven to be FP32's
 * everywhere in the region. 0 when every leaf agrees; Infinity when no finite upper end was proven.
 */
export function flipMarginUpper(numbers: CertifiedNumbers): number {
  if (numbers.flipMargin === null) return numbers.verdict === 'consistent' ? 0 : Infinity;
  return numbers.flipMargin.upper;
}

/** The certified lower end of δ* (0 when every leaf agrees or no disagreement is known). */
export function flipMarginLower(numbers: CertifiedNumbers): number {
  return numbers.flipMargin?.lower ?? 0;
}
