import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, signIn, startTestServer, type LogLine } from '../test/harness.ts';

/**
 * A request the server cannot read is the client's mistake: it gets a typed 400 and a warn line,
 * never a 500 and an error-level stack trace (which would page an operator and fill the logs for
 * anyone who types a broken address).
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
let lines: LogLine[];
let cookie: string;

beforeAll(async () => {
  const cap = captureLogs();
  lines = cap.lines;
  server = await startTestServer({}, undefined, undefined, cap.logger);
  cookie = await signIn(server);
});
afterAll(async () => {
  await server?.close();
});

/** node:http sends the path byte for byte (fetch and URL would normalise a broken %-escape). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const errorLines = () => lines.filter((l) => l.level >= 50);

describe('a path with a broken %-escape', () => {
  it('in an API path with a parameter: 400 bad_request, logged at warn, no error line', async () => {
    const before = lines.length;
    const r = await rawGet('/api/cases/%E0%A4%A', { cookie });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'bad_request', message: expect.any(String) } });
    expect(errorLines()).toEqual([]);
    expect(lines.slice(before).some((l) => l.level === 40 && l.msg === 'http request refused')).toBe(true);
  });

  it('in a client route: 400 bad_request, logged at warn, no error line', async () => {
    const before = lines.length;
    const r = await rawGet('/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'bad_request' } });
    expect(errorLines()).toEqual([]);
    expect(lines.slice(before).some((l) => l.level === 40)).toBe(true);
  });
});
