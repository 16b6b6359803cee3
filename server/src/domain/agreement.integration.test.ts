import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAKDOWN_CLAUSE_ID, CloseCode, DEFAULT_BREAKDOWN, DEFAULT_TEMPLATE_CLAUSES, draftDocName, type CaseDetail, type InvitationView, type RecordEntry, type TemplateBody, type TemplateDetail, type TemplateList } from '@parley/shared';
import { secondMediator } from '../test/accounts.ts';
import { api, connect, consent, consentedCase, createCase, must, request, signIn, startTestServer, tokenOf, ended, type ClientSocket } from '../test/harness.ts';
import { rawClient } from '../test/yjs.ts';

/**
 * Raw HTTP and socket clients against the real server: templates belong to one mediator, the
 * agreement parties read is the case's template version plus the platform's clauses from the
 * case's settings, and a withdrawn consent ends every connection of that person.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
const sockets: ClientSocket[] = [];
const open = async (auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  return s;
};
const tokenFor = (detail: CaseDetail, name: string) => tokenOf(detail.participants.find((p) => p.displayName === name)!.invitation!.url);
const withFees = (body: string): TemplateBody => ({ name: 'Family disputes', clauses: DEFAULT_TEMPLATE_CLAUSES.map((c) => (c.id === 'fees' ? { ...c, body } : c)) });
const clause = (a: { agreement: CaseDetail['agreement'] }, id: string) => a.agreement.clauses.find((c) => c.id === id);
const newTemplate = async (body: TemplateBody, as = cookie) => {
  const r = await api<TemplateDetail>(server, 'POST', '/api/templates', { cookie: as, body });
  expect(r.status).toBe(201);
  return r.body;
};

/** A second mediator account, invited by the administrator and signed in. */
const otherMediator = (): Promise<string> => secondMediator(server, cookie, 'Oscar Other');

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

describe('templates belong to one mediator', () => {
  it('another mediator neither sees, reads, saves nor uses them', async () => {
    const mine = await newTemplate(withFees('120 EUR an hour.'));
    const myCase = await createCase(server, cookie);
    const other = await otherMediator();

    expect((await api<TemplateList>(server, 'GET', '/api/templates', { cookie: other })).body.templates).toEqual([]);
    expect(await api(server, 'GET', `/api/templates/${mine.id}`, { cookie: other })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await api(server, 'PUT', `/api/templates/${mine.id}`, { cookie: other, body: withFees('Nothing.') })).status).toBe(404);
    const theirCase = await api(server, 'POST', '/api/cases', { cookie: other, body: { title: 'Theirs', participants: [{ displayName: 'Ana', role: 'party', side: 'A' }], templateVersionId: mine.latest.id } });
    expect(theirCase).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await api(server, 'PUT', `/api/cases/${myCase.id}/template`, { cookie: other, body: { templateVersionId: null } })).status).toBe(404);

    // Nothing changed for the owner, and the other mediator made no case.
    expect((await api<TemplateDetail>(server, 'GET', `/api/templates/${mine.id}`, { cookie })).body.versions).toHaveLength(1);
    expect((await api<{ cases: unknown[] }>(server, 'GET', '/api/cases', { cookie: other })).body.cases).toEqual([]);
    // Nor can the owner move a case onto the other's template.
    const theirs = await newTemplate(withFees('Theirs.'), other);
    expect((await api(server, 'PUT', `/api/cases/${myCase.id}/template`, { cookie, body: { templateVersionId: theirs.latest.id } })).status).toBe(404);
  });

  it('a party cannot read or edit templates, nor change the case’s template', async () => {
    const mine = await newTemplate(withFees('120 EUR an hour.'));
    const { detail, tA } = await consentedCase(server, cookie);
    for (const [method, path, body] of [
      ['GET', '/api/templates', undefined],
      ['POST', '/api/templates', withFees('Free.')],
      ['GET', `/api/templates/${mine.id}`, undefined],
      ['PUT', `/api/templates/${mine.id}`, withFees('Free.')],
      ['PUT', `/api/cases/${detail.id}/template`, { templateVersionId: mine.latest.id }],
    ] as const) {
      expect(await api(server, method, path, { bearer: tA, body }), `${method} ${path}`).toMatchObject({ status: 401, body: { error: { code: 'unauthorised' } } });
    }
    expect((await api<TemplateDetail>(server, 'GET', `/api/templates/${mine.id}`, { cookie })).body.versions).toHaveLength(1);
    expect((await api<CaseDetail>(server, 'GET', `/api/cases/${detail.id}`, { cookie })).body.clauseSetHash).toBe(detail.clauseSetHash);
  });

  it('bad bodies are refused with a typed 400 and change nothing', async () => {
    const mine = await newTemplate(withFees('120 EUR an hour.'));
    const before = (await api<TemplateList>(server, 'GET', '/api/templates', { cookie })).body.templates.length;
    const platformId = await api<{ error: { code: string; details: Array<{ path: string }> } }>(server, 'POST', '/api/templates', {
      cookie,
      body: { name: 'Sneaky', clauses: [{ id: BREAKDOWN_CLAUSE_ID, title: 'Breakdown', body: 'We never pause.' }] },
    });
    expect(platformId.status).toBe(400);
    expect(platformId.body.error).toMatchObject({ code: 'bad_request', details: [{ path: 'clauses.0.id' }] });
    for (const body of [{ name: '', clauses: [] }, { name: 'x', clauses: [{ id: 'fees', title: 'Fees', body: '' }] }, { name: 'x', clauses: 'no' }, { name: 'x', clauses: [], extra: true }]) {
      expect((await api<{ error: { code: string } }>(server, 'POST', '/api/templates', { cookie, body })).body.error.code).toBe('bad_request');
      expect((await api<{ error: { code: string } }>(server, 'PUT', `/api/templates/${mine.id}`, { cookie, body })).body.error.code).toBe('bad_request');
    }
    expect((await api<TemplateList>(server, 'GET', '/api/templates', { cookie })).body.templates).toHaveLength(before);
    expect((await api<TemplateDetail>(server, 'GET', `/api/templates/${mine.id}`, { cookie })).body.versions).toHaveLength(1);

    const detail = await createCase(server, cookie);
    const tA = tokenFor(detail, 'Ana Party');
    for (const [path, body] of [
      ['/api/invitation/consent/question', { question: '' }],
      ['/api/invitation/consent/question', { question: 'x'.repeat(2001) }],
      ['/api/invitation/consent/decline', { reason: 'bell\u0007' }],
      ['/api/invitation/consent/withdraw', { reason: 42 }],
    ] as const) {
      expect((await api<{ error: { code: string } }>(server, 'POST', path, { bearer: tA, body })).body.error.code, path).toBe('bad_request');
    }
    expect((await api<CaseDetail>(server, 'GET', `/api/cases/${detail.id}`, { cookie })).body.consentAnswers).toEqual([]);
  });
});

describe('the agreement a party reads', () => {
  it('is the case’s template version plus the platform’s clauses from the case’s settings', async () => {
    const t = await newTemplate(withFees('Each side pays half of 90 EUR an hour.'));
    const r = await api<CaseDetail>(server, 'POST', '/api/cases', { cookie, body: { title: 'Lease', participants: [{ displayName: 'Ana Party', role: 'party', side: 'A' }], templateVersionId: t.latest.id } });
    expect(r.status).toBe(201);
    const tA = tokenFor(r.body, 'Ana Party');
    const seen = async () => (await api<InvitationView>(server, 'GET', '/api/invitation', { bearer: tA })).body;
    expect(clause(await seen(), 'fees')!.body).toBe('Each side pays half of 90 EUR an hour.');
    expect(clause(await seen(), BREAKDOWN_CLAUSE_ID)!.body).toContain('after 1 minute');

    await api(server, 'PUT', `/api/cases/${r.body.id}/breakdown`, { cookie, body: { ...DEFAULT_BREAKDOWN, graceSeconds: 240 } });
    expect(clause(await seen(), BREAKDOWN_CLAUSE_ID)!.body).toContain('after 4 minutes');
    expect(clause(await seen(), 'fees')!.body).toBe('Each side pays half of 90 EUR an hour.');
  });
});

describe('answers instead of consent', () => {
  it('a question and a decline reach the mediator; the mediator marks the question answered', async () => {
    const detail = await createCase(server, cookie);
    const [tA, tB] = [tokenFor(detail, 'Ana Party'), tokenFor(detail, 'Ben Party')];
    const asked = await api<InvitationView>(server, 'POST', '/api/invitation/consent/question', { bearer: tA, body: { question: 'Can my lawyer read the agreement first?' } });
    expect(asked.body.answers[0]).toMatchObject({ kind: 'question', answeredAt: null });
    expect((await api(server, 'POST', '/api/invitation/consent/decline', { bearer: tB, body: { reason: 'I prefer court.' } })).status).toBe(200);

    const seen = (await api<CaseDetail>(server, 'GET', `/api/cases/${detail.id}`, { cookie })).body.consentAnswers;
    expect(seen.map((a) => [a.displayName, a.kind, a.text])).toEqual([
      ['Ben Party', 'declined', 'I prefer court.'],
      ['Ana Party', 'question', 'Can my lawyer read the agreement first?'],
    ]);
    const q = seen[1]!.id;
    expect((await api(server, 'POST', `/api/cases/${detail.id}/consent-answers/${q}/answered`, { bearer: tA })).status).toBe(401);
    expect((await api(server, 'POST', `/api/cases/${detail.id}/consent-answers/${q}/answered`, { cookie: await otherMediator() })).status).toBe(404);
    expect((await api(server, 'POST', `/api/cases/${detail.id}/consent-answers/${q}/answered`, { cookie })).status).toBe(200);
    expect((await api<InvitationView>(server, 'GET', '/api/invitation', { bearer: tA })).body.answers[0]!.answeredAt).not.toBeNull();
  });
});

describe('withdrawing consent', () => {
  it('closes every live connection of the person, and their link is answered as not consented until they agree again', async () => {
    const { detail, tA, tB } = await consentedCase(server, cookie);
    const m = await open({ caseId: detail.id }, { cookie });
    await must(m, 'session:join', {});
    const live = await open({ token: tA });
    await must(live, 'session:join', {});
    const messagesTab = await open({ token: tA });
    await must(messagesTab, 'thread:list', {});
    const draft = rawClient(server, draftDocName(detail.id, 'agreement'), { token: tA });
    await draft.opened;
    const ben = await open({ token: tB });
    await must(ben, 'session:join', {});
    const endings = [ended(live), ended(messagesTab)];

    const r = await api<InvitationView>(server, 'POST', '/api/invitation/consent/withdraw', { bearer: tA, body: { reason: 'I need to think.' } });
    expect(r.status).toBe(200);
    expect(r.body.consent).toBeNull();

    expect(await Promise.all(endings)).toEqual([
      { code: CloseCode.ConsentWithdrawn, disconnected: true },
      { code: CloseCode.ConsentWithdrawn, disconnected: true },
    ]);
    expect((await draft.closed).code).toBe(CloseCode.ConsentWithdrawn);
    expect(ben.connected).toBe(true); // only the person who withdrew
    expect(await api(server, 'GET', '/api/invitation/agreement', { bearer: tA })).toMatchObject({ status: 403, body: { error: { code: 'consent_required' } } });
    const again = await open({ token: tA });
    expect(await request(again, 'session:join', {})).toMatchObject({ ok: false, error: { code: 'consent_required' } });

    const entries = (await api<{ entries: RecordEntry[] }>(server, 'GET', `/api/cases/${detail.id}/record`, { cookie })).body.entries;
    const withdrawn = entries.findIndex((e) => e.type === 'consent.withdrawn' && e.actor?.displayName === 'Ana Party');
    expect(withdrawn).toBeGreaterThan(-1);
    expect(entries.slice(withdrawn).some((e) => e.type === 'participant.left' && e.actor?.displayName === 'Ana Party' && e.data.reason === 'removed')).toBe(true);
    const c = (await api<CaseDetail>(server, 'GET', `/api/cases/${detail.id}`, { cookie })).body;
    expect(c.participants.find((p) => p.displayName === 'Ana Party')!.consent).toBeNull();
    expect(c.consentAnswers[0]).toMatchObject({ kind: 'withdrawn', text: 'I need to think.', displayName: 'Ana Party' });

    // They may read the agreement again and agree: then they can join again.
    await consent(server, tA, detail);
    expect(await request(again, 'session:join', {})).toMatchObject({ ok: true });
  });

  it('without a consent in force there is nothing to withdraw, and a party with one cannot decline instead', async () => {
    const detail = await createCase(server, cookie);
    const tA = tokenFor(detail, 'Ana Party');
    expect(await api(server, 'POST', '/api/invitation/consent/withdraw', { bearer: tA, body: {} })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    await consent(server, tA, detail);
    expect(await api(server, 'POST', '/api/invitation/consent/decline', { bearer: tA, body: {} })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await api<CaseDetail>(server, 'GET', `/api/cases/${detail.id}`, { cookie })).body.consentAnswers).toEqual([]);
  });
});
