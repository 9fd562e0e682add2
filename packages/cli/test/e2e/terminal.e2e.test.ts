// The built command on a real terminal (a pseudo-terminal from util-linux's `script`): progress
// bars hide the cursor while they draw, so Ctrl-C must give it back and say how to continue, and a
// training run that stops early must end its bar full rather than frozen part-way.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, requireBuiltCli } from './cli-process.js';

const SCRIPT = '/usr/bin/script';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const ESC = '\x1b';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => requireBuiltCli());

/**
 * Runs the CLI on a pseudo-terminal; `onOutput` sees everything printed so far and may type into
 * the terminal (`type('\x03')` is Ctrl-C). Resolves with the exit code and the output.
 */
function onTerminal(
  args: readonly string[],
  onOutput: (output: string, type: (text: string) => void) => void = () => undefined,
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, COLUMNS: '200', LINES: '50' };
  delete env['NODE_OPTIONS'];
  delete env['NO_COLOR'];
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI_BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], { cwd: dir, env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      onOutput(output, (text) => child.stdin.write(text));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!existsSync(SCRIPT))('quantproof on a terminal', () => {
  it('gives the cursor back on Ctrl-C and says how to resume the run', async () => {
    const runDir = join(dir, 'interrupted');
    let typed = false;
    const { code, output } = await onTerminal(
      ['run', '--out', runDir, '--episodes', '2', '--verify-seconds', '1'],
      (text, type) => {
        // Interrupt while the training bar is drawn (the cursor is hidden then).
        if (!typed && text.includes(HIDE_CURSOR) && text.includes('train ppo [')) {
          typed = true;
          type('\x03');
        }
      },
    );
    expect(typed).toBe(true);
    expect(code).toBe(130);
    const last = output.lastIndexOf(HIDE_CURSOR);
    expect(
      output.indexOf(SHOW_CURSOR, last),
      'the cursor is shown after it was hidden',
    ).toBeGreaterThan(last);
    expect(output).toContain(
      `quantproof: interrupted; continue it with: quantproof run --resume ${runDir}`,
    );
  }, 120_000);

  it('ends the training bar full when PPO stops before its step budget', async () => {
    const { code, output } = await onTerminal([
      'train',
      '--seed',
      '0',
      '--timesteps',
      '100000',
      '--out',
      join(dir, 'policy.onnx'),
    ]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/trained PPO .* target-reached/);
    const frames = output
      .split(new RegExp(`\r|${ESC}\\[\\d*G`))
      .filter((f) => f.includes('train ppo ['));
    const final = frames.at(-1)!;
    expect(final).toMatch(/ 100% \| .*done early at \d+ of 100000: target-reached.* \| ETA 0s/);
  }, 120_000);
});
