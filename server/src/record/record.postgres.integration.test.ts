import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSodium } from '../crypto/sodium.ts';
import { Keyring } from '../crypto/Keyring.ts';
import { CaseService } from '../domain/CaseService.ts';
import { MediatorAuth } from '../domain/MediatorAuth.ts';
import { EventBus } from '../events/EventBus.ts';
import { createLogger } from '../logger.ts';
import { Store } from '../store/Store.ts';
import { startPostgres, type RunningPostgres } from '../test/postgres.ts';
import { verifyRecord } from './chain.ts';
import { SessionRecord } from './SessionRecord.ts';

/**
 * Two nodes of one platform on one Postgres (issue 14) append to the same case's record at the
 * same time: each node keeps its own entries in order, and the chain stays whole (an append waits
 * for the other node's to the same case).
 */
let postgres: RunningPostgres;
const stores: Store[] = [];
beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const s of stores) await s.close();
  await postgres?.stop();
});

async function node(master: Uint8Array, signing: { publicKey: string; sealedSecretKey: string } | undefined) {
  const sodium = await getSodium();
  const store = await Store.open({ dbPath: ':memory:', databaseUrl: postgres.url });
  stores.push(store);
  let made: { publicKey: string; sealedSecretKey: string } | undefined;
  const keys = Keyring.create(sodium, master, signing, (k) => (made = k));
  if (made) await store.putServerKey('signing', made);
  const logger = createLogger('silent');
  const bus = new EventBus(logger);
  const cases = new CaseService(store, keys, { inviteTtlMs: 3600_000, baseUrl: () => 'http://x', bus });
  return { store, keys, cases, auth: new MediatorAuth(store, keys, bus), record: new SessionRecord(store, cases, keys, logger), signing: made ?? signing! };
}

describe('the session record on Postgres, written by two nodes', () => {
  it('keeps every entry of both, each node’s in its order, in one valid chain', async () => {
    const sodium = await getSodium();
    const master = sodium.crypto_secretbox_keygen();
    const a = await node(master, undefined);
    const b = await node(master, a.signing);
    const { mediatorId } = await a.auth.bootstrap('Maria Mediator');
    const detail = await a.cases.createCase(mediatorId, { title: 'Fence dispute', participants: [{ displayName: 'Ana Party', role: 'party', side: 'A' }] });
    const appends = [];
    for (let i = 0; i < 6; i++) {
      for (const [name, n] of [['a', a], ['b', b]] as const) appends.push(n.record.append(detail.id, 'session.paused', null, { missing: [`${name}${i}`], reason: 'test' }));
    }
    await Promise.all(appends);
    const entries = await a.record.entries(detail.id);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const from = (name: string) => entries.map((e) => (e.data as { missing: string[] }).missing[0]!).filter((m) => m.startsWith(name));
    expect(from('a')).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    expect(from('b')).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
    expect(await verifyRecord(await b.record.export(detail.id), a.signing.publicKey)).toEqual({ valid: true, entries: 12, problems: [] });
  });
});
