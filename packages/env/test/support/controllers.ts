// The controllers the operating box was measured with (README, "The operating box"): the golden
// file's policies, uniformly random actions, a linear state feedback, constant pushes and a swing.

import { NpRandom } from '../../src/np-random.js';
import type { PolicyFunction } from '../../src/policy.js';
import { goldenAction } from './golden.js';

/** A controller for one seeded episode. */
export type ControllerFactory = (seed: number) => PolicyFunction;

function counted(act: (t: number, o: Float32Array) => number): PolicyFunction {
  let t = 0;
  return (o) => act(t++, o);
}

/** Named controllers, each with the number of seeded episodes (seeds 0..n-1) it is measured on. */
export const CONTROLLERS: Readonly<Record<string, { episodes: number; make: ControllerFactory }>> =
  {
    periodic: {
      episodes: 1000,
      make: (seed) => counted((t, o) => goldenAction('periodic', seed, t, o)),
    },
    feedback: {
      episodes: 200,
      make: (seed) => counted((t, o) => goldenAction('feedback', seed, t, o)),
    },
    drift_pos: {
      episodes: 200,
      make: (seed) => counted((t, o) => goldenAction('drift_pos', seed, t, o)),
    },
    drift_neg: {
      episodes: 200,
      make: (seed) => counted((t, o) => goldenAction('drift_neg', seed, t, o)),
    },
    random: {
      episodes: 20000,
      make: (seed) => {
        const rng = NpRandom.fromSeed(seed + 1_000_003);
        return () => (rng.random() < 0.5 ? 1 : 0);
      },
    },
    linear: {
      episodes: 200,
      make: () => (o) =>
        (o[0] as number) * 1.0 +
          (o[1] as number) * 1.5 +
          (o[2] as number) * 20 +
          (o[3] as number) * 3 >
        0
          ? 1
          : 0,
    },
    push_right: { episodes: 200, make: () => () => 1 },
    push_left: { episodes: 200, make: () => () => 0 },
    swing: {
      // Push one way until the pole leans past a switch angle, then push the other way across the
      // whole band: the fastest pole the operating band allows.
      episodes: 42,
      make: (seed) => {
        const direction = seed % 2;
        const switchAngle = Math.floor(seed / 2) * 0.01;
        let swinging = false;
        return (o) => {
          const theta = o[2] as number;
          if (!swinging && (direction === 1 ? theta < -switchAngle : theta > switchAngle))
            swinging = true;
          return swinging ? 1 - direction : direction;
        };
      },
    },
  };
