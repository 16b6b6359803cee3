import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test/harness.ts';

/** Security headers every answer carries. */
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const connectSrc = (csp: string | null) => csp?.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));

describe('Content-Security-Policy', () => {
  it('lets pages connect only to their own origin: no WebSocket to any other host', async () => {
    // `ws: wss:` would let injected script open a socket to any server and send case content out.
    // CSP Level 3 'self' already matches ws:// and wss:// to the page's own host (socket.io, /yjs).
    for (const p of ['/', '/api/health']) {
      const res = await fetch(`${server.url}${p}`);
      expect(connectSrc(res.headers.get('content-security-policy')), p).toBe("connect-src 'self'");
    }
  });
});

/** The policy as a map of directive → sources, e.g. { 'script-src': "'self'" }. */
const directives = (csp: string | null): Record<string, string> =>
  Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name!, sources.join(' ')];
      }),
  );

describe('Content-Security-Policy script-src', () => {
  it("names script-src explicitly as 'self' (no inline script, no eval), and weakens nothing else", async () => {
    // Without it the browser falls back to default-src and says so in the console on every page.
    for (const p of ['/', '/api/health']) {
      const d = directives((await fetch(`${server.url}${p}`)).headers.get('content-security-policy'));
      expect(d['script-src'], p).toBe("'self'");
      expect(d, p).toEqual({
        'default-src': "'self'",
        'script-src': "'self'",
        'img-src': "'self' data: blob:",
        'media-src': "'self' blob:",
        'connect-src': "'self'",
        'style-src': "'self' 'unsafe-inline'",
        'frame-ancestors': "'none'",
        'base-uri': "'none'",
        'form-action': "'self'",
      });
    }
  });
});
