import { EventEmitter } from 'node:events';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import { DRAFT_LIMITS, type DraftDocRef } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { ApplyResult, ConnectionDocument, DraftConnection } from './DraftConnection.ts';
import type { DraftStore } from './DraftStore.ts';
import { awarenessMessage, updateMessage } from './protocol.ts';

export interface DraftDocumentEvents {
  /** A change was applied and relayed, its record queued for writing (not emitted while loading). */
  changed: [];
  /** The last connection left; the owner drops the document from its map and closes (stores) it. */
  idle: [];
}

/** Told how long one relay took: the message's arrival to the last write to the other editors, in seconds. */
export type RelayObserver = (kind: 'update' | 'presence', seconds: number) => void;

/** How often at most the carets of one document are relayed (20 a second). */
export const PRESENCE_BATCH_MS = 50;

export interface CompactionPolicy {
  /** Compact this long after the last change… */
  debounceMs: number;
  /** …but no later than this after the first uncompacted change. */
  maxDelayMs: number;
}

/**
 * One loaded draft document: the Y.Doc, its presence (awareness), its connections and its
 * persistence. Lifecycle (Hocuspocus-like): `load()` from sealed records → connections sync →
 * every accepted update is applied and relayed at once and queued for a sealed write → debounced
 * compaction → `close()` writes what is queued and stores a final snapshot when the hub shuts down
 * or the last connection leaves.
 *
 * Write-behind, not write-ahead: storing each update before relaying it (one seal + INSERT + WAL
 * commit each) let one person's flooding sockets freeze the whole server. Now the hub's queue
 * writes the updates of all documents in one transaction per batch, at most 100 ms later (see
 * DraftWriteQueue). The cost, stated plainly: in that window an update exists only in server
 * memory and in the browsers that made or received it. A crash then loses it from the server;
 * y-websocket clients send what the server lacks on their next sync, so it comes back if a browser
 * that holds it reconnects, and is lost if none does.
 *
 * Size accounting counts an update when it is accepted, written or not, so the document limit is
 * as strict as when every update was written at once.
 */
export class DraftDocument extends EventEmitter<DraftDocumentEvents> implements ConnectionDocument {
  readonly ref: DraftDocRef;
  readonly ydoc: Y.Doc;
  readonly awareness: Awareness;
  readonly #conns = new Set<DraftConnection>();
  readonly #store: DraftStore;
  readonly #logger: Logger;
  readonly #policy: CompactionPolicy;
  /** Yjs client ids any connection ever announced presence for (each belongs to that connection only). */
  readonly claimedAwarenessIds = new Set<number>();
  /** Upper bound of the encoded document size: the bytes of every stored or queued record. */
  #storedBytes: number;
  #debounce: ReturnType<typeof setTimeout> | null = null;
  #deadline: ReturnType<typeof setTimeout> | null = null;
  #changedInApply = false;
  /** When the message being applied arrived (set for the length of applyFrom / applyAwarenessFrom). */
  #arrivedAt: number | undefined;
  readonly #observe: RelayObserver | undefined;
  #changePending = false;
  /** Presence changes waiting for their relay (see #onAwareness). */
  #presence: { ids: Set<number>; arrivedAt: number | undefined; timer: ReturnType<typeof setTimeout> } | null = null;
  /** The compaction in progress, if any (settled; close waits for it before releasing the Y.Doc). */
  #compaction: Promise<void> = Promise.resolve();
  /** Set when close() starts: no compaction starts after it but close's own. */
  #closing: Promise<void> | undefined;
  #closed = false;

  private constructor(ref: DraftDocRef, store: DraftStore, logger: Logger, policy: CompactionPolicy, loaded: { updates: Uint8Array[]; bytes: number }, observe?: RelayObserver) {
    super();
    this.ref = ref;
    this.#observe = observe;
    this.#store = store;
    this.#logger = logger.child({ doc: ref.name, caseId: ref.caseId });
    this.#policy = policy;
    this.ydoc = new Y.Doc({ gc: true });
    for (const u of loaded.updates) Y.applyUpdate(this.ydoc, u, 'load');
    this.#storedBytes = loaded.bytes;
    this.awareness = new Awareness(this.ydoc);
    this.awareness.setLocalState(null);
    // Only after loading: from here on every change is broadcast and queued for storage.
    this.ydoc.on('update', (update: Uint8Array, origin: unknown) => this.#onUpdate(update, origin));
    this.awareness.on('update', (ch: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => this.#onAwareness(ch, origin));
  }

  /**
   * Reads and opens every sealed record; throws if one was altered (the caller refuses the
   * connection). The caller loads a document once and lets every connection wait for that one
   * load (DraftHub): the document takes editors' updates only once it is returned.
   */
  static async load(ref: DraftDocRef, store: DraftStore, logger: Logger, policy: CompactionPolicy, observe?: RelayObserver): Promise<DraftDocument> {
    const loaded = await store.load(ref);
    const doc = new DraftDocument(ref, store, logger, policy, loaded, observe);
    // Many small records from a previous run: merge them now, not on the first edit. A store that
    // cannot write right now does not make a readable document unavailable.
    if (loaded.records > 1) await doc.#compactSafely();
    return doc;
  }

  get connectionCount(): number {
    return this.#conns.size;
  }

  get connections(): ReadonlySet<DraftConnection> {
    return this.#conns;
  }

  add(conn: DraftConnection): void {
    this.#conns.add(conn);
  }

  remove(conn: DraftConnection): void {
    if (!this.#conns.delete(conn)) return;
    const owned = [...conn.awarenessIds].filter((id) => this.awareness.states.has(id));
    if (owned.length > 0) removeAwarenessStates(this.awareness, owned, conn);
    if (this.#conns.size === 0) this.emit('idle');
  }

  /** Applies an update from an editor, unless it would make the document larger than allowed. */
  applyFrom(conn: DraftConnection, update: Uint8Array, arrivedAt?: number): ApplyResult {
    if (this.#storedBytes + update.length > DRAFT_LIMITS.maxDocumentBytes) {
      // The bound is loose (records overlap); measure the merged size before refusing.
      let merged: number;
      try {
        merged = Y.mergeUpdates([Y.encodeStateAsUpdate(this.ydoc), update]).length;
      } catch {
        return 'malformed';
      }
      if (merged > DRAFT_LIMITS.maxDocumentBytes) return 'too-large';
    }
    this.#changedInApply = false;
    this.#arrivedAt = arrivedAt;
    try {
      Y.applyUpdate(this.ydoc, update, conn);
    } catch (err) {
      this.#logger.warn({ err, participantId: conn.identity.participantId }, 'malformed draft update refused');
      return 'malformed';
    } finally {
      this.#arrivedAt = undefined;
    }
    if (this.#changedInApply) return 'applied';
    // Held back until the updates it depends on arrive: keep it so it survives a restart too.
    if ((this.ydoc.store.pendingStructs || this.ydoc.store.pendingDs) && update.length > 2) {
      this.#persist(update);
      return 'applied';
    }
    return 'unchanged';
  }

  /** Presence from one connection, already validated and rewritten by it. */
  applyAwarenessFrom(conn: DraftConnection, update: Uint8Array, arrivedAt?: number): void {
    this.#arrivedAt = arrivedAt;
    try {
      applyAwarenessUpdate(this.awareness, update, conn);
    } finally {
      this.#arrivedAt = undefined;
    }
  }

  /** Presence of everyone, for a new connection or a query. */
  awarenessSnapshot(): Uint8Array | null {
    const ids = [...this.awareness.states.keys()];
    return ids.length > 0 ? awarenessMessage(encodeAwarenessUpdate(this.awareness, ids)) : null;
  }

  /**
   * Writes the queued updates, then merges every record into one sealed snapshot (one
   * transaction) of the state as it is after that write. Throws, deleting nothing, if this
   * document's queued updates could not be written. Nothing once the document is closing.
   */
  compact(): Promise<void> {
    this.#clearTimers();
    if (this.#closing) return Promise.resolve();
    const run = this.#compaction.then(() => this.#compactNow());
    this.#compaction = run.catch(() => undefined);
    return run;
  }

  async #compactNow(): Promise<void> {
    const started = performance.now();
    // Updates accepted after the state was taken are not in the snapshot: their bytes still count.
    let before = 0;
    const snapshot = await this.#store.compact(this.ref, () => {
      before = this.#storedBytes;
      return Y.encodeStateAsUpdate(this.ydoc);
    });
    this.#storedBytes = snapshot + (this.#storedBytes - before);
    this.#logger.debug({ bytes: snapshot, ms: Math.round(performance.now() - started) }, 'draft compacted');
  }

  /**
   * Writes everything queued for this document, stores a final snapshot and releases the
   * document (even if storing fails: then the error is thrown after releasing, and the queue keeps
   * the updates and retries). Connections are closed by the hub. Once called, every call gives the
   * same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const due = this.#debounce !== null || this.#deadline !== null;
    this.#clearTimers();
    try {
      // A compaction already started finishes first (it reads the Y.Doc released below).
      await this.#compaction;
      if (due || this.#store.pendingCount(this.ref.name) > 0) await this.#compactNow();
    } finally {
      this.#closed = true;
      this.#clearTimers();
      // Nobody is left to tell about carets.
      if (this.#presence) clearTimeout(this.#presence.timer);
      this.#presence = null;
      // An edit of this very turn is still announced (its listener must see it before they go).
      if (this.#changePending) this.#emitChanged();
      this.awareness.destroy();
      this.ydoc.destroy();
      this.removeAllListeners();
    }
  }

  #onUpdate(update: Uint8Array, origin: unknown): void {
    this.#changedInApply = true;
    // Everyone else hears of it at once (one encoding, the same bytes to each); the sealed write
    // follows later (write-behind).
    this.#relay(updateMessage(update), (c) => c === origin, 'update', this.#arrivedAt);
    this.#persist(update);
    // Listeners (sign-off voiding a frozen version: a database query) run once the relay is
    // written, still before the server reads anything else, so no request sees the old state.
    if (!this.#changePending) {
      this.#changePending = true;
      process.nextTick(() => this.#emitChanged());
    }
  }

  #emitChanged(): void {
    if (!this.#changePending) return;
    this.#changePending = false;
    this.emit('changed');
  }

  /**
   * Sends `msg` to every connection but those `skip` names. The connections write at the end of
   * this turn of the event loop (DraftConnection.send); a relay of what a connection sent is timed
   * from `arrivedAt` to then, after those writes (nextTick callbacks run in the order queued).
   */
  #relay(msg: Uint8Array, skip: (c: DraftConnection) => boolean, kind: 'update' | 'presence', arrivedAt: number | undefined): void {
    for (const c of this.#conns) if (!skip(c)) c.send(msg);
    const observe = this.#observe;
    if (arrivedAt !== undefined && observe) process.nextTick(() => observe(kind, (performance.now() - arrivedAt) / 1000));
  }

  #persist(update: Uint8Array): void {
    this.#store.enqueue(this.ref, update);
    this.#storedBytes += update.length;
    this.#schedule();
  }

  /**
   * Presence from the editors (a caret move with every keystroke) is relayed at most every
   * PRESENCE_BATCH_MS per document, the carets of that interval in one message: relayed one by
   * one it doubled the server's writes per keystroke and woke every editor a second time. Not
   * back to a connection whose own carets are all the batch holds: its editor has them already.
   * Removals by the awareness itself (a state not renewed in 30 s) go out at once.
   */
  #onAwareness({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    if (origin === 'timeout' || origin === 'local') {
      this.#relay(awarenessMessage(encodeAwarenessUpdate(this.awareness, changed)), () => false, 'presence', undefined);
      return;
    }
    if (!this.#presence) {
      this.#presence = { ids: new Set(), arrivedAt: this.#arrivedAt, timer: setTimeout(() => this.#flushPresence(), PRESENCE_BATCH_MS) };
    }
    for (const id of changed) this.#presence.ids.add(id);
  }

  #flushPresence(): void {
    const batch = this.#presence;
    this.#presence = null;
    if (!batch || this.#closed) return;
    const ids = [...batch.ids];
    this.#relay(awarenessMessage(encodeAwarenessUpdate(this.awareness, ids)), (c) => ids.every((id) => c.awarenessIds.has(id)), 'presence', batch.arrivedAt);
  }

  #schedule(): void {
    // Closing: its own compaction stores everything; a timer would only hold the process open.
    if (this.#closing) return;
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.#compactSafely(), this.#policy.debounceMs);
    this.#deadline ??= setTimeout(() => void this.#compactSafely(), this.#policy.maxDelayMs);
  }

  /** Compacts; a failure is logged and tried again later (never rejects). */
  async #compactSafely(): Promise<void> {
    try {
      await this.compact();
    } catch (err) {
      // Nothing was deleted: the records (and the queue) still hold every update. Try again later.
      this.#logger.error({ err }, 'draft compaction failed');
      if (!this.#closing) this.#deadline ??= setTimeout(() => void this.#compactSafely(), this.#policy.maxDelayMs);
    }
  }

  #clearTimers(): void {
    if (this.#debounce) clearTimeout(this.#debounce);
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#debounce = this.#deadline = null;
  }
}
