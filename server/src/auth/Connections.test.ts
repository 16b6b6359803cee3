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
const gate = {
  standing: () => {
    checks++;
    return standing;
  },
} as unknown as AccessGate;

function principal(participantId: string, expiresAt: number): Principal {
  return {
    identity: { caseId: 'case1', participantId, role: 'party', displayName: participantId, side: 'A' },
    credential: { kind: 'invite', token: `t-${participantId}`, expiresAt },
  };
}

function conn(participantId: string, expiresAt: number, kind: Connection['kind'] = 'signalling') {
  const closed: number[] = [];
  const c: Connection = { kind, principal: principal(participantId, expiresAt), address: '192.0.2.1', close: (code) => void closed.push(code) };
  return { c, closed };
}

let registry: Connections;
beforeEach(() => {
  // A timer that keeps re-arming itself at once makes the fake clock throw instead of hanging.
  vi.useFakeTimers({ loopLimit: 10_000 });
  checks = 0;
  standing = { ok: true, identity: principal('ana', 0).identity };
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

  it('closes a connection when its link expires, with the expiry code', () => {
    const { c, closed } = conn('ana', Date.now() + 2 * 3600_000);
    registry.add(c);
    vi.advanceTimersByTime(2 * 3600_000 - 1000);
    expect(closed).toEqual([]);
    standing = { ok: false, consent: false, close: CloseCode.Expired, error: new ParleyError(ErrorCode.LinkExpired, 'expired') };
    vi.advanceTimersByTime(2000);
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
