import { io, type Socket } from 'socket.io-client';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  isFinalError,
  isTerminalClose,
  type Ack,
  type ClientToServerEvents,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ServerToClientEvents,
  type WireError,
} from '@parley/shared';
import { ReconnectPolicy } from './ReconnectPolicy.ts';
import { deviceId } from './device-id.ts';

export type SessionCredentials = { kind: 'invitee'; token: string } | { kind: 'mediator'; caseId: string };

export type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type RequestErrorCode = ErrorCode | 'timeout' | 'disconnected';

export class SessionRequestError extends Error {
  readonly code: RequestErrorCode;
  readonly request: RequestName;
  constructor(request: RequestName, code: RequestErrorCode, message: string) {
    super(message);
    this.name = 'SessionRequestError';
    this.request = request;
    this.code = code;
  }
}

export const REQUEST_TIMEOUT_MS = 10_000;

/** Wire errors after which trying again cannot help (decided once, in shared/src/close-codes.ts). */
export { isFinalError } from '@parley/shared';

export function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

export function errorCodeOf(error: unknown): string | null {
  if (error instanceof SessionRequestError) return error.code;
  return null;
}

/**
 * The socket.io connection of one session: typed requests with acks and timeouts, and every
 * reconnect. socket.io's own reconnection is off: after any drop or failed attempt (network, server
 * restart, a failed join, a dead media transport) one policy, ReconnectPolicy, decides when to try
 * again, and never after a terminal close or a final refusal. Listeners are registered on `socket`
 * directly; nothing here knows what the notifications mean.
 */
export class Signalling {
  readonly socket: TypedSocket;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private lastCloseCode: number | null = null;
  private closed = false;
  /**
   * Several nodes: the server this session was sent to (`moved`) instead of the page's own, and
   * whether the last move came before any connection succeeded there (a second one waits its turn).
   */
  private movedTo: string | null = null;
  private movedSinceConnect = false;
  /** A server this session was sent to that did not answer: until a connection succeeds, it is not followed again. */
  private unreachable: string | null = null;
  /** The page's own server, as socket.io's manager had it before the first move. */
  private home: string | undefined;

  constructor(
    credentials: SessionCredentials,
    private readonly reconnectPolicy = new ReconnectPolicy(),
  ) {
    const auth =
      credentials.kind === 'invitee'
        ? { protocol: PROTOCOL_VERSION, token: credentials.token, device: deviceId() }
        : { protocol: PROTOCOL_VERSION, caseId: credentials.caseId, device: deviceId() };

    // Same origin: the cookie of a signed-in mediator travels with the WebSocket upgrade.
    this.socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      auth,
      autoConnect: false,
      // Ours is the only reconnect policy: two backoffs running at once retried twice as often.
      reconnection: false,
      timeout: 10_000,
    });
    // Remembered so that no path can reconnect after a terminal close, whoever asks for it.
    this.socket.on('session:closed', ({ code }) => {
      this.lastCloseCode = code;
    });
    // Registered before the owner's listeners: a final refusal or close() that follows cancels it.
    this.socket.on('disconnect', () => this.scheduleReconnect());
    this.socket.on('connect', () => {
      this.movedSinceConnect = false;
      this.unreachable = null;
    });
    this.socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: unknown }).data;
      if (isWireError(data) && data.code === ErrorCode.Moved && data.moveTo) return this.follow(data.moveTo);
      // The server this session was sent to does not answer (it may have died): the page's own
      // server knows where the case runs now.
      if (this.movedTo && !isWireError(data)) {
        this.unreachable = this.movedTo;
        this.setServer(null);
      }
      // A refused handshake (bad link, no consent, wrong case) stays refused: the owner ends.
      if (!(isWireError(data) && isFinalError(data.code))) this.scheduleReconnect();
    });
  }

  /** Another server runs this case: connect there, at once the first time, then at the policy's pace (no ping-pong between two). */
  private follow(url: string): void {
    if (!/^https?:\/\//.test(url)) return this.scheduleReconnect();
    // The page's server still names the one that did not answer (its lease has not run out yet):
    // ask the page's server again at the policy's pace, until it runs the case itself.
    if (url === this.unreachable) return this.scheduleReconnect();
    this.setServer(url);
    if (this.movedSinceConnect) return this.scheduleReconnect();
    this.movedSinceConnect = true;
    this.cancelReconnect();
    if (!this.closed) this.socket.connect();
  }

  /**
   * Where the next connection goes: `url`, or the page's own server (null). socket.io's manager
   * opens each new connection to its `uri`, a field its types keep private: changed here, because a
   * new socket object instead would lose every listener the session registered on this one.
   */
  private setServer(url: string | null): void {
    const manager = this.socket.io as unknown as { uri: string };
    // A refused handshake leaves the manager's connection to the old server open, and the next
    // connect() would reuse it: closed here (nothing to tell the owner, the session was not connected).
    this.socket.disconnect();
    this.home ??= manager.uri;
    this.movedTo = url;
    manager.uri = url ?? this.home;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  connect(): void {
    this.socket.connect();
  }

  /**
   * Send one request and wait for its ack. Rejects with a SessionRequestError carrying the wire
   * error code on `{ ok: false }`, 'timeout' when no ack came in time, 'disconnected' when offline.
   */
  request<K extends RequestName>(name: K, payload: RequestPayload<K>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<RequestResults[K]> {
    const socket = this.socket;
    if (!socket.connected) {
      return Promise.reject(new SessionRequestError(name, 'disconnected', 'Not connected.'));
    }
    return new Promise<RequestResults[K]>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new SessionRequestError(name, 'timeout', 'The server did not answer in time.'));
      }, timeoutMs);
      const ack = (res: Ack<RequestResults[K]>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (res && res.ok) resolve(res.data);
        else if (res && isWireError(res.error)) reject(new SessionRequestError(name, res.error.code, res.error.message));
        else reject(new SessionRequestError(name, 'internal', 'The server sent an answer we could not read.'));
      };
      // socket.io's typed emit cannot follow a generic event name through the mapped type.
      (socket as unknown as { emit(ev: K, p: RequestPayload<K>, a: typeof ack): void }).emit(name, payload, ack);
    });
  }

  /**
   * Connect again after the policy's pause. At most one attempt is pending at a time; none after
   * close() or a terminal close.
   */
  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectPolicy.nextDelay(this.lastCloseCode);
    if (delay === null) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  /**
   * The device is back online: try now instead of waiting out a backoff delay that grew while
   * every attempt was bound to fail. An attempt still hanging on the dead network is dropped first
   * (connect() would wait for it), then a new connection opens at once.
   */
  reconnectNow(): void {
    if (this.closed || this.socket.connected) return;
    if (this.lastCloseCode !== null && isTerminalClose(this.lastCloseCode)) return;
    this.cancelReconnect();
    this.reconnectPolicy.reset();
    this.socket.disconnect();
    this.socket.connect();
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /** Called once fully joined: the next drop starts again from the shortest delay. */
  resetBackoff(): void {
    this.reconnectPolicy.reset();
  }

  /** Drop the connection to start over; the way back is scheduled like after any drop. */
  disconnect(): void {
    this.socket.disconnect();
  }

  /** For good: no reconnect follows. */
  close(): void {
    this.closed = true;
    this.cancelReconnect();
    this.socket.disconnect();
  }
}
