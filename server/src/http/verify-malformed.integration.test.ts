import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../auth/limits.ts';
import { captureLogs, startTestServer, type LogLine } from '../test/harness.ts';

/**
 * The two verify endpoints are public and take whatever file someone uploads. A damaged or crafted
 * file is an answer, not a failure: a `valid: false` report with a reason (or a typed 400 when the
 * request itself cannot be read), never a 500 with an error-level stack trace.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let lines: LogLine[];
let publicKey: string;

beforeAll(async () => {
  const cap = captureLogs();
  lines = cap.lines;
  // Many uploads from one address in a few seconds: this file is about content, not about the rate limit.
  server = await startTestServer({}, undefined, { ...DEFAULT_LIMITS, verifyPerAddress: { perSecond: 1000, burst: 1000 } }, cap.logger);
  publicKey = ((await (await fetch(`${server.url}/api/agreement/public-key`)).json()) as { publicKey: string }).publicKey;
});
afterAll(async () => {
  await server?.close();
});

type Expected = 'report' | 'bad_request';
interface Row {
  name: string;
  contentType?: string;
  body: string | (() => string);
  expect: Expected;
}

async function post(path: string, row: Row): Promise<void> {
  const headers: Record<string, string> = row.contentType ? { 'content-type': row.contentType } : {};
  const body = typeof row.body === 'function' ? row.body() : row.body;
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  const json = (await res.json()) as { valid?: boolean; problems?: string[]; error?: { code: string; message: string } };
  if (row.expect === 'report') {
    expect(res.status, row.name).toBe(200);
    expect(json.valid, row.name).toBe(false);
    expect(json.problems!.length, row.name).toBeGreaterThan(0);
    expect(typeof json.problems![0], row.name).toBe('string');
  } else {
    expect(res.status, row.name).toBe(400);
    expect(json.error, row.name).toMatchObject({ code: 'bad_request', message: expect.any(String) });
  }
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
/** An agreement export page around any JSON text, the way exportHtml.ts embeds the signed data. */
const page = (json: string) => `<!doctype html><html><body><pre>x</pre><script type="application/json" id="parley-agreement">${json}</script></body></html>`;
const exportData = (over: Record<string, unknown>) =>
  JSON.stringify({
    format: 'parley.agreement-export/2',
    caseTitle: 'Orchard',
    version: 1,
    frozenAt: '2026-01-01T00:00:00.000Z',
    text: 'We agree.',
    textHash: sha256('We agree.'),
    publicKey,
    status: 'signed',
    unsigned: [],
    signatures: [],
    signers: [],
    verifyUrl: 'https://parley.example/verify',
    serverSignature: 'S'.repeat(86),
    ...over,
  });

describe('POST /api/agreement/verify with a malformed file', () => {
  const rows: Row[] = [
    { name: 'empty body', contentType: 'text/html', body: '', expect: 'report' },
    { name: 'HTML without the signed data', contentType: 'text/html', body: '<html><body>An agreement</body></html>', expect: 'report' },
    { name: 'signed data is JSON null', contentType: 'text/html', body: page('null'), expect: 'report' },
    { name: 'signed data is not JSON', contentType: 'text/html', body: page('{"format":'), expect: 'report' },
    { name: 'signed data is an array', contentType: 'text/html', body: page('[]'), expect: 'report' },
    { name: 'signatures hold null and numbers', contentType: 'text/html', body: () => page(exportData({ signatures: [null, 5] })), expect: 'report' },
    { name: 'a signature whose record is null', contentType: 'text/html', body: () => page(exportData({ signatures: [{ record: null, signature: 5 }] })), expect: 'report' },
    { name: 'the public key is a number', contentType: 'text/html', body: () => page(exportData({ publicKey: 5 })), expect: 'report' },
    // Checked for shape before anything is re-rendered: a number as title is refused, not rendered.
    { name: 'a title that is not text', contentType: 'text/html', body: () => page(exportData({ caseTitle: 5 })), expect: 'report' },
    { name: 'unsigned names that are not a list', contentType: 'text/html', body: () => page(exportData({ status: 'awaiting-signatures', unsigned: null })), expect: 'report' },
    { name: 'a seal whose signers are not a list', contentType: 'text/html', body: () => page(exportData({ signers: 'everyone' })), expect: 'report' },
    { name: 'a file in the older format without a seal', contentType: 'text/html', body: page('{"format":"parley.agreement-export/1"}'), expect: 'report' },
    { name: 'a JSON body instead of HTML', contentType: 'application/json', body: '{"format":"parley.agreement-export/1"}', expect: 'report' },
    { name: 'JSON null as the body', contentType: 'application/json', body: 'null', expect: 'report' },
    { name: 'no content type', body: 'hello', expect: 'report' },
    { name: 'an image content type', contentType: 'image/png', body: 'hello', expect: 'report' },
  ];
  it.each(rows)('$name → a report or a typed 400, never 500', async (row) => {
    const before = lines.length;
    await post('/api/agreement/verify', row);
    expect(lines.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});

const entry = (over: Record<string, unknown>) => ({
  v: 1,
  caseId: 'AAAAAAAAAAAAAAAAAAAAAA',
  seq: 1,
  at: '2026-01-01T00:00:00.000Z',
  type: 'participant.joined',
  actor: null,
  data: {},
  prevHash: '0'.repeat(64),
  hash: '0'.repeat(64),
  signature: 'AAAA',
  ...over,
});
const record = (entries: unknown) => JSON.stringify({ format: 'parley.session-record/1', caseId: 'AAAAAAAAAAAAAAAAAAAAAA', caseTitle: 'x', exportedAt: '2026-01-01T00:00:00.000Z', publicKey: 'AAAA', entries });

describe('POST /api/record/verify with a malformed file', () => {
  const json = 'application/json';
  const rows: Row[] = [
    { name: 'JSON null', contentType: json, body: 'null', expect: 'report' },
    { name: 'a number', contentType: json, body: '5', expect: 'report' },
    { name: 'a string', contentType: json, body: '"parley"', expect: 'report' },
    { name: 'an array', contentType: json, body: '[]', expect: 'report' },
    { name: 'an empty object', contentType: json, body: '{}', expect: 'report' },
    { name: 'entries hold null', contentType: json, body: record([null]), expect: 'report' },
    { name: 'entries hold numbers and strings', contentType: json, body: record([5, 'x']), expect: 'report' },
    { name: 'entries is not a list', contentType: json, body: record('entries'), expect: 'report' },
    { name: 'fields of the wrong type', contentType: json, body: record([entry({ seq: '1', hash: 5, signature: {}, prevHash: null })]), expect: 'report' },
    { name: 'an actor that is not an object', contentType: json, body: record([entry({ actor: 5 })]), expect: 'report' },
    { name: 'data that is not an object', contentType: json, body: record([entry({ data: [1, 2] })]), expect: 'report' },
    { name: 'a public key that is a number', contentType: json, body: JSON.stringify({ ...JSON.parse(record([entry({})])), publicKey: 5 }), expect: 'report' },
    { name: 'an empty body', contentType: json, body: '', expect: 'report' },
    { name: 'HTML instead of JSON', contentType: 'text/html', body: '<html></html>', expect: 'report' },
    { name: 'no content type', body: record([null]), expect: 'report' },
    { name: 'JSON that does not parse', contentType: json, body: '{"format":', expect: 'bad_request' },
  ];
  it.each(rows)('$name → a report or a typed 400, never 500', async (row) => {
    const before = lines.length;
    await post('/api/record/verify', row);
    expect(lines.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});
