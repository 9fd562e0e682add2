import { describe, expect, it } from 'vitest';
import { EXIT_CODES, runProgram } from './index.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runProgram(argv, {
    stderrIsTTY: false,
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  return { code, out, err };
}

describe('quantproof demo', () => {
  it('plays the golden feedback episode of seed 0 to the time limit', async () => {
    const { code, out } = await run(['demo', '--seed', '0']);
    expect(code).toBe(EXIT_CODES.ok);
    expect(out).toMatch(/return 500 after 500 steps/);
    expect(out).toMatch(/truncated/);
  });

  it('plays the golden periodic episode of seed 1 to its termination at step 15', async () => {
    const { out } = await run(['demo', '--seed', '1', '--controller', 'periodic', '--every', '1']);
    expect(out).toMatch(/return 15 after 15 steps/);
    expect(out.trim().split('\n')).toHaveLength(1 + 2 + 15 + 1);
  });

  it('rejects bad flags with exit code 2 and one clear line', async () => {
    for (const argv of [
      ['demo', '--seed', '-1'],
      ['demo', '--seed', 'x'],
      ['demo', '--every', '0'],
      ['demo', '--controller', 'lqr'],
      ['demo', '--bogus'],
      ['nonsense'],
    ]) {
      const { code, err } = await run(argv);
      expect(code, argv.join(' ')).toBe(EXIT_CODES.usage);
      expect(err).toMatch(/^quantproof: /);
      expect(err).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });

  it('teaches with --help', async () => {
    const { code, out } = await run(['demo', '--help']);
    expect(code).toBe(EXIT_CODES.ok);
    expect(out).toMatch(/Example:/);
    expect(out).toMatch(/--controller/);
  });
});
