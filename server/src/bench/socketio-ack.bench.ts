/**
 * Benchmark: socket.io acknowledgement round trip with 100, 500 and 1,000 connected, authenticated
 * sockets. The platform runs in its own process (server/src/main.ts); 50 cases of 20 participants
 * are created through the HTTP API and every participant consents from their own machine's
 * address (127.0.0.x, 20 people per address, so the production per-address limits apply unchanged).
 * One socket per person. The sockets live in four "crowd" processes (socketio-crowd.ts) that keep
 * a background of what people do in threads going, and ten of them in a "prober" process that
 * measures: each of the ten asks `thread:list` (a cheap read that needs an ack), waits for the ack,
 * waits 100 ms, asks again.
 *
 * Per step: ack round trip p50/p95/p99 (CLOCK_MONOTONIC in the prober), the server's event-loop
 * delay (prom-client's default metrics at /metrics, PARLEY_METRICS_TOKEN), its CPU share, and the
 * background rate. BENCH_SECONDS shortens the sampling per step. Measured on SQLite, on Postgres and
 * on two nodes sharing Postgres and Redis (BENCH_ENGINES). Results: bench/results/socketio-ack.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loopDelayMs, promValue, series } from './measure.ts';
import { consentedCase, forkChild, machineAddress, loopThreadShare, measuredOn, scrape, schedMs, startPlatform, type Child, type Person, type Platform } from './platform.ts';
import { run, writeResult } from './results.ts';
import { CORES, pin } from './sfu-cost/procs.ts';
import { randomBytes } from 'node:crypto';
import { startPostgres } from '../test/postgres.ts';
import { startRedis } from '../test/redis.ts';
import { freePort } from '../test/ports.ts';

const STEPS = [100, 500, 1000];
const PROBE_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const PROBERS = 10;
const PROBE_GAP_MS = 100;
const CROWDS = 4;
const CASE_SIZE = 20;
const ADDRESSES = 50;
/** Each person does something in their threads every 30 s on average (and marks half of what they receive read). */
const MEAN_INTERVAL_MS = 30_000;
const crowdScript = path.join(import.meta.dirname, 'socketio-crowd.ts');
/**
 * BENCH_SOCKETIO_PIN=1: the server's event-loop process on core 0, the client processes (crowds,
 * prober) and this one on core 1, so the clients' own work does not take the server's core from it
 * (and the prober's scheduling does not add to its ack times). Unpinned by default: every process
 * shares every core, as a server that also hosts its clients would not, but as the earlier figures were taken.
 */
const PIN = process.env.BENCH_SOCKETIO_PIN === '1' && CORES >= 2;

/** CPU seconds (user + system) the process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type CrowdStats = { sockets: number; connected: number; requests: number; refused: Record<string, number>; messagesReceived: number; disconnects: Record<string, number>; moved: number };

/** The figures are of n connected sockets: the servers count n between them, and no client lost its socket. */
async function allConnected(nodes: Platform[], crowds: Child[], n: number): Promise<void> {
  let server = 0;
  for (const p of nodes) server += promValue(await scrape(p), 'parley_connections', '{kind="signalling"}') ?? 0;
  const lost: Record<string, number> = {};
  for (const s of await Promise.all(crowds.map((c) => c.request<CrowdStats>({ cmd: 'stats' })))) for (const [why, k] of Object.entries(s.disconnects)) lost[why] = (lost[why] ?? 0) + k;
  if (server !== n || Object.keys(lost).length > 0) {
    throw new Error(`${server} signalling connections, expected ${n}; sockets lost: ${JSON.stringify(lost)} ("ping timeout": a process, client or server, did not run for 5 s)`);
  }
}

/**
 * One engine's run: a fresh platform, the people consented, then each step measured. With several
 * nodes each person first reaches one of them in turn (as a load balancer would send them), and is
 * sent on to the node that runs their case.
 */
async function measureOn(nodes: Platform[]) {
  const platform = nodes[0]!;
  const children: Child[] = [];
  try {
    const total = Math.max(...STEPS);
    const people: Array<Person & { from: string }> = [];
    const cases = Math.ceil(total / CASE_SIZE);
    for (let c = 0; c < cases; c += 5) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(5, cases - c) }, (_, k) => consentedCase(platform, `Bench case ${c + k + 1}`, CASE_SIZE, (i) => machineAddress(((c + k) * CASE_SIZE + i) % ADDRESSES))),
      );
      batch.forEach((b, k) => b.people.forEach((p, i) => people.push({ ...p, from: machineAddress(((c + k) * CASE_SIZE + i) % ADDRESSES) })));
    }
    // Probers: one person from each of ten cases; everyone else is the crowd.
    const probers = people.filter((_, g) => g % CASE_SIZE === 0 && g / CASE_SIZE < PROBERS);
    const crowd = people.filter((p) => !probers.includes(p));
    const prober = forkChild(crowdScript);
    const crowds = Array.from({ length: CROWDS }, () => forkChild(crowdScript));
    children.push(prober, ...crowds);
    const pinned = PIN && nodes.length === 1 && pin(platform.pid, 0) && pin(process.pid, 1) && children.every((c) => pin(c.process.pid!, 1));
    await Promise.all(children.map((c) => c.request({ cmd: 'ping' })));
    // Several nodes: people reach them in turn, and each case's first person a different node than
    // the case before's (so the cases spread over the nodes as a load balancer would spread them).
    const entryOf = (p: Person) => {
      const g = people.indexOf(p as Person & { from: string });
      return nodes[(g + Math.floor(g / CASE_SIZE)) % nodes.length]!.url;
    };
    const asOpen = (ps: Array<Person & { from: string }>) => ps.map((p) => ({ token: p.token!, from: p.from, participantId: p.participantId, url: entryOf(p) }));
    await prober.request({ cmd: 'open', url: platform.url, people: asOpen(probers) });
    await Promise.all(crowds.map((c) => c.request({ cmd: 'background', meanIntervalMs: MEAN_INTERVAL_MS })));

    const steps = [];
    let opened = 0;
    for (const n of STEPS) {
      const more = crowd.slice(opened, n - PROBERS);
      opened = n - PROBERS;
      await Promise.all(crowds.map((c, k) => c.request({ cmd: 'open', url: platform.url, people: asOpen(more.filter((_, i) => i % CROWDS === k)) })));
      await allConnected(nodes, crowds, n);
      // A second of probing first, unrecorded: the figures are of a running server.
      await prober.request({ cmd: 'probe', durationMs: 1000, gapMs: PROBE_GAP_MS });
      const clientCpu0 = children.reduce((a, c) => a + cpuSeconds(c.process.pid!), 0);
      const proberSched0 = schedMs(prober.process.pid!);
      const before = await Promise.all(crowds.map((c) => c.request<CrowdStats>({ cmd: 'stats' })));
      const cpu0 = nodes.map((p) => cpuSeconds(p.pid));
      const sched0 = schedMs(platform.pid);
      const t0 = performance.now();
      for (const p of nodes) await scrape(p);
      const probe = await prober.request<{ samples: number[]; loopDelayMs: { p99: number; max: number } }>({ cmd: 'probe', durationMs: PROBE_MS, gapMs: PROBE_GAP_MS });
      const texts = await Promise.all(nodes.map((p) => scrape(p)));
      const text = texts[0]!;
      const seconds = (performance.now() - t0) / 1000;
      const cpuEach = nodes.map((p, i) => cpuSeconds(p.pid) - cpu0[i]!);
      const cpu = cpuEach.reduce((a, b) => a + b, 0);
      const sched1 = schedMs(platform.pid);
      const clientCpu = children.reduce((a, c) => a + cpuSeconds(c.process.pid!), 0) - clientCpu0;
      const proberSched1 = schedMs(prober.process.pid!);
      const after = await Promise.all(crowds.map((c) => c.request<CrowdStats>({ cmd: 'stats' })));
      await allConnected(nodes, crowds, n);
      const sum = (xs: CrowdStats[], f: (s: CrowdStats) => number) => xs.reduce((a, s) => a + f(s), 0);
      steps.push({
        sockets: n,
        ackMs: series(probe.samples),
        serverLoopDelayMs: loopDelayMs(text),
        // With several nodes: the sum over them (each has a core of its own at most), and each below.
        serverCpuPercent: Math.round((cpu / seconds) * 1000) / 10,
        ...(nodes.length > 1 ? { nodes: cpuEach.map((c, i) => ({ cpuPercent: Math.round((c / seconds) * 1000) / 10, loopDelayMs: loopDelayMs(texts[i]!) })) } : {}),
        serverLoopThread: loopThreadShare(sched0, sched1, seconds),
        // The measuring side: a prober that runs late, or clients that take the server's core, lengthen the round trips too.
        proberLoopDelayMs: probe.loopDelayMs,
        proberLoopThread: loopThreadShare(proberSched0, proberSched1, seconds),
        clientProcessesCpuPercent: Math.round((clientCpu / seconds) * 1000) / 10,
        backgroundRequestsPerSecond: Math.round((sum(after, (s) => s.requests) - sum(before, (s) => s.requests)) / seconds),
        messagesDeliveredPerSecond: Math.round((sum(after, (s) => s.messagesReceived) - sum(before, (s) => s.messagesReceived)) / seconds),
      });
      console.error(`socketio-ack: ${JSON.stringify(steps.at(-1))}`);
    }
    const final = await Promise.all(crowds.map((c) => c.request<CrowdStats>({ cmd: 'stats' })));
    const refused: Record<string, number> = {};
    for (const s of final) for (const [code, k] of Object.entries(s.refused)) refused[code] = (refused[code] ?? 0) + k;

    const moved = final.reduce((a, s) => a + s.moved, 0);
    return { cases, pinned, steps, refused, ...(nodes.length > 1 ? { sentToOwningNode: moved } : {}) };
  } finally {
    await Promise.all(children.map((c) => c.request({ cmd: 'close' }).catch(() => undefined)));
    await Promise.all(children.map((c) => c.close()));
  }
}

/**
 * BENCH_ENGINES (default "sqlite,postgres,two-nodes"): the set-ups measured, one after the other
 * in this run. SQLite is the baseline; on Postgres every request that reads the store crosses a
 * loopback socket to another process (started here as the tests start it: initdb into a temporary
 * folder); "two-nodes" is two Parley processes on that Postgres and a redis-server, each person
 * reaching one of them in turn and sent on to the node that runs their case.
 */
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres,two-nodes').split(',').filter(Boolean);

/** Two nodes on one Postgres and one Redis, sharing a master key (each case's key is sealed with it). */
async function twoNodes(databaseUrl: string, redisUrl: string): Promise<Platform[]> {
  const key = randomBytes(32).toString('base64url');
  const nodes: Platform[] = [];
  const ports = [await freePort(), await freePort()];
  const origins = ports.map((p) => `http://127.0.0.1:${p}`);
  for (const [i, port] of ports.entries()) {
    nodes.push(await startPlatform(`socketio-node-${i + 1}`, { env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, PARLEY_PORT: String(port), PARLEY_NODE_URL: origins[i]!, PARLEY_ALLOWED_ORIGINS: origins.join(','), PARLEY_MASTER_KEY: key } }));
  }
  return nodes;
}

async function main() {
  const runs: Record<string, Awaited<ReturnType<typeof measureOn>>> = {};
  for (const engine of ENGINES) {
    const pg = engine === 'sqlite' ? undefined : await startPostgres();
    const redis = engine === 'two-nodes' ? await startRedis() : undefined;
    try {
      const nodes = redis && pg ? await twoNodes(pg.url, redis.url) : [await startPlatform(`socketio-${engine}`, { env: pg ? { DATABASE_URL: pg.url } : {} })];
      try {
        console.error(`socketio-ack: on ${engine}`);
        runs[engine] = await measureOn(nodes);
      } finally {
        for (const n of nodes) await n.stop();
      }
    } finally {
      await redis?.stop();
      await pg?.stop();
    }
  }
  const first = Object.values(runs)[0]!;
  const p99At1000 = (engine: string) => runs[engine]?.steps.find((s) => s.sockets === 1000)?.ackMs.p99 ?? null;
  writeResult('socketio-ack', {
    ...measuredOn(),
    clock: 'CLOCK_MONOTONIC (process.hrtime.bigint()) in the prober process',
    pinned: first.pinned ? 'server on core 0; crowds, prober and the bench process on core 1' : 'not pinned: all processes share all cores',
    setup: { cases: first.cases, participantsPerCase: CASE_SIZE, addresses: ADDRESSES, probers: PROBERS, probeGapMs: PROBE_GAP_MS, crowdProcesses: CROWDS, backgroundMeanIntervalMs: MEAN_INTERVAL_MS },
    probeSecondsPerStep: PROBE_MS / 1000,
    // The SQLite run as before (the summary's figure); each engine's run under its name.
    steps: runs.sqlite?.steps ?? null,
    backgroundRefusals: runs.sqlite?.refused ?? null,
    engines: Object.fromEntries(Object.entries(runs).map(([e, r]) => [e, { steps: r.steps, backgroundRefusals: r.refused, ...('sentToOwningNode' in r ? { sentToOwningNode: r.sentToOwningNode } : {}) }])),
    socketio_ack_p99_ms_1000: p99At1000('sqlite'),
    socketio_ack_p99_ms_1000_postgres: p99At1000('postgres'),
    socketio_ack_p99_ms_1000_two_nodes: p99At1000('two-nodes'),
    note: 'ack = thread:list emitted → its ack received, sequential per prober socket. serverLoopDelayMs: nodejs_eventloop_lag_* from /metrics over the sampling window, less the 10 ms sampling interval (with two nodes: node 1\'s; each node under `nodes`). serverCpuPercent: with two nodes the sum of both. Each set-up ran on fresh platforms, one after the other, on the same machine (two nodes share its cores with the clients).',
  });
}

run(main);
