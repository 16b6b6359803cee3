import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloseCode } from '@parley/shared';
import { createLogger } from '../logger.ts';
import { caseFixture } from '../test/services.ts';
import { AccessGate, type Principal } from './AccessGate.ts';
import { Connections, type Connection } from './Connections.ts';
import { DEFAULT_LIMITS } from './limits.ts';

/**
 * The registry hears withdrawn links, sign-outs and rewritten agreements on the bus, from the real
 * services that cause them, and ends the connections that depended on them.
 */
let registry: Connections | undefined;
afterEach(() => registry?.close());

async function setup() {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
  ]);
  const gate = new AccessGate(f.cases, f.auth);
  registry = new Connections(gate, DEFAULT_LIMITS, createLogger('silent'));
  registry.subscribe(f.bus);
  const tokenOf = (name: string) => f.detail.participants.find((p) => p.displayName === name)!.invitation!.url.split('#t=')[1]!;
  /** A connection of this person, and the close codes it received. */
  const open = (principal: Principal, kind: Connection['kind'] = 'signalling') => {
    const closed: CloseCode[] = [];
    registry!.add({ kind, principal, address: '192.0.2.1', close: (code) => void closed.push(code) });
    return closed;
  };
  const party = (name: string, kind: Connection['kind'] = 'signalling') => open(gate.authenticate({ token: tokenOf(name) }), kind);
  const consent = (name: string) => {
    const d = f.cases.caseDetail(f.mediatorId, f.detail.id);
    f.cases.recordConsent(f.who(name, d), { acceptedClauseIds: d.agreement.clauses.filter((c) => !c.optional).map((c) => c.id), clauseSetHash: d.clauseSetHash });
  };
  const signedIn = () => {
    const { sessionToken } = f.auth.signIn(f.auth.bootstrap('Maria Mediator').signinToken);
    return { sessionToken, closed: open(gate.authenticate({ sessionToken, caseId: f.detail.id })) };
  };
  return { ...f, party, consent, signedIn };
}

describe('Connections on the event bus', () => {
  it('a withdrawn link ends every connection of that person, socket and draft, and no one else’s', async () => {
    const { cases, mediatorId, detail, who, party } = await setup();
    const [anaSocket, anaDraft, ben] = [party('Ana Party'), party('Ana Party', 'draft'), party('Ben Party')];
    cases.revokeInvitation(mediatorId, detail.id, who('Ana Party').participantId);
    expect(anaSocket).toEqual([CloseCode.Revoked]);
    expect(anaDraft).toEqual([CloseCode.Revoked]);
    expect(ben).toEqual([]);
  });

  it('a new link replaces the old one: connections opened with the old one end', async () => {
    const { cases, mediatorId, detail, who, party } = await setup();
    const ben = party('Ben Party');
    cases.reissueInvitation(mediatorId, detail.id, who('Ben Party').participantId);
    expect(ben).toEqual([CloseCode.Revoked]);
  });

  it('signing out ends the connections opened with that session only', async () => {
    const { auth, party, signedIn } = await setup();
    const [first, second, ana] = [signedIn(), signedIn(), party('Ana Party')];
    auth.signOut(first.sessionToken);
    expect(first.closed).toEqual([CloseCode.SignedOut]);
    expect(second.closed).toEqual([]);
    expect(ana).toEqual([]);
  });

  it('a rewritten protocol agreement closes the draft of someone whose consent it made stale; their socket stays', async () => {
    const { people, mediatorId, detail, party, consent } = await setup();
    consent('Ana Party');
    const [socket, draft] = [party('Ana Party'), party('Ana Party', 'draft')];
    people.add(mediatorId, detail.id, { displayName: 'Cleo Assessor', role: 'assessor', side: null });
    await vi.waitFor(() => expect(draft).toEqual([CloseCode.ConsentChanged]));
    expect(socket).toEqual([]);
  });
});
