import { NnShapeError } from './errors.js';

/** Activation applied after a dense layer: `relu(y) = y < 0 ? 0 : y` (NaN propagates). */
export type Activation = 'relu' | 'identity';

/** Every activation, in a fixed order (for validation and iteration). */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'identity'];

/**
 * One dense layer `y = activation(W x + b)`.
 *
 * `weight` is row-major with shape [outFeatures, inFeatures]: the weight from input `i` to output
 * `j` is `weight[j * inFeatures + i]` (PyTorch's `nn.Linear.weight` layout, ONNX Gemm with
 * `transB = 1`).
 */
export interface DenseLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

/**
 * What the model file computes after its last dense layer: `logits` (nothing) or `softmax` (a final
 * float32 Softmax over the outputs, as a PyTorch export with `nn.Softmax(dim=-1)` holds). The
 * decision is the first maximal index of those outputs (quant's `decideOutputs` owns the rule).
 */
export type OutputHead = 'logits' | 'softmax';

/** Every output head, in a fixed order. */
export const OUTPUT_HEADS: readonly OutputHead[] = ['logits', 'softmax'];

/** A multilayer perceptron: dense layers applied in order, then its output head. */
export interface Mlp {
  readonly layers: readonly DenseLayer[];
  /** The output head of the model file; absent means `logits`. */
  readonly head?: OutputHead;
}

/** The output head of `mlp` (`logits` when absent). */
export function mlpHead(mlp: { readonly head?: OutputHead }): OutputHead {
  return mlp.head ?? 'logits';
}

/** Number of inputs the network takes. */
export function mlpInputSize(mlp: Mlp): number {
  const first = mlp.layers[0];
  if (first === undefined) throw new RangeError('an Mlp has at least one layer');
  return first.inFeatures;
}

/** Number of outputs (logits) the network produces. */
export function mlpOutputSize(mlp: Mlp): number {
  const last = mlp.layers[mlp.layers.length - 1];
  if (last === undefined) throw new RangeError('an Mlp has at least one layer');
  return last.outFeatures;
}

/** The layer widths `[in, hidden..., out]` (a 4-64-64-2 network gives `[4, 64, 64, 2]`). */
export function mlpSizes(mlp: Mlp): number[] {
  const sizes = [mlpInputSize(mlp)];
  for (const layer of mlp.layers) sizes.push(layer.outFeatures);
  return sizes;
}

/** Total number of trainable parameters (weights and biases). */
export function mlpParameterCount(mlp: Mlp): number {
  let count = 0;
  for (const layer of mlp.layers) count += layer.weight.length + layer.bias.length;
  return count;
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/**
 * Checks that `mlp` is well formed: at least one layer, positive integer widths, weight and bias
 * lengths that match them, consecutive layers that chain, known activations. Returns `mlp`;
 * throws `NnShapeError` saying which layer is wrong. Weights are not inspected (NaN is allowed).
 */
export function validateMlp(mlp: Mlp): Mlp {
  if (mlp.layers.length === 0) {
    throw new NnShapeError('an Mlp needs at least one layer; got an empty layer list');
  }
  let previousOut: number | undefined;
  for (let index = 0; index < mlp.layers.length; index++) {
    const layer = mlp.layers[index]!;
    if (!isPositiveInteger(layer.inFeatures) || !isPositiveInteger(layer.outFeatures)) {
      throw new NnShapeError(
        `layer ${index}: inFeatures and outFeatures must be positive integers; got ${layer.inFeatures} and ${layer.outFeatures}`,
      );
    }
    if (!(layer.weight instanceof Float32Array) || !(layer.bias instanceof Float32Array)) {
      throw new NnShapeError(`layer ${index}: weight and bias must be Float32Arrays`);
    }
    if (layer.weight.length !== layer.outFeatures * layer.inFeatures) {
      throw new NnShapeError(
        `layer ${index}: weight has ${layer.weight.length} entries but [outFeatures, inFeatures] = [${layer.outFeatures}, ${layer.inFeatures}] needs ${layer.outFeatures * layer.inFeatures}`,
      );
    }
    if (layer.bias.length !== layer.outFeatures) {
      throw new NnShapeError(
        `layer ${index}: bias has ${layer.bias.length} entries but outFeatures is ${layer.outFeatures}`,
      );
    }
    if (!ACTIVATIONS.includes(layer.activation)) {
      throw new NnShapeError(
        `layer ${index}: unknown activation ${JSON.stringify(layer.activation)}; use one of ${ACTIVATIONS.join(', ')}`,
      );
    }
    if (previousOut !== undefined && layer.inFeatures !== previousOut) {
      throw new NnShapeError(
        `layer ${index}: takes ${layer.inFeatures} inputs but layer ${index - 1} produces ${previousOut}`,
      );
    }
    previousOut = layer.outFeatures;
  }
  if (mlp.head !== undefined && !OUTPUT_HEADS.includes(mlp.head)) {
    throw new NnShapeError(
      `unknown output head ${JSON.stringify(mlp.head)}; use one of ${OUTPUT_HEADS.join(', ')}`,
    );
  }
  return mlp;
}

/** A deep copy of `mlp`: new weight and bias arrays with the same bits. */
export function cloneMlp(mlp: Mlp): Mlp {
  return {
    layers: mlp.layers.map((layer) => ({
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      weight: new Float32Array(layer.weight),
      bias: new Float32Array(layer.bias),
      activation: layer.activation,
    })),
    ...(mlp.head === undefined ? {} : { head: mlp.head }),
  };
}

/** Copies every weight and bias of `source` into `target` (same shapes required). */
export function copyMlpParameters(source: Mlp, target: Mlp): void {
  if (source.layers.length !== target.layers.length) {
    throw new NnShapeError(
      `cannot copy parameters between networks with ${source.layers.length} and ${target.layers.length} layers`,
    );
  }
  source.layers.forEach((from, index) => {
    const to = target.layers[index];
    if (
      to === undefined ||
      to.inFeatures !== from.inFeatures ||
      to.outFeatures !== from.outFeatures
    ) {
      throw new NnShapeError(`cannot copy parameters: layer ${index} shapes differ`);
    }
    to.weight.set(from.weight);
    to.bias.set(from.bias);
  });
}
