// The built `quantproof` command run as a user runs it: `node packages/cli/dist/bin.js …` in a
// child process whose stdout and stderr are pipes, not a terminal.
//
// The end-to-end tests need the build: turbo's `test` task of this package depends on `build`
// (packages/cli/turbo.json), so `pnpm check` and `pnpm test` build the CLI and its workspace
// dependencies first. Running vitest directly needs `pnpm turbo run build --filter=@quantproof/cli`
// before it.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/** The built command. */
export const CLI_BIN: string = join(packageDir, 'dist', 'bin.js');

/** The fixtures of this package (see test/fixtures/README.md). */
export const FIXTURES: {
  readonly torchGemmSoftmax: string;
  readonly vnncompCartpole: string;
  readonly vnnlibUnsat: string;
  readonly vnnlibSat: string;
} = {
  torchGemmSoftmax: join(packageDir, 'test', 'fixtures', 'torch-sequential-gemm-softmax.onnx'),
  vnncompCartpole: join(packageDir, 'test', 'fixtures', 'vnncomp2022-rl', 'cartpole.onnx'),
  vnnlibUnsat: join(
    packageDir,
    'test',
    'fixtures',
    'vnncomp2022-rl',
    'cartpole_case_safe_14.vnnlib',
  ),
  vnnlibSat: join(
    packageDir,
    'test',
    'fixtures',
    'vnncomp2022-rl',
    'cartpole_case_unsafe_29.vnnlib',
  ),
};

/** What one run of the command left: its exit code and everything it printed. */
export interface CliResult {
  /** The exit code; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the command. */
export interface CliRunOptions {
  /** Working directory; default this package's directory. */
  readonly cwd?: string;
  /** Variables added to (string) or removed from (undefined) the test process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The child is killed after this long; default 280 s (under the 300 s test timeouts). */
  readonly timeoutMs?: number;
  /** Options for Node itself, before the script (e.g. `--import` a loader hook). */
  readonly nodeArgs?: readonly string[];
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Fails with what to run when the CLI is not built, and warns when a workspace package's source is
 * newer than its build (the tests would then exercise old code).
 */
export function requireBuiltCli(): void {
  if (!existsSync(CLI_BIN)) {
    throw new Error(
      `${CLI_BIN} is missing: the end-to-end tests run the built CLI. Build it with \`pnpm turbo run build --filter=@quantproof/cli\` (\`pnpm test\` and \`pnpm check\` do this through turbo).`,
    );
  }
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const workspace = Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@quantproof/'))
    .map((name) => join(packageDir, '..', name.slice('@quantproof/'.length)));
  const stale = [packageDir, ...workspace].filter((dir) => {
    const built = join(dir, 'dist', 'index.js');
    const src = join(dir, 'src');
    return existsSync(src) && existsSync(built) && newestSourceMtime(src) > statSync(built).mtimeMs;
  });
  if (stale.length > 0) {
    console.warn(
      `quantproof e2e: the source of ${stale.join(', ')} is newer than its dist/; these tests run dist/ (rebuild with \`pnpm turbo run build --filter=@quantproof/cli\`).`,
    );
  }
}

/** Runs `node dist/bin.js ...args` and resolves when it exits (never rejects on a non-zero code). */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env };
  // The test runner's loader options must not reach the child: it runs plain Node on dist/.
  delete env['NODE_OPTIONS'];
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_BIN, ...args], {
      cwd: options.cwd ?? packageDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 280_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A Node stack frame (`    at f (file.js:1:2)`): what a user must never see for a bad input. */
export const STACK_FRAME: RegExp = /^\s+at .*(:\d+:\d+\)?|\(native\))$/m;

/** The lines of `text` without the final newline. */
export function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}
