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
 * applied and relayed at once and land here; `write` (one database transaction) stores a batch.
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
 * One at a time: writes are asynchronous (the typed layer, issue 14), and every write, and every
 * piece of work run through `exclusive` (a document's load, a compaction), waits for the one
 * before it. So a load never sees an update both written and still queued (or neither), and a
 * compaction's delete never meets a row written after its state was taken.
 *
 * Ordering: one FIFO for all documents; a batch is written in queue order, so the rows of one
 * document get ascending ids in apply order. A document whose write failed keeps its place: none
 * of its later updates is written before it. An update leaves the queue only once its
 * transaction committed.
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
  readonly #write: (batch: readonly QueuedUpdate[]) => Promise<void>;
  readonly #logger: Logger;
  readonly #opts: WriteQueueOptions;
  #queue: Entry[] = [];
  #bytes = 0;
  /** The number of the last update pushed (each gets the next). */
  #seq = 0;
  #cancelTimer: (() => void) | null = null;
  #lastWriteAt = -Infinity;
  /** Consecutive failed flushes; > 0 means a retry timer owns the next attempt. */
  #failures = 0;
  #closed = false;
  /** The end of the last write or exclusive work queued: the next one starts after it. */
  #tail: Promise<unknown> = Promise.resolve();
  /** A flush queued and not started yet: later calls join it (it writes what is queued when it starts). */
  #nextFlush: Promise<boolean> | null = null;

  constructor(write: (batch: readonly QueuedUpdate[]) => Promise<void>, logger: Logger, options: Partial<WriteQueueOptions> = {}) {
    this.#write = write;
    this.#logger = logger;
    this.#opts = { ...DEFAULT_WRITE_QUEUE, ...options };
  }

  /**
   * Updates waiting to be written (of one document, or of all; with `upTo`, only those pushed
   * up to that mark, see `mark`).
   */
  pendingCount(docName?: string, upTo = Infinity): number {
    let n = 0;
    for (const e of this.#queue) if ((docName === undefined || e.doc.name === docName) && e.seq <= upTo) n++;
    return n;
  }

  /** The updates of one document not written yet, in apply order (a reload must see them too). */
  pendingFor(docName: string): Uint8Array[] {
    return this.#queue.filter((e) => e.doc.name === docName).map((e) => e.update);
  }

  push(doc: DraftDocRef, update: Uint8Array): void {
    this.#queue.push({ doc, update, seq: ++this.#seq });
    this.#bytes += update.length;
    // After shutdown began nothing waits for a timer.
    if (this.#closed) return this.#kick();
    // While failing, the retry timer decides: hammering a broken store on every message helps nobody.
    if (this.#failures > 0) return;
    if (this.#queue.length >= this.#opts.maxBatchUpdates || this.#bytes >= this.#opts.maxBatchBytes) this.#kick();
    else this.#schedule();
  }

  /**
   * Writes everything queued when the flush starts, in as many bounded transactions as needed.
   * Resolves true if none of that is left queued afterwards; on failure the rest stays queued
   * and a retry is scheduled. Never rejects.
   */
  flush(): Promise<boolean> {
    this.#cancel();
    this.#nextFlush ??= this.exclusive(() => {
      this.#nextFlush = null;
      return this.writeHeld(this.#seq);
    }).catch((err: unknown) => {
      this.#logger.error({ err }, 'draft write queue: flush failed unexpectedly');
      return false;
    });
    return this.#nextFlush;
  }

  /**
   * Runs `fn` when the writes and exclusive work queued before it are done; no write starts until
   * it is. `fn` may call `writeHeld` (never `flush`: that would wait for `fn` itself).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** The number of the last update pushed so far: for `writeHeld` and `pendingCount`. */
  mark(): number {
    return this.#seq;
  }

  /**
   * Inside `exclusive` only: writes the updates pushed up to `upTo` (a `mark`). True if none of
   * them is left queued; on failure they stay queued and a retry is scheduled.
   */
  writeHeld(upTo: number): Promise<boolean> {
    this.#cancel();
    return this.#flushScheduled(false, upTo);
  }

  /** Shutdown: writes everything, retrying a few times; what still fails is logged, not hidden. */
  async close(): Promise<void> {
    this.#closed = true;
    for (let attempt = 1; ; ) {
      if (await this.flush()) {
        // Pushed while that flush ran: written by the next one.
        if (this.#queue.length === 0) break;
        continue;
      }
      if (attempt >= this.#opts.closeAttempts) {
        this.#cancel();
        this.#logger.error(
          { updates: this.#queue.length, docs: docNames(this.#queue) },
          'draft updates could not be stored before shutdown; browsers that still hold them send them again on their next sync',
        );
        return;
      }
      attempt++;
      // This loop owns the retries now, not the failed flush's timer.
      this.#cancel();
      await new Promise((r) => setTimeout(r, this.#retryDelay()));
    }
    this.#cancel();
  }

  /** A flush nobody awaits (its failures are the queue's business: logged and retried). */
  #kick(): void {
    void this.flush();
  }

  /** From a timer: writes what is queued when it runs, one batch (`oneBatch`: yields to I/O between batches) or all. */
  #timed(oneBatch: boolean): void {
    this.#cancelTimer = null;
    void this.exclusive(() => this.#flushScheduled(oneBatch, this.#seq)).catch((err: unknown) => this.#logger.error({ err }, 'draft write queue: timed write failed unexpectedly'));
  }

  /** Writes the updates pushed up to `upTo`: at most one batch (`oneBatch`) or all. Inside `exclusive` only. */
  async #flushScheduled(oneBatch: boolean, upTo: number): Promise<boolean> {
    // Documents whose write failed in this flush, with the error: skipped for the rest of it, so
    // none of their later updates is written before the failed ones.
    const blocked = new Map<string, unknown>();
    let attempted = false;
    for (;;) {
      const batch = this.#nextBatch(blocked, upTo);
      if (batch.length === 0) break;
      attempted = true;
      const err = await this.#tryWrite(batch);
      if (err === undefined) this.#remove(batch);
      else {
        const groups = byDocument(batch);
        if (groups.length === 1) blocked.set(batch[0]!.doc.name, err);
        // Retry per document: whatever can be written is, the rest keeps its place.
        else
          for (const group of groups) {
            const e = await this.#tryWrite(group);
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
      const timer = setTimeout(() => this.#timed(false), this.#retryDelay());
      // A pending retry alone does not keep the process alive; shutdown goes through close().
      timer.unref();
      this.#cancelTimer = () => clearTimeout(timer);
      return false;
    }
    this.#failures = 0;
    const left = this.pendingCount(undefined, upTo);
    // A backlog bigger than one batch: the next one right after pending I/O, not after the
    // interval. Pushed while this one wrote: the usual timing.
    if (left > 0) this.#schedule(true);
    else if (this.#queue.length > 0) this.#schedule();
    return left === 0;
  }

  async #tryWrite(batch: readonly QueuedUpdate[]): Promise<unknown> {
    try {
      await this.#write(batch);
      return undefined;
    } catch (err) {
      return err ?? new Error('draft write failed without an error');
    }
  }

  /** The oldest queued updates up to `upTo`, in order, within the batch bounds, skipping blocked documents. */
  #nextBatch(blocked: ReadonlyMap<string, unknown>, upTo: number): Entry[] {
    const batch: Entry[] = [];
    let bytes = 0;
    for (const e of this.#queue) {
      if (e.seq > upTo) break;
      if (blocked.has(e.doc.name)) continue;
      if (batch.length > 0 && (batch.length >= this.#opts.maxBatchUpdates || bytes + e.update.length > this.#opts.maxBatchBytes)) break;
      batch.push(e);
      bytes += e.update.length;
    }
    return batch;
  }

  #remove(written: readonly Entry[]): void {
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
      const immediate = setImmediate(() => this.#timed(true));
      this.#cancelTimer = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.#timed(true), Math.ceil(wait));
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

/** A queued update and its place in the queue. */
interface Entry extends QueuedUpdate {
  readonly seq: number;
}

function byDocument<T extends QueuedUpdate>(batch: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
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
