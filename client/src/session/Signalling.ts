import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  isTerminalClose,
  type Ack,
  type ClientToServerEvents,
  type ErrorCode,
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
 * The socket.io connection of one session: typed requests with acks and timeouts, and our own
 * reconnects for the cases socket.io does not retry by itself. Listeners are registered on
 * `socket` directly; nothing here knows what the notifications mean.
 */
export class Signalling {
  readonly socket: TypedSocket;
  private readonly reconnectPolicy = new ReconnectPolicy();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private lastCloseCode: number | null = null;
  private closed = false;

  constructor(credentials: SessionCredentials) {
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
      reconnection: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      timeout: 10_000,
    });
    // Remembered so that no path can reconnect after a terminal close, whoever asks for it.
    this.socket.on('session:closed', ({ code }) => {
      this.lastCloseCode = code;
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** False once socket.io has given up on its own, e.g. after a handshake refused by middleware. */
  get active(): boolean {
    return this.socket.active;
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
   * Connect again after a pause, for drops socket.io does not retry by itself. At most one
   * attempt is pending at a time.
   */
  scheduleReconnect(): void {
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
   * every attempt was bound to fail. Dropping the idle socket makes socket.io's manager cancel its
   * own pending retry, and connect() then opens a new connection at once.
   */
  reconnectNow(): void {
    if (this.closed || this.socket.connected) return;
    if (this.lastCloseCode !== null && isTerminalClose(this.lastCloseCode)) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.reconnectPolicy.reset();
    this.socket.disconnect();
    this.socket.connect();
  }

  /** Called once fully joined: the next drop starts again from the shortest delay. */
  resetBackoff(): void {
    this.reconnectPolicy.reset();
  }

  /** Drop the connection to start over; the owner's 'disconnect' listener schedules the way back. */
  disconnect(): void {
    this.socket.disconnect();
  }

  /** For good: no reconnect of either kind follows. */
  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.socket.io.reconnection(false);
    this.socket.disconnect();
  }
}
