import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { selfSignedCertificate } from './tls.ts';

/**
 * A real coturn (Debian's `turnserver`, installed by scripts/run.sh for `npm test`) on loopback,
 * configured the way docker/coturn/turnserver.conf is: REST-API shared secret, no TLS, no TCP
 * relay, and the shipped file's denied-peer-ip ranges (loopback and private included) with only
 * the media server's address allowed back. Everything it writes stays in its own temp folder.
 */
export interface Coturn {
  host: string;
  /** TURN over UDP and TCP. */
  port: number;
  /** TURN over TLS (turns:), when started with `tls`; its certificate is self-signed for 127.0.0.1. */
  tlsPort: number | undefined;
  secret: string;
  realm: string;
  dir: string;
  logFile: string;
  /** The coturn log so far (for assertions and failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const TURNSERVER_BIN = process.env.PARLEY_TURNSERVER ?? '/usr/bin/turnserver';

/** A port free for both UDP and TCP on `host` (coturn listens on both). */
export async function freeUdpTcpPort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, host, () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, host, () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

/** The shipped configuration's denied-peer-ip lines: the test relay refuses exactly what production refuses. */
export function shippedDeniedPeers(): string[] {
  return fs.readFileSync(path.join(repoRoot, 'docker', 'coturn', 'turnserver.conf'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('denied-peer-ip='));
}

/** Resolves once a TCP connection to host:port succeeds; rejects if `child` exits first. */
async function untilListening(host: string, port: number, child: ChildProcess, describe: () => string): Promise<void> {
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`turnserver exited with ${exited} before listening:\n${describe()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, host, () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`turnserver did not listen on ${host}:${port}:\n${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startCoturn(opts: { secret?: string; allowedPeer?: string; realm?: string; tls?: boolean } = {}): Promise<Coturn> {
  const host = '127.0.0.1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-coturn-'));
  const secret = opts.secret ?? 'coturn-test-secret-0123456789abcdef';
  const realm = opts.realm ?? 'parley.test';
  const port = await freeUdpTcpPort(host);
  const tlsPort = opts.tls ? await freeUdpTcpPort(host) : undefined;
  const cert = opts.tls ? selfSignedCertificate(dir, 'coturn') : undefined;
  // Relay ports: a random block of 200; coturn skips any that happen to be taken.
  const minPort = 50_000 + Math.floor(Math.random() * 70) * 200;
  const logFile = path.join(dir, 'turnserver.log');
  const conf = [
    `listening-ip=${host}`,
    `relay-ip=${host}`,
    `listening-port=${port}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 199}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'fingerprint',
    'no-cli',
    ...(cert && tlsPort ? [`tls-listening-port=${tlsPort}`, `cert=${cert.certFile}`, `pkey=${cert.keyFile}`] : ['no-tls']),
    'no-dtls',
    'no-tcp-relay',
    'no-multicast-peers',
    // The media server is on loopback here (it is on a public address in production). coturn
    // refuses loopback peers before it reads the lists; with this switch, the shipped denied
    // ranges (127.0.0.0/8 among them) and the one allowed address below decide, as in production.
    'allow-loopback-peers',
    ...shippedDeniedPeers(),
    `allowed-peer-ip=${opts.allowedPeer ?? host}`,
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `log-file=${logFile}`,
    'simple-log',
    // Each refused request (401, 403) is logged with its reason: the tests read them.
    'verbose',
  ];
  const confFile = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(confFile, `${conf.join('\n')}\n`, { mode: 0o600 });
  const child = spawn(TURNSERVER_BIN, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  try {
    await untilListening(host, port, child, () => `${stderr}\n${log().slice(-4000)}`);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  if (tlsPort) await untilListening(host, tlsPort, child, () => `${stderr}\n${log().slice(-4000)}`);
  return {
    host,
    port,
    tlsPort,
    secret,
    realm,
    dir,
    logFile,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
