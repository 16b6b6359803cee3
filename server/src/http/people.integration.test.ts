import { describe, expect, it } from 'vitest';
import { CloseCode, type CaseDetail } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, createCase, must, nextEvent } from '../test/harness.ts';

/**
 * People on an existing case (issue 13): the mediator adds and removes parties, advisors and
 * assessors. A removed person's link and connections end at once, also in a live session; the
 * record says who did what. Raw HTTP and socket clients against the real server.
 */
const live = liveTestServer();

const pidOf = (d: CaseDetail, name: string) => d.participants.find((p) => p.displayName === name)!.id;
const remove = (caseId: string, pid: string, auth: { cookie?: string; bearer?: string }) => api<CaseDetail & { error?: { code: string } }>(live.server, 'DELETE', `/api/cases/${caseId}/participants/${pid}`, auth);

async function peopleEntries(caseId: string): Promise<Array<{ type: string; data: unknown }>> {
  const r = await api<{ entries: Array<{ type: string; data: unknown }> }>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie: live.cookie });
  return r.body.entries.filter((e) => e.type === 'participant.added' || e.type === 'participant.removed').map(({ type, data }) => ({ type, data }));
}

describe('people on a case', () => {
  it('a party taken off the case is taken out of the live session at once and their link stops working', async () => {
    const { m, a, detail, tA, ids } = await live.threeInSession();
    // Something Ana wrote before, which must stay for the others (the case page promises it).
    const joint = (await must(a, 'thread:list', {})).threads.find((t) => t.kind === 'joint')!;
    await must(a, 'message:send', { threadId: joint.id, body: 'Written before I was removed', clientId: crypto.randomUUID() });
    const closed = nextEvent(a, 'session:closed');
    const r = await remove(detail.id, ids.a, { cookie: live.cookie });
    expect(r.status).toBe(200);
    expect(r.body.participants.map((p) => p.displayName)).not.toContain('Ana Party');
    expect(await closed).toEqual({ code: CloseCode.Removed, message: expect.stringContaining('removed you') });
    const link = await api<{ error: { code: string; message: string } }>(live.server, 'GET', '/api/invitation', { bearer: tA });
    expect(link.status).toBe(401);
    expect(link.body.error.message).toContain('took you off this case');
    expect(await peopleEntries(detail.id)).toEqual([{ type: 'participant.removed', data: { participant: 'Ana Party', role: 'party' } }]);
    const history = await must(m, 'thread:history', { threadId: joint.id, limit: 100 });
    expect(history.messages.map((x) => x.body)).toContain('Written before I was removed');
  });

  it('only the case’s mediator can; the last party and the mediator cannot be removed; nothing changes then', async () => {
    const detail = await createCase(live.server, live.cookie, [{ displayName: 'Solo Party', role: 'party', side: 'A' }, { displayName: 'Ada Advisor', role: 'advisor', side: 'A' }]);
    const solo = pidOf(detail, 'Solo Party');
    const token = new URL(detail.participants.find((p) => p.id === solo)!.invitation!.url).hash.replace('#t=', '');
    expect((await remove(detail.id, solo, { bearer: token })).status).toBe(401);
    expect((await remove(detail.id, solo, {})).status).toBe(401);
    const last = await remove(detail.id, solo, { cookie: live.cookie });
    expect(last.status).toBe(409);
    const mediator = detail.participants.find((p) => p.role === 'mediator')!.id;
    expect((await remove(detail.id, mediator, { cookie: live.cookie })).status).toBe(400);
    expect((await remove(detail.id, 'nobody-like-this', { cookie: live.cookie })).status).toBe(404);
    const after = await api<CaseDetail>(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: live.cookie });
    expect(after.body.participants.map((p) => p.displayName).sort()).toEqual(['Ada Advisor', 'Mediator', 'Solo Party'].sort());
    expect(await peopleEntries(detail.id)).toEqual([]);
  });

  it('adding an advisor and removing an assessor are recorded; the assessor’s removal rewrites the agreement', async () => {
    const detail = await createCase(live.server, live.cookie, [
      { displayName: 'Ana Party', role: 'party', side: 'A' },
      { displayName: 'Olga Observer', role: 'assessor', side: null },
    ]);
    const added = await api<CaseDetail>(live.server, 'POST', `/api/cases/${detail.id}/participants`, { cookie: live.cookie, body: { displayName: 'Carla Counsel', role: 'advisor', side: 'A' } });
    expect(added.status).toBe(201);
    const removed = await remove(detail.id, pidOf(detail, 'Olga Observer'), { cookie: live.cookie });
    expect(removed.status).toBe(200);
    expect(removed.body.agreement.version).toBe(detail.agreement.version + 1);
    expect(removed.body.clauseSetHash).not.toBe(detail.clauseSetHash);
    expect(JSON.stringify(removed.body.agreement)).not.toContain('Olga Observer');
    expect(await peopleEntries(detail.id)).toEqual([
      { type: 'participant.added', data: { participant: 'Carla Counsel', role: 'advisor' } },
      { type: 'participant.removed', data: { participant: 'Olga Observer', role: 'assessor' } },
    ]);
  });
});
