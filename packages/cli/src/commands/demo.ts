// `quantproof demo`: one seeded CartPole-v1 episode under a simple controller, as a table.

import { CartPoleEnv, type PolicyFunction } from '@quantproof/env';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { formatTable } from '../format-table.js';

/** The controllers the demo offers, as Gymnasium-golden-tested policies. */
export const DEMO_CONTROLLERS: Readonly<Record<string, (seed: number) => PolicyFunction>> = {
  // Push towards where the pole is falling: θ + 0.5·θ̇ > 0 → right (in float64, as the golden data).
  feedback: () => (obs) => ((obs[2] ?? 0) + 0.5 * (obs[3] ?? 0) > 0 ? 1 : 0),
  // A fixed open-loop pattern that fails within a few dozen steps.
  periodic: (seed) => {
    let t = 0;
    return () => ((t++ * 7 + seed) % 3 === 0 ? 1 : 0);
  },
};

/** Options of the demo command after parsing. */
export interface DemoOptions {
  readonly seed: number;
  readonly controller: string;
  readonly every: number;
}

/** Runs the demo episode and returns the text to print. */
export function runDemo(options: DemoOptions): string {
  const makePolicy = DEMO_CONTROLLERS[options.controller];
  if (makePolicy === undefined) throw new Error(`unknown controller ${options.controller}`);
  const policy = makePolicy(options.seed);
  const env = new CartPoleEnv();
  let { observation } = env.reset({ seed: options.seed });
  const rows: string[][] = [];
  const fmt = (v: number | undefined): string => (v ?? NaN).toFixed(5);
  let totalReward = 0;
  for (let t = 0; ; t++) {
    const action = policy(observation);
    const step = env.step(action);
    totalReward += step.reward;
    const over = step.terminated || step.truncated;
    if (t % options.every === 0 || over) {
      const o = step.observation;
      const outcome = step.terminated ? 'terminated' : step.truncated ? 'truncated' : '';
      rows.push([String(t), String(action), fmt(o[0]), fmt(o[1]), fmt(o[2]), fmt(o[3]), outcome]);
    }
    observation = step.observation;
    if (over) break;
  }
  const table = formatTable({
    header: ['step', 'action', 'x', 'x_dot', 'theta', 'theta_dot', ''],
    rows,
  });
  return [
    `CartPole-v1, seed ${options.seed}, ${options.controller} controller (every ${options.every}th step and the last):`,
    table,
    `return ${totalReward} after ${env.elapsedSteps} steps`,
  ].join('\n');
}

function positiveInteger(name: string, allowZero: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || (!allowZero && n === 0)) {
      throw new InvalidArgumentError(
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}".`,
      );
    }
    return n;
  };
}

/** The `demo` command. */
export function demoCommand(print: (text: string) => void): Command {
  return new Command('demo')
    .description(COMMAND_DESCRIPTIONS.demo)
    .option(
      '--seed <n>',
      'reset seed (as env.reset(seed=n) in Gymnasium)',
      positiveInteger('--seed', true),
      0,
    )
    .addOption(
      new Option('--controller <name>', 'the controller that acts')
        .choices(Object.keys(DEMO_CONTROLLERS))
        .default('feedback'),
    )
    .option(
      '--every <k>',
      'print every k-th step (and the last)',
      positiveInteger('--every', false),
      25,
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ quantproof demo --seed 1 --controller periodic --every 1',
    )
    .action((opts: DemoOptions) => {
      print(runDemo(opts));
    });
}
