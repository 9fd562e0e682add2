// Properties of CartPoleEnv and CartPoleVectorEnv over arbitrary seeds, reset bounds and actions.
// fast-check is seeded globally (vitest.setup.ts); a failure prints the seed and path to replay.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CartPoleEnv } from '../src/cartpole.js';
import { CartPoleVectorEnv } from '../src/cartpole-vector.js';
import type { CartPoleIntegrator } from '../src/cartpole-dynamics.js';

const THRESHOLD = (12 * 2 * Math.PI) / 360;
const seedArb = fc.maxSafeNat();
const actionsArb = fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 120 });
const integratorArb = fc.constantFrom<CartPoleIntegrator>('euler', 'semi-implicit-euler');

/** Steps until the actions run out or the episode ends; returns the observations and flags. */
function run(env: CartPoleEnv, actions: readonly number[]): string[] {
  const trace: string[] = [];
  for (const action of actions) {
    const r = env.step(action);
    trace.push(
      `${Array.from(env.state).join(',')}|${Array.from(r.observation).join(',')}|${r.terminated}|${r.truncated}`,
    );
    if (r.terminated || r.truncated) break;
  }
  return trace;
}

describe('CartPoleEnv properties', () => {
  test('reset states lie in [-0.05, 0.05)^4 for any seed, and observations are their float32 cast', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const env = new CartPoleEnv();
        const { observation } = env.reset({ seed });
        const state = env.state;
        for (let i = 0; i < 4; i++) {
          const v = state[i] as number;
          expect(v >= -0.05 && v < 0.05).toBe(true);
          expect(observation[i]).toBe(Math.fround(v));
        }
      }),
    );
  });

  test('reset states lie in [low, high] for any reset bounds (numpy may round up to high)', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (seed, low, width) => {
          const high = low + width;
          const env = new CartPoleEnv();
          env.reset({ seed, options: { low, high } });
          for (const v of env.state) expect(v >= low && v <= high).toBe(true);
        },
      ),
    );
  });

  test('the same seed and actions give the same trajectory', () => {
    fc.assert(
      fc.property(seedArb, actionsArb, integratorArb, (seed, actions, integrator) => {
        const a = new CartPoleEnv({ integrator });
        const b = new CartPoleEnv({ integrator });
        a.reset({ seed });
        b.reset({ seed });
        expect(run(a, actions)).toEqual(run(b, actions));
      }),
    );
  });

  test('terminated is exactly a strict threshold crossing of the new float64 state', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.double({ min: 0, max: 0.25, noNaN: true }),
        actionsArb,
        integratorArb,
        (seed, spread, actions, integrator) => {
          const env = new CartPoleEnv({ integrator });
          env.reset({ seed, options: { low: -spread, high: spread } });
          for (const action of actions) {
            const r = env.step(action);
            const [x, , theta] = env.state as unknown as [number, number, number];
            expect(r.terminated).toBe(
              x < -2.4 || x > 2.4 || theta < -THRESHOLD || theta > THRESHOLD,
            );
            if (r.terminated || r.truncated) break;
          }
        },
      ),
    );
  });

  test('every observation is Math.fround of the float64 state, reward is 1 on every step', () => {
    fc.assert(
      fc.property(seedArb, actionsArb, integratorArb, (seed, actions, integrator) => {
        const env = new CartPoleEnv({ integrator });
        env.reset({ seed });
        for (const action of actions) {
          const r = env.step(action);
          expect(Array.from(r.observation)).toEqual(Array.from(env.state, (v) => Math.fround(v)));
          expect(r.reward).toBe(1);
          if (r.terminated || r.truncated) break;
        }
      }),
    );
  });

  test('each integrator moves positions with the velocity it documents', () => {
    // Euler: x' = x + tau * x_dot (old); semi-implicit: x' = x + tau * x_dot' (new). Same for theta.
    fc.assert(
      fc.property(seedArb, actionsArb, integratorArb, (seed, actions, integrator) => {
        const env = new CartPoleEnv({ integrator });
        env.reset({ seed });
        for (const action of actions) {
          const [x, xDot, theta, thetaDot] = env.state as unknown as number[];
          const r = env.step(action);
          const [x1, xDot1, theta1, thetaDot1] = env.state as unknown as number[];
          const v = integrator === 'euler' ? [xDot, thetaDot] : [xDot1, thetaDot1];
          expect(x1).toBe((x as number) + 0.02 * (v[0] as number));
          expect(theta1).toBe((theta as number) + 0.02 * (v[1] as number));
          if (r.terminated || r.truncated) break;
        }
      }),
    );
  });

  test('truncation happens exactly at maxEpisodeSteps', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 30 }), (seed, limit) => {
        const env = new CartPoleEnv({ maxEpisodeSteps: limit });
        env.reset({ seed });
        // Feedback control keeps the pole up for far longer than 30 steps.
        let observation = env.reset({ seed }).observation;
        for (let t = 1; t <= limit; t++) {
          const r = env.step(
            (observation[2] as number) + 0.5 * (observation[3] as number) > 0 ? 1 : 0,
          );
          observation = r.observation;
          expect(r.truncated).toBe(t === limit);
        }
      }),
    );
  });
});

describe('CartPoleVectorEnv equals N scalar environments', () => {
  test('with next-step autoreset, for any seed, size, time limit and actions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        integratorArb,
        fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 6, maxLength: 6 }), {
          minLength: 1,
          maxLength: 80,
        }),
        (seed, numEnvs, maxEpisodeSteps, integrator, batches) => {
          const vector = new CartPoleVectorEnv({ numEnvs, maxEpisodeSteps, integrator });
          const scalars = Array.from(
            { length: numEnvs },
            () => new CartPoleEnv({ maxEpisodeSteps, integrator }),
          );
          const resetBatch = vector.reset({ seed });
          const over = scalars.map(() => false);
          scalars.forEach((env, i) => {
            expect(resetBatch.observations.subarray(4 * i, 4 * i + 4)).toEqual(
              env.reset({ seed: seed + i }).observation,
            );
          });
          for (const batch of batches) {
            const actions = batch.slice(0, numEnvs);
            const result = vector.step(actions);
            const states = vector.states;
            scalars.forEach((env, i) => {
              let observation: Float32Array;
              let reward = 0;
              let terminated = false;
              let truncated = false;
              if (over[i]) {
                observation = env.reset().observation;
                over[i] = false;
              } else {
                const r = env.step(actions[i] as number);
                ({ observation, reward, terminated, truncated } = r);
                over[i] = terminated || truncated;
              }
              expect(result.observations.subarray(4 * i, 4 * i + 4)).toEqual(observation);
              expect(states.subarray(4 * i, 4 * i + 4)).toEqual(env.state);
              expect(result.rewards[i]).toBe(reward);
              expect(result.terminated[i]).toBe(terminated ? 1 : 0);
              expect(result.truncated[i]).toBe(truncated ? 1 : 0);
            });
          }
        },
      ),
    );
  });
});
