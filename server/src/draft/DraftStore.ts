import type { DraftDocRef } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import { now } from '../store/Store.ts';
import type { DB } from '../store/schema.ts';
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
 * snapshot. It first writes the queue and takes the state only afterwards, and no other write of
 * the queue runs until its transaction committed: every row it deletes is covered by that state,
 * and an update queued after the state was taken is still queued, so its row is written after the
 * snapshot and survives.
 */
export class DraftStore {
  readonly #db: Kysely<DB>;
  readonly #keys: Keyring;
  readonly #caseKey: (caseId: string) => Promise<Uint8Array>;
  readonly #docKeys = new Map<string, Uint8Array>();
  readonly #queue: DraftWriteQueue;

  constructor(db: Kysely<DB>, keys: Keyring, caseKey: (caseId: string) => Promise<Uint8Array>, options: DraftStoreOptions) {
    this.#db = db;
    this.#keys = keys;
    this.#caseKey = caseKey;
    this.#queue = new DraftWriteQueue((batch) => this.#writeBatch(batch), options.logger, options.queue);
  }

  /** The document's key (derived once from the case key, which is read from the store the first time). */
  async #key(doc: DraftDocRef): Promise<Uint8Array> {
    const known = this.#docKeys.get(doc.name);
    if (known) return known;
    const k = this.#keys.deriveKey(await this.#caseKey(doc.caseId), `draft/${doc.name}`);
    this.#docKeys.set(doc.name, k);
    return k;
  }

  /**
   * Every record of the document, opened, oldest first, then its updates not written yet. Throws if
   * one was altered. Runs between two writes of the queue (DraftWriteQueue.exclusive): no update is
   * seen both as a row and queued, or as neither.
   */
  load(doc: DraftDocRef): Promise<{ updates: Uint8Array[]; bytes: number; records: number }> {
    return this.#queue.exclusive(async () => {
      const rows = await this.#db.selectFrom('draft_records').select('sealed').where('doc_name', '=', doc.name).orderBy('id').execute();
      const key = await this.#key(doc);
      const updates = rows.map((r) => this.#keys.openBytes(key, r.sealed));
      // Queued updates are newer than every written row of their document (one FIFO, written in order).
      updates.push(...this.#queue.pendingFor(doc.name));
      return { updates, bytes: updates.reduce((n, u) => n + u.length, 0), records: rows.length };
    });
  }

  /** Queues an accepted update for writing; returns at once (see the class comment for when it is stored). */
  enqueue(doc: DraftDocRef, update: Uint8Array): void {
    this.#queue.push(doc, update);
  }

  /** Writes every update queued now. True if none of them is left queued (false: failed, retried later). */
  flush(): Promise<boolean> {
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
   * if the document's queued updates could not be written. No other write of the queue runs from
   * the first write to the snapshot's commit: an update queued meanwhile is written after the
   * snapshot, so the delete never takes a row the state does not cover.
   */
  compact(doc: DraftDocRef, stateNow: () => Uint8Array): Promise<number> {
    return this.#queue.exclusive(async () => {
      const mark = this.#queue.mark();
      await this.#queue.writeHeld(mark);
      const left = this.#queue.pendingCount(doc.name, mark);
      if (left > 0) {
        throw new DraftWriteError('draft_unflushed', `${left} updates of ${doc.name} are not stored yet; compaction waits for them`);
      }
      const state = stateNow();
      // Sealed before the transaction: it holds the database for the two statements only.
      const sealed = this.#keys.sealBytes(await this.#key(doc), state);
      const at = now();
      await this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('draft_records').where('doc_name', '=', doc.name).execute();
        await trx.insertInto('draft_records').values({ case_id: doc.caseId, doc_name: doc.name, kind: 'snapshot', sealed, created_at: at }).execute();
      });
      return state.length;
    });
  }

  /** For tests and diagnostics: how many rows a document has (written ones, not queued). */
  async recordCount(docName: string): Promise<number> {
    const r = await this.#db.selectFrom('draft_records').select((eb) => eb.fn.countAll<number>().as('n')).where('doc_name', '=', docName).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** One transaction for the whole batch, one sealed row per update, in queue order. */
  async #writeBatch(batch: readonly QueuedUpdate[]): Promise<void> {
    // Sealed before the transaction: it holds the database for the inserts only.
    const keys = new Map<string, Uint8Array>();
    for (const e of batch) if (!keys.has(e.doc.name)) keys.set(e.doc.name, await this.#key(e.doc));
    const at = now();
    const rows = batch.map((e) => ({ case_id: e.doc.caseId, doc_name: e.doc.name, kind: 'update' as const, sealed: this.#keys.sealBytes(keys.get(e.doc.name)!, e.update), created_at: at }));
    await this.#db.transaction().execute(async (trx) => {
      // Several rows per statement (ids ascend in the order given); bounded for the engines' parameter limits.
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await trx.insertInto('draft_records').values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
    });
  }
}

/** 5 parameters a row: far below SQLite's and Postgres's limits on parameters per statement. */
const ROWS_PER_INSERT = 100;
