// The package graph of ARCHITECTURE.md as data, and the lint rules that enforce it.
// Changing what a package may import means changing this table (and the architecture document).
import { builtinModules } from 'node:module';

/**
 * Every workspace package: where it lives, which @quantproof packages it may import (values), which
 * it may import for types only, and where it runs: `pure` (no Node, no DOM, no ambient randomness
 * or clock), `browser` (DOM, no Node) or `node`.
 * @type {Record<string, { dir: string, imports: string[], typeImports?: string[], runtime: 'pure' | 'browser' | 'node' }>}
 */
export const PACKAGES = {
  env: { dir: 'packages/env', imports: [], runtime: 'pure' },
  nn: { dir: 'packages/nn', imports: [], runtime: 'pure' },
  rl: { dir: 'packages/rl', imports: ['env', 'nn'], runtime: 'pure' },
  quant: { dir: 'packages/quant', imports: ['nn'], runtime: 'pure' },
  onnx: { dir: 'packages/onnx', imports: ['nn', 'quant'], runtime: 'node' },
  interval: { dir: 'packages/interval', imports: ['nn', 'quant'], runtime: 'pure' },
  'smt-verify': {
    dir: 'packages/smt-verify',
    imports: ['nn', 'quant', 'interval'],
    runtime: 'node',
  },
  testing: {
    dir: 'packages/testing',
    imports: ['nn', 'quant', 'onnx', 'interval', 'smt-verify'],
    runtime: 'node',
  },
  cli: {
    dir: 'packages/cli',
    imports: [
      'env',
      'nn',
      'rl',
      'quant',
      'onnx',
      'interval',
      'smt-verify',
      'testing',
      'web-report',
    ],
    runtime: 'node',
  },
  'web-report': {
    dir: 'packages/web-report',
    imports: [],
    typeImports: ['env', 'nn', 'quant', 'interval'],
    runtime: 'browser',
  },
  viewer: { dir: 'apps/viewer', imports: ['web-report'], runtime: 'browser' },
  benchmarks: {
    dir: 'benchmarks',
    imports: ['env', 'nn', 'rl', 'quant', 'onnx', 'interval', 'smt-verify', 'testing'],
    runtime: 'node',
  },
};

/** Third-party modules that exactly one package may import. */
export const OWNED_MODULES = {
  'onnxruntime-node': ['onnx', 'benchmarks'],
  'onnxruntime-common': ['onnx'],
  protobufjs: ['onnx'],
  'z3-solver': ['smt-verify', 'benchmarks'],
  // The region verifier's queue runner (`@quantproof/smt-verify/queue`); benchmarks read Redis's counters.
  bullmq: ['smt-verify'],
  ioredis: ['smt-verify', 'benchmarks'],
};

/**
 * Public entry points besides a package's main one (`@quantproof/<package>/<subpath>`).
 * @type {Record<string, string[]>}
 */
const SUBPATHS = {
  testing: ['vitest'],
  'smt-verify': ['queue'],
  // The tiny networks and int8 formats the suites of several packages and the benchmarks share.
  'test-support': ['planted', 'tiny-nets', 'int8-formats'],
};

const LIBRARY_NAMES = Object.keys(PACKAGES).filter(
  (name) => !['viewer', 'benchmarks'].includes(name),
);

/** @param {string} name */
function packageSpec(name) {
  const spec = PACKAGES[name];
  if (spec === undefined) throw new Error(`unknown package ${name}`);
  return spec;
}

/** @param {string} name */
function forbiddenImports(name) {
  const spec = packageSpec(name);
  const paths = [];
  const patterns = [
    {
      // `@quantproof/testing/vitest` (it registers the matchers), `@quantproof/smt-verify/queue`
      // (the BullMQ runner, kept off the main entry) and `@quantproof/test-support/planted`,
      // `/tiny-nets` and `/int8-formats` are entry points too.
      group: [
        '@quantproof/*/*',
        '!@quantproof/*/package.json',
        ...Object.entries(SUBPATHS).flatMap(([p, subs]) =>
          subs.map((sub) => `!@quantproof/${p}/${sub}`),
        ),
      ],
      message: 'Import a workspace package through its public entry point, never its internals.',
    },
    {
      regex: '^(\\.\\./)+(packages|apps|benchmarks)/',
      message: 'Import a workspace package by its @quantproof name, not by a relative path.',
    },
  ];
  for (const other of LIBRARY_NAMES) {
    if (other === name || spec.imports.includes(other)) continue;
    const typeOnly = spec.typeImports?.includes(other) ?? false;
    for (const entry of ['', ...(SUBPATHS[other] ?? []).map((sub) => `/${sub}`)]) {
      paths.push({
        name: `@quantproof/${other}${entry}`,
        allowTypeImports: typeOnly,
        message: typeOnly
          ? `${name} may import @quantproof/${other} for types only (see ARCHITECTURE.md): use \`import type\`.`
          : `${name} may not import @quantproof/${other} (see ARCHITECTURE.md); allowed: ${spec.imports.join(', ') || 'none'}.`,
      });
    }
  }
  for (const [module, owners] of Object.entries(OWNED_MODULES)) {
    if (owners.includes(name)) continue;
    paths.push({
      name: module,
      message: `Only ${owners.filter((o) => o !== 'benchmarks').join(', ')} may import ${module} (see ARCHITECTURE.md).`,
    });
  }
  return { paths, patterns };
}

/** @param {string} name */
function runtimeRules(name) {
  const spec = packageSpec(name);
  if (spec.runtime === 'node') return {};
  const nodeModules = builtinModules.filter((m) => !m.startsWith('_'));
  /** @type {Record<string, unknown>} */
  const rules = {};
  const { paths, patterns } = forbiddenImports(name);
  rules['@typescript-eslint/no-restricted-imports'] = [
    'error',
    {
      paths: [
        ...paths,
        ...nodeModules.map((m) => ({
          name: m,
          message: `${name} runs outside Node: it may not import Node's ${m}.`,
        })),
      ],
      patterns: [
        ...patterns,
        {
          group: ['node:*'],
          message: `${name} runs outside Node: it may not import node:* modules.`,
        },
      ],
    },
  ];
  if (spec.runtime === 'pure') {
    rules['no-restricted-properties'] = [
      'error',
      {
        object: 'Math',
        property: 'random',
        message: 'Pure packages take randomness from an injected, seeded generator.',
      },
    ];
    rules['no-restricted-globals'] = [
      'error',
      { name: 'Date', message: 'Pure packages take time from an injected clock.' },
      { name: 'performance', message: 'Pure packages take time from an injected clock.' },
      { name: 'process', message: 'Pure packages do not read the process environment.' },
      { name: 'window', message: 'Pure packages do not touch the DOM.' },
      { name: 'document', message: 'Pure packages do not touch the DOM.' },
    ];
  }
  return rules;
}

/** ESLint flat-config entries: import boundaries for every package, runtime purity for src/. */
export function boundaryConfigs() {
  const configs = [];
  for (const name of Object.keys(PACKAGES)) {
    const { dir } = packageSpec(name);
    const { paths, patterns } = forbiddenImports(name);
    configs.push({
      files: [`${dir}/**/*.ts`, `${dir}/**/*.tsx`],
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
    });
    const rules = runtimeRules(name);
    if (Object.keys(rules).length > 0) {
      configs.push({ files: [`${dir}/src/**/*.ts`, `${dir}/src/**/*.tsx`], rules });
    }
  }
  return configs;
}
