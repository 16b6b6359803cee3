import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.ts';
import { redisClient, type Redis } from './redis.ts';

/**
 * Which node runs each live case (issue 14, step 4; docs/scaling.md). A case is owned by one node
 * at a time through a lease in Redis: `parley:case:<id>:owner` holds the owner's address (its
 * `PARLEY_NODE_URL`) and expires unless renewed. The owner renews every lease it holds while the
 * case is live; a node that dies stops renewing, its leases expire, and the next connection for
 * the case takes it over on a live node. Only the holder renews or releases a lease (a compare in
 * one Lua script), so a node that lost its lease in a pause cannot take it back from the new owner.
 */
export interface CaseLeasesOptions {
  redisUrl: string;
  /** This node's address, as clients reach it: what other nodes send people to. */
  nodeUrl: string;
  /** How long a lease lasts without renewal. */
  ttlMs?: number;
  /** How often held leases are renewed (well under `ttlMs`). */
  renewEveryMs?: number;
  logger: Logger;
}

export type Claim = { owner: true } | { owner: false; ownerUrl: string };

const KEY = (caseId: string) => `parley:case:${caseId}:owner`;

/** Extends the lease only if it is still ours: 1 if renewed, 0 if another node holds it or it expired. */
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
/** Deletes the lease only if it is still ours. */
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

export interface CaseLeasesEvents {
  /** A lease this node held was found taken or expired at renewal: the live case must stop here. */
  lost: [caseId: string];
  close: [];
}

export class CaseLeases extends EventEmitter<CaseLeasesEvents> {
  readonly nodeUrl: string;
  readonly ttlMs: number;
  readonly #redis: Redis;
  readonly #held = new Set<string>();
  /** When each held lease was last set or renewed (the time the command was sent: its expiry counts from later). */
  readonly #renewedAt = new Map<string, number>();
  readonly #renewEveryMs: number;
  #renewing = false;
  readonly #log: Logger;
  readonly #timer: ReturnType<typeof setInterval>;
  #closed = false;

  private constructor(redis: Redis, o: CaseLeasesOptions) {
    super();
    this.#redis = redis;
    this.nodeUrl = o.nodeUrl;
    this.ttlMs = o.ttlMs ?? 15_000;
    this.#log = o.logger.child({ component: 'case-leases' });
    this.#renewEveryMs = o.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.#timer = setInterval(() => void this.#renewAll(), this.#renewEveryMs);
    this.#timer.unref();
  }

  /** The Redis key of a case's lease (for operators and tests). */
  static key(caseId: string): string {
    return KEY(caseId);
  }

  static async create(o: CaseLeasesOptions): Promise<CaseLeases> {
    const redis = redisClient(o.redisUrl, o.logger);
    await redis.connect();
    return new CaseLeases(redis, o);
  }

  /**
   * Takes the case's lease if nobody holds it (or renews it if this node does); otherwise says
   * which node owns the case, for the connection to be sent there.
   */
  async claim(caseId: string): Promise<Claim> {
    if (this.#closed) throw new Error('The case leases are closed.');
    const key = KEY(caseId);
    const sentAt = Date.now();
    const set = String(await this.#redis.sendCommand(['SET', key, this.nodeUrl, 'NX', 'PX', String(this.ttlMs)]));
    if (set === 'OK') {
      this.#hold(caseId, sentAt);
      return { owner: true };
    }
    const got = await this.#redis.sendCommand(['GET', key]);
    const holder = got === null ? null : String(got);
    if (holder === this.nodeUrl) {
      const renewAt = Date.now();
      if (await this.#renew(caseId)) {
        this.#hold(caseId, renewAt);
        return { owner: true };
      }
      return this.claim(caseId);
    }
    // Expired between the two commands: try once more.
    if (holder === null) return this.claim(caseId);
    return { owner: false, ownerUrl: holder };
  }

  /**
   * Whether Redis answers within `timeoutMs` (/api/ready: without it this node can take no case).
   * The client queues commands while it reconnects, so the wait is bounded here.
   */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    return within(
      this.#redis.sendCommand(['PING']).then((r) => String(r) === 'PONG', () => false),
      timeoutMs,
      false,
    );
  }

  /** The address of the node that holds the case's lease, if any (read only: nothing is claimed). */
  async holder(caseId: string): Promise<string | null> {
    const got = await this.#redis.sendCommand(['GET', KEY(caseId)]);
    return got === null ? null : String(got);
  }

  /** Whether this node holds the case's lease (as far as it knows: the renewal tells it otherwise). */
  holds(caseId: string): boolean {
    return this.#held.has(caseId);
  }

  /** The live case ended here: the lease goes at once, so another node may take the case. */
  async release(caseId: string): Promise<void> {
    if (!this.#held.delete(caseId)) return;
    this.#renewedAt.delete(caseId);
    await this.#redis.sendCommand(['EVAL', RELEASE, '1', KEY(caseId), this.nodeUrl]);
  }

  async #renew(caseId: string): Promise<boolean> {
    const r = await this.#redis.sendCommand(['EVAL', RENEW, '1', KEY(caseId), this.nodeUrl, String(this.ttlMs)]);
    return Number(r) === 1;
  }

  #hold(caseId: string, at: number): void {
    this.#held.add(caseId);
    this.#renewedAt.set(caseId, at);
  }

  /**
   * Renews every lease held, all at once, each bounded by the renewal interval. A lease another node
   * holds now is lost. So is one this node could not renew within its lifetime (Redis did not answer,
   * or this node was cut off from it): by then another node may have taken the case, and two nodes
   * must not run one case, so this node stops it rather than hope.
   */
  async #renewAll(): Promise<void> {
    if (this.#renewing) return;
    this.#renewing = true;
    try {
      await Promise.all(
        [...this.#held].map(async (caseId) => {
          const sentAt = Date.now();
          let renewed: boolean | 'no answer';
          try {
            renewed = await within(this.#renew(caseId), this.#renewEveryMs, 'no answer');
          } catch (err) {
            this.#log.warn({ err, caseId }, 'case lease not renewed this time');
            renewed = 'no answer';
          }
          if (!this.#held.has(caseId)) return; // released meanwhile
          if (renewed === true) return void this.#renewedAt.set(caseId, sentAt);
          if (renewed === 'no answer' && Date.now() - (this.#renewedAt.get(caseId) ?? 0) < this.ttlMs) return;
          this.#held.delete(caseId);
          this.#renewedAt.delete(caseId);
          this.#log.warn({ caseId }, renewed === false ? 'case lease lost: another node owns the case now' : 'case lease not renewed within its lifetime: the case stops here');
          this.emit('lost', caseId);
        }),
      );
    } finally {
      this.#renewing = false;
    }
  }

  /** Stops renewing and releases every lease held (a graceful stop: the cases move on at once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const caseId of [...this.#held]) await this.release(caseId).catch(() => undefined);
    await this.#redis.quit().catch(() => undefined);
    this.emit('close');
  }

  /** For tests of a node that dies: stops renewing without releasing anything, as a killed process would. */
  abandon(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#held.clear();
    this.#renewedAt.clear();
    void this.#redis.quit().catch(() => undefined);
  }
}

/** `p`, or `fallback` if it has not settled within `ms` (it keeps running). */
async function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
