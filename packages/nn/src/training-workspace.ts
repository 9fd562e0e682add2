import { NnOptionsError, NnShapeError } from './errors.js';
import { type Float32Kernels, float32KernelsJs } from './float32-kernels.js';
import { createWasmHeap } from './wasm-kernels.js';
import { checkGradientShapes, type MlpGradients } from './gradients.js';
import { type Mlp, mlpInputSize, mlpOutputSize, validateMlp } from './mlp.js';

/** Which kernel runs the products: WebAssembly SIMD, or plain JavaScript (same bits, slower). */
export type TrainingBackend = 'wasm' | 'js';

/** Options of `createTrainingWorkspace`. */
export interface TrainingWorkspaceOptions {
  /** `'auto'` (default) picks `'wasm'` where WebAssembly SIMD is available, else `'js'`. */
  readonly backend?: TrainingBackend | 'auto';
}

/** Heap offsets of one layer's buffers. */
interface LayerSlots {
  /** Weights as of the last forward, row-major [out][in]. */
  readonly weight: number;
  /** The same, transposed: [in][out]. */
  readonly weightTransposed: number;
  readonly bias: number;
  readonly pre: number;
  readonly out: number;
  readonly gradWeight: number;
  readonly gradBias: number;
}

/** The float32 heap every buffer lives in, its kernel, and where each buffer is. */
interface TrainingInternals {
  readonly heap: Float32Array;
  readonly kernels: Float32Kernels;
  readonly ones: number;
  readonly input: number;
  readonly layers: readonly LayerSlots[];
  readonly deltaPing: number;
  readonly deltaPong: number;
  readonly dInput: number;
}

/**
 * Buffers for training one network on batches of up to `batchCapacity` rows, all float32 in one
 * heap (WebAssembly memory for the `wasm` backend). `forwardTrain` fills `input` and every layer's
 * `preActivations` and `activations` (row-major [n, width]) and records `batchSize`;
 * `backwardTrain` reads them. Weights are read afresh by every `forwardTrain` (so in-place
 * optimiser updates are picked up) and `backwardTrain` differentiates at the weights of the last
 * `forwardTrain`.
 */
export interface TrainingWorkspace {
  readonly mlp: Mlp;
  readonly batchCapacity: number;
  readonly backend: TrainingBackend;
  /** Rows in the last `forwardTrain` (0 before the first). */
  batchSize: number;
  readonly input: Float32Array;
  readonly preActivations: readonly Float32Array[];
  /** Post-activation outputs; the same array as `preActivations[l]` for `identity` layers. */
  readonly activations: readonly Float32Array[];
  /** Implementation detail (heap, kernels, buffer offsets): not part of the supported surface. */
  readonly internals: TrainingInternals;
}

/** Options of `backwardTrain`. */
export interface BackwardTrainOptions {
  /** Parameter gradients to *add* dL/dθ to; omit to skip them (input gradients only). */
  readonly gradients?: MlpGradients;
  /** Row-major [n, in] buffer to *write* dL/d(input) to; omit to skip it. */
  readonly dInput?: Float64Array;
}

/** A training workspace for `mlp` and batches of at most `batchCapacity` rows. */
export function createTrainingWorkspace(
  mlp: Mlp,
  batchCapacity: number,
  options: TrainingWorkspaceOptions = {},
): TrainingWorkspace {
  validateMlp(mlp);
  if (!(Number.isSafeInteger(batchCapacity) && batchCapacity > 0)) {
    throw new NnShapeError(`batchCapacity must be a positive integer; got ${batchCapacity}`);
  }
  const requested = options.backend ?? 'auto';
  if (requested !== 'auto' && requested !== 'wasm' && requested !== 'js') {
    throw new NnOptionsError(`unknown backend ${JSON.stringify(requested)}; use auto, wasm or js`);
  }
  // Lay the buffers out on 16-byte boundaries, then allocate the heap once.
  let top = 0;
  const reserve = (size: number): number => {
    const at = top;
    top += Math.ceil(size / 4) * 4;
    return at;
  };
  const inputSize = mlpInputSize(mlp);
  let maxWidth = inputSize;
  const ones = reserve(batchCapacity);
  const input = reserve(batchCapacity * inputSize);
  const layers: LayerSlots[] = mlp.layers.map((layer) => {
    maxWidth = Math.max(maxWidth, layer.outFeatures);
    const pre = reserve(batchCapacity * layer.outFeatures);
    return {
      weight: reserve(layer.weight.length),
      weightTransposed: reserve(layer.weight.length),
      bias: reserve(layer.outFeatures),
      pre,
      out: layer.activation === 'identity' ? pre : reserve(batchCapacity * layer.outFeatures),
      gradWeight: reserve(layer.weight.length),
      gradBias: reserve(layer.outFeatures),
    };
  });
  const deltaPing = reserve(batchCapacity * maxWidth);
  const deltaPong = reserve(batchCapacity * maxWidth);
  const dInput = reserve(batchCapacity * inputSize);

  const wasm = requested === 'js' ? null : createWasmHeap(top);
  if (requested === 'wasm' && wasm === null) {
    throw new NnOptionsError(
      "WebAssembly SIMD is not available in this runtime; use backend 'auto' or 'js'",
    );
  }
  const heap = wasm === null ? new Float32Array(top) : wasm.heap;
  const kernels = wasm === null ? float32KernelsJs(heap) : wasm.kernels;
  heap.fill(1, ones, ones + batchCapacity);
  const view = (offset: number, size: number): Float32Array => heap.subarray(offset, offset + size);
  return {
    mlp,
    batchCapacity,
    backend: wasm === null ? 'js' : 'wasm',
    batchSize: 0,
    input: view(input, batchCapacity * inputSize),
    preActivations: layers.map((slots, l) =>
      view(slots.pre, batchCapacity * mlp.layers[l]!.outFeatures),
    ),
    activations: layers.map((slots, l) =>
      view(slots.out, batchCapacity * mlp.layers[l]!.outFeatures),
    ),
    internals: { heap, kernels, ones, input, layers, deltaPing, deltaPong, dInput },
  };
}

/**
 * Training forward on the first `n` rows of `inputs` (row-major [n, in]; float64 inputs are
 * rounded to float32). Float32 arithmetic in forwardFp32's order, so every output is bitwise equal
 * to `forwardFp32` on its row — vectorised across a layer's outputs. Returns the outputs as a
 * row-major [n, out] view into the workspace, valid until the next `forwardTrain`.
 */
export function forwardTrain(
  workspace: TrainingWorkspace,
  inputs: Float32Array | Float64Array,
  n: number,
): Float32Array {
  const { mlp, internals } = workspace;
  const { heap, kernels } = internals;
  const inputSize = mlpInputSize(mlp);
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= workspace.batchCapacity)) {
    throw new NnShapeError(
      `the batch size must be an integer in [0, ${workspace.batchCapacity}] (the workspace's capacity); got ${n}`,
    );
  }
  if (inputs.length < n * inputSize) {
    throw new NnShapeError(
      `a batch of ${n} needs ${n * inputSize} input values (${inputSize} per row); got ${inputs.length}`,
    );
  }
  heap.set(inputs.subarray(0, n * inputSize), internals.input);
  let source = internals.input;
  for (let l = 0; l < mlp.layers.length; l++) {
    const layer = mlp.layers[l]!;
    const slots = internals.layers[l]!;
    const { inFeatures, outFeatures, weight } = layer;
    heap.set(weight, slots.weight);
    heap.set(layer.bias, slots.bias);
    const transposed = slots.weightTransposed;
    for (let j = 0; j < outFeatures; j++) {
      const row = j * inFeatures;
      for (let i = 0; i < inFeatures; i++)
        heap[transposed + i * outFeatures + j] = weight[row + i]!;
    }
    // pre[s, j] = fround(Σ_i x[s, i] · W[j, i] + b[j]): A = x, B = Wᵀ, bias finish.
    kernels.gemm(
      source,
      inFeatures,
      1,
      transposed,
      slots.pre,
      n,
      outFeatures,
      inFeatures,
      2,
      slots.bias,
    );
    if (layer.activation === 'relu') kernels.relu(slots.pre, slots.out, n * outFeatures);
    source = slots.out;
  }
  workspace.batchSize = n;
  return heap.subarray(source, source + n * mlpOutputSize(mlp));
}

/**
 * Backpropagates `dOutput` (dL/d(output), row-major [n, out] for the `n` of the last
 * `forwardTrain`; rounded to float32) in float32 arithmetic with sequential sums: per layer,
 * `dW[j, i] = Σ_s δ[s, j]·x[s, i]` and `db[j] = Σ_s δ[s, j]` over the rows s in order, and
 * `dx[s, i] = Σ_j δ[s, j]·W[j, i]` over the outputs j in order, each operation rounded to float32.
 * ReLU passes the gradient where its pre-activation is > 0 (as PyTorch). The batch's parameter
 * gradients are then *added* (in float64) to `options.gradients`; dL/d(input) is *written* to
 * `options.dInput`. `dOutput` is not modified.
 */
export function backwardTrain(
  workspace: TrainingWorkspace,
  dOutput: Float64Array,
  options: BackwardTrainOptions,
): void {
  const { mlp, batchSize: n, internals } = workspace;
  const { heap, kernels } = internals;
  const outputSize = mlpOutputSize(mlp);
  if (dOutput.length < n * outputSize) {
    throw new NnShapeError(
      `dOutput holds ${dOutput.length} values; the last forwardTrain of ${n} rows needs ${n * outputSize}`,
    );
  }
  const gradients = options.gradients ?? null;
  if (gradients !== null) checkGradientShapes(mlp, gradients);
  const dInput = options.dInput ?? null;
  const inputSize = mlpInputSize(mlp);
  if (dInput !== null && dInput.length < n * inputSize) {
    throw new NnShapeError(
      `dInput holds ${dInput.length} values; a batch of ${n} needs ${n * inputSize}`,
    );
  }
  let delta = internals.deltaPing;
  let spare = internals.deltaPong;
  heap.set(dOutput.subarray(0, n * outputSize), delta);
  for (let l = mlp.layers.length - 1; l >= 0; l--) {
    const layer = mlp.layers[l]!;
    const slots = internals.layers[l]!;
    const { inFeatures, outFeatures } = layer;
    const layerInput = l === 0 ? internals.input : internals.layers[l - 1]!.out;
    if (layer.activation === 'relu') kernels.reluBackward(delta, slots.pre, n * outFeatures);
    if (gradients !== null) {
      // dW = δᵀ x: A[j, s] = δ[s, j] (row stride 1, column stride out), B = x.
      kernels.gemm(
        delta,
        1,
        outFeatures,
        layerInput,
        slots.gradWeight,
        outFeatures,
        inFeatures,
        n,
        0,
        0,
      );
      // db = 1ᵀ δ.
      kernels.gemm(internals.ones, 0, 1, delta, slots.gradBias, 1, outFeatures, n, 0, 0);
      const { weight: gradW, bias: gradB } = gradients.layers[l]!;
      for (let k = 0; k < gradW.length; k++) gradW[k] = gradW[k]! + heap[slots.gradWeight + k]!;
      for (let k = 0; k < gradB.length; k++) gradB[k] = gradB[k]! + heap[slots.gradBias + k]!;
    }
    if (l > 0 || dInput !== null) {
      // dx = δ W: A = δ, B = W (row-major [out][in]).
      const target = l === 0 ? internals.dInput : spare;
      kernels.gemm(delta, outFeatures, 1, slots.weight, target, n, inFeatures, outFeatures, 0, 0);
      spare = delta;
      delta = target;
    }
  }
  if (dInput !== null) {
    for (let k = 0; k < n * inputSize; k++) dInput[k] = heap[internals.dInput + k]!;
  }
}
