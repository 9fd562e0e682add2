// The property search: a seeded fast-check run of `regionInputs` against the property "int8 takes
// FP32's decision here", judged by smt-verify's replay (exact FP32 margin against the float32 error
// bound at the point; onnxruntime-node on the user's files). The failing input fast-check shrinks
// to is the most severe one it reached.
import { createInt8Executor, type CpuSemantics } from '@quantproof/quant';
import {
  type Counterexample,
  type InputBox,
  replayCandidate,
  type RuntimeReplay,
} from '@quantproof/smt-verify';
import { asyncProperty, check } from 'fast-check';
import { type AimKind, type AimWeights, fp32DecisionAt, int8DecisionAt } from './aim.js';
import { regionInputsOfPair } from './arbitrary.js';
import { TestingOptionsError } from './errors.js';
import { loadPair, type ModelPair, type ModelSource } from './models.js';
import { ortReplay } from './ort-replay.js';

/** Options of `searchDisagreements`. */
export interface SearchOptions {
  /** The box of inputs. */
  readonly box: InputBox;
  /** FP32 margins up to this are ties: a counterexample needs a larger one. Default 0. */
  readonly delta?: number;
  /** Inputs to try. Default 1000. */
  readonly samples?: number;
  /** fast-check seed. Default 0. */
  readonly seed?: number;
  /** The aim of the inputs (see `regionInputs`). */
  readonly aim?: AimKind | Partial<AimWeights>;
  /** int8 arithmetic of the deployment CPU (quant's `CpuSemantics`). Default `vnni-exact`. */
  readonly cpuSemantics?: CpuSemantics;
}

/** What `searchDisagreements` found. */
export type SearchResult =
  | {
      readonly kind: 'none';
      /** Inputs tried. */
      readonly samples: number;
      readonly seed: number;
    }
  | {
      readonly kind: 'found';
      /** The shrunk counterexample (largest FP32 margin reached), replayed in onnxruntime-node. */
      readonly counterexample: Counterexample;
      /** The first counterexample found, before shrinking. */
      readonly first: Counterexample;
      /** Inputs tried up to and including the first counterexample. */
      readonly samplesToFirst: number;
      /** Shrinking steps fast-check took. */
      readonly shrinks: number;
      /** fast-check's seed and path: `fc.assert(…, { seed, path })` replays the shrunk input. */
      readonly seed: number;
      readonly path: string;
    };

/** Checks a numeric option: finite, ≥ 0, and an integer where asked. */
export function nonNegative(name: string, value: number, integer = false): number {
  if (!(value >= 0) || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
    throw new TestingOptionsError(
      `${name} is ${value}; it must be a finite ${integer ? 'integer' : 'number'} ≥ 0`,
    );
  }
  return value;
}

/**
 * The judgement of one input: resolves to false exactly when `x` is a counterexample — every
 * float32 execution of the FP32 model ranks another output above the int8 decision, by an exact
 * margin above `delta` and above the float32 error bound at `x` (smt-verify's `replayCandidate`),
 * replayed in `replay`. `onCounterexample` receives each counterexample.
 */
export function judgeInputs(
  pair: ModelPair,
  replay: RuntimeReplay,
  delta: number,
  onCounterexample?: (c: Counterexample) => void,
  cpu?: CpuSemantics,
): (x: Float32Array) => Promise<boolean> {
  const mlp = pair.fp32.mlp;
  const model = pair.int8.model;
  const executor = createInt8Executor(model, cpu === undefined ? {} : { cpu });
  const point = cpu === undefined ? {} : { cpu };
  return async (x) => {
    // A certain disagreement is one that every float32 execution shows, so where the executors'
    // decisions are defined and equal there is none (this skips the exact arithmetic).
    const f = fp32DecisionAt(mlp, x);
    const q = int8DecisionAt(executor, model, x);
    if (q === -1 || (f !== -1 && f === q)) return true;
    const c = await replayCandidate(mlp, model, x, replay, point);
    if (c === null || !(c.fp32Margin > delta)) return true;
    onCounterexample?.(c);
    return false;
  };
}

/** `searchDisagreements` on a pair already read, with a replay the caller releases. */
export async function searchPair(
  pair: ModelPair,
  replay: RuntimeReplay,
  options: SearchOptions,
): Promise<SearchResult> {
  const delta = nonNegative('delta', options.delta ?? 0);
  const samples = nonNegative('samples', options.samples ?? 1000, true);
  const seed = nonNegative('seed', options.seed ?? 0, true);
  const arbitrary = regionInputsOfPair(pair, {
    box: options.box,
    ...(options.aim === undefined ? {} : { aim: options.aim }),
  });
  let tried = 0;
  let samplesToFirst = 0;
  let first: Counterexample | null = null;
  let last: Counterexample | null = null;
  const judge = judgeInputs(
    pair,
    replay,
    delta,
    (c) => {
      if (first === null) {
        first = c;
        samplesToFirst = tried;
      }
      last = c;
    },
    options.cpuSemantics,
  );
  const details = await check(
    asyncProperty(arbitrary, async (x) => {
      if (first === null) tried++;
      return judge(x);
    }),
    { seed, numRuns: samples, verbose: 0 },
  );
  if (!details.failed || details.counterexample === null) {
    return { kind: 'none', samples: details.numRuns, seed };
  }
  const shrunk = details.counterexample[0];
  // The last counterexample judged is fast-check's shrunk input unless a later candidate passed.
  let counterexample: Counterexample | null = last;
  if (
    counterexample === null ||
    (counterexample as Counterexample).input.join() !== shrunk.join()
  ) {
    counterexample = await replayCandidate(
      pair.fp32.mlp,
      pair.int8.model,
      shrunk,
      replay,
      options.cpuSemantics === undefined ? {} : { cpu: options.cpuSemantics },
    );
  }
  if (counterexample === null || first === null) {
    throw new Error('a counterexample of the property search no longer replays');
  }
  return {
    kind: 'found',
    counterexample,
    first,
    samplesToFirst,
    shrinks: details.numShrinks,
    seed,
    path: details.counterexamplePath ?? '',
  };
}

/**
 * Searches `options.box` for inputs where `int8` takes another decision than `fp32` with
 * `regionInputs` (seeded fast-check run of `options.samples` inputs), shrinks the first one towards
 * the largest FP32 margin, and returns it replayed in onnxruntime-node on the models' bytes. A
 * search that finds nothing proves nothing (the matchers run the region verifier for proofs).
 */
export async function searchDisagreements(
  fp32: ModelSource,
  int8: ModelSource,
  options: SearchOptions,
): Promise<SearchResult> {
  const pair = loadPair(fp32, int8);
  const replay = ortReplay(pair);
  try {
    return await searchPair(pair, replay, options);
  } finally {
    await replay.release();
  }
}

/** A judge of single inputs for your own fast-check properties (see `createDecisionJudge`). */
export interface DecisionJudge {
  /**
   * Resolves to false exactly at a counterexample: an input where every float32 execution of the
   * FP32 model ranks another output above the int8 decision by an exact margin above `delta` and
   * the float32 error bound there, replayed in onnxruntime-node on the models' bytes.
   */
  takesFp32Decision(x: Float32Array): Promise<boolean>;
  /** Every counterexample judged so far, in order (replayed; with both runtimes' outputs). */
  readonly counterexamples: readonly Counterexample[];
  /** Releases the onnxruntime-node sessions. */
  release(): Promise<void>;
}

/**
 * A judge for `fc.asyncProperty(regionInputs(fp32, int8, { box }), judge.takesFp32Decision)`:
 * smt-verify's replay of each input (exact FP32 margin, float32 error bound at the point,
 * onnxruntime-node on the models' bytes). Release it when done.
 */
export function createDecisionJudge(
  fp32: ModelSource,
  int8: ModelSource,
  options: { readonly delta?: number } = {},
): DecisionJudge {
  const pair = loadPair(fp32, int8);
  const replay = ortReplay(pair);
  const counterexamples: Counterexample[] = [];
  const judge = judgeInputs(pair, replay, nonNegative('delta', options.delta ?? 0), (c) =>
    counterexamples.push(c),
  );
  return { takesFp32Decision: judge, counterexamples, release: () => replay.release() };
}
