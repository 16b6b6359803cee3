import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, type CaseDetail, type InvitationView, type WireError } from '@parley/shared';
import { liveTestServer } from '../test/live-server.ts';
import { api, connect, ended, must, request, type ClientSocket } from '../test/harness.ts';
import { provider, synced } from '../test/yjs.ts';
import { draftDocName } from '@parley/shared';

/**
 * The end of a case against the real server, with raw clients [issue 15]: concluding ends the live
 * session and the drafts for everyone, and from then on the server, not the client, keeps the case
 * unchanged; a party reads what they could until the access period ends; reopening is recorded;
 * an archived case is its mediators' alone.
 */
const live = liveTestServer();

const conclude = (caseId: string, body: unknown) => api<CaseDetail & { error?: WireError }>(live.server, 'POST', `/api/cases/${caseId}/conclude`, { cookie: live.cookie, body });
const NO_AGREEMENT = { outcome: 'no-agreement', reason: 'Ben withdrew from the mediation.', partyAccessDays: 30 };

async function entries(caseId: string, type: string): Promise<unknown[]> {
  const r = await api<{ entries: Array<{ type: string; data: unknown }> }>(live.server, 'GET', `/api/cases/${caseId}/record`, { cookie: live.cookie });
  return r.body.entries.filter((e) => e.type === type).map((e) => e.data);
}

async function refusedHandshake(auth: Record<string, unknown>): Promise<WireError> {
  try {
    const s: ClientSocket = await connect(live.server, auth);
    s.close();
    throw new Error('the handshake was accepted');
  } catch (err) {
    return (err as Error & { data: WireError }).data;
  }
}

describe('concluding a case', () => {
  it('ends the live session and the draft for everyone, with the code that says why', async () => {
    const { m, a, detail, tA } = await live.threeInSession();
    const draft = provider(live.server, draftDocName(detail.id, 'agreement'), { token: tA });
    await synced(draft);
    const draftClosed = new Promise<number>((resolve) => draft.on('connection-close', (e: CloseEvent | null) => resolve(e?.code ?? -1)));
    const [endedA, endedM] = [ended(a), ended(m)];
    const r = await conclude(detail.id, NO_AGREEMENT);
    expect(r.status).toBe(200);
    expect(r.body.lifecycle).toMatchObject({ state: 'concluded', outcome: 'no-agreement', reason: 'Ben withdrew from the mediation.' });
    expect(await endedA).toEqual({ code: CloseCode.CaseConcluded, disconnected: true });
    expect(await endedM).toEqual({ code: CloseCode.CaseConcluded, disconnected: true });
    expect(await draftClosed).toBe(CloseCode.CaseConcluded);
    draft.destroy();
    await expect.poll(() => live.server.sfu.getCase(detail.id)).toBeUndefined();
    expect(await entries(detail.id, 'case.concluded')).toEqual([{ outcome: 'no-agreement', reason: 'Ben withdrew from the mediation.', partyAccessUntil: r.body.lifecycle.partyAccessUntil }]);
  });

  it('afterwards nothing changes and nobody meets, whatever a client sends; what they could read stays readable', async () => {
    const { detail, tA } = await live.threeInSession();
    await conclude(detail.id, NO_AGREEMENT);
    // Ana's page reconnects to read: her threads answer, writing and the session are refused.
    const a = await live.open({ token: tA });
    const { threads } = await must(a, 'thread:list', {});
    const joint = threads.find((t) => t.kind === 'joint')!;
    expect(await request(a, 'message:send', { threadId: joint.id, body: 'One more thing', clientId: randomUUID() })).toMatchObject({ ok: false, error: { code: ErrorCode.CaseConcluded } });
    expect(await request(a, 'session:join', {})).toMatchObject({ ok: false, error: { code: ErrorCode.CaseConcluded } });
    expect(await request(a, 'session:prepare', {})).toMatchObject({ ok: false, error: { code: ErrorCode.CaseConcluded } });
    // Her own page says so; a consent or a change of hers is refused.
    const view = await api<InvitationView>(live.server, 'GET', '/api/invitation', { bearer: tA });
    expect(view.body.lifecycle).toMatchObject({ state: 'concluded', outcome: 'no-agreement' });
    const refused = await api<{ error: WireError }>(live.server, 'POST', '/api/invitation/consent/question', { bearer: tA, body: { question: 'Can we start again?' } });
    expect([refused.status, refused.body.error.code]).toEqual([409, ErrorCode.CaseConcluded]);
    // The mediator reads the case and changes nothing in it either.
    expect((await api(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: live.cookie })).status).toBe(200);
    const change = await api<{ error: WireError }>(live.server, 'PUT', `/api/cases/${detail.id}/waiting-room`, { cookie: live.cookie, body: { on: true } });
    expect([change.status, change.body.error.code]).toEqual([409, ErrorCode.CaseConcluded]);
    const m = await live.open({ caseId: detail.id }, { cookie: live.cookie });
    expect(await request(m, 'session:join', {})).toMatchObject({ ok: false, error: { code: ErrorCode.CaseConcluded } });
    // The draft opens read-only: the access check says so.
    const access = await api<{ access: string }>(live.server, 'GET', `/api/drafts/${encodeURIComponent(draftDocName(detail.id, 'agreement'))}/access`, { bearer: tA });
    expect(access.body.access).toBe('read');
  });

  it('cancels the sessions still to come, as the mediator would, so nobody is expected at one', async () => {
    const { detail } = await live.threeInSession();
    const joint = { date: '2031-01-16', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 90 };
    expect((await api(live.server, 'POST', `/api/cases/${detail.id}/schedule`, { cookie: live.cookie, body: joint })).status).toBe(201);
    await conclude(detail.id, NO_AGREEMENT);
    const schedule = await api<{ sessions: Array<{ cancelledAt: string | null }> }>(live.server, 'GET', `/api/cases/${detail.id}/schedule`, { cookie: live.cookie });
    expect(schedule.body.sessions).toEqual([expect.objectContaining({ cancelledAt: expect.any(String) })]);
    expect(await entries(detail.id, 'session.cancelled')).toHaveLength(1);
  });

  it('with an agreement needs a version signed by everyone', async () => {
    const { detail } = await live.threeInSession();
    const r = await conclude(detail.id, { outcome: 'agreement', reason: '', partyAccessDays: 30 });
    expect([r.status, r.body.error?.code]).toEqual([409, ErrorCode.Conflict]);
    expect((await api<CaseDetail>(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: live.cookie })).body.lifecycle.state).toBe('open');
  });

  it('two mediators concluding at once conclude it once', async () => {
    const { detail } = await live.threeInSession();
    const both = await Promise.all([conclude(detail.id, NO_AGREEMENT), conclude(detail.id, NO_AGREEMENT)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await entries(detail.id, 'case.concluded')).toHaveLength(1);
  });

  it('with no access period the parties’ links stop at once; the mediator still reads', async () => {
    const { detail, tA } = await live.threeInSession();
    await conclude(detail.id, { ...NO_AGREEMENT, partyAccessDays: 0 });
    const view = await api<{ error: WireError }>(live.server, 'GET', '/api/invitation', { bearer: tA });
    expect([view.status, view.body.error.code]).toEqual([410, ErrorCode.CaseClosed]);
    expect(await refusedHandshake({ token: tA })).toMatchObject({ code: ErrorCode.CaseClosed });
    expect((await api(live.server, 'GET', `/api/cases/${detail.id}/record`, { cookie: live.cookie })).status).toBe(200);
  });
});

describe('reopening and archiving', () => {
  it('reopening needs a reason, is recorded, and lets the case go on', async () => {
    const { detail, tA } = await live.threeInSession();
    await conclude(detail.id, NO_AGREEMENT);
    const reopen = (body: unknown) => api<CaseDetail & { error?: WireError }>(live.server, 'POST', `/api/cases/${detail.id}/reopen`, { cookie: live.cookie, body });
    expect((await reopen({ reason: '  ' })).status).toBe(400);
    const r = await reopen({ reason: 'Ben asked to continue.' });
    expect(r.status).toBe(200);
    expect(r.body.lifecycle).toEqual({ state: 'open', concludedAt: null, outcome: null, reason: null, partyAccessUntil: null, archivedAt: null });
    expect(await entries(detail.id, 'case.reopened')).toEqual([{ reason: 'Ben asked to continue.' }]);
    const a = await live.open({ token: tA });
    const { threads } = await must(a, 'thread:list', {});
    await must(a, 'message:send', { threadId: threads.find((t) => t.kind === 'joint')!.id, body: 'Thank you for reopening it.', clientId: randomUUID() });
    // An open case is not reopened, and is not archived before it is concluded.
    expect((await reopen({ reason: 'again' })).status).toBe(409);
    expect((await api(live.server, 'POST', `/api/cases/${detail.id}/archive`, { cookie: live.cookie })).status).toBe(409);
  });

  it('an archived case is its mediators’ to read, and nobody else’s', async () => {
    const { detail, tA } = await live.threeInSession();
    await conclude(detail.id, NO_AGREEMENT);
    const a = await live.open({ token: tA });
    const gone = ended(a);
    const r = await api<CaseDetail>(live.server, 'POST', `/api/cases/${detail.id}/archive`, { cookie: live.cookie });
    expect(r.body.lifecycle.state).toBe('archived');
    expect(await gone).toEqual({ code: CloseCode.CaseClosed, disconnected: true });
    expect((await api<{ error: WireError }>(live.server, 'GET', '/api/invitation', { bearer: tA })).body.error.code).toBe(ErrorCode.CaseClosed);
    expect(await refusedHandshake({ token: tA })).toMatchObject({ code: ErrorCode.CaseClosed });
    expect((await api(live.server, 'GET', `/api/cases/${detail.id}`, { cookie: live.cookie })).status).toBe(200);
    const change = await api<{ error: WireError }>(live.server, 'POST', `/api/cases/${detail.id}/reopen`, { cookie: live.cookie, body: { reason: 'x' } });
    expect(change.status).toBe(409);
    expect(await entries(detail.id, 'case.archived')).toEqual([{}]);
  });
});
