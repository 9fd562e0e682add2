// Parsers for flag values: each rejects a bad value with one line that says what is expected.

import { InvalidArgumentError } from 'commander';

/** A parser for a non-negative (or positive) integer flag. */
export function integerFlag(name: string, min: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}".`);
    }
    return n;
  };
}
