// The one place that talks to z3-solver (WASM). One `init()` per thread: its contexts run one
// query at a time, so checks are queued. `releaseZ3` ends z3's worker threads, which would
// otherwise keep a Node process alive.
import type * as Z3Solver from 'z3-solver';

type Z3Module = typeof Z3Solver;
let z3Module: Promise<Z3Module> | null = null;

/** z3-solver, loaded when the first query reaches it: a run that z3 never sees never loads it. */
function z3Solver(): Promise<Z3Module> {
  z3Module ??= import('z3-solver');
  return z3Module;
}
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

type Z3Api = Awaited<ReturnType<typeof Z3Solver.init>>;

function createState(api: Z3Api) {
  return { api, ctx: new api.Context('quantproof') };
}

type Z3State = ReturnType<typeof createState>;

let state: Promise<Z3State> | null = null;
/** Instances given up at a time limit with a query still running; `releaseZ3` ends them. */
const abandonedInstances: Promise<Z3State>[] = [];
let queue: Promise<unknown> = Promise.resolve();
let checks = 0;

function z3(): Promise<Z3State> {
  const current = state ?? z3Solver().then(async ({ init }) => createState(await init()));
  state = current;
  return current;
}

/** Number of z3 checks run in this thread since it started (for reports and benchmarks). */
export function z3CheckCount(): number {
  return checks;
}

/**
 * How long z3 gets to stop after `interrupt()` at the limit before its instance is abandoned (its
 * threads ended). z3 polls for cancellation in its search but not in every step: the
 * big-number arithmetic of its preprocessing on a wide network can run for minutes without
 * looking (an 8-256-256-8 query ran 60 s past a 3 s limit).
 */
const INTERRUPT_GRACE_MS = 100;

/**
 * Milliseconds z3 takes to parse one character of a query, as last measured in this thread (×1.5),
 * starting from a cautious 3 µs. The parse runs on the calling thread and cannot be interrupted: a
 * query that would not be parsed within its limit is not started (an 8-256-256-8 network's query
 * is about 1 MB of SMT-LIB and takes 1.6–2 s to parse here).
 */
let parseMsPerChar = 0.003;

/** What `check()` returned, or `abandoned` when z3 did not stop after its interrupt. */
type Verdict = 'sat' | 'unsat' | 'unknown' | 'abandoned';

/**
 * Awaits `check`, interrupting z3 when `limitMs` has passed since `started` and giving up on it
 * `INTERRUPT_GRACE_MS` later: the limit holds whatever z3 is doing.
 */
function withinLimit(
  check: Promise<'sat' | 'unsat' | 'unknown'>,
  started: number,
  limitMs: number,
  interrupt: () => void,
): Promise<Verdict> {
  return new Promise<Verdict>((resolve, reject) => {
    let grace: ReturnType<typeof setTimeout> | undefined;
    const limit = setTimeout(
      () => {
        try {
          interrupt();
        } catch {
          // An instance that cannot be interrupted is abandoned below all the same.
        }
        grace = setTimeout(() => resolve('abandoned'), INTERRUPT_GRACE_MS);
      },
      Math.max(0, started + limitMs - performance.now()),
    );
    check.then(
      (verdict) => {
        clearTimeout(limit);
        clearTimeout(grace);
        resolve(verdict);
      },
      (error: unknown) => {
        clearTimeout(limit);
        clearTimeout(grace);
        reject(error);
      },
    );
  });
}

/**
 * One check on a fresh solver of the current z3 instance, within `timeoutMs` of wall time from
 * now (z3's start-up and the parse included): past it z3 is interrupted, and an instance that
 * does not stop is abandoned (the next check starts a fresh one) — the answer is then `unknown`
 * (`timeout`).
 */
async function checkOnce(query: SmtQuery, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const current = z3();
  const { ctx } = await current;
  if (performance.now() - started >= timeoutMs) return { kind: 'unknown', reason: 'timeout' };
  const solver = new ctx.Solver();
  let abandoned = false;
  try {
    const beforeParse = performance.now();
    if (beforeParse - started + query.body.length * parseMsPerChar >= timeoutMs) {
      return { kind: 'unknown', reason: 'timeout' };
    }
    solver.set('timeout', Math.max(1, Math.ceil(timeoutMs - (beforeParse - started))));
    solver.fromString(query.body);
    if (query.body.length > 10_000) {
      parseMsPerChar = (1.5 * (performance.now() - beforeParse)) / query.body.length;
    }
    if (performance.now() - started >= timeoutMs) return { kind: 'unknown', reason: 'timeout' };
    checks++;
    const check = solver.check();
    // A check abandoned below may still settle (or fail) later; nobody waits for it.
    check.catch(() => undefined);
    const verdict = await withinLimit(check, started, timeoutMs, () => ctx.interrupt());
    if (verdict === 'abandoned') {
      abandoned = true;
      // Dropped, not ended: ending an instance's threads while its query runs leaves the next
      // instance unable to answer (measured with z3-solver 5.2.0). `releaseZ3` ends it.
      if (state === current) {
        state = null;
        abandonedInstances.push(current);
      }
      return { kind: 'unknown', reason: 'timeout' };
    }
    if (verdict === 'unsat') return { kind: 'unsat' };
    if (verdict === 'unknown') {
      // z3's own timeout says `timeout` or `canceled`; stopped by our interrupt at the limit, `interrupted`.
      const reason = solver.reasonUnknown();
      return {
        kind: 'unknown',
        reason: /timeout|canceled|interrupted/.test(reason) ? 'timeout' : reason,
      };
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
    try {
      // An abandoned instance's threads are ended: nothing of it can be released any more.
      if (!abandoned) solver.release();
    } catch {
      // A crashed z3 instance cannot release its solver; the instance is discarded below.
    }
  }
}

/**
 * Ends a z3 instance's worker threads: each is first unref'd, so that a worker whose termination
 * lags (Emscripten's `terminateAllThreads` cannot wait for it) no longer keeps the process alive,
 * then z3-solver's `killThreads` terminates them all, and each worker's exit is awaited (at most
 * `THREAD_EXIT_WAIT_MS`), so that no thread is still starting or stopping when this returns.
 */
async function endThreads(api: Awaited<ReturnType<Z3Module['init']>>): Promise<void> {
  const pthread = (
    api.em as { PThread?: { runningWorkers?: unknown[]; unusedWorkers?: unknown[] } }
  ).PThread;
  const workers = [...(pthread?.runningWorkers ?? []), ...(pthread?.unusedWorkers ?? [])] as {
    unref?: () => void;
    terminate?: () => Promise<unknown>;
  }[];
  for (const worker of workers) worker.unref?.();
  await (await z3Solver()).killThreads(api.em);
  // A second terminate() of a Node worker resolves when that worker has exited.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const capped = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, THREAD_EXIT_WAIT_MS);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(workers.map((worker) => worker.terminate?.())), capped]);
  clearTimeout(timer);
}

/** How long `endThreads` waits for z3's terminated workers to exit. */
const THREAD_EXIT_WAIT_MS = 10_000;

/**
 * Drops the current z3 instance after a crash (its WASM memory may be corrupt): the next check
 * starts a fresh one. Its worker threads are ended best-effort.
 */
async function discardZ3(): Promise<void> {
  const current = state;
  state = null;
  if (current === null) return;
  try {
    const { api } = await current;
    await endThreads(api);
  } catch {
    // Nothing more to release from an instance that failed.
  }
}

/** What a solver crash says, in one line (a WASM trap such as "memory access out of bounds"). */
function crashReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `solver-crash: ${message.split('\n')[0]}`;
}

/**
 * One check with the crash policy: an `attempt` that throws (z3's WASM can trap, e.g. "memory
 * access out of bounds") is followed by `reset` (a fresh z3 instance) and one more attempt; a
 * second throw is `unknown` with the reason (`solver-crash: …`), never an exception.
 */
export async function checkWithCrashRetry(
  attempt: () => Promise<CheckResult>,
  reset: () => Promise<void>,
): Promise<CheckResult> {
  try {
    return await attempt();
  } catch {
    await reset();
  }
  try {
    return await attempt();
  } catch (error) {
    await reset();
    return { kind: 'unknown', reason: crashReason(error) };
  }
}

/**
 * Checks one query with a time limit (milliseconds) on a fresh solver, released afterwards.
 * Starts z3 on first use (≈ 0.5 s). Queries are serialised. A crashed solver is retried once on
 * a fresh z3 instance, then answers `unknown` with the reason (`checkWithCrashRetry`).
 */
export function checkSmt(query: SmtQuery, timeoutMs: number): Promise<CheckResult> {
  const run = (): Promise<CheckResult> =>
    checkWithCrashRetry(() => checkOnce(query, timeoutMs), discardZ3);
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
  await queue;
  state = null;
  const instances = [...abandonedInstances.splice(0), ...(current === null ? [] : [current])];
  for (const instance of instances) {
    try {
      const { api } = await instance;
      await endThreads(api);
    } catch {
      // A z3 instance that crashed has no threads left to end; releasing must not throw.
    }
  }
}
