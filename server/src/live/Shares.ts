import { canStartShare, ErrorCode, ParleyError, type PersonRef, type RecordData, type RecordEventType } from '@parley/shared';
import type { LiveMedia } from './LiveMedia.ts';
import type { Member } from './Member.ts';
import type { Notifier } from './Notifier.ts';
import type { Room } from './Room.ts';

interface SharesDeps {
  media: LiveMedia;
  members: () => Member[];
  rooms: () => Iterable<Room>;
  room: (id: string) => Room | undefined;
  roomName: (id: string) => string;
  mediatorId: string;
  notify: Notifier;
  presenceChanged: (m: Member) => void;
  record: <T extends RecordEventType>(type: T, by: PersonRef | null, data: RecordData<T>) => void;
}

/**
 * Screen shares in a live case and the stage they appear on: one share per room unless the
 * mediator allows more, stopping one, and the session record of every share's end, whoever or
 * whatever ended it (the sharer, the mediator, a move, leaving, a lost connection).
 */
export class Shares {
  readonly #d: SharesDeps;

  constructor(deps: SharesDeps) {
    this.#d = deps;
  }

  /** One active screen share per room unless the mediator allowed more. */
  assertCanShare(member: Member): void {
    const room = this.#d.room(member.roomId);
    if (!room) throw new ParleyError(ErrorCode.NotFound, 'No such room.');
    const active = this.#d.members().filter((m) => m.roomId === room.id && this.#sharing(m)).length;
    if (!canStartShare(room, active).allowed) {
      throw new ParleyError(ErrorCode.Conflict, 'Someone in this room is already sharing a screen. Ask the mediator if you need to share too.');
    }
  }

  /** The mediator (or, with `by` null, the platform) ends a person's share; returns how many producers closed. */
  stop(target: Member, by: PersonRef | null): number {
    const closed = this.#d.media.closeSources(target.id, ['screen', 'screen-audio']);
    const room = this.#d.room(target.roomId);
    if (room) this.release(room, null, closed);
    if (closed.length) {
      this.#d.presenceChanged(target);
      if (by) this.#d.notify.to(target, 'moderation:share-stopped', { by });
      this.#d.record('share.stopped', by ?? target.ref, this.#about(target));
    }
    return closed.length;
  }

  /** The person closes one of their own producers (stops sharing, removes a camera). */
  closeOwn(member: Member, producerId: string): void {
    const screen = this.#d.media.ownerOf(producerId)?.source === 'screen';
    this.#d.media.closeProducer(member.id, producerId);
    this.clearStage(producerId);
    this.#d.presenceChanged(member);
    if (screen) this.#d.record('share.stopped', member.ref, this.#about(member));
  }

  /**
   * Runs `close`, which ends some or all of `m`'s media without them or the mediator stopping the
   * share (a move, leaving, a lost connection): if that ended their share, the record says why.
   * Call it while `m.roomId` is still the room the share was shown in.
   */
  ending<T>(m: Member, reason: string, close: () => T): T {
    const was = this.#sharing(m);
    const result = close();
    if (was && !this.#sharing(m)) this.#d.record('share.stopped', m.ref, { ...this.#about(m), reason });
    return result;
  }

  /** After a producer closed: clear it from any stage it was on. */
  clearStage(producerId: string): void {
    for (const room of this.#d.rooms()) {
      if (room.stageProducerId === producerId) {
        room.stageProducerId = null;
        this.#d.notify.room(room.info());
      }
    }
  }

  /** When someone leaves a room: control goes back to the mediator, their producers leave the stage. */
  release(room: Room, leavingId: string | null, closedProducers: string[]): void {
    const { media, mediatorId } = this.#d;
    let changed = false;
    if (leavingId && room.controllerId === leavingId && leavingId !== mediatorId) {
      room.controllerId = mediatorId;
      changed = true;
    }
    const owner = room.stageProducerId ? media.ownerOf(room.stageProducerId) : undefined;
    if (room.stageProducerId && (closedProducers.includes(room.stageProducerId) || !owner || owner.peerId === leavingId)) {
      room.stageProducerId = null;
      changed = true;
    }
    if (changed) this.#d.notify.room(room.info());
  }

  #sharing(m: Member): boolean {
    return this.#d.media.producersOf(m.id).some((p) => p.source === 'screen');
  }

  #about(m: Member): RecordData<'share.stopped'> {
    return { participant: m.identity.displayName, room: this.#d.roomName(m.roomId) };
  }
}
