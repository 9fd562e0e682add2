// @quantproof/env alone: the README's seeded CartPole-v1 episodes, from the installed tarball.
import { CartPoleEnv, rollout } from '@quantproof/env';
import process from 'node:process';
import { check } from './check.mjs';

const env = new CartPoleEnv();
let { observation } = env.reset({ seed: 0 });
for (let over = false; !over;) {
  const step = env.step((observation[2] ?? 0) + 0.5 * (observation[3] ?? 0) > 0 ? 1 : 0);
  ({ observation } = step);
  over = step.terminated || step.truncated;
}
const trajectory = rollout(new CartPoleEnv(), (o) => ((o[2] ?? 0) > 0 ? 1 : 0), { seed: 1 });
const got = [env.elapsedSteps, trajectory.length, trajectory.return].join(' ');
check(got === '500 51 51', `README episode lengths and return: expected "500 51 51", got "${got}"`);
// Gymnasium's env.reset(seed=0) (cartpole-v1-golden.json): the first float32 observation.
const first = new CartPoleEnv().reset({ seed: 0 }).observation;
const bits = Array.from(new Uint32Array(Float32Array.from(first).buffer), (b) => b.toString(16));
const gymnasium = ['3c6065e5', 'bcbc973a', 'bd3c046a', 'bd4607c0'];
check(
  bits.join(' ') === gymnasium.join(' '),
  `reset(seed=0) observation bits ${bits.join(' ')}, Gymnasium 1.4.0 gives ${gymnasium.join(' ')}`,
);
process.stdout.write(`README episodes ${got}; reset(seed=0) is Gymnasium's, bit for bit\n`);
