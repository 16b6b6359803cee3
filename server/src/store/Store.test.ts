import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { Store } from './Store.ts';
import { MIGRATIONS } from './migrations.ts';
import { getSodium } from '../crypto/sodium.ts';
import { Keyring } from '../crypto/Keyring.ts';
import { CaseService } from '../domain/CaseService.ts';
import { MediatorAuth } from '../domain/MediatorAuth.ts';
import { EventBus } from '../events/EventBus.ts';
import { createLogger } from '../logger.ts';

/** The last of the SQLite migrations from before the typed layer that ran on the file. */
const schemaVersion = (s: Store) => (s.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
/** The typed layer's migrations recorded as run on the file, and when they ran. */
const typedMigrations = (s: Store) => s.db.prepare('SELECT name, timestamp FROM kysely_migration ORDER BY name').all();

describe('Store', () => {
  it('migrates a new file to the latest schema and reopens it without re-running migrations', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-')), 'db.sqlite');
    const a = await Store.open({ dbPath: file });
    expect(schemaVersion(a)).toBe(MIGRATIONS.length);
    const applied = typedMigrations(a);
    expect(applied.length).toBeGreaterThan(0);
    await a.insertMediator({ id: 'mediator_1234', display_name: 'M', created_at: new Date().toISOString() });
    await a.close();
    const b = await Store.open({ dbPath: file });
    expect(schemaVersion(b)).toBe(MIGRATIONS.length);
    expect(typedMigrations(b)).toEqual(applied);
    expect((await b.getMediator('mediator_1234'))?.display_name).toBe('M');
    await b.close();
  });

  it('migration 12 makes the oldest existing account the administrator, and only that one', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-')), 'db.sqlite');
    const old = new DatabaseSync(file);
    for (const m of MIGRATIONS.slice(0, 12)) old.exec(m);
    old.exec('PRAGMA user_version = 12');
    const ins = old.prepare('INSERT INTO mediators (id, display_name, created_at) VALUES (?, ?, ?)');
    ins.run('mediator_newer', 'Newer', '2026-02-01T00:00:00.000Z');
    ins.run('mediator_older', 'Older', '2026-01-01T00:00:00.000Z');
    old.close();
    const s = await Store.open({ dbPath: file });
    expect((await s.getMediator('mediator_older'))?.is_admin).toBe(1);
    expect((await s.getMediator('mediator_newer'))?.is_admin).toBe(0);
    expect((await s.firstAdmin())?.id).toBe('mediator_older');
    await s.close();
  });

  it('migration 13 makes each existing case’s mediator row its lead’s: the case stays in their list and no one else’s', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-')), 'db.sqlite');
    const old = new DatabaseSync(file);
    for (const m of MIGRATIONS.slice(0, 13)) old.exec(m);
    old.exec('PRAGMA user_version = 13');
    const at = '2026-01-01T00:00:00.000Z';
    old.prepare('INSERT INTO mediators (id, display_name, created_at) VALUES (?, ?, ?)').run('mediator_lead', 'Lead', at);
    old.prepare('INSERT INTO mediators (id, display_name, created_at) VALUES (?, ?, ?)').run('mediator_other', 'Other', at);
    old.prepare("INSERT INTO cases (id, mediator_id, wrapped_key, title_sealed, agreement_json, clause_set_hash, created_at) VALUES ('case_0001', 'mediator_lead', 'k', 't', '{}', 'h', ?)").run(at);
    const person = old.prepare("INSERT INTO participants (id, case_id, display_name_sealed, role, side, created_at) VALUES (?, 'case_0001', 'n', ?, ?, ?)");
    person.run('person_med', 'mediator', null, at);
    person.run('person_ana', 'party', 'A', at);
    old.close();
    const s = await Store.open({ dbPath: file });
    expect((await s.casesOf('mediator_lead')).map((c) => c.id)).toEqual(['case_0001']);
    expect(await s.casesOf('mediator_other')).toEqual([]);
    expect((await s.mediatorParticipant('case_0001', 'mediator_lead'))?.id).toBe('person_med');
    expect((await s.getParticipant('person_ana'))?.mediator_id).toBeNull();
    await s.close();
  });

  it('a file an older version migrated gets row_order, its rows keeping the order they were written in, and new rows come after them', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-')), 'db.sqlite');
    const old = new DatabaseSync(file);
    for (const m of MIGRATIONS) old.exec(m);
    old.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    const at = '2026-01-01T00:00:00.000Z';
    old.prepare('INSERT INTO mediators (id, display_name, created_at) VALUES (?, ?, ?)').run('mediator_lead', 'Lead', at);
    old.prepare("INSERT INTO cases (id, mediator_id, wrapped_key, title_sealed, agreement_json, clause_set_hash, created_at) VALUES ('case_0001', 'mediator_lead', 'k', 't', '{}', 'h', ?)").run(at);
    // Written in this order, with the same time; their ids sort the other way round.
    const person = old.prepare("INSERT INTO participants (id, case_id, display_name_sealed, role, side, created_at) VALUES (?, 'case_0001', 'n', 'party', ?, ?)");
    person.run('person_zoe', 'A', at);
    person.run('person_bea', 'B', at);
    old.close();
    const s = await Store.open({ dbPath: file });
    const columns = (s.db.prepare('SELECT name FROM pragma_table_info(?)').all('participants') as Array<{ name: string }>).map((c) => c.name);
    expect(columns).toContain('row_order');
    expect((await s.participantsOf('case_0001')).map((p) => p.id)).toEqual(['person_zoe', 'person_bea']);
    await s.insertParticipant({ id: 'person_abe', case_id: 'case_0001', display_name_sealed: 'n', role: 'party', side: 'C', created_at: at, removed_at: null });
    expect((await s.participantsOf('case_0001')).map((p) => p.id)).toEqual(['person_zoe', 'person_bea', 'person_abe']);
    await s.close();
  });

  it('a one-time sign-in token works once, and printing a new one kills the old', async () => {
    const s = await Store.open({ dbPath: ':memory:' });
    await s.insertMediator({ id: 'mediator_1234', display_name: 'M', created_at: new Date().toISOString() });
    const exp = new Date(Date.now() + 60_000).toISOString();
    await s.replaceSigninToken('mediator_1234', 'h1', exp);
    await s.replaceSigninToken('mediator_1234', 'h2', exp);
    expect(await s.consumeSigninToken('h1')).toBeUndefined();
    expect(await s.consumeSigninToken('h2')).toBe('mediator_1234');
    expect(await s.consumeSigninToken('h2')).toBeUndefined();
    await s.close();
  });

  it('keeps case titles and participant names out of the database file in plaintext', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
    const file = path.join(dir, 'db.sqlite');
    const sodium = await getSodium();
    const store = await Store.open({ dbPath: file });
    let made: { publicKey: string; sealedSecretKey: string } | undefined;
    const keys = Keyring.create(sodium, sodium.crypto_secretbox_keygen(), undefined, (k) => (made = k));
    await store.putServerKey('signing', made!);
    const bus = new EventBus(createLogger('silent'));
    const auth = new MediatorAuth(store, keys, bus);
    const { mediatorId } = await auth.bootstrap('Mediator');
    const cases = new CaseService(store, keys, { inviteTtlMs: 3600_000, baseUrl: () => 'http://x', bus });
    const d = await cases.createCase(mediatorId, {
      title: 'Zebracorn inheritance quarrel',
      participants: [{ displayName: 'Quixotic Quentin', role: 'party', side: 'A' }],
    });
    expect((await cases.caseDetail(mediatorId, d.id)).title).toBe('Zebracorn inheritance quarrel');
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    await store.close();
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    expect(bytes.includes(Buffer.from('Zebracorn'))).toBe(false);
    expect(bytes.includes(Buffer.from('Quixotic'))).toBe(false);
  });
});
