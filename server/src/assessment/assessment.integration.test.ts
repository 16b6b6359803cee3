import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentExport, AssessmentNote, AssessmentView, CaseDetail, ReleasedAssessments, Scorecard, ThreadSummary } from '@parley/shared';
import { api, connect, consent, createCase, must, nextEvent, request, signIn, startTestServer, tokenOf, type ClientSocket } from '../test/harness.ts';

/**
 * The assessor over HTTP and signalling, against the real server: invited by the mediator, kept
 * out of the parties' threads, working on a scorecard no party can reach, which the mediator sees
 * only when released.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let tAna: string;
let tCleo: string;
const sockets: ClientSocket[] = [];
const open = async (auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  return s;
};
const person = (d: CaseDetail, name: string) => d.participants.find((p) => p.displayName === name)!;

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie, [
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
    { displayName: 'Cleo Assessor', role: 'assessor', side: null },
  ], 'Orchard boundary');
  tAna = tokenOf(person(detail, 'Ana Party').invitation!.url);
  tCleo = tokenOf(person(detail, 'Cleo Assessor').invitation!.url);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

describe('inviting an assessor', () => {
  it('a case can be created with an assessor, who has no side and is disclosed to the parties', async () => {
    expect(person(detail, 'Cleo Assessor')).toMatchObject({ role: 'assessor', side: null, invitation: { status: 'active' } });
    const view = await api<{ others: unknown[]; agreement: CaseDetail['agreement'] }>(server, 'GET', '/api/invitation', { bearer: tAna });
    expect(view.body.others).toContainEqual({ displayName: 'Cleo Assessor', role: 'assessor', side: null });
    expect(view.body.agreement.clauses.find((c) => c.id === 'assessor')!.body).toContain('An assessor, Cleo Assessor, takes part');
    expect(view.body.agreement.clauses.find((c) => c.id === 'assessor-caucuses')!.optional).toBe(true);
  });

  it('the mediator adds a second assessor to the existing case; a third, a party or a stranger cannot', async () => {
    const add = (body: unknown, opts: { cookie?: string; bearer?: string } = { cookie }) =>
      api<CaseDetail & { error?: { code: string; message: string } }>(server, 'POST', `/api/cases/${detail.id}/participants`, { ...opts, body });
    const second = await add({ displayName: 'Dora Assessor', role: 'assessor' });
    expect(second.status).toBe(201);
    expect(person(second.body, 'Dora Assessor')).toMatchObject({ role: 'assessor', side: null });
    expect(second.body.clauseSetHash).not.toBe(detail.clauseSetHash);
    const third = await add({ displayName: 'Eve Assessor', role: 'assessor' });
    expect(third.status).toBe(409);
    expect(third.body.error!.message).toBe('A case can have at most 2 assessors.');
    expect((await add({ displayName: 'Eve', role: 'assessor', side: 'A' })).status).toBe(400);
    expect((await add({ displayName: 'Eve', role: 'assessor' }, { bearer: tAna })).status).toBe(401);
    expect((await add({ displayName: 'Eve', role: 'assessor' }, {})).status).toBe(401);
    const elsewhere = await api(server, 'POST', '/api/cases/AAAAAAAAAAAAAAAAAAAAAA/participants', { cookie, body: { displayName: 'Eve', role: 'assessor' } });
    expect(elsewhere.status).toBe(404);
    detail = second.body;
  });
});

describe('the assessor in threads', () => {
  it('reads the joint thread only: no private or caucus thread, and cannot post', async () => {
    await consent(server, tAna, detail);
    await consent(server, tCleo, detail);
    const m = await open({ caseId: detail.id }, { cookie });
    const a = await open({ token: tAna });
    const c = await open({ token: tCleo });
    await must(m, 'session:join', {});
    await must(a, 'session:join', {});
    await must(c, 'session:join', {});
    const { room } = await must(m, 'room:create', { name: 'Caucus A' });
    // Whether the assessor may be placed in a caucus is the live session's rule; either way no caucus thread.
    await request(m, 'room:move', { participantIds: [person(detail, 'Cleo Assessor').id], roomId: room.id });
    // Threads follow placements a moment later, one after the other: once Ana is told of the caucus
    // thread, the assessor's placement (before hers) has been dealt with too.
    const anaAdded = nextEvent(a, 'thread:added');
    await must(m, 'room:move', { participantIds: [person(detail, 'Ana Party').id], roomId: room.id });
    expect((await anaAdded).kind).toBe('caucus');

    const mine = (await must(c, 'thread:list', {})).threads as ThreadSummary[];
    expect(mine.map((t) => t.kind)).toEqual(['joint']);
    const anas = (await must(a, 'thread:list', {})).threads as ThreadSummary[];
    expect(anas.map((t) => t.kind).sort()).toEqual(['caucus', 'joint', 'private']);
    for (const t of anas.filter((x) => x.kind !== 'joint')) {
      expect(t.members.map((p) => p.role)).not.toContain('assessor');
      expect(await request(c, 'thread:history', { threadId: t.id, limit: 50 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await request(c, 'message:send', { threadId: t.id, body: 'hello', clientId: crypto.randomUUID() })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(await request(c, 'message:send', { threadId: mine[0]!.id, body: 'hello', clientId: crypto.randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

describe('the scorecard', () => {
  const base = '/api/invitation/assessment';

  it('parties never reach it, nor anyone without a link; the mediator only through their own route', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', base],
      ['PUT', `${base}/rating`, { itemId: '2.1', rating: 'competent' }],
      ['POST', `${base}/notes`, { text: 'x' }],
      ['PATCH', `${base}/notes/AAAAAAAAAAAAAAAA`, { text: 'x' }],
      ['DELETE', `${base}/notes/AAAAAAAAAAAAAAAA`],
      ['POST', `${base}/release`, { released: true }],
      ['GET', `${base}/report`],
      ['GET', `${base}/export`],
    ];
    for (const [method, p, body] of routes) {
      const asParty = await api<{ error: { code: string; message: string } }>(server, method, p, { bearer: tAna, body });
      expect(asParty.status, `${method} ${p}`).toBe(403);
      expect(asParty.body.error.message).toBe('Only the assessor of this case can open the assessment.');
      expect((await api(server, method, p, { body })).status, `${method} ${p} without a link`).toBe(401);
      expect((await api(server, method, p, { cookie, body })).status, `${method} ${p} as mediator`).toBe(401);
    }
    expect((await api(server, 'GET', `/api/cases/${detail.id}/assessment`, { bearer: tAna })).status).toBe(401);
    expect((await api(server, 'GET', `/api/cases/${detail.id}/assessment/report`, { bearer: tCleo })).status).toBe(401);
  });

  it('the second assessor must consent first', async () => {
    const tDora = tokenOf(person(detail, 'Dora Assessor').invitation!.url);
    const r = await api<{ error: { code: string } }>(server, 'GET', base, { bearer: tDora });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('consent_required');
  });

  it('rates, notes (stamped and linked to the session record), edits, exports and releases', async () => {
    const view = await api<AssessmentView>(server, 'GET', base, { bearer: tCleo });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ caseTitle: 'Orchard boundary', mediatorName: 'Mediator', assessor: { displayName: 'Cleo Assessor' }, scorecard: { notes: [], ratings: {} } });

    const rated = await api<Scorecard>(server, 'PUT', `${base}/rating`, { bearer: tCleo, body: { itemId: '2.11-iii', rating: 'competent' } });
    expect(rated.body.ratings).toEqual({ '2.11-iii': 'competent' });
    expect((await api(server, 'PUT', `${base}/rating`, { bearer: tCleo, body: { itemId: '2.11', rating: 'competent' } })).status).toBe(400);

    const posted = await api<AssessmentNote>(server, 'POST', `${base}/notes`, { bearer: tCleo, body: { text: 'Explained the caucus <script>alert(1)</script> clearly', itemId: '2.11-iii' } });
    expect(posted.status).toBe(201);
    expect(posted.body.sessionSeconds).toEqual(expect.any(Number));
    expect(Date.parse(posted.body.at)).toBeGreaterThan(Date.now() - 60_000);
    const types = posted.body.links.map((l) => l.type);
    expect(types).toContain('participant.moved');
    expect(posted.body.links.find((l) => l.type === 'participant.moved')!.summary).toBe('Mediator moved Ana Party to “Caucus A”');
    expect(posted.body.links.length).toBeLessThanOrEqual(3);

    const edited = await api<AssessmentNote>(server, 'PATCH', `${base}/notes/${posted.body.id}`, { bearer: tCleo, body: { itemId: '3.7.1' } });
    expect(edited.body).toMatchObject({ itemId: '3.7.1', text: posted.body.text, editedAt: expect.any(String) });
    const extra = await api<AssessmentNote>(server, 'POST', `${base}/notes`, { bearer: tCleo, body: { text: 'To be removed' } });
    expect((await api(server, 'DELETE', `${base}/notes/${extra.body.id}`, { bearer: tCleo })).status).toBe(204);
    expect((await api(server, 'DELETE', `${base}/notes/${extra.body.id}`, { bearer: tCleo })).status).toBe(404);

    const report = await fetch(`${server.url}${base}/report`, { headers: { authorization: `Bearer ${tCleo}` } });
    const html = await report.text();
    expect(report.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('Assessment of Mediator: Orchard boundary');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('Mediator moved Ana Party to “Caucus A”');

    const exp = await api<AssessmentExport>(server, 'GET', `${base}/export`, { bearer: tCleo });
    expect(exp.body.format).toBe('parley.assessment/1');
    expect(exp.body.notes).toHaveLength(1);

    // Nothing shared yet is the normal state of the case page: 200 and an explicit empty list, not a 404.
    const before = await api<ReleasedAssessments>(server, 'GET', `/api/cases/${detail.id}/assessment`, { cookie });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ caseTitle: 'Orchard boundary', assessments: [] });
    const noReport = await fetch(`${server.url}/api/cases/${detail.id}/assessment/report`, { headers: { cookie } });
    expect(noReport.status).toBe(404);
    // A case that is not this mediator's still does not exist for them.
    expect((await api(server, 'GET', '/api/cases/AAAAAAAAAAAAAAAAAAAAAA/assessment', { cookie })).status).toBe(404);
    expect((await api<Scorecard>(server, 'POST', `${base}/release`, { bearer: tCleo, body: { released: true } })).body.releasedToMediator).toBe(true);
    const after = await api<ReleasedAssessments>(server, 'GET', `/api/cases/${detail.id}/assessment`, { cookie });
    expect(after.status).toBe(200);
    expect(after.body.assessments[0]!.scorecard.notes[0]!.itemId).toBe('3.7.1');
    const mediatorReport = await fetch(`${server.url}/api/cases/${detail.id}/assessment/report`, { headers: { cookie } });
    expect(mediatorReport.status).toBe(200);
  });
});
