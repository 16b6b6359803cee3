import type { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import pg from 'pg';
import { statement } from './statements.ts';
import { PG_BASELINE } from './pgBaseline.ts';
import type { DB } from './schema.ts';

/**
 * The typed query layer over either SQL engine (issue 14; docs/scaling.md): Postgres when
 * `DATABASE_URL` names one, otherwise the embedded SQLite file `npm start` uses. Queries are
 * written once with Kysely and compiled for the engine in use.
 */
export type Engine = 'sqlite' | 'postgres';

export interface Database {
  engine: Engine;
  db: Kysely<DB>;
  /** Closes the pool (Postgres); the SQLite connection belongs to the Store that opened it. */
  close(): Promise<void>;
}

/**
 * Node's own `node:sqlite` in the shape Kysely's SQLite driver expects (that of better-sqlite3),
 * so no native addon is built for it. Statements are compiled once per SQL text (statements.ts);
 * whether one returns rows is read from its result columns (an INSERT … RETURNING does).
 */
export function nodeSqlite(db: DatabaseSync): SqliteDatabase {
  return {
    // The Store that opened the connection closes it.
    close: () => undefined,
    prepare(text: string) {
      const s = statement(db, text);
      const params = (p: ReadonlyArray<unknown>) => p as Array<null | number | bigint | string | NodeJS.ArrayBufferView>;
      return {
        reader: s.columns().length > 0,
        all: (p: ReadonlyArray<unknown>) => s.all(...params(p)),
        run: (p: ReadonlyArray<unknown>) => s.run(...params(p)),
        iterate: (p: ReadonlyArray<unknown>) => s.iterate(...params(p)) as IterableIterator<unknown>,
      };
    },
  };
}

/** The Kysely layer over an open SQLite connection (the Store's). */
export function sqliteDatabase(conn: DatabaseSync): Database {
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: nodeSqlite(conn) }) });
  return { engine: 'sqlite', db, close: () => db.destroy() };
}

/** The Kysely layer over a Postgres server, with a small pool (a node's requests are short). */
export function postgresDatabase(url: string, opts: { max?: number } = {}): Database {
  // Counts and sums come back as bigint, which pg gives as text: numbers here are far below 2^53.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { engine: 'postgres', db, close: () => db.destroy() };
}

/**
 * The schema changes after SQLite's fourteen (migrations.ts), for both engines. The first brings
 * Postgres to the point SQLite stands at; on SQLite it finds that done. Later ones are written
 * with Kysely's schema builder, once for both.
 */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0014-baseline': {
      async up(db) {
        if (engine === 'postgres') await sql.raw(PG_BASELINE).execute(db);
      },
    },
  };
}

/** Brings the database to the newest schema; safe to run on every start and by several nodes at once (Kysely's migration lock). */
export async function migrate(d: Database): Promise<void> {
  const migrator = new Migrator({ db: d.db, provider: { getMigrations: async () => migrations(d.engine) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`The database could not be migrated${failed ? ` (${failed})` : ''}.`, { cause: error });
  }
}
