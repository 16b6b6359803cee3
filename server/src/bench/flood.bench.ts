/**
 * Benchmark: what one person's flood costs everyone else (docs/threats.md #8). A real server and worker;
 * Ben, an ordinary party, does round trips one after another (a socket.io request, and a y-websocket
 * sync step 1 → step 2 on the agreement draft); Ana floods from her own process with 10 draft
 * sockets pushing fresh Yjs updates and 20 socket.io connections keeping requests in flight
 * (server/src/test/flooder.ts). Baseline in the same run: the same round trips with no flood.
 * Also the server's event-loop delay in both phases. Results: bench/results/flood.json.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { draftDocName } from '@parley/shared';
import { DEFAULT_LIMITS } from '../auth/limits.ts';
import { connect, consentedCase, must, startTestServer, type ClientSocket } from '../test/harness.ts';
import { rawClient, type RawClient } from '../test/yjs.ts';
import { pct, run, writeResult } from './results.ts';

const PHASE_MS = 8000;

const series = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50, 2), p95: pct(xs, 95, 2), p99: pct(xs, 99, 2), max: pct(xs, 100, 2) });

/** Ben's round trips, one after another, until `stop()` says so. */
async function roundTrips(ben: ClientSocket, draft: RawClient, stop: () => boolean) {
  const socket: number[] = [];
  const yjs: number[] = [];
  const step2s = () => draft.messages.filter((m) => m[0] === 0 && m[1] === 1).length;
  while (!stop()) {
    let t = performance.now();
    await must(ben, 'thread:list', {});
    socket.push(performance.now() - t);
    const before = step2s();
    t = performance.now();
    draft.send(new Uint8Array([0, 0, 1, 0]));
    while (step2s() === before) await new Promise((r) => setImmediate(r));
    yjs.push(performance.now() - t);
    // Keep Ben's own budget far from its limit: a person, not a script.
    await new Promise((r) => setTimeout(r, 20));
  }
  return { socket, yjs };
}

async function phase<T>(fn: () => Promise<T>) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const out = await fn();
  h.disable();
  return { out, loopDelayMs: { p50: Math.round(h.percentile(50) / 1e4) / 100, p99: Math.round(h.percentile(99) / 1e4) / 100, max: Math.round(h.max / 1e4) / 100 } };
}

async function main() {
  const server = await startTestServer();
  const { detail, tA, tB } = await consentedCase(server);
  const doc = draftDocName(detail.id, 'agreement');
  const ben = await connect(server, { token: tB });
  const draft = rawClient(server, doc, { token: tB });
  await draft.opened;

  const quietUntil = performance.now() + PHASE_MS;
  const quiet = await phase(() => roundTrips(ben, draft, () => performance.now() > quietUntil));

  const flooder = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'test', 'flooder.ts'), server.url, tA, doc, String(PHASE_MS + 2000), '10', '20'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const started = new Promise<void>((r) => flooder.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('flooding\n') && r())));
  const exited = new Promise<void>((r) => flooder.once('exit', () => r()));
  await started;
  const floodUntil = performance.now() + PHASE_MS;
  const flood = await phase(() => roundTrips(ben, draft, () => performance.now() > floodUntil));
  await exited;
  const flooderStats = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;

  ben.close();
  draft.ws.close();
  await server.close();

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  writeResult('flood', {
    at: new Date().toISOString(),
    node: process.version,
    machine: { cores: os.availableParallelism() },
    phaseMs: PHASE_MS,
    limits: { signalling: DEFAULT_LIMITS.signalling, draft: DEFAULT_LIMITS.draft },
    baseline: { socketRoundTripMs: series(quiet.out.socket), draftRoundTripMs: series(quiet.out.yjs), serverLoopDelayMs: quiet.loopDelayMs },
    duringFlood: { socketRoundTripMs: series(flood.out.socket), draftRoundTripMs: series(flood.out.yjs), serverLoopDelayMs: flood.loopDelayMs },
    ratio_p99_flood_to_baseline: { socket: ratio(pct(flood.out.socket, 99, 2), pct(quiet.out.socket, 99, 2)), draft: ratio(pct(flood.out.yjs, 99, 2), pct(quiet.out.yjs, 99, 2)) },
    flooder: flooderStats,
  });
}

run(main);
