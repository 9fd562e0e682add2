// How the report prints numbers. The browser tests compare the tables against metrics.json and
// verify.json through these same rules (README, "What the report shows").

import type { BracketJson } from '../schema/common.js';

/** Shown for a value that is absent or not computed. */
export const MISSING = '—';

/** A fraction as a percentage with two decimals: `0.9868` → `98.68%`. */
export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

/** Microseconds with one decimal. */
export function formatMicroseconds(value: number): string {
  return value.toFixed(1);
}

/** `mean ± std` with one decimal each. */
export function formatMeanStd(mean: number, std: number): string {
  return `${mean.toFixed(1)} ± ${std.toFixed(1)}`;
}

/** Three significant digits. */
export function formatValue(value: number): string {
  return value.toPrecision(3);
}

/** Seconds with one decimal. */
export function formatSeconds(value: number): string {
  return `${value.toFixed(1)} s`;
}

/**
 * A bracket `[lower, upper]` with 4 significant digits, one value when both ends agree; `—` when
 * null or absent; a trailing `*` when the verifier says it is not certified within 1 %.
 */
export function formatBracket(bracket: BracketJson | null | undefined): string {
  if (bracket === null || bracket === undefined) return MISSING;
  const lower = bracket.lower.toPrecision(4);
  const upper = bracket.upper.toPrecision(4);
  const text = lower === upper ? lower : `[${lower}, ${upper}]`;
  return bracket.certified === false ? `${text}*` : text;
}

/** A logit or state vector: `[a, b, …]` with 4 significant digits. */
export function formatVector(values: readonly number[]): string {
  return `[${values.map((v) => v.toPrecision(4)).join(', ')}]`;
}

/** An SQNR in dB with one decimal; `∞` for a null entry (no error). */
export function formatDb(value: number | null): string {
  return value === null ? '∞' : `${value.toFixed(1)} dB`;
}

const DIMENSION_LABELS: Readonly<Record<string, string>> = {
  x: 'x (m)',
  x_dot: 'ẋ (m/s)',
  theta: 'θ (rad)',
  theta_dot: 'θ̇ (rad/s)',
};

/** The axis label of a CartPole observation dimension (`theta_dot` → `θ̇ (rad/s)`), else the name. */
export function dimensionLabel(name: string): string {
  return DIMENSION_LABELS[name] ?? name;
}

/** The short symbol of a dimension (`theta_dot` → `θ̇`). */
export function dimensionSymbol(name: string): string {
  const label = DIMENSION_LABELS[name];
  return label === undefined ? name : label.slice(0, label.indexOf(' '));
}
