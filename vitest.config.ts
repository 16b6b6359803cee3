import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['scripts/**/*.test.ts', 'docker/**/*.test.ts', 'shared/src/**/*.test.ts', 'sfu/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts'],
    pool: 'forks',
    // PARLEY_TEST_ENGINE=postgres: one real Postgres for the run (server/src/test/engine.ts).
    globalSetup: ['server/src/test/postgres.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
