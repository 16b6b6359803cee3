/**
 * The Content-Security-Policy every answer carries. connect-src is 'self' only: CSP Level 3 lets
 * 'self' match ws:// and wss:// to the page's own host (socket.io and /yjs); `ws: wss:` would let
 * injected script send data to any host. With several nodes a page also connects to the node that
 * runs its case (`moved`): exactly those addresses are added, nothing wider.
 */
export function contentSecurityPolicy(connectTo: readonly string[] = []): string {
  const connect = ["'self'", ...connectTo].join(' ');
  return `default-src 'self'; script-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src ${connect}; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

/**
 * Where a page may be sent to connect, with several nodes: every host under the cookie domain
 * (where the nodes have their names), and the origins the operator allowed by name; each for its
 * pages' requests (http/https) and its sockets (ws/wss).
 */
export function nodeConnectSources(o: { cookieDomain?: string | undefined; allowedOrigins?: readonly string[] | undefined; secure: boolean }): string[] {
  const [http, ws] = o.secure ? ['https', 'wss'] : ['http', 'ws'];
  const out: string[] = [];
  if (o.cookieDomain) for (const host of [o.cookieDomain, `*.${o.cookieDomain}`]) out.push(`${http}://${host}`, `${ws}://${host}`);
  for (const origin of o.allowedOrigins ?? []) {
    const u = new URL(origin);
    out.push(u.origin, `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`);
  }
  return [...new Set(out)];
}
