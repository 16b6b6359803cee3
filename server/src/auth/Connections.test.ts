import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, ErrorCode, ParleyError } from '@parley/shared';
import { createLogger } from '../logger.ts';
import type { AccessGate, Principal, Standing } from './AccessGate.ts';
import { Connections, type Connection } from './Connections.ts';
import { DEFAULT_LIMITS } from './limits.ts';

/** The registry's own rules, with a gate whose answers the test sets. */
const DAY = 24 * 3600_000;
let standing: Standing;
let checks = 0;
/** When set, the gate's answer waits for the test to release it (a slow store). */
let held: Promise<void> | null = null;
const gate = {
  standing: async () => {
    checks++;
    const answer = standing;
    if (held) await held;
    return answer;
  },
} as unknown as AccessGate;
const OK: Standing = { ok: true, identity: principal('ana', 0).identity };

function principal(participantId: string, expiresAt: number): Principal {
  return {
    identity: { caseId: 'case1', participantId, role: 'party', displayName: participantId, side: 'A', phase: { state: 'open', partyAccessUntil: null } },
    credential: { kind: 'invite', token: `t-${participantId}`, expiresAt },
  };
}

function conn(participantId: string, expiresAt: number, kind: Connection['kind'] = 'signalling') {
  const closed: number[] = [];
  const received: string[] = [];
  const c: Connection = {
    kind,
    principal: principal(participantId, expiresAt),
    address: '192.0.2.1',
    close: (code) => void closed.push(code),
    emit: (event) => void received.push(event),
  };
  return { c, closed, received };
}

let registry: Connections;
beforeEach(() => {
  // A timer that keeps re-arming itself at once makes the fake clock throw instead of hanging.
  vi.useFakeTimers({ loopLimit: 10_000 });
  checks = 0;
  held = null;
  standing = OK;
  registry = new Connections(gate, DEFAULT_LIMITS, createLogger('silent'));
});
afterEach(() => {
  registry.close();
  vi.useRealTimers();
});

describe('Connections', () => {
  it('does not re-check a link that expires in 30 days before then (no timer overflow loop)', () => {
    const { c, closed } = conn('ana', Date.now() + 30 * DAY);
    registry.add(c);
    vi.advanceTimersByTime(1000);
    expect(checks).toBe(0);
    expect(closed).toEqual([]);
  });

  it('closes a connection when its link expires, with the expiry code', async () => {
    const { c, closed } = conn('ana', Date.now() + 2 * 3600_000);
    registry.add(c);
    vi.advanceTimersByTime(2 * 3600_000 - 1000);
    expect(closed).toEqual([]);
    standing = { ok: false, consent: false, close: CloseCode.Expired, error: new ParleyError(ErrorCode.LinkExpired, 'expired') };
    await vi.advanceTimersByTimeAsync(2000);
    expect(closed).toEqual([CloseCode.Expired]);
  });

  it('counts connections per person and frees the place when one closes', () => {
    const conns = Array.from({ length: DEFAULT_LIMITS.signalling.connectionsPerPerson }, () => conn('ana', Date.now() + DAY));
    const removers = conns.map(({ c }) => registry.add(c));
    expect(() => registry.checkCapacity('signalling', principal('ana', 0), '192.0.2.1')).toThrow(expect.objectContaining({ code: ErrorCode.RateLimited }));
    expect(() => registry.checkCapacity('signalling', principal('ben', 0), '192.0.2.1')).not.toThrow();
    expect(() => registry.checkCapacity('draft', principal('ana', 0), '192.0.2.1')).not.toThrow();
    removers[0]!();
    removers[0]!(); // idempotent: one place freed, not two
    expect(() => registry.checkCapacity('signalling', principal('ana', 0), '192.0.2.1')).not.toThrow();
    registry.add(conn('ana', Date.now() + DAY).c);
    expect(() => registry.checkCapacity('signalling', principal('ana', 0), '192.0.2.1')).toThrow();
  });

  it('closes every connection of one person and nobody else’s', () => {
    const a1 = conn('ana', Date.now() + DAY);
    const a2 = conn('ana', Date.now() + DAY, 'draft');
    const b = conn('ben', Date.now() + DAY);
    for (const x of [a1, a2, b]) registry.add(x.c);
    expect(registry.closePerson('ana', CloseCode.Revoked)).toBe(2);
    expect([a1.closed, a2.closed, b.closed]).toEqual([[CloseCode.Revoked], [CloseCode.Revoked], []]);
  });
});

describe('Connections, deliveries', () => {
  const STALE: Standing = { ok: false, consent: true };
  const REVOKED: Standing = { ok: false, consent: false, close: CloseCode.Revoked, error: new ParleyError(ErrorCode.LinkRevoked, 'revoked') };
  const message = (n: number) => ({ n }) as never;

  it('each delivery is re-checked against the store: a withdrawal no event announced ends the connection instead', async () => {
    const ana = conn('ana', Date.now() + DAY);
    registry.add(ana.c);
    standing = REVOKED;
    registry.deliver(['ana'], 'message:posted', message(1));
    await vi.waitFor(() => expect(ana.closed).toEqual([CloseCode.Revoked]));
    expect(ana.received).toEqual([]);
  });

  it('someone without current consent receives nothing and stays connected', async () => {
    const ana = conn('ana', Date.now() + DAY);
    const ben = conn('ben', Date.now() + DAY);
    registry.add(ana.c);
    registry.add(ben.c);
    registry.deliver(['ben'], 'message:posted', message(1));
    await vi.waitFor(() => expect(ben.received).toHaveLength(1));
    standing = STALE;
    registry.deliver(['ana'], 'message:posted', message(2));
    standing = OK;
    registry.deliver(['ben'], 'message:posted', message(3));
    // Ben's second message was re-checked after Ana's: once it is there, Ana's check has answered.
    await vi.waitFor(() => expect(ben.received).toHaveLength(2));
    expect(ana.received).toEqual([]);
    expect(ana.closed).toEqual([]);
  });

  it('a connection receives its deliveries in order even when the store answers the later check first', async () => {
    const sent: number[] = [];
    const ana = conn('ana', Date.now() + DAY);
    ana.c.emit = (_e, p) => void sent.push((p as unknown as { n: number }).n);
    registry.add(ana.c);
    let release!: () => void;
    held = new Promise((r) => (release = r));
    registry.deliver(['ana'], 'message:posted', message(1)); // its check waits for the store
    held = null;
    registry.deliver(['ana'], 'message:posted', message(2)); // answered at once
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([]);
    release();
    await vi.waitFor(() => expect(sent).toEqual([1, 2]));
  });

  it('a person closed while a delivery was being checked does not receive it', async () => {
    const ana = conn('ana', Date.now() + DAY);
    registry.add(ana.c);
    let release!: () => void;
    held = new Promise((r) => (release = r));
    registry.deliver(['ana'], 'message:posted', message(1));
    registry.closePerson('ana', CloseCode.Revoked);
    release();
    held = null;
    const ben = conn('ben', Date.now() + DAY);
    registry.add(ben.c);
    registry.deliver(['ben'], 'message:posted', message(2));
    await vi.waitFor(() => expect(ben.received).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(ana.received).toEqual([]);
  });
});

describe('Connections, per address', () => {
  it('caps connections from one address, whoever they belong to', () => {
    const cap = DEFAULT_LIMITS.draft.connectionsPerAddress;
    for (let i = 0; i < cap; i++) registry.add(conn(`person${i}`, Date.now() + DAY, 'draft').c);
    expect(() => registry.checkCapacity('draft', principal('newcomer', 0), '192.0.2.1')).toThrow(expect.objectContaining({ code: ErrorCode.RateLimited }));
    expect(() => registry.checkCapacity('draft', principal('newcomer', 0), '198.51.100.7')).not.toThrow();
  });

  it('refuses an address that opens connections faster than its handshake budget', () => {
    const { burst } = DEFAULT_LIMITS.handshakesPerAddress;
    for (let i = 0; i < burst; i++) registry.admitHandshake('192.0.2.1');
    expect(() => registry.admitHandshake('192.0.2.1')).toThrow(expect.objectContaining({ code: ErrorCode.RateLimited }));
    expect(() => registry.admitHandshake('198.51.100.7')).not.toThrow();
  });
});
