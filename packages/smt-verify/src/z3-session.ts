// The one place that talks to z3-solver (WASM). One `init()` per thread: its contexts run one
// query at a time, so checks are queued. `releaseZ3` ends z3's worker threads, which would
// otherwise keep a Node process alive.
import { init, killThreads } from 'z3-solver';
import { rational, type Rational } from './rational.js';

/** What one satisfiability check found. */
export type CheckResult =
  | {
      readonly kind: 'sat';
      /** Model values of the observed Real constants (exact). */
      readonly reals: ReadonlyMap<string, Rational>;
      /** Model values of the observed Int constants. */
      readonly ints: ReadonlyMap<string, bigint>;
    }
  | { readonly kind: 'unsat' }
  | { readonly kind: 'unknown'; readonly reason: string };

/** A query ready for z3: the SMT-LIB body and the constants to read back. */
export interface SmtQuery {
  /** Declarations and assertions (no check-sat). */
  readonly body: string;
  readonly reals: readonly string[];
  readonly ints: readonly string[];
}

type Z3Api = Awaited<ReturnType<typeof init>>;

function createState(api: Z3Api) {
  return { api, ctx: new api.Context('quantproof') };
}

type Z3State = ReturnType<typeof createState>;

let state: Promise<Z3State> | null = null;
let queue: Promise<unknown> = Promise.resolve();
let checks = 0;

function z3(): Promise<Z3State> {
  const current = state ?? init().then(createState);
  state = current;
  return current;
}

/** Number of z3 checks run in this thread since it started (for reports and benchmarks). */
export function z3CheckCount(): number {
  return checks;
}

/**
 * Checks one query with a time limit (milliseconds) on a fresh solver, released afterwards.
 * Starts z3 on first use (≈ 0.5 s). Queries are serialised.
 */
export function checkSmt(query: SmtQuery, timeoutMs: number): Promise<CheckResult> {
  const run = async (): Promise<CheckResult> => {
    const { ctx } = await z3();
    const solver = new ctx.Solver();
    try {
      solver.set('timeout', Math.max(1, Math.ceil(timeoutMs)));
      solver.fromString(query.body);
      checks++;
      const verdict = await solver.check();
      if (verdict === 'unsat') return { kind: 'unsat' };
      if (verdict === 'unknown') {
        const reason = solver.reasonUnknown();
        return { kind: 'unknown', reason: /timeout|canceled/.test(reason) ? 'timeout' : reason };
      }
      const model = solver.model();
      const reals = new Map<string, Rational>();
      for (const name of query.reals) {
        const v = model.eval(ctx.Real.const(name), true);
        if (!ctx.isRealVal(v)) throw new Error(`z3 returned a non-rational value for ${name}`);
        const { numerator, denominator } = v.value();
        reals.set(name, rational(numerator, denominator));
      }
      const ints = new Map<string, bigint>();
      for (const name of query.ints) {
        const v = model.eval(ctx.Int.const(name), true);
        if (!ctx.isIntVal(v)) throw new Error(`z3 returned a non-integer value for ${name}`);
        ints.set(name, v.value());
      }
      model.release();
      return { kind: 'sat', reals, ints };
    } finally {
      solver.release();
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * Ends z3's WASM worker threads so that the process can exit; the next check starts z3 again.
 * Call it once when done (tests: in `afterAll`).
 */
export async function releaseZ3(): Promise<void> {
  const current = state;
  if (current === null) return;
  await queue;
  state = null;
  const { api } = await current;
  await killThreads(api.em);
}
