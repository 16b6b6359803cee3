import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, type Me, type Notifications, type PasskeyAttempt, type PasskeyList } from '@parley/shared';
import { connect, createCase, must, signIn, startTestServer, type ClientSocket } from '../test/harness.ts';
import { SoftAuthenticator } from '../test/softAuthenticator.ts';

/**
 * Passkeys over raw HTTP, as a browser on http://localhost would send them (the platform also
 * answers there; WebAuthn takes no IP address as a relying party). A passkey sign-in gives the
 * same session cookie as the one-time link, and its sign-out ends that session's connections.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let origin: string;
let linkCookie: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  origin = `http://localhost:${new URL(server.url).port}`;
  linkCookie = await signIn(server);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

async function post<T>(path: string, opts: { cookie?: string; body?: unknown; origin?: string } = {}): Promise<{ status: number; body: T; cookie: string | undefined }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: opts.origin ?? origin };
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

async function addPasskey(): Promise<SoftAuthenticator> {
  const device = new SoftAuthenticator();
  const start = await post<PasskeyAttempt>('/api/me/passkeys/options', { cookie: linkCookie });
  expect(start.status).toBe(200);
  const added = await post<PasskeyList>('/api/me/passkeys', { cookie: linkCookie, body: { attemptId: start.body.attemptId, name: 'Laptop', response: device.register(start.body.options, origin) } });
  expect(added.status).toBe(201);
  return device;
}

function ended(s: ClientSocket): Promise<number> {
  return new Promise((resolve) => {
    let code = -1;
    s.on('session:closed', (e: Notifications['session:closed']) => (code = e.code));
    s.on('disconnect', () => resolve(code));
  });
}

describe('passkey sign-in over HTTP', () => {
  it("sets a session cookie that opens the mediator's API, and signing out with it closes that session's socket", async () => {
    const device = await addPasskey();
    const start = await post<PasskeyAttempt>('/api/auth/passkey/options');
    const signedIn = await post<Me>('/api/auth/passkey', { body: { attemptId: start.body.attemptId, response: device.signIn(start.body.options, origin) } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.cookie).toMatch(/^parley_session=/);
    const cookie = signedIn.cookie!;

    const detail = await createCase(server, cookie);
    const m = await connect(server, { caseId: detail.id }, { cookie });
    sockets.push(m);
    await must(m, 'session:join', {});
    const closed = ended(m);
    expect((await post('/api/auth/signout', { cookie })).status).toBe(204);
    expect(await closed).toBe(CloseCode.SignedOut);
    // The link's own session is another session: it goes on.
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie: linkCookie } })).status).toBe(200);
  });

  it('refuses an answer with an oversized field as bad_request, before any check of it', async () => {
    const start = await post<PasskeyAttempt>('/api/auth/passkey/options');
    const response = { ...new SoftAuthenticator().signIn(start.body.options, origin), id: 'A'.repeat(5000) };
    const r = await post<{ error: { code: string } }>('/api/auth/passkey', { body: { attemptId: start.body.attemptId, response } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect(r.cookie).toBeUndefined();
  });

  it('refuses to start on a page opened by its IP address, in words that name the way out', async () => {
    const r = await post<{ error: { code: string; message: string } }>('/api/auth/passkey/options', { origin: server.url });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/localhost/);
  });
});
