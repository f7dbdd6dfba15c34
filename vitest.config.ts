import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The secrets scan reads what every spawned command printed; see test/helpers/cli.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
