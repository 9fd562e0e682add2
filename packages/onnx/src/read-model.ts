import { openModelFile } from './model-file.js';
import { readMlpFile } from './read-mlp.js';
import type { ReadMlpResult } from './read-mlp.js';
import { readQMlpFile, sniffInt8Format } from './read-qmlp.js';
import type { ReadQMlpResult } from './read-qmlp.js';

/** An .onnx file read as what it holds: an FP32 `Mlp` or an int8 `QMlp`. */
export type ReadModelResult =
  ({ readonly kind: 'fp32' } & ReadMlpResult) | ({ readonly kind: 'int8' } & ReadQMlpResult);

/**
 * Reads an .onnx file whether it holds an FP32 or an int8 MLP: a graph with quantisation operators
 * (QuantizeLinear, DequantizeLinear, QGemm, QLinearMatMul, DynamicQuantizeLinear, MatMulInteger) is
 * read by `readQMlpOnnx`, any other by `readMlpOnnx`; throws what they throw.
 */
export function readModelOnnx(bytes: Uint8Array): ReadModelResult {
  const file = openModelFile(bytes);
  if (sniffInt8Format(file) === null) return { kind: 'fp32', ...readMlpFile(file) };
  return { kind: 'int8', ...readQMlpFile(file) };
}
