// Region verification of one int8 variant over the operating box: bounds with input splitting
// under a time budget (`@quantproof/interval`), every counterexample replayed in onnxruntime-node.

import { performance } from 'node:perf_hooks';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import {
  type Box,
  boxFromOperatingBox,
  splitAndCertify,
  type BoundMethod,
} from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import { argmaxFirst, type QMlp } from '@quantproof/quant';
import { ortReplay } from './ort-replay.js';

/** A replayed disagreement: the input, both logit vectors, and onnxruntime-node's. */
export interface ReplayedCounterexample {
  readonly input: number[];
  readonly fp32Logits: number[];
  readonly int8Logits: number[];
  readonly replay: {
    readonly runtime: string;
    readonly fp32Logits: number[];
    readonly int8Logits: number[];
    /** Both runtime decisions equal the executors' (the disagreement holds in onnxruntime-node). */
    readonly confirmed: boolean;
  };
}

/** The verification of one variant (an entry of verify.json). */
export interface VariantVerification {
  readonly variant: string;
  /**
   * `inconsistent` when a disagreement was found and replayed, `consistent` when every leaf is
   * certified, otherwise `unknown` (budget exhausted with open leaves).
   */
  readonly verdict: 'consistent' | 'inconsistent' | 'unknown';
  readonly method: BoundMethod;
  readonly region: { readonly lower: number[]; readonly upper: number[] };
  readonly volume: {
    readonly consistent: number;
    readonly inconsistent: number;
    readonly unknown: number;
  };
  readonly stopReason: string;
  readonly boxes: number;
  readonly seconds: number;
  readonly leaves: readonly {
    lower: number[];
    upper: number[];
    verdict: 'consistent' | 'inconsistent' | 'unknown';
  }[];
  readonly counterexamples: readonly ReplayedCounterexample[];
  /** Counterexamples found in all (only the first `replayLimit` are listed and replayed). */
  readonly counterexamplesFound: number;
}

/** Verifies `int8` against `fp32` over `region` (default the CartPole operating box) within `seconds`. */
export async function verifyVariant(
  name: string,
  fp32: Mlp,
  int8: QMlp,
  options: {
    readonly seconds: number;
    readonly seed: number;
    readonly method?: BoundMethod;
    readonly replayLimit?: number;
    readonly region?: Box;
  },
): Promise<VariantVerification> {
  const root = options.region ?? boxFromOperatingBox(CARTPOLE_OPERATING_BOX);
  const start = performance.now();
  const method = options.method ?? 'linear';
  const result = splitAndCertify(fp32, int8, root, {
    method,
    timeBudgetMs: options.seconds * 1000,
    clock: () => performance.now(),
    maxBoxes: 1e9,
    seed: options.seed,
  });
  const replay = ortReplay();
  const counterexamples: ReplayedCounterexample[] = [];
  for (const c of result.counterexamples.slice(0, options.replayLimit ?? 20)) {
    const ortFp32 = await replay.fp32(fp32, c.input);
    const ortInt8 = await replay.int8(int8, c.input);
    counterexamples.push({
      input: Array.from(c.input),
      fp32Logits: Array.from(c.fp32Logits),
      int8Logits: Array.from(c.int8Logits),
      replay: {
        runtime: replay.name,
        fp32Logits: Array.from(ortFp32),
        int8Logits: Array.from(ortInt8),
        confirmed: argmaxFirst(ortFp32) === c.fp32Action && argmaxFirst(ortInt8) === c.int8Action,
      },
    });
  }
  const anyConfirmed = counterexamples.some((c) => c.replay.confirmed);
  const verdict = anyConfirmed
    ? 'inconsistent'
    : result.openFraction === 0 && result.counterexampleFraction === 0
      ? 'consistent'
      : 'unknown';
  const leafVerdict = {
    consistent: 'consistent',
    counterexample: 'inconsistent',
    open: 'unknown',
  } as const;
  return {
    variant: name,
    verdict,
    method,
    region: { lower: Array.from(root.lower), upper: Array.from(root.upper) },
    volume: {
      consistent: result.consistentFraction,
      inconsistent: result.counterexampleFraction,
      unknown: result.openFraction,
    },
    stopReason: result.stopReason,
    boxes: result.leaves.length,
    seconds: (performance.now() - start) / 1000,
    leaves: result.leaves.map((leaf) => ({
      lower: Array.from(leaf.box.lower),
      upper: Array.from(leaf.box.upper),
      verdict: leafVerdict[leaf.kind],
    })),
    counterexamples,
    counterexamplesFound: result.counterexamples.length,
  };
}
