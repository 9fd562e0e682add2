// The report's stylesheet, inlined into the page (also used by the viewer).

/** CSS of the report and the viewer: system fonts, scrollable wide tables, responsive charts. */
export const REPORT_CSS: string = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #666; --rule: #ddd; --bg: #fff; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 16px 20px 48px; }
header.report-header { border-bottom: 2px solid var(--ink); margin-bottom: 8px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-top: 8px; border-top: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; max-width: 90ch; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0 10px; }
nav.toc a { color: var(--accent); text-decoration: none; }
.muted { color: var(--muted); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; white-space: nowrap; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
table[data-table="summary"] td[data-field="disagreement.estimate"], table[data-table="summary"] td[data-field="flipMargin"], table[data-table="summary"] td[data-field="errorBound"] { white-space: normal; max-width: 12em; }
thead th { background: #f3f3f3; text-align: center; font-weight: 600; vertical-align: bottom; }
tbody th { text-align: left; font-weight: 600; }
tbody tr:nth-child(even) { background: #fafafa; }
small { color: var(--muted); font-weight: normal; }
.verdict { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; color: #fff; }
.verdict-consistent { background: #3b8f3b; }
.verdict-inconsistent { background: #c8372d; }
.verdict-unknown { background: #8a8a8a; }
.status-agree { background: #3b8f3b; }
.status-disagree { background: #c8372d; }
.status-mixed { background: #b06f00; }
.status-open { background: #8a8a8a; }
ul.verdict-lines { padding-left: 0; list-style: none; }
article.diagnosis { margin: 8px 0 12px; padding: 6px 12px; border-left: 4px solid #bbb; max-width: 120ch; }
article.diagnosis[data-verdict="consistent"] { border-color: #2e7d32; }
article.diagnosis[data-verdict="inconsistent"] { border-color: #c62828; }
article.diagnosis p.verdict-sentence { font-weight: 600; max-width: none; }
article.diagnosis ul { margin: 4px 0; padding-left: 20px; }
article.diagnosis p.next-step { max-width: none; }
ul.verdict-lines li { margin: 4px 0; max-width: 110ch; }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 2px; }
svg.chart { width: 100%; height: auto; max-width: 100%; font-size: 11px; overflow: visible; }
.chart-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.chart-row svg.chart { max-width: 640px; }
.map-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px; }
.histogram-row { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 8px; margin-bottom: 8px; }
svg .axis, svg .tick { stroke: #555; stroke-width: 1; }
svg .grid { stroke: #e6e6e6; stroke-width: 1; }
svg .tick-label, svg .legend-label, svg .chart-note { fill: #444; font-size: 10.5px; }
svg .axis-label { fill: #222; font-size: 11.5px; }
svg .chart-title { fill: #111; font-size: 12.5px; font-weight: 600; }
svg .segment-label { fill: #fff; font-size: 11px; font-weight: 600; }
svg .bar-null { fill: #444; font-size: 12px; }
svg .plot-frame { stroke: #555; stroke-width: 1; }
svg .action-label { fill: #333; font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .counterexample path { stroke: #000; stroke-width: 1.2; stroke-opacity: 0.25; }
svg .counterexample.near path { stroke-width: 2; stroke-opacity: 1; }
svg [data-leaf]:hover, svg [data-leaf].selected { stroke: #000; stroke-width: 1.5; }
.map-legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; font-size: 12px; margin: 6px 0 10px; }
.map-legend svg { vertical-align: middle; margin-right: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.warnings { padding-left: 20px; }
#tooltip { position: fixed; pointer-events: none; background: rgba(20,20,20,0.92); color: #fff; padding: 4px 8px; border-radius: 4px; font-size: 12px; max-width: 420px; display: none; z-index: 10; white-space: pre-line; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media (max-width: 640px) {
  main { padding: 10px; }
  h1 { font-size: 19px; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 6px; }
}
`;
