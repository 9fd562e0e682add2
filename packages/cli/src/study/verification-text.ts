// How `verify` and `run` print a region verification: the answer first (the verdict, then the
// certified bracket of the disagreeing volume, then the sampled estimate, labelled as one), then the
// volume by leaf status; and the fields of the progress display.

import type { RegionProgress } from '@quantproof/smt-verify';
import {
  type DisagreementJson,
  LEAF_STATUSES,
  type RegionVolumeJson,
  shareBracketEnds,
} from '@quantproof/web-report';
import type { VariantVerification } from './verify-region.js';

/** A share as a percentage: `80.1 %`; `<0.1 %` for a share that is not 0 but rounds to it. */
export function shareText(share: number, decimals = 1): string {
  const text = (100 * share).toFixed(decimals);
  if (share > 0 && Number(text) === 0) return `<${(10 ** -decimals).toFixed(decimals)} %`;
  return `${text} %`;
}

/**
 * A certified bracket of a share: `12.3–14.1 %`, rounded outward (lower end down, upper end up) so
 * the printed bracket still holds the certified one; one number where both ends are equal.
 */
export function bracketText(
  bracket: { readonly lower: number; readonly upper: number },
  decimals = 1,
): string {
  if (bracket.lower === bracket.upper) return shareText(bracket.lower, decimals);
  const [lower, upper] = shareBracketEnds(bracket, decimals);
  return `${lower}–${upper} %`;
}

/** `sampled estimate 13.2 %, 95 % CI 12.9–13.5 %`; null when there is none (the bracket is exact). */
export function estimateText(disagreement: DisagreementJson, decimals = 1): string | null {
  const e = disagreement.estimate;
  if (e === null) return null;
  const p = (v: number): string => (100 * v).toFixed(decimals);
  const level = Number((100 * e.confidence).toFixed(1));
  return `sampled estimate ${p(e.value)} %, ${level} % CI ${p(e.low)}–${p(e.high)} %`;
}

/** `80.1 % proven agree, 5.6 % proven disagree, 1.5 % mixed, 0.3 % open`. */
export function volumeText(volume: RegionVolumeJson, decimals = 1): string {
  const names = {
    agree: 'proven agree',
    disagree: 'proven disagree',
    mixed: 'mixed',
    open: 'open',
  };
  return LEAF_STATUSES.map((s) => `${shareText(volume[s], decimals)} ${names[s]}`).join(', ');
}

/**
 * The first line of `verify`: the verdict, how much of the region int8 disagrees on (certified),
 * the sampled estimate where mixed or open leaves leave a gap, and the volume by leaf status, e.g.
 * `inconsistent: int8 disagrees with FP32 on 12.3–14.1 % of the region (certified; sampled estimate
 * 13.2 %, 95 % CI 12.9–13.5 %); 80.1 % proven agree, 5.6 % proven disagree, 1.5 % mixed, 0.3 % open`.
 */
export function verdictLine(
  v: Pick<VariantVerification, 'verdict' | 'volume' | 'disagreement'>,
): string {
  const d = v.disagreement;
  const estimate = estimateText(d);
  const answer =
    d.upper === 0
      ? "int8 takes FP32's decision everywhere in the region (certified)"
      : `int8 disagrees with FP32 on ${bracketText(d)} of the region (certified${estimate === null ? '' : `; ${estimate}`})`;
  return `${v.verdict}: ${answer}; ${volumeText(v.volume)}`;
}

/** The fields of a verification's progress display, in order. */
export const PROGRESS_FIELDS: readonly string[] = [
  'phase',
  'int8≠FP32',
  'agree',
  'disagree',
  'mixed',
  'open',
  'boxes',
];

/** The values of `PROGRESS_FIELDS` after a round. */
export function progressFields(p: RegionProgress): Readonly<Record<string, string>> {
  return {
    phase: p.phase,
    'int8≠FP32': bracketText(p.disagreement),
    agree: shareText(p.volume.agree),
    disagree: shareText(p.volume.disagree),
    mixed: shareText(p.volume.mixed),
    open: shareText(p.volume.open),
    boxes: String(p.boxes),
  };
}
