import { OBSERVER_WAITING_ROOM, observerRoomFor, JOINT_ROOM, type PersonRef, type RecordData, type RecordEventType, type RoomInfo } from '@parley/shared';
import type { LiveMedia } from './LiveMedia.ts';
import type { Member } from './Member.ts';
import type { Notifier } from './Notifier.ts';

/** What assessor placement needs from its live case. */
export interface ObserversHost {
  members(): Member[];
  member(id: string): Member | undefined;
  /** The lead mediator's participant id. */
  mediatorId: string;
  media: LiveMedia;
  notify: Notifier;
  roomInfo(roomId: string): RoomInfo | undefined;
  roomName(roomId: string): string;
  presenceChanged(m: Member): void;
  /** Tells `m` who is already in the room they just entered. */
  showRoomTo(m: Member): void;
  record<T extends RecordEventType>(type: T, by: PersonRef | null, data: RecordData<T>): void;
  /** Whether everyone among these occupants agreed to the assessor following into their caucus (read from the store). */
  mayObserveCaucus(occupantIds: string[]): Promise<boolean>;
}

/**
 * Where the assessors of a live case are (ODR-QAP; protocol clauses 'assessor' and
 * 'assessor-caucuses'): with the mediator in the joint room always, in a caucus only if every party
 * and advisor there agreed, otherwise outside, receiving nothing. Parties always see them listed.
 */
export class Observers {
  readonly #host: ObserversHost;

  constructor(host: ObserversHost) {
    this.#host = host;
  }

  /**
   * Whom the assessors follow: the lead mediator (whom they assess), or while the lead is away a
   * co-mediator who is present, so an assessor is never left alone with the parties' rooms unseen.
   */
  #followed(): Member | undefined {
    const h = this.#host;
    return h.member(h.mediatorId) ?? h.members().find((m) => m.role === 'mediator');
  }

  /**
   * The room the followed mediator is in, if everyone there agreed to be observed; else the waiting
   * room. The agreement is read from the store: if meanwhile the followed mediator's room or the
   * people in it changed (someone joined or left it), it is asked again for the room as it is now,
   * and after a few such changes the answer is "outside". The joint room needs no agreement.
   */
  async target(): Promise<string> {
    for (let asked = 1; ; asked++) {
      const seen = this.#mediatorRoom();
      if (seen.room === null || seen.room === JOINT_ROOM) return observerRoomFor(seen.room, false);
      const agreed = await this.#host.mayObserveCaucus(seen.occupants);
      const now = this.#mediatorRoom();
      if (now.room === seen.room && sameIds(now.occupants, seen.occupants)) return observerRoomFor(seen.room, agreed);
      if (asked >= TARGET_ATTEMPTS) return observerRoomFor(now.room, false);
    }
  }

  /** The room of the followed mediator (null: none present) and who else but assessors is in it. */
  #mediatorRoom(): { room: string | null; occupants: string[] } {
    const h = this.#host;
    const mediator = this.#followed();
    const room = mediator ? mediator.roomId : null;
    const occupants = room ? h.members().filter((m) => m.roomId === room && m.role !== 'assessor').map((m) => m.id) : [];
    return { room, occupants };
  }

  joined(o: Member): void {
    this.#host.record('assessor.present', o.ref, { participant: o.identity.displayName, action: 'joined', room: this.#host.roomName(o.roomId) });
  }

  /**
   * Before anyone is re-wired by a move: observers in a caucus step out, so not one packet of a
   * caucus reaches an assessor its new occupants did not agree to. `after` puts them back where
   * allowed, only once the (asynchronous) check of the occupants' agreement has answered.
   */
  async beforeMove(movers: Member[], toRoomId: string): Promise<Map<string, string>> {
    const observers = this.#host.members().filter((m) => m.role === 'assessor');
    const before = new Map(observers.map((o) => [o.id, o.roomId]));
    const touched = new Set([toRoomId, ...movers.map((m) => m.roomId)]);
    const followed = this.#followed();
    const mediatorMoves = movers.some((m) => m.id === followed?.id);
    for (const o of observers) {
      // Untouched caucus, same mediator room: nothing changes for them (no flicker).
      if (o.roomId === JOINT_ROOM || (!mediatorMoves && !touched.has(o.roomId))) continue;
      await this.#setRoom(o, OBSERVER_WAITING_ROOM);
    }
    return before;
  }

  /** Puts every assessor where the mediator is (or outside); records where that changed. */
  async after(before: Map<string, string>): Promise<void> {
    // No assessor: nothing to ask the store.
    if (!this.#host.members().some((m) => m.role === 'assessor')) return;
    // Until this answers, the observers who stepped out stay out.
    const target = await this.target();
    for (const o of this.#host.members()) {
      if (o.role !== 'assessor') continue;
      await this.#setRoom(o, target);
      if (before.get(o.id) === o.roomId) continue;
      const held = o.roomId === OBSERVER_WAITING_ROOM;
      this.#host.record('assessor.present', o.ref, { participant: o.identity.displayName, action: held ? 'held-back' : 'followed', room: this.#host.roomName(o.roomId) });
      this.#host.presenceChanged(o);
      const room = this.#host.roomInfo(o.roomId);
      if (room) this.#host.notify.to(o, 'room:updated', room);
      this.#host.showRoomTo(o);
    }
  }

  async #setRoom(o: Member, roomId: string): Promise<void> {
    if (o.roomId === roomId) return;
    o.roomId = roomId;
    if (this.#host.media.hasPeer(o.id)) await this.#host.media.movePeer(o.id, roomId);
  }
}

/** How many times `target` asks for the agreement of a room whose occupants keep changing meanwhile. */
const TARGET_ATTEMPTS = 3;

function sameIds(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
