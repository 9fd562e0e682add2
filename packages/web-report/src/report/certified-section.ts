// The certified variant: its theorem in one sentence, the share of visited states it covers, and
// the counterexample-guided repair that made it, round by round, as the verifier certified each.

import { escapeXml } from '../charts/svg.js';
import type { Run } from '../schema/parse-run.js';
import { formatBracket, formatPercent, formatSeconds, formatShareBracket } from './format.js';

/** The certified variants' theorems and repair rounds; a note when the run has none. */
export function renderCertifiedSection(run: Run): string {
  const certified = run.verify.variants.filter((v) => v.flipMarginTheorem !== undefined);
  if (certified.length === 0) {
    return '<p class="muted">No variant of this run was made by counterexample-guided repair.</p>';
  }
  return certified
    .map((v) => {
      const repair = v.repair;
      const rows =
        repair === undefined
          ? ''
          : repair.rounds
              .map(
                (r) =>
                  `<tr data-round="${r.round}"${r.round === repair.round ? ' data-kept="true"' : ''}><th scope="row">${r.round}${r.round === repair.round ? ' (kept)' : ''}</th><td>${escapeXml(r.verdict)}</td><td class="mono">${escapeXml(formatBracket(r.flipMargin))}</td><td class="mono">${escapeXml(formatBracket(r.errorBound))}</td><td>${escapeXml(formatShareBracket(r.disagreement))}</td><td>${r.counterexamples}</td><td>${r.boundaryPoints}</td><td>${r.boxes}</td><td>${escapeXml(formatSeconds(r.seconds))}</td></tr>`,
              )
              .join('');
      const coverage =
        v.flipMarginCoverage === undefined
          ? ''
          : ` It covers ${formatPercent(v.flipMarginCoverage.share)} of the ${v.flipMarginCoverage.states} states the FP32 policy visits (their FP32 margin exceeds δ*'s certified upper end).`;
      const floor =
        v.inputFloor === undefined
          ? ''
          : ` Its input quantisation sets a floor: every int8 model with these input cells has δ* ≥ ${v.inputFloor.flipMargin.toPrecision(4)} (FP32's decision boundary crosses the input cell ${v.inputFloor.cell.lower.map((l, i) => `[${l.toPrecision(4)}, ${v.inputFloor!.cell.upper[i]!.toPrecision(4)}]`).join(' × ')}, where FP32 takes both actions with margins at least that), so without a finer input quantisation no repair can cover more than ${formatPercent(v.inputFloor.coverage)} of the visited states.`;
      const table =
        repair === undefined
          ? ''
          : `<p>Made by counterexample-guided repair towards δ* ≤ ${repair.targetDelta} (${repair.kind === 'reached' ? 'target proven' : 'target not proven within the rounds; the round with the smallest certified δ* was kept'}): each round verifies the model over the operating box; while δ*'s certified upper end is above the target, quantisation-aware training (distillation from FP32, straight-through estimator) fine-tunes it on the calibration states plus the round's replayed counterexamples, δ*'s witness and points of the boundary cells.</p>
<div class="table-scroll"><table data-table="repair-rounds" data-variant="${escapeXml(v.variant)}"><thead><tr><th scope="col">round</th><th scope="col">verdict</th><th scope="col">δ*</th><th scope="col">ε*</th><th scope="col">int8 ≠ FP32</th><th scope="col">counterexamples</th><th scope="col">boundary points</th><th scope="col">boxes</th><th scope="col">time</th></tr></thead><tbody>${rows}</tbody></table></div>`;
      return `<article data-certified="${escapeXml(v.variant)}"><h3>${escapeXml(v.variant)}</h3><p class="theorem"><strong>Theorem:</strong> ${escapeXml(v.flipMarginTheorem!)}.${escapeXml(coverage)}${escapeXml(floor)}</p>${table}</article>`;
    })
    .join('');
}
