import type { LiveSnapshot } from '@parley/shared';
import type { Logger } from '../logger.ts';

/** Where a live case's state is kept (LiveStates: sealed with the case key, one row per case). */
export interface LiveStateStorage {
  save(caseId: string, snapshot: LiveSnapshot): Promise<void>;
  /** The live case ended for good: nothing is left to come back to. */
  clear(caseId: string): Promise<void>;
  /** Still live: the kept state is not stale (LiveStates.load ignores a state nobody touched for long). */
  touch(caseId: string): Promise<void>;
}

/** How often a live case says it is still live, so that its kept state is not taken for stale. */
export const TOUCH_EVERY_MS = 60_000;

/**
 * Writes one live case's state through to the store (issue 14, step 3), so that a restarted node
 * rebuilds the case as it was. `settle()` is awaited before a request is acknowledged: whatever
 * the request changed is stored by then. Writes are one at a time, in order, and only when the
 * state differs from the last one written; a failed write is logged and the next settle tries
 * again (the state still differs).
 */
export class LiveStateKeeper {
  readonly #caseId: string;
  readonly #snapshot: () => LiveSnapshot;
  readonly #storage: LiveStateStorage;
  readonly #log: Logger;
  /** The last state written (its JSON), or null before the first write. */
  #written: string | null;
  #chain: Promise<void> = Promise.resolve();
  #done = false;
  readonly #touch: ReturnType<typeof setInterval>;

  constructor(caseId: string, snapshot: () => LiveSnapshot, storage: LiveStateStorage, log: Logger, restored: LiveSnapshot | null) {
    this.#caseId = caseId;
    this.#snapshot = snapshot;
    this.#storage = storage;
    this.#log = log;
    this.#written = restored ? JSON.stringify(restored) : null;
    this.#touch = setInterval(() => this.#then(() => this.#storage.touch(this.#caseId), 'could not mark the live state as current'), TOUCH_EVERY_MS);
    this.#touch.unref();
  }

  /** Resolves once the state as it is now is stored (at once when nothing changed). */
  settle(): Promise<void> {
    if (this.#done) return this.#chain;
    const state = this.#snapshot();
    const json = JSON.stringify(state);
    if (json === this.#written) return this.#chain;
    this.#written = json;
    return this.#then(() => this.#storage.save(this.#caseId, state), 'could not keep the live state', () => (this.#written = null));
  }

  /**
   * The live case stops on this node. `ended`: it is over (everyone left, or the mediator ended it
   * for everyone), so the kept state goes. Otherwise (a restart, a lost worker) the state stays for
   * the rebuilt case. Resolves when the last write is done.
   */
  stop(ended: boolean): Promise<void> {
    if (this.#done) return this.#chain;
    const last = ended ? this.#chain : this.settle();
    this.#done = true;
    clearInterval(this.#touch);
    if (ended) void this.#then(() => this.#storage.clear(this.#caseId), 'could not clear the live state of an ended session');
    return ended ? this.#chain : last;
  }

  /** Pending writes, in order; resolves when the last one is done. */
  get idle(): Promise<void> {
    return this.#chain;
  }

  #then(write: () => Promise<void>, failure: string, onFail?: () => void): Promise<void> {
    this.#chain = this.#chain.then(write).catch((err: unknown) => {
      onFail?.();
      this.#log.error({ err, caseId: this.#caseId }, failure);
    });
    return this.#chain;
  }
}
