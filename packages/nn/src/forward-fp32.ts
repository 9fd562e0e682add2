import { NnShapeError } from './errors.js';
import { type DenseLayer, type Mlp, mlpInputSize, mlpOutputSize, validateMlp } from './mlp.js';

/**
 * Scratch space for `forwardFp32Into` and `forwardBatchFp32`: two ping-pong buffers as wide as the
 * widest hidden layer. Reuse one per network shape to run forwards without allocating.
 */
export interface ForwardFp32Workspace {
  readonly ping: Float32Array;
  readonly pong: Float32Array;
}

/** Options of `forwardBatchFp32`. */
export interface ForwardBatchFp32Options {
  /** Scratch buffers; default a fresh `createForwardFp32Workspace(mlp)`. */
  readonly workspace?: ForwardFp32Workspace;
  /** Where to write the [n, out] row-major outputs; default a new Float32Array of n·out. */
  readonly out?: Float32Array;
}

function maxHiddenWidth(mlp: Mlp): number {
  let width = 0;
  for (let l = 0; l < mlp.layers.length - 1; l++) {
    width = Math.max(width, mlp.layers[l]!.outFeatures);
  }
  return width;
}

/** Scratch buffers sized for `mlp` (and any network whose hidden layers are no wider). */
export function createForwardFp32Workspace(mlp: Mlp): ForwardFp32Workspace {
  validateMlp(mlp);
  const width = maxHiddenWidth(mlp);
  return { ping: new Float32Array(width), pong: new Float32Array(width) };
}

/**
 * One dense layer in float32 semantics on the sample at `inputOffset` of `input`, writing
 * `outFeatures` values at `outOffset` of `out`. For each output j, in increasing j:
 * `acc = 0; for i = 0 … in-1: acc = fround(acc + fround(w[j,i] · x[i])); y = fround(acc + b[j])`,
 * then ReLU `y < 0 ? 0 : y` for `relu` layers.
 */
function denseFp32(
  layer: DenseLayer,
  input: Float32Array,
  inputOffset: number,
  out: Float32Array,
  outOffset: number,
): void {
  const fround = Math.fround;
  const { inFeatures, outFeatures, weight, bias } = layer;
  const relu = layer.activation === 'relu';
  // Four outputs at a time: their sums are independent chains, interleaved so that the rounding
  // latency of one hides behind the others. Each chain keeps the documented order exactly.
  const blocked = outFeatures - (outFeatures % 4);
  let j = 0;
  for (; j < blocked; j += 4) {
    const r0 = j * inFeatures;
    const r1 = r0 + inFeatures;
    const r2 = r1 + inFeatures;
    const r3 = r2 + inFeatures;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < inFeatures; i++) {
      const x = input[inputOffset + i]!;
      a0 = fround(a0 + fround(weight[r0 + i]! * x));
      a1 = fround(a1 + fround(weight[r1 + i]! * x));
      a2 = fround(a2 + fround(weight[r2 + i]! * x));
      a3 = fround(a3 + fround(weight[r3 + i]! * x));
    }
    a0 = fround(a0 + bias[j]!);
    a1 = fround(a1 + bias[j + 1]!);
    a2 = fround(a2 + bias[j + 2]!);
    a3 = fround(a3 + bias[j + 3]!);
    out[outOffset + j] = relu && a0 < 0 ? 0 : a0;
    out[outOffset + j + 1] = relu && a1 < 0 ? 0 : a1;
    out[outOffset + j + 2] = relu && a2 < 0 ? 0 : a2;
    out[outOffset + j + 3] = relu && a3 < 0 ? 0 : a3;
  }
  for (; j < outFeatures; j++) {
    const row = j * inFeatures;
    let acc = 0;
    for (let i = 0; i < inFeatures; i++) {
      acc = fround(acc + fround(weight[row + i]! * input[inputOffset + i]!));
    }
    const y = fround(acc + bias[j]!);
    out[outOffset + j] = relu && y < 0 ? 0 : y;
  }
}

function forwardSample(
  mlp: Mlp,
  input: Float32Array,
  inputOffset: number,
  out: Float32Array,
  outOffset: number,
  workspace: ForwardFp32Workspace,
): void {
  const { layers } = mlp;
  const last = layers.length - 1;
  let source = input;
  let sourceOffset = inputOffset;
  let target = workspace.ping;
  for (let l = 0; l < last; l++) {
    denseFp32(layers[l]!, source, sourceOffset, target, 0);
    source = target;
    sourceOffset = 0;
    target = target === workspace.ping ? workspace.pong : workspace.ping;
  }
  denseFp32(layers[last]!, source, sourceOffset, out, outOffset);
}

function checkWorkspace(mlp: Mlp, workspace: ForwardFp32Workspace): void {
  const width = maxHiddenWidth(mlp);
  if (workspace.ping.length < width || workspace.pong.length < width) {
    throw new NnShapeError(
      `the forward workspace holds ${Math.min(workspace.ping.length, workspace.pong.length)} values per layer but this network has a hidden layer of ${width}; create it with createForwardFp32Workspace(mlp)`,
    );
  }
}

/**
 * The network's output on `x` in float32 semantics — the owner of FP32 *training* semantics.
 * Every layer computes, for each output j in order,
 * `acc = 0; for i = 0 … in-1: acc = fround(acc + fround(w[j,i] · x[i])); y = fround(acc + b[j])`,
 * then ReLU (`y < 0 ? 0 : y`) on `relu` layers; `fround` is round-to-nearest-even to float32.
 */
export function forwardFp32(mlp: Mlp, x: Float32Array): Float32Array {
  return forwardFp32Into(mlp, x, new Float32Array(mlpOutputSize(mlp)));
}

/** `forwardFp32` writing into `out` (length ≥ outputs) and returning it; no allocation given a workspace. */
export function forwardFp32Into(
  mlp: Mlp,
  x: Float32Array,
  out: Float32Array,
  workspace: ForwardFp32Workspace = createForwardFp32Workspace(mlp),
): Float32Array {
  validateMlp(mlp);
  const inputSize = mlpInputSize(mlp);
  if (x.length !== inputSize) {
    throw new NnShapeError(`the network takes ${inputSize} inputs; got ${x.length}`);
  }
  const outputSize = mlpOutputSize(mlp);
  if (out.length < outputSize) {
    throw new NnShapeError(
      `the output buffer holds ${out.length} values; the network produces ${outputSize}`,
    );
  }
  checkWorkspace(mlp, workspace);
  forwardSample(mlp, x, 0, out, 0, workspace);
  return out;
}

/**
 * `forwardFp32` on each of the `n` rows of `inputs` (row-major [n, in]; extra trailing entries are
 * ignored), writing row-major [n, out] into `options.out` (or a new array) and returning it. Each
 * row is bitwise identical to `forwardFp32` on that row; nothing is allocated per sample.
 */
export function forwardBatchFp32(
  mlp: Mlp,
  inputs: Float32Array,
  n: number,
  options: ForwardBatchFp32Options = {},
): Float32Array {
  validateMlp(mlp);
  const inputSize = mlpInputSize(mlp);
  const outputSize = mlpOutputSize(mlp);
  if (!(Number.isSafeInteger(n) && n >= 0)) {
    throw new NnShapeError(`the batch size must be a non-negative integer; got ${n}`);
  }
  if (inputs.length < n * inputSize) {
    throw new NnShapeError(
      `a batch of ${n} needs ${n * inputSize} input values (${inputSize} per row); got ${inputs.length}`,
    );
  }
  const out = options.out ?? new Float32Array(n * outputSize);
  if (out.length < n * outputSize) {
    throw new NnShapeError(
      `the output buffer holds ${out.length} values; a batch of ${n} needs ${n * outputSize}`,
    );
  }
  const workspace = options.workspace ?? createForwardFp32Workspace(mlp);
  checkWorkspace(mlp, workspace);
  for (let s = 0; s < n; s++) {
    forwardSample(mlp, inputs, s * inputSize, out, s * outputSize, workspace);
  }
  return out;
}
