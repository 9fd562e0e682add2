// Each command loads only what it needs: the help loads no command, `vnnlib` loads neither z3 nor
// onnxruntime-node while bounds decide, and onnxruntime-node only to replay a `sat` witness. Checked
// on the modules the built command actually resolves (a loader hook logs them), not on timing.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { FIXTURES, lines, requireBuiltCli, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => requireBuiltCli());

const HOOK = fileURLToPath(new URL('module-log.mjs', import.meta.url));
let runs = 0;

/** Runs the command and returns its result and the URLs of the modules it resolved. */
async function traced(args: readonly string[]) {
  const log = join(dir, `modules-${runs++}.txt`);
  const result = await runCli(args, {
    cwd: dir,
    nodeArgs: ['--import', HOOK],
    env: { QUANTPROOF_MODULE_LOG: log },
  });
  let modules: string[] = [];
  try {
    modules = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    // No module resolved after the hook: an empty list.
  }
  return { ...result, modules };
}

const HEAVY = ['z3-solver', 'onnxruntime-node', 'protobufjs', 'cli-progress'];

/**
 * The workspace packages and heavy dependencies among the resolved modules. The command is
 * bundled (dist/bundle/, see bundle.mjs): a bundle file's code is attributed through esbuild's
 * `// path` comment before each module it holds.
 */
function packagesOf(modules: readonly string[]): Set<string> {
  const found = new Set<string>();
  const attribute = (path: string): void => {
    const workspace = /(?:^|\/)packages\/([a-z0-9-]+)\/(dist|src)\//.exec(path);
    if (workspace !== null) found.add(`@quantproof/${workspace[1]}`);
    else if (/^dist\//.test(path)) found.add('@quantproof/cli');
    else {
      const sibling = /^\.\.\/([a-z0-9-]+)\/dist\//.exec(path);
      if (sibling !== null) found.add(`@quantproof/${sibling[1]}`);
    }
    for (const name of HEAVY) if (path.includes(`node_modules/${name}/`)) found.add(name);
  };
  for (const url of modules) {
    attribute(url);
    if (url.startsWith('file:') && url.includes('/dist/bundle/')) {
      for (const [, path] of readFileSync(fileURLToPath(url), 'utf8').matchAll(
        /^\/\/ (\S+\.[cm]?js)$/gm,
      )) {
        attribute(path!);
      }
    }
  }
  return found;
}

describe('start-up: a command loads only what it needs (built CLI, modules logged by a loader hook)', () => {
  it('`quantproof --help` loads no command and no other workspace package', async () => {
    const { code, stdout, modules } = await traced(['--help']);
    expect(code).toBe(EXIT_CODES.ok);
    expect(stdout).toMatch(/vnnlib \[options\]/);
    expect(stdout).toMatch(/check \[options\]/);
    expect([...packagesOf(modules)]).toEqual(['@quantproof/cli']);
  });

  it('`quantproof vnnlib --help` loads none of the verifier', async () => {
    const { code, stdout, modules } = await traced(['vnnlib', '--help']);
    expect(code).toBe(EXIT_CODES.ok);
    expect(stdout).toMatch(/--timeout/);
    expect([...packagesOf(modules)]).toEqual(['@quantproof/cli']);
  });

  it('`quantproof vnnlib` decided by bounds loads neither z3 nor onnxruntime, nor training or report code', async () => {
    const { code, stdout, stderr, modules } = await traced([
      'vnnlib',
      '--onnx',
      FIXTURES.vnncompCartpole,
      '--vnnlib',
      FIXTURES.vnnlibUnsat,
    ]);
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stdout)[0]).toBe('unsat');
    expect(lines(stdout)[1]).toMatch(/ 0 SMT queries$/);
    const loaded = packagesOf(modules);
    expect(loaded.has('@quantproof/smt-verify')).toBe(true);
    for (const absent of [
      'z3-solver',
      'onnxruntime-node',
      'cli-progress',
      '@quantproof/rl',
      '@quantproof/env',
      '@quantproof/web-report',
      '@quantproof/testing',
    ]) {
      expect(loaded.has(absent), absent).toBe(false);
    }
  });

  it('`quantproof vnnlib` loads onnxruntime-node to replay a sat witness', async () => {
    const { code, stdout, stderr, modules } = await traced([
      'vnnlib',
      '--onnx',
      FIXTURES.vnncompCartpole,
      '--vnnlib',
      FIXTURES.vnnlibSat,
    ]);
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stdout)[0]).toBe('sat');
    expect(packagesOf(modules).has('onnxruntime-node')).toBe(true);
  });
});
