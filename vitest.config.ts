import { defineConfig } from 'vitest/config';

// `pnpm vitest` at the root runs every workspace project at once; CI goes through turbo instead.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'benchmarks', 'tooling'],
  },
});
