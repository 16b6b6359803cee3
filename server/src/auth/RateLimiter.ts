/**
 * Token bucket per connection (docs/threats.md #8): `burst` requests at once, refilled at `perSecond`.
 * Generous enough for a person (media setup bursts, a pointer at ~15/s), tight enough that one
 * flooding client cannot starve the process that serves everyone else.
 */
export class RateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;
  #refused = 0;

  constructor(perSecond: number, burst: number, now = performance.now()) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** True if this request may proceed. */
  take(now = performance.now()): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.#refused++;
    return false;
  }

  /** Whether the bucket has refilled completely (nothing would be lost by forgetting it). */
  isFull(now = performance.now()): boolean {
    return this.#tokens + ((now - this.#last) / 1000) * this.#perSecond >= this.#burst;
  }

  /** Refusals since the last call (for one log line per burst, not one per message). */
  drainRefused(): number {
    const n = this.#refused;
    this.#refused = 0;
    return n;
  }
}

/**
 * One token bucket per key (a person, an address), shared by every connection or request of that
 * key, so opening more connections buys no more budget. Buckets that are full again are forgotten
 * on the next sweep, which bounds memory by the keys active in the last minute.
 */
export class KeyedRateLimiter {
  readonly perSecond: number;
  readonly burst: number;
  readonly #buckets = new Map<string, RateLimiter>();
  /** Set by the first take(): callers (and tests) pass their own clock, which need not be performance.now(). */
  #lastSweep: number | undefined;

  constructor(perSecond: number, burst: number) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  take(key: string, now = performance.now()): boolean {
    this.#lastSweep ??= now;
    if (now - this.#lastSweep > 60_000) this.#sweep(now);
    let b = this.#buckets.get(key);
    if (!b) {
      b = new RateLimiter(this.perSecond, this.burst, now);
      this.#buckets.set(key, b);
    }
    return b.take(now);
  }

  /** Seconds until one more request of this key would be allowed (for Retry-After). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(1 / this.perSecond));
  }

  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [k, b] of this.#buckets) if (b.isFull(now)) this.#buckets.delete(k);
  }
}
