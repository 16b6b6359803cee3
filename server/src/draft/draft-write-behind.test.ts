import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../logger.ts';
import { until } from '../test/yjs.ts';
import { agreementPlainText } from './agreementText.ts';
import { DraftDocument, type CompactionPolicy } from './DraftDocument.ts';
import { DraftStore } from './DraftStore.ts';
import { captureLogs, draftKit, fakeConnection, typedUpdates, type DraftKit } from './draftTestKit.ts';

const logger = createLogger('silent');
/** No timed compaction during a test: each test compacts or closes when it means to. */
const policy: CompactionPolicy = { debounceMs: 600_000, maxDelayMs: 600_000 };

describe('draft write-behind', () => {
  it('stores a burst of updates from one connection in a few transactions, relays them at once, and keeps them all across a reload', async () => {
    const kit = await draftKit();
    const drafts = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger });
    const doc = await DraftDocument.load(kit.ref, drafts, logger, policy);
    const typist = fakeConnection('participant_ana');
    const reader = fakeConnection('participant_ben');
    doc.add(typist);
    doc.add(reader);

    const N = 300;
    for (const u of typedUpdates(N, 'Clause')) expect(doc.applyFrom(typist, u)).toBe('applied');
    // Relayed to the other connection before any of it is stored.
    expect(reader.sent).toHaveLength(N);
    expect(typist.sent).toHaveLength(0);

    await until(async () => (await drafts.recordCount(kit.ref.name)) === N, 10_000, 'every update stored');
    // One transaction per update froze the server under a flood; a batch is one transaction.
    expect(kit.commits()).toBeGreaterThan(0);
    expect(kit.commits()).toBeLessThanOrEqual(N / 20);

    const text = agreementPlainText(doc.ydoc);
    expect(text).toContain(`Clause ${N - 1}`);
    await doc.close();
    const reloaded = await DraftDocument.load(kit.ref, new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger }), logger, policy);
    expect(agreementPlainText(reloaded.ydoc)).toBe(text);
    await reloaded.close();
  });

  it('writes an update queued just before a compaction or a close, and keeps it (no store flush left to chance)', async () => {
    const kit = await draftKit();
    const drafts = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger });
    const doc = await DraftDocument.load(kit.ref, drafts, logger, policy);
    const ana = fakeConnection();
    doc.add(ana);
    const [first, second, third] = [typedUpdates(5, 'Early'), typedUpdates(1, 'Late'), typedUpdates(1, 'Last')];

    for (const u of first) doc.applyFrom(ana, u);
    // Same turn: nothing was written yet. The compaction writes the queue first, then snapshots.
    expect(drafts.pendingCount()).toBe(5);
    await doc.compact();
    expect(drafts.pendingCount()).toBe(0);
    expect(kinds(kit, kit.ref.name)).toEqual(['snapshot']);

    for (const u of [...second, ...third]) doc.applyFrom(ana, u);
    const text = agreementPlainText(doc.ydoc);
    await doc.close();
    // A new store (empty queue), as after a crash right after the close: everything is in the file.
    const fresh = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger });
    expect(kinds(kit, kit.ref.name)).toEqual(['snapshot']);
    expect(textOf((await fresh.load(kit.ref)).updates)).toBe(text);
    for (const t of ['Early 4', 'Late 0', 'Last 0']) expect(text).toContain(t);
  });

  it('never deletes in a compaction an update queued after its state was taken', async () => {
    const kit = await draftKit();
    const drafts = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger });
    const doc = await DraftDocument.load(kit.ref, drafts, logger, policy);
    const ana = fakeConnection();
    doc.add(ana);
    const client = new Y.Doc();
    for (const u of typedUpdates(3, 'Before', client)) doc.applyFrom(ana, u);
    const [late] = typedUpdates(1, 'Arrived during compaction', client);

    // The state is taken, then an update lands before the compaction's transaction.
    await drafts.compact(kit.ref, () => {
      const state = Y.encodeStateAsUpdate(doc.ydoc);
      expect(doc.applyFrom(ana, late!)).toBe('applied');
      return state;
    });
    expect(drafts.pendingCount(kit.ref.name)).toBe(1);
    expect(await drafts.flush()).toBe(true);
    expect(kinds(kit, kit.ref.name)).toEqual(['snapshot', 'update']);
    const reloaded = textOf((await new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger }).load(kit.ref)).updates);
    expect(reloaded).toBe(agreementPlainText(doc.ydoc));
    expect(reloaded).toContain('Arrived during compaction 0');
    await doc.close();
  });

  it('retries a write that failed once, logs it with the document name, and loses nothing', async () => {
    const kit = await draftKit();
    const { logger: log, lines } = captureLogs();
    const drafts = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger: log, queue: { retryBaseMs: 20 } });
    const doc = await DraftDocument.load(kit.ref, drafts, log, policy);
    const ana = fakeConnection();
    const ben = fakeConnection('participant_ben');
    doc.add(ana);
    doc.add(ben);
    const tx = vi.spyOn(kit.store.kysely, 'transaction').mockImplementationOnce(() => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    });

    const updates = typedUpdates(40, 'Clause');
    // The failure is the queue's business: accepting and relaying go on.
    for (const u of updates) expect(doc.applyFrom(ana, u)).toBe('applied');
    expect(ben.sent).toHaveLength(40);

    await until(() => lines.some((l) => l.level === 50), 10_000, 'the failure logged');
    const failure = lines.find((l) => l.level === 50)!;
    expect(failure.msg).toMatch(/not stored yet/);
    expect(failure.docs).toEqual([kit.ref.name]);
    expect(JSON.stringify(failure.err)).toContain('SQLITE_IOERR');
    expect(JSON.stringify(failure.err)).toContain('draft_write_failed');

    await until(() => drafts.pendingCount() === 0, 10_000, 'the retry');
    expect(tx.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(await drafts.recordCount(kit.ref.name)).toBe(40);
    const text = agreementPlainText(doc.ydoc);
    await doc.close();
    expect(textOf((await new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger }).load(kit.ref)).updates)).toBe(text);
    expect(text).toContain('Clause 39');
  });

  it('keeps the updates of a document that cannot be written in memory, retrying, while the other documents are written', async () => {
    const kit = await draftKit();
    const { logger: log, lines } = captureLogs();
    const drafts = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger: log, queue: { retryBaseMs: 10, retryMaxMs: 40 } });
    // While `broken`, rows of the agreement cannot be sealed (those of the notes can).
    let broken = false;
    const agreementKey = kit.keys.deriveKey(await kit.caseKey(kit.ref.caseId), `draft/${kit.ref.name}`);
    const seal = kit.keys.sealBytes.bind(kit.keys);
    vi.spyOn(kit.keys, 'sealBytes').mockImplementation((key, bytes) => {
      if (broken && Buffer.from(key).equals(agreementKey)) throw new Error('sealing failed: key unavailable');
      return seal(key, bytes);
    });
    const notes = await DraftDocument.load(kit.notes, drafts, log, policy);
    const ana = fakeConnection();
    notes.add(ana);
    const notesClient = new Y.Doc();
    for (const u of typedUpdates(2, 'Note', notesClient)) notes.applyFrom(ana, u);
    expect(await drafts.flush()).toBe(true);
    broken = true;
    const agreement = await DraftDocument.load(kit.ref, drafts, log, policy);
    agreement.add(ana);
    for (const u of typedUpdates(10, 'Clause')) agreement.applyFrom(ana, u);
    for (const u of typedUpdates(3, 'More notes', notesClient)) notes.applyFrom(ana, u);

    await until(() => lines.filter((l) => l.level === 50).length >= 3, 10_000, 'repeated failures');
    for (const l of lines.filter((l) => l.level === 50)) expect(l.docs).toEqual([kit.ref.name]);
    // The notes went through; the agreement is kept, whole and in order, not dropped.
    expect(drafts.pendingCount(kit.notes.name)).toBe(0);
    expect(await drafts.recordCount(kit.notes.name)).toBe(5);
    expect(drafts.pendingCount(kit.ref.name)).toBe(10);
    expect(await drafts.recordCount(kit.ref.name)).toBe(0);
    // Closing it now cannot compact; it releases the document, the queue keeps the updates.
    const text = agreementPlainText(agreement.ydoc);
    await expect(agreement.close()).rejects.toThrow(/not stored yet/);
    expect(drafts.pendingCount(kit.ref.name)).toBe(10);

    broken = false;
    await until(() => drafts.pendingCount() === 0, 10_000, 'the retry after recovery');
    await notes.close();
    expect(textOf((await new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger }).load(kit.ref)).updates)).toBe(text);
  });

  it('at shutdown writes what is queued, and says so at error level when it cannot (without throwing)', async () => {
    const kit = await draftKit();
    const { logger: log, lines } = captureLogs();
    const drafts = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger: log, queue: { retryBaseMs: 5, closeAttempts: 3 } });
    drafts.enqueue(kit.ref, typedUpdates(1, 'Stored at shutdown')[0]!);
    await drafts.close();
    expect(await drafts.recordCount(kit.ref.name)).toBe(1);

    const stuck = new DraftStore(kit.store.kysely, kit.keys, kit.caseKey, { logger: log, queue: { retryBaseMs: 5, closeAttempts: 3 } });
    const tx = vi.spyOn(kit.store.kysely, 'transaction').mockImplementation(() => {
      throw new Error('SQLITE_FULL: database or disk is full');
    });
    stuck.enqueue(kit.notes, typedUpdates(1, 'Lost from the server')[0]!);
    await expect(stuck.close()).resolves.toBeUndefined();
    expect(tx).toHaveBeenCalledTimes(3);
    const last = lines.filter((l) => l.level === 50).at(-1)!;
    expect(last.msg).toMatch(/could not be stored before shutdown/);
    expect(last.docs).toEqual([kit.notes.name]);
    tx.mockRestore();
  });
});

function kinds(kit: DraftKit, docName: string): string[] {
  return (kit.store.db.prepare('SELECT kind FROM draft_records WHERE doc_name = ? ORDER BY id').all(docName) as Array<{ kind: string }>).map((r) => r.kind);
}

function textOf(updates: Uint8Array[]): string {
  const d = new Y.Doc();
  for (const u of updates) Y.applyUpdate(d, u);
  const text = agreementPlainText(d);
  d.destroy();
  return text;
}
