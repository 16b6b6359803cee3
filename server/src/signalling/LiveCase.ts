import {
  canModerate, CloseCode, closeMessages, ErrorCode, JOINT_ROOM, MAX_CAUCUSES, OBSERVER_WAITING_ROOM, PAUSE_HOLDER, ParleyError, presenceFor,
  roomsVisibleTo, type Announcement, type BreakdownSettings, type Notifications, type PersonRef, type Presence, type RecordActor, type RecordBody, type RecordEventType,
  type RoomInfo, type SessionPause,
} from '@parley/shared';
import type { CaseMedia } from '@parley/sfu';
import type { Logger } from '../logger.ts';
import { Member, type ParleySocket } from './Member.ts';
import { Notifier } from './Notifier.ts';
import { Room } from './Room.ts';
import { BreakdownLadder } from './BreakdownLadder.ts';
import { Observers } from './Observers.ts';
import { Announcements } from './Announcements.ts';
import { Assistance } from './Assistance.ts';
import { Shares } from './Shares.ts';
import { deliverConsumer } from './ConsumerDelivery.ts';
import type { Identity } from '../domain/CaseService.ts';

/** What other parts of the platform learn from room changes (e.g. caucus threads). */
export interface RoomHooks {
  roomCreated?: (caseId: string, roomId: string, name: string) => void;
  placed?: (caseId: string, roomId: string, participantIds: string[]) => void;
  /** Everything that belongs in the session record. */
  record?: (caseId: string, type: RecordEventType, actor: RecordActor | null, data: RecordBody['data']) => void;
}

/**
 * One case's live session: who is present, the rooms and who is in which, the mediator's holds,
 * and the media router behind it. Room membership here is the single source of truth the SFU
 * follows; every notification leaves through the Notifier with per-viewer filtering.
 */
export class LiveCase {
  readonly caseId: string;
  readonly media: CaseMedia;
  readonly notify: Notifier;
  readonly announcements: Announcements;
  /** People asking for the mediator from another room. */
  readonly assistance: Assistance;
  /** Screen shares and the stage they are shown on. */
  readonly shares: Shares;
  readonly #members = new Map<string, Member>();
  readonly #rooms = new Map<string, Room>();
  /** Where each person was placed; survives leaving and rejoining while the live case lasts. */
  readonly #placements = new Map<string, string>();
  /** Microphones the mediator holds muted, and by whom. */
  readonly #holds = new Map<string, PersonRef>();
  readonly #logger: Logger;
  readonly #newId: () => string;
  readonly #mediatorId: string;
  #closed = false;
  #chain: Promise<unknown> = Promise.resolve();
  onEmpty: () => void = () => undefined;

  readonly #hooks: RoomHooks;
  readonly ladder: BreakdownLadder;
  readonly #observers: Observers;

  constructor(
    caseId: string,
    media: CaseMedia,
    logger: Logger,
    opts: {
      mediatorId: string;
      newId: () => string;
      hooks?: RoomHooks;
      breakdown: BreakdownSettings;
      /** Whether everyone among these occupants agreed to the assessor following into their caucus. */
      mayObserveCaucus?: (occupantIds: string[]) => boolean;
    },
  ) {
    this.caseId = caseId;
    this.media = media;
    this.#logger = logger.child({ caseId });
    this.#newId = opts.newId;
    this.#mediatorId = opts.mediatorId;
    this.#hooks = opts.hooks ?? {};
    const mayObserveCaucus = opts.mayObserveCaucus ?? (() => false);
    this.notify = new Notifier(() => this.#members.values());
    this.announcements = new Announcements(this.notify);
    this.shares = new Shares({
      media,
      members: () => this.members(),
      rooms: () => this.#rooms.values(),
      room: (id) => this.#rooms.get(id),
      roomName: (id) => this.#roomName(id),
      mediatorId: this.#mediatorId,
      notify: this.notify,
      presenceChanged: (m) => this.presenceChanged(m),
      record: (type, by, data) => this.record(type, by, data),
    });
    this.assistance = new Assistance({
      members: () => this.members(),
      member: (id) => this.#members.get(id),
      room: (id) => this.#rooms.get(id),
      notify: this.notify,
      newId: this.#newId,
    });
    this.ladder = new BreakdownLadder(
      {
        member: (id) => this.#members.get(id),
        members: () => this.members(),
        notify: this.notify,
        record: (type, by, data) => this.record(type, by, data),
        applyHolds: () => this.#applyHolds(),
        remove: (m) => this.#remove(m, 'disconnected'),
        log: this.#logger,
      },
      opts.breakdown,
    );
    this.#observers = new Observers({
      members: () => this.members(),
      member: (id) => this.#members.get(id),
      mediatorId: this.#mediatorId,
      media,
      notify: this.notify,
      roomInfo: (id) => this.#rooms.get(id)?.info(),
      roomName: (id) => this.#roomName(id),
      presenceChanged: (m) => this.presenceChanged(m),
      showRoomTo: (m) => this.showRoomTo(m),
      record: (type, by, data) => this.record(type, by, data),
      mayObserveCaucus,
    });
    media.on('transport:state', (peerId, direction, state) => {
      const m = this.#members.get(peerId);
      if (m && this.ladder.transportState(m, direction, state)) this.presenceChanged(m);
    });
    this.#rooms.set(JOINT_ROOM, new Room(JOINT_ROOM, 'Joint room', this.#mediatorId));
    media.on('consumer:added', (peerId, offer) => void deliverConsumer(media, peerId, this.#members.get(peerId)?.socket, offer, this.#logger));
    media.on('consumer:closed', (peerId, consumerId, reason) => this.notify.to(this.#members.get(peerId), 'consumer:closed', { consumerId, reason }));
    media.on('consumer:paused', (peerId, consumerId) => this.notify.to(this.#members.get(peerId), 'consumer:paused', { consumerId }));
    media.on('consumer:resumed', (peerId, consumerId) => this.notify.to(this.#members.get(peerId), 'consumer:resumed', { consumerId }));
    media.on('close', (reason) => {
      if (reason === 'worker-died') {
        this.#logger.error('media worker died; ending the live session so clients rejoin');
        for (const m of [...this.#members.values()]) this.#disconnect(m, CloseCode.ServerRestart);
      }
      this.close();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }
  get log(): Logger {
    return this.#logger;
  }
  member(participantId: string): Member | undefined {
    return this.#members.get(participantId);
  }
  members(): Member[] {
    return [...this.#members.values()];
  }
  room(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }
  rooms(): Room[] {
    return [...this.#rooms.values()];
  }

  presenceOf(m: Member): Presence {
    const heldBy = this.#holds.get(m.id) ?? (this.ladder.holdsMic(m) ? PAUSE_HOLDER : null);
    return m.presence(this.media.producersOf(m.id), heldBy, this.media.isAudioOnly(m.id));
  }

  /** What `viewer` is told at join: others (redacted), the rooms they may know, the breakdown state. */
  viewFor(viewer: Member): {
    self: Presence;
    participants: Presence[];
    rooms: RoomInfo[];
    pause: SessionPause | null;
    breakdown: BreakdownSettings;
    announcements: Announcement[];
  } {
    return {
      self: this.presenceOf(viewer),
      participants: this.members().filter((m) => m !== viewer).map((m) => presenceFor(viewer.actor, this.presenceOf(m))),
      rooms: roomsVisibleTo(viewer.actor, this.rooms().map((r) => r.info())),
      pause: this.ladder.pauseInfo(),
      breakdown: this.ladder.settings,
      announcements: this.announcements.snapshot(),
    };
  }

  /**
   * Adds a person to the room they were last placed in (the joint room at first). If they are
   * already present (another tab or device), the older connection is told why and dropped first.
   */
  async join(identity: Identity, socket: ParleySocket): Promise<Member> {
    const existing = this.#members.get(identity.participantId);
    if (existing?.connection === 'reconnecting') return this.#rejoin(existing, socket, 'recovered');
    if (existing) return this.#replace(existing, socket);
    const placed = this.#placements.get(identity.participantId);
    const roomId = identity.role === 'assessor' ? this.#observers.target() : placed && this.#rooms.has(placed) ? placed : JOINT_ROOM;
    const member = new Member(identity, socket, roomId);
    this.media.addPeer(member.id, roomId);
    this.#members.set(member.id, member);
    await this.#applyHold(member);
    socket.data.member = member;
    this.notify.presence('participant:joined', this.presenceOf(member), member.id);
    this.record('participant.joined', member.ref, { room: this.#roomName(roomId) });
    if (member.role === 'assessor') this.#observers.joined(member);
    this.#logger.info({ participantId: member.id, role: identity.role, roomId }, 'participant joined');
    await this.ladder.arrived(member);
    return member;
  }

  /**
   * Another tab or a reload of the same browser, or a reconnect that beat the server to noticing
   * the old connection died: the old one is told why and closed; the person keeps their room,
   * holds and control. An invitation link opened in another browser or device may be someone
   * else holding the link: the mediator is told and the record keeps it, so it is not silent.
   */
  async #replace(existing: Member, socket: ParleySocket): Promise<Member> {
    const device = socket.data.device ?? null;
    const elsewhere = device === null || device !== existing.device;
    const linkReused = elsewhere && existing.identity.jti !== undefined;
    this.#logger.info({ participantId: existing.id, elsewhere }, 'second connection replaces the first');
    if (linkReused) this.#disconnect(existing, CloseCode.ReplacedElsewhere);
    else this.#disconnect(existing, CloseCode.Replaced, elsewhere ? 'You opened this session in another browser or on another device, so this window was disconnected.' : undefined);
    this.#dropMedia(existing, elsewhere ? 'opened again in another browser or device' : 'opened again in another tab or window');
    const member = await this.#rejoin(existing, socket, 'replaced');
    if (linkReused) {
      this.notify.toModerators('participant:link-reused', { participant: member.ref, at: new Date().toISOString() });
      this.record('participant.link-reused', null, { participant: member.identity.displayName, room: this.#roomName(member.roomId) });
    }
    return member;
  }

  /**
   * Back on a new connection within the grace period: the same member, in the room they were in,
   * with the mediator's hold and their stage control as they were. Media starts afresh.
   */
  async #rejoin(member: Member, socket: ParleySocket, how: 'recovered' | 'replaced'): Promise<Member> {
    member.socket = socket;
    member.device = socket.data.device ?? null;
    socket.data.member = member;
    if (!this.media.hasPeer(member.id)) this.media.addPeer(member.id, member.roomId);
    if (how === 'recovered') this.ladder.recovered(member, 'rejoined');
    await this.#applyHold(member);
    this.presenceChanged(member);
    return member;
  }

  /** Deliberate leave: gone at once, no grace period. */
  leave(member: Member): void {
    if (this.#members.get(member.id) !== member) return;
    this.#remove(member, 'left');
  }

  /**
   * The person's socket is gone without a goodbye (network, closed laptop, a rejoin after a media
   * failure). Their media ends now; their place, holds and control wait for the grace period.
   */
  dropped(member: Member, cause: string): void {
    if (this.#members.get(member.id) !== member || member.connection === 'reconnecting') return;
    if (member.socket.data.member === member) member.socket.data.member = undefined;
    this.#dropMedia(member, 'connection lost');
    this.ladder.dropped(member, cause);
    this.presenceChanged(member);
  }

  /** Ends a person's media (their shares leave the stage) but not their place in the session. */
  #dropMedia(member: Member, why: string): void {
    const owned = this.media.producersOf(member.id).map((p) => p.producerId);
    this.shares.ending(member, why, () => this.media.removePeer(member.id));
    const room = this.#rooms.get(member.roomId);
    if (room) this.shares.release(room, null, owned);
  }

  /** Present and connected (not waiting out a grace period). */
  isConnected(participantId: string): boolean {
    const m = this.#members.get(participantId);
    return !!m && m.connection !== 'reconnecting';
  }

  setBreakdown(settings: BreakdownSettings): void {
    this.ladder.settings = settings;
  }

  async setAudioOnly(member: Member, on: boolean, reason: string): Promise<boolean> {
    if (this.media.isAudioOnly(member.id) === on) return on;
    await this.media.setAudioOnly(member.id, on);
    this.ladder.audioOnly(member, on, reason);
    this.presenceChanged(member);
    return on;
  }

  /** The pause holds participants' microphones in the joint room; the mediator's own holds stay. */
  async #applyHold(m: Member): Promise<void> {
    if (!this.media.hasPeer(m.id)) return;
    const held = this.#holds.has(m.id) || this.ladder.holdsMic(m);
    if (held !== this.media.isHeld(m.id, 'mic')) await this.media.setHold(m.id, 'mic', held);
  }

  async #applyHolds(): Promise<void> {
    for (const m of this.members()) {
      if (canModerate(m.role)) continue;
      await this.#applyHold(m);
      this.presenceChanged(m);
    }
  }

  presenceChanged(member: Member): void {
    this.notify.presence('participant:updated', this.presenceOf(member));
  }

  /**
   * Someone who just entered a room learns who is already there: those people's last update reached
   * them redacted (another room), so without this they would hear voices with no name or picture.
   */
  showRoomTo(member: Member): void {
    for (const m of this.members()) {
      if (m !== member && m.roomId === member.roomId) this.notify.to(member, 'participant:updated', presenceFor(member.actor, this.presenceOf(m)));
    }
  }

  expel(participantId: string, code: CloseCode): void {
    const m = this.#members.get(participantId);
    if (!m) return;
    this.#disconnect(m, code);
    this.#remove(m, 'removed');
  }

  // --- rooms -----------------------------------------------------------------------------------

  createRoom(name: string, by: PersonRef | null = null): Room {
    if (this.#rooms.size - 1 >= MAX_CAUCUSES) throw new ParleyError(ErrorCode.Conflict, `At most ${MAX_CAUCUSES} caucuses at once.`);
    const room = new Room(`caucus-${this.#newId()}`, name, this.#mediatorId);
    this.#rooms.set(room.id, room);
    this.#hook(() => this.#hooks.roomCreated?.(this.caseId, room.id, name));
    this.record('room.created', by, { room: name });
    this.notify.room(room.info());
    this.#logger.info({ roomId: room.id }, 'caucus created');
    return room;
  }

  closeRoom(roomId: string, by: PersonRef | null): Promise<void> {
    return this.#serial(() => this.#closeRoom(roomId, by));
  }

  /**
   * Moves people into a room. Moves (and room closes, timer ends) run one at a time per case, so
   * two quick moves cannot interleave their media re-wiring.
   */
  move(participantIds: string[], roomId: string, by: PersonRef | null): Promise<number> {
    return this.#serial(() => this.#move(participantIds, roomId, by));
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  async #closeRoom(roomId: string, by: PersonRef | null): Promise<void> {
    const room = this.#requireRoom(roomId);
    if (room.kind === 'joint') throw new ParleyError(ErrorCode.BadRequest, 'The joint room cannot be closed.');
    room.clearTimer();
    const occupants = this.members().filter((m) => m.roomId === roomId);
    await this.#move(occupants.map((m) => m.id), JOINT_ROOM, by);
    this.#rooms.delete(roomId);
    for (const [pid, rid] of this.#placements) if (rid === roomId) this.#placements.set(pid, JOINT_ROOM);
    this.notify.toModerators('room:closed', { roomId });
    for (const m of occupants) if (!canModerate(m.role)) this.notify.to(m, 'room:closed', { roomId });
    this.record('room.closed', by, { room: room.name });
    this.#logger.info({ roomId }, 'caucus closed');
  }

  /**
   * Media is re-wired first (old audio stops before anything else is sent), then everyone learns
   * what they may know: the movers get their new room, others see them arrive or leave (redacted
   * for parties outside the room).
   */
  async #move(participantIds: string[], roomId: string, by: PersonRef | null): Promise<number> {
    const target = this.#requireRoom(roomId);
    const movers = participantIds.map((id) => {
      const m = this.#members.get(id);
      if (!m) throw new ParleyError(ErrorCode.NotFound, 'That person is not in the session right now.');
      if (m.role === 'assessor') throw new ParleyError(ErrorCode.BadRequest, 'The assessor follows the mediator by themselves, where everyone agreed.');
      return m;
    });
    const observersBefore = await this.#observers.beforeMove(movers, roomId);
    let moved = 0;
    const touched = new Set<string>([roomId]);
    for (const m of movers) {
      if (m.roomId === roomId) continue;
      const from = this.#rooms.get(m.roomId);
      touched.add(m.roomId);
      // A screen shown in one room is not carried into another: the share ends on a move.
      const closed = this.shares.ending(m, 'moved to another room', () => this.media.closeSources(m.id, ['screen', 'screen-audio']));
      if (from) this.shares.release(from, m.id, closed);
      m.roomId = roomId;
      this.#placements.set(m.id, roomId);
      // Someone reconnecting has no media now: they arrive in the new room when they are back.
      if (this.media.hasPeer(m.id)) {
        await this.media.movePeer(m.id, roomId);
        await this.#applyHold(m);
      }
      moved++;
    }
    if (moved) {
      this.#hook(() => this.#hooks.placed?.(this.caseId, roomId, movers.map((m) => m.id)));
      this.record('participant.moved', by, { to: target.name, participants: movers.map((m) => m.identity.displayName), ...(by ? {} : { reason: 'the caucus timer ended' }) });
    }
    for (const m of movers) {
      this.presenceChanged(m);
      this.notify.to(m, 'room:updated', target.info());
    }
    for (const m of movers) this.showRoomTo(m);
    for (const rid of touched) {
      const r = this.#rooms.get(rid);
      if (r) this.notify.room(r.info());
    }
    await this.#observers.after(observersBefore);
    this.assistance.afterMove(movers);
    if (moved) this.#logger.info({ roomId, moved, by: by?.id }, 'participants moved');
    return moved;
  }

  setTimer(roomId: string, minutes: number | null, warnSeconds: number, by: PersonRef | null = null): Room {
    const room = this.#requireRoom(roomId);
    if (room.kind === 'joint') throw new ParleyError(ErrorCode.BadRequest, 'Timers are for caucuses: everyone returns to the joint room when one ends.');
    room.clearTimer();
    if (minutes !== null) {
      const ms = Math.round(minutes * 60_000);
      const endsAt = Date.now() + ms;
      const warnIn = ms - warnSeconds * 1000;
      room.timer = {
        endsAt,
        warnSeconds,
        warnHandle:
          warnIn > 0
            ? setTimeout(() => {
                const p = { roomId, secondsLeft: warnSeconds };
                this.notify.toRoom(roomId, 'room:timer-warning', p);
                this.notify.toModerators('room:timer-warning', p);
              }, warnIn)
            : undefined,
        endHandle: setTimeout(() => void this.#timerExpired(roomId), ms),
      };
    }
    this.record('room.timer-set', by, { room: room.name, minutes });
    this.notify.room(room.info());
    return room;
  }

  async #timerExpired(roomId: string): Promise<void> {
    const room = this.#rooms.get(roomId);
    if (!room || this.#closed) return;
    room.timer = undefined;
    const occupants = this.members().filter((m) => m.roomId === roomId);
    for (const m of occupants) this.notify.to(m, 'room:timer-expired', { roomId });
    this.notify.toModerators('room:timer-expired', { roomId });
    try {
      // Whoever is in the room when the time is up returns, not only those there at the warning.
      await this.#serial(() => this.#move(this.members().filter((m) => m.roomId === roomId).map((m) => m.id), JOINT_ROOM, null));
    } catch (err) {
      this.#logger.error({ err, roomId }, 'returning people after a timer failed');
    }
    this.#logger.info({ roomId, returned: occupants.length }, 'caucus timer ended');
  }

  // --- moderation -------------------------------------------------------------------------------

  async hold(target: Member, by: PersonRef): Promise<boolean> {
    if (canModerate(target.role)) return false;
    this.#holds.set(target.id, by);
    await this.#applyHold(target);
    this.presenceChanged(target);
    this.record('moderation.muted', by, { participant: target.identity.displayName });
    return true;
  }

  async askToUnmute(target: Member, by: PersonRef): Promise<void> {
    if (this.ladder.holdsMic(target)) {
      throw new ParleyError(ErrorCode.Conflict, 'The joint session is paused: microphones in the joint room stay off until you resume it.');
    }
    this.#holds.delete(target.id);
    await this.#applyHold(target);
    this.presenceChanged(target);
    this.notify.to(target, 'moderation:unmute-requested', { by });
    this.record('moderation.unmute-asked', by, { participant: target.identity.displayName });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.ladder.close();
    for (const r of this.#rooms.values()) r.clearTimer();
    for (const m of this.#members.values()) m.socket.data.member = undefined;
    this.#members.clear();
    this.media.close();
    this.onEmpty();
  }

  #roomName(roomId: string): string {
    return this.#rooms.get(roomId)?.name ?? (roomId === OBSERVER_WAITING_ROOM ? 'outside the caucus (not observing)' : roomId);
  }

  /** Adds an entry to the session record; `by` is resolved to a person with their role. */
  record(type: RecordEventType, by: PersonRef | null, data: RecordBody['data']): void {
    const m = by ? this.#members.get(by.id) : undefined;
    const actor: RecordActor | null = by ? { id: by.id, displayName: by.displayName, role: m?.role ?? (by.id === this.#mediatorId ? 'mediator' : 'party') } : null;
    this.#hook(() => this.#hooks.record?.(this.caseId, type, actor, data));
  }

  /** A failing listener must not break the live session. */
  #hook(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#logger.error({ err }, 'room hook failed');
    }
  }

  #requireRoom(roomId: string): Room {
    const room = this.#rooms.get(roomId);
    if (!room) throw new ParleyError(ErrorCode.NotFound, 'No such room.');
    return room;
  }

  #remove(member: Member, reason: Notifications['participant:left']['reason']): void {
    this.#members.delete(member.id);
    this.ladder.forget(member.id);
    if (member.socket.data.member === member) member.socket.data.member = undefined;
    const room = this.#rooms.get(member.roomId);
    const owned = this.media.producersOf(member.id).map((p) => p.producerId);
    // Before 'participant.left', while the record still places them in their room.
    const why = reason === 'left' ? 'left the session' : reason === 'removed' ? 'removed from the session' : 'did not reconnect in time';
    this.shares.ending(member, why, () => this.media.removePeer(member.id));
    if (room) this.shares.release(room, member.id, owned);
    this.notify.toAll('participant:left', { participantId: member.id, reason });
    this.record('participant.left', member.ref, { reason });
    this.#logger.info({ participantId: member.id, reason }, 'participant left');
    if (this.#members.size === 0) this.close();
  }

  #disconnect(member: Member, code: CloseCode, message = closeMessages[code]): void {
    member.socket.emit('session:closed', { code, message });
    member.socket.data.member = undefined;
    const s = member.socket;
    setTimeout(() => s.disconnect(true), 50);
  }
}
