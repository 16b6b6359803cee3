import { mayKnowRoom, presenceFor, seesAllRooms, type Notifications, type Presence, type RoomInfo } from '@parley/shared';
import type { Member } from './Member.ts';

/**
 * Every notification of a live case leaves through here, addressed by who may know it:
 * one person, a room's occupants, the moderators, or everyone with per-viewer redaction.
 */
export class Notifier {
  readonly #members: () => Iterable<Member>;

  constructor(members: () => Iterable<Member>) {
    this.#members = members;
  }

  to<K extends keyof Notifications>(m: Member | undefined, event: K, payload: Notifications[K]): void {
    if (m) (m.socket.emit as (e: K, p: Notifications[K]) => void)(event, payload);
  }

  toRoom<K extends keyof Notifications>(roomId: string, event: K, payload: Notifications[K], exceptId?: string): void {
    for (const m of this.#members()) if (m.roomId === roomId && m.id !== exceptId) this.to(m, event, payload);
  }

  toModerators<K extends keyof Notifications>(event: K, payload: Notifications[K]): void {
    for (const m of this.#members()) if (seesAllRooms(m.role)) this.to(m, event, payload);
  }

  toAll<K extends keyof Notifications>(event: K, payload: Notifications[K], exceptId?: string): void {
    for (const m of this.#members()) if (m.id !== exceptId) this.to(m, event, payload);
  }

  /** A room's state, to everyone who may know that room exists. */
  room(info: RoomInfo): void {
    for (const m of this.#members()) if (mayKnowRoom(m.actor, info.id)) this.to(m, 'room:updated', info);
  }

  /** A person's presence, redacted for each viewer (a party learns nothing of another room). */
  presence(event: 'participant:joined' | 'participant:updated', p: Presence, exceptId?: string): void {
    for (const m of this.#members()) if (m.id !== exceptId) this.to(m, event, presenceFor(m.actor, p));
  }
}
