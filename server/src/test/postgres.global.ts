import { startPostgres, type RunningPostgres } from './postgres.ts';

/**
 * Vitest global setup: with PARLEY_TEST_ENGINE=postgres, one real Postgres for the whole run
 * (test files each make their own databases on it: engine.ts). Set before the test workers start,
 * so they inherit its address.
 */
let running: RunningPostgres | undefined;

export async function setup(): Promise<void> {
  if (process.env.PARLEY_TEST_ENGINE !== 'postgres') return;
  running = await startPostgres();
  process.env.PARLEY_TEST_POSTGRES_URL = running.url;
}

export async function teardown(): Promise<void> {
  await running?.stop();
}
