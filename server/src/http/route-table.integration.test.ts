import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes, pathOf, type HttpRoute, type PathParams } from '@parley/shared';
import { startTestServer } from '../test/harness.ts';

/**
 * The server mounts every route of shared/src/routes.ts, and the AccessGate enforces the table's
 * "who" column for each: without credentials, a mediator route is 401 `unauthorised` and an
 * invitee route 401 `link_invalid`, whichever handler is behind it. Raw fetch, no credentials.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Any well-formed id for each `:param`: the credentials are refused before it matters. */
const somePath = (r: HttpRoute) => pathOf(r, new Proxy({}, { get: () => 'abcdefgh12345678' }) as PathParams<typeof r>);

async function withoutCredentials(r: HttpRoute): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
  const res = await fetch(`${server.url}${somePath(r)}`, {
    method: r.method,
    headers: { 'content-type': 'application/json' },
    ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: '{}' }),
  });
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  return { status: res.status, code: body?.error?.code, message: body?.error?.message };
}

describe('every route of the table', () => {
  it('is mounted: none falls through to "No such API endpoint"', async () => {
    const unmounted = [];
    for (const r of Object.values(httpRoutes)) {
      const a = await withoutCredentials(r);
      if (a.message === 'No such API endpoint.') unmounted.push(`${r.method} ${r.path}`);
    }
    expect(unmounted).toEqual([]);
  });

  it('refuses a caller without credentials as its "who" column says', async () => {
    const seen: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const r of Object.values(httpRoutes)) {
      if (r.who === 'public') continue;
      const key = `${r.method} ${r.path}`;
      const a = await withoutCredentials(r);
      seen[key] = `${a.status} ${a.code}`;
      // No PARLEY_METRICS_TOKEN in this server: the metrics route does not exist.
      expected[key] = r.who === 'mediator' || r.who === 'admin' || r.who === 'draft-holder' ? '401 unauthorised' : r.who === 'metrics-scraper' ? '404 not_found' : '401 link_invalid';
    }
    expect(seen).toEqual(expected);
  });
});
