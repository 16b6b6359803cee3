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
