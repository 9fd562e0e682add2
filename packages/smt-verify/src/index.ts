// The public surface of @quantproof/smt-verify. Everything not exported here is internal.

export { type AgreementOptions, type AgreementResult, checkAgreement } from './agreement.js';
export { float32Box, type InputBox } from './box.js';
export {
  type Cell,
  decideByCells,
  enumerateCells,
  type Fp32CellDecider,
  smtCellDecider,
} from './cell-oracle.js';
export {
  encodeBoth,
  type PreparedBox,
  prepareBox,
  type QueryOptions,
  type SearchResult,
  searchDisagreement,
  type UnknownReason,
} from './disagreement-query.js';
export { type ErrorBoundOptions, type ErrorBoundResult, errorBound } from './error-bound.js';
export {
  InvalidBoxError,
  ModelMismatchError,
  SmtVerifyError,
  SmtVerifyOptionsError,
  VnnlibNetworkMismatchError,
} from './errors.js';
export { type ExactAffine, exactAffineObjective, exactLogits } from './exact-fp32.js';
export { encodeFp32, type Fp32Encoding } from './fp32-encoding.js';
export { type FlipMarginOptions, type FlipMarginResult, flipMargin } from './flip-margin.js';
export { cellInterval, type InputCells, inputCells } from './input-cells.js';
export {
  encodeInt8,
  type Int8Encoding,
  type Int8EncodingGap,
  int8Decides,
  int8EncodingGap,
} from './int8-encoding.js';
export { type Rational } from './rational.js';
export {
  type Counterexample,
  exactDecision,
  judgePoint,
  type PointJudgement,
  type PointOptions,
  ReplayMismatchError,
  replayCandidate,
  type RuntimeFp32Replay,
  type RuntimeReplay,
} from './replay.js';
export {
  halfUpRound,
  type RequantException,
  type RequantForm,
  requantForm,
  requantizeUnclamped,
} from './requant-exceptions.js';
export { SmtScript } from './smtlib.js';
export {
  type VnnlibBound,
  type VnnlibCounterexample,
  type VnnlibLinearConstraint,
  type VnnlibOptions,
  type VnnlibProperty,
  type VnnlibRational,
  type VnnlibResult,
  type VnnlibStats,
  verifyVnnlibProperty,
} from './vnnlib-verify.js';
export {
  type CheckResult,
  checkSmt,
  releaseZ3,
  type SmtQuery,
  z3CheckCount,
} from './z3-session.js';
export {
  type Bracket,
  type DisagreementVolume,
  type LeafStatus,
  type RegionLeaf,
  type RegionOptions,
  type RegionProgress,
  type RegionResult,
  type RegionStats,
  type RegionVolume,
  verifyRegion,
} from './region/verify-region.js';
export {
  type CheckpointState as RegionCheckpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  memoryCheckpointStore,
  type RegionCheckpointStore,
} from './region/checkpoint.js';
export { cpuSemanticsInWords, regionTheorem } from './region/theorem.js';
