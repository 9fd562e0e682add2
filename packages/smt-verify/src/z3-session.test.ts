import { afterAll, describe, expect, it } from 'vitest';
import { type CheckResult, checkSmt, checkWithCrashRetry, releaseZ3 } from './z3-session.js';

afterAll(() => releaseZ3());

const query = { body: '(declare-const x Real)(assert (> x 1.5))', reals: ['x'], ints: [] };

/** A WASM trap as z3-solver throws it (a `WebAssembly.RuntimeError`). */
const trap = (): never => {
  throw Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' });
};

describe('checkWithCrashRetry', () => {
  it('retries a crashed check once on a fresh solver, and z3 answers', async () => {
    let attempts = 0;
    let resets = 0;
    const result = await checkWithCrashRetry(
      async (): Promise<CheckResult> => {
        attempts++;
        return attempts === 1 ? trap() : checkSmt(query, 10_000);
      },
      async () => {
        resets++;
      },
    );
    expect(result.kind).toBe('sat');
    expect(attempts).toBe(2);
    expect(resets).toBe(1);
  });

  it('answers unknown with the reason when the retry crashes too', async () => {
    let resets = 0;
    const result = await checkWithCrashRetry(
      async () => trap(),
      async () => {
        resets++;
      },
    );
    expect(result).toEqual({
      kind: 'unknown',
      reason: 'solver-crash: memory access out of bounds',
    });
    expect(resets).toBe(2);
  });
});

describe('checkSmt', () => {
  it('decides queries on z3 (sat with a model, unsat)', async () => {
    const sat = await checkSmt(query, 10_000);
    expect(sat.kind).toBe('sat');
    const unsat = await checkSmt(
      { body: '(declare-const x Real)(assert (> x 1))(assert (< x 0))', reals: [], ints: [] },
      10_000,
    );
    expect(unsat.kind).toBe('unsat');
  });
});
