import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, nodeConnectSources } from './csp.ts';

const connectSrc = (csp: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));

describe('connect-src with several nodes', () => {
  it('is the page’s own origin alone on one node', () => {
    expect(connectSrc(contentSecurityPolicy())).toBe("connect-src 'self'");
  });

  it('adds exactly the nodes’ hosts under the cookie domain, and the origins allowed by name, for requests and sockets', () => {
    expect(nodeConnectSources({ cookieDomain: 'parley.example.org', secure: true })).toEqual([
      'https://parley.example.org',
      'wss://parley.example.org',
      'https://*.parley.example.org',
      'wss://*.parley.example.org',
    ]);
    expect(nodeConnectSources({ allowedOrigins: ['http://127.0.0.1:8081', 'http://127.0.0.1:8082'], secure: false })).toEqual([
      'http://127.0.0.1:8081',
      'ws://127.0.0.1:8081',
      'http://127.0.0.1:8082',
      'ws://127.0.0.1:8082',
    ]);
    expect(connectSrc(contentSecurityPolicy(['wss://*.parley.example.org']))).toBe("connect-src 'self' wss://*.parley.example.org");
    // Never a bare scheme: that would let injected script reach any host.
    for (const s of nodeConnectSources({ cookieDomain: 'parley.example.org', allowedOrigins: ['https://a.example'], secure: true })) expect(s).toMatch(/^(https|wss):\/\/[^/]+$/);
  });
});
