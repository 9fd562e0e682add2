// CARTPOLE_OPERATING_BOX covers every non-terminal state the measured controllers visit.

import { describe, expect, test } from 'vitest';
import { CartPoleEnv } from '../src/cartpole.js';
import { CARTPOLE_OPERATING_BOX } from '../src/operating-box.js';
import { CONTROLLERS } from './support/controllers.js';

const { lower, upper } = CARTPOLE_OPERATING_BOX;

describe('CARTPOLE_OPERATING_BOX', () => {
  test('is x in [-2.4, 2.4], theta in [-0.2095, 0.2095], and contains the termination band', () => {
    expect(CARTPOLE_OPERATING_BOX.dimensions).toEqual(['x', 'x_dot', 'theta', 'theta_dot']);
    expect([lower[0], upper[0], lower[2], upper[2]]).toEqual([-2.4, 2.4, -0.2095, 0.2095]);
    expect(upper[2]).toBeGreaterThan((12 * 2 * Math.PI) / 360);
  });

  test.each(Object.entries(CONTROLLERS))(
    'contains every non-terminal state of controller %s',
    (_name, { episodes, make }) => {
      const outside: string[] = [];
      const visit = (state: Float64Array, seed: number, t: number): void => {
        for (let i = 0; i < 4; i++) {
          const v = state[i] as number;
          if (!(v >= (lower[i] as number) && v <= (upper[i] as number))) {
            outside.push(`seed ${seed}, t=${t}: ${CARTPOLE_OPERATING_BOX.dimensions[i]} = ${v}`);
          }
        }
      };
      const env = new CartPoleEnv();
      const observation = new Float32Array(4);
      for (let seed = 0; seed < episodes; seed++) {
        const policy = make(seed);
        observation.set(env.reset({ seed }).observation);
        visit(env.state, seed, 0);
        for (let t = 1; ; t++) {
          const over = env.stepInto(policy(observation), observation);
          if (env.terminated) break; // the terminal state lies past a threshold by definition
          visit(env.state, seed, t);
          if (over) break;
        }
      }
      expect(outside).toEqual([]);
    },
  );
});
