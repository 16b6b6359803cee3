import type { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, sql, SqliteDialect, type ColumnDefinitionBuilder, type SqliteDatabase } from 'kysely';
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
      const { statement: s, reader } = statement(db, text);
      const params = (p: ReadonlyArray<unknown>) => p as Array<null | number | bigint | string | NodeJS.ArrayBufferView>;
      return {
        reader,
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
    '0015-row-order': {
      async up(db) {
        for (const table of ROW_ORDERED) for (const statement of rowOrder(engine, table)) await sql.raw(statement).execute(db);
      },
    },
    // A live session's state, kept so that a restarted node rebuilds it (live/LiveStates.ts).
    '0016-live-state': {
      async up(db) {
        await db.schema
          .createTable('live_states')
          .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
          .addColumn('state_sealed', 'text', (c) => c.notNull())
          .addColumn('saved_at', 'text', (c) => c.notNull())
          .addColumn('alive_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // The end of a case (lifecycle/CaseLifecycle.ts): its state, how it concluded, until when the
    // parties read it. The reason is the mediator's words, sealed with the case key.
    '0017-case-lifecycle': {
      async up(db) {
        const columns: Array<[string, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder]> = [
          ['state', (c) => c.notNull().defaultTo('open')],
          ['concluded_at', (c) => c],
          ['outcome', (c) => c],
          ['reason_sealed', (c) => c],
          ['party_access_until', (c) => c],
          ['archived_at', (c) => c],
        ];
        for (const [name, build] of columns) await db.schema.alterTable('cases').addColumn(name, 'text', build).execute();
      },
    },
  };
}

/**
 * Tables whose rows are listed in the order they were written, where the time alone cannot tell
 * (people added with a case share its creation time; links issued in the same second). SQLite
 * used its hidden `rowid` for that, which Postgres does not have.
 */
export const ROW_ORDERED = [
  'mediators',
  'mediator_invitations',
  'cases',
  'participants',
  'invitations',
  'threads',
  'thread_members',
  'agreement_template_versions',
  'consent_answers',
  'assessment_notes',
] as const;

/**
 * `row_order`: a number that grows with every row written. Postgres numbers new rows itself (an
 * identity column). SQLite cannot add such a column to a table that exists, so existing rows take
 * their rowid and a trigger gives each new row its own.
 */
function rowOrder(engine: Engine, table: (typeof ROW_ORDERED)[number]): string[] {
  if (engine === 'postgres') return [`ALTER TABLE ${table} ADD COLUMN row_order bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL`];
  return [
    `ALTER TABLE ${table} ADD COLUMN row_order INTEGER`,
    `UPDATE ${table} SET row_order = rowid`,
    `CREATE TRIGGER ${table}_row_order AFTER INSERT ON ${table} WHEN NEW.row_order IS NULL BEGIN UPDATE ${table} SET row_order = NEW.rowid WHERE rowid = NEW.rowid; END`,
  ];
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

/**
 * Locks one row for the rest of the transaction `trx`, so that two read-then-write changes of the
 * same case (or of one mediator's templates) run one after the other, on several nodes too. One
 * statement both engines understand: an UPDATE that changes nothing. Postgres keeps the row locked
 * until the transaction ends (what `SELECT … FOR UPDATE` would do, which SQLite does not have);
 * SQLite takes its database write lock at once (and its one connection runs one transaction at a
 * time anyway). Call it first in the transaction, before the reads it protects.
 */
export async function lockRow(trx: Kysely<DB>, table: 'cases' | 'mediators', id: string): Promise<void> {
  if (!trx.isTransaction) throw new Error('lockRow outside a transaction locks nothing.');
  if (table === 'cases') await trx.updateTable('cases').set((eb) => ({ created_at: eb.ref('created_at') })).where('id', '=', id).execute();
  else await trx.updateTable('mediators').set((eb) => ({ created_at: eb.ref('created_at') })).where('id', '=', id).execute();
}

/**
 * Holds a lock named `name` (and `key`) until the transaction `trx` ends, for a change that is
 * not about one row: the platform's administrators, the session record's next entry. On Postgres a
 * transaction-scoped advisory lock, so two nodes' transactions run one after the other; SQLite's
 * one connection runs one transaction at a time already.
 */
export async function lockNamed(trx: Kysely<DB>, engine: Engine, name: string, key = ''): Promise<void> {
  if (!trx.isTransaction) throw new Error('lockNamed outside a transaction locks nothing.');
  if (engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${name}), hashtext(${key}))`.execute(trx);
}

