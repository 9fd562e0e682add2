// The publishable packages of the workspace, packed as npm would publish them, and the checks every
// tarball must pass before anything installs it. Shared by `pnpm pack-smoke` and
// `pnpm lint:packages`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A failure with a message that says what is wrong and what to do; the scripts print the message
 * alone, without a stack.
 */
export class PackCheckError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'PackCheckError';
  }
}

/**
 * @typedef {{ name: string, version: string, dir: string, manifest: Record<string, any> }} WorkspacePackage
 * @typedef {WorkspacePackage & { tarball: string, files: string[], packed: Record<string, any> }} PackedPackage
 */

/**
 * Every non-private package under packages/, in directory order.
 * @returns {WorkspacePackage[]}
 */
export function publishablePackages() {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .map((entry) => join(base, entry))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, dir, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true);
}

/**
 * Throws unless every package has a `dist/` that is at least as new as its sources (the scripts
 * pack what is on disk; they do not build).
 * @param {WorkspacePackage[]} packages
 */
export function assertBuilt(packages) {
  for (const pkg of packages) {
    const sources = listFiles(join(pkg.dir, 'src')).filter(isPublishedSource);
    for (const source of sources) {
      const output = join(pkg.dir, 'dist', source.replace(/\.ts$/, '.js'));
      const sourceTime = statSync(join(pkg.dir, 'src', source)).mtimeMs;
      if (!existsSync(output) || statSync(output).mtimeMs < sourceTime) {
        throw new PackCheckError(
          `${pkg.name}: dist/${relative(join(pkg.dir, 'dist'), output)} is missing or older than src/${source}. ` +
            'Build first: `pnpm build` (or run this through turbo: `pnpm turbo run pack-smoke`).',
        );
      }
    }
  }
}

/**
 * Packs each package with `pnpm pack` (which rewrites `workspace:` ranges to versions, as
 * `pnpm publish` does) into `destination`.
 * @param {WorkspacePackage[]} packages
 * @param {string} destination
 * @returns {PackedPackage[]}
 */
export function packPackages(packages, destination) {
  return packages.map((pkg) => {
    let output;
    try {
      output = execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], {
        cwd: pkg.dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new PackCheckError(`${pkg.name}: \`pnpm pack\` failed:\n${commandOutput(error)}`);
    }
    const report = JSON.parse(output.slice(output.indexOf('{')));
    const files = report.files.map((/** @type {{ path: string }} */ f) => f.path).sort();
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', report.filename, 'package/package.json'], { encoding: 'utf8' }),
    );
    return { ...pkg, tarball: report.filename, files, packed };
  });
}

/**
 * What every tarball must hold and must not hold. Returns the problems found, one line each.
 * @param {PackedPackage} pkg
 * @returns {string[]}
 */
export function tarballProblems(pkg) {
  const problems = [];
  const has = new Set(pkg.files);
  for (const required of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/index.js',
    'dist/index.d.ts',
  ]) {
    if (!has.has(required)) problems.push(`${required} is not in the tarball`);
  }
  for (const file of pkg.files) {
    if (
      /(^|\/)(test|tests|__tests__|fixtures)\//.test(file) ||
      /\.(test|bench)\.[cm]?[jt]s$/.test(file)
    ) {
      problems.push(`${file} is a test file`);
    }
    if (
      /(^|\/)(node_modules|\.tsbuild|\.turbo|test-artifacts)\//.test(file) ||
      file.endsWith('.tsbuildinfo')
    ) {
      problems.push(`${file} is a build or cache artifact`);
    }
    // dist/bundle/ is a bundler's output (the cli's, see packages/cli/bundle.mjs), not one file per
    // source: its files have no source of their own.
    const compiled = /^dist\/(?!bundle\/)(.+)\.(js|d\.ts)$/.exec(file);
    if (compiled !== null && !has.has(`src/${compiled[1]}.ts`)) {
      problems.push(
        `${file} has no source src/${compiled[1]}.ts (a stale build output: rebuild with \`pnpm build\`, which empties dist/)`,
      );
    }
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg.packed[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`package.json ${field}.${dep} is still "${range}" after packing`);
      }
    }
  }
  if (pkg.packed['bin'] !== undefined) {
    for (const target of Object.values(pkg.packed['bin'])) {
      if (!has.has(String(target).replace(/^\.\//, '')))
        problems.push(`bin ${target} is not in the tarball`);
    }
  }
  return problems;
}

/**
 * Throws one error that lists every tarball problem of every package.
 * @param {PackedPackage[]} packed
 */
export function assertTarballs(packed) {
  const lines = packed.flatMap((pkg) => tarballProblems(pkg).map((p) => `  ${pkg.name}: ${p}`));
  if (lines.length > 0) {
    throw new PackCheckError(`the packed tarballs are not publishable:\n${lines.join('\n')}`);
  }
}

/**
 * stdout and stderr of a failed child process, for an error message.
 * @param {unknown} error
 * @returns {string}
 */
export function commandOutput(error) {
  const e = /** @type {{ stdout?: unknown, stderr?: unknown, message?: string }} */ (error);
  const text = [e.stdout, e.stderr]
    .filter((s) => s !== undefined && s !== null)
    .join('\n')
    .trim();
  return text === '' ? String(e.message) : text;
}

/**
 * Runs `main`; prints a `PackCheckError`'s message alone (other errors with their stack) and exits 1.
 * @param {string} tag
 * @param {() => Promise<void>} main
 */
export async function runMain(tag, main) {
  try {
    await main();
  } catch (error) {
    const message =
      error instanceof PackCheckError ? error.message : /** @type {Error} */ (error).stack;
    process.stderr.write(`${tag} FAILED: ${message}\n`);
    process.exitCode = 1;
  }
}

/**
 * Relative paths of the files under `dir` (recursively), `/`-separated.
 * @param {string} dir
 * @returns {string[]}
 */
function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/**
 * A source file that tsconfig.build.json compiles into dist/.
 * @param {string} file
 */
function isPublishedSource(file) {
  return file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts');
}
