import { beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, CO_MEDIATOR_CLAUSE_ID, type CaseDetail, type CaseSummary, type ColleagueList, type InvitationView, type ThreadSummary } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, ended, joinWithMedia, must, nextEvent } from '../test/harness.ts';
import { secondMediator } from '../test/accounts.ts';

/**
 * Co-mediation against the real server and worker [issue 13; 3.6.10, 3.6.14]: the lead asks a
 * colleague to co-mediate; the colleague sees the case, has the mediator's live powers, reads the
 * mediators' threads; the parties are told in the agreement first; only the lead changes who
 * co-mediates; a co-mediator taken off loses the case at once.
 */
const live = liveTestServer();
let bea: string;
let beaId: string;
let cy: string;

beforeAll(async () => {
  bea = await secondMediator(live.server, live.cookie, 'Bea Colleague');
  cy = await secondMediator(live.server, live.cookie, 'Cy Other');
  const list = await api<ColleagueList>(live.server, 'GET', '/api/colleagues', { cookie: live.cookie });
  beaId = list.body.colleagues.find((c) => c.displayName === 'Bea Colleague')!.id;
});

const addBea = async (detail: CaseDetail): Promise<CaseDetail> => {
  const r = await api<CaseDetail>(live.server, 'POST', `/api/cases/${detail.id}/co-mediators`, { cookie: live.cookie, body: { mediatorId: beaId } });
  expect(r.status).toBe(201);
  return r.body;
};
const withWaitingRoom = async (detail: CaseDetail): Promise<CaseDetail> =>
  (await api<CaseDetail>(live.server, 'PUT', `/api/cases/${detail.id}/waiting-room`, { cookie: live.cookie, body: { on: true } })).body;
const beaOf = (d: CaseDetail) => d.mediators.find((m) => m.displayName === 'Bea Colleague')!;
const casesOf = async (cookie: string) => (await api<{ cases: CaseSummary[] }>(live.server, 'GET', '/api/cases', { cookie })).body.cases;

describe('co-mediation', () => {
  it('the colleague list offers the other active mediators, never the caller', async () => {
    const list = (await api<ColleagueList>(live.server, 'GET', '/api/colleagues', { cookie: bea })).body.colleagues.map((c) => c.displayName);
    expect(list).toContain('Cy Other');
    expect(list).not.toContain('Bea Colleague');
    expect(list.length).toBe(2);
  });

  it('a co-mediator added: the case is in their list, the agreement names them and everyone consents again', async () => {
    const { detail: created, tA } = await live.threeInSession();
    const before = (await api<CaseDetail>(live.server, 'GET', `/api/cases/${created.id}`, { cookie: live.cookie })).body;
    expect(before.participants.find((p) => p.displayName === 'Ana Party')!.consent!.current).toBe(true);
    const after = await addBea(before);
    expect(after.mediators.map((m) => [m.displayName, m.lead])).toEqual([
      ['Mediator', true],
      ['Bea Colleague', false],
    ]);
    expect((await casesOf(bea)).find((c) => c.id === before.id)?.mediatorRole).toBe('co');
    expect((await casesOf(live.cookie)).find((c) => c.id === before.id)?.mediatorRole).toBe('lead');
    // The parties read who Bea is, in the agreement and with their link, before they consent again.
    const clause = after.agreement.clauses.find((c) => c.id === CO_MEDIATOR_CLAUSE_ID)!;
    expect(clause.body).toMatch(/^Bea Colleague mediates this case together with Mediator/);
    expect(after.participants.find((p) => p.displayName === 'Ana Party')!.consent!.current).toBe(false);
    const view = (await api<InvitationView>(live.server, 'GET', '/api/invitation', { bearer: tA })).body;
    expect(view.coMediators.map((m) => m.displayName)).toEqual(['Bea Colleague']);
    expect(view.agreement.clauses.find((c) => c.id === CO_MEDIATOR_CLAUSE_ID)!.body).toContain('Bea Colleague');
    // In the record, with who added her.
    const record = (await api<{ entries: Array<{ type: string; actor: { displayName: string } | null; data: unknown }> }>(live.server, 'GET', `/api/cases/${before.id}/record`, { cookie: bea })).body.entries;
    expect(record.filter((e) => e.type === 'participant.added').map((e) => [e.actor?.displayName, e.data])).toEqual([['Mediator', { participant: 'Bea Colleague', role: 'co-mediator' }]]);
  });

  it('a co-mediator has the mediator’s live powers: they let a waiting party in, who then receives their media', async () => {
    const { detail, ids, M, receives } = await live.threeInSession(async (d) => addBea(await withWaitingRoom(d)));
    const b = await live.open({ caseId: detail.id }, { cookie: bea });
    const B = await joinWithMedia(b, 4000);
    await must(b, 'media:ready', { rtpCapabilities: B.joined.routerRtpCapabilities as never });
    expect(B.joined.self).toMatchObject({ role: 'mediator', displayName: 'Bea Colleague', roomId: 'joint' });
    await expect.poll(() => receives(B.joined.self.id)).toEqual([M.mic, M.cam].sort());
    expect(receives(ids.a)).toEqual([]);
    expect(await must(b, 'room:admit', { participantIds: [ids.a] })).toEqual({ admitted: 1 });
    await expect.poll(() => receives(ids.a)).toEqual([M.mic, M.cam, B.mic, B.cam].sort());
    expect(receives(ids.b)).toEqual([]);
  });

  it('only the lead changes who co-mediates, chooses the template and reads the assessments; a co-mediator is told why', async () => {
    const detail = await addBea((await live.threeInSession()).detail);
    const cyId = (await api<ColleagueList>(live.server, 'GET', '/api/colleagues', { cookie: live.cookie })).body.colleagues.find((c) => c.displayName === 'Cy Other')!.id;
    const asBea = async (method: string, p: string, body?: unknown) => api<{ error: { code: string; message: string } }>(live.server, method, p, { cookie: bea, ...(body ? { body } : {}) });
    const add = await asBea('POST', `/api/cases/${detail.id}/co-mediators`, { mediatorId: cyId });
    expect(add.status).toBe(403);
    expect(add.body.error.message).toBe('Only Mediator, who leads this case, can ask a colleague to co-mediate it.');
    expect((await asBea('DELETE', `/api/cases/${detail.id}/co-mediators/${beaOf(detail).participantId}`)).status).toBe(403);
    expect((await asBea('PUT', `/api/cases/${detail.id}/template`, { templateVersionId: null })).status).toBe(403);
    expect((await asBea('GET', `/api/cases/${detail.id}/assessment`)).status).toBe(403);
    // Everything else of the case is theirs to run, like the lead's.
    expect((await asBea('PUT', `/api/cases/${detail.id}/waiting-room`, { on: false })).status).toBe(200);
    // A mediator who is not on the case still learns nothing of it.
    expect((await api(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: cy })).status).toBe(404);
    expect((await casesOf(cy)).some((c) => c.id === detail.id)).toBe(false);
    // Nothing of Bea's attempts changed who mediates.
    expect((await api<CaseDetail>(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: live.cookie })).body.mediators).toHaveLength(2);
  });

  it('taken off the case, the co-mediator’s connection ends at once and the case leaves their list', async () => {
    const { detail } = await live.threeInSession(addBea);
    const b = await live.open({ caseId: detail.id }, { cookie: bea });
    await joinWithMedia(b, 5000);
    const closed = ended(b);
    const r = await api<CaseDetail>(live.server, 'DELETE', `/api/cases/${detail.id}/co-mediators/${beaOf(detail).participantId}`, { cookie: live.cookie });
    expect(r.status).toBe(200);
    expect(await closed).toEqual({ code: CloseCode.Removed, disconnected: true });
    expect(r.body.mediators).toHaveLength(1);
    expect(r.body.agreement.clauses.some((c) => c.id === CO_MEDIATOR_CLAUSE_ID)).toBe(false);
    expect((await api(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: bea })).status).toBe(404);
    expect((await casesOf(bea)).some((c) => c.id === detail.id)).toBe(false);
  });

  it('a co-mediator reads the private threads between each party and the mediators, and hears of new messages in them', async () => {
    const { detail, a } = await live.threeInSession(addBea);
    const b = await live.open({ caseId: detail.id }, { cookie: bea });
    const threads = (await must(b, 'thread:list', {})).threads as ThreadSummary[];
    const privates = threads.filter((t) => t.kind === 'private').map((t) => t.title).sort();
    expect(privates).toEqual(['Private: Ana Party', 'Private: Ben Party']);
    const own = ((await must(a, 'thread:list', {})).threads as ThreadSummary[]).find((t) => t.kind === 'private')!;
    expect(own.title).toBe('Private: you and Mediator and Bea Colleague');
    const heard = nextEvent(b, 'message:posted');
    await must(a, 'message:send', { threadId: own.id, body: 'Only for the mediators', clientId: '00000000-0000-4000-8000-000000000001' });
    expect((await heard).body).toBe('Only for the mediators');
  });
});
