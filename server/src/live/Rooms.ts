import { canModerate, ErrorCode, isWaitingRoom, JOINT_ROOM, MAX_CAUCUSES, OBSERVER_WAITING_ROOM, ParleyError, waitingRoomOf, waitsToBeAdmitted, type LiveSnapshot, type PersonRef, type RecordData, type RecordEventType, type Role } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { Assistance } from './Assistance.ts';
import type { LiveMedia } from './LiveMedia.ts';
import type { Member } from './Member.ts';
import type { Notifier } from './Notifier.ts';
import type { Observers } from './Observers.ts';
import { Room } from './Room.ts';
import type { Shares } from './Shares.ts';

/** What the rooms of a live case need from it. */
export interface RoomsHost {
  member(id: string): Member | undefined;
  members(): Member[];
  media: LiveMedia;
  notify: Notifier;
  shares: Shares;
  observers: Observers;
  assistance: Assistance;
  mediatorId: string;
  newId(): string;
  log: Logger;
  /** Whether the live case has ended (a timer firing late does nothing). */
  closed(): boolean;
  /** Puts the person's microphone under the holds that apply where they are now. */
  applyHold(m: Member): Promise<void>;
  presenceChanged(m: Member): void;
  showRoomTo(m: Member): void;
  record<T extends RecordEventType>(type: T, by: PersonRef | null, data: RecordData<T>): void;
  /** A caucus was opened. */
  created(roomId: string, name: string): void;
  /** People were placed in a room. */
  placed(roomId: string, participantIds: string[]): void;
  /** Whether parties and advisors wait to be admitted (the case's waiting room is on) when the case goes live. */
  waitingRoom: boolean;
  /** Something changed that no request of a person caused (a caucus timer ended): the live state is kept again. */
  changed(): void;
}

/** What of the rooms is kept across a restart (LiveSnapshot). */
export type RoomsSnapshot = Pick<LiveSnapshot, 'rooms' | 'placements' | 'open' | 'sentBack'>;

/**
 * The rooms of one live case: the joint room and the caucuses, who was last placed where, moves
 * and caucus timers. Moves, room closes and timer ends run one at a time per case, so two quick
 * moves cannot interleave their media re-wiring.
 */
export class Rooms {
  readonly #h: RoomsHost;
  readonly #rooms = new Map<string, Room>();
  /** Where each person was placed; survives leaving and rejoining while the live case lasts. */
  readonly #placements = new Map<string, string>();
  /** The mediator opened the joint room: from now on nobody waits. */
  #open = false;
  /**
   * The mediator sent everyone back to the waiting room: until they let people in again, parties
   * and advisors who come (back) wait, even on a case whose waiting room is off.
   */
  #sentBack = false;
  /** The case's waiting room is on (changes with the case's setting during the live session). */
  #waitingRoom: boolean;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(host: RoomsHost) {
    this.#h = host;
    this.#waitingRoom = host.waitingRoom;
    this.#rooms.set(JOINT_ROOM, new Room(JOINT_ROOM, 'Joint room', host.mediatorId));
  }

  /** The rooms, placements and the waiting room's state, to keep (LiveStateKeeper). */
  snapshot(): RoomsSnapshot {
    return {
      rooms: this.all().map((r) => ({ id: r.id, name: r.name, controllerId: r.controllerId, allowMultipleShares: r.allowMultipleShares, timer: r.timer ? { endsAt: r.timer.endsAt, warnSeconds: r.timer.warnSeconds } : null })),
      placements: [...this.#placements],
      open: this.#open,
      sentBack: this.#sentBack,
    };
  }

  /**
   * A live case rebuilt after a restart, before anyone is in it: the caucuses as they were, each
   * person's placement, and the countdowns, which go on towards the same end (one that ended while
   * the service was down ends now). What was on a stage is not kept: its media ended with the node.
   */
  restore(s: RoomsSnapshot): void {
    for (const r of s.rooms) {
      const room = this.#rooms.get(r.id) ?? new Room(r.id, r.name, this.#h.mediatorId);
      room.controllerId = r.controllerId;
      room.allowMultipleShares = r.allowMultipleShares;
      this.#rooms.set(room.id, room);
      if (r.timer && room.kind === 'caucus') this.#startTimer(room, r.timer.endsAt, r.timer.warnSeconds);
    }
    for (const [pid, rid] of s.placements) this.#placements.set(pid, rid);
    this.#open = s.open;
    this.#sentBack = s.sentBack;
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }
  all(): Room[] {
    return [...this.#rooms.values()];
  }

  require(roomId: string): Room {
    const room = this.#rooms.get(roomId);
    if (!room) throw new ParleyError(ErrorCode.NotFound, 'No such room.');
    return room;
  }

  /**
   * The room this member is in. An observer waiting outside a caucus is in no room (the waiting
   * place is not a Room): anything about "this room" is refused with a typed error, never a crash.
   */
  current(member: Member): Room {
    const room = this.#rooms.get(member.roomId);
    if (!room && isWaitingRoom(member.roomId)) throw new ParleyError(ErrorCode.Forbidden, 'You are in the waiting room until the mediator lets you in.');
    if (!room) throw new ParleyError(ErrorCode.Forbidden, 'You are waiting outside a private meeting: there is no room to act on.');
    return room;
  }

  name(roomId: string): string {
    if (isWaitingRoom(roomId)) return 'the waiting room';
    return this.#rooms.get(roomId)?.name ?? (roomId === OBSERVER_WAITING_ROOM ? 'outside the caucus (not observing)' : roomId);
  }

  /**
   * Where a person (re)joining goes: the room they were last placed in, if it is still open. A
   * party or advisor never placed anywhere waits, alone, while the case has a waiting room and the
   * mediator has not opened the joint room; once admitted they come back where they were.
   */
  placementOf(participantId: string, role: Role): string {
    const placed = this.#placements.get(participantId);
    if (placed && (this.#rooms.has(placed) || (isWaitingRoom(placed) && this.waiting(role)))) return placed;
    if (!placed && this.waiting(role)) return waitingRoomOf(participantId);
    return JOINT_ROOM;
  }

  /** Whether someone of this role, not yet placed, would wait now. */
  waiting(role: Role): boolean {
    return (this.#waitingRoom || this.#sentBack) && !this.#open && waitsToBeAdmitted(role);
  }

  /** Turned on again, it applies to whoever joins from now on; nobody already in is sent out. */
  setWaitingRoom(on: boolean): void {
    this.#waitingRoom = on;
    if (on) this.#open = false;
  }

  /** The people waiting to be let in now. */
  waitingMembers(): Member[] {
    return this.#h.members().filter((m) => isWaitingRoom(m.roomId));
  }

  /** Lets these waiting people into the joint room (a move: media, notices and the record follow). */
  admit(participantIds: string[], by: PersonRef | null): Promise<number> {
    return this.#serial(async () => {
      for (const id of participantIds) {
        const m = this.#h.member(id);
        if (!m) throw new ParleyError(ErrorCode.NotFound, 'That person is not in the session right now.');
        if (!isWaitingRoom(m.roomId)) throw new ParleyError(ErrorCode.Conflict, `${m.identity.displayName} is not waiting.`);
      }
      return this.#move(participantIds, JOINT_ROOM, by, 'let in from the waiting room');
    });
  }

  /** Opens the joint room: everyone waiting comes in, and whoever joins later goes straight in. */
  openJoint(by: PersonRef | null): Promise<number> {
    this.#open = true;
    this.#sentBack = false;
    return this.#serial(() => this.#move(this.waitingMembers().map((m) => m.id), JOINT_ROOM, by, 'the joint room was opened'));
  }

  /**
   * Ends the joint session without ending the live case: every party and advisor goes back to a
   * waiting place of their own (their screen shares end, nobody sees or hears them), and whoever
   * comes later waits too, until the mediator lets people in again. The mediator and an assessor
   * stay where they are. Returns who was sent back.
   */
  sendAllToWaiting(by: PersonRef | null): Promise<Member[]> {
    this.#open = false;
    this.#sentBack = true;
    return this.#serial(async () => {
      const h = this.#h;
      const movers = h.members().filter((m) => waitsToBeAdmitted(m.role) && !isWaitingRoom(m.roomId));
      const observersBefore = await h.observers.beforeMove(movers, JOINT_ROOM);
      const touched = new Set<string>();
      for (const m of movers) {
        touched.add(m.roomId);
        await this.#place(m, waitingRoomOf(m.id), 'sent back to the waiting room');
      }
      // Placed earlier but not connected now: they too come back to the waiting room.
      for (const [pid, rid] of this.#placements) if (!isWaitingRoom(rid) && !h.member(pid) && pid !== h.mediatorId) this.#placements.delete(pid);
      for (const m of movers) h.presenceChanged(m);
      await this.#afterMoves(movers, touched, observersBefore);
      h.log.info({ sentBack: movers.length, by: by?.id }, 'everyone sent back to the waiting room');
      return movers;
    });
  }

  create(name: string, by: PersonRef | null = null): Room {
    if (this.#rooms.size - 1 >= MAX_CAUCUSES) throw new ParleyError(ErrorCode.Conflict, `At most ${MAX_CAUCUSES} caucuses at once.`);
    const room = new Room(`caucus-${this.#h.newId()}`, name, this.#h.mediatorId);
    this.#rooms.set(room.id, room);
    this.#h.created(room.id, name);
    this.#h.record('room.created', by, { room: name });
    this.#h.notify.room(room.info());
    this.#h.log.info({ roomId: room.id }, 'caucus created');
    return room;
  }

  /**
   * Runs `fn` between moves: no move, room close or timer end runs until it is done. An assessor
   * joining is placed this way (LiveCase.join), so the room found for them is not re-wired under
   * them before they are in it.
   */
  between<T>(fn: () => Promise<T>): Promise<T> {
    return this.#serial(fn);
  }

  close(roomId: string, by: PersonRef | null): Promise<void> {
    return this.#serial(() => this.#close(roomId, by));
  }

  /** Moves people into a room, one move at a time per case. */
  move(participantIds: string[], roomId: string, by: PersonRef | null): Promise<number> {
    return this.#serial(() => this.#move(participantIds, roomId, by));
  }

  setTimer(roomId: string, minutes: number | null, warnSeconds: number, by: PersonRef | null = null): Room {
    const room = this.require(roomId);
    if (room.kind === 'joint') throw new ParleyError(ErrorCode.BadRequest, 'Timers are for caucuses: everyone returns to the joint room when one ends.');
    room.clearTimer();
    if (minutes !== null) this.#startTimer(room, Date.now() + Math.round(minutes * 60_000), warnSeconds);
    this.#h.record('room.timer-set', by, { room: room.name, minutes });
    this.#h.notify.room(room.info());
    return room;
  }

  /** A countdown towards `endsAt` (ms since the epoch), with its warning `warnSeconds` before. */
  #startTimer(room: Room, endsAt: number, warnSeconds: number): void {
    const ms = Math.max(0, endsAt - Date.now());
    const warnIn = ms - warnSeconds * 1000;
    const roomId = room.id;
    room.timer = {
      endsAt,
      warnSeconds,
      warnHandle:
        warnIn > 0
          ? setTimeout(() => {
              const p = { roomId, secondsLeft: warnSeconds };
              this.#h.notify.toRoom(roomId, 'room:timer-warning', p);
              this.#h.notify.toModerators('room:timer-warning', p);
            }, warnIn)
          : undefined,
      endHandle: setTimeout(() => void this.#timerExpired(roomId), ms),
    };
  }

  /** The live case ends: no timer may fire after it. */
  clearTimers(): void {
    for (const r of this.#rooms.values()) r.clearTimer();
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  async #close(roomId: string, by: PersonRef | null): Promise<void> {
    const room = this.require(roomId);
    if (room.kind === 'joint') throw new ParleyError(ErrorCode.BadRequest, 'The joint room cannot be closed.');
    room.clearTimer();
    const occupants = this.#h.members().filter((m) => m.roomId === roomId);
    await this.#move(movable(occupants), JOINT_ROOM, by);
    this.#rooms.delete(roomId);
    for (const [pid, rid] of this.#placements) if (rid === roomId) this.#placements.set(pid, JOINT_ROOM);
    this.#h.notify.toModerators('room:closed', { roomId });
    for (const m of occupants) if (!canModerate(m.role)) this.#h.notify.to(m, 'room:closed', { roomId });
    this.#h.record('room.closed', by, { room: room.name });
    this.#h.log.info({ roomId }, 'caucus closed');
  }

  /**
   * Media is re-wired first (old audio stops before anything else is sent), then everyone learns
   * what they may know: the movers get their new room, others see them arrive or leave (redacted
   * for parties outside the room).
   */
  async #move(participantIds: string[], roomId: string, by: PersonRef | null, reason?: string): Promise<number> {
    const h = this.#h;
    const target = this.require(roomId);
    const movers = participantIds.map((id) => {
      const m = h.member(id);
      if (!m) throw new ParleyError(ErrorCode.NotFound, 'That person is not in the session right now.');
      if (m.role === 'assessor') throw new ParleyError(ErrorCode.BadRequest, 'The assessor follows the mediator by themselves, where everyone agreed.');
      return m;
    });
    const observersBefore = await h.observers.beforeMove(movers, roomId);
    let moved = 0;
    const touched = new Set<string>([roomId]);
    for (const m of movers) {
      if (m.roomId === roomId) continue;
      touched.add(m.roomId);
      await this.#place(m, roomId, 'moved to another room');
      moved++;
    }
    if (moved) {
      h.placed(roomId, movers.map((m) => m.id));
      h.record('participant.moved', by, { room: target.name, participants: movers.map((m) => m.identity.displayName), ...(reason ? { reason } : by ? {} : { reason: 'the caucus timer ended' }) });
    }
    for (const m of movers) {
      h.presenceChanged(m);
      h.notify.to(m, 'room:updated', target.info());
    }
    for (const m of movers) h.showRoomTo(m);
    await this.#afterMoves(movers, touched, observersBefore);
    if (moved) h.log.info({ roomId, moved, by: by?.id }, 'participants moved');
    return moved;
  }

  /**
   * One person into a room or a waiting place: a screen shown in one room is not carried into
   * another (the share ends), and their media is re-wired. Someone reconnecting has no media now:
   * they arrive in the new place when they are back.
   */
  async #place(m: Member, roomId: string, why: string): Promise<void> {
    const h = this.#h;
    const from = this.#rooms.get(m.roomId);
    const closed = h.shares.ending(m, why, () => h.media.closeSources(m.id, ['screen', 'screen-audio']));
    if (from) h.shares.release(from, m.id, closed);
    m.roomId = roomId;
    this.#placements.set(m.id, roomId);
    if (h.media.hasPeer(m.id)) {
      await h.media.movePeer(m.id, roomId);
      await h.applyHold(m);
    }
  }

  /** After moves: the rooms people left or entered are shown anew, assessors follow, requests are re-checked. */
  async #afterMoves(movers: Member[], touched: Set<string>, observersBefore: Map<string, string>): Promise<void> {
    const h = this.#h;
    for (const rid of touched) {
      const r = this.#rooms.get(rid);
      if (r) h.notify.room(r.info());
    }
    await h.observers.after(observersBefore);
    h.assistance.afterMove(movers);
  }

  async #timerExpired(roomId: string): Promise<void> {
    const room = this.#rooms.get(roomId);
    if (!room || this.#h.closed()) return;
    room.timer = undefined;
    const occupants = this.#h.members().filter((m) => m.roomId === roomId);
    for (const m of occupants) this.#h.notify.to(m, 'room:timer-expired', { roomId });
    this.#h.notify.toModerators('room:timer-expired', { roomId });
    try {
      // Whoever is in the room when the time is up returns, not only those there at the warning;
      // and so does whoever was placed there and is not connected now (after a restart: everyone).
      await this.#serial(async () => {
        await this.#move(movable(this.#h.members().filter((m) => m.roomId === roomId)), JOINT_ROOM, null);
        for (const [pid, rid] of this.#placements) if (rid === roomId) this.#placements.set(pid, JOINT_ROOM);
      });
    } catch (err) {
      this.#h.log.error({ err, roomId }, 'returning people after a timer failed');
    }
    this.#h.changed();
    this.#h.log.info({ roomId, returned: occupants.length }, 'caucus timer ended');
  }
}

/**
 * Who a room close or a timer end moves: everyone in the room but assessors, who are never moved
 * by hand; they follow the mediator by themselves where everyone agreed (Observers).
 */
function movable(occupants: Member[]): string[] {
  return occupants.filter((m) => m.role !== 'assessor').map((m) => m.id);
}
