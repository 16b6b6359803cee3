import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloseCode } from '@parley/shared';
import { caseFixture } from '../test/services.ts';
import { captureLogs } from '../test/harness.ts';
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
  const logs = captureLogs();
  registry = new Connections(gate, DEFAULT_LIMITS, logs.logger);
  registry.subscribe(f.bus);
  const tokenOf = (name: string) => f.detail.participants.find((p) => p.displayName === name)!.invitation!.url.split('#t=')[1]!;
  /** A connection of this person, and the close codes it received. */
  const open = (principal: Principal, kind: Connection['kind'] = 'signalling') => {
    const closed: CloseCode[] = [];
    registry!.add({ kind, principal, address: '192.0.2.1', close: (code) => void closed.push(code) });
    return closed;
  };
  const party = async (name: string, kind: Connection['kind'] = 'signalling') => open(await gate.authenticate({ token: tokenOf(name) }), kind);
  const consent = async (name: string) => {
    const d = await f.cases.caseDetail(f.mediatorId, f.detail.id);
    await f.cases.recordConsent(f.who(name, d), { acceptedClauseIds: d.agreement.clauses.filter((c) => !c.optional).map((c) => c.id), clauseSetHash: d.clauseSetHash });
  };
  const signedIn = async () => {
    const { sessionToken } = await f.auth.signIn((await f.auth.bootstrap('Maria Mediator')).signinToken);
    return { sessionToken, closed: open(await gate.authenticate({ sessionToken, caseId: f.detail.id })) };
  };
  return { ...f, party, consent, signedIn, lines: logs.lines, registry: registry! };
}

describe('Connections on the event bus', () => {
  it('a withdrawn link ends every connection of that person, socket and draft, and no one else’s', async () => {
    const { cases, mediatorId, detail, who, party } = await setup();
    const [anaSocket, anaDraft, ben] = [await party('Ana Party'), await party('Ana Party', 'draft'), await party('Ben Party')];
    await cases.revokeInvitation(mediatorId, detail.id, who('Ana Party').participantId);
    expect(anaSocket).toEqual([CloseCode.Revoked]);
    expect(anaDraft).toEqual([CloseCode.Revoked]);
    expect(ben).toEqual([]);
  });

  it('a new link replaces the old one: connections opened with the old one end', async () => {
    const { cases, mediatorId, detail, who, party } = await setup();
    const ben = await party('Ben Party');
    await cases.reissueInvitation(mediatorId, detail.id, who('Ben Party').participantId);
    expect(ben).toEqual([CloseCode.Revoked]);
  });

  it('signing out ends the connections opened with that session only', async () => {
    const { auth, party, signedIn } = await setup();
    const [first, second, ana] = [await signedIn(), await signedIn(), await party('Ana Party')];
    await auth.signOut(first.sessionToken);
    expect(first.closed).toEqual([CloseCode.SignedOut]);
    expect(second.closed).toEqual([]);
    expect(ana).toEqual([]);
  });

  it('a rewritten protocol agreement closes the draft of someone whose consent it made stale; their socket stays', async () => {
    const { people, mediatorId, detail, party, consent } = await setup();
    await consent('Ana Party');
    const [socket, draft] = [await party('Ana Party'), await party('Ana Party', 'draft')];
    await people.add(mediatorId, detail.id, { displayName: 'Cleo Assessor', role: 'assessor', side: null });
    await vi.waitFor(() => expect(draft).toEqual([CloseCode.ConsentChanged]));
    expect(socket).toEqual([]);
  });

  it('a store that does not answer ends nobody’s connection: the re-check says so in the log, and the draft stays open', async () => {
    const { store, detail, party, consent, lines, registry } = await setup();
    await consent('Ana Party');
    const draft = await party('Ana Party', 'draft');
    await store.close();
    registry.recheckCase(detail.id);
    await vi.waitFor(() => expect(lines.some((l) => l.msg === 'credentials could not be re-checked: the connection stays')).toBe(true));
    expect(draft).toEqual([]);
  });
});
