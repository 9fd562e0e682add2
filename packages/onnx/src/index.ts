export {
  ExternalDataError,
  InvalidMlpError,
  InvalidQuantParamsError,
  InvalidRunInputError,
  InvalidWriteOptionsError,
  NotAnOnnxModelError,
  OnnxError,
  OrtRunError,
  OrtSessionError,
  SessionReleasedError,
  UnsupportedGraphError,
  UnsupportedNodeError,
} from './errors.js';
export type { BatchDim } from './graph-io.js';
export { createOrtSession } from './ort-session.js';
export {
  ORT_REPLAY_NAME,
  ORT_VERSION,
  ortPairReplay,
  replaySession,
  replaySessionOptions,
  runOnnxOnce,
} from './ort-replay.js';
export type {
  OrtPairReplay,
  ReplayFile,
  ReplaySession,
  ReplaySessionOptions,
} from './ort-replay.js';
export type { GraphOptimizationLevel, OrtSession, OrtSessionOptions } from './ort-session.js';
export { readMlpOnnx } from './read-mlp.js';
export type { ReadMlpResult } from './read-mlp.js';
export {
  PRODUCER_NAME,
  PRODUCER_VERSION,
  WRITER_IR_VERSION,
  WRITER_OPSET,
  writeMlpOnnx,
} from './write-mlp.js';
export type { WriteMlpOptions } from './write-mlp.js';
export { MICROSOFT_OPSET, writeQMlpOnnx } from './write-qmlp.js';
export type { WriteQMlpOptions } from './write-qmlp.js';
export { readQMlpOnnx } from './read-qmlp.js';
export type { ReadQMlpResult } from './read-qmlp.js';
export { readModelOnnx } from './read-model.js';
export type { ReadModelResult } from './read-model.js';
export { expectedOrtLevel, QMLP_METADATA_KEYS } from './qmlp-metadata.js';
export type { QMlpLayerScheme, QMlpScheme } from './qmlp-metadata.js';
export { ortExecutionPath } from './ort-execution-path.js';
export type { OrtExecutionReport, OrtGraphNode, OrtLayerKernel } from './ort-execution-path.js';
export { compareInt8WithOrt } from './int8-ort-comparison.js';
export type {
  CompareInt8Options,
  Int8Difference,
  Int8OrtComparison,
} from './int8-ort-comparison.js';
export { DIFFERENTIAL_INPUT_KINDS, differentialInputs } from './differential-inputs.js';
export type { DifferentialInputKind, DifferentialInputOptions } from './differential-inputs.js';
export {
  parseVnnlib,
  parseVnnlibDecimal,
  UnsupportedVnnlibError,
  VnnlibParseError,
  vnnlibRationalToNumber,
} from './vnnlib.js';
// The property types are nn's, re-exported here beside the parser that produces them.
export type {
  VnnlibBound,
  VnnlibLinearConstraint,
  VnnlibProperty,
  VnnlibRational,
} from '@quantproof/nn';
