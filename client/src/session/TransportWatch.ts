/**
 * The first rungs of the breakdown ladder for one WebRTC transport [3.6.13]: a path that broke is
 * repaired with an ICE restart on the same connection, and only if that does not bring it back is
 * the person taken through a full rejoin.
 *
 * 'disconnected' often heals by itself (a Wi-Fi hiccup), so it gets a short grace first; 'failed'
 * means ICE gave up and is restarted at once. Timers are injected so the policy is unit-tested.
 */

export type TransportState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface TransportWatchHooks {
  /** Ask for new ICE parameters and restart ICE with them; rejects when that is impossible. */
  restartIce(): Promise<void>;
  /** Media stopped getting through and a repair began. */
  trouble(): void;
  /** Media flows again after trouble() (by itself or after a restart). */
  restored(restarted: boolean): void;
  /** The repair did not work: start over with a full rejoin. */
  giveUp(): void;
  /** The transport's state right now: a restart on a path that never broke fires no change. */
  currentState(): TransportState;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const DISCONNECTED_GRACE_MS = 2_000;
export const RESTART_DEADLINE_MS = 8_000;

export class TransportWatch {
  private graceTimer: unknown = null;
  private deadline: unknown = null;
  private inTrouble = false;
  private restarted = false;
  private done = false;

  constructor(
    private readonly hooks: TransportWatchHooks,
    private readonly timers: Timers = realTimers,
  ) {}

  onState(state: TransportState): void {
    if (this.done) return;
    if (state === 'connected') {
      this.clearTimers();
      if (this.inTrouble) {
        this.inTrouble = false;
        const restarted = this.restarted;
        this.restarted = false;
        this.hooks.restored(restarted);
      }
      return;
    }
    if (state === 'closed') return this.stop();
    if (state === 'disconnected' && !this.graceTimer && !this.deadline) {
      this.graceTimer = this.timers.set(() => {
        this.graceTimer = null;
        this.restart();
      }, DISCONNECTED_GRACE_MS);
      return;
    }
    if (state === 'failed') {
      if (this.deadline) {
        // A restart is running and ICE failed again: no point waiting for the deadline.
        this.fail();
        return;
      }
      this.restart();
    }
  }

  /** Repair now, whatever the state says (window.__parleyDebug.restartIce, for tests). */
  restartNow(): void {
    this.restart();
  }

  /** Forget everything: the transport is closed or replaced. */
  stop(): void {
    this.done = true;
    this.clearTimers();
  }

  private restart(): void {
    if (this.done || this.deadline) return;
    if (this.graceTimer) {
      this.timers.clear(this.graceTimer);
      this.graceTimer = null;
    }
    if (!this.inTrouble) {
      this.inTrouble = true;
      this.hooks.trouble();
    }
    this.restarted = true;
    this.deadline = this.timers.set(() => {
      this.deadline = null;
      if (this.hooks.currentState() === 'connected') this.onState('connected');
      else this.fail();
    }, RESTART_DEADLINE_MS);
    this.hooks.restartIce().catch(() => this.fail());
  }

  private fail(): void {
    if (this.done) return;
    this.stop();
    this.hooks.giveUp();
  }

  private clearTimers(): void {
    if (this.graceTimer) this.timers.clear(this.graceTimer);
    if (this.deadline) this.timers.clear(this.deadline);
    this.graceTimer = null;
    this.deadline = null;
  }
}
