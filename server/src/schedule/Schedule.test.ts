import { describe, expect, it } from 'vitest';
import { ParleyError, ScheduleBody } from '@parley/shared';
import type { RecordEntryEvent } from '../events/events.ts';
import type { Identity } from '../domain/CaseService.ts';
import { caseFixture } from '../test/services.ts';
import { Schedule, wallTimeToUtc } from './Schedule.ts';

/** A case with Ana (side A), Ben (side B) and an assessor; "now" is fixed in December 2030. */
async function setup(opts: { consented?: (who: Identity) => boolean } = {}) {
  const f = await caseFixture([
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Olga Observer', role: 'assessor', side: null },
  ]);
  const recorded: Array<{ type: string; data: unknown }> = [];
  f.bus.on('record.entry', (e: RecordEntryEvent) => void recorded.push({ type: e.type, data: e.data }));
  const schedule = new Schedule(f.store, f.cases, f.bus, { consentCurrent: opts.consented ?? (() => true), now: () => Date.parse('2030-12-01T00:00:00Z') });
  const caseId = f.detail.id;
  const add = (over: Record<string, unknown> = {}) =>
    schedule.add(f.mediatorId, caseId, ScheduleBody.parse({ date: '2031-01-16', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 90, ...over }));
  return { ...f, schedule, caseId, add, recorded };
}

const refusal = async (fn: () => unknown): Promise<{ code: string; message: string }> => {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ParleyError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
};

describe('wallTimeToUtc', () => {
  it('09:00 in Paris in January is 08:00 UTC; in July, 07:00 UTC', () => {
    expect(wallTimeToUtc('2031-01-16', '09:00', 'Europe/Paris').toISOString()).toBe('2031-01-16T08:00:00.000Z');
    expect(wallTimeToUtc('2031-07-16', '09:00', 'Europe/Paris').toISOString()).toBe('2031-07-16T07:00:00.000Z');
    expect(wallTimeToUtc('2031-01-16', '09:00', 'Asia/Tokyo').toISOString()).toBe('2031-01-16T00:00:00.000Z');
  });

  it('refuses a time skipped when the clocks go forward (02:30 in Paris on 30 March 2031), with a typed error', async () => {
    expect(await refusal(() => wallTimeToUtc('2031-03-30', '02:30', 'Europe/Paris'))).toEqual({
      code: 'bad_request',
      message: '02:30 does not exist in Europe/Paris on 2031-03-30: the clocks go forward then. Choose another time.',
    });
  });

  it('a time that happens twice when clocks go back (02:30 in Paris on 26 October 2031) is the second, in winter time', () => {
    expect(wallTimeToUtc('2031-10-26', '02:30', 'Europe/Paris').toISOString()).toBe('2031-10-26T01:30:00.000Z');
  });

  it('refuses a date that is not in the calendar', async () => {
    expect((await refusal(() => wallTimeToUtc('2031-02-30', '09:00', 'Europe/Paris'))).code).toBe('bad_request');
  });
});

describe('Schedule', () => {
  it('keeps a session as one UTC instant, with the zone it was set in', async () => {
    const { add } = await setup();
    const { session } = await add();
    expect(session).toMatchObject({ startsAt: '2031-01-16T08:00:00.000Z', durationMinutes: 90, purpose: 'joint', side: null, setInTimeZone: 'Europe/Paris', sequence: 0, cancelledAt: null });
  });

  it('a reschedule keeps the id and raises the sequence; the record says from when to when', async () => {
    const { add, schedule, mediatorId, caseId, recorded } = await setup();
    const { session } = await add();
    const after = await schedule.reschedule(mediatorId, caseId, session.id, ScheduleBody.parse({ date: '2031-01-17', time: '10:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 60 }));
    expect(after.sessions).toHaveLength(1);
    expect(after.sessions[0]).toMatchObject({ id: session.id, startsAt: '2031-01-17T09:00:00.000Z', durationMinutes: 60, sequence: 1 });
    expect(recorded.map((r) => r.type)).toEqual(['session.scheduled', 'session.rescheduled']);
    expect(recorded[1]!.data).toMatchObject({ previousStartsAt: '2031-01-16T08:00:00.000Z', startsAt: '2031-01-17T09:00:00.000Z', timeZone: 'Europe/Paris' });
  });

  it('two changes of one session at once take one sequence each, as if one came after the other', async () => {
    const { add, schedule, mediatorId, caseId } = await setup();
    const { session } = await add();
    const move = (time: string) => schedule.reschedule(mediatorId, caseId, session.id, ScheduleBody.parse({ date: '2031-01-17', time, timeZone: 'UTC', purpose: 'joint', durationMinutes: 60 }));
    await Promise.all([move('10:00'), move('11:00')]);
    expect((await schedule.forMediator(mediatorId, caseId)).sessions[0]).toMatchObject({ id: session.id, sequence: 2 });
  });

  it('a cancelled session is kept, marked, with a raised sequence, and can no longer be moved or cancelled', async () => {
    const { add, schedule, mediatorId, caseId, recorded } = await setup();
    const { session } = await add();
    const after = await schedule.cancel(mediatorId, caseId, session.id);
    expect(after.sessions[0]).toMatchObject({ id: session.id, sequence: 1, cancelledAt: '2030-12-01T00:00:00.000Z' });
    expect(recorded.at(-1)).toMatchObject({ type: 'session.cancelled', data: { startsAt: '2031-01-16T08:00:00.000Z' } });
    expect((await refusal(() => schedule.cancel(mediatorId, caseId, session.id))).code).toBe('conflict');
    expect((await refusal(() => schedule.reschedule(mediatorId, caseId, session.id, ScheduleBody.parse({ date: '2031-01-17', time: '10:00', timeZone: 'UTC', purpose: 'joint', durationMinutes: 60 })))).code).toBe('conflict');
  });

  it('refuses a time in the past, a time skipped by summer time and a side nobody is on, storing nothing', async () => {
    const { add, schedule, mediatorId, caseId } = await setup();
    expect(await refusal(() => add({ date: '2030-11-30' }))).toMatchObject({ code: 'bad_request', message: 'That time has already passed. Choose a time in the future.' });
    expect((await refusal(() => add({ date: '2031-03-30', time: '02:30' }))).code).toBe('bad_request');
    expect((await refusal(() => add({ purpose: 'caucus', side: 'C' }))).code).toBe('bad_request');
    expect((await schedule.forMediator(mediatorId, caseId)).sessions).toEqual([]);
  });

  it('another mediator’s case, or a session of another case, is not found', async () => {
    const { add, schedule, mediatorId, caseId, cases } = await setup();
    const { session } = await add();
    expect((await refusal(() => schedule.forMediator('someone-else', caseId))).code).toBe('not_found');
    const other = await cases.createCase(mediatorId, { title: 'Other', participants: [{ displayName: 'Cy', role: 'party', side: 'A' }] });
    expect((await refusal(() => schedule.cancel(mediatorId, other.id, session.id))).code).toBe('not_found');
  });

  it('a party sees joint sessions and their own side’s caucus, not the other side’s; the assessor sees all', async () => {
    const { add, schedule, who } = await setup();
    await add();
    await add({ purpose: 'caucus', side: 'A', time: '11:00', durationMinutes: 45 });
    await add({ purpose: 'caucus', side: 'B', time: '12:00', durationMinutes: 45 });
    const purposes = async (name: string) => (await schedule.forInvitee(who(name))).sessions.map((s) => `${s.purpose}${s.side ?? ''}`);
    expect(await purposes('Ana Party')).toEqual(['joint', 'caucusA']);
    expect(await purposes('Ben Party')).toEqual(['joint', 'caucusB']);
    expect(await purposes('Olga Observer')).toEqual(['joint', 'caucusA', 'caucusB']);
  });

  it('an invitee reads the mediator’s note only with a current consent', async () => {
    let consented = false;
    const { add, schedule, who } = await setup({ consented: () => consented });
    await add({ note: 'Bring the survey' });
    expect((await schedule.forInvitee(who('Ana Party'))).sessions[0]!.note).toBeNull();
    consented = true;
    expect((await schedule.forInvitee(who('Ana Party'))).sessions[0]!.note).toBe('Bring the survey');
  });

  it('a browser’s zone is kept until the mediator sets one; then the browser no longer overrides it', async () => {
    const { schedule, who, mediatorId, caseId } = await setup();
    const ana = who('Ana Party');
    expect((await schedule.reportZone(ana, 'Europe/London')).timeZone).toEqual({ zone: 'Europe/London', source: 'browser' });
    await schedule.setParticipantZone(mediatorId, caseId, ana.participantId, 'Europe/Lisbon');
    expect((await schedule.reportZone(ana, 'Asia/Tokyo')).timeZone).toEqual({ zone: 'Europe/Lisbon', source: 'mediator' });
    const people = (await schedule.forMediator(mediatorId, caseId)).people;
    expect(people.map((p) => [p.displayName, p.timeZone, p.source])).toEqual([
      ['Ana Party', 'Europe/Lisbon', 'mediator'],
      ['Ben Party', null, null],
      ['Olga Observer', null, null],
    ]);
    await schedule.setParticipantZone(mediatorId, caseId, ana.participantId, null);
    expect((await schedule.reportZone(ana, 'Asia/Tokyo')).timeZone).toEqual({ zone: 'Asia/Tokyo', source: 'browser' });
  });

  it('stores the zones and the note sealed: none of them is in the database in plaintext', async () => {
    const { add, schedule, who, store } = await setup();
    await add({ timeZone: 'America/Sao_Paulo', note: 'Bring the survey' });
    await schedule.reportZone(who('Ana Party'), 'Pacific/Auckland');
    const dump = JSON.stringify([
      await store.kysely.selectFrom('scheduled_sessions').selectAll().execute(),
      await store.kysely.selectFrom('participant_time_zones').selectAll().execute(),
    ]);
    expect(dump).toContain('2031-01-16T'); // the instant is there…
    for (const secret of ['Sao_Paulo', 'survey', 'Auckland']) expect(dump).not.toContain(secret); // …the rest is sealed
  });
});
