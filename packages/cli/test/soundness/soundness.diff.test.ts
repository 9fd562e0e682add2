// The differential soundness suite (CI slice): random adversarial FP32/int8 pairs written to ONNX
// and read back, verified box by box, every claim checked against onnxruntime-node on both files
// and exact real FP32 logits (conditions (a)–(g) in oracle.ts). One property per focus, so that a
// few pairs still meet every class of input. Seeded by FC_SEED; FC_NUM_RUNS scales the pairs. The
// soak (`pnpm --filter @quantproof/benchmarks bench:soundness`) runs the same check for longer.
import { releaseZ3 } from '@quantproof/smt-verify';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkPair, type CheckOptions } from './check-pair.js';
import { buildPair, FOCI, type GeneratorOptions, pairSpec } from './generators.js';
import { formatFailure } from './oracle.js';

afterAll(releaseZ3);

const generator: GeneratorOptions = { maxCellsPerDimension: 24, boxesPerPair: { min: 2, max: 3 } };

/** The slice's budgets: small verifier budgets, every cell of every box sampled. */
export const SLICE_CHECK: CheckOptions = {
  seconds: 1,
  maxBoxes: 24,
  smtTimeoutSeconds: 0.25,
  agreementCells: 16,
  exactBudget: 300,
  pointChecks: 3,
  randomPerCell: 2,
  gridPerDimension: 24,
  bisections: 256,
  completeLimit: 2048,
  seed: 1,
};

// FC_NUM_RUNS (default 100) scales the slice: 100 gives 8 pairs per focus.
const runs = Math.max(1, Math.round((Number(process.env['FC_NUM_RUNS'] ?? 100) * 8) / 100));

describe('differential soundness against onnxruntime-node', () => {
  for (const focus of FOCI) {
    it(`every claim holds on both files (${focus})`, async () => {
      await fc.assert(
        fc.asyncProperty(pairSpec(generator, focus), async (spec) => {
          const pair = buildPair(spec, generator);
          fc.pre(pair !== null);
          const report = await checkPair(pair!, SLICE_CHECK);
          if (report.failures.length > 0) {
            throw new Error(report.failures.map(formatFailure).join('\n\n'));
          }
        }),
        { numRuns: runs, endOnFailure: true },
      );
    });
  }
});
