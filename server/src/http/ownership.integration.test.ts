import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CloseCode,
  DEFAULT_BREAKDOWN,
  DEFAULT_TEMPLATE_CLAUSES,
  draftDocName,
  httpRoutes,
  pathOf,
  type CaseDetail,
  type CaseSchedule,
  type HttpRoute,
  type HttpRouteName,
  type PathParams,
  type TemplateDetail,
  type TemplateList,
} from '@parley/shared';
import { api, connect, consentedCase, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';
import { secondMediator } from '../test/accounts.ts';
import { rawClient } from '../test/yjs.ts';

/**
 * Ownership across accounts [issue 13]: two mediators on one platform, and every mediator route
 * of the shared table that names a case or a template is called by mediator B on mediator A's
 * case and template. Each is refused as "not found" (nothing says the case exists) or forbidden,
 * and A's case reads the same afterwards. B's lists hold only B's own. A socket and a draft
 * connection with B's cookie for A's case are refused too. Walking the table means a route added
 * later is covered without anyone remembering to.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let a: string;
let b: string;
let caseA: CaseDetail;
let templateA: TemplateDetail;
let sessionIdA: string;
let answerIdA: string;

const templateBody = { name: 'Family disputes', clauses: DEFAULT_TEMPLATE_CLAUSES };
const scheduleBody = { date: '2031-01-16', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 90, note: 'Bring the survey' };

/**
 * A valid body for each mediator route that takes one: a refusal must come from ownership, not
 * from validation. (Checked against the route's own schema below.)
 */
const validBodies: Partial<Record<HttpRouteName, unknown>> = {
  setBreakdown: DEFAULT_BREAKDOWN,
  setWaitingRoom: { on: true },
  concludeCase: { outcome: 'no-agreement', reason: 'Mallory ends it', partyAccessDays: 0 },
  reopenCase: { reason: 'Mallory reopens it' },
  addParticipant: { displayName: 'Mallory Added', role: 'party', side: 'A' },
  setCaseTemplate: { templateVersionId: null },
  saveTemplate: { ...templateBody, name: 'Taken over' },
  scheduleSession: scheduleBody,
  rescheduleSession: { ...scheduleBody, time: '10:00' },
  setParticipantTimeZone: { timeZone: 'Asia/Tokyo' },
  setParticipantEmail: { email: 'mallory@example.org' },
  addCoMediator: { mediatorId: 'mallory-account' },
};

const namesCaseOrTemplate = (r: HttpRoute) => r.path.includes(':caseId') || r.path.includes(':templateId');
const ownedRoutes = (Object.entries(httpRoutes) as Array<[HttpRouteName, HttpRoute]>).filter(([, r]) => r.who === 'mediator' && namesCaseOrTemplate(r));

/** Everything A can read about their case and template, to compare before and after B's attempts. */
async function snapshotOfA(): Promise<unknown> {
  const read = async (p: string) => (await api(server, 'GET', p, { cookie: a })).body;
  const detail = (await read(`/api/cases/${caseA.id}`)) as CaseDetail;
  return {
    detail: { ...detail, participants: detail.participants.map((p) => ({ ...p, online: undefined })) },
    agreement: await read(`/api/cases/${caseA.id}/agreement`),
    record: ((await read(`/api/cases/${caseA.id}/record`)) as { entries: unknown[] }).entries,
    schedule: await read(`/api/cases/${caseA.id}/schedule`),
    template: await read(`/api/templates/${templateA.id}`),
    assessment: await read(`/api/cases/${caseA.id}/assessment`),
    mail: await read(`/api/cases/${caseA.id}/mail`),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  a = await signIn(server);
  b = await secondMediator(server, a, 'Bea Second');
  const made = await consentedCase(server, a);
  caseA = made.detail;
  templateA = (await api<TemplateDetail>(server, 'POST', '/api/templates', { cookie: a, body: templateBody })).body;
  sessionIdA = (await api<CaseSchedule>(server, 'POST', `/api/cases/${caseA.id}/schedule`, { cookie: a, body: scheduleBody })).body.sessions[0]!.id;
  const ben = caseA.participants.find((p) => p.displayName === 'Ben Party')!;
  const asked = await api<{ answers: Array<{ id: string }> }>(server, 'POST', '/api/invitation/consent/question', { bearer: tokenOf(ben.invitation!.url), body: { question: 'Who pays?' } });
  answerIdA = asked.body.answers[0]!.id;
  // B has a case and a template of their own.
  await createCase(server, b, [{ displayName: 'Bea’s Party', role: 'party', side: 'A' }], 'Bea’s own case');
  expect((await api(server, 'POST', '/api/templates', { cookie: b, body: { ...templateBody, name: 'Bea’s template' } })).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
});

describe("mediator B on mediator A's case and template", () => {
  it('every body used below is valid for its route, and every mediator route with a body has one', () => {
    for (const [name, r] of ownedRoutes) {
      if (r.body === null || typeof r.body !== 'object') continue;
      expect(name in validBodies, `${name} needs a valid body in this test`).toBe(true);
      const parsed = (r.body as z.ZodType).safeParse(validBodies[name]);
      expect(parsed.success, `${name}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('every route that names a case or a template is refused as not found (or forbidden), and nothing of A changes', async () => {
    expect(ownedRoutes.length).toBeGreaterThanOrEqual(20);
    const before = await snapshotOfA();
    const ana = caseA.participants.find((p) => p.displayName === 'Ana Party')!;
    const params: Record<string, string> = { caseId: caseA.id, templateId: templateA.id, pid: ana.id, sessionId: sessionIdA, answerId: answerIdA };
    const answers: Record<string, string> = {};
    for (const [name, r] of ownedRoutes) {
      const p = pathOf(r, new Proxy({}, { get: (_t, k: string) => params[k] }) as PathParams<typeof r>);
      const res = await fetch(`${server.url}${p}`, {
        method: r.method,
        headers: { cookie: b, 'content-type': 'application/json' },
        ...(name in validBodies ? { body: JSON.stringify(validBodies[name]) } : r.method === 'GET' || r.method === 'DELETE' ? {} : { body: '{}' }),
      });
      const body = (await res.json().catch(() => null)) as { error?: { code: string } } | null;
      answers[`${r.method} ${r.path}`] = `${res.status} ${body?.error?.code}`;
    }
    const refusedAsExpected = Object.entries(answers).filter(([, v]) => v !== '404 not_found' && v !== '403 forbidden');
    expect(refusedAsExpected).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it("B's lists hold only B's own case and template", async () => {
    const cases = (await api<{ cases: Array<{ id: string; title: string }> }>(server, 'GET', '/api/cases', { cookie: b })).body.cases;
    expect(cases.map((c) => c.title)).toEqual(['Bea’s own case']);
    const templates = (await api<TemplateList>(server, 'GET', '/api/templates', { cookie: b })).body.templates;
    expect(templates.map((t) => t.name)).toEqual(['Bea’s template']);
    // And A's list still holds A's.
    expect((await api<{ cases: Array<{ id: string }> }>(server, 'GET', '/api/cases', { cookie: a })).body.cases.map((c) => c.id)).toEqual([caseA.id]);
  });

  it("B cannot write a case from A's template version, nor put it on B's own case", async () => {
    const fromA = await api<{ error: { code: string } }>(server, 'POST', '/api/cases', {
      cookie: b,
      body: { title: 'Borrowed', participants: [{ displayName: 'X Party', role: 'party', side: 'A' }], templateVersionId: templateA.latest.id },
    });
    expect(fromA.body.error.code).toBe('not_found');
    const own = (await api<{ cases: Array<{ id: string }> }>(server, 'GET', '/api/cases', { cookie: b })).body.cases[0]!;
    const put = await api<{ error: { code: string } }>(server, 'PUT', `/api/cases/${own.id}/template`, { cookie: b, body: { templateVersionId: templateA.latest.id } });
    expect(put.body.error.code).toBe('not_found');
  });

  it("a socket and a draft connection with B's cookie for A's case are refused", async () => {
    await expect(connect(server, { caseId: caseA.id }, { cookie: b })).rejects.toMatchObject({ data: { code: 'not_found' } });
    for (const kind of ['agreement', 'notes'] as const) {
      const draft = rawClient(server, draftDocName(caseA.id, kind), { headers: { cookie: b } });
      // A document that is not yours is "forbidden" on the draft channel (authoriseDraft).
      expect(await draft.closed, kind).toMatchObject({ httpStatus: 403, code: CloseCode.Forbidden });
    }
    // The same connections with A's cookie open: the refusals above are about the owner.
    const mine = await connect(server, { caseId: caseA.id }, { cookie: a });
    mine.close();
    const notes = rawClient(server, draftDocName(caseA.id, 'notes'), { headers: { cookie: a } });
    await notes.opened;
    notes.ws.close();
  });
});
