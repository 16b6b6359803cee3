import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, InvitationView, Me } from '@parley/shared';
import { api, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';

/**
 * PUT /api/me: the signed-in mediator sets the name everyone sees. It is stored on the mediator
 * account, sealed into the mediator participant of every case created afterwards, and re-sealed
 * into the mediator participant of the cases that already exist (there is no "closed" case: a
 * mediator who renames wants to be called that everywhere). Signatures and the session record
 * keep the name they were made with.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
});
afterAll(async () => {
  await server?.close();
});

const mediatorOf = (d: CaseDetail) => d.participants.find((p) => p.role === 'mediator')!;
type Refusal = { error: { code: string; details?: Array<{ path: string; message: string }> } };

describe('PUT /api/me', () => {
  it('needs a signed-in mediator', async () => {
    const r = await api<Refusal>(server, 'PUT', '/api/me', { body: { displayName: 'Someone' } });
    expect(r).toMatchObject({ status: 401, body: { error: { code: 'unauthorised' } } });
    const forged = await api<Refusal>(server, 'PUT', '/api/me', { cookie: 'parley_session=not-a-session', body: { displayName: 'Someone' } });
    expect(forged.status).toBe(401);
    expect((await api<Me>(server, 'GET', '/api/me', { cookie })).body.mediator.displayName).toBe('Mediator');
  });

  it('refuses an empty, blank, too long or control-character name, and a missing one', async () => {
    for (const displayName of ['', '   ', 'x'.repeat(81), 'Dr\u0007 Bell', 42]) {
      const r = await api<Refusal>(server, 'PUT', '/api/me', { cookie, body: { displayName } });
      expect(r.status, JSON.stringify(displayName)).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
      expect(r.body.error.details?.[0]?.path).toBe('displayName');
    }
    expect((await api<Refusal>(server, 'PUT', '/api/me', { cookie, body: {} })).status).toBe(400);
    expect((await api<Me>(server, 'GET', '/api/me', { cookie })).body.mediator.displayName).toBe('Mediator');
  });

  it('stores the trimmed name; new and existing cases use it; 80 characters is allowed', async () => {
    const before = await createCase(server, cookie);
    expect(mediatorOf(before).displayName).toBe('Mediator');

    const r = await api<Me>(server, 'PUT', '/api/me', { cookie, body: { displayName: '  Dr. Maria Mendes  ' } });
    expect(r.status).toBe(200);
    expect(r.body.mediator.displayName).toBe('Dr. Maria Mendes');
    expect((await api<Me>(server, 'GET', '/api/me', { cookie })).body.mediator.displayName).toBe('Dr. Maria Mendes');

    // A new case seals the new name into its mediator participant.
    const after = await createCase(server, cookie);
    expect(mediatorOf(after).displayName).toBe('Dr. Maria Mendes');
    // The existing case was re-sealed too: the mediator's page and the parties' invitation say so.
    const old = await api<CaseDetail>(server, 'GET', `/api/cases/${before.id}`, { cookie });
    expect(mediatorOf(old.body).displayName).toBe('Dr. Maria Mendes');
    const ana = before.participants.find((p) => p.displayName === 'Ana Party')!;
    const inv = await api<InvitationView>(server, 'GET', '/api/invitation', { bearer: tokenOf(ana.invitation!.url) });
    expect(inv.body.invitedBy).toBe('Dr. Maria Mendes');
    expect(inv.body.others).toContainEqual({ displayName: 'Dr. Maria Mendes', role: 'mediator', side: null });
    // Nothing else on the case changed: same people, same links.
    expect(old.body.participants.map((p) => [p.id, p.invitation?.url])).toEqual(before.participants.map((p) => [p.id, p.invitation?.url]));

    const longest = 'M'.repeat(80);
    expect((await api<Me>(server, 'PUT', '/api/me', { cookie, body: { displayName: longest } })).body.mediator.displayName).toBe(longest);
  });

  it('survives a restart (the configured default name does not overwrite it)', async () => {
    expect((await api<Me>(server, 'PUT', '/api/me', { cookie, body: { displayName: 'Maria Mendes' } })).status).toBe(200);
    const dataDir = server.dataDir;
    await server.close();
    server = await startTestServer({}, dataDir);
    cookie = await signIn(server);
    expect((await api<Me>(server, 'GET', '/api/me', { cookie })).body.mediator.displayName).toBe('Maria Mendes');
  });
});
