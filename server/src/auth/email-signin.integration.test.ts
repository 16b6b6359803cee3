import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Me, SigninMethods } from '@parley/shared';
import { api, signIn, startTestServer } from '../test/harness.ts';
import { inviteMediator, acceptInvitation, linkTokenOf } from '../test/accounts.ts';
import { startSmtp, type ReceivedMail } from '../test/smtp.ts';
import { DEFAULT_LIMITS } from './limits.ts';

/**
 * The e-mail fallback to a passkey (issue 13, scope 2): a mediator asks for a one-time sign-in link
 * at their account's address and it arrives at a real SMTP server. Whoever asks learns nothing about
 * which addresses have accounts.
 */
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let admin: string;
let bea: string;

const to = (address: string) => (m: ReceivedMail) => m.to.includes(address);
const linkIn = (m: ReceivedMail) => /(https?:\/\/\S+\/signin#token=\S+)/.exec(m.parsed.text ?? '')![1]!;
const ask = (email: string) => api(server, 'POST', '/api/auth/email-link', { body: { email } });

beforeAll(async () => {
  smtp = await startSmtp();
  // Every request here comes from one address: the sign-in budget (which this route shares) is raised
  // so that what is tested is the per-account limit, not the per-address one.
  const limits = { ...DEFAULT_LIMITS, signinPerAddress: { perSecond: 100, burst: 1000 } };
  server = await startTestServer({ PARLEY_SMTP_URL: smtp.url, PARLEY_MAIL_FROM: 'Parley <mediation@parley.test>' }, undefined, limits);
  admin = await signIn(server);
  const { url } = await inviteMediator(server, admin, 'Bea Second', 'bea@example.org');
  bea = await acceptInvitation(server, url, 'Bea Second');
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

describe('a sign-in link by e-mail', () => {
  it('the mediator sets their address on their profile; another account cannot take it', async () => {
    const set = await api<Me>(server, 'PUT', '/api/me', { cookie: admin, body: { displayName: 'Mediator', email: ' Admin@Example.org ' } });
    expect(set.status).toBe(200);
    expect(set.body.mediator.email).toBe('admin@example.org');
    expect((await api<Me>(server, 'GET', '/api/me', { cookie: bea })).body.mediator.email).toBe('bea@example.org');
    const taken = await api<{ error: { code: string } }>(server, 'PUT', '/api/me', { cookie: bea, body: { displayName: 'Bea Renamed', email: 'admin@example.org' } });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    // Refused before anything changed: the name stays too.
    expect((await api<Me>(server, 'GET', '/api/me', { cookie: bea })).body.mediator).toMatchObject({ displayName: 'Bea Second', email: 'bea@example.org' });
  });

  it('arrives at the account’s address, signs in once, and says nothing of the case or of other accounts', async () => {
    expect((await api<SigninMethods>(server, 'GET', '/api/auth/methods')).body).toEqual({ emailLink: true });
    expect((await ask('nobody@example.org')).status).toBe(204);
    expect((await ask('BEA@example.org')).status).toBe(204);
    const mail = await smtp.waitFor(to('bea@example.org'));
    // The address nobody has got the same answer and no mail (Bea's mail, asked for after it, is here).
    expect(smtp.mails.filter(to('nobody@example.org'))).toEqual([]);
    expect(mail.parsed.subject).toBe('Your sign-in link for Parley');
    const token = linkTokenOf(linkIn(mail));
    const signedIn = await fetch(`${server.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as Me).mediator.displayName).toBe('Bea Second');
    const again = await fetch(`${server.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    expect(again.status).toBe(401);
  });

  it('is not mailed again within a minute, however often someone asks', async () => {
    await api(server, 'PUT', '/api/me', { cookie: admin, body: { displayName: 'Mediator', email: 'admin@example.org' } });
    expect((await ask('admin@example.org')).status).toBe(204);
    await smtp.waitFor(to('admin@example.org'));
    expect((await ask('admin@example.org')).status).toBe(204);
    expect((await ask('admin@example.org')).status).toBe(204);
    // A mail asked for after those, for an account never mailed before, arrives; the admin's second one never came.
    const { url } = await inviteMediator(server, admin, 'Cleo Third', 'cleo@example.org');
    await acceptInvitation(server, url, 'Cleo Third');
    expect((await ask('cleo@example.org')).status).toBe(204);
    await smtp.waitFor(to('cleo@example.org'));
    expect(smtp.mails.filter(to('admin@example.org'))).toHaveLength(1);
  });

  it('refuses a malformed address', async () => {
    expect((await ask('not an address')).status).toBe(400);
    expect((await api(server, 'POST', '/api/auth/email-link', { body: { email: 'a@b.org', extra: 1 } })).status).toBe(400);
  });
});

describe('without an SMTP server', () => {
  it('the sign-in page is told there is no e-mail link, and asking for one is refused', async () => {
    const plain = await startTestServer();
    try {
      expect((await api<SigninMethods>(plain, 'GET', '/api/auth/methods')).body).toEqual({ emailLink: false });
      expect((await api<{ error: { code: string } }>(plain, 'POST', '/api/auth/email-link', { body: { email: 'a@example.org' } })).status).toBe(409);
    } finally {
      await plain.close();
    }
  });
});
