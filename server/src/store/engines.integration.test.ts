import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { Store } from './Store.ts';
import { migrate, postgresDatabase, ROW_ORDERED, sqliteDatabase, type Database, type Engine } from './database.ts';
import type { DB } from './schema.ts';
import { startPostgres, type RunningPostgres } from '../test/postgres.ts';

/**
 * One store, two engines (issue 14): the same typed queries against the embedded SQLite file and
 * a real Postgres started for this file, and a Postgres schema that matches SQLite's column by
 * column (the fourteen SQLite migrations and the Postgres baseline are separate texts).
 */
let postgres: RunningPostgres;
let store: Store;
const engines: Record<Engine, Database> = {} as never;

beforeAll(async () => {
  postgres = await startPostgres();
  engines.postgres = postgresDatabase(postgres.url);
  store = await Store.open({ dbPath: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-engines-')), 'db.sqlite') });
  engines.sqlite = sqliteDatabase(store.db);
  for (const d of Object.values(engines)) await migrate(d);
}, 120_000);
afterAll(async () => {
  for (const d of Object.values(engines)) await d.close();
  await store?.close();
  await postgres?.stop();
});

/**
 * `row_order` differs by design: SQLite cannot add an identity column to a table that exists, so
 * there it is a nullable INTEGER a trigger fills; Postgres has a bigint identity. Each engine's own
 * form counts as the one description "row_order ordered"; any other form stays as it is (and differs).
 */
const ROW_ORDER: Record<Engine, string> = { sqlite: 'row_order integer null -', postgres: 'row_order int8 not-null default' };

/**
 * Each table's columns as "name type null/not-null default/-", with the engines' type names made
 * alike. SQLite lets a TEXT primary key hold NULL (an old quirk kept for compatibility) and says
 * so; Postgres never does. Parley never writes one, so a key column counts as not null on both.
 */
async function schemaOf(engine: Engine, primaryKey: (table: string, column: string) => boolean = () => false): Promise<Record<string, string[]>> {
  const db: Kysely<DB> = engines[engine].db;
  const alike: Record<string, string> = { text: 'text', integer: 'integer', int4: 'integer', blob: 'bytes', bytea: 'bytes' };
  const tables = await db.introspection.getTables();
  return Object.fromEntries(
    tables
      .filter((t) => !t.name.startsWith('kysely_') && t.name !== 'sqlite_sequence')
      .map((t) => [
        t.name,
        t.columns
          .map((c) => `${c.name} ${alike[c.dataType.toLowerCase()] ?? c.dataType} ${c.isNullable && !primaryKey(t.name, c.name) ? 'null' : 'not-null'} ${c.hasDefaultValue || c.isAutoIncrementing ? 'default' : '-'}`)
          .map((d) => (d === ROW_ORDER[engine] ? 'row_order ordered' : d))
          .sort(),
      ])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

const sqliteKey = (table: string, column: string) =>
  (store.db.prepare('SELECT pk FROM pragma_table_info(?) WHERE name = ?').get(table, column) as { pk: number } | undefined)?.pk !== 0;

describe('the Postgres schema', () => {
  it('has every table and column SQLite has, with the same types, nullability and defaults', async () => {
    const [lite, pg] = [await schemaOf('sqlite', sqliteKey), await schemaOf('postgres')];
    expect(Object.keys(lite).length).toBeGreaterThanOrEqual(25);
    expect(pg).toEqual(lite);
    // The normalised row_order is on the tables listed in order, and only there.
    const ordered = (schema: Record<string, string[]>) => Object.keys(schema).filter((t) => schema[t]!.includes('row_order ordered')).sort();
    expect(ordered(lite)).toEqual([...ROW_ORDERED].sort());
    expect(ordered(pg)).toEqual([...ROW_ORDERED].sort());
  });

  it('migrating again changes nothing (every node runs it at start)', async () => {
    await migrate(engines.postgres);
    await migrate(engines.sqlite);
    expect(await schemaOf('postgres')).toEqual(await schemaOf('sqlite', sqliteKey));
  });
});

describe.each(['sqlite', 'postgres'] as const)('typed queries on %s', (engine) => {
  const db = () => engines[engine].db;
  const at = '2026-12-07T10:00:00.000Z';
  const id = (what: string) => `${what}-${engine}-${Math.random().toString(36).slice(2, 10)}`;

  async function aCase(): Promise<{ caseId: string; mediatorId: string; personId: string }> {
    const mediatorId = id('mediator');
    const caseId = id('case');
    const personId = id('person');
    await db().insertInto('mediators').values({ id: mediatorId, display_name: 'Maria', created_at: at, deactivated_at: null, email_sealed: null, email_hash: null }).execute();
    await db()
      .insertInto('cases')
      .values({ id: caseId, mediator_id: mediatorId, wrapped_key: 'k', title_sealed: 'sealed-title', agreement_json: '{}', clause_set_hash: 'h', created_at: at, breakdown_json: null, waiting_room: 1, template_version_id: null })
      .execute();
    await db()
      .insertInto('participants')
      .values({ id: personId, case_id: caseId, display_name_sealed: 'sealed-name', role: 'party', side: 'A', created_at: at, removed_at: null, mediator_id: null })
      .execute();
    return { caseId, mediatorId, personId };
  }

  it('reads back what it wrote, defaults filled in', async () => {
    const { mediatorId, caseId } = await aCase();
    expect(await db().selectFrom('mediators').select(['display_name', 'is_admin', 'organisation']).where('id', '=', mediatorId).executeTakeFirstOrThrow()).toEqual({
      display_name: 'Maria',
      is_admin: 0,
      organisation: '',
    });
    expect(await db().selectFrom('cases').select(['waiting_room', 'breakdown_json']).where('id', '=', caseId).executeTakeFirstOrThrow()).toEqual({ waiting_room: 1, breakdown_json: null });
  });

  it('keeps sealed bytes as bytes', async () => {
    const { caseId } = await aCase();
    const sealed = Uint8Array.from([0, 1, 2, 250, 255]);
    await db().insertInto('draft_records').values({ case_id: caseId, doc_name: `doc-${caseId}`, kind: 'update', sealed, created_at: at }).execute();
    const row = await db().selectFrom('draft_records').select('sealed').where('doc_name', '=', `doc-${caseId}`).executeTakeFirstOrThrow();
    expect([...row.sealed]).toEqual([...sealed]);
  });

  it('numbers messages in order and returns the number of each (RETURNING)', async () => {
    const { caseId, personId } = await aCase();
    const threadId = id('thread');
    await db().insertInto('threads').values({ id: threadId, case_id: caseId, kind: 'joint', key: 'joint', title_sealed: null, created_at: at }).execute();
    const send = (n: number) =>
      db()
        .insertInto('messages')
        .values({ id: id('message'), thread_id: threadId, author_id: personId, client_id: `c${n}`, body_sealed: 's', created_at: at, edited_at: null, deleted_at: null })
        .returning('seq')
        .executeTakeFirstOrThrow();
    const [a, b] = [await send(1), await send(2)];
    expect(typeof a.seq).toBe('number');
    expect(b.seq).toBeGreaterThan(a.seq);
  });

  it('an insert that conflicts does nothing, and says so', async () => {
    const { caseId, personId } = await aCase();
    const threadId = id('thread');
    await db().insertInto('threads').values({ id: threadId, case_id: caseId, kind: 'private', key: personId, title_sealed: null, created_at: at }).execute();
    const add = () =>
      db()
        .insertInto('thread_members')
        .values({ thread_id: threadId, participant_id: personId, added_at: at })
        .onConflict((oc) => oc.columns(['thread_id', 'participant_id']).doNothing())
        .executeTakeFirst();
    expect(Number((await add()).numInsertedOrUpdatedRows)).toBe(1);
    expect(Number((await add()).numInsertedOrUpdatedRows)).toBe(0);
    const { n } = await db().selectFrom('thread_members').select((eb) => eb.fn.countAll<number>().as('n')).where('thread_id', '=', threadId).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1);
  });

  it('rows written with the same created_at come back in the order they were written, by row_order', async () => {
    const { caseId, personId } = await aCase();
    // Written after the case's first person, at the same time, their ids sorting the other way round.
    const later = [id('person-c'), id('person-b'), id('person-a')];
    for (const [i, p] of later.entries()) {
      await db()
        .insertInto('participants')
        .values({ id: p, case_id: caseId, display_name_sealed: 'sealed-name', role: 'party', side: `S${i}`, created_at: at, removed_at: null, mediator_id: null })
        .execute();
    }
    const rows = await db().selectFrom('participants').select(['id', 'row_order']).where('case_id', '=', caseId).orderBy('created_at').orderBy('row_order').execute();
    expect(rows.map((r) => r.id)).toEqual([personId, ...later]);
    expect(rows.every((r) => typeof r.row_order === 'number')).toBe(true);
  });

  it('a transaction that fails leaves nothing behind', async () => {
    const { caseId, personId } = await aCase();
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('consents').values({ participant_id: personId, case_id: caseId, clause_set_hash: 'h', accepted_clause_ids: '[]', at, withdrawn_at: null }).execute();
          throw new Error('changed my mind');
        }),
    ).rejects.toThrow('changed my mind');
    expect(await db().selectFrom('consents').selectAll().where('participant_id', '=', personId).execute()).toEqual([]);
  });
});
