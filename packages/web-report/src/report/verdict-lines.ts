// The answer of every verification in one sentence, verdict first, then the certified bracket of
// the disagreeing volume, then the sampled estimate (labelled as such) and the volume by status.

import { escapeXml } from '../charts/svg.js';
import type { Run } from '../schema/parse-run.js';
import type { VariantVerificationJson } from '../schema/verify.js';
import { formatEstimate, formatPercent, formatShareBracket } from './format.js';
import { verdictBadge } from './summary-table.js';

/**
 * `int8 ≠ FP32 on [12.29%, 14.11%] of the box (certified)`: the disagreeing volume of one
 * verification as plain text, for headers and captions.
 */
export function disagreementText(v: VariantVerificationJson): string {
  if (v.disagreement.upper === 0) return 'int8 = FP32 on the whole box (certified)';
  return `int8 ≠ FP32 on ${formatShareBracket(v.disagreement)} of the box (certified)`;
}

/** One line per verified variant: verdict, certified bracket, sampled estimate, volume by status. */
export function renderVerdictLines(run: Run): string {
  if (run.verify.variants.length === 0) return '<p class="muted">No variant was verified.</p>';
  const items = run.verify.variants.map((v) => {
    const { estimate } = v.disagreement;
    const sampled =
      estimate === null
        ? ''
        : `; sampled estimate ${formatEstimate(estimate)} from ${estimate.samples} points in the mixed and open leaves — not a proof`;
    const shares = `${formatPercent(v.volume.agree)} proven agree, ${formatPercent(v.volume.disagree)} proven disagree, ${formatPercent(v.volume.mixed)} mixed, ${formatPercent(v.volume.open)} open`;
    return `<li data-variant="${escapeXml(v.variant)}">${verdictBadge(v.verdict)} <strong>${escapeXml(v.variant)}</strong>: ${escapeXml(`${disagreementText(v)}${sampled}. ${shares}.`)}</li>`;
  });
  return `<ul class="verdict-lines">${items.join('')}</ul>`;
}
