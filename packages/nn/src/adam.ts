import { NnOptionsError } from './errors.js';
import {
  checkGradientShapes,
  clipGradientNorm,
  gradientNorm,
  type MlpGradients,
} from './gradients.js';
import type { Mlp } from './mlp.js';

/** Options of `createAdam`; defaults are PyTorch's. */
export interface AdamOptions {
  /** Step size; default 3e-4. Override per step with `AdamStepOptions.learningRate`. */
  readonly learningRate?: number;
  /** First-moment decay; default 0.9. */
  readonly beta1?: number;
  /** Second-moment decay; default 0.999. */
  readonly beta2?: number;
  /** Added to the denominator; default 1e-8 (PyTorch). SB3's PPO uses 1e-5. */
  readonly eps?: number;
  /** Clip the global gradient norm to this before each step (PPO: 0.5); default none. */
  readonly maxGradNorm?: number;
}

/** Adam's state for one network: moment estimates (float64, flat layout of `MlpGradients`). */
export interface AdamState {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly maxGradNorm: number | undefined;
  /** Steps taken so far. */
  step: number;
  readonly firstMoment: Float64Array;
  readonly secondMoment: Float64Array;
}

/** Options of one `adamStep`. */
export interface AdamStepOptions {
  /** Step size for this step only (e.g. a linearly decayed rate); default the state's. */
  readonly learningRate?: number;
}

/** What one `adamStep` did. */
export interface AdamStepResult {
  /** Global gradient norm before clipping. */
  readonly gradientNorm: number;
  /** The step size used. */
  readonly learningRate: number;
}

function checkRange(name: string, value: number, ok: boolean, range: string): number {
  if (!ok) throw new NnOptionsError(`Adam ${name} must be ${range}; got ${value}`);
  return value;
}

/** Fresh Adam state (zero moments, step 0) for `mlp`. */
export function createAdam(mlp: Mlp, options: AdamOptions = {}): AdamState {
  const learningRate = options.learningRate ?? 3e-4;
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.eps ?? 1e-8;
  checkRange(
    'learningRate',
    learningRate,
    learningRate >= 0 && Number.isFinite(learningRate),
    'finite and ≥ 0',
  );
  checkRange('beta1', beta1, beta1 >= 0 && beta1 < 1, 'in [0, 1)');
  checkRange('beta2', beta2, beta2 >= 0 && beta2 < 1, 'in [0, 1)');
  checkRange('eps', eps, eps > 0 && Number.isFinite(eps), 'finite and > 0');
  const maxGradNorm = options.maxGradNorm;
  if (maxGradNorm !== undefined) {
    checkRange('maxGradNorm', maxGradNorm, maxGradNorm > 0, '> 0');
  }
  let count = 0;
  for (const layer of mlp.layers) count += layer.weight.length + layer.bias.length;
  return {
    learningRate,
    beta1,
    beta2,
    eps,
    maxGradNorm,
    step: 0,
    firstMoment: new Float64Array(count),
    secondMoment: new Float64Array(count),
  };
}

/**
 * One Adam step as torch.optim.Adam (no weight decay, no AMSGrad), in float64, writing float32
 * parameters back in place. With t the new step count and g the (optionally clipped) gradient:
 * `m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 *  θ = fround(θ - (lr / (1-β1^t)) · (m / (√v / √(1-β2^t) + eps)))`.
 * Clipping (if `maxGradNorm` is set) scales `gradients` in place first. Gradients are not zeroed.
 */
export function adamStep(
  mlp: Mlp,
  state: AdamState,
  gradients: MlpGradients,
  options: AdamStepOptions = {},
): AdamStepResult {
  checkGradientShapes(mlp, gradients);
  if (state.firstMoment.length !== gradients.flat.length) {
    throw new NnOptionsError(
      'this Adam state belongs to another network; create it with createAdam(mlp)',
    );
  }
  const learningRate = options.learningRate ?? state.learningRate;
  checkRange(
    'learningRate',
    learningRate,
    learningRate >= 0 && Number.isFinite(learningRate),
    'finite and ≥ 0',
  );
  const norm =
    state.maxGradNorm === undefined
      ? gradientNorm(gradients)
      : clipGradientNorm(gradients, state.maxGradNorm);
  state.step += 1;
  const { beta1, beta2, eps, firstMoment: m, secondMoment: v } = state;
  const stepSize = learningRate / (1 - beta1 ** state.step);
  const sqrtCorrection2 = Math.sqrt(1 - beta2 ** state.step);
  const g = gradients.flat;
  let offset = 0;
  for (const layer of mlp.layers) {
    for (const parameter of [layer.weight, layer.bias]) {
      for (let i = 0; i < parameter.length; i++) {
        const k = offset + i;
        const grad = g[k]!;
        const mk = beta1 * m[k]! + (1 - beta1) * grad;
        const vk = beta2 * v[k]! + (1 - beta2) * grad * grad;
        m[k] = mk;
        v[k] = vk;
        parameter[i] = parameter[i]! - stepSize * (mk / (Math.sqrt(vk) / sqrtCorrection2 + eps));
      }
      offset += parameter.length;
    }
  }
  return { gradientNorm: norm, learningRate };
}
