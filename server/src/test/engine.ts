import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from '../store/Store.ts';

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

/**
 * Everything the database keeps, as bytes, for "no plaintext at rest" checks. SQLite: the file
 * and its WAL after a checkpoint (what lies on disk). Postgres: every row of every table, each
 * value as text and binary values as their bytes (what the server stores; its own files are not
 * ours to read).
 */
export async function storedBytes(store: Store): Promise<Buffer> {
  if (store.engine === 'sqlite') {
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return Buffer.concat([store.path, `${store.path}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  }
  const parts: Buffer[] = [];
  for (const t of await store.kysely.introspection.getTables()) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t.name)}`.execute(store.kysely);
    for (const row of rows.rows) {
      for (const v of Object.values(row)) parts.push(v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(String(v), 'utf8'));
    }
  }
  return Buffer.concat(parts);
}
