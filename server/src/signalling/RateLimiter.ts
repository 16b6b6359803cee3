/**
 * Token bucket per connection (threats.md #8): `burst` requests at once, refilled at `perSecond`.
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

  /** Refusals since the last call (for one log line per burst, not one per message). */
  drainRefused(): number {
    const n = this.#refused;
    this.#refused = 0;
    return n;
  }
}
