import {
  canControlStage, canModerate, canReceiveControl, canRequestControl, ErrorCode, ParleyError, type PersonRef, type RecordData, type RecordEventType, type RoomInfo,
} from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { Announcements } from './Announcements.ts';
import type { BreakdownLadder } from './BreakdownLadder.ts';
import type { LiveMedia } from './LiveMedia.ts';
import type { Member } from './Member.ts';
import type { Notifier } from './Notifier.ts';
import type { Rooms } from './Rooms.ts';
import type { Shares } from './Shares.ts';

/** What moderation needs from its live case. */
export interface ModerationHost {
  /** The person, present now, or a typed refusal. */
  present(participantId: string): Member;
  member(participantId: string): Member | undefined;
  members(): Member[];
  rooms: Rooms;
  media: LiveMedia;
  ladder: BreakdownLadder;
  notify: Notifier;
  announcements: Announcements;
  shares: Shares;
  presenceChanged(m: Member): void;
  record<T extends RecordEventType>(type: T, by: PersonRef | null, data: RecordData<T>): void;
  log: Logger;
}

/**
 * The mediator running a live session [2.11-ii, iv, v]: microphones they hold muted, control of each
 * room's stage and what is on it, the share policy of a room, and announcements. Who may do what is
 * checked here (with the rules in shared/), so a handler only says who is asking.
 */
export class Moderation {
  readonly #h: ModerationHost;
  /** Microphones the mediator holds muted, and by whom. */
  readonly #holds = new Map<string, PersonRef>();

  constructor(host: ModerationHost) {
    this.#h = host;
  }

  // --- microphone holds -------------------------------------------------------------------------

  /** The holds, to keep across a restart (LiveSnapshot), and given back to a rebuilt live case. */
  holds(): Array<[string, PersonRef]> {
    return [...this.#holds];
  }
  restoreHolds(holds: Array<[string, PersonRef]>): void {
    for (const [id, by] of holds) this.#holds.set(id, by);
  }

  /** Who holds this person's microphone: the mediator, or nobody (the pause is the ladder's). */
  heldBy(participantId: string): PersonRef | undefined {
    return this.#holds.get(participantId);
  }

  /** The mediator's hold and the pause both keep a microphone off; the media follows. */
  async applyHold(m: Member): Promise<void> {
    const { media, ladder } = this.#h;
    if (!media.hasPeer(m.id)) return;
    const held = this.#holds.has(m.id) || ladder.holdsMic(m);
    if (held !== media.isHeld(m.id, 'mic')) await media.setHold(m.id, 'mic', held);
  }

  /** The pause holds participants' microphones in the joint room; the mediator's own holds stay. */
  async applyHolds(): Promise<void> {
    for (const m of this.#h.members()) {
      if (canModerate(m.role)) continue;
      await this.applyHold(m);
      this.#h.presenceChanged(m);
    }
  }

  /** Holds the microphones of these people (or of every participant); returns how many. */
  async mute(participantIds: string[] | 'all', by: PersonRef): Promise<number> {
    const targets = participantIds === 'all' ? this.#h.members().filter((m) => !canModerate(m.role)) : participantIds.map((id) => this.#h.present(id));
    let muted = 0;
    for (const t of targets) if (await this.#hold(t, by)) muted++;
    this.#h.log.info({ muted, all: participantIds === 'all' }, 'mediator muted');
    return muted;
  }

  async #hold(target: Member, by: PersonRef): Promise<boolean> {
    if (canModerate(target.role)) return false;
    this.#holds.set(target.id, by);
    await this.applyHold(target);
    this.#h.presenceChanged(target);
    this.#h.record('moderation.muted', by, { participant: target.identity.displayName });
    return true;
  }

  /** Lifts the hold and asks the person to turn their microphone on (they decide). */
  async askToUnmute(participantId: string, by: PersonRef): Promise<void> {
    const target = this.#h.present(participantId);
    if (this.#h.ladder.holdsMic(target)) {
      throw new ParleyError(ErrorCode.Conflict, 'The joint session is paused: microphones in the joint room stay off until you resume it.');
    }
    this.#holds.delete(target.id);
    await this.applyHold(target);
    this.#h.presenceChanged(target);
    this.#h.notify.to(target, 'moderation:unmute-requested', { by });
    this.#h.record('moderation.unmute-asked', by, { participant: target.identity.displayName });
  }

  /** Ends a person's screen share; returns how many producers closed. */
  stopShare(participantId: string, by: PersonRef): number {
    return this.#h.shares.stop(this.#h.present(participantId), by);
  }

  // --- control of the stage -----------------------------------------------------------------------

  giveControl(roomId: string, participantId: string, by: PersonRef): RoomInfo {
    const room = this.#h.rooms.require(roomId);
    const target = this.#h.present(participantId);
    if (!canReceiveControl(target.actor, room.id)) throw new ParleyError(ErrorCode.BadRequest, 'Control can only go to someone in that room who takes part.');
    room.controllerId = target.id;
    this.#h.notify.room(room.info());
    this.#h.record('control.given', by, { room: room.name, participant: target.identity.displayName });
    return room.info();
  }

  takeControl(roomId: string, by: PersonRef): RoomInfo {
    const room = this.#h.rooms.require(roomId);
    room.controllerId = by.id;
    this.#h.notify.room(room.info());
    this.#h.record('control.taken', by, { room: room.name });
    return room.info();
  }

  /** A participant asks the mediator for control of their room's stage. */
  requestControl(member: Member): void {
    if (!canRequestControl(member.role)) throw new ParleyError(ErrorCode.Forbidden, 'Observers cannot take control of the screen.');
    const room = this.#h.rooms.current(member);
    if (room.controllerId === member.id) throw new ParleyError(ErrorCode.Conflict, 'You already have control.');
    this.#h.notify.toModerators('control:requested', { from: member.ref, roomId: room.id });
  }

  /** Whoever has control puts a camera or a shared screen of someone in their room on the stage (or clears it). */
  setStage(member: Member, producerId: string | null): RoomInfo {
    const room = this.#h.rooms.current(member);
    if (!canControlStage(member.actor, room)) throw new ParleyError(ErrorCode.Forbidden, 'Only the person with control can change the stage.');
    if (producerId !== null) {
      const owner = this.#h.media.ownerOf(producerId);
      const ownerMember = owner && this.#h.member(owner.peerId);
      if (!owner || !ownerMember || ownerMember.roomId !== room.id) throw new ParleyError(ErrorCode.NotFound, 'That video is not in this room.');
      if (owner.source !== 'camera' && owner.source !== 'screen') throw new ParleyError(ErrorCode.BadRequest, 'Only a camera or a shared screen can be on the stage.');
    }
    room.stageProducerId = producerId;
    this.#h.notify.room(room.info());
    return room.info();
  }

  /** Whoever has control points at the stage (null: the pointer goes away); the others in the room see it. */
  pointer(member: Member, at: { x: number; y: number } | null): void {
    const room = this.#h.rooms.current(member);
    if (!canControlStage(member.actor, room)) throw new ParleyError(ErrorCode.Forbidden, 'Only the person with control can point on the stage.');
    this.#h.notify.toRoom(room.id, 'stage:pointer-moved', at ? { participantId: member.id, x: at.x, y: at.y } : { participantId: member.id, x: null, y: null }, member.id);
  }

  // --- the room and everyone ------------------------------------------------------------------------

  /** Whether more than one person in the room may share a screen at once. */
  setSharePolicy(roomId: string, allowMultipleShares: boolean): RoomInfo {
    const room = this.#h.rooms.require(roomId);
    room.allowMultipleShares = allowMultipleShares;
    this.#h.notify.room(room.info());
    return room.info();
  }

  /** An announcement to everyone in every room, kept for late arrivals and in the record. */
  announce(by: PersonRef, p: { text: string }): void {
    this.#h.announcements.send(by, p.text);
    this.#h.record('announcement.sent', by, { text: p.text });
  }
}
