import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Which database engine the tests run on (issue 14: the store tests run against both). By default
 * the embedded SQLite file; with PARLEY_TEST_ENGINE=postgres (`npm test` runs the server tests a
 * second time so) every test server and service fixture gets a database of its own on one real
 * Postgres that the vitest global setup started (postgres.global.ts).
 */
export const onPostgres = process.env.PARLEY_TEST_ENGINE === 'postgres';

/**
 * A Postgres database for one test platform, named after its data folder: a server restarted on
 * the same folder finds the same database again, as it finds the same SQLite file. Undefined on
 * SQLite.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  if (!onPostgres) return undefined;
  const admin = process.env.PARLEY_TEST_POSTGRES_URL;
  if (!admin) throw new Error('PARLEY_TEST_ENGINE=postgres needs the vitest global setup (server/src/test/postgres.global.ts).');
  const name = `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    // 42P04: it exists (the same folder again).
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
