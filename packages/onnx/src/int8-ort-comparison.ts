import { performance } from 'node:perf_hooks';
import { mlpHead } from '@quantproof/nn';
import { createInt8Executor } from '@quantproof/quant';
import type { CpuSemantics, QMlp } from '@quantproof/quant';
import { InvalidRunInputError } from './errors.js';
import { expectedOrtLevel } from './qmlp-metadata.js';
import { createOrtSession } from './ort-session.js';
import type { GraphOptimizationLevel } from './ort-session.js';
import { writeQMlpOnnx } from './write-qmlp.js';

/** Options of `compareInt8WithOrt`. */
export interface CompareInt8Options {
  /**
   * ORT optimisation level. Default: the level at which ORT takes the model's execution path —
   * `'all'` for `fused-integer`, `'disabled'` for `unfused-float`.
   */
  readonly level?: GraphOptimizationLevel;
  /**
   * Rows per ORT call. Default 4096, and 1 for `unfused-float` models, whose float Gemm the
   * executor models for one row per run only (a larger value throws). Layers kept in float32 run on
   * a prepacked B, row by row alike, so any batch size compares. Dynamic models are compared
   * with one DynamicQuantizeLinear range per call (the executor's `dynamicRange: 'per-batch'` on
   * the same rows), so batch 1 compares per-sample ranges.
   */
  readonly batchSize?: number;
  /** Integer semantics of the executor; default quant's `DEFAULT_CPU_SEMANTICS`. */
  readonly cpu?: CpuSemantics;
  /**
   * The .onnx file onnxruntime runs, e.g. the file `model` was read from (to replay a third-party
   * file); it must output logits. Default: `writeQMlpOnnx` of the model without its output head.
   */
  readonly onnx?: Uint8Array;
}

/** A logit on which the executor and onnxruntime differ. */
export interface Int8Difference {
  readonly row: number;
  readonly output: number;
  readonly ort: number;
  readonly executor: number;
}

/** The result of one differential run: logits compared bit for bit. */
export interface Int8OrtComparison {
  readonly rows: number;
  /** rows × outputs logits compared. */
  readonly outputs: number;
  /** Logits whose float32 bit patterns differ (NaN payloads and the sign of zero count). */
  readonly differingOutputs: number;
  /** The first few differences (at most 10), in row order. */
  readonly differences: readonly Int8Difference[];
  /** Wall-clock seconds spent in onnxruntime-node runs and in the executor. */
  readonly ortSeconds: number;
  readonly executorSeconds: number;
}

const MAX_REPORTED = 10;

/**
 * Runs `inputs` ([rows, inputSize], rows one after another) through onnxruntime-node (the model as
 * `writeQMlpOnnx` writes it without its output head, or `options.onnx`; one intra-op thread) and
 * through quant's executor, and compares the float32 logits bit for bit. Throws
 * `InvalidRunInputError` for a bad batch size or input length, or an `onnx` file given for a model
 * with a Softmax head, and what the executor throws (e.g. NaN into a dynamic model).
 */
export async function compareInt8WithOrt(
  model: QMlp,
  inputs: Float32Array,
  options: CompareInt8Options = {},
): Promise<Int8OrtComparison> {
  // The unfused path's float32 Gemm (B from a DequantizeLinear, MLAS's M = 1 kernels) is modelled
  // for one row per run; a layer kept in float32 has a constant, prepacked B, whose kernel computes
  // every row alike.
  const unfused = model.executionPath.kind === 'unfused-float';
  const batchSize = options.batchSize ?? (unfused ? 1 : 4096);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new InvalidRunInputError(`batchSize = ${batchSize} is not a positive integer`);
  }
  if (unfused && batchSize !== 1) {
    throw new InvalidRunInputError(
      `batchSize = ${batchSize} on an unfused-float model: the executor models its float Gemm ` +
        'for one row per onnxruntime run only',
    );
  }
  const executor = createInt8Executor(model, {
    ...(options.cpu === undefined ? {} : { cpu: options.cpu }),
    dynamicRange: 'per-batch',
  });
  const { inputSize, outputSize } = executor;
  if (inputs.length % inputSize !== 0) {
    throw new InvalidRunInputError(
      `${inputs.length} values are not whole rows of the model's ${inputSize} inputs`,
    );
  }
  const rows = inputs.length / inputSize;
  if (options.onnx !== undefined && mlpHead(model) === 'softmax') {
    throw new InvalidRunInputError(
      "the model has a Softmax head, so its file outputs probabilities, which the executor's " +
        'logits are not compared with; omit `onnx` to compare the logits of the model written ' +
        'without its head, or pass a file that ends at the logits',
    );
  }
  const { head: _head, ...logitsModel } = model;
  const session = await createOrtSession(options.onnx ?? writeQMlpOnnx(logitsModel), {
    graphOptimizationLevel: options.level ?? expectedOrtLevel(model.executionPath),
  });
  const expected = new Float32Array(batchSize * outputSize);
  const expectedBits = new Uint32Array(expected.buffer);
  const differences: Int8Difference[] = [];
  let differingOutputs = 0;
  let ortSeconds = 0;
  let executorSeconds = 0;
  try {
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start);
      const chunk = inputs.subarray(start * inputSize, (start + count) * inputSize);
      let t = performance.now();
      const actual = await session.run(chunk, count);
      ortSeconds += (performance.now() - t) / 1000;
      t = performance.now();
      const mine = executor.forwardBatch(chunk, expected.subarray(0, count * outputSize));
      executorSeconds += (performance.now() - t) / 1000;
      const actualBits = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
      for (let k = 0; k < count * outputSize; k++) {
        if (actualBits[k] === expectedBits[k]) continue;
        differingOutputs++;
        if (differences.length < MAX_REPORTED) {
          differences.push({
            row: start + Math.floor(k / outputSize),
            output: k % outputSize,
            ort: actual[k] ?? NaN,
            executor: mine[k] ?? NaN,
          });
        }
      }
    }
  } finally {
    await session.release();
  }
  return {
    rows,
    outputs: rows * outputSize,
    differingOutputs,
    differences,
    ortSeconds,
    executorSeconds,
  };
}
