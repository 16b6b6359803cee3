import type http from 'node:http';
import { Server } from 'socket.io';
import { ErrorCode, HandshakeAuth, ParleyError, type ClientToServerEvents, type ServerToClientEvents, type WireError } from '@parley/shared';
import type { CaseService } from '../domain/CaseService.ts';
import type { MediatorAuth } from '../domain/MediatorAuth.ts';
import type { Logger } from '../logger.ts';
import { parseCookies, SESSION_COOKIE } from '../http/cookies.ts';
import { attachDispatcher } from './dispatch.ts';
import type { LiveSessions } from './LiveSessions.ts';
import type { ThreadService } from '../threads/ThreadService.ts';
import type { SocketData } from './Member.ts';

export interface IoDeps {
  threads: ThreadService;
  cases: CaseService;
  auth: MediatorAuth;
  live: LiveSessions;
  logger: Logger;
  isAllowedOrigin: (origin: string | undefined) => boolean;
}

/** A refusal that reaches the client as `connect_error` with `data` = WireError. */
function refusal(e: ParleyError): Error & { data: WireError } {
  const err = new Error(e.message) as Error & { data: WireError };
  err.data = e.toWire();
  return err;
}

export function createIo(server: http.Server, deps: IoDeps): Server {
  const { cases, auth, live, logger, threads } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(server, {
    serveClient: false,
    // Signalling messages are small; anything bigger is refused before parsing (threats.md #7).
    maxHttpBufferSize: 64 * 1024,
    // A silent network is noticed within pingInterval + pingTimeout (≤ 5 s) [3.6.13]; a closed one at once.
    pingInterval: 2500,
    pingTimeout: 2500,
    // Cross-site WebSocket hijacking defence: only our own origin may open a socket (threats.md #6).
    allowRequest: (req, cb) => {
      const ok = deps.isAllowedOrigin(req.headers.origin);
      if (!ok) logger.warn({ origin: req.headers.origin }, 'socket handshake from a foreign origin refused');
      cb(ok ? null : 'origin not allowed', ok);
    },
  });

  io.use((socket, next) => {
    try {
      const parsed = HandshakeAuth.safeParse(socket.handshake.auth);
      if (!parsed.success) throw new ParleyError(ErrorCode.BadRequest, 'This version of the page is out of date. Reload it.');
      const { token, caseId } = parsed.data;
      if (token) {
        socket.data.identity = cases.authenticateInvite(token);
        socket.data.token = token;
      } else if (caseId) {
        const mediatorId = auth.mediatorForSession(parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]);
        if (!mediatorId) throw new ParleyError(ErrorCode.Unauthorised, 'Please sign in again.');
        socket.data.identity = cases.mediatorIdentity(mediatorId, caseId);
      } else {
        throw new ParleyError(ErrorCode.Unauthorised, 'No credentials were presented.');
      }
      next();
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError(ErrorCode.Internal, 'Something went wrong on our side.', { cause: err });
      logger.warn({ code: e.code, cause: e.code === ErrorCode.Internal ? err : undefined }, 'socket handshake refused');
      next(refusal(e));
    }
  });

  io.on('connection', (socket) => {
    // A personal channel: thread messages reach a person on every connection they have.
    void socket.join(personalChannel(socket.data.identity.participantId));
    attachDispatcher(socket, { cases, live, threads }, logger);
    socket.on('disconnect', (reason) => {
      const member = socket.data.member;
      // Without a goodbye the person may be back in a moment: the breakdown ladder takes over.
      if (member && member.socket === socket) live.get(member.identity.caseId)?.dropped(member, dropCause(reason));
      logger.debug({ socketId: socket.id, reason }, 'socket disconnected');
    });
  });

  return io;
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

export const personalChannel = (participantId: string): string => `p:${participantId}`;
