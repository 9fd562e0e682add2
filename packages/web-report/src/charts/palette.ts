// The colours of the report: one per variant (in metrics order), one per leaf status.

import type { LeafStatus } from '../schema/verify.js';

const SERIES = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#e15759',
];

/** The colour of the `index`-th series (variants in metrics order; FP32 is drawn in ink). */
export function seriesColor(index: number): string {
  return SERIES[index % SERIES.length]!;
}

/**
 * Leaf fill per status on decision maps: light, so the boundaries and the red disagreement cells
 * drawn over them stay visible. Mixed leaves are also hatched (`MIXED_HATCH_COLOR`), so they are
 * told apart without colour.
 */
export const LEAF_STATUS_COLORS: Readonly<Record<LeafStatus, string>> = {
  agree: '#cfe8c9',
  disagree: '#f4b6ae',
  mixed: '#fbdc9a',
  open: '#e3e3e3',
};

/** The stripes over mixed leaves (both decisions occur in them). */
export const MIXED_HATCH_COLOR = '#c8372d';

/** Strong status colours (the verified-volume bars, status badges). */
export const LEAF_STATUS_STRONG_COLORS: Readonly<Record<LeafStatus, string>> = {
  agree: '#3b8f3b',
  disagree: '#c8372d',
  mixed: '#d98a00',
  open: '#9a9a9a',
};

/** The FP32 reference's colour (boundaries, lines). */
export const FP32_COLOR = '#1b1b1b';

/** The int8 boundary's colour in decision maps. */
export const INT8_COLOR = '#7b2fbf';

/** Fill of the cells where int8 and FP32 take different actions. */
export const DISAGREEMENT_COLOR = '#b2182b';
