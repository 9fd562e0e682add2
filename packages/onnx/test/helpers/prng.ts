// A small seeded generator for test data (mulberry32): reproducible weights and inputs without
// depending on another package's generator.

/** A seeded source of uniform numbers. */
export interface TestRng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
}

/** mulberry32 seeded with `seed` (any 32-bit integer). */
export function testRng(seed: number): TestRng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, uniform: (low, high) => low + (high - low) * next() };
}
