import { describe, expect, it } from 'vitest';
import { ASSESSOR_CAUCUS_CLAUSE_ID, DEFAULT_BREAKDOWN } from '@parley/shared';
import { createLogger } from '../logger.ts';
import { caseFixture } from '../test/services.ts';
import { SessionRecord } from './SessionRecord.ts';
import { verifyRecord } from './chain.ts';

/** The record subscribes itself to what the other features announce; no server wires it by hand. */
async function setup() {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Cleo Assessor', role: 'assessor', side: null },
  ]);
  const record = new SessionRecord(f.store, f.cases, f.keys, createLogger('silent'));
  const off = record.subscribe(f.bus);
  return { ...f, record, off };
}

describe('SessionRecord on the event bus', () => {
  it('a recorded consent becomes a consent entry naming the person and the optional clause they declined', async () => {
    const { cases, detail, who, record } = await setup();
    const required = detail.agreement.clauses.filter((c) => !c.optional).map((c) => c.id);
    await cases.recordConsent(who('Ana Party'), { acceptedClauseIds: required, clauseSetHash: detail.clauseSetHash });
    const entries = await record.entries(detail.id);
    expect(entries.map((e) => e.type)).toEqual(['consent.recorded']);
    expect(entries[0]!.actor).toEqual({ id: who('Ana Party').participantId, displayName: 'Ana Party', role: 'party' });
    expect(entries[0]!.data).toEqual({ clauseSetHash: detail.clauseSetHash, optionalDeclined: [ASSESSOR_CAUCUS_CLAUSE_ID] });
  });

  it('a changed breakdown procedure is recorded with the mediator as its author', async () => {
    const { cases, detail, mediatorId, record } = await setup();
    await cases.setBreakdown(mediatorId, detail.id, { ...DEFAULT_BREAKDOWN, graceSeconds: 120, textFallback: false });
    const [entry] = await record.entries(detail.id);
    expect(entry?.type).toBe('breakdown.settings-changed');
    expect(entry?.actor).toMatchObject({ displayName: 'Maria Mediator', role: 'mediator' });
    expect(entry?.data).toEqual({ graceSeconds: 120, pauseJointSession: DEFAULT_BREAKDOWN.pauseJointSession, audioOnlyFallback: DEFAULT_BREAKDOWN.audioOnlyFallback, textFallback: false });
  });

  it('appends what the live session reports, and nothing more once unsubscribed', async () => {
    const { bus, detail, record, off } = await setup();
    bus.emit('record.entry', { caseId: detail.id, type: 'session.paused', actor: null, data: { missing: ['Ana Party'], reason: 'not back after 60 seconds' } });
    expect((await record.entries(detail.id)).map((e) => e.type)).toEqual(['session.paused']);
    off();
    bus.emit('record.entry', { caseId: detail.id, type: 'session.resumed', actor: null, data: { pausedSeconds: 12, missing: [] } });
    await record.settled();
    expect(await record.entries(detail.id)).toHaveLength(1);
  });

  it('keeps the order entries were announced in and chains each to the one before, however many arrive at once', async () => {
    const { bus, detail, record, keys } = await setup();
    for (let i = 0; i < 20; i++) bus.emit('record.entry', { caseId: detail.id, type: 'session.paused', actor: null, data: { missing: [`P${i}`], reason: 'test' } });
    await record.settled();
    const entries = await record.entries(detail.id);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(entries.map((e) => (e.data as { missing: string[] }).missing[0])).toEqual(Array.from({ length: 20 }, (_, i) => `P${i}`));
    const s = keys.sodium;
    const verified = await verifyRecord({ ...(await record.export(detail.id)) }, s.to_base64(keys.signPublicKey, s.base64_variants.URLSAFE_NO_PADDING));
    expect(verified).toEqual({ valid: true, entries: 20, problems: [] });
  });

  it('a failed append is logged, never thrown, and the next one still chains', async () => {
    const f = await caseFixture([{ displayName: 'Ana Party', role: 'party', side: 'A' }]);
    const errors: string[] = [];
    const record = new SessionRecord(f.store, f.cases, f.keys, createLogger('error', { write: (line: string) => void errors.push(line) } as unknown as NodeJS.WritableStream));
    await expect(record.append('no-such-case', 'session.paused', null, { missing: [], reason: 'x' })).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('session record append failed');
    await record.append(f.detail.id, 'session.paused', null, { missing: [], reason: 'x' });
    expect((await record.entries(f.detail.id)).map((e) => e.seq)).toEqual([1]);
  });
});
