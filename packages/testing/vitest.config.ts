import { defineProject } from 'vitest/config';
import { sharedProjectConfig } from '../../vitest.shared.ts';

// The README's examples live in examples/ and run as tests here (test/readme.test.ts checks that
// the README shows them verbatim).
export default defineProject({
  ...sharedProjectConfig,
  test: {
    ...sharedProjectConfig.test,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
  },
});
