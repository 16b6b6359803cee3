import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@parley/shared';
import { caseFixture } from '../test/services.ts';

const refused = (code: string) => expect.objectContaining({ name: 'ParleyError', code });

async function setup() {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
  ]);
  const agree = (name: string) => f.cases.recordConsent(f.who(name), { acceptedClauseIds: f.detail.agreement.clauses.map((c) => c.id), clauseSetHash: f.detail.clauseSetHash });
  return { ...f, agree };
}

describe('answering instead of agreeing', () => {
  it('a question reaches the mediator with who and when, sealed at rest, and the person sees it pending', async () => {
    const { answers, cases, store, mediatorId, detail, who } = await setup();
    const view = await answers.ask(who('Ana Party'), 'Who pays for the interpreter?');
    expect(view.answers).toEqual([expect.objectContaining({ kind: 'question', text: 'Who pays for the interpreter?', answeredAt: null, current: true })]);
    expect((await cases.caseDetail(mediatorId, detail.id)).consentAnswers).toEqual([
      expect.objectContaining({ kind: 'question', text: 'Who pays for the interpreter?', displayName: 'Ana Party', role: 'party' }),
    ]);
    const raw = JSON.stringify(await store.kysely.selectFrom('consent_answers').selectAll().execute());
    expect(raw).not.toContain('interpreter');
  });

  it('the mediator marks a question answered; the person sees when', async () => {
    const { answers, cases, mediatorId, detail, who } = await setup();
    const asked = (await answers.ask(who('Ana Party'), 'Can my sister join?')).answers[0]!;
    const after = await answers.markAnswered(mediatorId, detail.id, asked.id);
    expect(after.consentAnswers[0]!.answeredAt).not.toBeNull();
    expect((await cases.invitations.view(who('Ana Party'))).answers[0]!.answeredAt).toBe(after.consentAnswers[0]!.answeredAt);
    await expect(answers.markAnswered(mediatorId, detail.id, 'nosuchanswer1')).rejects.toThrow(refused(ErrorCode.NotFound));
  });

  it('declining is recorded with its reason; someone who agreed must withdraw instead', async () => {
    const { answers, cases, bus, mediatorId, detail, who, agree } = await setup();
    const entries: string[] = [];
    bus.on('record.entry', (e) => entries.push(e.type));
    await answers.decline(who('Ben Party'), 'I want to meet in person.');
    expect((await cases.caseDetail(mediatorId, detail.id)).consentAnswers[0]).toMatchObject({ kind: 'declined', text: 'I want to meet in person.', displayName: 'Ben Party' });
    expect(entries).toEqual(['consent.declined']);
    await agree('Ana Party');
    await expect(answers.decline(who('Ana Party'), undefined)).rejects.toThrow(refused(ErrorCode.Conflict));
  });
});

describe('withdrawing consent', () => {
  it('makes the person not consented, is recorded, and tells the connections; they may consent again', async () => {
    const { answers, cases, bus, who, agree } = await setup();
    await agree('Ana Party');
    const ana = who('Ana Party');
    const events: string[] = [];
    bus.on('record.entry', (e) => events.push(e.type));
    bus.on('consent.withdrawn', ({ identity }) => events.push(`withdrawn:${identity.displayName}`));

    const view = await answers.withdraw(ana, 'I need time to think.');
    expect(await cases.consent.hasCurrent(ana)).toBe(false);
    expect(view.consent).toBeNull();
    expect(view.answers[0]).toMatchObject({ kind: 'withdrawn', text: 'I need time to think.' });
    expect(events).toEqual(['consent.withdrawn', 'withdrawn:Ana Party']);

    await agree('Ana Party');
    expect(await cases.consent.hasCurrent(ana)).toBe(true);
  });

  it('is refused when there is no consent to withdraw', async () => {
    const { answers, who } = await setup();
    await expect(answers.withdraw(who('Ben Party'), undefined)).rejects.toThrow(refused(ErrorCode.Conflict));
  });
});
