import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import type * as Y from 'yjs';
import { CloseCode, DRAFT_LIMITS, presenceColour, type DraftAccess } from '@parley/shared';
import type { Identity } from '../domain/CaseService.ts';
import type { Logger } from '../logger.ts';
import { decodeAwarenessUpdate, encodeAwarenessEntries, readMessage, syncStep1Message, syncStep2Message } from './protocol.ts';

/** Standard WebSocket codes used besides the named 44xx ones (RFC 6455 §7.4.1). */
export const WsCode = { Normal: 1000, GoingAway: 1001, UnsupportedData: 1003, InvalidPayload: 1007, MessageTooBig: 1009, InternalError: 1011, TryAgainLater: 1013 } as const;

/** What applying someone's update to a document came to. */
export type ApplyResult = 'applied' | 'unchanged' | 'too-large' | 'malformed';

/**
 * What a connection uses of its document (DraftDocument implements it). Declared here rather than
 * imported, so that the document and its connections do not import each other.
 */
export interface ConnectionDocument {
  readonly ref: { readonly name: string };
  readonly ydoc: Y.Doc;
  readonly claimedAwarenessIds: Set<number>;
  awarenessSnapshot(): Uint8Array | null;
  remove(conn: DraftConnection): void;
  /** `arrivedAt`: performance.now() when the message reached the server (the relay is timed from it). */
  applyFrom(conn: DraftConnection, update: Uint8Array, arrivedAt?: number): ApplyResult;
  applyAwarenessFrom(conn: DraftConnection, update: Uint8Array, arrivedAt?: number): void;
}

/**
 * One person's socket on one document. Single dispatch point: parse → authorise (edit or read, as
 * decided at connect) → handle. A read-only connection receives updates and presence but its own
 * document changes are dropped with a log line (docs/threats.md #3).
 */
export class DraftConnection {
  readonly ws: WebSocket;
  /** The TCP (or TLS) socket under `ws`: corked while one turn of the event loop relays to it. */
  readonly #socket: Duplex;
  #corked = false;
  readonly identity: Identity;
  readonly access: Exclude<DraftAccess, 'none'>;
  readonly doc: ConnectionDocument;
  /** Yjs client ids this connection announced presence for (removed when it closes). */
  readonly awarenessIds = new Set<number>();
  readonly #logger: Logger;
  alive = true;
  #closed = false;
  /** The person's (and address's) shared message budget, kept by the connection registry. */
  readonly #allow: () => boolean;

  constructor(ws: WebSocket, socket: Duplex, identity: Identity, access: Exclude<DraftAccess, 'none'>, doc: ConnectionDocument, logger: Logger, allow: () => boolean) {
    this.ws = ws;
    this.#socket = socket;
    this.#allow = allow;
    this.identity = identity;
    this.access = access;
    this.doc = doc;
    this.#logger = logger.child({ doc: doc.ref.name, caseId: identity.caseId, participantId: identity.participantId, access });
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.#onClose());
    ws.on('error', (err) => {
      // ws's own refusals of a client's frame (too big, bad opcode, invalid UTF-8) close the socket
      // (1009, 1002, 1007): bad input, so a warning like every other refusal here (found by
      // draft-fuzz.integration.test.ts: an oversized frame used to leave only a debug line).
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('WS_ERR_')) this.#logger.warn({ code, reason: err.message }, 'draft frame refused by the WebSocket layer; connection closed');
      else this.#logger.debug({ err }, 'draft socket error');
    });
  }

  /** Starts the y-websocket handshake: our state vector (editors only: we would drop a reader's answer) and everyone's presence. */
  start(): void {
    if (this.access === 'edit') this.send(syncStep1Message(this.doc.ydoc));
    const presence = this.doc.awarenessSnapshot();
    if (presence) this.send(presence);
  }

  /**
   * Queues a message; it is written when the current turn of the event loop ends (process.nextTick).
   * Every message read in one go from a socket (a keystroke's change and caret when they arrive
   * together, a backlog when the server is behind) then leaves in one write per receiver and wakes
   * its editor once. With 25 editors the writes (a system call each), not the Yjs work, were most
   * of the server's time per keystroke. A lone message costs the same one write as before: a
   * typist's change and caret are usually read apart (strace of the benchmark: ~47 writes per
   * keystroke at 25 editors), so this helps most when the server falls behind.
   */
  send(data: Uint8Array): void {
    if (this.#closed || this.ws.readyState !== this.ws.OPEN) return;
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(this.#uncork);
    }
    this.ws.send(data, this.#afterSend);
  }

  readonly #uncork = (): void => {
    this.#corked = false;
    this.#socket.uncork();
  };

  readonly #afterSend = (err?: Error): void => {
    if (err) this.close(WsCode.InternalError, 'send failed');
  };

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.ws.close(code, reason.slice(0, 120));
    this.#onClose();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.doc.remove(this);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const arrivedAt = performance.now();
    if (this.#closed) return;
    if (!this.#allow()) {
      this.#logger.warn('draft message flood: connection closed, the client resyncs on reconnect');
      this.close(WsCode.TryAgainLater, 'too many messages');
      return;
    }
    if (!isBinary || !(data instanceof Buffer)) {
      this.#logger.warn('non-binary draft message refused');
      this.close(WsCode.UnsupportedData, 'binary messages only');
      return;
    }
    let msg: ReturnType<typeof readMessage>;
    try {
      msg = readMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (err) {
      this.#logger.warn({ err: String(err) }, 'malformed draft message refused');
      this.close(WsCode.InvalidPayload, 'malformed message');
      return;
    }
    switch (msg.type) {
      case 'sync-step1': {
        // A state vector is only decoded when the answer is built: a garbage one threw out of the
        // socket's message handler, an uncaught exception that stopped the server (found by
        // draft-fuzz.integration.test.ts).
        let answer: Uint8Array;
        try {
          answer = syncStep2Message(this.doc.ydoc, msg.stateVector);
        } catch (err) {
          this.#logger.warn({ err: String(err) }, 'malformed state vector refused');
          this.close(WsCode.InvalidPayload, 'malformed state vector');
          return;
        }
        this.send(answer);
        return;
      }
      case 'sync-update':
        return this.#onUpdate(msg.update, msg.step, arrivedAt);
      case 'awareness':
        return this.#onAwareness(msg.update, arrivedAt);
      case 'query-awareness': {
        const presence = this.doc.awarenessSnapshot();
        if (presence) this.send(presence);
        return;
      }
      case 'auth':
        return; // credentials are checked on connect only
    }
  }

  #onUpdate(update: Uint8Array, step: 'step2' | 'update', arrivedAt: number): void {
    if (this.access !== 'edit') {
      this.#logger.warn({ step, bytes: update.length }, 'update from a read-only connection ignored');
      return;
    }
    const r = this.doc.applyFrom(this, update, arrivedAt);
    if (r === 'too-large') {
      this.#logger.warn({ bytes: update.length, limit: DRAFT_LIMITS.maxDocumentBytes }, 'draft update refused: document would be too large');
      this.close(CloseCode.TooLarge, 'document too large');
    } else if (r === 'malformed') {
      this.close(WsCode.InvalidPayload, 'malformed update');
    }
  }

  /**
   * Presence is bounded (message size, state size, client ids per connection) and cannot be
   * forged: the server writes the authenticated name, role and colour into `user`
   * (y-protocols' modifyAwarenessUpdate is meant for exactly this).
   */
  #onAwareness(update: Uint8Array, arrivedAt: number): void {
    if (update.length > DRAFT_LIMITS.maxAwarenessMessageBytes) {
      this.#logger.warn({ bytes: update.length }, 'presence update too large');
      this.close(CloseCode.TooLarge, 'presence too large');
      return;
    }
    let entries: ReturnType<typeof decodeAwarenessUpdate>;
    try {
      entries = decodeAwarenessUpdate(update);
    } catch (err) {
      this.#logger.warn({ err: String(err) }, 'malformed presence refused');
      this.close(WsCode.InvalidPayload, 'malformed presence');
      return;
    }
    const accepted: Array<{ clientID: number; clock: number; state: unknown }> = [];
    for (const e of entries) {
      const mine = this.awarenessIds.has(e.clientID);
      if (!mine) {
        if (e.state === null) continue; // nobody else's presence may be removed
        // y-websocket's provider relays every presence it hears of (Parley's client and the
        // benchmark's editors send their own only, see shared/src/draft-presence.ts; other
        // clients may not), so others' ids can arrive here all the time: dropped quietly. An id once used by any connection is never taken over by another
        // (no ghost caret under someone else's name after they leave).
        if (this.doc.claimedAwarenessIds.has(e.clientID)) continue;
        if (this.awarenessIds.size >= DRAFT_LIMITS.maxAwarenessClientsPerConnection) {
          this.#logger.warn({ clientID: e.clientID }, 'presence for a surplus client id ignored');
          continue;
        }
      }
      if (e.state !== null && (typeof e.state !== 'object' || Array.isArray(e.state) || e.jsonBytes > DRAFT_LIMITS.maxAwarenessStateBytes)) {
        this.#logger.warn({ bytes: e.jsonBytes }, 'presence state refused');
        continue;
      }
      if (e.state !== null && !mine) {
        this.awarenessIds.add(e.clientID);
        this.doc.claimedAwarenessIds.add(e.clientID);
      }
      accepted.push({
        clientID: e.clientID,
        clock: e.clock,
        state:
          e.state === null
            ? null
            : {
                ...(e.state as Record<string, unknown>),
                user: { name: this.identity.displayName, role: this.identity.role, color: presenceColour(this.identity.participantId) },
              },
      });
    }
    if (accepted.length > 0) this.doc.applyAwarenessFrom(this, encodeAwarenessEntries(accepted), arrivedAt);
  }
}
