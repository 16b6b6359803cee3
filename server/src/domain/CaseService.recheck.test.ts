import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '@parley/shared';
import { caseFixture } from '../test/services.ts';

/**
 * Every socket request and delivery re-authenticates its connection's invitation
 * (CaseService.authenticateInvite). Signatures, names and case keys are remembered between calls
 * (InviteVerifier, OpenedNames, the case-key cache): what is remembered must never outlive what the
 * store says now.
 */
async function setup() {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
  ]);
  const tokenOf = (name: string) => new URL(f.detail.participants.find((p) => p.displayName === name)!.invitation!.url).hash.replace('#t=', '');
  return { ...f, tokenOf };
}

/** The typed refusal `fn` throws. */
const refused = (code: string) => expect.objectContaining({ name: 'ParleyError', code });

afterEach(() => void vi.useRealTimers());

describe('re-authenticating an invitation', () => {
  it('a link checked before is refused once withdrawn, and once it has expired', async () => {
    const { cases, mediatorId, detail, tokenOf } = await setup();
    const ana = tokenOf('Ana Party');
    const ben = tokenOf('Ben Party');
    expect((await cases.invitations.authenticate(ana)).displayName).toBe('Ana Party');
    expect((await cases.invitations.authenticate(ben)).displayName).toBe('Ben Party');

    await cases.revokeInvitation(mediatorId, detail.id, (await cases.invitations.authenticate(ana)).participantId);
    await expect(cases.invitations.authenticate(ana)).rejects.toThrow(refused(ErrorCode.LinkRevoked));

    // Links live an hour in the fixture; two hours later Ben's remembered link has expired.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    await expect(cases.invitations.authenticate(ben)).rejects.toThrow(refused(ErrorCode.LinkExpired));
  });

  it('names follow the store: a renamed mediator and a person added later', async () => {
    const { cases, people, auth, mediatorId, detail, tokenOf } = await setup();
    const names = async () => (await cases.people(detail.id)).map((p) => p.displayName);
    expect(await names()).toEqual(['Maria Mediator', 'Ana Party', 'Ben Party']);
    expect((await cases.mediatorIdentity(mediatorId, detail.id)).displayName).toBe('Maria Mediator');

    await auth.setDisplayName(mediatorId, 'Maria Renamed', await cases.resealMediatorName(mediatorId, 'Maria Renamed'));
    expect(await names()).toEqual(['Maria Renamed', 'Ana Party', 'Ben Party']);
    expect((await cases.mediatorIdentity(mediatorId, detail.id)).displayName).toBe('Maria Renamed');
    expect((await cases.invitations.view(await cases.invitations.authenticate(tokenOf('Ana Party')))).others.map((o) => o.displayName)).toEqual(['Maria Renamed', 'Ben Party']);

    await people.add(mediatorId, detail.id, { displayName: 'Dan Advisor', role: 'advisor', side: 'A' });
    expect(await names()).toEqual(['Maria Renamed', 'Ana Party', 'Ben Party', 'Dan Advisor']);
  });

  it('a case that does not exist has no key, whatever keys are remembered', async () => {
    const { cases, detail } = await setup();
    expect(await cases.caseKey(detail.id)).toBe(await cases.caseKey(detail.id));
    await expect(cases.caseKey('nocase_12345678')).rejects.toThrow(refused(ErrorCode.NotFound));
  });
});
