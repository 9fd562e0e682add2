// The CI slice's pairs and budgets (soundness.diff.test.ts and regressions.diff.test.ts): small
// verifier budgets, boxes of up to 24 cells per dimension (huge ones meet every cell), every cell
// of every box sampled.
import type { CheckOptions } from './check-pair.js';
import type { GeneratorOptions } from './generators.js';

/** The slice's pairs: two or three boxes each. */
export const SLICE_GENERATOR: GeneratorOptions = {
  maxCellsPerDimension: 24,
  boxesPerPair: { min: 2, max: 3 },
};

/** The slice's budgets. */
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
