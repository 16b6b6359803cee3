import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { TypedEmitter } from './TypedEmitter.ts';
import type { SfuConfig } from './config.ts';

type PoolEvents = {
  /** A worker died; routers on it are gone. A replacement is already being started. */
  workerDied: [worker: types.Worker, error: Error];
  workerReplaced: [worker: types.Worker];
};

/**
 * One mediasoup worker per core. Workers are handed out least-loaded first (by router count);
 * a worker that dies is replaced so the platform keeps serving (docs/threats.md #10).
 */
export class WorkerPool extends TypedEmitter<PoolEvents> {
  readonly #config: SfuConfig;
  readonly #workers: types.Worker[] = [];
  readonly #load = new Map<types.Worker, number>();
  #closed = false;

  private constructor(config: SfuConfig) {
    super();
    this.#config = config;
  }

  static async create(config: SfuConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(config);
    const count = Math.max(1, config.workers);
    await Promise.all(Array.from({ length: count }, () => pool.#spawn()));
    return pool;
  }

  get size(): number {
    return this.#workers.length;
  }

  /** The least-loaded worker; the caller must call `release()` when its router closes. */
  acquire(): types.Worker {
    if (this.#workers.length === 0) throw new Error('no mediasoup worker available');
    let best = this.#workers[0]!;
    for (const w of this.#workers) if ((this.#load.get(w) ?? 0) < (this.#load.get(best) ?? 0)) best = w;
    this.#load.set(best, (this.#load.get(best) ?? 0) + 1);
    return best;
  }

  release(worker: types.Worker): void {
    const n = this.#load.get(worker);
    if (n !== undefined) this.#load.set(worker, Math.max(0, n - 1));
  }

  async #spawn(): Promise<types.Worker> {
    const worker = await mediasoup.createWorker({
      logLevel: this.#config.logLevel ?? 'warn',
      rtcMinPort: this.#config.rtcMinPort,
      rtcMaxPort: this.#config.rtcMaxPort,
      ...(this.#config.workerBin ? { workerBin: this.#config.workerBin } : {}),
    });
    this.#workers.push(worker);
    this.#load.set(worker, 0);
    worker.on('died', (error) => {
      this.#remove(worker);
      this.emit('workerDied', worker, error);
      if (this.#closed) return;
      this.#spawn().then(
        (w) => this.emit('workerReplaced', w),
        // A replacement that cannot start leaves a smaller pool; acquire() fails loudly if it is empty.
        () => undefined,
      );
    });
    return worker;
  }

  #remove(worker: types.Worker): void {
    const i = this.#workers.indexOf(worker);
    if (i >= 0) this.#workers.splice(i, 1);
    this.#load.delete(worker);
  }

  async resourceUsage(): Promise<Array<{ pid: number; routers: number; usage: types.WorkerResourceUsage }>> {
    return Promise.all(
      this.#workers.map(async (w) => ({ pid: w.pid, routers: this.#load.get(w) ?? 0, usage: await w.getResourceUsage() })),
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#workers]) w.close();
    this.#workers.length = 0;
  }
}

export const mediasoupVersion = mediasoup.version;
