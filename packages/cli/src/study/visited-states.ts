// The states a policy visits: greedy seeded episodes, the calibration and agreement data set.

import { CartPoleEnv, rollout } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import { greedyPolicy } from '@quantproof/rl';

/** First reset seed of the episodes whose states calibrate and compare models. */
export const VISITED_STATES_SEED_BASE = 2_000_000;

/** Row-major float32 observations of `episodes` greedy episodes (seeds base + i), terminal states excluded. */
export function visitedStates(
  policy: Mlp,
  episodes: number,
  seedBase: number = VISITED_STATES_SEED_BASE,
): Float32Array {
  const act = greedyPolicy(policy);
  const parts: Float32Array[] = [];
  let total = 0;
  for (let i = 0; i < episodes; i++) {
    const trajectory = rollout(new CartPoleEnv(), act, { seed: seedBase + i });
    // The last observation follows the final step (terminal or truncated): no decision is taken there.
    const rows = trajectory.observations.subarray(0, trajectory.length * 4);
    parts.push(rows);
    total += rows.length;
  }
  const out = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
