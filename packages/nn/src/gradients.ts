import { NnOptionsError, NnShapeError } from './errors.js';
import type { Mlp } from './mlp.js';

/** Gradients of one dense layer, same layout as its parameters (weight row-major [out][in]). */
export interface LayerGradients {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Float64 parameter gradients of a whole network. `layers[l]` are views into `flat`, which holds
 * layer 0's weight, layer 0's bias, layer 1's weight, … back to back.
 */
export interface MlpGradients {
  readonly layers: readonly LayerGradients[];
  readonly flat: Float64Array;
}

/** Zeroed gradient buffers shaped like `mlp`'s parameters. */
export function createMlpGradients(mlp: Mlp): MlpGradients {
  let total = 0;
  for (const layer of mlp.layers) total += layer.weight.length + layer.bias.length;
  const flat = new Float64Array(total);
  const layers: LayerGradients[] = [];
  let offset = 0;
  for (const layer of mlp.layers) {
    const weight = flat.subarray(offset, offset + layer.weight.length);
    offset += layer.weight.length;
    const bias = flat.subarray(offset, offset + layer.bias.length);
    offset += layer.bias.length;
    layers.push({ weight, bias });
  }
  return { layers, flat };
}

/** Checks that `gradients` has `mlp`'s shapes; throws `NnShapeError` otherwise. */
export function checkGradientShapes(mlp: Mlp, gradients: MlpGradients): void {
  const ok =
    gradients.layers.length === mlp.layers.length &&
    mlp.layers.every((layer, l) => {
      const g = gradients.layers[l];
      return (
        g !== undefined &&
        g.weight.length === layer.weight.length &&
        g.bias.length === layer.bias.length
      );
    });
  if (!ok) {
    throw new NnShapeError(
      'the gradient buffers do not match the network; create them with createMlpGradients(mlp)',
    );
  }
}

/** Sets every gradient to zero (call before accumulating a new minibatch). */
export function zeroGradients(gradients: MlpGradients): void {
  gradients.flat.fill(0);
}

function isList(
  gradients: MlpGradients | readonly MlpGradients[],
): gradients is readonly MlpGradients[] {
  return Array.isArray(gradients);
}

function asList(gradients: MlpGradients | readonly MlpGradients[]): readonly MlpGradients[] {
  return isList(gradients) ? gradients : [gradients];
}

/**
 * The global Euclidean norm √(Σ g²) over every parameter gradient — of one network, or jointly of
 * several (PPO clips the policy and value networks together).
 */
export function gradientNorm(gradients: MlpGradients | readonly MlpGradients[]): number {
  let sum = 0;
  for (const { flat } of asList(gradients)) {
    for (let i = 0; i < flat.length; i++) sum += flat[i]! * flat[i]!;
  }
  return Math.sqrt(sum);
}

/**
 * Global gradient-norm clipping as torch.nn.utils.clip_grad_norm_: with `norm = gradientNorm`
 * (joint over all the given networks), multiplies every gradient by `maxNorm / (norm + 1e-6)`
 * when that factor is below 1. Returns the norm before clipping.
 */
export function clipGradientNorm(
  gradients: MlpGradients | readonly MlpGradients[],
  maxNorm: number,
): number {
  if (!(maxNorm > 0)) {
    throw new NnOptionsError(`maxNorm must be positive; got ${maxNorm}`);
  }
  const norm = gradientNorm(gradients);
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const { flat } of asList(gradients)) {
      for (let i = 0; i < flat.length; i++) flat[i] = flat[i]! * coefficient;
    }
  }
  return norm;
}
