import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode, DRAFT_LIMITS, DRAFT_PATH_PREFIX, draftDocName, type DraftDocRef } from '@parley/shared';
import type { Keyring } from '../crypto/Keyring.ts';
import type { CaseService } from '../domain/CaseService.ts';
import type { AccessGate } from '../auth/AccessGate.ts';
import type { Connection, Connections } from '../auth/Connections.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Store } from '../store/Store.ts';
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
  readonly #persist: DraftStore;
  readonly #policy: CompactionPolicy;
  readonly #ping: ReturnType<typeof setInterval>;
  #closing: Promise<void> | undefined;

  constructor(deps: DraftHubDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'drafts' });
    // One store, hence one write-behind queue, for every document of the hub: a batch of updates
    // from many documents is one transaction.
    this.#persist = new DraftStore(deps.store, deps.keys, (caseId) => deps.cases.caseKey(caseId), { logger: this.#logger });
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
    const address = this.#deps.addressOf(req);
    let grant: DraftGrant;
    try {
      if (this.#closing) throw new DraftRefusal(CloseCode.ServerRestart, 'restarting');
      try {
        this.#deps.connections.admitHandshake(address);
      } catch (err) {
        throw new DraftRefusal(WsCode.TryAgainLater, 'too many connection attempts', { cause: err });
      }
      grant = authenticateDraft(req, this.#deps);
      try {
        this.#deps.connections.checkCapacity('draft', grant.principal, address);
      } catch (err) {
        throw new DraftRefusal(WsCode.TryAgainLater, 'too many connections', { cause: err });
      }
    } catch (err) {
      const refusal = err instanceof DraftRefusal ? err : new DraftRefusal(WsCode.InternalError, 'internal error', { cause: err });
      if (refusal.closeCode !== WsCode.TryAgainLater) {
        this.#logger.warn({ code: refusal.closeCode, reason: refusal.message, origin: req.headers.origin, cause: refusal.closeCode === WsCode.InternalError ? err : undefined }, 'draft connection refused');
      }
      refuseUpgrade(socket, refusal);
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, socket, grant, address));
    return true;
  }

  #onConnection(ws: WebSocket, socket: Duplex, grant: DraftGrant, address: string): void {
    if (this.#closing) {
      ws.close(CloseCode.ServerRestart, 'restarting');
      return;
    }
    let doc: DraftDocument;
    try {
      doc = this.#open(grant.ref);
    } catch (err) {
      this.#logger.error({ err, doc: grant.ref.name }, 'draft could not be loaded (altered records or wrong key?)');
      ws.close(WsCode.InternalError, 'document unavailable');
      return;
    }
    const connections = this.#deps.connections;
    let conn: DraftConnection | undefined;
    const handle: Connection = {
      kind: 'draft',
      principal: grant.principal,
      address,
      close: (code) => conn?.close(code, closeReason(code)),
    };
    const unregister = connections.add(handle);
    conn = new DraftConnection(ws, socket, grant.identity, grant.access, doc, this.#logger, () => connections.allow(handle, 'draft message'));
    ws.once('close', unregister);
    doc.add(conn);
    conn.start();
    this.#logger.info({ doc: grant.ref.name, participantId: grant.identity.participantId, role: grant.identity.role, access: grant.access }, 'draft connection opened');
  }

  #open(ref: DraftDocRef): DraftDocument {
    let doc = this.#docs.get(ref.name);
    if (doc) return doc;
    doc = DraftDocument.load(ref, this.#persist, this.#logger, this.#policy, this.#deps.observeRelay);
    const loaded = doc;
    this.#docs.set(ref.name, loaded);
    if (ref.kind === 'agreement') loaded.on('changed', () => this.#deps.bus.emit('draft.edited', { caseId: ref.caseId }));
    loaded.once('idle', () => {
      this.#docs.delete(ref.name);
      this.#safely(() => loaded.close(), ref.name);
    });
    return loaded;
  }

  /** The agreement as it stands now: canonical text, its hash and the state it came from. */
  async snapshotText(caseId: string): Promise<AgreementSnapshot> {
    const ref: DraftDocRef = { name: draftDocName(caseId, 'agreement'), caseId, kind: 'agreement' };
    const live = this.#docs.get(ref.name);
    const doc = live?.ydoc ?? new Y.Doc();
    try {
      if (!live) for (const u of this.#persist.load(ref).updates) Y.applyUpdate(doc, u);
      const text = agreementPlainText(doc);
      return { text, hash: agreementHash(text), stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64') };
    } finally {
      if (!live) doc.destroy();
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
      for (const doc of [...this.#docs.values()]) {
        for (const c of [...doc.connections]) c.close(CloseCode.ServerRestart, 'restarting');
        // 'idle' already stored and dropped it; a document without connections is closed here.
        if (this.#docs.get(doc.ref.name) === doc) {
          this.#docs.delete(doc.ref.name);
          this.#safely(() => doc.close(), doc.ref.name);
        }
      }
      // Whatever is still queued (a document whose write failed) is written before the Store closes.
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

  #safely(fn: () => void, doc: string): void {
    try {
      fn();
    } catch (err) {
      this.#logger.error({ err, doc }, 'storing a draft failed');
    }
  }
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
