// Test matchers backed by proofs, for vitest's `expect.extend` (see `./vitest`) or any runner: each
// resolves to `{ pass, message }`; `pass` is true only for what the region verifier proved.
import type { Bracket, RegionResult } from '@quantproof/smt-verify';
import { TestingOptionsError } from './errors.js';
import type { ModelSource } from './models.js';
import {
  certifyRegion,
  checkDecision,
  type ProofOptions,
  type ReportedCounterexample,
} from './prove.js';

/** What a matcher resolves to (vitest's and Jest's matcher result). */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Options of the bound matchers: the FP32 model and the proof options. */
export interface BoundOptions extends ProofOptions {
  /** The FP32 original of the int8 model under test. */
  readonly fp32: ModelSource;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(6) : String(v));
const vector = (v: readonly number[]): string => `[${v.map(fmt).join(', ')}]`;

function budgetHint(options: ProofOptions): string {
  return `raise seconds (now ${options.seconds ?? 10})${options.maxBoxes === undefined ? '' : ` or maxBoxes (now ${options.maxBoxes})`}, or narrow the box`;
}

function counterexampleText(c: ReportedCounterexample): string {
  return [
    `  input x = ${vector(c.input)}`,
    `  FP32 outputs ${vector(c.fp32Outputs)} → decision ${c.fp32Action}, FP32 margin ${fmt(c.fp32Margin)}`,
    `  int8 outputs ${vector(c.int8Outputs)} → decision ${c.int8Action}`,
    `  replayed in onnxruntime-node on both models; found by the ${c.foundBy}`,
  ].join('\n');
}

function openShare(region: RegionResult): string {
  const v = region.volume;
  return `${(100 * (v.open + v.mixed)).toFixed(3)} % of the box undecided or mixed after ${region.stats.boxes} boxes, ${region.stats.seconds.toFixed(1)} s`;
}

/**
 * Passes when the region verifier proves that `int8` takes `fp32`'s decision at every float32 input
 * of `options.box` ("proved"); fails with the worst replayed counterexample (input, both outputs,
 * FP32 margin) and the seed that replays the search, or, when nothing was proved or found, with
 * what is left undecided.
 */
export async function toTakeFp32Decision(
  received: ModelSource,
  fp32: ModelSource,
  options: ProofOptions,
): Promise<MatcherResult> {
  if (options === undefined || options.box === undefined) {
    throw new TestingOptionsError(
      'toTakeFp32Decision needs options with a box: expect(int8).toTakeFp32Decision(fp32, { box: { lower: [...], upper: [...] } })',
    );
  }
  const check = await checkDecision(received, fp32, options);
  if (check.kind === 'proved') {
    return {
      pass: true,
      message: () =>
        `proved: the int8 model takes the FP32 decision at every float32 input of the box (ties within the float32 error bound${options.delta ? ` or FP32 margin ≤ ${options.delta}` : ''}; ${check.region.leaves.length} leaves, ${check.region.stats.seconds.toFixed(1)} s)`,
    };
  }
  if (check.kind === 'refuted') {
    const search = check.search;
    const replay =
      search?.kind === 'found'
        ? `replay the property search with { seed: ${search.seed} } (fast-check path "${search.path}")`
        : `replay with { seed: ${options.seed ?? 0} }`;
    return {
      pass: false,
      message: () =>
        `refuted: the int8 model takes another decision than FP32 (worst of ${check.found} replayed counterexamples, by FP32 margin):\n${counterexampleText(check.worst)}\n${replay}`,
    };
  }
  return {
    pass: false,
    message: () =>
      `not proved: the verifier left the box unknown (${openShare(check.region)}) and the property search found no counterexample in ${check.search.kind === 'none' ? check.search.samples : 0} inputs (seed ${options.seed ?? 0}); ${budgetHint(options)}`,
  };
}

function requireBound(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new TestingOptionsError(
      `${name}: the bound is ${String(value)}; give a finite number ≥ 0`,
    );
  }
  return value;
}

function requireOptions(name: string, options: BoundOptions | undefined): BoundOptions {
  if (options === undefined || options.fp32 === undefined || options.box === undefined) {
    throw new TestingOptionsError(
      `${name} needs options with the FP32 model and a box: expect(int8).${name}(bound, { fp32, box: { lower: [...], upper: [...] } })`,
    );
  }
  return options;
}

const bracketText = (b: Bracket): string => `[${fmt(b.lower)}, ${fmt(b.upper)}]`;

/**
 * Passes when the verifier certifies ε* (the largest |FP32 − int8| output difference over the box,
 * FP32 in exact arithmetic) below `epsilon`; fails when ε* is proved ≥ `epsilon` (with the
 * witness input) or is not certified below it within the budget.
 */
export async function toHaveErrorBoundBelow(
  received: ModelSource,
  epsilon: number,
  options: BoundOptions,
): Promise<MatcherResult> {
  const bound = requireBound('toHaveErrorBoundBelow', epsilon);
  const o = requireOptions('toHaveErrorBoundBelow', options);
  const region = await certifyRegion(received, o.fp32, o);
  const e = region.errorBound;
  if (e === null) {
    return {
      pass: false,
      message: () =>
        'not proved: the verifier certifies no ε* for this int8 model (its int8 arithmetic is not encoded exactly, e.g. dynamic quantisation)',
    };
  }
  if (e.upper < bound) {
    return {
      pass: true,
      message: () => `proved: ε* ∈ ${bracketText(e)}, below ${fmt(bound)}`,
    };
  }
  if (e.lower >= bound) {
    return {
      pass: false,
      message: () =>
        `refuted: ε* ∈ ${bracketText(e)} is at least ${fmt(bound)}${e.witness === null ? '' : `; attained at x = ${vector(e.witness)}`}`,
    };
  }
  return {
    pass: false,
    message: () =>
      `not proved: ε* ∈ ${bracketText(e)} straddles ${fmt(bound)} within the budget; ${budgetHint(o)}`,
  };
}

/**
 * Passes when the verifier certifies δ* (the largest FP32 margin at which the int8 decision still
 * differs) below `delta`, or proves that no disagreement exists; fails when δ* is proved ≥ `delta`
 * (with the witness) or not certified below it within the budget.
 */
export async function toHaveFlipMarginBelow(
  received: ModelSource,
  delta: number,
  options: BoundOptions,
): Promise<MatcherResult> {
  const bound = requireBound('toHaveFlipMarginBelow', delta);
  const o = requireOptions('toHaveFlipMarginBelow', options);
  const region = await certifyRegion(received, o.fp32, o);
  const f = region.flipMargin;
  if (f === null) {
    return {
      pass: true,
      message: () => 'proved: the int8 model takes the FP32 decision everywhere in the box (no δ*)',
    };
  }
  if (f.upper < bound) {
    return { pass: true, message: () => `proved: δ* ∈ ${bracketText(f)}, below ${fmt(bound)}` };
  }
  if (f.lower >= bound && f.witness !== null) {
    return {
      pass: false,
      message: () =>
        `refuted: δ* ∈ ${bracketText(f)} is at least ${fmt(bound)}; int8 disagrees at FP32 margin ${fmt(f.lower)} at x = ${vector(f.witness!)}`,
    };
  }
  return {
    pass: false,
    message: () =>
      `not proved: δ* ∈ ${bracketText(f)} is not certified below ${fmt(bound)} within the budget (${openShare(region)}); ${budgetHint(o)}`,
  };
}

/** The three matchers, for `expect.extend(quantproofMatchers)` in vitest or Jest. */
export const quantproofMatchers: {
  readonly toTakeFp32Decision: typeof toTakeFp32Decision;
  readonly toHaveErrorBoundBelow: typeof toHaveErrorBoundBelow;
  readonly toHaveFlipMarginBelow: typeof toHaveFlipMarginBelow;
} = { toTakeFp32Decision, toHaveErrorBoundBelow, toHaveFlipMarginBelow };
