export {
  ExternalDataError,
  InvalidMlpError,
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
