// δ*, ε*, SMT-LIB export (re-checked by Debian's native z3 when installed) and process exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAgreement } from '../src/agreement.js';
import { errorBound } from '../src/error-bound.js';
import { flipMargin } from '../src/flip-margin.js';
import { releaseZ3 } from '../src/z3-session.js';
import { diagonal, quantizeTiny } from '@quantproof/test-support/tiny-nets';

afterAll(releaseZ3);

const model = quantizeTiny(diagonal);
const box = { lower: [0.1, 0.1], upper: [0.13, 0.13] };

describe('flip margin and error bound', () => {
  it('brackets δ* with a replayed witness at the lower end', async () => {
    const result = await flipMargin(diagonal, model, box, { maxSteps: 8 });
    expect(result.kind).toBe('bounded');
    if (result.kind !== 'bounded') return;
    expect(result.lower).toBeLessThanOrEqual(result.upper);
    expect(result.witness.fp32Margin).toBe(result.lower);
    // A disagreement cannot have a margin larger than one input cell lets 8·|x0 − x1| grow.
    expect(result.upper).toBeLessThan(8 * 2 * model.input.scale * 1.01);
  });

  it('brackets ε* and the witness attains the lower bound', async () => {
    const result = await errorBound(diagonal, model, box, { maxSteps: 8 });
    expect(result.kind).toBe('bounded');
    if (result.kind !== 'bounded') return;
    expect(result.lower).toBeGreaterThan(0);
    expect(result.lower).toBeLessThanOrEqual(result.upper);
  });
});

describe('SMT-LIB export', () => {
  it('exports every query as a standalone script; native z3 agrees when installed', async () => {
    const scripts: { text: string; result: string }[] = [];
    await checkAgreement(diagonal, model, box, {
      cellFastPath: 0,
      onQuery: (text, result) => scripts.push({ text, result }),
    });
    await checkAgreement(
      diagonal,
      model,
      { lower: [0.6, -0.9], upper: [0.9, -0.6] },
      {
        cellFastPath: 0,
        onQuery: (text, result) => scripts.push({ text, result }),
      },
    );
    expect(scripts.map((s) => s.result)).toEqual(['sat', 'unsat']);
    for (const s of scripts) {
      expect(s.text).toMatch(/^\(set-logic QF_LIRA\)$/m);
      expect(s.text).toMatch(/^\(check-sat\)$/m);
    }
    const z3 = spawnSync('sh', ['-c', 'command -v z3'], { encoding: 'utf8' }).stdout.trim();
    if (z3 === '') {
      console.warn('native z3 not installed (apt-get install z3): skipping the re-check assertion');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'quantproof-smt-'));
    try {
      scripts.forEach((s, k) => {
        const file = join(dir, `q${k}.smt2`);
        writeFileSync(file, s.text);
        // After `unsat`, the script's (get-value …) is an error: read only the first line.
        const answer = spawnSync(z3, ['-T:60', file], { encoding: 'utf8' }).stdout.split('\n')[0];
        expect(answer).toBe(s.result);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('z3 threads', () => {
  it('a process that used z3 and called releaseZ3 exits on its own', () => {
    // Plain Node on the package's built entry would need a build; instead run the same sequence
    // (init, check, release, unref every worker, killThreads, await every worker's exit) that releaseZ3 performs, through
    // z3-solver itself.
    // Each stage is logged to stderr, so a process that does not end says where it stopped.
    const script = `
      import { init, killThreads } from 'z3-solver';
      const stage = (s) => process.stderr.write('stage: ' + s + '\\n');
      stage('start');
      const api = await init();
      stage('init');
      const ctx = new api.Context('t');
      const s = new ctx.Solver();
      s.fromString('(declare-const x Real)(assert (> x 1.0))');
      console.log(await s.check());
      stage('checked');
      s.release();
      const workers = [...api.em.PThread.runningWorkers, ...api.em.PThread.unusedWorkers];
      for (const w of workers) w.unref();
      await killThreads(api.em);
      stage('threads killed');
      await Promise.allSettled(workers.map((w) => w.terminate()));
      stage(workers.length + ' workers exited; the process should now exit');
      // If it does not, say what still holds it open (the timer itself holds nothing).
      setTimeout(() => {
        const handles = process._getActiveHandles().map((h) => h?.constructor?.name ?? typeof h);
        stage('still alive after 10 s; active handles: ' + handles.join(', '));
      }, 10_000).unref();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
      // A hang detector, not a speed check: alone the process ends in ~0.4 s, but under a loaded
      // CI (every package's suites at once on 2 cores) it once ran past a 30 s limit. A process
      // that does not exit still fails here.
      timeout: 120_000,
    });
    const seen = `stdout: ${JSON.stringify(run.stdout)}; stderr: ${JSON.stringify(run.stderr)}`;
    expect(run.error, seen).toBeUndefined();
    expect(run.stdout.trim(), seen).toBe('sat');
    expect(run.status, seen).toBe(0);
  }, 150_000);
});
