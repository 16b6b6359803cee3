import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { draftDocName } from '@parley/shared';
import type { RunningServer } from '../index.ts';
import { DEFAULT_LIMITS, type Limits } from '../auth/limits.ts';
import { captureLogs, connect, consentedCase, must, startTestServer, type ClientSocket } from '../test/harness.ts';
import { selfSignedCertificate, trustInThisProcess } from '../test/tls.ts';
import { rawClient, yjsUrl } from '../test/yjs.ts';
import { ConfigError } from '../config.ts';
import { HSTS_VALUE } from './https.ts';

/**
 * HTTPS end to end: Parley serving TLS itself with a certificate made here (health, socket.io and
 * the draft websocket over wss, HSTS, Secure cookies, the http → https redirect listener), and
 * Parley behind a TLS-terminating proxy, where X-Forwarded-* counts only when PARLEY_TRUST_PROXY says so.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
const { certFile, keyFile, cert } = selfSignedCertificate(dir);
const renewed = selfSignedCertificate(dir, 'renewed');
trustInThisProcess(cert, renewed.cert);
const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sockets: ClientSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
const open = async (server: RunningServer, auth: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const s = await connect(server, auth, headers);
  sockets.push(s);
  return s;
};

/** Signs the mediator in with the one-time link; returns the whole Set-Cookie header. */
async function signInRaw(server: RunningServer, headers: Record<string, string> = {}): Promise<{ cookie: string; setCookie: string }> {
  const token = new URL(server.signinUrl).hash.replace('#token=', '');
  const res = await fetch(`${server.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** How a draft upgrade ended: 'open', or the HTTP status it was refused with. Closes an opened one. */
async function upgrade(c: ReturnType<typeof rawClient>): Promise<'open' | number | undefined> {
  const r = await Promise.race([c.opened.then(() => 'open' as const), c.closed.then((x) => x.httpStatus)]);
  if (r === 'open') c.ws.close();
  return r;
}

/** A plain-http GET with a chosen Host header (fetch will not send one of ours). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

describe('Parley serving HTTPS itself', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let signedIn: { cookie: string; setCookie: string };
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_TLS_CERT: certFile, PARLEY_TLS_KEY: keyFile, PARLEY_HTTP_REDIRECT_PORT: '0' });
    signedIn = await signInRaw(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers the health endpoint over https, with Strict-Transport-Security', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('ok');
    expect(res.headers.get('strict-transport-security')).toBe(HSTS_VALUE);
  });

  it('marks the session cookie Secure', () => {
    expect(signedIn.setCookie).toMatch(/; Secure/);
  });

  it('lets an invitee complete a socket.io handshake over wss and make a request', async () => {
    const { tA } = await consentedCase(server, signedIn.cookie);
    const s = await open(server, { token: tA });
    expect(s.io.engine.transport.name).toBe('websocket');
    const joined = await must(s, 'session:join', {});
    expect(joined.self.displayName).toBe('Ana Party');
  });

  it('upgrades the draft websocket over wss', async () => {
    const { tA, detail } = await consentedCase(server, signedIn.cookie);
    expect(yjsUrl(server)).toMatch(/^wss:/);
    expect(await upgrade(rawClient(server, draftDocName(detail.id, 'agreement'), { token: tA }))).toBe('open');
  });

  it('redirects every plain-http request to the same path over https with a 308, serving nothing else', async () => {
    const port = new URL(server.url).port;
    expect(server.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await rawGet(`${server.redirectUrl}/join?x=1#ignored`, { host: 'mediation.example:80' });
    expect(page.status).toBe(308);
    expect(page.headers.location).toBe(`https://mediation.example:${port}/join?x=1`);
    const api = await rawGet(`${server.redirectUrl}/api/health`, { host: `127.0.0.1:${new URL(server.redirectUrl!).port}` });
    expect(api.status).toBe(308);
    expect(api.headers.location).toBe(`${server.url}/api/health`);
  });
});

/** The certificate a new TLS handshake with `url` is served, as PEM fingerprint. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), servername: 'localhost' }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('TLS certificate files', () => {
  it('are read again on reloadTls (a renewed certificate), and a broken renewal keeps the old one', async () => {
    const live = { certFile: path.join(dir, 'live.crt'), keyFile: path.join(dir, 'live.key') };
    fs.copyFileSync(certFile, live.certFile);
    fs.copyFileSync(keyFile, live.keyFile);
    const server = await startTestServer({ PARLEY_TLS_CERT: live.certFile, PARLEY_TLS_KEY: live.keyFile });
    try {
      expect(await servedFingerprint(server.url)).toBe(new X509Certificate(cert).fingerprint256);
      fs.copyFileSync(renewed.certFile, live.certFile);
      fs.copyFileSync(renewed.keyFile, live.keyFile);
      server.reloadTls();
      expect(await servedFingerprint(server.url)).toBe(new X509Certificate(renewed.cert).fingerprint256);
      fs.copyFileSync(keyFile, live.keyFile); // a key of the other certificate
      expect(() => server.reloadTls()).toThrow(ConfigError);
      expect(await servedFingerprint(server.url)).toBe(new X509Certificate(renewed.cert).fingerprint256);
    } finally {
      await server.close();
    }
  });

  it('that are wrong stop `npm start` with a message naming the variable', async () => {
    const start = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
          cwd: repoRoot,
          env: { ...process.env, PARLEY_PORT: '0', PARLEY_MEDIA_PORT: '0', PARLEY_WORKERS: '1', PARLEY_DATA_DIR: dir, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          // It started after all (the check is broken): stop it, and let the exit code say so.
          if (/signin#token=/.test(stderr)) child.kill('SIGTERM');
        });
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const alone = await start({ PARLEY_TLS_CERT: certFile });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/PARLEY_TLS_KEY: set PARLEY_TLS_CERT and PARLEY_TLS_KEY together/);
    const missing = await start({ PARLEY_TLS_CERT: certFile, PARLEY_TLS_KEY: path.join(dir, 'missing.key') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/PARLEY_TLS_KEY: there is no file at .*missing\.key/);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // the message alone, no stack trace
  });
});

describe('Parley behind a TLS-terminating proxy', () => {
  /** One sign-in and one new connection per address, so that which address is counted shows at once. */
  const tight: Limits = { ...DEFAULT_LIMITS, signinPerAddress: { perSecond: 0.0001, burst: 1 }, handshakesPerAddress: { perSecond: 0.0001, burst: 1 } };
  const viaProxy = (client: string, proto = 'https') => ({ 'x-forwarded-for': client, 'x-forwarded-proto': proto, 'x-forwarded-host': 'mediation.example' });
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    for (const s of servers.splice(0)) await s.close();
  });
  async function behindProxy(trust: string | undefined) {
    const logs = captureLogs();
    const server = await startTestServer(trust ? { PARLEY_TRUST_PROXY: trust } : {}, undefined, tight, logs.logger);
    servers.push(server);
    const refusedAddresses = () => logs.lines.filter((l) => l.msg === 'too many requests from one address: refusing').map((l) => l.address);
    const badSignIn = (client: string) =>
      fetch(`${server.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json', ...viaProxy(client) }, body: JSON.stringify({ token: 'not-a-token' }) }).then((r) => r.status);
    return { server, refusedAddresses, badSignIn };
  }

  it('by default believes no X-Forwarded-* header: the peer is the client, and the request is plain http', async () => {
    const { server, refusedAddresses, badSignIn } = await behindProxy(undefined);
    const health = await fetch(`${server.url}/api/health`, { headers: viaProxy('203.0.113.5') });
    expect(health.headers.get('strict-transport-security')).toBeNull();
    const { setCookie } = await signInRaw(server, viaProxy('203.0.113.5'));
    expect(setCookie).not.toMatch(/Secure/);
    // The sign-in above spent loopback's budget, whatever address the header named.
    expect(await badSignIn('203.0.113.6')).toBe(429);
    expect(refusedAddresses()).toEqual(['127.0.0.1']);
  });

  it('with PARLEY_TRUST_PROXY believes the proxy: the forwarded address is counted and logged, and https is detected', async () => {
    const { server, refusedAddresses, badSignIn } = await behindProxy('loopback');
    const health = await fetch(`${server.url}/api/health`, { headers: viaProxy('203.0.113.5') });
    expect(health.headers.get('strict-transport-security')).toBe(HSTS_VALUE);
    const plain = await fetch(`${server.url}/api/health`, { headers: viaProxy('203.0.113.5', 'http') });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const { setCookie } = await signInRaw(server, viaProxy('203.0.113.5'));
    expect(setCookie).toMatch(/; Secure/);
    expect(await badSignIn('203.0.113.6')).not.toBe(429);
    expect(await badSignIn('203.0.113.6')).toBe(429);
    expect(refusedAddresses()).toEqual(['203.0.113.6']);
  });

  it('counts socket.io handshakes and draft upgrades against the same client address, forwarded only when trusted', async () => {
    for (const trust of [undefined, 'loopback']) {
      const { server } = await behindProxy(trust);
      const { tA, detail } = await consentedCase(server);
      const doc = draftDocName(detail.id, 'agreement');
      await open(server, { token: tA }, viaProxy('198.51.100.1'));
      // The same client again, now on the draft websocket: its one new connection is spent.
      expect(await upgrade(rawClient(server, doc, { token: tA, headers: viaProxy('198.51.100.1') }))).toBe(429);
      // Another client behind the proxy: its own budget only if the proxy is believed.
      expect(await upgrade(rawClient(server, doc, { token: tA, headers: viaProxy('198.51.100.2') }))).toBe(trust ? 'open' : 429);
      await expect(connect(server, { token: tA }, viaProxy('198.51.100.1'))).rejects.toMatchObject({ data: { code: 'rate_limited' } });
      for (const s of servers.splice(0)) await s.close();
    }
  });
});
