import { defineConfig } from 'vitest/config';

// npm run test:prod: the production-topology tests (PostgreSQL, the full Temporal server, worker
// processes per queue). They bring up their own stack, so no dev server is shared with them.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/prod/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
