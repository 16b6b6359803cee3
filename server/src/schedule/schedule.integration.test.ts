import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseSchedule, InviteeSchedule } from '@parley/shared';
import { api, consentedCase, createCase, startTestServer, tokenOf } from '../test/harness.ts';
import { parseCalendar } from '../test/calendar.ts';

/**
 * Who may read and change a case's schedule, with raw HTTP clients: the mediator of the case sets
 * it; a party reads only what concerns them, from their own case; a bad body changes nothing.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let tA: string;
let tB: string;
/** A second case of the same mediator, with its own party. */
let other: CaseDetail;
let tOther: string;

const joint = { date: '2031-01-16', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 90, note: 'Bring the survey' };
const schedulePath = (caseId: string) => `/api/cases/${caseId}/schedule`;

beforeAll(async () => {
  server = await startTestServer();
  ({ cookie, detail, tA, tB } = await consentedCase(server));
  other = await createCase(server, cookie, [{ displayName: 'Cy Other', role: 'party', side: 'A' }], 'Another dispute');
  tOther = tokenOf(other.participants.find((p) => p.displayName === 'Cy Other')!.invitation!.url);
});
afterAll(async () => {
  await server?.close();
});

async function download(path: string, auth: { cookie?: string; bearer?: string }): Promise<{ status: number; type: string | null; text: string }> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('the schedule over HTTP', () => {
  it('the mediator schedules a session; each party reads it, and it is on the session record', async () => {
    const r = await api<CaseSchedule>(server, 'POST', schedulePath(detail.id), { cookie, body: joint });
    expect(r.status).toBe(201);
    expect(r.body.sessions).toMatchObject([{ startsAt: '2031-01-16T08:00:00.000Z', purpose: 'joint', setInTimeZone: 'Europe/Paris', sequence: 0 }]);
    const seen = await api<InviteeSchedule>(server, 'GET', '/api/invitation/schedule', { bearer: tB });
    expect(seen.body.sessions.map((s) => [s.startsAt, s.note])).toEqual([['2031-01-16T08:00:00.000Z', 'Bring the survey']]);
    const record = await api<{ entries: Array<{ type: string }> }>(server, 'GET', `/api/cases/${detail.id}/record`, { cookie });
    expect(record.body.entries.map((e) => e.type)).toContain('session.scheduled');
  });

  it('a party can neither schedule, reschedule nor cancel, with their link or without it', async () => {
    const id = (await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie })).body.sessions[0]!.id;
    for (const [method, path, body] of [
      ['POST', schedulePath(detail.id), joint],
      ['PUT', `${schedulePath(detail.id)}/${id}`, { ...joint, time: '10:00' }],
      ['POST', `${schedulePath(detail.id)}/${id}/cancel`, undefined],
      ['PUT', `/api/cases/${detail.id}/participants/${detail.participants[1]!.id}/time-zone`, { timeZone: 'Asia/Tokyo' }],
    ] as const) {
      expect(await api(server, method, path, { bearer: tA, body }), `${method} ${path}`).toMatchObject({ status: 401, body: { error: { code: 'unauthorised' } } });
    }
    const after = await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie });
    expect(after.body.sessions).toMatchObject([{ id, startsAt: '2031-01-16T08:00:00.000Z', sequence: 0, cancelledAt: null }]);
  });

  it('a link of another case reads only its own case’s schedule, and cannot download this case’s sessions', async () => {
    const id = (await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie })).body.sessions[0]!.id;
    expect((await api<InviteeSchedule>(server, 'GET', '/api/invitation/schedule', { bearer: tOther })).body.sessions).toEqual([]);
    expect(await download(`/api/invitation/schedule/${id}/calendar`, { bearer: tOther })).toMatchObject({ status: 404 });
    expect(parseCalendar((await download('/api/invitation/schedule/calendar', { bearer: tOther })).text).events).toEqual([]);
  });

  it('a party does not learn of the other side’s caucus, in the schedule or as a calendar file', async () => {
    const r = await api<CaseSchedule>(server, 'POST', schedulePath(detail.id), { cookie, body: { ...joint, purpose: 'caucus', side: 'B', time: '14:00', durationMinutes: 45 } });
    const caucus = r.body.sessions.find((s) => s.purpose === 'caucus')!;
    expect((await api<InviteeSchedule>(server, 'GET', '/api/invitation/schedule', { bearer: tA })).body.sessions.map((s) => s.purpose)).toEqual(['joint']);
    expect(await download(`/api/invitation/schedule/${caucus.id}/calendar`, { bearer: tA })).toMatchObject({ status: 404 });
    expect(await download(`/api/invitation/schedule/${caucus.id}/calendar`, { bearer: tB })).toMatchObject({ status: 200 });
    await api(server, 'POST', `${schedulePath(detail.id)}/${caucus.id}/cancel`, { cookie });
  });

  it('bad bodies get a typed 400 and change nothing', async () => {
    const before = (await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie })).body;
    const id = before.sessions[0]!.id;
    for (const [path, method, body, field] of [
      [schedulePath(detail.id), 'POST', { ...joint, timeZone: '+01:00' }, 'timeZone'],
      [schedulePath(detail.id), 'POST', { ...joint, date: '2031-03-30', time: '02:30' }, 'time'],
      [schedulePath(detail.id), 'POST', { ...joint, date: '2020-01-16' }, 'date'],
      [schedulePath(detail.id), 'POST', { ...joint, purpose: 'caucus' }, 'side'],
      [`${schedulePath(detail.id)}/${id}`, 'PUT', { ...joint, durationMinutes: 5000 }, 'durationMinutes'],
      [`${schedulePath(detail.id)}/${id}`, 'PUT', { ...joint, startsAt: '2031-01-16T08:00:00Z' }, ''],
    ] as const) {
      const r = await api<{ error: { code: string; details?: Array<{ path: string }> } }>(server, method, path, { cookie, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
      if (field) expect(r.body.error.details?.map((d) => d.path)).toContain(field);
    }
    expect((await api(server, 'PUT', '/api/invitation/time-zone', { bearer: tA, body: { timeZone: 'Mars/Olympus' } })).status).toBe(400);
    expect((await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie })).body).toEqual(before);
  });

  it('a reschedule keeps the calendar UID and raises SEQUENCE; the calendar file holds no link and no case text', async () => {
    const id = (await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie })).body.sessions.find((s) => s.purpose === 'joint')!.id;
    const first = await download(`/api/invitation/schedule/${id}/calendar`, { bearer: tA });
    expect(first.type).toMatch(/^text\/calendar/);
    const moved = await api<CaseSchedule>(server, 'PUT', `${schedulePath(detail.id)}/${id}`, { cookie, body: { ...joint, time: '10:30' } });
    expect(moved.status).toBe(200);
    const second = await download(`/api/invitation/schedule/${id}/calendar`, { bearer: tA });
    const [a, b] = [parseCalendar(first.text).events[0]!, parseCalendar(second.text).events[0]!];
    expect(b.UID).toBe(a.UID);
    expect([a.DTSTART, b.DTSTART]).toEqual(['20310116T080000Z', '20310116T093000Z']);
    expect(Number(b.SEQUENCE)).toBe(Number(a.SEQUENCE) + 1);
    const mediatorFile = await download(`/api/cases/${detail.id}/schedule/calendar`, { cookie });
    for (const text of [first.text, second.text, mediatorFile.text]) {
      for (const secret of [tA, 'Boundary dispute', 'Ana Party', 'Ben Party', 'Bring the survey', '/join']) expect(text).not.toContain(secret);
    }
  });

  it('a party tells the zone of their browser; the mediator sees it, and only the mediator sees everyone’s', async () => {
    const mine = await api<InviteeSchedule>(server, 'PUT', '/api/invitation/time-zone', { bearer: tA, body: { timeZone: 'Europe/London' } });
    expect(mine.body.timeZone).toEqual({ zone: 'Europe/London', source: 'browser' });
    expect(JSON.stringify((await api(server, 'GET', '/api/invitation/schedule', { bearer: tB })).body)).not.toContain('London');
    const people = (await api<CaseSchedule>(server, 'GET', schedulePath(detail.id), { cookie })).body.people;
    expect(people.find((p) => p.displayName === 'Ana Party')).toMatchObject({ timeZone: 'Europe/London', source: 'browser' });
  });
});
