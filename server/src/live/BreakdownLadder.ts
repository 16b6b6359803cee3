import { canModerate, JOINT_ROOM, type BreakdownSettings, type LiveSnapshot, type PersonRef, type RecordData, type RecordEventType, type SessionPause } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { Member } from './Member.ts';
import type { Notifier } from './Notifier.ts';
import type { TransportStateCause } from './LiveMedia.ts';

/** What the ladder needs from its live case. */
export interface LadderHost {
  member(id: string): Member | undefined;
  members(): Member[];
  notify: Notifier;
  record<T extends RecordEventType>(type: T, by: PersonRef | null, data: RecordData<T>): void;
  /** Re-evaluates everyone's microphone holds (the pause holds parties in the joint room). */
  applyHolds(): Promise<void>;
  /** Ends a person's presence for good (the grace period ran out). */
  remove(member: Member): void;
  /** The pause began or grew without a request (a grace period ran out): the live state is kept again. */
  changed(): void;
  log: Logger;
}

interface Pause {
  since: number;
  missing: Map<string, PersonRef>;
  by: PersonRef | null;
}

/**
 * The technology-breakdown procedure of one live case [3.6.13, 3.7.17]: a dropped person is held
 * "reconnecting" for the case's grace period; past it they are gone and, if they were needed at the
 * table, the joint session pauses until they are back or the mediator decides to go on. Every step
 * is written in the session record with who, when, how long and which rung was used.
 */
export class BreakdownLadder {
  #settings: BreakdownSettings;
  #pause: Pause | null = null;
  readonly #grace = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #host: LadderHost;
  /** Last ICE restart recorded per person: a flapping network must not flood the record. */
  readonly #iceRecorded = new Map<string, number>();

  constructor(host: LadderHost, settings: BreakdownSettings) {
    this.#host = host;
    this.#settings = settings;
  }

  get settings(): BreakdownSettings {
    return this.#settings;
  }
  set settings(s: BreakdownSettings) {
    // Running grace periods keep the length they started with; the next drop uses the new one.
    this.#settings = s;
  }

  get paused(): boolean {
    return this.#pause !== null;
  }

  /** Whether the pause holds this person's microphone: participants (not the mediator) in the joint room. */
  holdsMic(m: Member): boolean {
    return this.#pause !== null && m.roomId === JOINT_ROOM && !canModerate(m.role);
  }

  /** The pause as kept across a restart (LiveSnapshot); a rebuilt live case starts from it. */
  pauseSnapshot(): LiveSnapshot['pause'] {
    const p = this.#pause;
    return p ? { since: p.since, by: p.by, missing: [...p.missing.values()] } : null;
  }
  restorePause(p: LiveSnapshot['pause']): void {
    this.#pause = p ? { since: p.since, by: p.by, missing: new Map(p.missing.map((x) => [x.id, x])) } : null;
  }

  pauseInfo(): SessionPause | null {
    const p = this.#pause;
    return p ? { since: new Date(p.since).toISOString(), missing: [...p.missing.values()], by: p.by } : null;
  }

  // --- rung 1–2: the connection drops, the person comes back -----------------------------------

  /** The person's signalling is gone: everyone sees them reconnecting while the grace period runs. */
  dropped(m: Member, cause: string): void {
    m.connection = 'reconnecting';
    m.awaySince = Date.now();
    m.lostTransports.clear();
    this.#host.record('breakdown.started', m.ref, { participant: m.identity.displayName, cause, graceSeconds: this.#settings.graceSeconds });
    this.#clearGrace(m.id);
    const timer = setTimeout(() => this.#graceExpired(m), this.#settings.graceSeconds * 1000);
    this.#grace.set(m.id, timer);
    this.#host.log.info({ participantId: m.id, cause, graceSeconds: this.#settings.graceSeconds }, 'connection dropped; grace period started');
  }

  /** Back within the grace period, on a new connection: same member, same room, same holds. */
  recovered(m: Member, step: 'rejoined'): void {
    const seconds = m.awaySince ? Math.round((Date.now() - m.awaySince) / 100) / 10 : 0;
    this.#clearGrace(m.id);
    m.connection = 'connected';
    m.awaySince = null;
    this.#host.record('breakdown.recovered', m.ref, { participant: m.identity.displayName, seconds, step });
    this.#host.log.info({ participantId: m.id, seconds, step }, 'reconnected within the grace period');
  }

  /** Someone joined afresh: if the pause was waiting for them, it may end. */
  async arrived(m: Member): Promise<void> {
    const p = this.#pause;
    if (!p || !p.missing.delete(m.id)) return;
    if (p.missing.size === 0 && p.by === null) await this.resume(null);
    else this.#host.notify.toAll('session:paused', this.pauseInfo()!);
  }

  forget(participantId: string): void {
    this.#clearGrace(participantId);
    this.#iceRecorded.delete(participantId);
  }

  // --- media rungs ------------------------------------------------------------------------------

  /** ICE/DTLS of one of the person's transports broke or came back while signalling stayed up. */
  transportState(m: Member, direction: 'send' | 'recv', state: 'ok' | 'lost', cause: TransportStateCause): boolean {
    if (m.connection === 'reconnecting') return false;
    if (state === 'lost') m.lostTransports.add(direction);
    else m.lostTransports.delete(direction);
    if (m.lostTransports.size > 0 && m.connection === 'connected') {
      m.connection = 'media-lost';
      m.mediaLostAt = Date.now();
      // The cause (which detector saw it: no packets, ICE consent, DTLS) tells an assessor or an
      // operator reading the record why the platform decided the media was gone.
      this.#host.record('breakdown.media-lost', m.ref, { participant: m.identity.displayName, cause, direction });
      this.#host.log.warn({ participantId: m.id, direction, cause }, 'media path lost while signalling stays up');
      return true;
    }
    if (m.lostTransports.size === 0 && m.connection === 'media-lost') {
      m.connection = 'connected';
      const seconds = m.mediaLostAt ? Math.round((Date.now() - m.mediaLostAt) / 100) / 10 : 0;
      m.mediaLostAt = null;
      this.#host.record('breakdown.media-restored', m.ref, { participant: m.identity.displayName, seconds });
      return true;
    }
    return false;
  }

  iceRestarted(m: Member): void {
    const last = this.#iceRecorded.get(m.id) ?? 0;
    if (Date.now() - last < 10_000) return;
    this.#iceRecorded.set(m.id, Date.now());
    this.#host.record('breakdown.ice-restarted', m.ref, { participant: m.identity.displayName });
  }

  audioOnly(m: Member, on: boolean, reason: string): void {
    this.#host.record('breakdown.audio-only', m.ref, { participant: m.identity.displayName, on, reason });
  }

  // --- pause and resume ---------------------------------------------------------------------------

  /** The mediator pauses by hand (nothing changes if already paused). */
  async pause(by: PersonRef): Promise<SessionPause> {
    if (!this.#pause) {
      this.#pause = { since: Date.now(), missing: new Map(), by };
      await this.#announcePause('the mediator paused the joint session');
    }
    return this.pauseInfo()!;
  }

  /**
   * The session goes on: everyone missing is back, or the mediator decided to continue (`by`).
   * Holds are lifted but microphones stay off until each person turns theirs on.
   */
  async resume(by: PersonRef | null): Promise<boolean> {
    const p = this.#pause;
    if (!p) return false;
    this.#pause = null;
    const pausedSeconds = Math.round((Date.now() - p.since) / 1000);
    await this.#host.applyHolds();
    this.#host.notify.toAll('session:resumed', { by, pausedSeconds });
    this.#host.record('session.resumed', by, { pausedSeconds, missing: [...p.missing.values()].map((x) => x.displayName) });
    this.#host.log.info({ pausedSeconds, by: by?.id ?? null }, 'joint session resumed');
    return true;
  }

  close(): void {
    for (const t of this.#grace.values()) clearTimeout(t);
    this.#grace.clear();
  }

  async #graceExpired(m: Member): Promise<void> {
    this.#grace.delete(m.id);
    if (this.#host.member(m.id) !== m || m.connection !== 'reconnecting') return;
    const graceSeconds = this.#settings.graceSeconds;
    this.#host.record('breakdown.grace-expired', m.ref, { participant: m.identity.displayName, graceSeconds });
    this.#host.remove(m);
    // Nobody negotiates while one side is absent: parties and the mediator are needed at the table;
    // an advisor or an observer is not.
    const needed = m.role === 'party' || m.role === 'mediator';
    if (!needed || !this.#settings.pauseJointSession || this.#host.members().length === 0) return;
    try {
      if (this.#pause) {
        this.#pause.missing.set(m.id, m.ref);
        this.#host.notify.toAll('session:paused', this.pauseInfo()!);
        this.#host.record('session.paused', null, { missing: [m.identity.displayName], reason: `not back after ${graceSeconds} seconds` });
      } else {
        this.#pause = { since: Date.now(), missing: new Map([[m.id, m.ref]]), by: null };
        await this.#announcePause(`not back after ${graceSeconds} seconds`);
      }
    } catch (err) {
      this.#host.log.error({ err }, 'pausing the joint session failed');
    }
    this.#host.changed();
  }

  async #announcePause(reason: string): Promise<void> {
    await this.#host.applyHolds();
    const info = this.pauseInfo()!;
    this.#host.notify.toAll('session:paused', info);
    this.#host.record('session.paused', info.by, { missing: info.missing.map((x) => x.displayName), reason });
    this.#host.log.info({ missing: info.missing.length, by: info.by?.id ?? null }, 'joint session paused');
  }

  #clearGrace(id: string): void {
    const t = this.#grace.get(id);
    if (t) clearTimeout(t);
    this.#grace.delete(id);
  }
}
