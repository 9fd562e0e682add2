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
    // Generous: CI runs every package's suite at once on 2 cores, so a 3 s training can take 60 s.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
};
