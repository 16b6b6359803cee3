import { CloseCode, closeMessages, JOINT_ROOM, type Notifications, type Presence } from '@parley/shared';
import type { CaseMedia } from '@parley/sfu';
import type { Logger } from '../logger.ts';
import { Member, type ParleySocket } from './Member.ts';
import type { Identity } from '../domain/CaseService.ts';

/**
 * One case's live session: who is present, in which room, and the media router behind it.
 * Every notification leaves through here, so who-learns-what is decided in one place.
 */
export class LiveCase {
  readonly caseId: string;
  readonly media: CaseMedia;
  readonly #members = new Map<string, Member>();
  readonly #logger: Logger;
  #closed = false;
  onEmpty: () => void = () => undefined;

  constructor(caseId: string, media: CaseMedia, logger: Logger) {
    this.caseId = caseId;
    this.media = media;
    this.#logger = logger.child({ caseId });
    media.on('consumer:added', (peerId, c) => this.#toMember(peerId, 'consumer:added', c));
    media.on('consumer:closed', (peerId, consumerId, reason) => this.#toMember(peerId, 'consumer:closed', { consumerId, reason }));
    media.on('consumer:paused', (peerId, consumerId) => this.#toMember(peerId, 'consumer:paused', { consumerId }));
    media.on('consumer:resumed', (peerId, consumerId) => this.#toMember(peerId, 'consumer:resumed', { consumerId }));
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

  member(participantId: string): Member | undefined {
    return this.#members.get(participantId);
  }
  members(): Member[] {
    return [...this.#members.values()];
  }

  presenceOf(m: Member): Presence {
    return m.presence(this.media.publishedSources(m.id));
  }

  /**
   * Adds a person to the joint room. If they are already present (another tab or device), the
   * older connection is told why and dropped first: one presence per identity (threats.md #13).
   */
  join(identity: Identity, socket: ParleySocket): Member {
    const existing = this.#members.get(identity.participantId);
    if (existing) {
      this.#logger.info({ participantId: identity.participantId }, 'second connection replaces the first');
      this.#disconnect(existing, CloseCode.Replaced);
      this.#remove(existing, 'replaced');
    }
    const member = new Member(identity, socket, JOINT_ROOM);
    this.media.addPeer(member.id, member.roomId);
    this.#members.set(member.id, member);
    socket.data.member = member;
    this.#broadcast('participant:joined', this.presenceOf(member), member.id);
    this.#logger.info({ participantId: member.id, role: identity.role }, 'participant joined');
    return member;
  }

  leave(member: Member, reason: 'left' | 'disconnected'): void {
    if (this.#members.get(member.id) !== member) return;
    this.#remove(member, reason);
  }

  /** Pushes a participant's changed state (mic/camera) to everyone present. */
  presenceChanged(member: Member): void {
    this.#broadcast('participant:updated', this.presenceOf(member));
  }

  /** Ends a person's presence with a terminal reason (e.g. their link was revoked). */
  expel(participantId: string, code: CloseCode): void {
    const m = this.#members.get(participantId);
    if (!m) return;
    this.#disconnect(m, code);
    this.#remove(m, 'removed');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const m of this.#members.values()) m.socket.data.member = undefined;
    this.#members.clear();
    this.media.close();
    this.onEmpty();
  }

  #remove(member: Member, reason: Notifications['participant:left']['reason']): void {
    this.#members.delete(member.id);
    if (member.socket.data.member === member) member.socket.data.member = undefined;
    this.media.removePeer(member.id);
    this.#broadcast('participant:left', { participantId: member.id, reason });
    this.#logger.info({ participantId: member.id, reason }, 'participant left');
    if (this.#members.size === 0) this.close();
  }

  #disconnect(member: Member, code: CloseCode): void {
    member.socket.emit('session:closed', { code, message: closeMessages[code] });
    member.socket.data.member = undefined;
    // Give the notification a moment to be flushed before the transport closes.
    const s = member.socket;
    setTimeout(() => s.disconnect(true), 50);
  }

  #toMember<K extends keyof Notifications>(participantId: string, event: K, payload: Notifications[K]): void {
    const m = this.#members.get(participantId);
    if (m) (m.socket.emit as (e: K, p: Notifications[K]) => void)(event, payload);
  }

  #broadcast<K extends keyof Notifications>(event: K, payload: Notifications[K], exceptId?: string): void {
    for (const m of this.#members.values()) {
      if (m.id !== exceptId) (m.socket.emit as (e: K, p: Notifications[K]) => void)(event, payload);
    }
  }
}
