// The public surface of @quantproof/interval. Everything not exported here is internal.

export {
  boxContains,
  boxFromCentre,
  boxFromOperatingBox,
  createBox,
  float32Range,
  fp32InputRange,
  type Bounds,
  type Box,
  type BoxArrays,
} from './box.js';
export {
  BoxDimensionError,
  IntervalError,
  IntervalOptionsError,
  InvalidBoxError,
  ModelMismatchError,
} from './errors.js';
export {
  addDown,
  addUp,
  float32Down,
  float32Up,
  mulDown,
  mulUp,
  nextDownFloat32,
  nextUpFloat32,
  subDown,
} from './outward.js';
export { ibpFp32, type Fp32IntervalBounds } from './fp32-network.js';
export { fp32LinearUpperBound } from './fp32-network.js';
export { fp32ExecutionError, maxPairTolerance, pairTolerance } from './fp32-error.js';
export { softmaxBoundsFp32, softmaxFp32 } from './softmax-bounds.js';
export { ibpInt8, type Int8IntervalBounds, type Int8LayerBounds } from './int8-bounds.js';
export {
  fp32SpecLowerBound,
  linearBoundsFp32,
  linearBoundsInt8,
  type LinearBounds,
  type SpecLowerBound,
} from './linear-bounds.js';
export { differenceBounds, type DifferenceBounds } from './logit-difference.js';
export {
  certifyDecision,
  createDecisionCertifier,
  type BoundMethod,
  type CertifyOptions,
  type DecisionBounds,
  type DecisionCertificate,
} from './certify.js';
export {
  createCounterexampleSearch,
  searchCounterexamples,
  type Counterexample,
  type CounterexampleSearch,
  type CounterexampleSearchBudget,
  type CounterexampleSearchOptions,
} from './counterexample-search.js';
export {
  splitAndCertify,
  type SplitLeaf,
  type SplitOptions,
  type SplitResult,
  type SplitSnapshot,
} from './input-splitting.js';
export { originalStudyCheck, type OriginalStudyCheck } from './original-study.js';
export {
  drive,
  driveAsync,
  RegionDriver,
  type BoxSplit,
  type DriveBudget,
  type DriveStopReason,
  type RegionDriverSnapshot,
  type RegionDriverSpec,
  type RegionItem,
  type RegionJob,
  type RegionObjective,
} from './region/drive.js';
export {
  cellAround,
  cellCount,
  chooseSplitDimension,
  firstFloat32AtLeast,
  float32FromOrdinal,
  float32Ordinal,
  inputQuantizers,
  type InputQuantizer,
  splitAtCellFace,
  splitPolicy,
} from './region/split.js';
export {
  analyseBox,
  type AnalyseOptions,
  type BoxAnalysis,
  type ShareCell,
} from './region/analyse.js';
export { preparePair, type PreparedPair } from './pair.js';
export {
  searchLinearConditions,
  type ConditionSearchOptions,
  type OutputCondition,
} from './region/condition-search.js';
export {
  refuteRegion,
  type RefutationLeaf,
  type RefutationResult,
  type RefutationSpec,
  type RefutationStep,
} from './region/refute.js';
