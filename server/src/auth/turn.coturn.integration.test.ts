import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceServers } from './TurnCredentials.ts';
import { startCoturn, type Coturn } from '../test/coturn.ts';

/**
 * The credentials Parley hands out against a real coturn (Debian's turnserver, configured like
 * docker/coturn/turnserver.conf), driven by coturn's own test client turnutils_uclient: valid ones
 * relay to the media server's address, expired and forged ones get 401, and a relay to any other
 * loopback or private address gets 403 Forbidden IP.
 */
const UCLIENT = process.env.PARLEY_TURNUTILS_UCLIENT ?? '/usr/bin/turnutils_uclient';

let coturn: Coturn;
/** Stands in for the media server: a UDP socket on the one allowed peer address that echoes. */
let echo: dgram.Socket;
let echoPort: number;

beforeAll(async () => {
  coturn = await startCoturn({ tls: true });
  echo = dgram.createSocket('udp4');
  echo.on('message', (msg, from) => echo.send(msg, from.port, from.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
  echoPort = echo.address().port;
}, 60_000);
afterAll(async () => {
  echo?.close();
  await coturn?.stop();
});

const ttl = 600;
const issue = (secret: string, at = Date.now()) => new IceServers({ urls: [`turn:127.0.0.1:${coturn.port}?transport=udp`], secret, ttlSeconds: ttl }, 'relay', () => at).issue('participant-1').iceServers[0]!;

/** turnutils_uclient: allocate with these credentials, then send 5 packets to `peer` and count the echoes. */
function uclient(cred: { username: string; credential: string }, peer: string, over: 'udp' | 'tcp' | 'tls' = 'udp'): Promise<{ code: number | null; output: string }> {
  const transport = { udp: [], tcp: ['-t'], tls: ['-t', '-S'] }[over];
  const port = over === 'tls' ? coturn.tlsPort! : coturn.port;
  const args = [...transport, '-c', '-n', '5', '-p', String(port), '-u', cred.username, '-w', cred.credential, '-e', peer, '-r', String(echoPort), coturn.host];
  return new Promise((resolve, reject) => {
    const child = spawn(UCLIENT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // A safety net for a hung client, not a wait: the result comes from its exit.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

/** Lines of coturn's log about this username (each refused request is logged with its error). */
const logOf = (username: string) => coturn.log().split('\n').filter((l) => l.includes(`user <${username}>`)).join('\n');

describe('Parley TURN credentials against a real coturn', () => {
  it('are accepted over UDP, TCP and TLS, and relay to the media server address and back', async () => {
    const cred = issue(coturn.secret);
    for (const over of ['udp', 'tcp', 'tls'] as const) {
      const r = await uclient(cred, '127.0.0.1', over);
      expect(r.output, `TURN over ${over}`).toMatch(/Total lost packets 0 \(0\.0+%\)/);
      expect(r.code, `TURN over ${over}`).toBe(0);
      // uclient reports the TLS session it made (and exits 0 even when it could not make one).
      if (over === 'tls') expect(r.output).toMatch(/tls_connect: client session connected with cipher/);
    }
  }, 120_000);

  it.each([
    ['once expired', () => issue(coturn.secret, Date.now() - (ttl + 60) * 1000)],
    ['when signed with another secret', () => issue('a-different-secret-0123456789abcdef')],
  ])('are refused %s (401)', async (_why, make) => {
    const cred = make();
    const r = await uclient(cred, '127.0.0.1');
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/Cannot complete Allocation/);
    expect(logOf(cred.username)).toMatch(/error 401: Unauthorized/);
  }, 90_000);

  it('cannot relay to another loopback or a private address (403 Forbidden IP)', async () => {
    const cred = issue(coturn.secret);
    for (const peer of ['127.0.0.2', '10.1.2.3', '192.168.1.1']) {
      const r = await uclient(cred, peer);
      expect(r.output, peer).toMatch(/403 \(Forbidden IP\)/);
      expect(r.code, peer).not.toBe(0);
    }
  }, 120_000);
});
