import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementVersionView, CaseDetail, VerifyReport } from '@parley/shared';
import { api, consent, createCase, signIn, startTestServer, tokenOf } from '../test/harness.ts';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';
import { verifyExport } from './verify.ts';

/** Freeze → review → sign → export → verify, against the real server and the real draft endpoint. */
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
let detail: CaseDetail;
let tA: string;
let tB: string;
type Current = { current: AgreementVersionView | null };

beforeAll(async () => {
  server = await startTestServer();
  cookie = await signIn(server);
  detail = await createCase(server, cookie);
  tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  tB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
  await consent(server, tA, detail);
  await consent(server, tB, detail);
});
afterAll(async () => {
  await server?.close();
});

const freeze = () => api<Current>(server, 'POST', `/api/cases/${detail.id}/agreement/freeze`, { cookie });
const sign = (token: string, v: AgreementVersionView) =>
  api<Current & { error?: { code: string } }>(server, 'POST', '/api/invitation/agreement/sign', { bearer: token, body: { versionId: v.id, textHash: v.textHash, confirm: true } });

describe('agreement sign-off', () => {
  it('freezes the exact text, collects both signatures, exports, and the export verifies; one changed character fails', async () => {
    expect((await freeze()).status).toBe(409); // empty draft: nothing to freeze
    const p = provider(server, `case.${detail.id}.agreement`, { cookie });
    await synced(p);
    appendParagraph(p.doc, 'Ana keeps the boat; Ben keeps the mooring.');
    appendParagraph(p.doc, 'Each side bears its own costs.');
    let frozen: AgreementVersionView | null = null;
    await until(async () => {
      const r = await freeze();
      frozen = r.body.current;
      return r.status === 200 && !!frozen && frozen.text.includes('own costs');
    });
    p.destroy();
    const v = frozen!;
    expect(v).toMatchObject({ version: expect.any(Number), status: 'awaiting-signatures' });
    expect(v.text).toBe('Ana keeps the boat; Ben keeps the mooring.\nEach side bears its own costs.');

    // The party reviews the same text and signs; a stale hash or a second signature is refused.
    const seen = await api<Current>(server, 'GET', '/api/invitation/agreement', { bearer: tA });
    expect(seen.body.current!.text).toBe(v.text);
    expect((await api(server, 'POST', '/api/invitation/agreement/sign', { bearer: tA, body: { versionId: v.id, textHash: '0'.repeat(64), confirm: true } })).status).toBe(409);
    expect((await sign(tA, v)).body.current!.status).toBe('awaiting-signatures');
    expect((await sign(tA, v)).status).toBe(409);
    const done = await sign(tB, v);
    expect(done.body.current!.status).toBe('signed');
    expect(done.body.current!.signers.every((s) => s.signedAt)).toBe(true);

    // Export (mediator and party get the same file) and verify.
    const res = await fetch(`${server.url}/api/cases/${detail.id}/agreement/export`, { headers: { cookie } });
    const html = await res.text();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('Each side bears its own costs.');
    const key = (await api<{ publicKey: string }>(server, 'GET', '/api/agreement/public-key')).body.publicKey;
    const ok = await verifyExport(html, key);
    expect(ok).toMatchObject({ valid: true, problems: [] });
    expect(ok.signatures.map((s) => s.displayName).sort()).toEqual(['Ana Party', 'Ben Party']);
    const viaApi = await fetch(`${server.url}/api/agreement/verify`, { method: 'POST', headers: { 'content-type': 'text/html' }, body: html });
    expect(((await viaApi.json()) as VerifyReport).valid).toBe(true);

    // Any single changed character fails: in the text, in a name, in a date, in the layout.
    for (const [from, to] of [['own costs', 'own cost5'], ['Ben Party</td>', 'Ben Parry</td>'], ['<h2>Signatures', '<h2>Signature5'], ['mooring.', 'mooring!']]) {
      expect(html.includes(from!), from).toBe(true);
      const bad = await verifyExport(html.replace(from!, to!), key);
      expect(bad.valid, `${from} → ${to}`).toBe(false);
      expect(bad.problems.length).toBeGreaterThan(0);
    }
    // A file re-signed with another key is not trusted.
    expect((await verifyExport(html, 'A'.repeat(43))).valid).toBe(false);

    // The command-line check gives the same answers (exit 0 valid, 1 invalid).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-verify-'));
    fs.writeFileSync(path.join(dir, 'good.html'), html);
    fs.writeFileSync(path.join(dir, 'bad.html'), html.replace('own costs', 'own cost5'));
    const cli = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'verify-cli.ts'), file, '--key', key], { cwd: path.resolve(import.meta.dirname, '../../..'), encoding: 'utf8', env: { ...process.env, INIT_CWD: dir } });
    const good = cli('good.html');
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('VALID');
    const bad = cli('bad.html');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('INVALID');
  });

  it('an edit after freezing voids the pending signatures', async () => {
    const p = provider(server, `case.${detail.id}.agreement`, { cookie });
    await synced(p);
    appendParagraph(p.doc, 'Payment within 30 days.');
    let v: AgreementVersionView | null = null;
    await until(async () => {
      const r = await freeze();
      v = r.body.current;
      return !!v && v.text.includes('30 days');
    });
    expect((await sign(tA, v!)).body.current!.status).toBe('awaiting-signatures');
    appendParagraph(p.doc, 'Or within 60 days.');
    await until(async () => (await api<Current>(server, 'GET', `/api/cases/${detail.id}/agreement`, { cookie })).body.current!.status === 'voided');
    p.destroy();
    const after = (await api<Current>(server, 'GET', '/api/invitation/agreement', { bearer: tB })).body.current!;
    expect(after.voidReason).toMatch(/edited after it was frozen/);
    expect((await sign(tB, v!)).status).toBe(409);
  });
});
