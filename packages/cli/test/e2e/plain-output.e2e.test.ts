// Plain output where it is read by programs: no ANSI escape sequences when stdout and stderr are
// pipes, with or without NO_COLOR; and on a terminal, NO_COLOR keeps the progress bar colourless.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { CLI_BIN, lines, requireBuiltCli, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-plain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => requireBuiltCli());

const ESC = '\u001b';
const CSI = '\u009b';

/** Environments of a user's shell that does not ask for colour, and one that refuses it. */
const ENVIRONMENTS: readonly (readonly [string, Record<string, string | undefined>])[] = [
  [
    'a colour terminal type',
    { TERM: 'xterm-256color', NO_COLOR: undefined, FORCE_COLOR: undefined },
  ],
  ['NO_COLOR=1', { TERM: 'xterm-256color', NO_COLOR: '1', FORCE_COLOR: undefined }],
];

const COMMANDS: readonly (readonly string[])[] = [
  ['train', '--timesteps', '2048', '--out', 'policy.onnx'],
  ['quantize', '--fp32', 'policy.onnx', '--out', 'policy.qdq.onnx'],
  ['eval', '--model', 'policy.qdq.onnx', '--fp32', 'policy.onnx', '--episodes', '3'],
  ['verify', '--fp32', 'policy.onnx', '--int8', 'policy.qdq.onnx', '--timeout', '1'],
  ['demo', '--every', '100'],
  ['quantize', '--help'],
  ['eval', '--model', 'missing.onnx'],
  ['eval', '--bogus'],
];

describe('quantproof output on pipes (built CLI, subprocess)', () => {
  it.each(ENVIRONMENTS)(
    'prints no escape sequence with %s',
    async (_, env) => {
      for (const argv of COMMANDS) {
        const { code, stdout, stderr } = await runCli(argv, { cwd: dir, env });
        expect(code, `${argv.join(' ')}: ${stderr}`).not.toBe(EXIT_CODES.internal);
        expect(stdout + stderr, argv.join(' ')).not.toContain(ESC);
        expect(stdout + stderr, argv.join(' ')).not.toContain(CSI);
      }
    },
    300_000,
  );

  it('reports training progress as plain lines, not a bar', async () => {
    const { code, stderr } = await runCli(['train', '--timesteps', '2048', '--out', 'p.onnx'], {
      cwd: dir,
      env: { TERM: 'xterm-256color', NO_COLOR: undefined },
    });
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stderr).length).toBeGreaterThan(0);
    for (const line of lines(stderr).slice(0, -1)) {
      expect(line).toMatch(/^train ppo: \d+\/2048, return [\d.-]+, eval [\d.-]+, steps\/s \d+$/);
    }
    // The last line says the training is done (a bar would end full).
    expect(lines(stderr).at(-1)).toMatch(
      /^train ppo: done, return [\d.-]+, eval [\d.-]+, steps\/s \d+$/,
    );
  });
});

// `script` (util-linux) runs the command on a pseudo-terminal, as a user's shell would.
const hasScript =
  process.platform === 'linux' &&
  spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0;

function runOnTerminal(args: readonly string[], env: Record<string, string | undefined>) {
  const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, CLI_BIN, ...args].map(quote).join(' ');
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv['NODE_OPTIONS'];
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: Object.fromEntries(Object.entries(childEnv).filter(([, v]) => v !== undefined)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!hasScript)('quantproof on a terminal (built CLI, under script)', () => {
  it('draws the training bar with its fields filled, in colour unless NO_COLOR is set', async () => {
    const args = ['train', '--timesteps', '2048', '--out', 'tty.onnx'];
    const coloured = await runOnTerminal(args, { TERM: 'xterm-256color', NO_COLOR: undefined });
    expect(coloured.code, coloured.output).toBe(EXIT_CODES.ok);
    expect(coloured.output).toMatch(/train ppo \[[█░]+\] \d+% \| return /);
    const plain = await runOnTerminal(args, { TERM: 'xterm-256color', NO_COLOR: '1' });
    expect(plain.code, plain.output).toBe(EXIT_CODES.ok);
    expect(plain.output).toMatch(/train ppo \[[#-]+\] \d+% \| return /);
    expect(plain.output).not.toMatch(/[█░]/);
    // Every field of the bar is filled in; none prints as a {placeholder}.
    for (const { output } of [coloured, plain]) {
      expect(output).not.toMatch(/\{[\w/]+\}/);
      expect(output).toMatch(/steps\/s \d+ \| ETA/);
    }
  });
});
