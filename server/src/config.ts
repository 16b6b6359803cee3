import { z } from 'zod';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import proxyAddr from 'proxy-addr';
// The config module alone (no mediasoup): this file is read by tools that start no SFU.
import { DEFAULT_CONSUMERS_PER_WORKER } from '@parley/sfu/config';
import { MAIL_VARIABLES, mailConfig, mailProblems, type MailConfig } from './mail/mailConfig.ts';

/**
 * A problem the operator must fix in the configuration or the data folder. main.ts prints its
 * message alone (no stack trace): it says what is wrong and which variable to set.
 */
export class ConfigError extends Error {
  /** The variable to fix, when there is one; `reason` is the message without it. */
  readonly variable: string | undefined;
  readonly reason: string;
  constructor(message: string, options?: { cause?: unknown; variable?: string }) {
    super(options?.variable ? `${options.variable}: ${message}` : message, options);
    this.name = 'ConfigError';
    this.variable = options?.variable;
    this.reason = message;
  }
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** A master key as text: 32 bytes, base64url without padding. */
export const MASTER_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Why the key file cannot be used, or null if it holds a key. Never quotes the file: it is a secret,
 * and a wrong file might be another one.
 */
export function keyFileProblem(file: string): string | null {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) return `${file} is not a file`;
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `there is no file at ${file}` : `${file} cannot be read (${code ?? 'error'})`;
  }
  return MASTER_KEY_PATTERN.test(text.trim()) ? null : `${file} must hold only the key: 32 bytes, base64url without padding (43 characters)`;
}

/** The certificate and key Parley serves HTTPS with, read from the files the operator named. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/**
 * Reads the certificate chain and key and checks that TLS accepts them together (PEM that parses,
 * a key that matches the certificate). Called at start, so a wrong file stops Parley with a message
 * naming the variable, and again when the files are reloaded (a renewed certificate).
 */
export function readTls(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const read = (variable: string, file: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? `there is no file at ${file}` : `${file} cannot be read (${code ?? 'error'})`;
      throw new ConfigError(why, { cause: err, variable });
    }
  };
  const cert = read('PARLEY_TLS_CERT', files.certFile);
  const key = read('PARLEY_TLS_KEY', files.keyFile);
  try {
    tls.createSecureContext({ cert, key });
  } catch (err) {
    // OpenSSL's reason (e.g. "key values mismatch", "no start line"), never the file's content: the key is a secret.
    throw new ConfigError(`TLS cannot use this certificate with PARLEY_TLS_KEY (${(err as Error).message}); they must be a PEM certificate chain and its PEM private key`, { cause: err, variable: 'PARLEY_TLS_CERT' });
  }
  return { cert, key };
}

/**
 * Which peers may tell us the client's address and protocol (X-Forwarded-For/-Proto/-Host): empty
 * trusts no one (the default: anyone could otherwise pick the address their rate limit is counted
 * against); a hop count trusts that many proxies in front; a list names proxy addresses or CIDRs
 * (and proxy-addr's names `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = number | string[];

function parseTrustProxy(text: string | undefined): TrustProxy | string {
  const t = text?.trim() ?? '';
  if (t === '') return [];
  if (/^\d+$/.test(t)) return Number(t);
  if (/^(true|\*|all)$/i.test(t)) return 'name the proxy addresses or a hop count: trusting every peer would let anyone choose the address they are counted as';
  const list = t.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch (err) {
    return `${(err as Error).message} (expected a hop count, or addresses/CIDRs separated by commas)`;
  }
  return list;
}

/** One worker per core unless PARLEY_WORKERS says otherwise. */
function workerCount(configured: number | undefined): number {
  return configured ?? Math.max(1, os.availableParallelism());
}

/** The media ports in use, first to last: one per worker, from the first media port on. */
export function mediaPorts(first: number, workers: number): number[] {
  return first === 0 ? [] : Array.from({ length: workers }, (_, i) => first + i);
}

/**
 * Why the media ports cannot be used, or null: each worker needs its own port (first + i) for UDP
 * and TCP, all of them real ports, none of them one of Parley's HTTP ports.
 */
function mediaPortProblem(first: number, workers: number, httpPorts: [string, number | undefined][]): string | null {
  if (first === 0) return null;
  const last = first + workers - 1;
  const span = workers === 1 ? `port ${first}` : `ports ${first}–${last}`;
  if (last > 65535) return `${span} (one per worker, ${workers} workers) end past 65535: choose a lower first port or fewer PARLEY_WORKERS`;
  for (const [name, port] of httpPorts) {
    if (port !== undefined && port >= first && port <= last) return `${span} (one per worker, UDP and TCP) include ${name} ${port}: choose ports apart from it`;
  }
  return null;
}

/** Variables Parley no longer reads, and what replaced them: set, they would mislead the operator. */
const RETIRED_VARIABLES: Record<string, string> = {
  PARLEY_RTC_MIN_PORT: 'media no longer uses a port range: set PARLEY_MEDIA_PORT (one port per worker, UDP and TCP) and remove this variable',
  PARLEY_RTC_MAX_PORT: 'media no longer uses a port range: set PARLEY_MEDIA_PORT (one port per worker, UDP and TCP) and remove this variable',
};

/**
 * A TURN server URL as RTCIceServer accepts it (RFC 7065): turn: or turns:, a host name, IPv4 or
 * [IPv6] address, an optional port and an optional ?transport=udp|tcp. Checked here because a
 * browser given one bad URL throws away the whole transport.
 */
export const TURN_URL_PATTERN = /^turns?:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::([0-9]{1,5}))?(?:\?transport=(?:udp|tcp))?$/;

function turnUrlsProblem(text: string): string | null {
  const urls = text.split(',').map((s) => s.trim());
  const bad = urls.find((u) => !TURN_URL_PATTERN.test(u) || Number(TURN_URL_PATTERN.exec(u)?.[1] ?? 1) < 1 || Number(TURN_URL_PATTERN.exec(u)?.[1] ?? 1) > 65535);
  return bad === undefined ? null : `"${bad}" is not a TURN URL (expected e.g. turn:turn.example.org:3478?transport=udp or turns:turn.example.org:443?transport=tcp, separated by commas)`;
}

/** The TURN shared secret from PARLEY_TURN_SECRET or the file PARLEY_TURN_SECRET_FILE names; a problem as text. */
function turnSecret(c: { PARLEY_TURN_SECRET?: string | undefined; PARLEY_TURN_SECRET_FILE?: string | undefined }): { secret?: string; problem?: [string, string] } {
  if (c.PARLEY_TURN_SECRET_FILE === undefined) return c.PARLEY_TURN_SECRET === undefined ? {} : { secret: c.PARLEY_TURN_SECRET };
  if (c.PARLEY_TURN_SECRET !== undefined) return { problem: ['PARLEY_TURN_SECRET_FILE', 'set PARLEY_TURN_SECRET or PARLEY_TURN_SECRET_FILE, not both'] };
  const file = path.resolve(repoRoot, c.PARLEY_TURN_SECRET_FILE);
  try {
    // Never quoted in a message: it is a secret.
    const secret = fs.readFileSync(file, 'utf8').trim();
    return secret ? { secret } : { problem: ['PARLEY_TURN_SECRET_FILE', `${file} is empty`] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: ['PARLEY_TURN_SECRET_FILE', code === 'ENOENT' ? `there is no file at ${file}` : `${file} cannot be read (${code ?? 'error'})`] };
  }
}

/** Every setting comes from the environment, is validated here, and has a safe local default. */
const Bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const Port = z.coerce.number().int().min(0).max(65535);

export const ConfigSchema = z
  .object({
    PARLEY_HOST: z.string().default('127.0.0.1'),
    PARLEY_PORT: Port.default(8080),
    PARLEY_PUBLIC_URL: z.url().optional(),
    PARLEY_DATA_DIR: z.string().default('.data'),
    PARLEY_DB_PATH: z.string().optional(),
    /** Postgres instead of the embedded SQLite file (several nodes: docs/scaling.md). */
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// address').optional(),
    // Several nodes (docs/scaling.md): Redis for the case leases and the events between nodes.
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// address').optional(),
    /** This node's own address, as browsers reach it: where the other nodes send the people of the cases it runs. */
    PARLEY_NODE_URL: z.url().optional(),
    /** How long a node's hold on a live case lasts without renewal: the longest wait before another node takes over from a dead one. */
    PARLEY_CASE_LEASE_SECONDS: z.coerce.number().min(2).max(300).default(15),
    /** Several nodes on their own host names under one domain: the mediator's session cookie is sent to all of them. */
    PARLEY_COOKIE_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i, 'PARLEY_COOKIE_DOMAIN must be a host name such as parley.example.org').optional(),
    PARLEY_MASTER_KEY: z
      .string()
      .regex(MASTER_KEY_PATTERN, 'PARLEY_MASTER_KEY must be 32 bytes, base64url without padding (43 characters)')
      .optional(),
    /** A file holding the master key: a docker or Kubernetes secret, or systemd's $CREDENTIALS_DIRECTORY/<name>. */
    PARLEY_MASTER_KEY_FILE: z.string().min(1).optional(),
    PARLEY_ALLOWED_ORIGINS: z.string().optional(),
    PARLEY_INVITE_TTL_HOURS: z.coerce.number().positive().max(24 * 365).default(24 * 30),
    PARLEY_SECURE_COOKIES: Bool.optional(),
    /** Paths of the PEM certificate chain and private key: Parley then serves HTTPS itself. */
    PARLEY_TLS_CERT: z.string().min(1).optional(),
    PARLEY_TLS_KEY: z.string().min(1).optional(),
    /** With TLS: a plain-http port that answers every request with a redirect to https. */
    PARLEY_HTTP_REDIRECT_PORT: Port.optional(),
    PARLEY_TRUST_PROXY: z.string().optional(),
    PARLEY_RTC_LISTEN_IP: z.string().default('127.0.0.1'),
    PARLEY_RTC_ANNOUNCED_ADDRESS: z.string().optional(),
    /** Worker i's media port (UDP and TCP) is this + i; 0: each worker takes a free port (tests). */
    PARLEY_MEDIA_PORT: Port.default(40000),
    /** TURN servers handed to browsers (comma-separated turn:/turns: URLs), with coturn's shared secret. */
    PARLEY_TURN_URLS: z.string().trim().min(1).optional(),
    PARLEY_TURN_SECRET: z.string().trim().min(16, 'the TURN secret must be at least 16 characters (openssl rand -hex 32)').optional(),
    /** A file holding the TURN secret (a docker secret). */
    PARLEY_TURN_SECRET_FILE: z.string().min(1).optional(),
    /** Lifetime of the TURN credentials handed out; clients renew them before they expire. */
    PARLEY_TURN_TTL_SECONDS: z.coerce.number().int().min(300).max(7 * 24 * 3600).default(3600),
    /** `relay` makes every browser use TURN only (never straight to the media server). */
    PARLEY_ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
    PARLEY_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    // Streams a worker forwards before a case that needs more spreads to another (sfu/config.ts).
    PARLEY_STREAMS_PER_WORKER: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_CONSUMERS_PER_WORKER),
    MEDIASOUP_WORKER_BIN: z.string().optional(),
    PARLEY_CLIENT_DIST: z.string().optional(),
    PARLEY_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    PARLEY_MEDIATOR_NAME: z.string().trim().min(1).max(80).default('Mediator'),
    /** Bearer token of GET /metrics (Prometheus); unset, /metrics answers 404. Long enough that guessing it is hopeless. */
    // Empty counts as unset: compose passes `${PARLEY_METRICS_TOKEN:-}` through as "".
    PARLEY_METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional()),
    ...MAIL_VARIABLES,
  })
  .superRefine(mailProblems)
  .superRefine((c, ctx) => {
    const problem = mediaPortProblem(c.PARLEY_MEDIA_PORT, workerCount(c.PARLEY_WORKERS), [
      ['PARLEY_PORT', c.PARLEY_PORT],
      ['PARLEY_HTTP_REDIRECT_PORT', c.PARLEY_HTTP_REDIRECT_PORT],
    ]);
    if (problem) ctx.addIssue({ code: 'custom', path: ['PARLEY_MEDIA_PORT'], message: problem });
  })
  .superRefine((c, ctx) => {
    if (c.PARLEY_MASTER_KEY_FILE === undefined) return;
    const at = ['PARLEY_MASTER_KEY_FILE'];
    if (c.PARLEY_MASTER_KEY !== undefined) {
      ctx.addIssue({ code: 'custom', path: at, message: 'set PARLEY_MASTER_KEY or PARLEY_MASTER_KEY_FILE, not both' });
      return;
    }
    const problem = keyFileProblem(path.resolve(repoRoot, c.PARLEY_MASTER_KEY_FILE));
    if (problem) ctx.addIssue({ code: 'custom', path: at, message: problem });
  })
  .superRefine((c, ctx) => {
    if (c.PARLEY_TURN_URLS !== undefined) {
      const problem = turnUrlsProblem(c.PARLEY_TURN_URLS);
      if (problem) ctx.addIssue({ code: 'custom', path: ['PARLEY_TURN_URLS'], message: problem });
    }
    const { secret, problem } = turnSecret(c);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem[0]], message: problem[1] });
    else if (secret !== undefined && c.PARLEY_TURN_URLS === undefined) ctx.addIssue({ code: 'custom', path: ['PARLEY_TURN_URLS'], message: 'a TURN secret is set but no TURN server: set PARLEY_TURN_URLS too, or remove the secret' });
    else if (secret === undefined && c.PARLEY_TURN_URLS !== undefined) ctx.addIssue({ code: 'custom', path: ['PARLEY_TURN_SECRET'], message: 'TURN servers are set but not their shared secret: set PARLEY_TURN_SECRET or PARLEY_TURN_SECRET_FILE (coturn\'s static-auth-secret)' });
    if (c.PARLEY_ICE_TRANSPORT_POLICY === 'relay' && c.PARLEY_TURN_URLS === undefined) ctx.addIssue({ code: 'custom', path: ['PARLEY_ICE_TRANSPORT_POLICY'], message: 'relay needs TURN servers (PARLEY_TURN_URLS and its secret): without them no browser could reach the media' });
  })
  .superRefine((c, ctx) => {
    if (c.REDIS_URL !== undefined) {
      if (c.DATABASE_URL === undefined) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'several nodes share one Postgres database: set DATABASE_URL too (a SQLite file belongs to one node)' });
      if (c.PARLEY_NODE_URL === undefined) ctx.addIssue({ code: 'custom', path: ['PARLEY_NODE_URL'], message: "with REDIS_URL each node needs its own address, as browsers reach it (e.g. https://node-1.parley.example.org): the other nodes send the people of this node's cases there" });
      if (c.PARLEY_COOKIE_DOMAIN === undefined && c.PARLEY_ALLOWED_ORIGINS === undefined) {
        ctx.addIssue({ code: 'custom', path: ['PARLEY_COOKIE_DOMAIN'], message: "with several nodes a page connects to the node that runs its case: name the nodes under one domain and set PARLEY_COOKIE_DOMAIN to it, or list every node's address (and the public one) in PARLEY_ALLOWED_ORIGINS" });
      }
      const domain = c.PARLEY_COOKIE_DOMAIN?.replace(/^\./, '').toLowerCase();
      const under = (url: string | undefined) => url === undefined || domain === undefined || new URL(url).hostname === domain || new URL(url).hostname.endsWith(`.${domain}`);
      if (!under(c.PARLEY_NODE_URL) || !under(c.PARLEY_PUBLIC_URL)) {
        ctx.addIssue({ code: 'custom', path: ['PARLEY_COOKIE_DOMAIN'], message: 'PARLEY_PUBLIC_URL and PARLEY_NODE_URL must both be under this domain, or a browser will not send the cookie to them' });
      }
    } else if (c.PARLEY_NODE_URL !== undefined || c.PARLEY_COOKIE_DOMAIN !== undefined) {
      const name = c.PARLEY_NODE_URL !== undefined ? 'PARLEY_NODE_URL' : 'PARLEY_COOKIE_DOMAIN';
      ctx.addIssue({ code: 'custom', path: [name], message: `${name === 'PARLEY_NODE_URL' ? 'a node address' : 'a cookie domain'} only matters with several nodes: set REDIS_URL too, or remove it` });
    }
    const trust = parseTrustProxy(c.PARLEY_TRUST_PROXY);
    if (typeof trust === 'string') ctx.addIssue({ code: 'custom', path: ['PARLEY_TRUST_PROXY'], message: trust });
    const cert = c.PARLEY_TLS_CERT;
    const key = c.PARLEY_TLS_KEY;
    if ((cert === undefined) !== (key === undefined)) {
      ctx.addIssue({ code: 'custom', path: [cert === undefined ? 'PARLEY_TLS_CERT' : 'PARLEY_TLS_KEY'], message: 'set PARLEY_TLS_CERT and PARLEY_TLS_KEY together (the certificate and its key), or neither' });
      return;
    }
    if (cert === undefined || key === undefined) {
      if (c.PARLEY_HTTP_REDIRECT_PORT !== undefined) ctx.addIssue({ code: 'custom', path: ['PARLEY_HTTP_REDIRECT_PORT'], message: 'redirects to https only when Parley serves TLS itself (PARLEY_TLS_CERT and PARLEY_TLS_KEY); behind a proxy, the proxy redirects' });
      return;
    }
    if (c.PARLEY_PUBLIC_URL !== undefined && !c.PARLEY_PUBLIC_URL.startsWith('https:')) {
      ctx.addIssue({ code: 'custom', path: ['PARLEY_PUBLIC_URL'], message: 'must start with https:// when Parley serves TLS (PARLEY_TLS_CERT)' });
    }
    try {
      readTls({ certFile: path.resolve(repoRoot, cert), keyFile: path.resolve(repoRoot, key) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      ctx.addIssue({ code: 'custom', path: [err.variable ?? 'PARLEY_TLS_CERT'], message: err.reason });
    }
  });

/**
 * The names of every environment variable Parley reads. docker/compose.test.ts checks the compose
 * file and Dockerfile against this list, so a deployment cannot set a variable nobody reads.
 */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(ConfigSchema.shape));

export interface TurnConfig {
  urls: string[];
  /** coturn's static-auth-secret: signs credentials, never sent anywhere. */
  secret: string;
  ttlSeconds: number;
}

export interface Config {
  host: string;
  port: number;
  /** Base URL printed and used in links; derived from host/port when not set. */
  publicUrl: string | undefined;
  dataDir: string;
  dbPath: string;
  /** A Postgres server's address; unset: the SQLite file at dbPath. */
  databaseUrl: string | undefined;
  masterKey: string | undefined;
  /** Absolute path of the file holding the master key (PARLEY_MASTER_KEY_FILE). */
  masterKeyFile: string | undefined;
  allowedOrigins: string[] | undefined;
  inviteTtlMs: number;
  /** Forced on or off by PARLEY_SECURE_COOKIES; otherwise on for https (see `servesHttps` in http/https.ts). */
  secureCookies: boolean | undefined;
  /** Set when Parley serves HTTPS itself. */
  tls: TlsFiles | undefined;
  /** With `tls`: the plain-http port that redirects to https. */
  httpRedirectPort: number | undefined;
  trustProxy: TrustProxy;
  /** Worker i listens on `mediaPort + i`, UDP and TCP; 0: each worker on a free port. */
  rtc: { listenIp: string; announcedAddress?: string; mediaPort: number };
  /** TURN servers and coturn's shared secret; undefined without TURN. */
  turn: TurnConfig | undefined;
  iceTransportPolicy: 'all' | 'relay';
  workers: number;
  /** Streams (consumers and pipes) a worker forwards before a larger case spreads to another. */
  streamsPerWorker: number;
  workerBin: string | undefined;
  clientDist: string;
  logLevel: z.infer<typeof ConfigSchema>['PARLEY_LOG_LEVEL'];
  mediatorName: string;
  /** Bearer token of /metrics; undefined = metrics off. */
  metricsToken: string | undefined;
  /** E-mail notifications (server/src/mail); undefined = Parley sends no e-mail. */
  mail: MailConfig | undefined;
  /** Several nodes sharing the cases through Redis; undefined = one node, every case its own. */
  cluster: { redisUrl: string; nodeUrl: string; leaseMs: number; cookieDomain?: string } | undefined;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  const retired = Object.keys(RETIRED_VARIABLES).filter((name) => env[name] !== undefined);
  if (!parsed.success || retired.length > 0) {
    const lines = [
      ...retired.map((name) => `  ${name}: ${RETIRED_VARIABLES[name]}`),
      ...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.') || 'config'}: ${i.message}`)),
    ];
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(repoRoot, c.PARLEY_DATA_DIR);
  return {
    host: c.PARLEY_HOST,
    port: c.PARLEY_PORT,
    publicUrl: c.PARLEY_PUBLIC_URL?.replace(/\/$/, ''),
    dataDir,
    dbPath: c.PARLEY_DB_PATH ? path.resolve(repoRoot, c.PARLEY_DB_PATH) : path.join(dataDir, 'parley.db'),
    databaseUrl: c.DATABASE_URL,
    cluster: c.REDIS_URL && c.PARLEY_NODE_URL ? { redisUrl: c.REDIS_URL, nodeUrl: c.PARLEY_NODE_URL.replace(/\/$/, ''), leaseMs: c.PARLEY_CASE_LEASE_SECONDS * 1000, ...(c.PARLEY_COOKIE_DOMAIN ? { cookieDomain: c.PARLEY_COOKIE_DOMAIN.replace(/^\./, '').toLowerCase() } : {}) } : undefined,
    masterKey: c.PARLEY_MASTER_KEY,
    masterKeyFile: c.PARLEY_MASTER_KEY_FILE ? path.resolve(repoRoot, c.PARLEY_MASTER_KEY_FILE) : undefined,
    allowedOrigins: c.PARLEY_ALLOWED_ORIGINS?.split(',').map((s) => s.trim()).filter(Boolean),
    inviteTtlMs: c.PARLEY_INVITE_TTL_HOURS * 3600_000,
    secureCookies: c.PARLEY_SECURE_COOKIES,
    tls: c.PARLEY_TLS_CERT && c.PARLEY_TLS_KEY ? { certFile: path.resolve(repoRoot, c.PARLEY_TLS_CERT), keyFile: path.resolve(repoRoot, c.PARLEY_TLS_KEY) } : undefined,
    httpRedirectPort: c.PARLEY_HTTP_REDIRECT_PORT,
    trustProxy: parseTrustProxy(c.PARLEY_TRUST_PROXY) as TrustProxy,
    rtc: {
      listenIp: c.PARLEY_RTC_LISTEN_IP,
      ...(c.PARLEY_RTC_ANNOUNCED_ADDRESS ? { announcedAddress: c.PARLEY_RTC_ANNOUNCED_ADDRESS } : {}),
      mediaPort: c.PARLEY_MEDIA_PORT,
    },
    turn: c.PARLEY_TURN_URLS ? { urls: c.PARLEY_TURN_URLS.split(',').map((u) => u.trim()), secret: turnSecret(c).secret!, ttlSeconds: c.PARLEY_TURN_TTL_SECONDS } : undefined,
    iceTransportPolicy: c.PARLEY_ICE_TRANSPORT_POLICY,
    workers: workerCount(c.PARLEY_WORKERS),
    streamsPerWorker: c.PARLEY_STREAMS_PER_WORKER,
    workerBin: c.MEDIASOUP_WORKER_BIN,
    clientDist: c.PARLEY_CLIENT_DIST ? path.resolve(repoRoot, c.PARLEY_CLIENT_DIST) : path.join(repoRoot, 'client', 'dist'),
    logLevel: c.PARLEY_LOG_LEVEL,
    mediatorName: c.PARLEY_MEDIATOR_NAME,
    metricsToken: c.PARLEY_METRICS_TOKEN,
    mail: mailConfig(c),
  };
}
