import type { Logger } from '../logger.ts';
import { redisClient, type Redis } from './redis.ts';

/**
 * Who is connected to each live case, readable on every node: a mediator's case page (the case
 * list's "online" count, each person's "online") may be served by a node that does not run the
 * case. The node that runs it writes the roster to `parley:case:<id>:online` whenever it changes,
 * as `{ node, ids }`, with the lease's lifetime, renewed while it holds any: a node that dies
 * leaves no roster behind for longer than its leases. Only the writer's own roster is deleted (a
 * compare in one Lua script), so a node that just lost a case cannot wipe the new owner's.
 */
export interface OnlineRosterOptions {
  redisUrl: string;
  nodeUrl: string;
  /** How long a roster lasts without renewal (the lease's lifetime). */
  ttlMs: number;
  logger: Logger;
}

const KEY = (caseId: string) => `parley:case:${caseId}:online`;
/** Deletes the roster only if this node wrote it. */
const FORGET = "local v = redis.call('GET', KEYS[1]); if v and cjson.decode(v).node == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export class OnlineRoster {
  readonly #redis: Redis;
  readonly #o: OnlineRosterOptions;
  /** The rosters this node wrote and keeps alive: caseId → what it wrote. */
  readonly #mine = new Map<string, string>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #log: Logger;
  #closed = false;

  private constructor(redis: Redis, o: OnlineRosterOptions) {
    this.#redis = redis;
    this.#o = o;
    this.#log = o.logger.child({ component: 'online-roster' });
    this.#timer = setInterval(() => this.#renewAll(), Math.floor(o.ttlMs / 3));
    this.#timer.unref();
  }

  static async create(o: OnlineRosterOptions): Promise<OnlineRoster> {
    const redis = redisClient(o.redisUrl, o.logger);
    await redis.connect();
    return new OnlineRoster(redis, o);
  }

  /**
   * The case's connected people now (empty: nobody, or the case stopped here). Commands on one
   * connection run in the order sent, so the last roster written is the one that stays.
   */
  set(caseId: string, ids: readonly string[]): void {
    if (this.#closed) return;
    if (ids.length === 0) {
      this.#mine.delete(caseId);
      this.#send(['EVAL', FORGET, '1', KEY(caseId), this.#o.nodeUrl], caseId);
      return;
    }
    const value = JSON.stringify({ node: this.#o.nodeUrl, ids: [...ids].sort() });
    this.#mine.set(caseId, value);
    this.#send(['SET', KEY(caseId), value, 'PX', String(this.#o.ttlMs)], caseId);
  }

  /** Who the node running the case says is connected (empty when no node runs it, or Redis does not answer). */
  async read(caseId: string): Promise<ReadonlySet<string>> {
    try {
      const got = await this.#redis.sendCommand(['GET', KEY(caseId)]);
      if (got === null) return new Set();
      const ids: unknown = (JSON.parse(String(got)) as { ids?: unknown }).ids;
      return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
    } catch (err) {
      // A page that cannot tell who is online says nobody is, rather than fail.
      this.#log.warn({ err, caseId }, 'could not read who is online in a case');
      return new Set();
    }
  }

  #send(command: string[], caseId: string): void {
    this.#redis.sendCommand(command).catch((err: unknown) => this.#log.warn({ err, caseId }, 'could not write who is online in a case'));
  }

  #renewAll(): void {
    for (const [caseId, value] of this.#mine) this.#send(['SET', KEY(caseId), value, 'PX', String(this.#o.ttlMs)], caseId);
  }

  /** Idempotent. Forgets every roster this node wrote (a clean stop: nobody is connected here any more). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.all([...this.#mine.keys()].map((caseId) => this.#redis.sendCommand(['EVAL', FORGET, '1', KEY(caseId), this.#o.nodeUrl]).catch(() => undefined)));
    this.#mine.clear();
    await this.#redis.quit().catch(() => undefined);
  }
}
