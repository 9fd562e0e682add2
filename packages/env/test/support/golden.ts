// Typed access to the Gymnasium golden file (see fixtures/README.md) and its reference policies.

import golden from '../fixtures/cartpole-v1-golden.json' with { type: 'json' };

/** One recorded step of a golden episode. */
export interface GoldenStep {
  readonly t: number;
  readonly action: number;
  readonly state_f64_hex: readonly string[];
  readonly obs_f32_bits: readonly string[];
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** A reset as the golden file records it. */
export interface GoldenReset {
  readonly state_f64_hex: readonly string[];
  readonly obs_f32_bits: readonly string[];
}

/** One golden episode. */
export interface GoldenEpisode {
  readonly seed: number;
  readonly policy: GoldenPolicyName;
  readonly reset_next_double_4_hex: readonly string[];
  readonly reset: GoldenReset;
  readonly libm_harness_bitexact: boolean;
  readonly steps: readonly GoldenStep[];
  readonly length: number;
  readonly return: number;
  readonly final_terminated: boolean;
  readonly final_truncated: boolean;
  readonly termination_cause: 'x' | 'theta' | 'none';
}

/** The names of the golden file's policies. */
export type GoldenPolicyName = 'periodic' | 'feedback' | 'drift_pos' | 'drift_neg';

/** The parsed golden file. */
export const GOLDEN: typeof golden = golden;

/** The golden episodes, typed. */
export const GOLDEN_EPISODES: readonly GoldenEpisode[] = golden.episodes as GoldenEpisode[];

/** The golden resets by seed. */
export const GOLDEN_RESETS: Readonly<Record<string, GoldenReset>> = golden.resets;

/**
 * The golden file's policies, as its `policies` field defines them: t is the 0-based step index,
 * feedback terms are evaluated left to right in float64 from the float32 observation.
 */
export function goldenAction(
  name: GoldenPolicyName,
  seed: number,
  t: number,
  observation: Float32Array,
): number {
  const theta = observation[2] as number;
  const thetaDot = observation[3] as number;
  switch (name) {
    case 'periodic':
      return (t * 7 + seed) % 3 === 0 ? 1 : 0;
    case 'feedback':
      return theta + 0.5 * thetaDot > 0 ? 1 : 0;
    case 'drift_pos':
      return theta + 0.5 * thetaDot - 0.05 > 0 ? 1 : 0;
    case 'drift_neg':
      return theta + 0.5 * thetaDot + 0.02 > 0 ? 1 : 0;
  }
}
