// `pnpm pack-smoke`: installs the packed tarballs of every publishable package into a fresh npm
// project outside the workspace, as a user would, and runs them there:
//
//   imports      every package resolves to its dist/, named exports only, internals blocked
//   env          @quantproof/env alone: seeded CartPole-v1 episodes, Gymnasium's reset bits
//   quant-onnx   quantise a small model, run it in onnxruntime-node, compare with the executor
//   smt-verify   checkAgreement on a tiny pair → consistent (z3), releaseZ3 lets the process exit
//   types        a TypeScript consumer type-checks against the published .d.ts files
//   cli          `quantproof --help`; `quantproof verify` exit codes 0 / 10 / 3 on written models
//   testing      a consumer project's vitest suite runs @quantproof/testing's matchers on those
//                models (fast-check and vitest from the registry, as a user installs them)
//
// Run it after `pnpm build` (turbo's `//#pack-smoke` builds first). Third-party dependencies come
// from the npm registry. Set QUANTPROOF_SMOKE_KEEP=1 to keep the temporary directory.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URL } from 'node:url';
import {
  assertBuilt,
  assertTarballs,
  PackCheckError,
  packPackages,
  publishablePackages,
  ROOT,
  runMain,
} from './packages.mjs';

const TAG = '[pack-smoke]';
const SCENARIOS = fileURLToPath(new URL('scenarios', import.meta.url));
const KEEP = process.env['QUANTPROOF_SMOKE_KEEP'] === '1';
// The cli's documented exit codes (packages/cli/README.md, `quantproof verify --help`).
const EXIT = { consistent: 0, inconsistent: 10, badInput: 3 };

/**
 * The environment of the child processes: this process's, without the npm_* and pnpm_* variables
 * that pnpm sets for scripts (a user's `npm install` does not see the workspace's settings), and with
 * onnxruntime-node's install script told not to download the CUDA provider (the CPU runtime ships
 * in the package).
 */
const childEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^p?npm_/i.test(key))),
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
};

/**
 * Runs a command to completion and returns its output; throws a `PackCheckError` with the output
 * when it times out or its exit status is not `expect`.
 * @param {string} what
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, timeoutSeconds?: number, expect?: number, silent?: string }} options
 *   `silent`: what to print when the command printed nothing.
 */
function run(
  what,
  command,
  args,
  { cwd, timeoutSeconds = 180, expect = 0, silent = '(no output)' },
) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv,
    encoding: 'utf8',
    timeout: timeoutSeconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  const shown = `$ ${command} ${args.join(' ')}  (in ${cwd})\n${output}`;
  if (result.error !== undefined) {
    const reason =
      /** @type {{ code?: string }} */ (result.error).code === 'ETIMEDOUT'
        ? `timed out after ${timeoutSeconds} s`
        : result.error.message;
    throw new PackCheckError(`${what}: ${reason}\n${shown}`);
  }
  if (result.status !== expect) {
    const status = result.status ?? `signal ${result.signal}`;
    throw new PackCheckError(`${what}: exit status ${status}, expected ${expect}\n${shown}`);
  }
  const firstLine = (/** @type {string} */ text) => text.split('\n').find((l) => l.trim() !== '');
  const line = firstLine(result.stdout) ?? firstLine(result.stderr) ?? silent;
  process.stdout.write(`${TAG} ok ${what} (${seconds.toFixed(1)} s): ${line.trim()}\n`);
  return { stdout: result.stdout, output };
}

await runMain(TAG, async () => {
  const packages = publishablePackages();
  assertBuilt(packages);
  const work = mkdtempSync(join(tmpdir(), 'quantproof-pack-smoke-'));
  if (!relative(ROOT, work).startsWith('..')) {
    throw new PackCheckError(
      `the temporary directory ${work} is inside the workspace ${ROOT}; set TMPDIR elsewhere`,
    );
  }
  const started = performance.now();
  try {
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    const packed = packPackages(packages, tarballs);
    assertTarballs(packed);
    process.stdout.write(
      `${TAG} packed ${packed.map((p) => `${p.name}@${p.version} (${p.files.length} files)`).join(', ')}\n`,
    );

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'quantproof-pack-smoke', private: true, type: 'module' }, null, 2)}\n`,
    );
    run(
      'npm install of the tarballs (third-party dependencies from the registry)',
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...packed.map((p) => p.tarball),
        // @quantproof/testing's peer dependencies, as a user's project has them.
        'fast-check@4.10.2',
        'vitest@4.1.12',
      ],
      { cwd: project, timeoutSeconds: 600 },
    );
    for (const file of readdirSync(SCENARIOS)) cpSync(join(SCENARIOS, file), join(project, file));

    const node = process.execPath;
    run('imports', node, ['imports.mjs', ...packed.map((p) => p.name)], { cwd: project });
    run('env: seeded CartPole-v1', node, ['env.mjs'], { cwd: project });
    run('quant + onnx: int8 model in onnxruntime-node', node, ['quant-onnx.mjs'], { cwd: project });
    run('smt-verify: checkAgreement', node, ['smt-verify.mjs'], { cwd: project });
    run(
      'types: a TypeScript consumer of the .d.ts files',
      node,
      [join(ROOT, 'node_modules', 'typescript', 'lib', 'tsc.js'), '-p', 'consumer.tsconfig.json'],
      { cwd: project, silent: 'consumer.ts type-checks (strict, nodenext, no skipLibCheck)' },
    );

    const quantproof = join(project, 'node_modules', '.bin', 'quantproof');
    const help = run('cli: quantproof --help', quantproof, ['--help'], { cwd: project });
    for (const command of ['run', 'train', 'quantize', 'eval', 'verify', 'check', 'report']) {
      if (!new RegExp(`^\\s+${command}\\b`, 'm').test(help.stdout)) {
        throw new PackCheckError(
          `quantproof --help does not list the ${command} command:\n${help.output}`,
        );
      }
    }
    run('cli: model files written with the installed onnx package', node, ['write-models.mjs'], {
      cwd: project,
    });
    const suite = run(
      'testing: matchers under vitest in a consumer project',
      node,
      [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'testing-matchers.test.ts'],
      { cwd: project, timeoutSeconds: 300 },
    );
    if (!/Tests\s+3 passed \(3\)/.test(suite.output)) {
      throw new PackCheckError(
        `the consumer's vitest suite did not pass its 3 tests:\n${suite.output}`,
      );
    }
    const box = ['-0.05,0.05', '-0.05,0.05', '-0.05,0.05', '-0.05,0.05'].join(';');
    // The consistent verdict needs the whole box decided (0.5 s alone, 1.5 s beside the test
    // suites), then verify sharpens δ* and ε* until they converge (about 5 s) or the budget ends;
    // the inconsistent one needs one replayed counterexample, then refines the disagreeing leaves
    // for the rest of the budget. The budgets leave room for a loaded machine.
    const verify = ['verify', '--fp32', 'fp32.onnx', '--box', box];
    const consistent = run(
      `cli: quantproof verify → consistent, exit ${EXIT.consistent}`,
      quantproof,
      [...verify, '--timeout', '60', '--int8', 'int8.onnx'],
      { cwd: project, expect: EXIT.consistent },
    );
    if (!consistent.stdout.startsWith('consistent')) {
      throw new PackCheckError(`quantproof verify exited 0 but printed:\n${consistent.output}`);
    }
    run(
      `cli: quantproof verify → inconsistent, exit ${EXIT.inconsistent}`,
      quantproof,
      [...verify, '--timeout', '10', '--int8', 'int8-flipped.onnx'],
      { cwd: project, expect: EXIT.inconsistent },
    );
    run(
      `cli: quantproof verify on a missing file → exit ${EXIT.badInput}`,
      quantproof,
      [...verify, '--int8', 'missing.onnx'],
      { cwd: project, expect: EXIT.badInput },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    process.stdout.write(`${TAG} all scenarios passed from the packed tarballs (${seconds} s)\n`);
  } finally {
    if (KEEP) process.stdout.write(`${TAG} kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
});
