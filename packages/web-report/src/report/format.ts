// How the report prints numbers. The browser tests compare the tables against metrics.json and
// verify.json through these same rules (README, "What the report shows").

import type { BracketJson } from '../schema/common.js';
import type { DisagreementEstimateJson } from '../schema/verify.js';

/** Shown for a value that is absent or not computed. */
export const MISSING = '—';

/** A fraction as a percentage with two decimals: `0.9868` → `98.68%`. */
export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

const bits = new DataView(new ArrayBuffer(8));

/**
 * 100·x rounded down or up to `decimals` decimals, exactly: x (a finite double ≥ 0) is m·2^e, so
 * floor and ceil of m·2^e·10^(decimals + 2) are integer operations on BigInts.
 */
function percentDirected(x: number, decimals: number, direction: 'down' | 'up'): string {
  bits.setFloat64(0, x);
  const word = bits.getBigUint64(0);
  const biased = Number((word >> 52n) & 0x7ffn);
  const fraction = word & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  const scaled = mantissa * 10n ** BigInt(decimals + 2);
  let q: bigint;
  if (exponent >= 0) q = scaled << BigInt(exponent);
  else {
    const shift = BigInt(-exponent);
    q = scaled >> shift;
    if (direction === 'up' && q << shift !== scaled) q += 1n;
  }
  if (decimals === 0) return q.toString();
  const unit = 10n ** BigInt(decimals);
  return `${q / unit}.${(q % unit).toString().padStart(decimals, '0')}`;
}

/**
 * The ends of a certified share bracket (fractions of a volume) as percentages without the `%`,
 * rounded outward so the printed bracket still contains the exact one: `lower` down, `upper` up.
 */
export function shareBracketEnds(
  bracket: { readonly lower: number; readonly upper: number },
  decimals = 2,
): readonly [string, string] {
  return [
    percentDirected(bracket.lower, decimals, 'down'),
    percentDirected(bracket.upper, decimals, 'up'),
  ];
}

/**
 * A certified share bracket as percentages rounded outward (README, "What the report shows"):
 * `[12.29%, 14.11%]`; where both ends are the same number, that number rounded to nearest like
 * every percentage (`0.00%` when nothing disagrees).
 */
export function formatShareBracket(
  bracket: { readonly lower: number; readonly upper: number },
  decimals = 2,
): string {
  if (bracket.lower === bracket.upper) return `${(100 * bracket.lower).toFixed(decimals)}%`;
  const [lower, upper] = shareBracketEnds(bracket, decimals);
  return `[${lower}%, ${upper}%]`;
}

/** A sampled estimate with its confidence interval: `13.20% (95% CI 12.90–13.50%)`; `—` for null. */
export function formatEstimate(estimate: DisagreementEstimateJson | null, decimals = 2): string {
  if (estimate === null) return MISSING;
  const p = (v: number): string => (100 * v).toFixed(decimals);
  const level = Number((100 * estimate.confidence).toFixed(1));
  return `${p(estimate.value)}% (${level}% CI ${p(estimate.low)}–${p(estimate.high)}%)`;
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
 * A bracket `[lower, upper]` with 4 significant digits, one value when both ends agree, `∞` for an
 * upper end without a finite bound; `—` when null or absent; a trailing `*` when the verifier says
 * it is not certified within 1 %.
 */
export function formatBracket(bracket: BracketJson | null | undefined): string {
  if (bracket === null || bracket === undefined) return MISSING;
  const lower = bracket.lower.toPrecision(4);
  const upper = bracket.upper === null ? '∞' : bracket.upper.toPrecision(4);
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
