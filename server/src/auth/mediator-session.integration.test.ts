import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '@parley/shared';
import { api, connect, createCase, request, signIn, startTestServer, type ClientSocket } from '../test/harness.ts';

/**
 * A mediator's open socket is re-checked on every request, as an invitee's link is: once the
 * session behind its cookie has expired or ended, each request is refused with a typed error,
 * even though nothing told the socket (the expiry timer is days away; another node signed out).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
const sockets: ClientSocket[] = [];
const setSessionExpiry = (iso: string) => server.store.kysely.updateTable('mediator_sessions').set({ expires_at: iso }).execute();

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

describe("a mediator's socket", () => {
  it('is refused with unauthorised on each request once the session has expired, and works again if it had not', async () => {
    const m = await connect(server, { caseId: detail.id }, { cookie });
    sockets.push(m);
    expect(await request(m, 'thread:list', {})).toMatchObject({ ok: true });

    await setSessionExpiry(new Date(Date.now() - 1000).toISOString());
    expect(await request(m, 'thread:list', {})).toMatchObject({ ok: false, error: { code: 'unauthorised' } });
    expect(await request(m, 'session:join', {})).toMatchObject({ ok: false, error: { code: 'unauthorised' } });
    // The same session over HTTP is refused the same way.
    expect((await api(server, 'GET', `/api/cases/${detail.id}`, { cookie })).status).toBe(401);

    // The check reads the session as it stands: a session that is valid again is let through.
    await setSessionExpiry(new Date(Date.now() + 3600_000).toISOString());
    expect(await request(m, 'thread:list', {})).toMatchObject({ ok: true });
  });

  it('is refused with unauthorised once the session was signed out elsewhere, and so is a new handshake', async () => {
    const m = await connect(server, { caseId: detail.id }, { cookie });
    sockets.push(m);
    expect(await request(m, 'session:join', {})).toMatchObject({ ok: true });

    // Ended in the store only, as another node's sign-out would leave it.
    await server.store.kysely.deleteFrom('mediator_sessions').execute();
    expect(await request(m, 'moderation:mute', { participantIds: 'all' })).toMatchObject({ ok: false, error: { code: 'unauthorised' } });
    expect(await request(m, 'thread:list', {})).toMatchObject({ ok: false, error: { code: 'unauthorised' } });
    await expect(connect(server, { caseId: detail.id }, { cookie })).rejects.toMatchObject({ data: { code: 'unauthorised' } });
  });
});
