/**
 * Benchmark: how long people wait when the node that runs their case dies (issue 14; docs/scaling.md).
 * Two Parley processes on one Postgres and one redis-server. Each round starts node A, makes a case
 * through node B, and connects its mediator and two parties to A (A runs the case); the mediator
 * moves one party into a caucus. Then A is killed with SIGKILL (no goodbye, its leases left to
 * expire), and each of the three tries again through node B every 100 ms, as the client's reconnect
 * policy would after its first quick tries: B sends them to A while A's lease lasts, then takes the
 * case over from the stored live state. Measured: kill → the last of the three joined again on B
 * (the party back in the caucus), for the default lease (15 s) and a short one (5 s). Baseline in the
 * same run: A stopped cleanly with SIGTERM, which hands its cases over at once.
 * BENCH_TAKEOVER_ROUNDS (default 5). Results: bench/results/takeover.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@parley/shared';
import { consentedCase, machineAddress, measuredOn, monotonicMs, startPlatform, type Platform } from './platform.ts';
import { run, spread, writeResult } from './results.ts';
import { startPostgres } from '../test/postgres.ts';
import { startRedis } from '../test/redis.ts';
import { freePort } from '../test/ports.ts';

const ROUNDS = Number(process.env.BENCH_TAKEOVER_ROUNDS ?? 5);
const RETRY_MS = 100;

type Ack = { ok: boolean; data?: any; error?: { code: string; message: string } };

/** One connection attempt: the socket, or why it was refused (`moved` with where to, or a dead node). */
function attempt(url: string, auth: Record<string, unknown>, headers: Record<string, string>): Promise<Socket | { code: string; moveTo?: string }> {
  const socket = io(url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION, ...auth }, extraHeaders: headers, reconnection: false, forceNew: true, timeout: 5_000 } as never);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      const data = (err as Error & { data?: { code: string; moveTo?: string } }).data;
      resolve(data ?? { code: 'unreachable' });
    });
  });
}

async function must(s: Socket, name: string, payload: unknown): Promise<any> {
  const r = (await (s.timeout(30_000) as unknown as { emitWithAck: (n: string, p: unknown) => Promise<Ack> }).emitWithAck(name, payload)) as Ack;
  if (!r.ok) throw new Error(`${name} refused: ${r.error?.code} ${r.error?.message}`);
  return r.data;
}

/** Connects through `entry`, following one move as the browser does; tries again every RETRY_MS until joined. */
async function rejoin(entry: string, auth: Record<string, unknown>, headers: Record<string, string>): Promise<{ socket: Socket; joined: any; tries: number }> {
  for (let tries = 1; ; tries++) {
    let got = await attempt(entry, auth, headers);
    if (!(got instanceof Object && 'connected' in got) && got.code === 'moved' && got.moveTo) got = await attempt(got.moveTo, auth, headers);
    if ('connected' in got) return { socket: got, joined: await must(got, 'session:join', {}), tries };
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

function waitGone(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
}

async function node(name: string, shared: Record<string, string>, leaseSeconds: number): Promise<Platform> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // No browser here: the allowed origins only need to name the node (several nodes need a list or a cookie domain).
  return startPlatform(`takeover-${name}`, { env: { ...shared, PARLEY_PORT: String(port), PARLEY_NODE_URL: url, PARLEY_ALLOWED_ORIGINS: url, PARLEY_CASE_LEASE_SECONDS: String(leaseSeconds) } });
}

/** One round: the case on A, A stopped with `signal`, the ms until all three are back on B (the party in the caucus). */
async function round(b: Platform, shared: Record<string, string>, leaseSeconds: number, signal: 'SIGKILL' | 'SIGTERM', n: number): Promise<{ ms: number; tries: number }> {
  const a = await node(`a-${n}`, shared, leaseSeconds);
  const { detail, people } = await consentedCase(b, `Takeover ${n}`, 2, (i) => machineAddress(i));
  const mediatorAuth = { caseId: detail.id };
  const headers = { cookie: b.cookie };
  const partyAuth = (i: number) => ({ token: people[i]!.token });
  const mediator = (await rejoin(a.url, mediatorAuth, headers)).socket;
  const parties = [(await rejoin(a.url, partyAuth(0), {})).socket, (await rejoin(a.url, partyAuth(1), {})).socket];
  const { room } = await must(mediator, 'room:create', { name: 'Caucus' });
  await must(mediator, 'room:move', { participantIds: [people[0]!.participantId], roomId: room.id });
  const all = [mediator, ...parties];
  const dropped = Promise.all(all.map((s) => new Promise<void>((r) => s.once('disconnect', () => r()))));
  const t0 = monotonicMs();
  process.kill(a.pid, signal);
  await dropped;
  for (const s of all) s.close();
  const back = await Promise.all([rejoin(b.url, mediatorAuth, headers), rejoin(b.url, partyAuth(0), {}), rejoin(b.url, partyAuth(1), {})]);
  const ms = monotonicMs() - t0;
  if (back[1].joined.self.roomId !== room.id) throw new Error('the party did not come back to the caucus');
  for (const r of back) r.socket.close();
  await waitGone(a.pid);
  fs.rmSync(a.dataDir, { recursive: true, force: true });
  return { ms: Math.round(ms), tries: Math.max(...back.map((r) => r.tries)) };
}

async function main() {
  const pg = await startPostgres();
  const redis = await startRedis();
  const shared = { DATABASE_URL: pg.url, REDIS_URL: redis.url, PARLEY_MASTER_KEY: randomBytes(32).toString('base64url') };
  const results: Record<string, { leaseSeconds: number; stop: string; ms: { p50: number; p95: number; max: number }; rounds: Array<{ ms: number; tries: number }> }> = {};
  try {
    for (const [label, leaseSeconds, signal] of [
      ['clean stop (SIGTERM), default lease', 15, 'SIGTERM'],
      ['killed (SIGKILL), default lease 15 s', 15, 'SIGKILL'],
      ['killed (SIGKILL), lease 5 s', 5, 'SIGKILL'],
    ] as const) {
      const b = await node('b', shared, leaseSeconds);
      try {
        const rounds = [];
        for (let n = 0; n < ROUNDS; n++) {
          rounds.push(await round(b, shared, leaseSeconds, signal, n));
          console.error(`takeover: ${label}: ${JSON.stringify(rounds.at(-1))}`);
        }
        results[label] = { leaseSeconds, stop: signal, ms: spread(rounds.map((r) => r.ms)), rounds };
      } finally {
        await b.stop();
      }
    }
  } finally {
    await redis.stop();
    await pg.stop();
  }
  writeResult('takeover', {
    ...measuredOn(),
    setup: { rounds: ROUNDS, retryEveryMs: RETRY_MS, people: 'the mediator and two parties, one of them in a caucus' },
    results,
    takeover_ms_p50_killed_default_lease: results['killed (SIGKILL), default lease 15 s']?.ms.p50 ?? null,
    note: 'ms = the node running the case stopped → the last of the three joined again on the other node (monotonic clock, this process). A killed node’s lease must expire first (PARLEY_CASE_LEASE_SECONDS); a clean stop releases it.',
  });
}

run(main);
