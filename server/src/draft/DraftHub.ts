import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode, ErrorCode, ParleyError, DRAFT_LIMITS, DRAFT_PATH_PREFIX, draftDocName, type DraftDocRef } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import type { CaseService } from '../domain/CaseService.ts';
import type { AccessGate } from '../auth/AccessGate.ts';
import type { Connection, Connections } from '../auth/Connections.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Store } from '../store/Store.ts';
import type { CaseOwnership } from '../cluster/CaseOwnership.ts';
import { agreementHash, agreementPlainText } from './agreementText.ts';
import { authenticateDraft, DraftRefusal, type DraftGrant } from './authenticate.ts';
import { DraftConnection, WsCode } from './DraftConnection.ts';
import { DraftDocument, type CompactionPolicy, type RelayObserver } from './DraftDocument.ts';
import { DraftStore } from './DraftStore.ts';

export interface DraftHubDeps {
  cases: CaseService;
  gate: AccessGate;
  /** Registry of every connection: caps, per-person budgets, closing by person or session. */
  connections: Connections;
  store: Store;
  keys: Keyring;
  logger: Logger;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  /** The client's address for the per-address limits (http/clientAddress.ts: trusted proxies only). */
  addressOf: (req: http.IncomingMessage) => string;
  /**
   * Told after every change applied to a case's agreement draft (relayed, and queued to be
   * stored): sign-off voids signatures collected on an earlier text.
   */
  bus: EventBus;
  compaction?: CompactionPolicy;
  /** Dead-socket detection (ws ping/pong). */
  pingIntervalMs?: number;
  /** Told how long each relay took on the server (/metrics, when it is on). */
  observeRelay?: RelayObserver;
  /** Several nodes: a draft is written on the node that runs its case, one writer per document. */
  ownership?: CaseOwnership;
}

export interface AgreementSnapshot {
  /** Canonical plain text (see agreementPlainText). */
  text: string;
  /** SHA-256 hex of `text` in UTF-8. */
  hash: string;
  /** Yjs state vector (base64) of the document the text was taken from. */
  stateVector: string;
}

/**
 * The Yjs collaboration endpoint: `GET /yjs/<docName>` upgraded to a WebSocket speaking the
 * y-websocket protocol. Owns the loaded documents (one DraftDocument per name, loaded on first
 * connection, stored and dropped when the last one leaves) and their connections.
 */
export class DraftHub {
  readonly #deps: DraftHubDeps;
  readonly #logger: Logger;
  readonly #wss: WebSocketServer;
  readonly #docs = new Map<string, DraftDocument>();
  /** Documents being read: one load per document, every connection that arrives meanwhile waits for it. */
  readonly #loading = new Map<string, Promise<DraftDocument>>();
  /** Connections waiting for their document (loaded or not), per document name. */
  readonly #waiting = new Map<string, number>();
  /** Documents released and still storing: a document is loaded again only once its last copy is stored. */
  readonly #releasing = new Map<string, Promise<void>>();
  readonly #persist: DraftStore;
  readonly #policy: CompactionPolicy;
  readonly #ping: ReturnType<typeof setInterval>;
  #closing: Promise<void> | undefined;

  constructor(deps: DraftHubDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'drafts' });
    // One store, hence one write-behind queue, for every document of the hub: a batch of updates
    // from many documents is one transaction.
    this.#persist = new DraftStore(deps.store.kysely, deps.keys, (caseId) => deps.cases.caseKey(caseId), { logger: this.#logger });
    // Compaction encodes the whole document in one go (about 20 ms for a 100 KB draft on a small
    // machine), a pause for every case this server carries. While people keep typing it now comes
    // every 2 minutes, not every 10 s; the records written meanwhile are as durable as a snapshot.
    this.#policy = deps.compaction ?? { debounceMs: 2_000, maxDelayMs: 120_000 };
    // maxPayload: ws stops reading a bigger frame and closes with 1009 before buffering it (docs/threats.md #7).
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: DRAFT_LIMITS.maxMessageBytes, perMessageDeflate: false });
    this.#ping = setInterval(() => this.#pingAll(), deps.pingIntervalMs ?? 30_000);
    this.#ping.unref();
  }

  /**
   * For the HTTP server's 'upgrade' event. Returns false when the path is not ours (socket.io's).
   * Everything is decided before the upgrade (address budget, credentials, consent, access, the
   * person's connection cap): a refused request never becomes a WebSocket and costs no more than
   * an HTTP answer. A browser cannot read that answer, so `/api/drafts/<doc>/access` tells it why.
   */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (!req.url?.startsWith(DRAFT_PATH_PREFIX)) return false;
    void this.#upgrade(req, socket, head).catch((err: unknown) => {
      this.#logger.error({ err }, 'draft upgrade failed');
      socket.destroy();
    });
    return true;
  }

  /**
   * The credentials are checked with the store (asynchronously). Meanwhile nothing is read from the
   * socket: what the client sent early stays in it (and in `head`) for the WebSocket, as while its
   * document loads (#onConnection). Node took its own listeners off the socket at the upgrade, so an
   * error on it meanwhile is handled here, and a socket that closed meanwhile is not upgraded.
   */
  async #upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const address = this.#deps.addressOf(req);
    socket.pause();
    const onError = (err: Error) => this.#logger.debug({ err }, 'draft connection failed before its upgrade');
    socket.on('error', onError);
    let grant: DraftGrant;
    let leave: () => void;
    try {
      if (this.#closing) throw new DraftRefusal(CloseCode.ServerRestart, 'restarting');
      try {
        this.#deps.connections.admitHandshake(address);
      } catch (err) {
        throw new DraftRefusal(WsCode.TryAgainLater, 'too many connection attempts', { cause: err });
      }
      grant = await authenticateDraft(req, this.#deps);
      // The server may have begun to shut down while the credentials were checked.
      if (this.#closing) throw new DraftRefusal(CloseCode.ServerRestart, 'restarting');
      try {
        this.#deps.connections.checkCapacity('draft', grant.principal, address);
      } catch (err) {
        throw new DraftRefusal(WsCode.TryAgainLater, 'too many connections', { cause: err });
      }
      leave = await this.#enterCase(grant.identity.caseId);
    } catch (err) {
      const refusal = err instanceof DraftRefusal ? err : new DraftRefusal(WsCode.InternalError, 'internal error', { cause: err });
      if (refusal.closeCode !== WsCode.TryAgainLater && refusal.closeCode !== CloseCode.Moved) {
        this.#logger.warn({ code: refusal.closeCode, reason: refusal.message, origin: req.headers.origin, cause: refusal.closeCode === WsCode.InternalError ? err : undefined }, 'draft connection refused');
      }
      // The error listener stays: the socket is answered and destroyed.
      refuseUpgrade(socket, refusal);
      return;
    }
    // The case is this node's for as long as the connection lasts, however it ends.
    socket.once('close', leave);
    if (socket.destroyed || !socket.readable || !socket.writable) {
      this.#logger.debug({ doc: grant.ref.name }, 'draft connection closed before its upgrade');
      leave();
      socket.destroy();
      return;
    }
    // ws puts its own error listener on from here; the socket stays paused until its document is loaded.
    socket.off('error', onError);
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, socket, grant, address));
  }

  /** Several nodes: the draft opens only on the node that runs its case; elsewhere it is refused with where that is. */
  async #enterCase(caseId: string): Promise<() => void> {
    const ownership = this.#deps.ownership;
    if (!ownership) return () => undefined;
    try {
      return await ownership.enter(caseId);
    } catch (err) {
      if (err instanceof ParleyError && err.code === ErrorCode.Moved) throw new DraftRefusal(CloseCode.Moved, 'runs on another node', { cause: err, ...(err.moveTo ? { moveTo: err.moveTo } : {}) });
      throw err;
    }
  }

  #onConnection(ws: WebSocket, socket: Duplex, grant: DraftGrant, address: string): void {
    // Nothing the client sends is read until its document is loaded and the connection listens to
    // it (the load is asynchronous): no update is dropped before, or applied to a document not read yet.
    // (The socket was paused already while the credentials were checked: #upgrade.)
    ws.pause();
    const end = (code: number, reason: string) => {
      ws.resume();
      ws.close(code, reason);
    };
    if (this.#closing) {
      end(CloseCode.ServerRestart, 'restarting');
      return;
    }
    const connections = this.#deps.connections;
    let conn: DraftConnection | undefined;
    const handle: Connection = {
      kind: 'draft',
      principal: grant.principal,
      address,
      close: (code) => (conn ? conn.close(code, closeReason(code)) : end(code, closeReason(code))),
    };
    // Counted from the upgrade on, also while its document loads.
    const unregister = connections.add(handle);
    ws.once('close', unregister);
    const name = grant.ref.name;
    this.#waiting.set(name, (this.#waiting.get(name) ?? 0) + 1);
    const waited = () => {
      const n = (this.#waiting.get(name) ?? 1) - 1;
      if (n > 0) this.#waiting.set(name, n);
      else this.#waiting.delete(name);
    };
    this.#open(grant.ref).then(
      (doc) => {
        waited();
        if (this.#closing || ws.readyState !== ws.OPEN) {
          if (ws.readyState === ws.OPEN) end(CloseCode.ServerRestart, 'restarting');
          // Loaded for nobody (its connection went meanwhile): released as when its last connection leaves.
          if (doc.connectionCount === 0 && !this.#waiting.has(name)) this.#release(doc);
          return;
        }
        conn = new DraftConnection(ws, socket, grant.identity, grant.access, doc, this.#logger, () => connections.allow(handle, 'draft message'));
        doc.add(conn);
        conn.start();
        ws.resume();
        this.#logger.info({ doc: name, participantId: grant.identity.participantId, role: grant.identity.role, access: grant.access }, 'draft connection opened');
      },
      (err: unknown) => {
        waited();
        this.#logger.error({ err, doc: name }, 'draft could not be loaded (altered records or wrong key?)');
        end(WsCode.InternalError, 'document unavailable');
      },
    )
      .catch((err: unknown) => {
        this.#logger.error({ err, doc: name }, 'draft connection could not be started');
        if (conn) conn.close(WsCode.InternalError, 'internal error');
        else end(WsCode.InternalError, 'internal error');
      });
  }

  /** The loaded document, or the one load of it in progress (started here if there is none). */
  #open(ref: DraftDocRef): Promise<DraftDocument> {
    const live = this.#docs.get(ref.name);
    if (live) return Promise.resolve(live);
    let loading = this.#loading.get(ref.name);
    if (!loading) {
      const started = this.#load(ref).finally(() => this.#loading.delete(ref.name));
      this.#loading.set(ref.name, started);
      loading = started;
    }
    return loading;
  }

  async #load(ref: DraftDocRef): Promise<DraftDocument> {
    // Its last copy first stores its final snapshot (which deletes the rows it covers).
    await this.#releasing.get(ref.name);
    const loaded = await DraftDocument.load(ref, this.#persist, this.#logger, this.#policy, this.#deps.observeRelay);
    this.#docs.set(ref.name, loaded);
    if (ref.kind === 'agreement') loaded.on('changed', () => this.#deps.bus.emit('draft.edited', { caseId: ref.caseId }));
    loaded.once('idle', () => this.#release(loaded));
    return loaded;
  }

  /** Drops the document from the map and closes (stores) it; a later connection loads it again once that is done. */
  #release(doc: DraftDocument): void {
    const name = doc.ref.name;
    if (this.#docs.get(name) !== doc) return;
    this.#docs.delete(name);
    const stored: Promise<void> = doc
      .close()
      .catch((err: unknown) => this.#logger.error({ err, doc: name }, 'storing a draft failed'))
      .finally(() => {
        if (this.#releasing.get(name) === stored) this.#releasing.delete(name);
      });
    this.#releasing.set(name, stored);
  }

  /** The agreement as it stands now: canonical text, its hash and the state it came from. */
  async snapshotText(caseId: string): Promise<AgreementSnapshot> {
    const ref: DraftDocRef = { name: draftDocName(caseId, 'agreement'), caseId, kind: 'agreement' };
    const live = this.#docs.get(ref.name);
    if (live) return snapshotOf(live.ydoc);
    // Not loaded: its rows and queued updates (a document being stored is whole either way).
    const { updates } = await this.#persist.load(ref);
    const doc = new Y.Doc();
    try {
      for (const u of updates) Y.applyUpdate(doc, u);
      return snapshotOf(doc);
    } finally {
      doc.destroy();
    }
  }

  /** Number of loaded documents and open connections (tests, health). */
  get stats(): { documents: number; connections: number } {
    let connections = 0;
    for (const d of this.#docs.values()) connections += d.connectionCount;
    return { documents: this.#docs.size, connections };
  }

  /** Shutdown: tells clients to come back later (4503), stores every document, closes the server. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#ping);
      // Documents still loading first: their connections see the shutdown and go (and release them).
      await Promise.allSettled([...this.#loading.values()]);
      for (const doc of [...this.#docs.values()]) {
        for (const c of [...doc.connections]) c.close(CloseCode.ServerRestart, 'restarting');
        // 'idle' already released it; a document without connections is released here.
        this.#release(doc);
      }
      // Every document stores its final snapshot (failures are logged, not thrown)…
      await Promise.all([...this.#releasing.values()]);
      // …and whatever is still queued (a document whose write failed) is written before the Store closes.
      await this.#persist.close();
      for (const ws of this.#wss.clients) ws.terminate();
      await new Promise<void>((r) => this.#wss.close(() => r()));
    })();
    return this.#closing;
  }

  #pingAll(): void {
    for (const doc of this.#docs.values()) {
      for (const c of [...doc.connections]) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }
  }
}

function snapshotOf(doc: Y.Doc): AgreementSnapshot {
  const text = agreementPlainText(doc);
  return { text, hash: agreementHash(text), stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64') };
}

/** Short close reasons (the client shows its own words for each code). */
function closeReason(code: number): string {
  switch (code) {
    case CloseCode.Revoked:
      return 'link revoked';
    case CloseCode.Expired:
      return 'link expired';
    case CloseCode.SignedOut:
      return 'signed out';
    case CloseCode.ConsentChanged:
      return 'consent required';
    default:
      return 'closed';
  }
}

/** Answers a refused upgrade in plain HTTP (JSON body for programs) and closes the TCP connection. */
function refuseUpgrade(socket: Duplex, refusal: DraftRefusal): void {
  const status = refusal.httpStatus;
  const body = JSON.stringify(refusal.toAnswer());
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Refused'}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(status === 429 ? ['Retry-After: 1'] : []),
  ];
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
