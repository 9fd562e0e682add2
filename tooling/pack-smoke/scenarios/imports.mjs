// Every package resolves from this project's node_modules to its built dist/ (consumers do not set
// the workspace's `@quantproof/source` condition), exposes named exports only, and blocks its
// internals.
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { check } from './check.mjs';

const names = process.argv.slice(2);
const project = pathToFileURL(join(process.cwd(), 'node_modules') + sep).href;
const summary = [];
for (const name of names) {
  const url = import.meta.resolve(name);
  check(
    url === `${project}${name}/dist/index.js`,
    `${name} resolves to ${url}, not to ${project}${name}/dist/index.js`,
  );
  const module = await import(name);
  const exported = Object.keys(module);
  check(exported.length > 0 && !exported.includes('default'), `${name} exports ${exported}`);
  const manifest = createRequire(import.meta.url)(`${name}/package.json`);
  check(manifest.name === name, `${name}/package.json is ${manifest.name}`);
  let blocked = false;
  try {
    import.meta.resolve(`${name}/internal/anything.js`);
  } catch (error) {
    blocked = /** @type {{ code?: string }} */ (error).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
  check(blocked, `${name}/internal/* is importable; the exports map should block it`);
  summary.push(`${name.replace('@quantproof/', '')} (${exported.length})`);
}
process.stdout.write(
  `imported from dist with named exports: ${summary.join(', ')}; internals blocked\n`,
);
