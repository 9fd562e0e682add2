// Bundles the built command (dist/bin.js and everything it imports from the workspace) into
// dist/bundle/, one file per lazily loaded command (esbuild's code splitting), so that a process
// reads a few files instead of ~500 modules: `quantproof vnnlib` on a cartpole instance took
// 0.25–0.31 s unbundled against 0.16–0.21 s bundled (node -e 0: 0.05 s), measured here.
// dist/bin.js then only imports the bundle. onnxruntime-node (native) and z3-solver (WASM with
// worker threads that load its own files) stay external, loaded on first use.
// The region verifier's worker (smt-verify) is bundled beside it as dist/bundle/worker.js: the
// pool resolves `./worker.js` next to its own code.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const worker = require
  .resolve('@quantproof/smt-verify/package.json')
  .replace(/package\.json$/, 'dist/region/worker.js');

await build({
  entryPoints: { bin: 'dist/bin.js', worker },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['onnxruntime-node', 'z3-solver'],
  // CommonJS dependencies (commander, protobufjs) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as quantproofCreateRequire } from 'node:module'; const require = quantproofCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

writeFileSync(
  'dist/bin.js',
  "#!/usr/bin/env node\n// The command, bundled (see bundle.mjs).\nimport './bundle/bin.js';\n",
  { mode: 0o755 },
);
