// Certified mixed precision as a page: the Pareto front of weight size against certified δ* and the
// disagreeing-share bracket, as a table and a chart (every certified model as a dot, the front as a
// line), self-contained like the run report.

import { lineChart } from '../charts/line-chart.js';
import { seriesColor } from '../charts/palette.js';
import { escapeXml } from '../charts/svg.js';
import type { PrecisionFrontJson, PrecisionPointJson } from '../schema/verify.js';
import { formatBracket, formatShareBracket } from './format.js';
import { REPORT_CSS } from './styles.js';

/** The front's table and chart as an HTML fragment. */
export function renderPrecisionFront(search: PrecisionFrontJson): string {
  const full = search.points[0]?.sizeBits ?? 1;
  const upper = (p: PrecisionPointJson): number | null =>
    p.flipMargin === null ? 0 : p.flipMargin.upper;
  const rows = search.front
    .map((i) => {
      const p = search.points[i]!;
      return `<tr data-point="${i}"${i === search.chosen ? ' data-chosen="true"' : ''}><td class="mono">[${p.bits.join(', ')}]</td><td>${p.sizeBits}</td><td>${((100 * p.sizeBits) / full).toFixed(1)} %</td><td class="mono">${escapeXml(p.flipMargin === null ? 'none' : formatBracket(p.flipMargin))}</td><td>${escapeXml(formatShareBracket(p.disagreement))}</td><td>${p.meetsTarget ? 'yes' : 'no'}</td><td>${i === search.chosen ? 'chosen' : ''}</td></tr>`;
    })
    .join('');
  const dot = (p: PrecisionPointJson): readonly [number, number | null] => [p.sizeBits, upper(p)];
  const chart = lineChart({
    chart: 'precision-front',
    title: 'Certified mixed precision: weight size against δ*',
    xLabel: 'weight bits',
    yLabel: "δ*'s certified upper end",
    series: [
      {
        name: 'certified models',
        color: seriesColor(1),
        style: 'dots',
        points: search.points.map(dot),
      },
      {
        name: 'Pareto front',
        color: seriesColor(0),
        style: 'line',
        points: search.front.map((i) => dot(search.points[i]!)),
      },
    ],
  });
  return `<figure>${chart}</figure>
<div class="table-scroll"><table data-table="precision-front"><thead><tr><th scope="col">bits per layer</th><th scope="col">weight bits</th><th scope="col">of 8-bit</th><th scope="col">δ*</th><th scope="col">int8 ≠ FP32</th><th scope="col">δ* ≤ ${search.targetDelta}</th><th scope="col"></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** A self-contained HTML page of the front (no request leaves it). */
export function renderPrecisionPage(search: PrecisionFrontJson, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${escapeXml(title)}</h1>
<p>Every model below was verified over the region by quantproof's region verifier: δ* (the largest FP32 margin at which the int8 decision still differs) and the share of the region where the decisions differ are certified brackets. The Pareto front keeps the models that no other model beats in size, δ*'s upper end and the disagreement's upper end at once; the target is δ* ≤ ${search.targetDelta}.</p>
${renderPrecisionFront(search)}
</main>
</body>
</html>
`;
}
