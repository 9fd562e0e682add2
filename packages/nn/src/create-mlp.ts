import { NnOptionsError, NnShapeError } from './errors.js';
import { kaimingNormalInit, kaimingUniformInit, RELU_GAIN } from './kaiming-init.js';
import { ACTIVATIONS, type Activation, type DenseLayer, type Mlp } from './mlp.js';
import { orthogonalInit } from './orthogonal-init.js';
import type { Rng } from './rng.js';

/**
 * How `createMlp` draws weights (biases always start at zero).
 * - `orthogonal`: `orthogonalInit` with `hiddenGain` (default √2) on hidden layers and
 *   `outputGain` (default 1) on the last layer; SB3's PPO uses 0.01 for the policy head, 1 for the
 *   value head.
 * - `kaiming-uniform` / `kaiming-normal`: fan_in Kaiming with `gain` (default √2) on every layer.
 */
export type MlpInit =
  | { readonly kind: 'orthogonal'; readonly hiddenGain?: number; readonly outputGain?: number }
  | { readonly kind: 'kaiming-uniform'; readonly gain?: number }
  | { readonly kind: 'kaiming-normal'; readonly gain?: number };

/** Options of `createMlp`. */
export interface CreateMlpOptions {
  /** Layer widths `[in, hidden..., out]`, at least two positive integers (e.g. `[4, 64, 64, 2]`). */
  readonly sizes: readonly number[];
  /** Activation of every hidden layer; default `'relu'`. */
  readonly hiddenActivation?: Activation;
  /** Activation of the last layer; default `'identity'` (logits / values). */
  readonly outputActivation?: Activation;
  /** Weight initialisation; default `{ kind: 'orthogonal' }` (gains √2 hidden, 1 output). */
  readonly init?: MlpInit;
  /** Source of randomness; layers are initialised in order, each consuming its own draws. */
  readonly rng: Rng;
}

/** The default policy architecture: 4 observations, two hidden ReLU layers of 64, 2 logits. */
export const DEFAULT_POLICY_SIZES: readonly number[] = [4, 64, 64, 2];

function checkActivation(value: Activation, name: string): Activation {
  if (!ACTIVATIONS.includes(value)) {
    throw new NnOptionsError(
      `${name} ${JSON.stringify(value)} is unknown; use one of ${ACTIVATIONS.join(', ')}`,
    );
  }
  return value;
}

/** A freshly initialised MLP with zero biases; throws `NnShapeError` on bad sizes. */
export function createMlp(options: CreateMlpOptions): Mlp {
  const { sizes, rng } = options;
  if (sizes.length < 2) {
    throw new NnShapeError(
      `sizes must list at least an input and an output width (e.g. [4, 64, 64, 2]); got [${sizes.join(', ')}]`,
    );
  }
  for (const size of sizes) {
    if (!(Number.isSafeInteger(size) && size > 0)) {
      throw new NnShapeError(
        `every width in sizes must be a positive integer; got [${sizes.join(', ')}]`,
      );
    }
  }
  const hiddenActivation = checkActivation(options.hiddenActivation ?? 'relu', 'hiddenActivation');
  const outputActivation = checkActivation(
    options.outputActivation ?? 'identity',
    'outputActivation',
  );
  const init: MlpInit = options.init ?? { kind: 'orthogonal' };
  const layerCount = sizes.length - 1;
  const layers: DenseLayer[] = [];
  for (let l = 0; l < layerCount; l++) {
    const inFeatures = sizes[l] ?? 0;
    const outFeatures = sizes[l + 1] ?? 0;
    const isOutput = l === layerCount - 1;
    const weight = new Float32Array(outFeatures * inFeatures);
    switch (init.kind) {
      case 'orthogonal': {
        const gain = isOutput ? (init.outputGain ?? 1) : (init.hiddenGain ?? RELU_GAIN);
        orthogonalInit(weight, outFeatures, inFeatures, gain, rng);
        break;
      }
      case 'kaiming-uniform':
        kaimingUniformInit(weight, inFeatures, rng, init.gain ?? RELU_GAIN);
        break;
      case 'kaiming-normal':
        kaimingNormalInit(weight, inFeatures, rng, init.gain ?? RELU_GAIN);
        break;
      default: {
        const unknown: never = init;
        throw new NnOptionsError(
          `unknown init ${JSON.stringify(unknown)}; use orthogonal, kaiming-uniform or kaiming-normal`,
        );
      }
    }
    layers.push({
      inFeatures,
      outFeatures,
      weight,
      bias: new Float32Array(outFeatures),
      activation: isOutput ? outputActivation : hiddenActivation,
    });
  }
  return { layers };
}
