import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { TypedEmitter } from './TypedEmitter.ts';
import type { SfuConfig } from './config.ts';

/** A worker and the one port, UDP and TCP, that every WebRTC transport on it uses. */
export interface MediaWorker {
  /** Which of the pool's workers (0-based): worker i listens on the first media port + i. */
  readonly index: number;
  readonly port: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
}

/** What /api/ready and the start-up log say about each worker's media port. */
export interface MediaPortStatus {
  worker: number;
  port: number;
  /** The worker process serving it now; null while it is being replaced or could not be. */
  pid: number | null;
  listening: boolean;
}

/**
 * A worker's media port could not be opened (another program holds it, or the listening address
 * is not one of this machine's). The server turns it into a configuration error naming the variable.
 */
export class MediaPortError extends Error {
  readonly code = 'media_port_unavailable';
  readonly worker: number;
  readonly port: number;
  readonly ip: string;
  /** mediasoup's own words, e.g. "uv_listen() failed [protocol:tcp, …]: address already in use". */
  readonly reason: string;
  constructor(args: { worker: number; port: number; ip: string; cause: unknown }) {
    const reason = args.cause instanceof Error ? args.cause.message : String(args.cause);
    super(`worker ${args.worker + 1} cannot listen on ${args.ip} port ${args.port} (UDP and TCP): ${reason}`, { cause: args.cause });
    this.name = 'MediaPortError';
    this.worker = args.worker;
    this.port = args.port;
    this.ip = args.ip;
    this.reason = reason;
  }
}

/** No worker is running (all died and none is back yet, or the pool closed). */
export class NoWorkerError extends Error {
  readonly code = 'media_worker_unavailable';
  constructor(reason: string, cause?: unknown) {
    super(reason, cause === undefined ? undefined : { cause });
    this.name = 'NoWorkerError';
  }
}

type PoolEvents = {
  /** A worker died; routers on it are gone. A replacement on the same port is already being started. */
  workerDied: [worker: MediaWorker, error: Error];
  workerReplaced: [worker: MediaWorker];
  /** The replacement did not start (e.g. its port was taken meanwhile): the pool has one worker fewer. */
  workerReplaceFailed: [index: number, port: number, error: Error];
};

interface Slot {
  index: number;
  /** Fixed for the pool's life; 0 only until a worker in any-free-port mode has found one. */
  port: number;
  current: MediaWorker | undefined;
}

/** How often any-free-port mode tries another port when the one it picked was taken meanwhile. */
const FREE_PORT_ATTEMPTS = 10;

/**
 * One mediasoup worker per core. Each listens on one port for all its WebRTC transports (a
 * mediasoup WebRtcServer), UDP and TCP alike, so the firewall needs one rule per protocol. Workers
 * are handed out least-loaded first (by the load the caller counts, then router count); a worker that dies is replaced on the same
 * port, so the firewall rules stay right and the platform keeps serving (docs/threats.md #10).
 */
export class WorkerPool extends TypedEmitter<PoolEvents> {
  readonly #config: SfuConfig;
  readonly #slots: Slot[];
  readonly #load = new Map<MediaWorker, number>();
  #closed = false;

  private constructor(config: SfuConfig) {
    super();
    this.#config = config;
    const count = Math.max(1, config.workers);
    this.#slots = Array.from({ length: count }, (_, index) => ({ index, port: config.mediaPort === 0 ? 0 : config.mediaPort + index, current: undefined }));
  }

  /** Starts every worker on its port; throws a MediaPortError (and leaves nothing running) if one cannot listen. */
  static async create(config: SfuConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(config);
    const started = await Promise.allSettled(pool.#slots.map((s) => pool.#start(s)));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /** Workers running now. */
  get size(): number {
    return this.#slots.filter((s) => s.current).length;
  }

  /** Each worker's media port, in worker order, whether or not it is listening right now. */
  ports(): MediaPortStatus[] {
    return this.#slots.map((s) => ({ worker: s.index, port: s.port, pid: s.current?.worker.pid ?? null, listening: s.current !== undefined }));
  }

  /**
   * Resolves at once when a worker is running, otherwise when the next replacement is; rejects
   * (code 'media_worker_unavailable') after `timeoutMs`.
   */
  whenAvailable(timeoutMs: number): Promise<void> {
    if (this.#live().length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.off('workerReplaced', onReplaced);
        if (err) reject(err);
        else resolve();
      };
      const onReplaced = () => done();
      const timer = setTimeout(() => done(new NoWorkerError(`no mediasoup worker came back within ${timeoutMs} ms`)), timeoutMs);
      // A shutdown does not wait for it.
      timer.unref();
      this.on('workerReplaced', onReplaced);
    });
  }

  /** Workers running now (a dead one leaves its slot in the same tick as its routers learn of it). */
  #live(): MediaWorker[] {
    return this.#slots.flatMap((s) => (s.current ? [s.current] : []));
  }

  /**
   * The least-loaded worker; the caller must call `release()` when its router closes. `loadOf`
   * says how busy a worker is (Sfu: the consumers of its cases, what costs a worker its CPU);
   * between equals, and without it, the one with the fewest routers. Never one of `exclude`.
   */
  acquire(loadOf: (w: MediaWorker) => number = () => 0, exclude: readonly MediaWorker[] = []): MediaWorker {
    let best: MediaWorker | undefined;
    let bestLoad = 0;
    for (const w of this.#live()) {
      if (exclude.includes(w)) continue;
      const load = loadOf(w);
      if (!best || load < bestLoad || (load === bestLoad && (this.#load.get(w) ?? 0) < (this.#load.get(best) ?? 0))) {
        best = w;
        bestLoad = load;
      }
    }
    if (!best) throw new NoWorkerError('no mediasoup worker available');
    this.#load.set(best, (this.#load.get(best) ?? 0) + 1);
    return best;
  }

  release(worker: MediaWorker): void {
    const n = this.#load.get(worker);
    if (n !== undefined) this.#load.set(worker, Math.max(0, n - 1));
  }

  async #start(slot: Slot): Promise<MediaWorker> {
    const worker = await mediasoup.createWorker({
      logLevel: this.#config.logLevel ?? 'warn',
      appData: { index: slot.index },
      ...(this.#config.workerBin ? { workerBin: this.#config.workerBin } : {}),
    });
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await this.#listen(worker, slot);
    } catch (err) {
      worker.close();
      throw err;
    }
    if (this.#closed) {
      worker.close();
      throw new Error('the worker pool closed while a worker was starting');
    }
    const media: MediaWorker = { index: slot.index, port: slot.port, worker, webRtcServer };
    slot.current = media;
    this.#load.set(media, 0);
    worker.on('died', (error) => {
      if (slot.current === media) slot.current = undefined;
      this.#load.delete(media);
      this.emit('workerDied', media, error);
      if (this.#closed) return;
      this.#start(slot).then(
        (w) => this.emit('workerReplaced', w),
        (err: unknown) => this.#closed || this.emit('workerReplaceFailed', slot.index, slot.port, err instanceof Error ? err : new Error(String(err))),
      );
    });
    return media;
  }

  /** Opens the slot's port for UDP and TCP; in any-free-port mode, first finds one both can use. */
  async #listen(worker: types.Worker, slot: Slot): Promise<types.WebRtcServer> {
    const ip = this.#config.listenIp;
    const open = (port: number) =>
      worker.createWebRtcServer({
        listenInfos: (['udp', 'tcp'] as const).map((protocol) => ({
          protocol,
          ip,
          port,
          ...(this.#config.announcedAddress ? { announcedAddress: this.#config.announcedAddress } : {}),
        })),
        appData: { index: slot.index },
      });
    if (slot.port !== 0) {
      try {
        return await open(slot.port);
      } catch (cause) {
        throw new MediaPortError({ worker: slot.index, port: slot.port, ip, cause });
      }
    }
    // mediasoup's own port 0 binds UDP and TCP to two different ports, so the port is chosen here
    // and then opened for both; if another program took it in between, another is tried.
    let lastError: unknown;
    for (let attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
      let port: number;
      try {
        port = await freeTcpPort(ip);
      } catch (cause) {
        throw new MediaPortError({ worker: slot.index, port: 0, ip, cause });
      }
      try {
        const server = await open(port);
        slot.port = port;
        return server;
      } catch (cause) {
        lastError = cause;
        if (!/address already in use/i.test(String((cause as Error).message))) throw new MediaPortError({ worker: slot.index, port, ip, cause });
      }
    }
    throw new MediaPortError({ worker: slot.index, port: 0, ip, cause: lastError });
  }

  async resourceUsage(): Promise<Array<{ pid: number; port: number; routers: number; usage: types.WorkerResourceUsage }>> {
    const live = this.#slots.flatMap((s) => (s.current ? [s.current] : []));
    return Promise.all(live.map(async (w) => ({ pid: w.worker.pid, port: w.port, routers: this.#load.get(w) ?? 0, usage: await w.worker.getResourceUsage() })));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#slots) {
      s.current?.worker.close();
      s.current = undefined;
    }
    this.#load.clear();
  }
}

/** A TCP port free on `ip` right now (the kernel's pick). */
async function freeTcpPort(ip: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, ip, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const mediasoupVersion = mediasoup.version;
