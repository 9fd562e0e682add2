// Wall-clock timing shared by the benchmark suites.

import { performance } from 'node:perf_hooks';

/** Mean microseconds per call of `call` (awaited), after 200 warm-up calls, over at least `ms`. */
export async function microsecondsPerCall(ms: number, call: () => unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await call();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) await call();
    calls += 50;
    now = performance.now();
  }
  return ((now - start) * 1000) / calls;
}
