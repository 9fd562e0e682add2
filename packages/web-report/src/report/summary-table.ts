// The summary tables, one row per variant: the verification of the operating box (verdict first,
// then the certified bracket of the disagreeing volume, the sampled estimate, the volume by leaf
// status, δ*, ε*, time), and the measurements (size, latency, reward, agreement, logit error).
// Every numeric cell carries its exact value in `data-value`.

import type { BracketJson } from '../schema/common.js';
import type { Run } from '../schema/parse-run.js';
import { escapeXml } from '../charts/svg.js';
import { LEAF_STATUSES, type LeafStatus, type VariantVerificationJson } from '../schema/verify.js';
import {
  formatBracket,
  formatEstimate,
  formatMeanStd,
  formatMicroseconds,
  formatPercent,
  formatSeconds,
  formatShareBracket,
  formatValue,
  MISSING,
} from './format.js';

function cell(field: string, text: string, value?: number | string | null): string {
  const data =
    value === undefined || value === null ? '' : ` data-value="${escapeXml(String(value))}"`;
  return `<td data-field="${field}"${data}>${escapeXml(text)}</td>`;
}

function bracketValue(bracket: BracketJson | null | undefined): string | null {
  return bracket === null || bracket === undefined ? null : JSON.stringify(bracket);
}

/** The verification of `name`, if verify.json has one. */
export function verificationOf(run: Run, name: string): VariantVerificationJson | undefined {
  return run.verify.variants.find((v) => v.variant === name);
}

/** A verdict as a coloured badge. */
export function verdictBadge(verdict: string): string {
  return `<span class="verdict verdict-${escapeXml(verdict)}">${escapeXml(verdict)}</span>`;
}

/** A leaf status as a coloured badge (`agree`, `disagree`, `mixed`, `open`). */
export function statusBadge(status: LeafStatus): string {
  return `<span class="verdict status-${status}">${status}</span>`;
}

/**
 * The summary table: per variant the answer of the verification of the operating box — verdict,
 * the certified bracket of the disagreeing volume, the sampled estimate, the volume by leaf
 * status, δ*, ε* and the verification time — narrow enough to read without scrolling at 1280 px.
 */
export function renderSummaryTable(run: Run): string {
  const head = `<thead>
<tr><th rowspan="2" scope="col">variant</th><th rowspan="2" scope="col">verdict</th><th rowspan="2" scope="col">int8 ≠ FP32 on<br><small>share of the box, certified</small></th><th rowspan="2" scope="col">sampled estimate<br><small>95% CI; not a proof</small></th><th colspan="4" scope="colgroup">volume by leaf status</th><th rowspan="2" scope="col">δ*<br><small>flip margin</small></th><th rowspan="2" scope="col">ε*<br><small>error bound</small></th><th rowspan="2" scope="col">time</th></tr>
<tr><th scope="col">agree</th><th scope="col">disagree</th><th scope="col">mixed</th><th scope="col">open</th></tr>
</thead>`;
  const rows = run.metrics.variants.map((m) => {
    const v = verificationOf(run, m.name);
    const cells = [`<th scope="row" data-field="name">${escapeXml(m.name)}</th>`];
    if (v === undefined) {
      const reason = m.kind === 'fp32' ? 'the reference' : 'not verified';
      cells.push(`<td data-field="verdict" class="muted">${reason}</td>`);
      for (const field of [
        'disagreement',
        'disagreement.estimate',
        ...LEAF_STATUSES.map((status) => `volume.${status}`),
        'flipMargin',
        'errorBound',
        'seconds',
      ]) {
        cells.push(cell(field, MISSING));
      }
    } else {
      const { lower, upper, estimate } = v.disagreement;
      cells.push(
        `<td data-field="verdict" data-value="${v.verdict}">${verdictBadge(v.verdict)}</td>`,
        cell('disagreement', formatShareBracket(v.disagreement), JSON.stringify({ lower, upper })),
        cell('disagreement.estimate', formatEstimate(estimate), estimate?.value),
        ...LEAF_STATUSES.map((status) =>
          cell(`volume.${status}`, formatPercent(v.volume[status]), v.volume[status]),
        ),
        cell('flipMargin', formatBracket(v.flipMargin), bracketValue(v.flipMargin)),
        cell('errorBound', formatBracket(v.errorBound), bracketValue(v.errorBound)),
        cell('seconds', formatSeconds(v.seconds), v.seconds),
      );
    }
    return `<tr data-variant="${escapeXml(m.name)}">${cells.join('')}</tr>`;
  });
  return `<div class="table-scroll"><table class="summary" data-table="summary">${head}<tbody>${rows.join('\n')}</tbody></table></div>`;
}

/**
 * The measurements of every variant: format, size, onnxruntime-node latency, greedy reward,
 * agreement with FP32 and the largest logit error.
 */
export function renderMeasurementsTable(run: Run): string {
  const head = `<thead>
<tr><th rowspan="2" scope="col">variant</th><th rowspan="2" scope="col">format</th><th colspan="2" scope="colgroup">size (bytes)</th><th colspan="4" scope="colgroup">latency (µs per call)</th><th rowspan="2" scope="col">reward<br><small>mean ± std</small></th><th colspan="2" scope="colgroup">agreement with FP32</th><th rowspan="2" scope="col">max |Δlogit|</th></tr>
<tr><th scope="col">ONNX</th><th scope="col">parameters</th><th scope="col">b1 p50</th><th scope="col">b1 p95</th><th scope="col">b256 p50</th><th scope="col">b256 p95</th><th scope="col">visited states</th><th scope="col">box samples</th></tr>
</thead>`;
  const rows = run.metrics.variants.map((m) => {
    const cells = [
      `<th scope="row" data-field="name">${escapeXml(m.name)}</th>`,
      cell('format', m.format),
      cell('onnxBytes', String(m.onnxBytes), m.onnxBytes),
      cell('parameterBytes', String(m.parameterBytes), m.parameterBytes),
      cell('latencyBatch1.p50', formatMicroseconds(m.latencyBatch1.p50), m.latencyBatch1.p50),
      cell('latencyBatch1.p95', formatMicroseconds(m.latencyBatch1.p95), m.latencyBatch1.p95),
      cell('latencyBatch256.p50', formatMicroseconds(m.latencyBatch256.p50), m.latencyBatch256.p50),
      cell('latencyBatch256.p95', formatMicroseconds(m.latencyBatch256.p95), m.latencyBatch256.p95),
      cell('reward', formatMeanStd(m.reward.mean, m.reward.std), m.reward.mean),
      cell('agreementVisited', formatPercent(m.agreementVisited), m.agreementVisited),
      cell('agreementBox', formatPercent(m.agreementBox), m.agreementBox),
      cell('maxLogitDifference', formatValue(m.maxLogitDifference), m.maxLogitDifference),
    ];
    return `<tr data-variant="${escapeXml(m.name)}">${cells.join('')}</tr>`;
  });
  return `<div class="table-scroll"><table class="summary" data-table="measurements">${head}<tbody>${rows.join('\n')}</tbody></table></div>`;
}
