// `pnpm lint:packages`: packs every publishable package and lints the tarball as it would be
// published — the tarball rules of pack-smoke/packages.mjs, publint (strict: warnings fail) and
// Are the Types Wrong (attw). Run it after `pnpm build` (turbo's `//#lint:packages` builds first).
//
// attw runs with `--profile esm-only`: the packages are ESM only ("type": "module", no `require`
// condition), so attw's `node10` and `node16 (from CJS)` resolutions cannot succeed by design. Node
// ≥ 20.19 can `require()` them anyway (require(esm)); TypeScript resolves them under
// `module: node16/nodenext` and `bundler`, which attw still checks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import {
  assertBuilt,
  assertTarballs,
  commandOutput,
  PackCheckError,
  packPackages,
  publishablePackages,
  ROOT,
  runMain,
} from './pack-smoke/packages.mjs';

const TAG = '[lint:packages]';
/** @param {string} name */
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

await runMain(TAG, async () => {
  const packages = publishablePackages();
  assertBuilt(packages);
  const work = mkdtempSync(join(tmpdir(), 'quantproof-lint-packages-'));
  try {
    const packed = packPackages(packages, work);
    assertTarballs(packed);
    const failures = [];
    for (const pkg of packed) {
      const results = [];
      /** @type {[string, string[]][]} */
      const checks = [
        ['publint', ['run', pkg.tarball, '--strict']],
        ['attw', [pkg.tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color']],
      ];
      for (const [tool, args] of checks) {
        try {
          execFileSync(bin(tool), args, { cwd: work, encoding: 'utf8', stdio: 'pipe' });
          results.push(`${tool} ok`);
        } catch (error) {
          results.push(`${tool} FAILED`);
          failures.push(`${pkg.name}: ${tool} ${args.join(' ')}\n${commandOutput(error)}`);
        }
      }
      process.stdout.write(`${TAG} ${pkg.name}@${pkg.version}: ${results.join(', ')}\n`);
    }
    if (failures.length > 0) {
      throw new PackCheckError(`${failures.length} check(s) failed:\n\n${failures.join('\n\n')}`);
    }
    process.stdout.write(`${TAG} ${packed.length} packages: tarballs, publint and attw clean\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
