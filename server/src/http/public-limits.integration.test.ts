import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_LIMITS, VERIFY_UPLOAD_LIMITS, type SignatureRecord } from '@parley/shared';
import { DEFAULT_LIMITS, type Limits } from '../auth/limits.ts';
import { renderExport, type ExportData } from '../signoff/exportHtml.ts';
import { captureLogs, createCase, signIn, startTestServer, tokenOf, type LogLine } from '../test/harness.ts';

/**
 * Sign-in and the two verify endpoints answer anyone, so each remote address gets a budget
 * (guessing sign-in tokens, burning CPU on uploads), and each upload a size bound fitted to the
 * largest file the platform really produces.
 */

// Tiny budgets that do not refill during a test: the (burst + 1)th request is refused.
const tight: Limits = {
  ...DEFAULT_LIMITS,
  signinPerAddress: { perSecond: 0.001, burst: 3 },
  verifyPerAddress: { perSecond: 0.001, burst: 3 },
};
// Room for the size tests, which are not about the budget.
const roomy: Limits = { ...DEFAULT_LIMITS, verifyPerAddress: { perSecond: 1000, burst: 1000 } };

type Refusal = { error: { code: string; message: string } };
const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const postHtml = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/html' }, body });

describe('per-address budget', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let lines: LogLine[];
  beforeAll(async () => {
    const cap = captureLogs();
    lines = cap.lines;
    server = await startTestServer({}, undefined, tight, cap.logger);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sign-in: after a correct sign-in and two wrong ones, the 4th attempt from the same address is 429 rate_limited with Retry-After', async () => {
    await signIn(server); // throws unless 200: a real person signing in is not refused
    for (let i = 0; i < 2; i++) expect((await postJson(`${server.url}/api/auth/signin`, { token: `wrong-token-${i}-xxxxxxxx` })).status).toBe(401);
    const res = await postJson(`${server.url}/api/auth/signin`, { token: 'wrong-token-3-xxxxxxxx' });
    expect(res.status).toBe(429);
    expect(((await res.json()) as Refusal).error.code).toBe('rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('verify: the 4th upload from the same address is 429 rate_limited with Retry-After, on both endpoints', async () => {
    for (let i = 0; i < 3; i++) expect((await postHtml(`${server.url}/api/agreement/verify`, '<html></html>')).status).toBe(200);
    for (const res of [await postHtml(`${server.url}/api/agreement/verify`, '<html></html>'), await postJson(`${server.url}/api/record/verify`, {})]) {
      expect(res.status).toBe(429);
      expect(((await res.json()) as Refusal).error.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('a burst of refusals is logged once at warn, not once per request, and never at error', async () => {
    // Continues the refusals of the tests above: same address, budgets still empty.
    for (let i = 0; i < 5; i++) expect((await postJson(`${server.url}/api/auth/signin`, { token: 'wrong-token-burst-xxxxxx' })).status).toBe(429);
    const limitLines = lines.filter((l) => l.msg === 'too many requests from one address: refusing');
    expect(limitLines.filter((l) => l.endpoint === 'sign-in')).toHaveLength(1);
    expect(limitLines.filter((l) => l.endpoint === 'verify')).toHaveLength(1);
    expect(limitLines.every((l) => l.level === 40)).toBe(true);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('upload size bounds', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, roomy);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the largest agreement export the platform can produce is accepted for checking (not 413)', async () => {
    // The worst case for size: a text of `<` (4 bytes escaped in the page, 6 in the JSON) filling
    // the draft limit, a long title and many signers with long names.
    const name = '<'.repeat(80);
    const record = (i: number): SignatureRecord => ({
      v: 1, type: 'parley.agreement-signature', caseId: 'A'.repeat(22), versionId: 'B'.repeat(22), version: 99, textHash: 'c'.repeat(64),
      participantId: String(i).padStart(22, 'P'), displayName: name, role: 'party', signedAt: '2026-01-01T00:00:00.000Z',
    });
    const data: ExportData = {
      format: 'parley.agreement-export/2', caseTitle: '<'.repeat(140), version: 99, frozenAt: '2026-01-01T00:00:00.000Z',
      text: '<'.repeat(DRAFT_LIMITS.maxDocumentBytes), textHash: 'c'.repeat(64), publicKey: 'K'.repeat(43), status: 'awaiting-signatures',
      unsigned: Array.from({ length: 50 }, () => name),
      signatures: Array.from({ length: 50 }, (_, i) => ({ record: record(i), signature: 'S'.repeat(86) })),
      signers: Array.from({ length: 100 }, (_, i) => ({ participantId: String(i).padStart(22, 'P'), displayName: name, role: 'party' })),
      verifyUrl: `https://${'p'.repeat(200)}.example/verify`,
      serverSignature: 'S'.repeat(86),
    };
    const html = renderExport(data, '0000:0000:0000:0000');
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(VERIFY_UPLOAD_LIMITS.agreementBytes);
    const res = await postHtml(`${server.url}/api/agreement/verify`, html);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { valid: boolean }).valid).toBe(false); // not signed by this platform
  });

  it('an agreement upload larger than any real export is 413 payload_too_large', async () => {
    const res = await postHtml(`${server.url}/api/agreement/verify`, 'x'.repeat(VERIFY_UPLOAD_LIMITS.agreementBytes + 1));
    expect(res.status).toBe(413);
    expect(((await res.json()) as Refusal).error.code).toBe('payload_too_large');
  });

  it('a session record of a few hundred entries (well over the 32 KB of ordinary API bodies) is accepted for checking', async () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({
      v: 1, caseId: 'A'.repeat(22), seq: i + 1, at: '2026-01-01T00:00:00.000Z', type: 'participant.joined',
      actor: { id: 'B'.repeat(22), displayName: 'Ana Party', role: 'party' }, data: { room: 'Joint room' },
      prevHash: '0'.repeat(64), hash: '0'.repeat(64), signature: 'S'.repeat(86),
    }));
    const body = { format: 'parley.session-record/1', caseId: 'A'.repeat(22), caseTitle: 'Orchard', exportedAt: '2026-01-01T00:00:00.000Z', publicKey: 'K'.repeat(43), entries };
    expect(JSON.stringify(body).length).toBeGreaterThan(100 * 1024);
    const res = await postJson(`${server.url}/api/record/verify`, body);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { valid: boolean; entries: number };
    expect(report).toMatchObject({ valid: false, entries: 400 });
  });

  it('a session record upload larger than the bound is 413 payload_too_large', async () => {
    const res = await fetch(`${server.url}/api/record/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(VERIFY_UPLOAD_LIMITS.recordBytes)}"` });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Refusal).error.code).toBe('payload_too_large');
  });
});

describe('the invitation endpoints under a flood from one address', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { ...DEFAULT_LIMITS, invitationPerAddress: { perSecond: 0.001, burst: 20 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** GET /api/invitation from a chosen loopback source address (Linux routes all of 127/8 to lo). */
  const fromAddress = (localAddress: string, bearer: string) =>
    new Promise<number>((resolve, reject) => {
      const u = new URL(`${server.url}/api/invitation`);
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, localAddress, headers: { authorization: `Bearer ${bearer}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end();
    });

  it('are refused for the flooding address while another address still gets its answers', async () => {
    const cookie = await signIn(server);
    const detail = await createCase(server, cookie);
    const token = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
    // 100 made-up links from 127.0.0.1: each would cost a signature check.
    const flood = await Promise.all(Array.from({ length: 100 }, (_, i) => fromAddress('127.0.0.1', `made-up-link-${i}-xxxxxxxxxxxx`)));
    expect(flood.filter((s) => s === 429).length).toBeGreaterThanOrEqual(80);
    expect(flood.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    // Ana, on another address, opens her link as usual.
    expect(await fromAddress('127.0.0.2', token)).toBe(200);
    expect(await fromAddress('127.0.0.1', token)).toBe(429);
  });
});
