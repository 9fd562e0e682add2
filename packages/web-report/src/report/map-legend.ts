// The legend shared by every decision map (HTML with inline SVG swatches).

import { mixedHatch } from '../charts/decision-map.js';
import {
  DISAGREEMENT_COLOR,
  FP32_COLOR,
  INT8_COLOR,
  LEAF_STATUS_COLORS,
} from '../charts/palette.js';

const line = (color: string, dash: string): string =>
  `<svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${color}" stroke-width="2"${dash}/></svg>`;
const box = (fill: string, opacity = 1, defs = ''): string =>
  `<svg width="14" height="14" aria-hidden="true">${defs}<rect x="1" y="1" width="12" height="12" fill="${fill}" fill-opacity="${opacity}" stroke="#999" stroke-width="0.5"/></svg>`;

/**
 * The legend of the decision maps. `id` makes the mixed-leaf hatch's pattern id unique where a
 * page holds several legends (default `legend`).
 */
export function renderMapLegend(id = 'legend'): string {
  const hatch = `${id}-mixed-swatch`;
  return `<div class="map-legend">
<span>${line(FP32_COLOR, '')}FP32 decision boundary</span>
<span>${line(INT8_COLOR, ' stroke-dasharray="5 3"')}int8 decision boundary</span>
<span>${box(DISAGREEMENT_COLOR, 0.75)}int8 ≠ FP32 (evaluated on the grid)</span>
<span data-status="agree">${box(LEAF_STATUS_COLORS.agree)}leaf proven agree (int8 = FP32 everywhere in it)</span>
<span data-status="disagree">${box(LEAF_STATUS_COLORS.disagree)}leaf proven disagree (int8 ≠ FP32 everywhere in it)</span>
<span data-status="mixed">${box(`url(#${hatch})`, 1, `<defs>${mixedHatch(hatch)}</defs>`)}mixed leaf (both occur; holds a replayed counterexample)</span>
<span data-status="open">${box(LEAF_STATUS_COLORS.open)}open leaf (undecided: budget or a reason)</span>
<span><svg width="12" height="12" aria-hidden="true"><path d="M2,2L10,10M2,10L10,2" stroke="#000" stroke-width="2"/></svg>counterexample within 5% of the slice (faint: farther)</span>
</div>`;
}
