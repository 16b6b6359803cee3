import type { DraftDocRef } from '@parley/shared';
import type { Logger } from '../logger.ts';

/** One accepted Yjs update waiting to be sealed and written. */
export interface QueuedUpdate {
  readonly doc: DraftDocRef;
  readonly update: Uint8Array;
}

export interface WriteQueueOptions {
  /** A batch this long is written at once, without waiting for the timer. */
  maxBatchUpdates: number;
  /** …and so is a batch of this many update bytes. */
  maxBatchBytes: number;
  /** At most one timed write per this interval while updates keep arriving. */
  minIntervalMs: number;
  /** First retry delay after a failed write; doubles per failure up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts at shutdown before giving up on what is still queued (logged). */
  closeAttempts: number;
}

export const DEFAULT_WRITE_QUEUE: WriteQueueOptions = {
  maxBatchUpdates: 256,
  maxBatchBytes: 1024 * 1024,
  // Typing is a few keystrokes a second per person: one commit per keystroke was most of the
  // server's own work per keystroke after the relay. At most ten commits a second now.
  minIntervalMs: 100,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  closeAttempts: 4,
};

/** A draft write failure: `code` for programs, the message for people, `cause` for the log. */
export class DraftWriteError extends Error {
  readonly code: 'draft_write_failed' | 'draft_unflushed';
  constructor(code: DraftWriteError['code'], reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DraftWriteError';
    this.code = code;
  }
}

/**
 * Write-behind queue for the draft updates of every document of one hub. Accepted updates are
 * applied and relayed at once and land here; `write` (one SQLite transaction) stores a batch.
 *
 * Why: one sealed INSERT + WAL commit per update, paid before relaying, let a few flooding
 * sockets freeze the event loop for seconds. Batching makes the commit cost per batch, not per
 * update, and takes it out of the relay path.
 *
 * When it writes:
 * - after a quiet spell, on `setImmediate`: everything that arrived in the same turn of the event
 *   loop goes into one transaction, and a single keystroke is stored within milliseconds;
 * - while updates keep arriving, at most once per `minIntervalMs` (a timer), so a flood costs a
 *   bounded number of commits per second whatever the message rate;
 * - at once when the queue reaches `maxBatchUpdates` or `maxBatchBytes` (a hard bound on what sits
 *   in memory while the store is healthy);
 * - whenever someone calls `flush()` (compaction, closing a document, shutdown).
 *
 * Ordering: one FIFO for all documents; a batch is written in queue order, so the rows of one
 * document get ascending ids in apply order. A document whose write failed keeps its place: none
 * of its later updates is written before it.
 *
 * Failure: a failed batch is logged at error level with the document names, kept, and retried
 * with backoff (`retryBaseMs` doubling to `retryMaxMs`) forever; nothing is dropped while the
 * process lives. The batch is first retried per document so that one document that cannot be
 * written (its case key unavailable, say) does not hold back the others. Errors never escape to
 * the caller or the event loop.
 *
 * Durability: between `push` and the write (at most `minIntervalMs` when healthy; while failing, until a retry
 * succeeds) an update exists only in this memory and in the browsers that made or received it. A
 * crash in that window loses it from the server. y-websocket clients send what the server lacks
 * on their next sync, so it comes back if a browser that holds it reconnects; if none does, it is
 * lost. `close()` writes everything before a clean shutdown.
 */
export class DraftWriteQueue {
  readonly #write: (batch: readonly QueuedUpdate[]) => void;
  readonly #logger: Logger;
  readonly #opts: WriteQueueOptions;
  #queue: QueuedUpdate[] = [];
  #bytes = 0;
  #cancelTimer: (() => void) | null = null;
  #lastWriteAt = -Infinity;
  /** Consecutive failed flushes; > 0 means a retry timer owns the next attempt. */
  #failures = 0;
  #closed = false;

  constructor(write: (batch: readonly QueuedUpdate[]) => void, logger: Logger, options: Partial<WriteQueueOptions> = {}) {
    this.#write = write;
    this.#logger = logger;
    this.#opts = { ...DEFAULT_WRITE_QUEUE, ...options };
  }

  /** Updates waiting to be written (of one document, or of all). */
  pendingCount(docName?: string): number {
    if (docName === undefined) return this.#queue.length;
    let n = 0;
    for (const e of this.#queue) if (e.doc.name === docName) n++;
    return n;
  }

  /** The updates of one document not written yet, in apply order (a reload must see them too). */
  pendingFor(docName: string): Uint8Array[] {
    return this.#queue.filter((e) => e.doc.name === docName).map((e) => e.update);
  }

  push(doc: DraftDocRef, update: Uint8Array): void {
    this.#queue.push({ doc, update });
    this.#bytes += update.length;
    // After shutdown began nothing waits for a timer.
    if (this.#closed) return void this.flush();
    // While failing, the retry timer decides: hammering a broken store on every message helps nobody.
    if (this.#failures > 0) return;
    if (this.#queue.length >= this.#opts.maxBatchUpdates || this.#bytes >= this.#opts.maxBatchBytes) this.flush();
    else this.#schedule();
  }

  /**
   * Writes everything queued now, in as many bounded transactions as needed. Returns true if the
   * queue is empty afterwards; on failure the rest stays queued and a retry is scheduled.
   */
  flush(): boolean {
    this.#cancel();
    return this.#flushScheduled(false);
  }

  /** Shutdown: writes everything, retrying a few times; what still fails is logged, not hidden. */
  async close(): Promise<void> {
    this.#closed = true;
    for (let attempt = 1; ; attempt++) {
      if (this.flush()) break;
      if (attempt >= this.#opts.closeAttempts) {
        this.#cancel();
        this.#logger.error(
          { updates: this.#queue.length, docs: docNames(this.#queue) },
          'draft updates could not be stored before shutdown; browsers that still hold them send them again on their next sync',
        );
        return;
      }
      // This loop owns the retries now, not the failed flush's timer.
      this.#cancel();
      await new Promise((r) => setTimeout(r, this.#retryDelay()));
    }
    this.#cancel();
  }

  /** Writes at most one batch (`oneBatch`, from the timer: yields to I/O between batches) or all. */
  #flushScheduled(oneBatch: boolean): boolean {
    this.#cancelTimer = null;
    // Documents whose write failed in this flush, with the error: skipped for the rest of it, so
    // none of their later updates is written before the failed ones.
    const blocked = new Map<string, unknown>();
    let attempted = false;
    for (;;) {
      const batch = this.#nextBatch(blocked);
      if (batch.length === 0) break;
      attempted = true;
      const err = this.#tryWrite(batch);
      if (err === undefined) this.#remove(batch);
      else {
        const groups = byDocument(batch);
        if (groups.length === 1) blocked.set(batch[0]!.doc.name, err);
        // Retry per document: whatever can be written is, the rest keeps its place.
        else
          for (const group of groups) {
            const e = this.#tryWrite(group);
            if (e === undefined) this.#remove(group);
            else blocked.set(group[0]!.doc.name, e);
          }
      }
      if (oneBatch) break;
    }
    if (attempted) this.#lastWriteAt = performance.now();
    if (blocked.size > 0) {
      this.#failures++;
      const docs = [...blocked.keys()];
      this.#logger.error(
        {
          err: new DraftWriteError('draft_write_failed', `storing the draft updates of ${docs.length} document(s) failed`, { cause: blocked.values().next().value }),
          docs,
          queued: this.#queue.length,
          attempt: this.#failures,
        },
        'draft updates not stored yet: kept in memory, retrying',
      );
      this.#cancel();
      const timer = setTimeout(() => this.#flushScheduled(false), this.#retryDelay());
      // A pending retry alone does not keep the process alive; shutdown goes through close().
      timer.unref();
      this.#cancelTimer = () => clearTimeout(timer);
      return false;
    }
    this.#failures = 0;
    // A backlog bigger than one batch: the next one right after pending I/O, not after the interval.
    if (this.#queue.length > 0) this.#schedule(true);
    return this.#queue.length === 0;
  }

  #tryWrite(batch: readonly QueuedUpdate[]): unknown {
    try {
      this.#write(batch);
      return undefined;
    } catch (err) {
      return err ?? new Error('draft write failed without an error');
    }
  }

  /** The oldest queued updates, in order, within the batch bounds, skipping blocked documents. */
  #nextBatch(blocked: ReadonlyMap<string, unknown>): QueuedUpdate[] {
    const batch: QueuedUpdate[] = [];
    let bytes = 0;
    for (const e of this.#queue) {
      if (blocked.has(e.doc.name)) continue;
      if (batch.length > 0 && (batch.length >= this.#opts.maxBatchUpdates || bytes + e.update.length > this.#opts.maxBatchBytes)) break;
      batch.push(e);
      bytes += e.update.length;
    }
    return batch;
  }

  #remove(written: readonly QueuedUpdate[]): void {
    if (written.length === this.#queue.length) {
      this.#queue = [];
      this.#bytes = 0;
      return;
    }
    const gone = new Set(written);
    this.#queue = this.#queue.filter((e) => !gone.has(e));
    for (const e of written) this.#bytes -= e.update.length;
  }

  /** Arms the next timed write unless one is armed; `now` skips the rate bound (backlog). */
  #schedule(now = false): void {
    if (this.#cancelTimer) return;
    const wait = now ? 0 : this.#lastWriteAt + this.#opts.minIntervalMs - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.#flushScheduled(true));
      this.#cancelTimer = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.#flushScheduled(true), Math.ceil(wait));
      this.#cancelTimer = () => clearTimeout(timer);
    }
  }

  #cancel(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  #retryDelay(): number {
    return Math.min(this.#opts.retryMaxMs, this.#opts.retryBaseMs * 2 ** Math.max(0, this.#failures - 1));
  }
}

function byDocument(batch: readonly QueuedUpdate[]): QueuedUpdate[][] {
  const groups = new Map<string, QueuedUpdate[]>();
  for (const e of batch) {
    const g = groups.get(e.doc.name);
    if (g) g.push(e);
    else groups.set(e.doc.name, [e]);
  }
  return [...groups.values()];
}

function docNames(queue: readonly QueuedUpdate[]): string[] {
  return [...new Set(queue.map((e) => e.doc.name))];
}
