import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyAddr from 'proxy-addr';
import type { TrustProxy } from '../config.ts';

/**
 * Who is on the other end of a request, read the same way for HTTP (express), socket.io handshakes
 * and the draft websocket: the per-address rate limits and connection caps (server/src/auth/) and
 * the log lines all key on `address(req)`. X-Forwarded-* is believed only from peers that
 * PARLEY_TRUST_PROXY names; by default no one, so the address is the socket's peer.
 */
export interface ClientAddress {
  /** express's 'trust proxy' setting: the same rule, so `req.ip` and `req.secure` agree with us. */
  readonly trust: (addr: string, hop: number) => boolean;
  /** The client's address: the nearest hop in X-Forwarded-For not trusted, or the socket's peer. */
  address(req: IncomingMessage): string;
  /** The request reached the public side over https: our own TLS, or a trusted proxy says so. */
  isHttps(req: IncomingMessage): boolean;
}

export function clientAddress(setting: TrustProxy): ClientAddress {
  // As express compiles its 'trust proxy' setting (a hop count, or a list of addresses/CIDRs).
  const trust = typeof setting === 'number' ? (_addr: string, hop: number) => hop < setting : proxyAddr.compile(setting);
  return {
    trust,
    address: (req) => proxyAddr(req, trust) || 'unknown',
    isHttps(req) {
      if ((req.socket as TLSSocket).encrypted) return true;
      if (!trust(req.socket.remoteAddress ?? '', 0)) return false;
      // The proto set by the proxy nearest to us; a list only appears if several proxies appended.
      const proto = req.headers['x-forwarded-proto'];
      const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
      return first === 'https';
    },
  };
}
