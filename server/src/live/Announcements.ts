import { MAX_ANNOUNCEMENTS, type Announcement, type PersonRef } from '@parley/shared';
import type { Notifier } from './Notifier.ts';
import { randomId } from '../crypto/randomId.ts';

/**
 * The mediator's announcements of one live session. They are addressed to everyone in every room
 * (docs/protocol.md), so whoever is in this session, now or after a reload or a late arrival, may
 * read them: the live case keeps the latest ones for the join snapshot. They end with the live case.
 */
export class Announcements {
  readonly #notify: Notifier;
  /** Newest first, at most MAX_ANNOUNCEMENTS. */
  #kept: Announcement[] = [];

  constructor(notify: Notifier) {
    this.#notify = notify;
  }

  send(from: PersonRef, text: string): Announcement {
    const a: Announcement = { id: randomId(12), text, from, at: new Date().toISOString() };
    this.#kept = [a, ...this.#kept].slice(0, MAX_ANNOUNCEMENTS);
    this.#notify.toAll('announcement:made', a);
    return a;
  }

  /** Those kept before a restart, newest first (LiveSnapshot). */
  restore(kept: Announcement[]): void {
    this.#kept = kept.slice(0, MAX_ANNOUNCEMENTS);
  }

  /**
   * What a person (re)joining may read: all of it, since `send` reaches everyone in every room.
   * Should announcements ever be addressed to one room, this is where the snapshot must filter.
   */
  snapshot(): Announcement[] {
    return [...this.#kept];
  }
}
