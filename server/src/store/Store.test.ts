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

describe('Store', () => {
  it('migrates a new file to the latest schema and reopens it without re-running migrations', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-')), 'db.sqlite');
    const a = new Store(file);
    expect(a.schemaVersion).toBe(MIGRATIONS.length);
    a.insertMediator({ id: 'mediator_1234', display_name: 'M', created_at: new Date().toISOString() });
    a.close();
    const b = new Store(file);
    expect(b.getMediator('mediator_1234')?.display_name).toBe('M');
    b.close();
  });

  it('migration 12 makes the oldest existing account the administrator, and only that one', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-')), 'db.sqlite');
    const old = new DatabaseSync(file);
    for (const m of MIGRATIONS.slice(0, 12)) old.exec(m);
    old.exec('PRAGMA user_version = 12');
    const ins = old.prepare('INSERT INTO mediators (id, display_name, created_at) VALUES (?, ?, ?)');
    ins.run('mediator_newer', 'Newer', '2026-02-01T00:00:00.000Z');
    ins.run('mediator_older', 'Older', '2026-01-01T00:00:00.000Z');
    old.close();
    const s = new Store(file);
    expect(s.getMediator('mediator_older')?.is_admin).toBe(1);
    expect(s.getMediator('mediator_newer')?.is_admin).toBe(0);
    expect(s.firstAdmin()?.id).toBe('mediator_older');
    s.close();
  });

  it('migration 13 makes each existing case’s mediator row its lead’s: the case stays in their list and no one else’s', () => {
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
    const s = new Store(file);
    expect(s.casesOf('mediator_lead').map((c) => c.id)).toEqual(['case_0001']);
    expect(s.casesOf('mediator_other')).toEqual([]);
    expect(s.mediatorParticipant('case_0001', 'mediator_lead')?.id).toBe('person_med');
    expect(s.getParticipant('person_ana')?.mediator_id).toBeNull();
    s.close();
  });

  it('a one-time sign-in token works once, and printing a new one kills the old', () => {
    const s = new Store(':memory:');
    s.insertMediator({ id: 'mediator_1234', display_name: 'M', created_at: new Date().toISOString() });
    const exp = new Date(Date.now() + 60_000).toISOString();
    s.replaceSigninToken('mediator_1234', 'h1', exp);
    s.replaceSigninToken('mediator_1234', 'h2', exp);
    expect(s.consumeSigninToken('h1')).toBeUndefined();
    expect(s.consumeSigninToken('h2')).toBe('mediator_1234');
    expect(s.consumeSigninToken('h2')).toBeUndefined();
    s.close();
  });

  it('a synchronous transaction that starts while a typed-layer transaction is open joins it instead of failing', async () => {
    const s = new Store(':memory:');
    const at = new Date().toISOString();
    let inner: unknown;
    await s.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('mediators').values({ id: 'mediator_outer', display_name: 'Outer', created_at: at }).execute();
      // What another request's synchronous code does between two awaits of this transaction.
      inner = s.tx(() => {
        s.insertMediator({ id: 'mediator_inner', display_name: 'Inner', created_at: at });
        return 'done';
      });
      expect(() => s.tx(() => { s.insertMediator({ id: 'mediator_failed', display_name: 'Failed', created_at: at }); throw new Error('no'); })).toThrow('no');
    });
    expect(inner).toBe('done');
    expect(s.getMediator('mediator_outer')).toBeDefined();
    expect(s.getMediator('mediator_inner')).toBeDefined();
    // The failed one rolled back by itself; the transaction around it still committed.
    expect(s.getMediator('mediator_failed')).toBeUndefined();
    s.close();
  });

  it('keeps case titles and participant names out of the database file in plaintext', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
    const file = path.join(dir, 'db.sqlite');
    const sodium = await getSodium();
    const store = new Store(file);
    const keys = Keyring.create(sodium, sodium.crypto_secretbox_keygen(), undefined, (k) => store.putServerKey('signing', k));
    const bus = new EventBus(createLogger('silent'));
    const auth = new MediatorAuth(store, keys, bus);
    const { mediatorId } = auth.bootstrap('Mediator');
    const cases = new CaseService(store, keys, { inviteTtlMs: 3600_000, baseUrl: () => 'http://x', bus });
    const d = cases.createCase(mediatorId, {
      title: 'Zebracorn inheritance quarrel',
      participants: [{ displayName: 'Quixotic Quentin', role: 'party', side: 'A' }],
    });
    expect(cases.caseDetail(mediatorId, d.id).title).toBe('Zebracorn inheritance quarrel');
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    store.close();
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    expect(bytes.includes(Buffer.from('Zebracorn'))).toBe(false);
    expect(bytes.includes(Buffer.from('Quixotic'))).toBe(false);
  });
});
