import type { DatabaseSync } from 'node:sqlite';
import { Writable } from 'node:stream';
import * as Y from 'yjs';
import { draftDocName, parseDraftDocName, type DraftDocRef } from '@parley/shared';
import { getSodium } from '../crypto/sodium.ts';
import { Keyring } from '../crypto/Keyring.ts';
import { CaseService } from '../domain/CaseService.ts';
import { MediatorAuth } from '../domain/MediatorAuth.ts';
import { EventBus } from '../events/EventBus.ts';
import { createLogger, type Logger } from '../logger.ts';
import { Store } from '../store/Store.ts';
import { statement } from '../store/statements.ts';
import { appendParagraph } from '../test/yjs.ts';
import type { DraftConnection } from './DraftConnection.ts';

/** Test helpers for the draft persistence unit tests: a real store and keys, no server. */

export interface DraftKit {
  store: Store;
  keys: Keyring;
  caseKey: (caseId: string) => Promise<Uint8Array>;
  /** The case's agreement draft and the mediator's notes: two documents of one case. */
  ref: DraftDocRef;
  notes: DraftDocRef;
  /** SQLite commits that wrote draft rows so far (see countDraftCommits). */
  commits: () => number;
}

/** An in-memory store with one real case (draft rows reference it) and its key. */
export async function draftKit(): Promise<DraftKit> {
  const sodium = await getSodium();
  const store = await Store.open({ dbPath: ':memory:' });
  const commits = countDraftCommits(store.db);
  let saved: Promise<void> | undefined;
  const keys = Keyring.create(sodium, sodium.crypto_secretbox_keygen(), undefined, (k) => void (saved = store.putServerKey('signing', k)));
  await saved;
  const bus = new EventBus(createLogger('silent'));
  const { mediatorId } = await new MediatorAuth(store, keys, bus).bootstrap('Mediator');
  const cases = new CaseService(store, keys, { inviteTtlMs: 3600_000, baseUrl: () => 'http://x', bus });
  const c = await cases.createCase(mediatorId, { title: 'Fence repair', participants: [{ displayName: 'Ana Party', role: 'party', side: 'A' }] });
  const ref = parseDraftDocName(draftDocName(c.id, 'agreement'));
  const notes = parseDraftDocName(draftDocName(c.id, 'notes'));
  if (!ref || !notes) throw new Error('draft name did not parse');
  return { store, keys, caseKey: (id) => cases.caseKey(id), ref, notes, commits };
}

/**
 * Counts the SQLite transactions that changed draft_records: each COMMIT after which the table's
 * row count or highest id differs from what it was at the BEGIN is one. Sees the Store's own
 * transactions (`exec`) and the typed layer's (Kysely runs `begin` / `commit` / `rollback` as
 * statements, through the Store's statement cache: those very statements are wrapped, so the
 * counter may be installed at any time). Draft rows are only ever written in transactions.
 */
export function countDraftCommits(db: DatabaseSync): () => number {
  let commits = 0;
  let atBegin: string | null = null;
  const shape = () => JSON.stringify(statement(db, 'SELECT COUNT(*) AS n, MAX(id) AS last FROM draft_records').statement.get());
  const begun = () => (atBegin = shape());
  const committing = () => {
    if (atBegin !== null && shape() !== atBegin) commits++;
    atBegin = null;
  };
  const exec = db.exec.bind(db);
  db.exec = (sql: string) => {
    const s = sql.trim().toUpperCase();
    if (s.startsWith('COMMIT')) committing();
    else if (s.startsWith('ROLLBACK')) atBegin = null;
    exec(sql);
    if (s.startsWith('BEGIN')) begun();
  };
  for (const [text, before, after] of [
    ['begin', undefined, begun],
    ['commit', committing, undefined],
    ['rollback', () => (atBegin = null), undefined],
  ] as const) {
    const st = statement(db, text).statement;
    const run = st.run.bind(st);
    st.run = ((...args: Parameters<typeof run>) => {
      before?.();
      const out = run(...args);
      after?.();
      return out;
    }) as typeof st.run;
  }
  return () => commits;
}

/** The Yjs updates one editor produces typing `n` paragraphs, in order (each depends on the last). */
export function typedUpdates(n: number, prefix: string, doc = new Y.Doc()): Uint8Array[] {
  const out: Uint8Array[] = [];
  const keep = (u: Uint8Array) => out.push(u);
  doc.on('update', keep);
  for (let i = 0; i < n; i++) appendParagraph(doc, `${prefix} ${i}`);
  doc.off('update', keep);
  return out;
}

/** Just enough of a DraftConnection for DraftDocument: records what it is sent. */
export function fakeConnection(participantId = 'participant_ana'): DraftConnection & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  return { sent, identity: { participantId }, awarenessIds: new Set<number>(), send: (m: Uint8Array) => void sent.push(m) } as unknown as DraftConnection & { sent: Uint8Array[] };
}

/** A logger that keeps every line (debug and above), parsed, for assertions on what was logged. */
export function captureLogs(): { logger: Logger; lines: Array<{ level: number; msg: string; [k: string]: unknown }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}
