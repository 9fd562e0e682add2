// @quantproof/env: CartPole-v1 identical to Gymnasium 1.4.0, its vector form, rollouts, and the
// Env/Policy types the other packages share.

export type {
  Env,
  Info,
  ResetOptions,
  ResetResult,
  StepResult,
  VectorBatch,
  VectorEnv,
  VectorResetOptions,
} from './env.js';
export type { Policy, PolicyFunction, PolicyObject } from './policy.js';
export { policyAct } from './policy.js';
export { CartPoleEnv } from './cartpole.js';
export type {
  CartPoleOptions,
  CartPoleResetBounds,
  CartPoleResetOptions,
} from './cartpole-options.js';
export { CartPoleVectorEnv } from './cartpole-vector.js';
export type {
  CartPoleVectorBatch,
  CartPoleVectorOptions,
  CartPoleVectorResetOptions,
} from './cartpole-vector.js';
export type { CartPoleConstants, CartPoleIntegrator } from './cartpole-dynamics.js';
export { CARTPOLE_CONSTANTS, isTerminalState, stepCartPoleState } from './cartpole-dynamics.js';
export type { ObservationBox } from './operating-box.js';
export { CARTPOLE_OBSERVATION_SPACE, CARTPOLE_OPERATING_BOX } from './operating-box.js';
export type { RolloutOptions, Trajectory } from './rollout.js';
export { rollout } from './rollout.js';
export { SeedSequence } from './seed-sequence.js';
export type { Pcg64State } from './pcg64.js';
export { Pcg64 } from './pcg64.js';
export { NpRandom } from './np-random.js';
export {
  ActionBatchSizeError,
  ActionOutOfRangeError,
  EnvError,
  EpisodeOverError,
  InvalidActionError,
  InvalidOptionError,
  InvalidResetBoundsError,
  InvalidSeedError,
  NonIntegerActionError,
  StepBeforeResetError,
  UnseededResetError,
} from './errors.js';
