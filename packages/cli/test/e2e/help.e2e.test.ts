// `--help` through the built command: every command, as the top-level help lists them, explains
// itself with an example.

import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { requireBuiltCli, runCli } from './cli-process.js';

/** The commands the README documents; the top-level help may list more (each is tested). */
const DOCUMENTED = [
  'demo',
  'train',
  'quantize',
  'eval',
  'run',
  'verify',
  'vnnlib',
  'worker',
  'sensitivity',
  'repair',
  'precision',
];

let listed: string[] = [];

beforeAll(async () => {
  requireBuiltCli();
  const { code, stdout, stderr } = await runCli(['--help']);
  expect(code, stderr).toBe(EXIT_CODES.ok);
  const commands = stdout.split(/^Commands:$/m)[1] ?? '';
  listed = [...commands.matchAll(/^ {2}([a-z][\w-]*) /gm)]
    .map((m) => m[1] ?? '')
    .filter((name) => name !== 'help');
});

describe('quantproof --help (built CLI, subprocess)', () => {
  it('lists every documented command and the exit codes', async () => {
    expect(listed).toEqual(expect.arrayContaining(DOCUMENTED));
    const { stdout } = await runCli(['--help']);
    expect(stdout).toMatch(/^Usage: quantproof \[options\] \[command\]/);
    expect(stdout).toMatch(/Exit codes: 0 success, 2 bad flags, 3 bad input file, 70 internal/);
  });

  it('shows usage, the flags and a runnable example for every listed command', async () => {
    for (const name of listed) {
      const { code, stdout, stderr } = await runCli([name, '--help']);
      expect(code, `${name} --help: ${stderr}`).toBe(EXIT_CODES.ok);
      expect(stderr, name).toBe('');
      expect(stdout, name).toMatch(new RegExp(`^Usage: quantproof ${name} \\[options\\]`));
      expect(stdout, name).toMatch(/^Options:$/m);
      expect(stdout, name).toMatch(/^ {2}-h, --help +display help for command$/m);
      expect(stdout, name).toMatch(/^Examples?:$/m);
      expect(stdout, name).toMatch(new RegExp(`^ {2}\\$ quantproof ${name}( |$)`, 'm'));
    }
  }, 300_000);

  it('answers `help <command>` like `<command> --help`', async () => {
    const viaHelp = await runCli(['help', 'verify']);
    const viaFlag = await runCli(['verify', '--help']);
    expect(viaHelp.code).toBe(EXIT_CODES.ok);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaFlag.stdout).toMatch(/Exit codes: 0 consistent, 10 inconsistent/);
  });
});
