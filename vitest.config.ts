import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal core bridge is a native addon: keep tests in forked processes, not threads.
    pool: 'forks',
    // Test files share one Temporal server and the same task-queue names: run them one at a time.
    fileParallelism: false,
    include: ['test/**/*.test.ts'],
    // The production-topology tests run apart: npm run test:prod (vitest.prod.config.ts).
    exclude: ['test/prod/**', 'node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
