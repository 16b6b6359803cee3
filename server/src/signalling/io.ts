import type http from 'node:http';
import type https from 'node:https';
import { Server } from 'socket.io';
import { CloseCode, closeMessages, ErrorCode, HandshakeAuth, ParleyError, type ClientToServerEvents, type ServerToClientEvents, type WireError } from '@parley/shared';
import { presentedBy, type AccessGate } from '../auth/AccessGate.ts';
import type { Connection, Connections } from '../auth/Connections.ts';
import type { CaseService } from '../domain/CaseService.ts';
import type { Logger } from '../logger.ts';
import { attachDispatcher } from './dispatch.ts';
import type { HandlerDeps } from './handlers/index.ts';
import type { LiveSessions } from '../live/LiveSessions.ts';
import type { ThreadService } from '../threads/ThreadService.ts';
import type { ParleySocket, SocketData } from '../live/Member.ts';
import type { CaseOwnership } from '../cluster/CaseOwnership.ts';

export interface IoDeps {
  threads: ThreadService;
  agreementOf: HandlerDeps['agreementOf'];
  ice: HandlerDeps['ice'];
  cases: CaseService;
  gate: AccessGate;
  connections: Connections;
  live: LiveSessions;
  logger: Logger;
  isAllowedOrigin: (origin: string | undefined) => boolean;
  /** The client's address for the per-address limits (http/clientAddress.ts: trusted proxies only). */
  addressOf: (req: http.IncomingMessage) => string;
  /** Which cases run on this node (several nodes: the others' connections are sent to their node). */
  ownership: CaseOwnership;
}

/** A refusal that reaches the client as `connect_error` with `data` = WireError. */
function refusal(e: ParleyError): Error & { data: WireError } {
  const err = new Error(e.message) as Error & { data: WireError };
  err.data = e.toWire();
  return err;
}

export function createIo(server: http.Server | https.Server, deps: IoDeps): Server {
  const { cases, gate, connections, live, logger, threads, agreementOf, ice } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(server, {
    serveClient: false,
    // Signalling messages are small; anything bigger is refused before parsing (docs/threats.md #7).
    maxHttpBufferSize: 64 * 1024,
    // A silent network is noticed within pingInterval + pingTimeout (≤ 5 s) [3.6.13]; a closed one at once.
    pingInterval: 2500,
    pingTimeout: 2500,
    // Cross-site WebSocket hijacking defence: only our own origin may open a socket (docs/threats.md #6).
    allowRequest: (req, cb) => {
      const ok = deps.isAllowedOrigin(req.headers.origin);
      if (!ok) logger.warn({ origin: req.headers.origin }, 'socket handshake from a foreign origin refused');
      cb(ok ? null : 'origin not allowed', ok);
    },
  });

  // Async: the credentials are checked with the store. socket.io does not await the middleware,
  // so everything is inside the try: a refusal reaches the client, never an unhandled rejection.
  io.use(async (socket, next) => {
    try {
      // Not socket.handshake.address: that is the socket's peer, which behind a proxy is the proxy.
      const address = deps.addressOf(socket.request);
      connections.admitHandshake(address);
      const parsed = HandshakeAuth.safeParse(socket.handshake.auth);
      if (!parsed.success) throw new ParleyError(ErrorCode.BadRequest, 'This version of the page is out of date. Reload it.');
      const { token, caseId, device } = parsed.data;
      if (!token && !caseId) throw new ParleyError(ErrorCode.Unauthorised, 'No credentials were presented.');
      const principal = token ? await gate.authenticate({ token }) : await gate.authenticate({ sessionToken: presentedBy(socket.handshake.headers).sessionToken ?? '', caseId });
      // A concluded case still answers its threads to those who may read them; an archived one nobody else.
      gate.requireCaseAllows(principal.identity, 'read');
      connections.checkCapacity('signalling', principal, address);
      const leave = await deps.ownership.enter(principal.identity.caseId);
      // However the connection ends, from here on (also if it closed while the case was claimed).
      socket.conn.once('close', leave);
      if (socket.conn.readyState === 'closed') leave();
      socket.data.principal = principal;
      socket.data.identity = principal.identity;
      if (device) socket.data.device = device;
      next();
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError(ErrorCode.Internal, 'Something went wrong on our side.', { cause: err });
      if (e.code === ErrorCode.Moved) logger.debug({ moveTo: e.moveTo }, 'socket sent to the node that runs its case');
      else if (e.code !== ErrorCode.RateLimited) logger.warn({ code: e.code, cause: e.code === ErrorCode.Internal ? err : undefined }, 'socket handshake refused');
      next(refusal(e));
    }
  });

  io.on('connection', (socket) => {
    const principal = socket.data.principal!;
    const conn: Connection = {
      kind: 'signalling',
      principal,
      address: deps.addressOf(socket.request),
      close: (code) => endSocket(socket, code, live),
      emit: (event, payload) => (socket.emit as (e: string, p: unknown) => void)(event, payload),
      isLive: () => socket.data.member?.socket === socket,
    };
    socket.data.connection = conn;
    const unregister = connections.add(conn);
    attachDispatcher(socket, { cases, gate, live, threads, agreementOf, ice }, connections, logger);
    socket.on('disconnect', (reason) => {
      unregister();
      const member = socket.data.member;
      // Without a goodbye the person may be back in a moment: the breakdown ladder takes over.
      if (member && member.socket === socket) live.get(member.identity.caseId)?.dropped(member, dropCause(reason));
      // A receive transport prepared on the pre-join screen goes with the connection that asked for it.
      if (socket.data.preparedIn) void live.releasePrepared(socket.data.preparedIn, socket.id);
      logger.debug({ socketId: socket.id, reason }, 'socket disconnected');
    });
  });

  return io;
}

/**
 * Shutdown: every socket is told that the service is restarting (4503, not terminal, so clients
 * keep trying to reconnect), the live cases close, then every socket is disconnected. Resolves
 * when their transports have closed, or after `boundMs` for one that does not: engine.io sends
 * what a socket has buffered (the notice) before it closes the transport. Returns how many.
 */
export async function endAllForRestart(io: Server, live: LiveSessions, boundMs: number): Promise<number> {
  const sockets = [...io.sockets.sockets.values()] as ParleySocket[];
  const code = CloseCode.ServerRestart;
  for (const s of sockets) s.emit('session:closed', { code, message: closeMessages[code] });
  // Before the disconnects: a closed live case leaves no member behind, so a disconnect is not
  // taken for a dropped connection (the breakdown procedure, its record entries).
  live.closeAll();
  const closed = sockets.map((s) => (s.conn.readyState === 'closed' ? Promise.resolve() : new Promise<void>((r) => s.conn.once('close', () => r()))));
  for (const s of sockets) s.disconnect(true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(closed), new Promise<void>((r) => (timer = setTimeout(r, boundMs)))]);
  clearTimeout(timer);
  return sockets.length;
}

/**
 * Ends one socket with a named reason. In the live session the live case removes the person
 * (their media, their presence) and says why; otherwise the socket is told why, then disconnected.
 */
function endSocket(socket: ParleySocket, code: CloseCode, live: LiveSessions): void {
  if (socket.disconnected) return;
  const member = socket.data.member;
  const lc = member && member.socket === socket ? live.get(member.identity.caseId) : undefined;
  if (member && lc) {
    lc.expel(member.id, code);
    return;
  }
  socket.emit('session:closed', { code, message: closeMessages[code] });
  // A moment for the reason to leave before the transport closes.
  setTimeout(() => socket.disconnect(true), 50);
}

/** socket.io's disconnect reasons, in the words of the session record. */
function dropCause(reason: string): string {
  switch (reason) {
    case 'ping timeout':
      return 'connection went silent';
    case 'transport close':
    case 'transport error':
      return 'connection lost';
    case 'client namespace disconnect':
      return 'reconnecting from the browser';
    default:
      return reason;
  }
}

