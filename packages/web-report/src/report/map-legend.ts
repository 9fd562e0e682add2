// The legend shared by every decision map (HTML with inline SVG swatches).

import { DISAGREEMENT_COLOR, FP32_COLOR, INT8_COLOR, VERDICT_COLORS } from '../charts/palette.js';

const line = (color: string, dash: string): string =>
  `<svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${color}" stroke-width="2"${dash}/></svg>`;
const box = (color: string, opacity = 1): string =>
  `<svg width="14" height="14" aria-hidden="true"><rect x="1" y="1" width="12" height="12" fill="${color}" fill-opacity="${opacity}" stroke="#999" stroke-width="0.5"/></svg>`;

/** The legend of the decision maps. */
export function renderMapLegend(): string {
  return `<div class="map-legend">
<span>${line(FP32_COLOR, '')}FP32 decision boundary</span>
<span>${line(INT8_COLOR, ' stroke-dasharray="5 3"')}int8 decision boundary</span>
<span>${box(DISAGREEMENT_COLOR, 0.75)}int8 ≠ FP32 (evaluated on the grid)</span>
<span>${box(VERDICT_COLORS.consistent)}leaf proven consistent</span>
<span>${box(VERDICT_COLORS.inconsistent)}leaf holding a counterexample</span>
<span>${box(VERDICT_COLORS.unknown)}leaf open (budget spent)</span>
<span><svg width="12" height="12" aria-hidden="true"><path d="M2,2L10,10M2,10L10,2" stroke="#000" stroke-width="2"/></svg>counterexample within 5% of the slice (faint: farther)</span>
</div>`;
}
