// The differential soundness suite (CI slice): random adversarial FP32/int8 pairs written to ONNX
// and read back, verified box by box, every claim checked against onnxruntime-node on both files
// and exact real FP32 logits (conditions (a)–(g) in oracle.ts). One property per focus, so that a
// few pairs still meet every class of input. Seeded by FC_SEED; FC_NUM_RUNS scales the pairs. The
// soak (`pnpm --filter @quantproof/benchmarks bench:soundness`) runs the same check for longer.
import { releaseZ3 } from '@quantproof/smt-verify';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkPair } from './check-pair.js';
import { buildPair, FOCI, pairSpec } from './generators.js';
import { formatFailure } from './failures.js';
import { SLICE_CHECK, SLICE_GENERATOR } from './slice.js';

afterAll(releaseZ3);

// FC_NUM_RUNS (default 100) scales the slice: 100 gives 32 pairs per focus.
const runs = Math.max(1, Math.round((Number(process.env['FC_NUM_RUNS'] ?? 100) * 32) / 100));

describe('differential soundness against onnxruntime-node', () => {
  // The slowest focus takes about 20 s on an idle 2-core machine; CI runs every suite at once.
  for (const focus of FOCI) {
    it(`every claim holds on both files (${focus})`, async () => {
      await fc.assert(
        fc.asyncProperty(pairSpec(SLICE_GENERATOR, focus), async (spec) => {
          const pair = buildPair(spec, SLICE_GENERATOR);
          fc.pre(pair !== null);
          const report = await checkPair(pair!, SLICE_CHECK);
          if (report.failures.length > 0) {
            throw new Error(report.failures.map(formatFailure).join('\n\n'));
          }
        }),
        { numRuns: runs, endOnFailure: true },
      );
    }, 300_000);
  }
});
