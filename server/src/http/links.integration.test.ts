import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, InvitationView } from '@parley/shared';
import { api, connect, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie);
});
afterAll(async () => {
  await server?.close();
});

const party = (name: string) => detail.participants.find((p) => p.displayName === name)!;

describe('invitation links', () => {
  it('a valid link shows the invitation with the protocol agreement', async () => {
    const r = await api<InvitationView>(server, 'GET', '/api/invitation', { bearer: tokenOf(party('Ana Party').invitation!.url) });
    expect(r.status).toBe(200);
    expect(r.body.caseTitle).toBe('Boundary dispute between neighbours');
    expect(r.body.agreement.clauses.length).toBeGreaterThanOrEqual(7);
    expect(r.body.consent).toBeNull();
  });

  it('a tampered link is refused on HTTP and on the socket', async () => {
    const t = tokenOf(party('Ana Party').invitation!.url);
    const tampered = t.slice(0, 10) + (t[10] === 'a' ? 'b' : 'a') + t.slice(11);
    const r = await api<{ error: { code: string } }>(server, 'GET', '/api/invitation', { bearer: tampered });
    expect(r).toMatchObject({ status: 401, body: { error: { code: 'link_invalid' } } });
    await expect(connect(server, { token: tampered })).rejects.toMatchObject({ data: { code: 'link_invalid' } });
  });

  it('a revoked link is refused everywhere; the new link works', async () => {
    const old = tokenOf(party('Ben Party').invitation!.url);
    const after = await api<CaseDetail>(server, 'POST', `/api/cases/${detail.id}/participants/${party('Ben Party').id}/reissue`, { cookie });
    expect(after.status).toBe(200);
    const fresh = tokenOf(after.body.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
    expect(fresh).not.toBe(old);
    expect(await api(server, 'GET', '/api/invitation', { bearer: old })).toMatchObject({ status: 401, body: { error: { code: 'link_revoked' } } });
    await expect(connect(server, { token: old })).rejects.toMatchObject({ data: { code: 'link_revoked' } });
    expect((await api(server, 'GET', '/api/invitation', { bearer: fresh })).status).toBe(200);

    const revoked = await api<CaseDetail>(server, 'POST', `/api/cases/${detail.id}/participants/${party('Ben Party').id}/revoke`, { cookie });
    expect(revoked.body.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.status).toBe('revoked');
    expect(await api(server, 'GET', '/api/invitation', { bearer: fresh })).toMatchObject({ status: 401, body: { error: { code: 'link_revoked' } } });
  });

  it('an expired link is refused with its own message', async () => {
    const s2 = await startTestServer({ PARLEY_INVITE_TTL_HOURS: '0.0003' }); // ~1 s
    try {
      const c2 = await signIn(s2);
      const d2 = await createCase(s2, c2);
      const link = tokenOf(d2.participants[1]!.invitation!.url);
      // Refused as expired once its second has passed: wait for that answer rather than sleep past it.
      await expect.poll(async () => (await api<{ error?: { code: string } }>(s2, 'GET', '/api/invitation', { bearer: link })).body.error?.code, { timeout: 10_000, interval: 200 }).toBe('link_expired');
      expect(await api(s2, 'GET', '/api/invitation', { bearer: link })).toMatchObject({ status: 401, body: { error: { code: 'link_expired' } } });
    } finally {
      await s2.close();
    }
  });

  it('consent must cover every clause of the current agreement', async () => {
    const t = tokenOf(party('Ana Party').invitation!.url);
    const partial = await api(server, 'POST', '/api/invitation/consent', {
      bearer: t,
      body: { acceptedClauseIds: ['process'], clauseSetHash: detail.clauseSetHash },
    });
    expect(partial).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    const stale = await api(server, 'POST', '/api/invitation/consent', {
      bearer: t,
      body: { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: '0'.repeat(64) },
    });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const ok = await api<InvitationView>(server, 'POST', '/api/invitation/consent', {
      bearer: t,
      body: { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash },
    });
    expect(ok.body.consent?.current).toBe(true);
    const seen = await api<CaseDetail>(server, 'GET', `/api/cases/${detail.id}`, { cookie });
    expect(seen.body.participants.find((p) => p.displayName === 'Ana Party')!.consent?.current).toBe(true);
  });
});

describe('mediator sign-in and API boundaries', () => {
  it('the one-time sign-in link works once', async () => {
    const token = new URL(server.signinUrl).hash.replace('#token=', '');
    const again = await api(server, 'POST', '/api/auth/signin', { body: { token } });
    expect(again).toMatchObject({ status: 401, body: { error: { code: 'unauthorised' } } });
  });

  it('refuses the API without a session and bodies that do not validate', async () => {
    expect((await api(server, 'GET', '/api/cases')).status).toBe(401);
    const bad = await api<{ error: { code: string; details: unknown[] } }>(server, 'POST', '/api/cases', { cookie, body: { title: '', participants: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.length).toBeGreaterThan(0);
    const notJson = await fetch(`${server.url}/api/cases`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"title":' });
    expect(notJson.status).toBe(400);
    expect((await api(server, 'GET', '/api/cases/not-a-real-case-id', { cookie })).status).toBe(404);
  });

  it('refuses cross-site requests and socket handshakes from a foreign origin (docs/threats.md #6)', async () => {
    const r = await fetch(`${server.url}/api/cases`, { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(403);
    await expect(connect(server, { caseId: detail.id }, { cookie, origin: 'https://evil.example' })).rejects.toBeTruthy();
  });

  it('health reports the Node version the server runs on', async () => {
    const h = await api<{ node: string; status: string; workers: number }>(server, 'GET', '/api/health');
    expect(h.body).toMatchObject({ status: 'ok', node: process.version, workers: 1 });
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });
});
