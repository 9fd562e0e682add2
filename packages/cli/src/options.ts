// Parsers for flag values: each rejects a bad value with one line that says what is expected.

import { InvalidArgumentError } from 'commander';

/** A parser for an integer flag in `min..max` (no upper bound by default). */
export function integerFlag(
  name: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`;
      throw new InvalidArgumentError(`${name} must be an integer ${range}, got "${value}".`);
    }
    return n;
  };
}

/** The most evaluation episodes a command runs (each is up to 500 CartPole steps). */
export const MAX_EPISODES = 100_000;

/** The most calibration episodes (their states are held in memory: about 8 KB each). */
export const MAX_CALIBRATION_EPISODES = 10_000;
