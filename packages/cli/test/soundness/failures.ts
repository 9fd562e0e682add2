// The failures of the differential soundness suite: the conditions a verifier answer can break,
// one wrong claim with what reproduces it, and its class for counting.
import type { RequestedBox } from './boxes.js';

/** The failure conditions of the suite. */
export type Condition = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';

/** What each condition means. */
export const CONDITIONS: Readonly<Record<Condition, string>> = {
  a: 'a leaf proven to agree holds a disagreement above its tie tolerance',
  b: 'a consistent region holds a disagreement above the tie tolerance',
  c: 'a counterexample does not reproduce in onnxruntime-node on both files',
  d: 'the δ* bracket excludes the truth',
  e: 'the ε* bracket excludes the truth',
  f: 'the verifier threw on an input it must answer',
  g: 'the verdict or the disagreement bracket does not follow from the leaves, or the leaves do not cover the region',
  h: 'a leaf proven to disagree holds a point where int8 takes the exact FP32 decision by more than its tie tolerance',
};

/** One wrong claim, with everything needed to reproduce it. */
export interface Failure {
  readonly condition: Condition;
  readonly query: 'verifyRegion' | 'checkAgreement';
  readonly pair: string;
  readonly box: RequestedBox;
  readonly point: readonly number[] | null;
  readonly claimed: string;
  readonly truth: string;
}

/**
 * A failure's class, for counting: its condition and what was claimed and seen, numbers left out
 * (`(f) AccumulatorOverflowError: layer N, output N: …`, `(d) δ* ∈ [N, N], attained at its witness`).
 */
export function failureKind(f: Failure): string {
  const words = (text: string): string =>
    text
      .split('\n')[0]!
      .replace(/-?(\d+\.?\d*(e[+-]?\d+)?|Infinity)/g, 'N')
      .replace(/\[[^\]]*\]/g, '[…]')
      .slice(0, 140);
  const seen =
    f.condition === 'f' ? words(f.truth.replace(/^threw /, '')) : words(f.truth.split(':')[0]!);
  return `(${f.condition}) ${f.query}: ${f.condition === 'f' ? '' : `${words(f.claimed)} — `}${seen}`;
}

/** A failure in one paragraph. */
export function formatFailure(f: Failure): string {
  return [
    `(${f.condition}) ${CONDITIONS[f.condition]} — ${f.query}`,
    `  pair: ${f.pair}`,
    `  box (${f.box.kind}): lower [${f.box.lower.join(', ')}] upper [${f.box.upper.join(', ')}]`,
    ...(f.point === null ? [] : [`  point: [${f.point.join(', ')}]`]),
    `  claimed: ${f.claimed}`,
    `  truth: ${f.truth}`,
  ].join('\n');
}
