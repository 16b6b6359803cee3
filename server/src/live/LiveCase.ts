import {
  CloseCode, closeMessages, ErrorCode, PAUSE_HOLDER, ParleyError, presenceFor, roomsVisibleTo, type Announcement, type BreakdownSettings, type Notifications,
  type LiveSnapshot, type PersonRef, type Presence, type RecordActor, type RecordData, type RecordEventType, type RoomInfo, type SessionPause,
} from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { LiveMedia } from './LiveMedia.ts';
import { Member, type ParleySocket } from './Member.ts';
import { Notifier } from './Notifier.ts';
import type { Room } from './Room.ts';
import { Rooms } from './Rooms.ts';
import { Moderation } from './Moderation.ts';
import { BreakdownLadder } from './BreakdownLadder.ts';
import { Observers } from './Observers.ts';
import { Announcements } from './Announcements.ts';
import { Assistance } from './Assistance.ts';
import { Shares } from './Shares.ts';
import { deliverConsumer } from './ConsumerDelivery.ts';
import { LiveStateKeeper, type LiveStateStorage } from './LiveStateKeeper.ts';
import type { Identity } from '../domain/CaseService.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { RecordEntryEvent } from '../events/events.ts';

/**
 * One case's live session: who is present (joining, rejoining, a second connection, leaving, a
 * dropped connection, being removed) and what each person is told of the others. The rooms
 * (Rooms), the mediator's moderation (Moderation), shares, the breakdown ladder and the observers
 * are its parts. Room membership here is the single source of truth the SFU follows; every
 * notification leaves through the Notifier with per-viewer filtering.
 */
export class LiveCase {
  readonly caseId: string;
  readonly media: LiveMedia;
  readonly notify: Notifier;
  readonly announcements: Announcements;
  /** People asking for the mediator from another room. */
  readonly assistance: Assistance;
  /** Screen shares and the stage they are shown on. */
  readonly shares: Shares;
  /** The joint room and the caucuses: moves, timers, where each person was placed. */
  readonly rooms: Rooms;
  /** The mediator's holds, control of the stage, share policy and announcements. */
  readonly moderation: Moderation;
  readonly ladder: BreakdownLadder;
  readonly #members = new Map<string, Member>();
  readonly #logger: Logger;
  readonly #mediatorId: string;
  /** Where other parts of the platform learn of new caucuses, placements and record entries. */
  readonly #bus: EventBus;
  readonly #observers: Observers;
  /** Writes the rooms, placements, holds and pause through to the store (absent: kept in memory only). */
  readonly #keeper: LiveStateKeeper | undefined;
  #closed = false;
  onEmpty: () => void = () => undefined;
  /** Who is connected now, told whenever that changes (LiveSessions passes it on). */
  onOnline: (participantIds: string[]) => void = () => undefined;
  /** The last list `onOnline` was told, so an update that changes nobody's connection says nothing. */
  #onlineTold = '';

  constructor(
    caseId: string,
    media: LiveMedia,
    logger: Logger,
    opts: {
      mediatorId: string;
      newId: () => string;
      bus: EventBus;
      breakdown: BreakdownSettings;
      /** Whether everyone among these occupants agreed to the assessor following into their caucus (read from the store). */
      mayObserveCaucus?: (occupantIds: string[]) => Promise<boolean>;
      /** Parties and advisors wait until the mediator lets them in (Rooms.placementOf). Off unless set. */
      waitingRoom?: boolean;
      /** Where the live state is kept, and what was kept before a restart (null: a fresh start). */
      kept?: { storage: LiveStateStorage; restored: LiveSnapshot | null };
    },
  ) {
    this.caseId = caseId;
    this.media = media;
    this.#logger = logger.child({ caseId });
    this.#mediatorId = opts.mediatorId;
    this.#bus = opts.bus;
    const ask = opts.mayObserveCaucus ?? (async () => false);
    // A check that fails counts as a refusal: the assessor stays outside, the move goes on.
    const mayObserveCaucus = async (occupantIds: string[]): Promise<boolean> => {
      try {
        return await ask(occupantIds);
      } catch (err) {
        this.#logger.error({ err }, 'could not check whether the assessor may follow into the caucus; they stay outside');
        return false;
      }
    };
    this.notify = new Notifier(() => this.#members.values());
    this.announcements = new Announcements(this.notify);
    this.shares = new Shares({
      media,
      members: () => this.members(),
      rooms: () => this.rooms.all(),
      room: (id) => this.rooms.get(id),
      roomName: (id) => this.rooms.name(id),
      mediatorId: this.#mediatorId,
      notify: this.notify,
      presenceChanged: (m) => this.presenceChanged(m),
      record: (type, by, data) => this.record(type, by, data),
    });
    this.assistance = new Assistance({
      members: () => this.members(),
      member: (id) => this.#members.get(id),
      room: (id) => this.rooms.get(id),
      notify: this.notify,
      newId: opts.newId,
    });
    this.ladder = new BreakdownLadder(
      {
        member: (id) => this.#members.get(id),
        members: () => this.members(),
        notify: this.notify,
        record: (type, by, data) => this.record(type, by, data),
        applyHolds: () => this.moderation.applyHolds(),
        remove: (m) => this.#remove(m, 'disconnected'),
        changed: () => this.#changed(),
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
      roomInfo: (id) => this.rooms.get(id)?.info(),
      roomName: (id) => this.rooms.name(id),
      presenceChanged: (m) => this.presenceChanged(m),
      showRoomTo: (m) => this.showRoomTo(m),
      record: (type, by, data) => this.record(type, by, data),
      mayObserveCaucus,
    });
    this.rooms = new Rooms({
      member: (id) => this.#members.get(id),
      members: () => this.members(),
      media,
      notify: this.notify,
      shares: this.shares,
      observers: this.#observers,
      assistance: this.assistance,
      mediatorId: this.#mediatorId,
      newId: opts.newId,
      log: this.#logger,
      closed: () => this.#closed,
      applyHold: (m) => this.moderation.applyHold(m),
      presenceChanged: (m) => this.presenceChanged(m),
      showRoomTo: (m) => this.showRoomTo(m),
      record: (type, by, data) => this.record(type, by, data),
      created: (roomId, name) => this.#bus.emit('room.created', { caseId: this.caseId, roomId, name }),
      placed: (roomId, participantIds) => this.#bus.emit('room.placed', { caseId: this.caseId, roomId, participantIds }),
      waitingRoom: opts.waitingRoom ?? false,
      changed: () => this.#changed(),
    });
    this.moderation = new Moderation({
      present: (id) => this.present(id),
      member: (id) => this.#members.get(id),
      members: () => this.members(),
      rooms: this.rooms,
      media,
      ladder: this.ladder,
      notify: this.notify,
      announcements: this.announcements,
      shares: this.shares,
      presenceChanged: (m) => this.presenceChanged(m),
      record: (type, by, data) => this.record(type, by, data),
      log: this.#logger,
    });
    const restored = opts.kept?.restored ?? null;
    if (restored) {
      this.rooms.restore(restored);
      this.moderation.restoreHolds(restored.holds);
      this.ladder.restorePause(restored.pause);
      this.announcements.restore(restored.announcements);
      this.#logger.info({ rooms: restored.rooms.length, placements: restored.placements.length, holds: restored.holds.length, paused: !!restored.pause }, 'live session rebuilt from its kept state');
    }
    this.#keeper = opts.kept && new LiveStateKeeper(caseId, () => this.snapshot(), opts.kept.storage, this.#logger, restored);
    media.on('transport:state', (peerId, direction, state, cause) => {
      const m = this.#members.get(peerId);
      if (m && this.ladder.transportState(m, direction, state, cause)) this.presenceChanged(m);
    });
    media.on('consumer:added', (peerId, offer) => void deliverConsumer(media, peerId, this.#members.get(peerId)?.socket, offer, this.#logger));
    media.on('consumer:closed', (peerId, consumerId, reason) => this.notify.to(this.#members.get(peerId), 'consumer:closed', { consumerId, reason }));
    media.on('consumer:paused', (peerId, consumerId) => this.notify.to(this.#members.get(peerId), 'consumer:paused', { consumerId }));
    media.on('consumer:resumed', (peerId, consumerId) => this.notify.to(this.#members.get(peerId), 'consumer:resumed', { consumerId }));
    media.on('worker-lost', () => this.#mediaLost());
    media.on('close', (reason) => {
      if (reason === 'worker-died') {
        this.#logger.error('media worker died and no other took the case over; ending the live session so clients rejoin');
        for (const m of [...this.#members.values()]) this.#disconnect(m, CloseCode.ServerRestart);
      }
      this.close();
    });
  }

  /**
   * The worker carrying this case died and took every transport with it; the session itself (rooms,
   * placements, holds, stage control) lives here and is intact. Each connected person is dropped as
   * a lost connection is, so the others see them "reconnecting" in the room they were in while the
   * grace period runs, and is told the service restarts (4503, not terminal): their client rejoins
   * by itself, into the same room, with new transports on the media rebuilt on a live worker.
   */
  #mediaLost(): void {
    this.#logger.error('media worker died; the case media moves to another worker and everyone reconnects their media');
    for (const m of this.members()) {
      if (m.connection === 'reconnecting') continue;
      this.dropped(m, 'the media server restarted');
      this.#disconnect(m, CloseCode.ServerRestart);
    }
  }

  /** What is kept across a restart (LiveSnapshot). */
  snapshot(): LiveSnapshot {
    return {
      v: 1,
      ...this.rooms.snapshot(),
      holds: this.moderation.holds(),
      pause: this.ladder.pauseSnapshot(),
      announcements: this.announcements.snapshot(),
    };
  }

  /**
   * Resolves once the live state as it is now is stored: awaited before a request that may have
   * changed it is acknowledged (dispatch), so what a person was told happened survives a restart.
   */
  settle(): Promise<void> {
    return this.#keeper?.settle() ?? Promise.resolve();
  }

  /** Writes still in progress, including the last one after the case closed. */
  get idle(): Promise<void> {
    return this.#keeper?.idle ?? Promise.resolve();
  }

  /** A change no request caused (a timer, a grace period): kept without anyone waiting for it. */
  #changed(): void {
    if (!this.#closed) void this.settle();
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
    return this.rooms.get(roomId);
  }
  /** The person, present now, or a typed refusal. */
  present(participantId: string): Member {
    const m = this.#members.get(participantId);
    if (!m) throw new ParleyError(ErrorCode.NotFound, 'That person is not in the session right now.');
    return m;
  }

  presenceOf(m: Member): Presence {
    const heldBy = this.moderation.heldBy(m.id) ?? (this.ladder.holdsMic(m) ? PAUSE_HOLDER : null);
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
      rooms: roomsVisibleTo(viewer.actor, this.rooms.all().map((r) => r.info())),
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
    // An assessor goes where the mediator is if everyone there agreed, which is read from the store:
    // found and entered between moves (Rooms.between), so no move re-wires that room meanwhile.
    const member =
      identity.role === 'assessor'
        ? await this.rooms.between(async () => this.#enter(identity, socket, await this.#observers.target()))
        : this.#enter(identity, socket, this.rooms.placementOf(identity.participantId, identity.role));
    const roomId = member.roomId;
    await this.moderation.applyHold(member);
    socket.data.member = member;
    this.notify.presence('participant:joined', this.presenceOf(member), member.id);
    this.#tellOnline();
    this.record('participant.joined', member.ref, { room: this.#roomName(roomId) });
    if (member.role === 'assessor') this.#observers.joined(member);
    this.#logger.info({ participantId: member.id, role: identity.role, roomId }, 'participant joined');
    await this.ladder.arrived(member);
    return member;
  }

  /** A new member in `roomId`, with their media there. */
  #enter(identity: Identity, socket: ParleySocket, roomId: string): Member {
    // The live case may have ended while an assessor's room was looked up.
    if (this.#closed) throw new ParleyError(ErrorCode.NotInSession, 'The session ended. Please join again.');
    // …or the assessor's connection closed while they waited (nothing would ever remove them).
    if (!socket.connected) throw new ParleyError(ErrorCode.NotInSession, 'Connection closed.');
    const member = new Member(identity, socket, roomId);
    this.media.addPeer(member.id, roomId);
    this.#members.set(member.id, member);
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
    await this.moderation.applyHold(member);
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
    const room = this.rooms.get(member.roomId);
    if (room) this.shares.release(room, null, owned);
  }

  /** Present and connected (not waiting out a grace period). */
  isConnected(participantId: string): boolean {
    const m = this.#members.get(participantId);
    return !!m && m.connection !== 'reconnecting';
  }

  /** Everyone present and connected. */
  connectedIds(): string[] {
    return [...this.#members.values()].filter((m) => m.connection !== 'reconnecting').map((m) => m.id);
  }

  #tellOnline(): void {
    const ids = this.connectedIds().sort();
    const told = ids.join(' ');
    if (told === this.#onlineTold) return;
    this.#onlineTold = told;
    this.onOnline(ids);
  }

  setBreakdown(settings: BreakdownSettings): void {
    this.ladder.settings = settings;
  }

  /** The mediator turned the waiting room on or off during the live session; off lets everyone waiting in. */
  async setWaitingRoom(on: boolean, by: Identity): Promise<void> {
    this.rooms.setWaitingRoom(on);
    if (!on) await this.rooms.openJoint({ id: by.participantId, displayName: by.displayName });
  }

  /**
   * The mediator ends the session for everyone, with a reason everyone is told [3.7.1]: either
   * the joint session ends and every party and advisor goes back to the waiting room (the live
   * case goes on: the mediator may talk to people one by one, or let them in again), or the whole
   * live session ends and every connection, the mediator's own included, is closed with the reason.
   */
  async end(by: Member, to: 'waiting-room' | 'out', reason: string): Promise<number> {
    if (to === 'waiting-room') {
      const sent = await this.rooms.sendAllToWaiting(by.ref);
      this.record('session.ended', by.ref, { outcome: 'back-to-waiting-room', participants: sent.map((m) => m.identity.displayName), reason });
      this.notify.toAll('session:ended', { to, reason, by: by.ref });
      return sent.length;
    }
    const others = this.members().filter((m) => m !== by);
    this.record('session.ended', by.ref, { outcome: 'disconnected', participants: others.map((m) => m.identity.displayName), reason });
    this.#logger.info({ by: by.id, disconnected: others.length }, 'session ended for everyone');
    for (const m of others) this.#disconnect(m, CloseCode.SessionEnded, `${by.identity.displayName} ended the session: “${reason}”`);
    this.#disconnect(by, CloseCode.SessionEnded, `You ended the session for everyone: “${reason}”`);
    this.close(true);
    return others.length;
  }

  async setAudioOnly(member: Member, on: boolean, reason: string): Promise<boolean> {
    if (this.media.isAudioOnly(member.id) === on) return on;
    await this.media.setAudioOnly(member.id, on);
    this.ladder.audioOnly(member, on, reason);
    this.presenceChanged(member);
    return on;
  }

  presenceChanged(member: Member): void {
    this.notify.presence('participant:updated', this.presenceOf(member));
    this.#tellOnline();
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

  /**
   * The live case stops on this node. Ended (everyone left, or the mediator ended it for
   * everyone): its kept state goes. Otherwise (a restart, a lost worker) the state stays, and the
   * case is rebuilt from it when someone comes back.
   */
  close(ended = false): void {
    if (this.#closed) return;
    // Before anything is torn down (the timers below): the state kept is the session's.
    void this.#keeper?.stop(ended);
    this.#closed = true;
    this.ladder.close();
    this.rooms.clearTimers();
    for (const m of this.#members.values()) m.socket.data.member = undefined;
    this.#members.clear();
    this.media.close();
    this.onEmpty();
  }

  #roomName(roomId: string): string {
    return this.rooms.name(roomId);
  }

  /** Adds an entry to the session record; `by` is resolved to a person with their role. */
  record<T extends RecordEventType>(type: T, by: PersonRef | null, data: RecordData<T>): void {
    const m = by ? this.#members.get(by.id) : undefined;
    const actor: RecordActor | null = by ? { id: by.id, displayName: by.displayName, role: m?.role ?? (by.id === this.#mediatorId ? 'mediator' : 'party') } : null;
    this.#bus.emit('record.entry', { caseId: this.caseId, type, actor, data } as RecordEntryEvent); // T ties type and data together; the union cannot see it
  }

  #remove(member: Member, reason: Notifications['participant:left']['reason']): void {
    this.#members.delete(member.id);
    this.ladder.forget(member.id);
    if (member.socket.data.member === member) member.socket.data.member = undefined;
    const room = this.rooms.get(member.roomId);
    const owned = this.media.producersOf(member.id).map((p) => p.producerId);
    // Before 'participant.left', while the record still places them in their room.
    const why = reason === 'left' ? 'left the session' : reason === 'removed' ? 'removed from the session' : 'did not reconnect in time';
    this.shares.ending(member, why, () => this.media.removePeer(member.id));
    if (room) this.shares.release(room, member.id, owned);
    this.notify.toAll('participant:left', { participantId: member.id, reason });
    this.#tellOnline();
    this.record('participant.left', member.ref, { reason });
    this.#logger.info({ participantId: member.id, reason }, 'participant left');
    if (this.#members.size === 0) this.close(true);
  }

  #disconnect(member: Member, code: CloseCode, message = closeMessages[code]): void {
    member.socket.emit('session:closed', { code, message });
    member.socket.data.member = undefined;
    const s = member.socket;
    setTimeout(() => s.disconnect(true), 50);
  }
}
