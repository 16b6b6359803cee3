import type { DraftDocRef } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import type { Logger } from '../logger.ts';
import { now, type Store } from '../store/Store.ts';
import { DraftWriteError, DraftWriteQueue, type QueuedUpdate, type WriteQueueOptions } from './DraftWriteQueue.ts';

export interface DraftStoreOptions {
  logger: Logger;
  /** Batching and retry of the write-behind queue (defaults: DEFAULT_WRITE_QUEUE). */
  queue?: Partial<WriteQueueOptions>;
}

/**
 * Sealed persistence of draft documents (table `draft_records`, see migrations.ts).
 *
 * Construction: each Yjs update the server accepts becomes one row `crypto_secretbox(update)`
 * under a key derived from the case key for that document (`Keyring.deriveKey(caseKey,
 * "draft/<docName>")`), random nonce per row. A row moved to another document or case no longer
 * opens. No draft text is ever stored in the clear, queued or not: the queue holds updates in
 * memory only and seals each one as its row is written.
 *
 * Write-behind: `enqueue` does not write. The hub's one DraftWriteQueue gathers the updates of all
 * its documents and writes them, sealed row by row, in one transaction per batch, at most 100 ms
 * later (see DraftWriteQueue for when, and what a crash in between costs). Reads (`load`) see
 * queued updates too, so a document reopened before its updates were written is whole.
 *
 * Compaction seals the merged document state as one 'snapshot' row and deletes the document's
 * other rows, in one transaction, so a crash at any point leaves either the old rows or the new
 * snapshot. It first writes the queue and takes the state only afterwards, in the same synchronous
 * turn: every row it deletes is covered by that state, and an update queued after the state was
 * taken is still queued, so its row is written after the snapshot and survives.
 */
export class DraftStore {
  readonly #store: Store;
  readonly #keys: Keyring;
  readonly #caseKey: (caseId: string) => Uint8Array;
  readonly #docKeys = new Map<string, Uint8Array>();
  readonly #queue: DraftWriteQueue;

  constructor(store: Store, keys: Keyring, caseKey: (caseId: string) => Uint8Array, options: DraftStoreOptions) {
    this.#store = store;
    this.#keys = keys;
    this.#caseKey = caseKey;
    this.#queue = new DraftWriteQueue((batch) => this.#writeBatch(batch), options.logger, options.queue);
  }

  #key(doc: DraftDocRef): Uint8Array {
    let k = this.#docKeys.get(doc.name);
    if (!k) {
      k = this.#keys.deriveKey(this.#caseKey(doc.caseId), `draft/${doc.name}`);
      this.#docKeys.set(doc.name, k);
    }
    return k;
  }

  /** Every record of the document, opened, oldest first, then its updates not written yet. Throws if one was altered. */
  load(doc: DraftDocRef): { updates: Uint8Array[]; bytes: number } {
    const rows = this.#store.db.prepare('SELECT sealed FROM draft_records WHERE doc_name = ? ORDER BY id').all(doc.name) as unknown as Array<{
      sealed: Uint8Array;
    }>;
    const key = this.#key(doc);
    const updates = rows.map((r) => this.#keys.openBytes(key, r.sealed));
    // Queued updates are newer than every written row of their document (one FIFO, written in order).
    updates.push(...this.#queue.pendingFor(doc.name));
    return { updates, bytes: updates.reduce((n, u) => n + u.length, 0) };
  }

  /** Queues an accepted update for writing; returns at once (see the class comment for when it is stored). */
  enqueue(doc: DraftDocRef, update: Uint8Array): void {
    this.#queue.push(doc, update);
  }

  /** Writes every queued update now. True if nothing is left queued (false: failed, retried later). */
  flush(): boolean {
    return this.#queue.flush();
  }

  /** Updates queued and not written yet (of one document, or of all). */
  pendingCount(docName?: string): number {
    return this.#queue.pendingCount(docName);
  }

  /** Shutdown: writes everything queued (with a few retries); call before closing the Store. */
  close(): Promise<void> {
    return this.#queue.close();
  }

  /**
   * Writes the queue, then replaces every record of the document by one sealed snapshot of
   * `stateNow()` (called after the write). Returns the snapshot's size. Throws, deleting nothing,
   * if the document's queued updates could not be written.
   */
  compact(doc: DraftDocRef, stateNow: () => Uint8Array): number {
    this.#queue.flush();
    const left = this.#queue.pendingCount(doc.name);
    if (left > 0) {
      throw new DraftWriteError('draft_unflushed', `${left} updates of ${doc.name} are not stored yet; compaction waits for them`);
    }
    const state = stateNow();
    const sealed = this.#keys.sealBytes(this.#key(doc), state);
    this.#store.tx(() => {
      this.#store.db.prepare('DELETE FROM draft_records WHERE doc_name = ?').run(doc.name);
      this.#store.db
        .prepare("INSERT INTO draft_records (case_id, doc_name, kind, sealed, created_at) VALUES (?, ?, 'snapshot', ?, ?)")
        .run(doc.caseId, doc.name, sealed, now());
    });
    return state.length;
  }

  /** For tests and diagnostics: how many rows a document has (written ones, not queued). */
  recordCount(docName: string): number {
    return (this.#store.db.prepare('SELECT COUNT(*) AS n FROM draft_records WHERE doc_name = ?').get(docName) as { n: number }).n;
  }

  /** One transaction for the whole batch, one sealed row per update, in queue order. */
  #writeBatch(batch: readonly QueuedUpdate[]): void {
    // Sealed before BEGIN: the write lock is held for the inserts only.
    const rows = batch.map((e) => [e.doc.caseId, e.doc.name, this.#keys.sealBytes(this.#key(e.doc), e.update)] as const);
    const at = now();
    this.#store.tx(() => {
      const insert = this.#store.db.prepare("INSERT INTO draft_records (case_id, doc_name, kind, sealed, created_at) VALUES (?, ?, 'update', ?, ?)");
      for (const [caseId, docName, sealed] of rows) insert.run(caseId, docName, sealed, at);
    });
  }
}
