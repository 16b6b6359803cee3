import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFixture } from '../test/services.ts';
import { storedBytes } from '../test/engine.ts';
import { ASSESSOR_CAUCUS_CLAUSE_ID, ASSESSOR_CLAUSE_ID } from '@parley/shared';

/** The assessor on a case: disclosed in the agreement, consented to, and followed into caucuses only where agreed. */
async function setup(file = ':memory:') {
  const { store, cases, people, mediatorId, detail, who } = await caseFixture(
    [
      { displayName: 'Ana Party', role: 'party', side: 'A' },
      { displayName: 'Abe Advisor', role: 'advisor', side: 'A' },
      { displayName: 'Ben Party', role: 'party', side: 'B' },
      { displayName: 'Cleo Zamenhof', role: 'assessor', side: null },
    ],
    file,
  );
  const idOf = (name: string) => who(name).participantId;
  const consent = async (name: string, opts: { caucuses: boolean }) => {
    const d = await cases.caseDetail(mediatorId, detail.id);
    const ids = d.agreement.clauses.filter((c) => !c.optional || (opts.caucuses && c.id === ASSESSOR_CAUCUS_CLAUSE_ID)).map((c) => c.id);
    return cases.recordConsent(who(name), { acceptedClauseIds: ids, clauseSetHash: d.clauseSetHash });
  };
  return { store, cases, people, mediatorId, detail, who, idOf, consent };
}

describe('CaseService with an assessor', () => {
  it('discloses the assessor by name in the agreement people read, but stores no name in agreement_json', async () => {
    const { cases, store, detail, who } = await setup();
    expect(await cases.hasAssessor(detail.id)).toBe(true);
    const shown = (await cases.invitations.view(who('Ana Party'))).agreement.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!;
    expect(shown.body).toContain('An assessor, Cleo Zamenhof, takes part');
    expect(detail.agreement.clauses.find((c) => c.id === ASSESSOR_CAUCUS_CLAUSE_ID)!.optional).toBe(true);
    const row = (await store.getCase(detail.id))!;
    expect(row.agreement_json).not.toContain('Zamenhof');
    expect(row.agreement_json).toContain(`{{assessor:${who('Cleo Zamenhof').participantId}}}`);
    expect((await cases.invitations.view(who('Ben Party'))).others).toContainEqual({ displayName: 'Cleo Zamenhof', role: 'assessor', side: null });
  });

  it('consent needs every required clause; the optional one may be declined, and which was accepted is recorded', async () => {
    const { cases, store, detail, who, consent, idOf } = await setup();
    const required = detail.agreement.clauses.filter((c) => !c.optional).map((c) => c.id);
    await expect(cases.recordConsent(who('Ana Party'), { acceptedClauseIds: required.slice(1), clauseSetHash: detail.clauseSetHash })).rejects.toThrow(/Every clause/);
    await expect(cases.recordConsent(who('Ana Party'), { acceptedClauseIds: [...required, 'made-up'], clauseSetHash: detail.clauseSetHash })).rejects.toThrow(/Every clause/);
    expect((await consent('Ana Party', { caucuses: false })).consent?.current).toBe(true);
    expect(JSON.parse((await store.latestConsent(idOf('Ana Party')))!.accepted_clause_ids)).not.toContain(ASSESSOR_CAUCUS_CLAUSE_ID);
    await consent('Ben Party', { caucuses: true });
    expect(JSON.parse((await store.latestConsent(idOf('Ben Party')))!.accepted_clause_ids)).toContain(ASSESSOR_CAUCUS_CLAUSE_ID);
    // The assessor consents like everyone else before any live contact.
    expect(await cases.consent.hasCurrent(who('Cleo Zamenhof'))).toBe(false);
    await consent('Cleo Zamenhof', { caucuses: false });
    expect(await cases.consent.hasCurrent(who('Cleo Zamenhof'))).toBe(true);
  });

  it('the assessor may follow into a room only if every party and advisor there accepted the caucus clause', async () => {
    const { cases, detail, idOf, consent } = await setup();
    const [ana, abe, ben, cleo] = ['Ana Party', 'Abe Advisor', 'Ben Party', 'Cleo Zamenhof'].map(idOf) as [string, string, string, string];
    const mediator = await cases.mediatorParticipantId(detail.id);
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, ana])).toBe(false); // no consent yet
    await consent('Ana Party', { caucuses: true });
    await consent('Abe Advisor', { caucuses: false });
    await consent('Ben Party', { caucuses: true });
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, ana])).toBe(true);
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, ana, abe])).toBe(false); // the advisor declined
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, ben, cleo])).toBe(true); // mediator and assessor do not count
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator])).toBe(true);
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, 'not-a-participant'])).toBe(false);
    expect(await cases.consent.mayAssessorFollowInto('no-such-case-id', [mediator])).toBe(false);
  });

  it('a second assessor added later changes the agreement, so earlier consents (and caucus permissions) stop being current', async () => {
    const { cases, people, mediatorId, detail, consent, idOf, who } = await setup();
    await consent('Ana Party', { caucuses: true });
    const mediator = await cases.mediatorParticipantId(detail.id);
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, idOf('Ana Party')])).toBe(true);
    const after = await people.add(mediatorId, detail.id, { displayName: 'Dora Second', role: 'assessor', side: null });
    expect(after.clauseSetHash).not.toBe(detail.clauseSetHash);
    expect(after.agreement.version).toBe(detail.agreement.version + 1);
    expect(after.agreement.clauses.find((c) => c.id === ASSESSOR_CLAUSE_ID)!.body).toContain('Two assessors, Cleo Zamenhof and Dora Second, take part');
    expect(after.participants.find((p) => p.displayName === 'Dora Second')).toMatchObject({ role: 'assessor', side: null, invitation: { status: 'active' } });
    expect(await cases.consent.hasCurrent(who('Ana Party'))).toBe(false);
    expect(await cases.consent.mayAssessorFollowInto(detail.id, [mediator, idOf('Ana Party')])).toBe(false);
    await expect(people.add(mediatorId, detail.id, { displayName: 'Third', role: 'assessor', side: null })).rejects.toThrow(/at most 2 assessors/);
    // A party added later leaves the agreement alone.
    const withParty = await people.add(mediatorId, detail.id, { displayName: 'Carl Party', role: 'party', side: 'C' });
    expect(withParty.clauseSetHash).toBe(after.clauseSetHash);
  });

  it('a case without an assessor has no assessor clauses and nobody to follow', async () => {
    const { cases, mediatorId } = await setup();
    const d = await cases.createCase(mediatorId, { title: 'Plain', participants: [{ displayName: 'Ana', role: 'party', side: 'A' }] });
    expect(await cases.hasAssessor(d.id)).toBe(false);
    expect(d.agreement.clauses.some((c) => c.id.startsWith('assessor'))).toBe(false);
  });

  it('keeps the assessor’s name out of the database file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-assessor-')), 'db.sqlite');
    const { store } = await setup(file);
    const bytes = await storedBytes(store);
    await store.close();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from('Zamenhof'))).toBe(false);
  });
});
