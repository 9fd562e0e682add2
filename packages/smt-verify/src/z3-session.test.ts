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

describe('checkSmt within its limit', () => {
  // x³ + y³ + z³ = 33 with x > 1000: z3 (5.2.0, WASM) neither finishes it nor stops at its own
  // `timeout`, and not always within 0.1 s of an interrupt (then its instance is abandoned); the
  // check must end at its limit either way.
  const threeCubes = {
    body:
      '(declare-const x Int)(declare-const y Int)(declare-const z Int)' +
      '(assert (= (+ (* x x x) (* y y y) (* z z z)) 33))(assert (> x 1000))',
    reals: [],
    ints: ['x', 'y', 'z'],
  };

  it('cuts a query that z3 does not stop, and the next query is answered', async () => {
    await checkSmt(query, 10_000); // z3 started, so that the limit below measures the query
    const started = performance.now();
    const cut = await checkSmt(threeCubes, 1000);
    const seconds = (performance.now() - started) / 1000;
    expect(cut).toEqual({ kind: 'unknown', reason: 'timeout' });
    // 1 s, the 0.1 s grace and scheduling on a shared machine; without the cut it never returns.
    expect(seconds).toBeLessThan(3);
    const next = await checkSmt(query, 10_000);
    expect(next.kind).toBe('sat');
  });

  it('does not start a query whose parse alone would pass the limit', async () => {
    // About 520 000 characters: more than 1 s at the cautious 3 µs per character assumed before
    // any large query was parsed in this thread (z3 itself would answer it quickly: sat).
    const declarations = Array.from({ length: 20_000 }, (_, i) => `(declare-const v${i} Real)`);
    const body = `${declarations.join('')}(assert (> v0 1.0))`;
    expect(body.length * 0.003).toBeGreaterThan(1000);
    const started = performance.now();
    const result = await checkSmt({ body, reals: [], ints: [] }, 1000);
    expect(result).toEqual({ kind: 'unknown', reason: 'timeout' });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
