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

/** `--keep-fp32 0,2`: layer indices, each a non-negative integer, no repeats. */
export function layerList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const layers = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || new Set(layers).size !== layers.length) {
    throw new InvalidArgumentError(
      `must be distinct layer indices separated by commas (0 is the first layer), e.g. 0 or 0,2; got "${value}".`,
    );
  }
  return layers;
}
