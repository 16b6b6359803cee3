import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type CaseDetail,
  type ClientToServerEvents,
  type ConsumerOffer,
  type ConsumerOfferAck,
  type Notifications,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ServerToClientEvents,
} from '@parley/shared';
import { loadConfig, startServer, type RunningServer } from '../index.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { Limits } from '../auth/limits.ts';
import { testDatabaseUrl } from './engine.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real server (real mediasoup worker, real SQLite file) on a free port, for integration tests.
 * Pass `logger` (e.g. from `captureLogs`) to assert on what the server logged.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  reuseDataDir?: string,
  limits?: Limits,
  logger?: Logger,
  opts: { consumerAckTimeoutMs?: number } = {},
): Promise<RunningServer & { dataDir: string }> {
  const dataDir = reuseDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-it-'));
  // Named after the data folder the server runs on (env may name it): a restart finds its data.
  const databaseUrl = env.DATABASE_URL ?? (await testDatabaseUrl(env.PARLEY_DATA_DIR ?? dataDir));
  const config = loadConfig({
    ...process.env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    PARLEY_PORT: '0',
    // A free media port per server: test files run side by side, each with its own platform.
    PARLEY_MEDIA_PORT: '0',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_WORKERS: '1',
    PARLEY_LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer(config, { logger: logger ?? createLogger(process.env.PARLEY_TEST_LOG ?? 'silent'), ...(limits ? { limits } : {}), ...opts });
  return Object.assign(server, { dataDir });
}

/** One parsed pino line (level 40 = warn, 50 = error). */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger that keeps every line (debug and above) in `lines`, for assertions on levels and messages. */
export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  return { logger: createLogger('debug', sink), lines };
}

export async function signIn(server: RunningServer): Promise<string> {
  const token = new URL(server.signinUrl).hash.replace('#token=', '');
  const res = await fetch(`${server.url}/api/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

export async function api<T>(server: RunningServer, method: string, p: string, opts: { cookie?: string; bearer?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(`${server.url}${p}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Creates a case as the mediator: by default two parties, Ana (side A) and Ben (side B). */
export async function createCase(
  server: RunningServer,
  cookie: string,
  participants: Array<{ displayName: string; role: 'party' | 'advisor' | 'assessor'; side?: string | null }> = [
    { displayName: 'Ana Party', role: 'party', side: 'A' },
    { displayName: 'Ben Party', role: 'party', side: 'B' },
  ],
  title = 'Boundary dispute between neighbours',
  opts: { waitingRoom?: boolean } = {},
): Promise<CaseDetail> {
  // Tests of other behaviours start with everyone going straight into the joint room; the
  // waiting room's own tests ask for it (the platform's default is on).
  const r = await api<CaseDetail>(server, 'POST', '/api/cases', {
    cookie,
    body: { title, participants, waitingRoom: opts.waitingRoom ?? false },
  });
  if (r.status !== 201) throw new Error(`create case failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const tokenOf = (url: string): string => new URL(url).hash.replace('#t=', '');

export async function consent(server: RunningServer, token: string, detail: CaseDetail): Promise<void> {
  const r = await api(server, 'POST', '/api/invitation/consent', {
    bearer: token,
    body: { acceptedClauseIds: detail.agreement.clauses.map((c) => c.id), clauseSetHash: detail.clauseSetHash },
  });
  if (r.status !== 200) throw new Error(`consent failed: ${r.status}`);
}

/**
 * The usual start of an integration test: a signed-in mediator, a case with Ana Party and Ben
 * Party, their invitation tokens, and both of them consented to the protocol agreement. The
 * sign-in link works once per server: pass the cookie of an earlier sign-in for a second case.
 */
export async function consentedCase(server: RunningServer, signedIn?: string): Promise<{ cookie: string; detail: CaseDetail; tA: string; tB: string }> {
  const cookie = signedIn ?? (await signIn(server));
  const detail = await createCase(server, cookie);
  const tA = tokenOf(detail.participants.find((p) => p.displayName === 'Ana Party')!.invitation!.url);
  const tB = tokenOf(detail.participants.find((p) => p.displayName === 'Ben Party')!.invitation!.url);
  await consent(server, tA, detail);
  await consent(server, tB, detail);
  return { cookie, detail, tA, tB };
}

/**
 * A raw client. Like the browser client it takes every consumer it is offered (acks
 * `consumer:receive` with ok, so the server resumes it); `socket.off('consumer:receive',
 * acceptConsumers)` makes one that never answers.
 */
export function connect(server: RunningServer, auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    transports: ['websocket'],
    auth: { protocol: PROTOCOL_VERSION, ...auth },
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  socket.on('consumer:receive', acceptConsumers);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** The sockets a test file opens, closed together at its end (`closeAll` in afterAll). */
export function openedSockets(server: () => RunningServer) {
  const sockets: ClientSocket[] = [];
  return {
    async open(auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ClientSocket> {
      const s = await connect(server(), auth, headers);
      sockets.push(s);
      return s;
    },
    closeAll(): void {
      for (const s of sockets) s.close();
    },
  };
}

export function acceptConsumers(_offer: ConsumerOffer, ack: (answer: ConsumerOfferAck) => void): void {
  ack({ ok: true });
}

export async function request<K extends RequestName>(socket: ClientSocket, name: K, payload: RequestPayload<K> | unknown): Promise<Ack<RequestResults[K]>> {
  return (socket.timeout(10_000) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<Ack<RequestResults[K]>> }).emitWithAck(name, payload);
}

export async function must<K extends RequestName>(socket: ClientSocket, name: K, payload: RequestPayload<K>): Promise<RequestResults[K]> {
  const r = await request(socket, name, payload);
  if (!r.ok) throw new Error(`${name} refused: ${r.error.code} ${r.error.message}`);
  return r.data;
}

export function nextEvent<K extends keyof ServerToClientEvents>(socket: ClientSocket, name: K, timeoutMs = 5000): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${String(name)} within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { once: (n: string, f: (p: unknown) => void) => void }).once(name as string, (p) => {
      clearTimeout(t);
      resolve(p as never);
    });
  });
}

/** Minimal but real RTP parameters a browser would send for Opus / VP8. */
export const opusParameters = (ssrc: number) => ({
  mid: String(ssrc),
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `c${ssrc}`, reducedSize: true },
});
export const vp8Parameters = (ssrc: number) => ({
  mid: String(ssrc),
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `c${ssrc}`, reducedSize: true },
});
export const fakeDtls = { role: 'client' as const, fingerprints: [{ algorithm: 'sha-256' as const, value: Array.from({ length: 32 }, () => 'AB').join(':') }] };

/** Join and set up media the way the browser client does, with fabricated RTP parameters. */
export async function joinWithMedia(s: ClientSocket, ssrcBase: number) {
  const joined = await must(s, 'session:join', {});
  const send = await must(s, 'transport:create', { direction: 'send' });
  const recv = await must(s, 'transport:create', { direction: 'recv' });
  await must(s, 'transport:connect', { transportId: send.id, dtlsParameters: fakeDtls });
  const mic = await must(s, 'producer:create', { transportId: send.id, kind: 'audio', rtpParameters: opusParameters(ssrcBase), source: 'mic' });
  const cam = await must(s, 'producer:create', { transportId: send.id, kind: 'video', rtpParameters: vp8Parameters(ssrcBase + 1), source: 'camera' });
  return { joined, send, recv, mic: mic.producerId, cam: cam.producerId };
}

/** Records every notification a socket receives, for assertions on what someone was told. */
export function recorder(s: ClientSocket): Array<{ event: string; payload: any }> {
  const log: Array<{ event: string; payload: any }> = [];
  (s as unknown as { onAny: (f: (event: string, payload: unknown) => void) => void }).onAny((event, payload) => log.push({ event, payload }));
  return log;
}

/** The reason a socket was given and the fact that it was disconnected, once both happened. */
export function ended(s: ClientSocket): Promise<{ code: number; disconnected: true }> {
  return new Promise((resolve) => {
    let code = -1;
    s.on('session:closed', (e: Notifications['session:closed']) => (code = e.code));
    s.on('disconnect', () => resolve({ code, disconnected: true }));
  });
}
