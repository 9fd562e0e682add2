// The public surface of @quantproof/smt-verify. Everything not exported here is internal.

export { type AgreementOptions, type AgreementResult, checkAgreement } from './agreement.js';
export { type InputBox } from './box.js';
export { type QueryOptions, type UnknownReason } from './disagreement-query.js';
export { type ErrorBoundOptions, type ErrorBoundResult, errorBound } from './error-bound.js';
export {
  InvalidBoxError,
  ModelMismatchError,
  SmtVerifyError,
  SmtVerifyOptionsError,
  VnnlibNetworkMismatchError,
} from './errors.js';
export { exactLogits } from './exact-fp32.js';
export { type FlipMarginOptions, type FlipMarginResult, flipMargin } from './flip-margin.js';
export { cellInterval, type InputCells, inputCells } from './input-cells.js';
export { type Rational } from './rational.js';
export {
  type Counterexample,
  type PointOptions,
  replayCandidate,
  ReplayMismatchError,
  type RuntimeFp32Replay,
  type RuntimeReplay,
} from './replay.js';
// The property types are nn's (onnx's parser returns the same), re-exported beside their decider.
export type {
  VnnlibBound,
  VnnlibLinearConstraint,
  VnnlibProperty,
  VnnlibRational,
} from '@quantproof/nn';
export {
  type VnnlibCounterexample,
  type VnnlibOptions,
  type VnnlibResult,
  type VnnlibStats,
  verifyVnnlibProperty,
} from './vnnlib-verify.js';
export { releaseZ3 } from './z3-session.js';
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
export { type LeafEvaluation, type LeafTask } from './region/evaluate.js';
export { JobFailedError } from './region/pool.js';
export {
  localRunner,
  type LocalRunnerOptions,
  type RegionRunner,
  type RegionRunnerContext,
  type RegionRunnerFactory,
} from './region/runner.js';
export {
  type CertifiedNumbers,
  certifiedNumbers,
  flipMarginUpper,
} from './certify/certified-numbers.js';
export {
  certifyLayerSensitivity,
  type Fp32LayerSensitivity,
  type LayerSensitivity,
  type LayerSensitivityOptions,
  type LayerSensitivityResult,
  type RefusedModel,
  type SensitivityModel,
} from './certify/layer-sensitivity.js';
export {
  repairToTarget,
  type RepairOptions,
  type RepairResult,
  type RepairRound,
} from './certify/repair.js';
export {
  inputQuantisationFloor,
  type InputQuantisationFloor,
  type InputQuantisationFloorOptions,
} from './certify/input-floor.js';
export {
  certifyBitWidths,
  certifyMixedPrecision,
  paretoFront,
  type CertifiedMixedPrecisionOptions,
  type CertifiedMixedPrecisionResult,
  type PrecisionPoint,
} from './certify/mixed-precision-front.js';
