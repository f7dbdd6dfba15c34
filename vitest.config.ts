import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The secrets scan reads what every spawned command printed; see test/helpers/cli.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
    // ...and the journals, result CSVs and bill outputs tests write under the temp folder (issue 9).
    setupFiles: ['test/helpers/scan-written-files.ts'],
  },
});
