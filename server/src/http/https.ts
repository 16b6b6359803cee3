import http from 'node:http';
import https from 'node:https';
import type { RequestListener } from 'node:http';
import { readTls, type Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ClientAddress } from './clientAddress.ts';

/**
 * One year, without includeSubDomains or preload: those would bind other hosts of the operator's
 * domain, which Parley does not know about.
 */
export const HSTS_VALUE = 'max-age=31536000';

/**
 * Whether a request is answered as https (Secure cookies, HSTS): Parley serves TLS itself, the
 * public URL is https (a proxy in front terminates TLS), or a trusted proxy says the client used https.
 */
export function servesHttps(config: Pick<Config, 'tls' | 'publicUrl'>, client: ClientAddress): (req: http.IncomingMessage) => boolean {
  const always = config.tls !== undefined || (config.publicUrl?.startsWith('https:') ?? false);
  return (req) => always || client.isHttps(req);
}

/** The HTTP server the app, socket.io and the draft websocket hang off: TLS when configured. */
export function createMainServer(config: Pick<Config, 'tls'>, app: RequestListener): { server: http.Server | https.Server; reloadTls: () => void } {
  if (!config.tls) return { server: http.createServer(app), reloadTls: () => {} };
  const files = config.tls;
  const server = https.createServer({ ...readTls(files) }, app);
  return {
    server,
    // A renewed certificate (e.g. Let's Encrypt every 60–90 days) without a restart: new handshakes use it.
    reloadTls: () => server.setSecureContext(readTls(files)),
  };
}

/**
 * The plain-http listener beside a TLS server: every request gets a 308 to the same path over
 * https, and nothing else is served on it (no app, no socket.io). The target host is the public
 * URL's when set; otherwise the host the browser asked for, on the https port.
 */
export function createRedirectServer(opts: { publicUrl: string | undefined; httpsPort: () => number; logger: Logger }): http.Server {
  const fixedOrigin = opts.publicUrl ? new URL(opts.publicUrl).origin : undefined;
  return http.createServer((req, res) => {
    const origin = fixedOrigin ?? originFromHost(req.headers.host, opts.httpsPort());
    if (!origin) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end('This address serves only redirects to https, and the request named no host.\n');
      return;
    }
    // Only an origin-form path is kept: an absolute-form or '*' target would name another host.
    const target = req.url?.startsWith('/') && !req.url.startsWith('//') ? req.url : '/';
    const location = `${origin}${target}`;
    opts.logger.debug({ location }, 'http request redirected to https');
    res.writeHead(308, { location, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`Parley is served over https: ${location}\n`);
  });
}

/** `https://<host from the Host header>[:port]`, or undefined when the header is missing or not a host. */
function originFromHost(host: string | undefined, port: number): string | undefined {
  if (!host) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
  if (!hostname) return undefined;
  return `https://${hostname}${port === 443 ? '' : `:${port}`}`;
}
