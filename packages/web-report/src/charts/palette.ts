// The colours of the report: one per variant (in metrics order) and one per verdict.

import type { Verdict } from '../schema/verify.js';

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

/** Leaf fill per verdict: proven consistent, holding a counterexample, open. */
export const VERDICT_COLORS: Readonly<Record<Verdict, string>> = {
  consistent: '#cfe8c9',
  inconsistent: '#f7d4cf',
  unknown: '#e3e3e3',
};

/** Strong verdict colours (bars, badges). */
export const VERDICT_STRONG_COLORS: Readonly<Record<Verdict, string>> = {
  consistent: '#3b8f3b',
  inconsistent: '#c8372d',
  unknown: '#9a9a9a',
};

/** The FP32 reference's colour (boundaries, lines). */
export const FP32_COLOR = '#1b1b1b';

/** The int8 boundary's colour in decision maps. */
export const INT8_COLOR = '#7b2fbf';

/** Fill of the cells where int8 and FP32 take different actions. */
export const DISAGREEMENT_COLOR = '#b2182b';
