import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Role } from '@parley/shared';
import type { MediaCounts, MediasoupTypes, PathReading, PathReadingCounts } from '@parley/sfu';
import type { ConnectionKind } from '../auth/Connections.ts';

/**
 * Where the numbers come from, read at scrape time: the live model, the SFU and the connection
 * registry keep the state; nothing here counts anything a second time.
 */
export interface MetricSources {
  live: () => { cases: number; participants: Record<Role, number> };
  media: () => MediaCounts;
  /** Readings of connected WebRTC paths since the start, by what they saw (Sfu.pathReadings). */
  pathReadings: () => PathReadingCounts;
  workers: () => Promise<Array<{ pid: number; routers: number; usage: MediasoupTypes.WorkerResourceUsage }>>;
  connections: () => Record<ConnectionKind, number>;
  draftDocuments: () => number;
}

/**
 * The Prometheus registry of one server (its own, not prom-client's global one: tests run several
 * servers in one process). Confidentiality: labels are roles, kinds and worker pids only, never a
 * case, a person or a name. Node's default metrics come with it (event-loop delay
 * `nodejs_eventloop_lag_*`, heap, GC, CPU, open handles).
 */
export function createMetrics(src: MetricSources): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register });

  new Gauge({
    name: 'parley_live_cases',
    help: 'Cases with a live session running now.',
    registers: [register],
    collect() {
      this.set(src.live().cases);
    },
  });
  new Gauge({
    name: 'parley_live_participants',
    help: 'People in live sessions now, by role (those reconnecting within the grace period included).',
    labelNames: ['role'],
    registers: [register],
    collect() {
      for (const [role, n] of Object.entries(src.live().participants)) this.set({ role }, n);
    },
  });
  const media = (name: keyof MediaCounts, help: string) =>
    new Gauge({
      name: `parley_media_${name}`,
      help,
      registers: [register],
      collect() {
        this.set(src.media()[name]);
      },
    });
  media('transports', 'WebRTC transports open on the media server.');
  media('producers', 'Streams sent to the media server (microphones, cameras, screens).');
  media('consumers', 'Streams the media server forwards to receivers.');
  new Counter({
    name: 'parley_media_path_readings_total',
    help: 'Readings of connected WebRTC paths (each about every 2 s) by what they saw: carrying = bytes since the last reading; idle = none, and no media flows on it; silent = none though media flows (8 s of that reports the path lost).',
    labelNames: ['reading'],
    registers: [register],
    collect() {
      // The SFU keeps the running totals; each scrape copies them.
      this.reset();
      for (const [reading, n] of Object.entries(src.pathReadings()) as Array<[PathReading, number]>) this.inc({ reading }, n);
    },
  });
  new Gauge({
    name: 'parley_connections',
    help: 'Open authenticated connections: socket.io signalling and agreement-draft websockets.',
    labelNames: ['kind'],
    registers: [register],
    collect() {
      for (const [kind, n] of Object.entries(src.connections())) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'parley_draft_documents',
    help: 'Agreement drafts and mediator notes loaded in memory (someone has them open).',
    registers: [register],
    collect() {
      this.set(src.draftDocuments());
    },
  });

  // One scrape asks the workers once, and the four worker metrics share that answer.
  let usage: ReturnType<MetricSources['workers']> | undefined;
  // A worker that closes during the scrape fails its usage query: that scrape shows no workers.
  const workers = () => (usage ??= src.workers().catch(() => []).finally(() => setImmediate(() => (usage = undefined))));
  new Gauge({
    name: 'parley_mediasoup_workers',
    help: 'mediasoup worker processes running.',
    registers: [register],
    async collect() {
      this.set((await workers()).length);
    },
  });
  new Gauge({
    name: 'parley_mediasoup_worker_routers',
    help: 'Routers (live cases) on each mediasoup worker.',
    labelNames: ['pid'],
    registers: [register],
    async collect() {
      this.reset();
      for (const w of await workers()) this.set({ pid: String(w.pid) }, w.routers);
    },
  });
  new Counter({
    name: 'parley_mediasoup_worker_cpu_seconds_total',
    help: 'CPU time (user + system) used by each mediasoup worker since it started.',
    labelNames: ['pid'],
    registers: [register],
    async collect() {
      // The worker keeps the running total; a replaced worker's series ends and a new pid begins.
      this.reset();
      for (const w of await workers()) this.inc({ pid: String(w.pid) }, (w.usage.ru_utime + w.usage.ru_stime) / 1000);
    },
  });
  new Gauge({
    name: 'parley_mediasoup_worker_max_rss_bytes',
    help: 'Peak resident memory of each mediasoup worker (getrusage ru_maxrss).',
    labelNames: ['pid'],
    registers: [register],
    async collect() {
      this.reset();
      // libuv reports ru_maxrss in kilobytes.
      for (const w of await workers()) this.set({ pid: String(w.pid) }, w.usage.ru_maxrss * 1024);
    },
  });
  return register;
}

/** What the draft endpoint relays: a document change, or presence (carets, names). */
export type DraftRelayKind = 'update' | 'presence';

/**
 * The draft endpoint's own share of edit propagation: from a message's arrival (the WebSocket
 * layer hands it over) to the last write of its relay to the other editors. Buckets are fine at
 * the low end: the target for the whole trip, editor to editors, is 3 ms.
 */
export function draftRelayTimer(register: Registry): (kind: DraftRelayKind, seconds: number) => void {
  const h = new Histogram({
    name: 'parley_draft_relay_seconds',
    help: 'Agreement-draft and notes messages: arrival on the server to the last write of their relay to the other editors.',
    labelNames: ['message'],
    buckets: [0.00005, 0.0001, 0.00015, 0.0002, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1],
    registers: [register],
  });
  return (kind, seconds) => h.observe({ message: kind }, seconds);
}
