import { ErrorCode, ParleyError } from '@parley/shared';
import { randomId } from '../crypto/randomId.ts';

/** One WebAuthn ceremony in progress: its challenge and where it was started from. */
export interface Attempt {
  challenge: string;
  /** The page's origin the answer must come from (its clientDataJSON says so, signed). */
  origin: string;
  rpID: string;
}

/**
 * Challenges kept on the server for ceremonies in progress, each under a random attempt id that
 * the client sends back with its answer. An attempt is used once (taken out before the answer is
 * checked, so a failed or replayed answer cannot try again), and only within `ttlMs`.
 *
 * Memory is bounded: at most `max` attempts at once. Sign-in options can be asked for by anyone,
 * so a full table refuses new attempts rather than growing or pushing out ones in progress; the
 * per-address limit on the route keeps one address from filling it alone. With `key` (the
 * mediator, for registration) a new attempt replaces that key's earlier one.
 */
export class PasskeyAttempts {
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** In insertion order, which is expiry order (one ttl for all): expired ones are at the front. */
  readonly #open = new Map<string, { attempt: Attempt; key: string | undefined; expiresAt: number }>();
  readonly #byKey = new Map<string, string>();

  constructor(opts: { max: number; ttlMs: number; now?: () => number }) {
    this.#max = opts.max;
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Keeps the attempt and returns its id; throws rate_limited when `max` attempts are in progress. */
  open(attempt: Attempt, key?: string): string {
    if (key !== undefined) this.#drop(this.#byKey.get(key));
    this.#sweep();
    if (this.#open.size >= this.#max) throw new ParleyError(ErrorCode.RateLimited, 'Too many sign-ins are in progress right now. Please wait a minute, then try again.');
    const id = randomId(24);
    this.#open.set(id, { attempt, key, expiresAt: this.#now() + this.#ttlMs });
    if (key !== undefined) this.#byKey.set(key, id);
    return id;
  }

  /**
   * Takes the attempt out (whatever happens next, it cannot be used again). Throws unauthorised if
   * there is none with this id, it has expired, or it belongs to someone else (`key`).
   */
  take(id: string, key?: string): Attempt {
    const a = this.#open.get(id);
    if (a && a.key !== key) {
      // Not this mediator's attempt: leave it to its owner.
      throw new ParleyError(ErrorCode.Unauthorised, 'This attempt is not yours. Please start again.');
    }
    this.#drop(id);
    if (!a || a.expiresAt <= this.#now()) throw new ParleyError(ErrorCode.Unauthorised, 'This attempt has expired or was already used. Please start again.');
    return a.attempt;
  }

  #drop(id: string | undefined): void {
    if (id === undefined) return;
    const a = this.#open.get(id);
    this.#open.delete(id);
    if (a?.key !== undefined && this.#byKey.get(a.key) === id) this.#byKey.delete(a.key);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, a] of this.#open) {
      if (a.expiresAt > now) break;
      this.#drop(id);
    }
  }
}
