// The public surface of @quantproof/testing. Everything not exported here is internal.

export { type AimKind, type AimWeights, DEFAULT_AIM } from './aim.js';
export { regionInputs, type RegionInputsOptions } from './arbitrary.js';
export {
  type Baseline,
  BASELINE_FORMAT,
  BASELINE_VERSION,
  type BaselineComparison,
  type CertifiedBracket,
  type CertifiedNumbers,
  certifiedNumbers,
  type CompareOptions,
  compareWithBaseline,
  createBaseline,
  type MetricComparison,
  type MetricStatus,
  parseBaseline,
  serializeBaseline,
  type Verdict,
  type VerificationNumbers,
} from './baseline.js';
export {
  BaselineFormatError,
  ModelInputError,
  TestingError,
  TestingOptionsError,
} from './errors.js';
export { junitReport, type JunitOptions } from './junit.js';
export {
  type BoundOptions,
  type MatcherResult,
  quantproofMatchers,
  toHaveErrorBoundBelow,
  toHaveFlipMarginBelow,
  toTakeFp32Decision,
} from './matchers.js';
export type { ModelSource } from './models.js';
export {
  certifyRegion,
  checkDecision,
  type DecisionCheck,
  type ProofOptions,
  type ReportedCounterexample,
} from './prove.js';
export {
  createDecisionJudge,
  type DecisionJudge,
  searchDisagreements,
  type SearchOptions,
  type SearchResult,
} from './search.js';
export { releaseZ3 } from '@quantproof/smt-verify';
