import { NnOptionsError } from './errors.js';
import { type Rng, standardNormal } from './rng.js';

/** The gain Kaiming (He) initialisation uses for ReLU layers: √2. */
export const RELU_GAIN: number = Math.SQRT2;

function kaimingStd(weight: Float32Array, fanIn: number, gain: number, name: string): number {
  if (!(Number.isSafeInteger(fanIn) && fanIn > 0)) {
    throw new NnOptionsError(`${name}: fanIn must be a positive integer; got ${fanIn}`);
  }
  if (!(Number.isFinite(gain) && gain >= 0)) {
    throw new NnOptionsError(`${name}: gain must be finite and non-negative; got ${gain}`);
  }
  if (weight.length % fanIn !== 0) {
    throw new NnOptionsError(
      `${name}: weight length ${weight.length} is not a multiple of fanIn ${fanIn}`,
    );
  }
  return gain / Math.sqrt(fanIn);
}

/**
 * Kaiming-uniform (fan_in) as torch.nn.init.kaiming_uniform_: each entry, in index order, is
 * `-bound + 2·bound·u` with u from `rng.nextFloat64()` and `bound = √3 · gain / √fanIn`, so the
 * variance is gain²/fanIn. The default gain is √2 (ReLU).
 */
export function kaimingUniformInit(
  weight: Float32Array,
  fanIn: number,
  rng: Rng,
  gain: number = RELU_GAIN,
): void {
  const bound = Math.sqrt(3) * kaimingStd(weight, fanIn, gain, 'kaimingUniformInit');
  for (let i = 0; i < weight.length; i++) weight[i] = -bound + 2 * bound * rng.nextFloat64();
}

/**
 * Kaiming-normal (fan_in) as torch.nn.init.kaiming_normal_: each entry, in index order, is
 * `std · standardNormal(rng)` with `std = gain / √fanIn`. The default gain is √2 (ReLU).
 */
export function kaimingNormalInit(
  weight: Float32Array,
  fanIn: number,
  rng: Rng,
  gain: number = RELU_GAIN,
): void {
  const std = kaimingStd(weight, fanIn, gain, 'kaimingNormalInit');
  for (let i = 0; i < weight.length; i++) weight[i] = std * standardNormal(rng);
}
