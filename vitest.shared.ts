import type { UserWorkspaceConfig } from 'vitest/config';

// Tests run on TypeScript source: the `@quantproof/source` export condition points every
// workspace package at its src/index.ts, so no build is needed before `vitest run`.
const conditions = ['@quantproof/source', 'module', 'node', 'import', 'default'];

/** Vitest settings shared by every workspace project. */
export const sharedProjectConfig: UserWorkspaceConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@quantproof/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: [new URL('./vitest.setup.ts', import.meta.url).pathname],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
};
