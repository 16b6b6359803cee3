import { ErrorCode, ParleyError, requestSchemas, type Ack, type RequestName, type WireError } from '@parley/shared';
import type { Logger } from '../logger.ts';
import { handlers, type HandlerDeps } from './handlers/index.ts';
import type { ParleySocket } from '../live/Member.ts';
import type { Connections } from '../auth/Connections.ts';

const names = new Set<string>(Object.keys(requestSchemas));

/**
 * The one dispatch point of a socket: limit → parse → authorise → handle → ack. Nothing a client
 * sends can throw past here; every refusal is a typed ack plus a log line, and state is untouched.
 * Every event, known or not, is charged to the person's and the address's shared budget
 * (Connections.allow), so neither more sockets nor made-up event names buy more work.
 */
export function attachDispatcher(socket: ParleySocket, deps: HandlerDeps, connections: Connections, logger: Logger): void {
  const log = logger.child({ caseId: socket.data.identity.caseId, participantId: socket.data.identity.participantId, socketId: socket.id });
  const conn = socket.data.connection!;
  let unknown = 0;
  const unknownLog = setInterval(() => {
    // One line per second at most, however many unknown events arrive (they used to cost a line each).
    if (unknown) log.warn({ refused: unknown }, 'unknown events refused');
    unknown = 0;
  }, 1000);
  socket.once('disconnect', () => clearInterval(unknownLog));

  // A client that keeps sending after being told to slow down is not a person: after a burst's worth
  // of refusals in one second its connection is dropped (a real client's reconnect policy backs off;
  // a script meets the per-address handshake limit). Answering each surplus message costs too.
  let refusedInWindow = 0;
  let windowStart = performance.now();
  const overBudget = (): boolean => {
    const now = performance.now();
    if (now - windowStart > 1000) {
      windowStart = now;
      refusedInWindow = 0;
    }
    if (++refusedInWindow > connections.refusalsBeforeDisconnect && socket.connected) {
      log.warn({ refused: refusedInWindow }, 'connection dropped: it kept sending past its rate limit');
      socket.disconnect(true);
    }
    return socket.connected;
  };

  // Each request is authorised with the store (async) before its handler starts. Handlers used to
  // start in the order the requests arrived (the check was synchronous), then ran side by side: a
  // request waits here only for the check of the one before it, so they still start in that order.
  const turns = new Turns();

  for (const name of names as Set<RequestName>) {
    socket.on(name, (...args: unknown[]) => {
      // socket.io puts the ack last, whatever came before it: a request sent with no payload or
      // with extra arguments still has its ack, and is answered (found by fuzz.integration.test.ts).
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
      if (!connections.allow(conn)) {
        if (overBudget() && typeof ack === 'function') safeAck(ack, { ok: false, error: { code: ErrorCode.RateLimited, message: 'Too many requests at once. Please slow down.' } }, log);
        return;
      }
      void dispatch(socket, name, args, ack, deps, log, turns);
    });
  }

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && names.has(event)) return;
    const ack = args[args.length - 1];
    if (!connections.allow(conn, 'unknown event')) return void overBudget();
    unknown++;
    if (typeof ack === 'function') {
      safeAck(ack, { ok: false, error: { code: ErrorCode.UnknownEvent, message: 'Unknown request.' } }, log);
    }
  });
}

async function dispatch(socket: ParleySocket, name: RequestName, args: unknown[], ack: unknown, deps: HandlerDeps, log: Logger, turns: Turns): Promise<void> {
  const started = performance.now();
  if (typeof ack !== 'function') {
    // Requests without an ack cannot be answered; refuse them without acting.
    log.warn({ event: name }, 'request without ack ignored');
    return;
  }
  let result: Ack<unknown>;
  let turn: Turn | undefined;
  let handled: Promise<unknown> | undefined;
  try {
    // One payload per request; more arguments are a malformed request, not something to ignore.
    if (args.length > 1) throw new ParleyError(ErrorCode.BadRequest, 'The request was not valid.', { details: [{ path: '', message: `expected one payload, got ${args.length} arguments` }] });
    const parsed = requestSchemas[name].safeParse(args[0]);
    if (!parsed.success) {
      throw new ParleyError(ErrorCode.BadRequest, 'The request was not valid.', {
        details: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    // A malformed request is answered at once; a valid one waits for the check of the one before it.
    turn = turns.take();
    await turn.ready;
    // Who is asking, re-checked on every request (withdrawn or expired link, signed-out or expired
    // session, consent where the request needs it): handlers read socket.data.identity as it stands now.
    socket.data.identity = await deps.gate.authorise(socket.data.principal!, name, !!socket.data.member);
    // The checks before it may have waited: a request of a connection that closed meanwhile does
    // nothing (what it would set up, a transport or a place, would have nobody to release it).
    if (!socket.connected) throw new ParleyError(ErrorCode.NotInSession, 'The connection closed.');
    const handler = handlers[name] as (s: ParleySocket, p: unknown, d: HandlerDeps) => Promise<unknown>;
    handled = handler(socket, parsed.data, deps);
    // Started (its synchronous part has run): the next request's check may go ahead.
    turn.release();
    result = { ok: true, data: await handled };
    log.debug({ event: name, ms: Math.round(performance.now() - started) }, 'request handled');
  } catch (err) {
    const wire: WireError =
      err instanceof ParleyError ? err.toWire() : { code: ErrorCode.Internal, message: 'Something went wrong on our side. Please try again.' };
    if (wire.code === ErrorCode.Internal) log.error({ event: name, err }, 'request failed');
    else log.warn({ event: name, code: wire.code, details: wire.details }, 'request refused');
    result = { ok: false, error: wire };
  } finally {
    turn?.release();
  }
  // What the request changed in the live session (a move, a hold, a timer…) is stored before the
  // person is told it is done: a restart after the ack finds it (LiveStateKeeper). A refused
  // request may have changed part of it too (a move that failed half-way); one refused before its
  // handler ran changed nothing, and is answered at once.
  if (handled) await deps.live.settle(socket.data.identity.caseId);
  safeAck(ack, result, log);
}

interface Turn {
  ready: Promise<void>;
  release: () => void;
}

/**
 * One socket's requests in the order they arrived: each takes a turn, waits for the turn before it
 * to be released (its check done and its handler started, or the request refused), then releases
 * its own. Only the start is ordered; the handlers run side by side as they always did.
 */
class Turns {
  #last: Promise<void> = Promise.resolve();

  take(): Turn {
    const ready = this.#last;
    let release!: () => void;
    this.#last = new Promise<void>((resolve) => (release = resolve));
    return { ready, release };
  }
}

function safeAck(ack: unknown, result: Ack<unknown>, log: Logger): void {
  try {
    (ack as (r: Ack<unknown>) => void)(result);
  } catch (err) {
    log.warn({ err }, 'ack failed');
  }
}
