import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, draftDocName, httpRoutes, pathOf, type MediatorInvitationView, type MediatorList, type Me, type PathParams, type SigninLinkCreated } from '@parley/shared';
import { api, connect, createCase, signIn, startTestServer, ended, type ClientSocket } from '../test/harness.ts';
import { rawClient } from '../test/yjs.ts';
import { DEFAULT_LIMITS } from '../auth/limits.ts';
import { acceptInvitation, inviteMediator, linkTokenOf, secondMediator } from '../test/accounts.ts';
import { onPostgres, storedBytes } from '../test/engine.ts';

/**
 * Mediator accounts [issue 13]: the first account administers the platform and invites the
 * others with one-time links; only the administrator reaches the administrator's routes; a
 * deactivated account loses every session and connection at once. Raw HTTP and raw sockets.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: string;
const sockets: ClientSocket[] = [];
type Refusal = { error: { code: string; message: string } };

beforeAll(async () => {
  // Every account made here signs in from this one address: more than a person's budget of attempts.
  server = await startTestServer({}, undefined, { ...DEFAULT_LIMITS, signinPerAddress: { perSecond: 1, burst: 50 } });
  admin = await signIn(server);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const view = (token: string) => api<MediatorInvitationView | Refusal>(server, 'POST', '/api/mediator-invitation', { body: { token } });
const me = (cookie: string) => api<Me | Refusal>(server, 'GET', '/api/me', { cookie });

describe('the administrator', () => {
  it('is the first account, created on first start', async () => {
    expect((await me(admin)).body).toMatchObject({ mediator: { isAdmin: true, displayName: 'Mediator' } });
  });

  it('invites a mediator: the invitee sees who invited them, confirms their name and is signed in; the link then dies', async () => {
    const created = await inviteMediator(server, admin, 'Carla Invited');
    expect(created.url).toMatch(/\/welcome#token=/);
    const token = linkTokenOf(created.url);
    expect((await view(token)).body).toMatchObject({ displayName: 'Carla Invited', invitedBy: 'Mediator' });
    expect((await api<MediatorList>(server, 'GET', '/api/mediators', { cookie: admin })).body.invitations.map((i) => i.displayName)).toContain('Carla Invited');

    const cookie = await acceptInvitation(server, created.url, '  Carla Mendes ');
    expect((await me(cookie)).body).toMatchObject({ mediator: { displayName: 'Carla Mendes', isAdmin: false, organisation: '', statement: '' } });
    // Used: neither readable nor usable again.
    expect((await view(token)).body).toMatchObject({ error: { code: 'link_invalid' } });
    const again = await api<Refusal>(server, 'POST', '/api/mediator-invitation/accept', { body: { token, displayName: 'Mallory' } });
    expect(again).toMatchObject({ status: 401, body: { error: { code: 'link_invalid' } } });
    const list = (await api<MediatorList>(server, 'GET', '/api/mediators', { cookie: admin })).body;
    expect(list.mediators.find((m) => m.displayName === 'Carla Mendes')).toMatchObject({ isAdmin: false, active: true });
    expect(list.invitations.map((i) => i.displayName)).not.toContain('Carla Invited');
  });

  it('an expired or withdrawn invitation link is refused with its reason, and creates no account', async () => {
    const expiring = await inviteMediator(server, admin, 'Late Larry');
    await server.store.kysely.updateTable('mediator_invitations').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expiring.invitation.id).execute();
    expect((await view(linkTokenOf(expiring.url))).body).toMatchObject({ error: { code: 'link_expired' } });

    const withdrawn = await inviteMediator(server, admin, 'Withdrawn Wanda');
    expect((await api(server, 'POST', `/api/mediators/invitations/${withdrawn.invitation.id}/withdraw`, { cookie: admin })).status).toBe(200);
    const r = await api<Refusal>(server, 'POST', '/api/mediator-invitation/accept', { body: { token: linkTokenOf(withdrawn.url), displayName: 'Wanda' } });
    expect(r.body.error.code).toBe('link_revoked');
    const names = (await api<MediatorList>(server, 'GET', '/api/mediators', { cookie: admin })).body.mediators.map((m) => m.displayName);
    expect(names).not.toContain('Wanda');
    expect(names).not.toContain('Late Larry');
  });

  it('keeps an invitee’s e-mail address sealed (not in the database file) and refuses a second invitation to it', async () => {
    await inviteMediator(server, admin, 'Eve Email', 'Zebra.Quokka@example.org');
    const again = await api<Refusal>(server, 'POST', '/api/mediators/invitations', { cookie: admin, body: { displayName: 'Eve Again', email: 'zebra.quokka@EXAMPLE.org' } });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const bad = await api<Refusal>(server, 'POST', '/api/mediators/invitations', { cookie: admin, body: { displayName: 'Eve', email: 'not an address' } });
    expect(bad.status).toBe(400);
    const bytes = await storedBytes(server.store);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from('quokka'))).toBe(false);
    expect(bytes.includes(Buffer.from('Quokka'))).toBe(false);
    // The SQLite file is found by its absolute path (a Postgres store's path is its address).
    if (!onPostgres) expect(path.isAbsolute(server.store.path)).toBe(true);
  });
});

describe('another mediator', () => {
  it('gets 403 forbidden on every administrator route of the table, and nothing changes', async () => {
    const bea = await secondMediator(server, admin, 'Bea Plain');
    const before = (await api<MediatorList>(server, 'GET', '/api/mediators', { cookie: admin })).body;
    const adminId = ((await me(admin)).body as Me).mediator.id;
    const routes = Object.values(httpRoutes).filter((r) => r.who === 'admin');
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const r of routes) {
      const p = pathOf(r, new Proxy({}, { get: () => adminId }) as PathParams<typeof r>);
      const res = await api<Refusal>(server, r.method, p, { cookie: bea, ...(r.method === 'GET' ? {} : { body: { displayName: 'Sneaky' } }) });
      expect(`${r.method} ${r.path} ${res.status} ${res.body.error?.code}`).toBe(`${r.method} ${r.path} 403 forbidden`);
    }
    expect((await api<MediatorList>(server, 'GET', '/api/mediators', { cookie: admin })).body).toEqual(before);
    expect((await me(admin)).status).toBe(200);
  });
});

describe('deactivating a mediator', () => {
  it('ends their sessions, closes their open sockets at once, and stops their sign-in links', async () => {
    const dan = await secondMediator(server, admin, 'Dan Deactivated');
    const danId = ((await me(dan)).body as Me).mediator.id;
    const own = await createCase(server, dan);
    const socket = await connect(server, { caseId: own.id }, { cookie: dan });
    sockets.push(socket);
    const link = await api<SigninLinkCreated>(server, 'POST', `/api/mediators/${danId}/signin-link`, { cookie: admin });
    expect(link.status).toBe(201);

    const notes = rawClient(server, draftDocName(own.id, 'notes'), { headers: { cookie: dan } });
    await notes.opened;
    const socketEnded = ended(socket);

    const r = await api<MediatorList>(server, 'POST', `/api/mediators/${danId}/deactivate`, { cookie: admin });
    expect(r.body.mediators.find((m) => m.id === danId)).toMatchObject({ active: false });
    expect(await socketEnded).toEqual({ code: CloseCode.SignedOut, disconnected: true });
    expect((await notes.closed).code).toBe(CloseCode.SignedOut);

    expect((await me(dan)).status).toBe(401);
    expect((await api(server, 'GET', `/api/cases/${own.id}`, { cookie: dan })).status).toBe(401);
    await expect(connect(server, { caseId: own.id }, { cookie: dan })).rejects.toMatchObject({ data: { code: 'unauthorised' } });
    const signin = await api<Refusal>(server, 'POST', '/api/auth/signin', { body: { token: linkTokenOf(link.body.url) } });
    expect(signin.status).toBe(401);
  });

  it('reactivated, the account signs in again with a new link and finds its cases', async () => {
    const eve = await secondMediator(server, admin, 'Eve Returning');
    const eveId = ((await me(eve)).body as Me).mediator.id;
    const own = await createCase(server, eve);
    await api(server, 'POST', `/api/mediators/${eveId}/deactivate`, { cookie: admin });
    expect((await api<Refusal>(server, 'POST', `/api/mediators/${eveId}/signin-link`, { cookie: admin })).status).toBe(409);
    const r = await api<MediatorList>(server, 'POST', `/api/mediators/${eveId}/reactivate`, { cookie: admin });
    expect(r.body.mediators.find((m) => m.id === eveId)).toMatchObject({ active: true });
    // The old session stays ended; a new link signs her in, to her case as it was.
    expect((await me(eve)).status).toBe(401);
    const link = await api<SigninLinkCreated>(server, 'POST', `/api/mediators/${eveId}/signin-link`, { cookie: admin });
    const signin = await fetch(`${server.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: linkTokenOf(link.body.url) }) });
    expect(signin.status).toBe(200);
    const cookie = signin.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api<{ cases: Array<{ id: string }> }>(server, 'GET', '/api/cases', { cookie })).body.cases.map((c) => c.id)).toEqual([own.id]);
  });

  it('refuses the administrator’s own account (and so the last administrator)', async () => {
    const adminId = ((await me(admin)).body as Me).mediator.id;
    const r = await api<Refusal>(server, 'POST', `/api/mediators/${adminId}/deactivate`, { cookie: admin });
    expect(r).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await me(admin)).status).toBe(200);
  });
});
