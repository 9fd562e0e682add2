/** Activation applied after a dense layer. */
export type Activation = 'relu' | 'identity';

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

/** A multilayer perceptron: dense layers applied in order. */
export interface Mlp {
  readonly layers: readonly DenseLayer[];
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
