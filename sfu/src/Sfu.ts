import { NoWorkerError, WorkerPool, type MediaWorker } from './WorkerPool.ts';
import { CaseMedia, type MediaCounts, type WorkerPlacement } from './CaseMedia.ts';
import { DEFAULT_CONSUMERS_PER_WORKER, MEDIA_CODECS, type SfuConfig } from './config.ts';
import { KeyedQueue } from './KeyedQueue.ts';
import { newPathReadingCounts, type PathReadingCounts } from './StallDetector.ts';
import type { types } from 'mediasoup';

/**
 * The SFU's face to the server: one CaseMedia (router) per mediation case, created on demand
 * through a per-case queue so two simultaneous joins cannot create two routers.
 */
export class Sfu {
  readonly pool: WorkerPool;
  /**
   * What every case's router can receive and send. All routers are made from MEDIA_CODECS, so
   * this is known before any case exists: a person on the pre-join screen loads their device with
   * it (`session:prepare`) and joining does not wait for that.
   */
  readonly rtpCapabilities: types.RtpCapabilities;
  readonly #config: SfuConfig;
  /** Every case's path readings since the server started (metrics: parley_media_path_readings_total). */
  readonly pathReadings: PathReadingCounts = newPathReadingCounts();
  readonly #cases = new Map<string, CaseMedia>();
  readonly #queue = new KeyedQueue();
  /** How a case that outgrows its worker finds another (CaseMedia's placement). */
  readonly #placement: WorkerPlacement = {
    loadOf: (w) => this.#loadOf(w),
    acquireSpare: (inUse) => {
      let spare: MediaWorker;
      try {
        spare = this.pool.acquire((w) => this.#loadOf(w), inUse);
      } catch (e) {
        if (e instanceof NoWorkerError) return undefined;
        throw e;
      }
      if (this.#loadOf(spare) < (this.#config.consumersPerWorker ?? DEFAULT_CONSUMERS_PER_WORKER)) return spare;
      this.pool.release(spare);
      return undefined;
    },
    release: (w) => this.pool.release(w),
  };

  private constructor(pool: WorkerPool, config: SfuConfig, rtpCapabilities: types.RtpCapabilities) {
    this.pool = pool;
    this.#config = config;
    this.rtpCapabilities = rtpCapabilities;
  }

  static async create(config: SfuConfig): Promise<Sfu> {
    const pool = await WorkerPool.create(config);
    try {
      // A router is the only public way to have mediasoup compute them; this one lives a moment.
      const worker = pool.acquire();
      try {
        const probe = await worker.worker.createRouter({ mediaCodecs: MEDIA_CODECS as unknown as types.RouterRtpCodecCapability[] });
        const rtpCapabilities = probe.rtpCapabilities;
        probe.close();
        return new Sfu(pool, config, rtpCapabilities);
      } finally {
        pool.release(worker);
      }
    } catch (e) {
      pool.close();
      throw e;
    }
  }

  getCase(caseId: string): CaseMedia | undefined {
    return this.#cases.get(caseId);
  }

  caseMedia(caseId: string): Promise<CaseMedia> {
    return this.#queue.run(caseId, async () => {
      const existing = this.#cases.get(caseId);
      if (existing && !existing.closed) return existing;
      // A new case goes to the worker whose cases consume the fewest streams: a worker's CPU goes
      // on forwarding each stream to each receiver, so five quiet cases weigh less than one large.
      const worker = this.pool.acquire((w) => this.#loadOf(w));
      let media: CaseMedia;
      try {
        // Its transports use the worker's one media port (its WebRtcServer).
        media = await CaseMedia.create(caseId, worker, this.#config, this.pathReadings, this.#placement);
      } catch (e) {
        this.pool.release(worker);
        throw e;
      }
      this.#cases.set(caseId, media);
      media.once('close', () => {
        this.pool.release(worker);
        if (this.#cases.get(caseId) === media) this.#cases.delete(caseId);
      });
      return media;
    });
  }

  /** Streams the worker forwards for every case: consumers of people whose transports are on it, and pipes. */
  #loadOf(worker: MediaWorker): number {
    let n = 0;
    for (const m of this.#cases.values()) if (!m.closed) n += m.loadOn(worker);
    return n;
  }

  /** Transports, producers and consumers of every open case, summed (metrics). */
  mediaCounts(): MediaCounts {
    const total: MediaCounts = { transports: 0, producers: 0, consumers: 0 };
    for (const m of this.#cases.values()) {
      if (m.closed) continue;
      const c = m.counts();
      total.transports += c.transports;
      total.producers += c.producers;
      total.consumers += c.consumers;
    }
    return total;
  }

  close(): void {
    for (const m of this.#cases.values()) m.close();
    this.#cases.clear();
    this.pool.close();
  }
}
