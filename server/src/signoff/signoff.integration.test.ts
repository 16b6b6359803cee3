import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementVersionView, CaseDetail, VerifyReport } from '@parley/shared';
import { api, consentedCase, startTestServer } from '../test/harness.ts';
import * as Y from 'yjs';
import { appendParagraph, provider, synced, until } from '../test/yjs.ts';
import { keyFingerprint, renderExport, type ExportData } from './exportHtml.ts';
import { sha256Hex } from './SignoffService.ts';
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
  ({ cookie, detail, tA, tB } = await consentedCase(server));
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

/** The draft as TipTap writes it: a heading, a paragraph with bold, an ordered list with a nested bullet list, a bullet list. */
function writeFormattedDraft(doc: Y.Doc): void {
  const el = (name: string, children: Array<Y.XmlElement | Y.XmlText>) => {
    const e = new Y.XmlElement(name);
    e.insert(0, children);
    return e;
  };
  const text = (...runs: Array<[string, Record<string, unknown>?]>) => {
    const t = new Y.XmlText();
    let at = 0;
    for (const [s, marks] of runs) {
      t.insert(at, s, marks);
      at += s.length;
    }
    return t;
  };
  const para = (...runs: Array<[string, Record<string, unknown>?]>) => el('paragraph', [text(...runs)]);
  const heading = new Y.XmlElement('heading');
  heading.setAttribute('level', 1 as unknown as string); // y-prosemirror stores the number
  heading.insert(0, [text(['Settlement agreement'])]);
  doc.getXmlFragment('default').insert(0, [
    heading,
    para(['Ana Party and Ben Party agree:']),
    el('orderedList', [
      el('listItem', [para(['Ana keeps the boat.'])]),
      el('listItem', [para(['The repair of the hull is shared ', {}], ['equally', { bold: {} }], ['.', {}]), el('bulletList', [el('listItem', [para(['Ben pays the first half by 1 June.'])])])]),
    ]),
    el('bulletList', [el('listItem', [para(['Each side bears its own costs.'])])]),
  ]);
}

/** The part of an export a person reads: everything but the embedded signed data. */
const visiblePart = (html: string) => html.replace(/<script type="application\/json" id="parley-agreement">[\s\S]*?<\/script>/, '');

/** A file edited the way a forger would: change the signed data, then render the page again from it. */
function forge(html: string, change: (d: ExportData) => void): string {
  const d = JSON.parse(/<script type="application\/json" id="parley-agreement">([\s\S]*?)<\/script>/.exec(html)![1]!) as ExportData;
  change(d);
  return renderExport(d, keyFingerprint(d.publicKey, sha256Hex));
}

describe('the exported agreement as a document, sealed', () => {
  let c: CaseDetail;
  let a: string;
  let b: string;
  let key: string;
  const exportOf = async () => (await fetch(`${server.url}/api/cases/${c.id}/agreement/export`, { headers: { cookie } })).text();

  beforeAll(async () => {
    ({ detail: c, tA: a, tB: b } = await consentedCase(server, cookie));
    key = (await api<{ publicKey: string }>(server, 'GET', '/api/agreement/public-key')).body.publicKey;
  });

  it('shows headings and lists numbered once, dates in words (UTC), role labels and the /verify address; no Markdown, no command', async () => {
    const p = provider(server, `case.${c.id}.agreement`, { cookie });
    await synced(p);
    writeFormattedDraft(p.doc);
    let v: AgreementVersionView | null = null;
    await until(async () => {
      const r = await api<Current>(server, 'POST', `/api/cases/${c.id}/agreement/freeze`, { cookie });
      v = r.body.current;
      return r.status === 200 && !!v && v.text.includes('own costs');
    });
    p.destroy();
    // The signed text (and so its hash) keeps its canonical format.
    expect(v!.text).toBe(
      [
        '# Settlement agreement',
        'Ana Party and Ben Party agree:',
        '1. Ana keeps the boat.',
        '2. The repair of the hull is shared equally.',
        '  - Ben pays the first half by 1 June.',
        '- Each side bears its own costs.',
      ].join('\n'),
    );
    await sign(a, v!);

    const html = await exportOf();
    const seen = visiblePart(html);
    expect(seen).toContain(
      '<div class="agreement" id="agreement-text"><h2>Settlement agreement</h2><p>Ana Party and Ben Party agree:</p><ol><li>Ana keeps the boat.</li><li>The repair of the hull is shared equally.<ul><li>Ben pays the first half by 1 June.</li></ul></li></ol><ul><li>Each side bears its own costs.</li></ul></div>',
    );
    expect(seen).not.toMatch(/(^|>)#{1,6} /m); // no Markdown heading marker
    const words = seen.replace(/<[^>]+>/g, ' ');
    expect(words).not.toMatch(/\b(\d+)\.\s+\1\./); // no "2. 2."
    expect(seen).not.toMatch(/<li>\s*(\d+\.|-)\s/); // the marker is not repeated inside an item
    expect(seen).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}|\d{4}-\d{2}-\d{2}T/); // no ISO times
    expect(seen).toMatch(/frozen on \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} UTC\./);
    expect(seen).toMatch(/<tr><td>Ana Party<\/td><td>Party<\/td><td>\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC<\/td><\/tr>/);
    expect(seen).toContain('<tr><td>Ben Party</td><td>Party</td><td>Not signed</td></tr>');
    expect(seen).not.toContain('<td>party</td>');
    expect(html).not.toContain('npm run');
    expect(seen).toContain(`To check this document is unaltered, open <a href="${server.url}/verify">${server.url}/verify</a> and choose this file.`);
    // Untouched, it is genuine but not complete: the only finding is the missing signature.
    expect((await verifyExport(html, key)).problems).toEqual(['Not every party has signed this version.']);
  });

  it('a partly signed file cannot be made to claim every signature: forged status, removed unsigned name, removed seal', async () => {
    const html = await exportOf();
    expect(html).toContain('Not yet signed by: Ben Party.');
    const forgeries: Array<[string, (d: ExportData) => void, RegExp]> = [
      ['status "signed", nobody unsigned', (d) => ((d.status = 'signed'), (d.unsigned = [])), /status, the list of who had to sign or the set of signatures was changed/],
      [
        'status "signed", Ben removed everywhere',
        (d) => ((d.status = 'signed'), (d.unsigned = []), (d.signers = d.signers.filter((s) => s.displayName !== 'Ben Party'))),
        /status, the list of who had to sign or the set of signatures was changed/,
      ],
      ['Ben removed from the unsigned list only', (d) => (d.unsigned = []), /list of who has not signed does not match/],
      ['status changed only', (d) => (d.status = 'signed'), /status, the list of who had to sign or the set of signatures was changed/],
      ['the seal removed', (d) => (delete (d as Partial<ExportData>).serverSignature, (d.status = 'signed'), (d.unsigned = [])), /not a Parley agreement file/],
      ['made to look like the older format without a seal', (d) => (Object.assign(d, { format: 'parley.agreement-export/1' }), (d.status = 'signed'), (d.unsigned = [])), /older version of the platform/],
    ];
    for (const [name, change, problem] of forgeries) {
      const forged = forge(html, change);
      const report = await verifyExport(forged, key);
      expect(report.valid, name).toBe(false);
      expect(report.problems.join(' '), name).toMatch(problem);
      // The signatures of the people who did sign still verify: it is the claim around them that fails.
      expect(report.signatures.every((s) => s.valid), name).toBe(true);
    }
    // Re-rendering the file's own data unchanged gives the file back (the forge helper itself is faithful).
    expect(forge(html, () => undefined)).toBe(html);
  });

  it('once everyone signed, the untouched file verifies (API and command line) and one changed character in the document fails', async () => {
    const v = (await api<Current>(server, 'GET', '/api/invitation/agreement', { bearer: b })).body.current!;
    expect((await sign(b, v)).body.current!.status).toBe('signed');
    const html = await exportOf();
    expect(await verifyExport(html, key)).toMatchObject({ valid: true, problems: [] });
    const viaApi = await fetch(`${server.url}/api/agreement/verify`, { method: 'POST', headers: { 'content-type': 'text/html' }, body: html });
    expect(((await viaApi.json()) as VerifyReport).valid).toBe(true);
    for (const [from, to] of [['<li>Ana keeps the boat.</li>', '<li>Ana keeps the boot.</li>'], ['<h2>Settlement agreement</h2>', '<h3>Settlement agreement</h3>'], ['<td>Party</td>', '<td>Parly</td>'], ['/verify</a>', '/verifx</a>']]) {
      expect(html.includes(from!), from).toBe(true);
      expect((await verifyExport(html.replace(from!, to!), key)).valid, `${from} → ${to}`).toBe(false);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-verify-'));
    fs.writeFileSync(path.join(dir, 'agreement.html'), html);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'verify-cli.ts'), 'agreement.html', '--key', key], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: dir },
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/ok +Ana Party signed on \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC/);
  });
});
