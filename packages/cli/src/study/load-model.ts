// Reading the models users bring: ONNX files as ours or onnxruntime's quantiser write them.

import { CARTPOLE_OPERATING_BOX, CartPoleEnv } from '@quantproof/env';
import { type Mlp, mlpInputSize, mlpOutputSize } from '@quantproof/nn';
import {
  type GraphOptimizationLevel,
  OnnxError,
  ortExecutionPath,
  readModelOnnx,
} from '@quantproof/onnx';
import {
  AccumulatorOverflowError,
  createInt8Executor,
  type ExecutionPath,
  type QMlp,
  isFloatLayer,
  qmlpInputSize,
  qmlpOutputSize,
} from '@quantproof/quant';
import { InputError } from '../errors.js';
import { readInputFile } from '../files.js';

/** A model file, read. */
export type LoadedModel = (
  { readonly kind: 'fp32'; readonly mlp: Mlp } | { readonly kind: 'int8'; readonly model: QMlp }
) & {
  readonly notes: readonly string[];
  /** The file's bytes as read (once): what onnxruntime-node replays. */
  readonly bytes: Uint8Array;
  /**
   * The session optimisation level whose arithmetic the model reproduces (the int8 reader's
   * `ortLevel`; onnxruntime's default `'all'` for FP32 files).
   */
  readonly level: GraphOptimizationLevel;
};

/** An FP32 model file, read. */
export type LoadedFp32 = Extract<LoadedModel, { readonly kind: 'fp32' }>;

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /**
   * An int8 model whose int32 accumulators could overflow: `refuse` (an `InputError`, default) or
   * `allow` (for `verify`, which answers `unknown` with the reason for such a model).
   */
  readonly accumulatorOverflow?: 'refuse' | 'allow';
}

/**
 * Reads an ONNX file; a file that is not a supported model becomes an `InputError`. So does an int8
 * model whose int32 accumulators could overflow (onnxruntime's result there depends on the CPU
 * kernel, which the executor does not model), or one that onnxruntime-node runs with other kernels
 * than the execution path read from its graph.
 */
export async function loadModel(
  path: string,
  flag: string,
  options: LoadModelOptions = {},
): Promise<LoadedModel> {
  const bytes = await readInputFile(path, `the ${flag} model`);
  let read: ReturnType<typeof readModelOnnx>;
  try {
    read = readModelOnnx(bytes);
  } catch (error) {
    throw new InputError(`${flag} ${path}: ${(error as Error).message}`);
  }
  if (read.kind === 'fp32') {
    return { kind: 'fp32', mlp: read.mlp, notes: read.notes, bytes, level: 'all' };
  }
  try {
    createInt8Executor(read.model);
  } catch (error) {
    if (!(error instanceof AccumulatorOverflowError)) throw error;
    if (options.accumulatorOverflow === 'allow') {
      return { kind: 'int8', model: read.model, notes: read.notes, bytes, level: read.ortLevel };
    }
    throw new InputError(
      `${flag} ${path} cannot be evaluated or verified: ${error.message} (onnxruntime's result then depends on how its CPU kernel handles int32 overflow, which quantproof does not model)`,
    );
  }
  await requireOrtPath(bytes, read.model, read.ortLevel, path, flag);
  return { kind: 'int8', model: read.model, notes: read.notes, bytes, level: read.ortLevel };
}

function describePath(path: ExecutionPath): string {
  return path.kind === 'fused-integer' ? 'fused-integer' : `unfused-float (${path.gemm})`;
}

function samePath(a: ExecutionPath | null, b: ExecutionPath): boolean {
  return (
    a !== null &&
    a.kind === b.kind &&
    (a.kind === 'fused-integer' || (b.kind === 'unfused-float' && a.gemm === b.gemm))
  );
}

/**
 * Checks layer by layer that onnxruntime-node runs the file with the kernels its graph reads as
 * (`ortExecutionPath`): every layer on the model's execution path, except that a layer kept in
 * float32 must run as a float Gemm (one onnxruntime quantised itself shows up as an integer
 * kernel). The executor, the bounds and the encodings model exactly those kernels.
 */
async function requireOrtPath(
  bytes: Uint8Array,
  model: QMlp,
  level: GraphOptimizationLevel,
  file: string,
  flag: string,
): Promise<void> {
  let runs: readonly { readonly opType: string; readonly path: ExecutionPath | null }[];
  try {
    const report = await ortExecutionPath(bytes, level);
    runs = report.layers.map((l) => ({ opType: l.node.opType, path: l.executionPath }));
  } catch (error) {
    if (!(error instanceof OnnxError)) throw error;
    throw new InputError(`${flag} ${file}: ${error.message}`);
  }
  const expected = model.layers.map((layer): ExecutionPath | 'float32' =>
    isFloatLayer(layer) ? 'float32' : model.executionPath,
  );
  const same =
    runs.length === expected.length &&
    runs.every((r, i) => {
      const e = expected[i]!;
      return e === 'float32' ? r.path?.kind === 'unfused-float' : samePath(r.path, e);
    });
  if (!same) {
    const reads = expected.map((e) => (e === 'float32' ? 'float32' : describePath(e)));
    throw new InputError(
      `${flag} ${file}: at optimisation level '${level}' onnxruntime-node runs its layers with ${runs.map((r) => r.opType).join(', ') || 'no linear kernel'}, not the ${[...new Set(reads)].join(' and ')} layers its graph reads as; quantproof cannot model this file exactly (please report it with the file)`,
    );
  }
}

/** Reads an ONNX file that must hold an FP32 model. */
export async function loadFp32(path: string, flag: string): Promise<LoadedFp32> {
  const loaded = await loadModel(path, flag);
  if (loaded.kind !== 'fp32') {
    throw new InputError(`${flag} ${path} is an int8 model; pass the FP32 model here`);
  }
  return loaded;
}

/** CartPole-v1's observation size and action count: what a policy of the study maps. */
const CARTPOLE_POLICY_SHAPE = {
  inputs: CARTPOLE_OPERATING_BOX.dimensions.length,
  outputs: new CartPoleEnv().actionCount,
} as const;

function requireCartPolePolicy(loaded: LoadedModel, path: string, flag: string): void {
  const [inputs, outputs] =
    loaded.kind === 'fp32'
      ? [mlpInputSize(loaded.mlp), mlpOutputSize(loaded.mlp)]
      : [qmlpInputSize(loaded.model), qmlpOutputSize(loaded.model)];
  const { inputs: want, outputs: actions } = CARTPOLE_POLICY_SHAPE;
  if (inputs !== want || outputs !== actions) {
    throw new InputError(
      `${flag} ${path} maps ${inputs} inputs to ${outputs} outputs, but a CartPole-v1 policy maps the ${want} observations to ${actions} action logits; pass a CartPole-v1 policy (other networks can be checked with verify --box or vnnlib)`,
    );
  }
}

/** Reads an ONNX file that must hold a CartPole-v1 policy (4 observations → 2 logits), FP32 or int8. */
export async function loadCartPolePolicy(path: string, flag: string): Promise<LoadedModel> {
  const loaded = await loadModel(path, flag);
  requireCartPolePolicy(loaded, path, flag);
  return loaded;
}

/** Reads an ONNX file that must hold an FP32 CartPole-v1 policy (4 observations → 2 logits). */
export async function loadCartPoleFp32(path: string, flag: string): Promise<Mlp> {
  const loaded = await loadFp32(path, flag);
  requireCartPolePolicy(loaded, path, flag);
  return loaded.mlp;
}
