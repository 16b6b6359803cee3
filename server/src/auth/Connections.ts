import { CloseCode, ErrorCode, ParleyError, requiresConsent, type Notifications } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { AccessGate, Principal, Standing } from './AccessGate.ts';
import type { Limits } from './limits.ts';
import { KeyedRateLimiter } from './RateLimiter.ts';

export type ConnectionKind = 'signalling' | 'draft';

/** One long-lived connection as the registry sees it; the transport layer supplies `close` and `emit`. */
export interface Connection {
  readonly kind: ConnectionKind;
  readonly principal: Principal;
  /** The client's address (http/clientAddress.ts: the socket's peer unless a trusted proxy forwarded it). */
  readonly address: string;
  /** Ends the connection with a named reason. Must be idempotent. */
  close(code: CloseCode): void;
  /** Signalling connections: sends one notification. */
  emit?<K extends keyof Notifications>(event: K, payload: Notifications[K]): void;
  /** Signalling connections: whether the person is in the live session on this connection. */
  isLive?(): boolean;
}

/** Longest timer Node can arm (about 24.8 days); longer expiries re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who a connection belongs to for per-person limits: one invitation, or one mediator account. */
export const personKey = (p: Principal): string => (p.credential.kind === 'mediator' ? `m:${p.credential.mediatorId}` : `p:${p.identity.participantId}`);

interface Entry {
  conn: Connection;
  person: string;
  timer: ReturnType<typeof setTimeout> | null;
  /** Closed by the registry: nothing more is delivered, whatever re-check is still in flight. */
  ended: boolean;
  /**
   * The deliveries to this connection in order: each waits for its own re-check and for the one
   * before it, so a slow answer from the store never lets a later message overtake an earlier one.
   */
  outbox: Promise<void>;
}

/**
 * Every open socket.io and draft connection, by person and by address. The one place that:
 * - caps how many connections one person and one address may hold, and how fast an address may open them;
 * - keeps one request budget per person and per address, shared by all their connections;
 * - ends every connection of a person whose link was withdrawn or expired, or whose session ended,
 *   with a named reason (not only the one in the live session);
 * - re-checks credentials and consent against the store before each message delivery, so nothing
 *   reaches someone who is no longer entitled to it even if an event to end their connection was
 *   missed (with several nodes an event can be: docs/scaling.md, step 2). Deliveries are thread
 *   messages at the pace people write, so one check per recipient costs little even on Postgres.
 */
export class Connections {
  readonly #gate: AccessGate;
  readonly #limits: Limits;
  readonly #log: Logger;
  readonly #entries = new Map<Connection, Entry>();
  /** Indexes, so a handshake or a delivery costs the person's connections, not everyone's. */
  readonly #byParticipant = new Map<string, Set<Connection>>();
  readonly #counts = { person: new Map<string, number>(), address: new Map<string, number>() };
  readonly #handshakes: KeyedRateLimiter;
  readonly #rate: Record<ConnectionKind, { person: KeyedRateLimiter; address: KeyedRateLimiter }>;
  /** Refusals since the last log line, per person or address: one warn line per second, not one per message. */
  readonly #refused = new Map<string, { kind: string; n: number }>();
  readonly #logTimer: ReturnType<typeof setInterval>;

  constructor(gate: AccessGate, limits: Limits, logger: Logger) {
    this.#gate = gate;
    this.#limits = limits;
    this.#log = logger.child({ component: 'connections' });
    this.#handshakes = new KeyedRateLimiter(limits.handshakesPerAddress.perSecond, limits.handshakesPerAddress.burst);
    this.#rate = {
      signalling: {
        person: new KeyedRateLimiter(limits.signalling.perPerson.perSecond, limits.signalling.perPerson.burst),
        address: new KeyedRateLimiter(limits.signalling.perAddress.perSecond, limits.signalling.perAddress.burst),
      },
      draft: {
        person: new KeyedRateLimiter(limits.draft.perPerson.perSecond, limits.draft.perPerson.burst),
        address: new KeyedRateLimiter(limits.draft.perAddress.perSecond, limits.draft.perAddress.burst),
      },
    };
    this.#logTimer = setInterval(() => this.#flushRefusals(), 1000);
    this.#logTimer.unref();
  }

  /**
   * A withdrawn link, a withdrawn consent or a sign-out ends every connection opened with it, live
   * or not, socket or draft; a rewritten protocol agreement re-checks the case's connections (see `recheckCase`).
   */
  subscribe(bus: EventBus): () => void {
    return bus.onEach(
      {
        'invitation.revoked': ({ participantId }) => void this.closePerson(participantId, CloseCode.Revoked),
        'participant.removed': ({ participantId }) => void this.closePerson(participantId, CloseCode.Removed),
        // Out of every live room and off the threads and the draft until they agree again.
        'consent.withdrawn': ({ identity }) => void this.closePerson(identity.participantId, CloseCode.ConsentWithdrawn),
        'mediator.signed-out': ({ sessionHash }) => void this.closeSession(sessionHash, CloseCode.SignedOut),
        'protocol.changed': ({ caseId }) => this.recheckCase(caseId),
        // Concluded: no session, no draft editing; the person's page reconnects to read what they may.
        'case.concluded': ({ caseId }) => void this.closeCase(caseId, CloseCode.CaseConcluded),
        'case.archived': ({ caseId }) => void this.closeCase(caseId, CloseCode.CaseClosed),
      },
      // Made on another node (its HTTP API), for a case whose people are connected here.
      { fromOtherNodes: true },
    );
  }

  /** Refused requests in one second after which a signalling connection is dropped (see dispatch). */
  get refusalsBeforeDisconnect(): number {
    return this.#limits.signalling.perPerson.burst;
  }

  /** Before authenticating a new connection: refuses an address that opens connections too fast. */
  admitHandshake(address: string): void {
    if (this.#handshakes.take(address)) return;
    this.#countRefusal(`a:${address}`, 'handshake');
    throw new ParleyError(ErrorCode.RateLimited, 'Too many connection attempts. Please wait a moment and try again.');
  }

  /** Refuses a connection that would exceed the person's or the address's cap. */
  checkCapacity(kind: ConnectionKind, principal: Principal, address: string): void {
    const caps = this.#limits[kind];
    const person = personKey(principal);
    const mine = this.#counts.person.get(`${kind}|${person}`) ?? 0;
    const fromAddress = this.#counts.address.get(`${kind}|${address}`) ?? 0;
    if (mine >= caps.connectionsPerPerson || fromAddress >= caps.connectionsPerAddress) {
      this.#countRefusal(mine >= caps.connectionsPerPerson ? person : `a:${address}`, `${kind} connection cap`);
      throw new ParleyError(ErrorCode.RateLimited, 'You have too many windows open on this case. Close some and try again.');
    }
  }

  /** Registers an authenticated connection; returns the function that unregisters it (on close). */
  add(conn: Connection): () => void {
    const entry: Entry = { conn, person: personKey(conn.principal), timer: null, ended: false, outbox: Promise.resolve() };
    this.#entries.set(conn, entry);
    const pid = conn.principal.identity.participantId;
    let set = this.#byParticipant.get(pid);
    if (!set) this.#byParticipant.set(pid, (set = new Set()));
    set.add(conn);
    const keys = { person: `${conn.kind}|${entry.person}`, address: `${conn.kind}|${conn.address}` };
    bump(this.#counts.person, keys.person, 1);
    bump(this.#counts.address, keys.address, 1);
    this.#armExpiry(entry);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (entry.timer) clearTimeout(entry.timer);
      this.#entries.delete(conn);
      set.delete(conn);
      if (set.size === 0 && this.#byParticipant.get(pid) === set) this.#byParticipant.delete(pid);
      bump(this.#counts.person, keys.person, -1);
      bump(this.#counts.address, keys.address, -1);
    };
  }

  /** One message or request of this connection: false when the person or the address is over budget. */
  allow(conn: Connection, what = 'request'): boolean {
    const r = this.#rate[conn.kind];
    const person = personKey(conn.principal);
    // The person first: their flood is charged to them; the address bucket bounds what several
    // identities (or one person's many identities) can do together from one machine.
    const okPerson = r.person.take(person);
    if (!okPerson) {
      this.#countRefusal(person, `${conn.kind} ${what}`);
      return false;
    }
    if (!r.address.take(conn.address)) {
      this.#countRefusal(`a:${conn.address}`, `${conn.kind} ${what}`);
      return false;
    }
    return true;
  }

  /** Open connections of one person (participant id) in one case. */
  of(participantId: string, kind?: ConnectionKind): Connection[] {
    return [...(this.#byParticipant.get(participantId) ?? [])].filter((c) => !kind || c.kind === kind);
  }

  /** Link withdrawn or reissued, person removed: every connection of theirs ends. */
  closePerson(participantId: string, code: CloseCode): number {
    const victims = this.of(participantId);
    for (const c of victims) this.#end(c, code);
    if (victims.length) this.#log.info({ participantId, code, connections: victims.length }, 'connections of a person closed');
    return victims.length;
  }

  /** The case moved to another node (cluster/CaseOwnership.ts): every connection for it ends, to reconnect there. */
  closeCase(caseId: string, code: CloseCode): number {
    const victims = [...this.#entries.values()].map((e) => e.conn).filter((c) => c.principal.identity.caseId === caseId);
    for (const c of victims) this.#end(c, code);
    if (victims.length) this.#log.info({ caseId, code, connections: victims.length }, 'connections of a case closed');
    return victims.length;
  }

  /** Sign-out: every connection opened with that session, in every case, ends. */
  closeSession(sessionHash: string, code: CloseCode): number {
    const victims = [...this.#entries.values()].map((e) => e.conn).filter((c) => c.principal.credential.kind === 'mediator' && c.principal.credential.sessionHash === sessionHash);
    for (const c of victims) this.#end(c, code);
    if (victims.length) this.#log.info({ code, connections: victims.length }, 'connections of a signed-out session closed');
    return victims.length;
  }

  /**
   * The case's agreement changed: a draft connection of someone whose consent is now stale ends
   * (it could still write the agreement), and so does any other connection whose credentials ended.
   * Signalling connections stay open (a live session continues as the mediator decided), but
   * deliveries to them stop until the person consents again (see `deliver`).
   */
  recheckCase(caseId: string): void {
    for (const e of [...this.#entries.values()]) {
      const c = e.conn;
      if (c.principal.identity.caseId !== caseId) continue;
      if (c.kind === 'signalling' && !requiresConsent(c.principal.identity.role)) continue;
      this.#standing(e, (s) => {
        if (s.ok) return;
        if (s.consent === false) this.#end(c, s.close);
        else if (s.consent === true && c.kind === 'draft') this.#end(c, CloseCode.ConsentChanged);
      });
    }
  }

  /**
   * Sends a notification to every signalling connection of these people, each re-checked first:
   * a connection whose credentials ended is closed instead, and someone without current consent
   * receives nothing. Each connection receives its deliveries in the order they were made.
   */
  deliver<K extends keyof Notifications>(participantIds: readonly string[], event: K, payload: Notifications[K]): void {
    for (const id of new Set(participantIds)) {
      for (const c of this.of(id, 'signalling')) {
        const e = this.#entries.get(c);
        if (!c.emit || !e || e.ended) continue;
        const check = this.#gate.standing(c.principal);
        e.outbox = e.outbox.then(async () => {
          const s = await check;
          if (e.ended) return;
          if (s.ok) c.emit!(event, payload);
          else if (s.consent === false) this.#end(c, s.close);
          else if (s.consent === 'unknown') this.#log.warn({ err: s.error, participantId: id, event }, 'not delivered: the credentials could not be re-checked');
        }).catch((err: unknown) => this.#log.error({ err, participantId: id, event }, 'delivery failed'));
      }
    }
  }

  /** Closes a connection; a delivery whose re-check is still in flight does not reach it. */
  #end(c: Connection, code: CloseCode): void {
    const e = this.#entries.get(c);
    if (e) e.ended = true;
    c.close(code);
  }

  /** Asks the store where the connection stands now and acts on the answer, unless it closed meanwhile. */
  #standing(e: Entry, act: (s: Standing) => void): void {
    this.#gate.standing(e.conn.principal).then(
      (s) => {
        if (!s.ok && s.consent === 'unknown') this.#log.warn({ err: s.error, participantId: e.conn.principal.identity.participantId }, 'credentials could not be re-checked: the connection stays');
        if (!e.ended && this.#entries.has(e.conn)) act(s);
      },
      (err: unknown) => this.#log.error({ err, participantId: e.conn.principal.identity.participantId }, 'connection re-check failed'),
    );
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Open connections of each kind (metrics). */
  countsByKind(): Record<ConnectionKind, number> {
    const n: Record<ConnectionKind, number> = { signalling: 0, draft: 0 };
    for (const { conn } of this.#entries.values()) n[conn.kind]++;
    return n;
  }

  close(): void {
    clearInterval(this.#logTimer);
    for (const e of this.#entries.values()) if (e.timer) clearTimeout(e.timer);
    this.#entries.clear();
    this.#byParticipant.clear();
    this.#counts.person.clear();
    this.#counts.address.clear();
  }

  /** At the credential's end (link expiry, session expiry) the connection is re-checked and, if over, closed. */
  #armExpiry(entry: Entry): void {
    const at = entry.conn.principal.credential.expiresAt;
    if (!Number.isFinite(at)) return;
    // A little after the end, so the re-check sees it as ended; never past what a timer can hold
    // (Node fires an overflowing timer after 1 ms: a busy loop for every 30-day link).
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()) + 50);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (!this.#entries.has(entry.conn)) return;
      this.#standing(entry, (s) => {
        if (!s.ok && s.consent === false) this.#end(entry.conn, s.close);
        else if (at - Date.now() > 0) this.#armExpiry(entry);
        // A credential past its end that still re-checks is impossible; if it happens, stay closed-safe.
        else this.#end(entry.conn, CloseCode.Expired);
      });
    }, delay);
    entry.timer.unref();
  }

  #countRefusal(key: string, kind: string): void {
    const r = this.#refused.get(key);
    if (r) r.n++;
    else this.#refused.set(key, { kind, n: 1 });
  }

  #flushRefusals(): void {
    for (const [key, { kind, n }] of this.#refused) this.#log.warn({ who: key, limit: kind, refused: n }, 'refused by a per-person or per-address limit');
    this.#refused.clear();
  }
}

function bump(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n <= 0) m.delete(key);
  else m.set(key, n);
}
