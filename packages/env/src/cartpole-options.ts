// Options of the CartPole environments and the checks every entry point shares.

import type { CartPoleIntegrator } from './cartpole-dynamics.js';
import {
  ActionOutOfRangeError,
  InvalidOptionError,
  InvalidResetBoundsError,
  NonIntegerActionError,
} from './errors.js';

/** Options of CartPoleEnv and CartPoleVectorEnv. */
export interface CartPoleOptions {
  /** The integrator; default 'euler', as CartPole-v1. */
  readonly integrator?: CartPoleIntegrator;
  /** TimeLimit: an episode is truncated at this many steps; default 500, as CartPole-v1. */
  readonly maxEpisodeSteps?: number;
}

/** Bounds of the uniform reset distribution (Gymnasium's `reset(options={'low':..,'high':..})`). */
export interface CartPoleResetBounds {
  /** Lower bound of every state component at reset; default -0.05. */
  readonly low?: number;
  /** Upper bound of every state component at reset; default 0.05. */
  readonly high?: number;
}

/** Options of CartPoleEnv.reset. */
export interface CartPoleResetOptions {
  /** Re-seeds the generator (Gymnasium's `reset(seed=...)`); omitted: continue the generator. */
  readonly seed?: number;
  /** Reset bounds; omitted: [-0.05, 0.05). */
  readonly options?: CartPoleResetBounds;
}

/** Default lower reset bound. */
export const RESET_LOW = -0.05;
/** Default upper reset bound. */
export const RESET_HIGH = 0.05;

/** Options with their defaults applied and checked. */
export interface ResolvedCartPoleOptions {
  /** Whether to use the semi-implicit Euler integrator. */
  readonly semiImplicit: boolean;
  /** The TimeLimit. */
  readonly maxEpisodeSteps: number;
}

/** Applies defaults to CartPoleOptions and rejects values outside their domain. */
export function resolveCartPoleOptions(
  options: CartPoleOptions,
  where: string,
): ResolvedCartPoleOptions {
  const integrator = options.integrator ?? 'euler';
  if (integrator !== 'euler' && integrator !== 'semi-implicit-euler') {
    throw new InvalidOptionError(
      where,
      'integrator',
      integrator,
      "'euler' or 'semi-implicit-euler'",
    );
  }
  const maxEpisodeSteps = options.maxEpisodeSteps ?? 500;
  if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
    throw new InvalidOptionError(where, 'maxEpisodeSteps', maxEpisodeSteps, 'a positive integer');
  }
  return { semiImplicit: integrator === 'semi-implicit-euler', maxEpisodeSteps };
}

/** The [low, high] reset bounds, defaults applied; throws InvalidResetBoundsError. */
export function resolveResetBounds(bounds: CartPoleResetBounds | undefined): [number, number] {
  const low = bounds?.low ?? RESET_LOW;
  const high = bounds?.high ?? RESET_HIGH;
  if (
    typeof low !== 'number' ||
    typeof high !== 'number' ||
    !Number.isFinite(low) ||
    !Number.isFinite(high) ||
    !(low <= high)
  ) {
    throw new InvalidResetBoundsError(low, high);
  }
  return [low, high];
}

/** Throws the typed error for an action that is not 0 or 1. */
export function rejectAction(action: unknown, where: string): never {
  if (typeof action === 'number' && Number.isInteger(action)) {
    throw new ActionOutOfRangeError(action, where, 2);
  }
  throw new NonIntegerActionError(action, where, 2);
}
