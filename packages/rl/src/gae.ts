// Generalised advantage estimation over a rollout buffer, as Stable-Baselines3 computes it.

/** A rollout buffer laid out step-major: entry `t * numEnvs + e` is env `e` at step `t`. */
export interface GaeInput {
  readonly numSteps: number;
  readonly numEnvs: number;
  /** Rewards (already including the time-limit bootstrap `γ·V(final observation)`). */
  readonly rewards: Float64Array;
  /** V(s_t) under the value network at collection time. */
  readonly values: Float64Array;
  /** 1 where the episode ended (terminated or truncated) at this step, else 0. */
  readonly dones: Uint8Array;
  /** V of the observation after the last step, per env. */
  readonly lastValues: Float64Array;
  readonly gamma: number;
  readonly lambda: number;
}

/**
 * Writes advantages `A_t = δ_t + γλ(1-done_t) A_{t+1}` with
 * `δ_t = r_t + γ(1-done_t) V(s_{t+1}) - V(s_t)` into `advantages`, and `returns = A + V` into
 * `returns` (SB3's `compute_returns_and_advantage`; a truncated step is bootstrapped through its
 * reward, so `done` cuts every episode end).
 */
export function computeGae(input: GaeInput, advantages: Float64Array, returns: Float64Array): void {
  const { numSteps, numEnvs, rewards, values, dones, lastValues, gamma, lambda } = input;
  for (let e = 0; e < numEnvs; e++) {
    let next = 0;
    for (let t = numSteps - 1; t >= 0; t--) {
      const k = t * numEnvs + e;
      const notDone = 1 - dones[k]!;
      const nextValue = t === numSteps - 1 ? lastValues[e]! : values[k + numEnvs]!;
      const delta = rewards[k]! + gamma * nextValue * notDone - values[k]!;
      next = delta + gamma * lambda * notDone * next;
      advantages[k] = next;
      returns[k] = next + values[k]!;
    }
  }
}
