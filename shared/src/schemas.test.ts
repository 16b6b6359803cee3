import { describe, expect, it } from 'vitest';
import { CreateCaseBody, ConsentBody } from './http.ts';
import { HandshakeAuth, requestSchemas } from './events.ts';
import { canonicalJson } from './canonical.ts';
import { DEFAULT_PROTOCOL_AGREEMENT } from './protocol-agreement.ts';
import { ProtocolAgreement } from './domain.ts';

describe('HTTP body schemas', () => {
  it('accepts a normal case and trims names', () => {
    const r = CreateCaseBody.parse({
      title: '  Boundary dispute ',
      participants: [
        { displayName: 'Ana ', role: 'party', side: 'A' },
        { displayName: 'Ben', role: 'party', side: 'B' },
      ],
    });
    expect(r.title).toBe('Boundary dispute');
    expect(r.participants[0]!.displayName).toBe('Ana');
  });

  it('refuses a case without a party, a role of mediator, bad sides and control characters', () => {
    const bad = [
      { title: 'x', participants: [{ displayName: 'Al', role: 'advisor', side: 'A' }] },
      { title: 'x', participants: [{ displayName: 'Al', role: 'mediator', side: 'A' }] },
      { title: 'x', participants: [{ displayName: 'Al', role: 'party', side: 'a' }] },
      { title: 'x', participants: [{ displayName: 'Al\u0000', role: 'party', side: 'A' }] },
      { title: '', participants: [{ displayName: 'Al', role: 'party', side: 'A' }] },
      { title: 'x'.repeat(141), participants: [{ displayName: 'Al', role: 'party', side: 'A' }] },
    ];
    for (const b of bad) expect(CreateCaseBody.safeParse(b).success).toBe(false);
  });

  it('consent needs a 64-hex clause set hash', () => {
    expect(ConsentBody.safeParse({ acceptedClauseIds: ['a'], clauseSetHash: 'zz' }).success).toBe(false);
    expect(ConsentBody.safeParse({ acceptedClauseIds: ['a'], clauseSetHash: 'a'.repeat(64) }).success).toBe(true);
  });
});

describe('socket request schemas', () => {
  it('refuse unknown fields, wrong types and non-UUID ids', () => {
    expect(requestSchemas['session:join'].safeParse({ admin: true }).success).toBe(false);
    expect(requestSchemas['transport:create'].safeParse({ direction: 'sideways' }).success).toBe(false);
    expect(requestSchemas['producer:close'].safeParse({ producerId: 'not-a-uuid' }).success).toBe(false);
    expect(requestSchemas['producer:set-paused'].safeParse({ producerId: crypto.randomUUID(), paused: 'yes' }).success).toBe(false);
    expect(requestSchemas['transport:create'].safeParse(null).success).toBe(false);
    expect(requestSchemas['producer:close'].safeParse({ producerId: crypto.randomUUID() }).success).toBe(true);
  });

  it('bound the size of media parameters', () => {
    const codecs = Array.from({ length: 65 }, () => ({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000 }));
    expect(requestSchemas['media:ready'].safeParse({ rtpCapabilities: { codecs } }).success).toBe(false);
  });

  it('handshake requires the protocol version', () => {
    expect(HandshakeAuth.safeParse({ token: 'x'.repeat(20) }).success).toBe(false);
    expect(HandshakeAuth.safeParse({ token: 'x'.repeat(20), protocol: 1 }).success).toBe(true);
  });
});

describe('protocol agreement', () => {
  it('the default template is valid and covers the clauses the consent gate requires', () => {
    const a = ProtocolAgreement.parse(DEFAULT_PROTOCOL_AGREEMENT);
    const ids = a.clauses.map((c) => c.id);
    for (const id of ['process', 'platform', 'confidentiality', 'presence', 'stored-information', 'breakdown', 'recording']) expect(ids).toContain(id);
    expect(a.clauses.find((c) => c.id === 'breakdown')!.imi).toContain('3.6.13');
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
  });
});
