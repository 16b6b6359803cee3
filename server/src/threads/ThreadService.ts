import { randomId } from '../crypto/randomId.ts';
import {
  canDeleteMessage, canEditMessage, canPostInThread, canSeeTombstone, ErrorCode, JOINT_ROOM, ParleyError, type Role, type ThreadMessage,
  type ThreadSummary,
} from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { Store } from '../store/Store.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { PeopleNotifier } from '../events/PeopleNotifier.ts';
import { ThreadStore, type MessageRow, type ThreadRow } from './ThreadStore.ts';

type Person = { id: string; displayName: string; role: Role };

const now = () => new Date().toISOString();
const newId = () => randomId(12);

/**
 * Threads: who belongs to which, sealed storage of every body, and live delivery to members
 * wherever they are connected. Membership is checked on every read and write; a thread someone
 * does not belong to is reported as missing.
 */
export class ThreadService {
  readonly #db: ThreadStore;
  readonly #cases: CaseService;
  /** Messages reach members on every connection they have, not only in the live session. */
  readonly #people: PeopleNotifier;

  /** The roster each case's threads were last ensured for (ensureCaseThreads). */
  readonly #ensured = new Map<string, string>();

  constructor(store: Store, cases: CaseService, people: PeopleNotifier) {
    this.#db = new ThreadStore(store.db);
    this.#cases = cases;
    this.#people = people;
  }

  /** Caucus rooms of the live session have their written thread: opened with the room, joined on being placed there. */
  subscribe(bus: EventBus): () => void {
    return bus.onEach({
      'room.created': ({ caseId, roomId, name }) => this.caucusOpened(caseId, roomId, name),
      'room.placed': ({ caseId, roomId, participantIds }) => {
        if (roomId !== JOINT_ROOM) this.placedInCaucus(caseId, roomId, participantIds);
      },
    });
  }

  /** The joint thread and one private thread per participant; idempotent, also for later additions. */
  ensureCaseThreads(caseId: string): void {
    const people = this.#cases.roster(caseId);
    // Every thread:list used to redo this (a statement or two per person, each time). Threads and
    // memberships are never deleted, so the same roster as last time needs nothing new.
    const signature = people.map((p) => `${p.role}:${p.id}`).join(',');
    if (this.#ensured.get(caseId) === signature) return;
    this.#ensureThreads(caseId, people);
    this.#ensured.set(caseId, signature);
  }

  /**
   * Every mediator of the case (the lead and any co-mediator) is in every private and caucus
   * thread: a co-mediator added later reads what the mediators read, as the agreement tells
   * everyone (the co-mediation clause).
   */
  #ensureThreads(caseId: string, people: Array<{ id: string; role: Role }>): void {
    const mediators = people.filter((p) => p.role === 'mediator').map((p) => p.id);
    const joint = this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'joint', key: 'joint', title_sealed: null, created_at: now() });
    this.#db.addMembers(joint.id, people.map((p) => p.id), now());
    if (mediators.length === 0) return;
    for (const p of people) {
      if (p.role === 'mediator' || p.role === 'assessor') continue;
      const t = this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'private', key: p.id, title_sealed: null, created_at: now() });
      this.#db.addMembers(t.id, [...mediators, p.id], now());
    }
    for (const t of this.#db.threadsOfCase(caseId, 'caucus')) this.#db.addMembers(t.id, mediators, now());
  }

  /** A caucus gets its own thread when it opens, with every mediator in it; whoever is placed in it joins the thread. */
  caucusOpened(caseId: string, roomId: string, name: string): void {
    const mediators = this.#cases.roster(caseId).filter((p) => p.role === 'mediator').map((p) => p.id);
    const t = this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'caucus', key: roomId, title_sealed: this.#cases.sealForCase(caseId, name), created_at: now() });
    this.#announceNewMembers(caseId, t, this.#db.addMembers(t.id, mediators, now()));
  }

  placedInCaucus(caseId: string, roomId: string, participantIds: string[]): void {
    const t = this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'caucus', key: roomId, title_sealed: null, created_at: now() });
    const people = new Map(this.#cases.people(caseId).map((p) => [p.id, p]));
    // Observers follow rooms but never join a party's written caucus.
    const joining = participantIds.filter((id) => people.get(id) && people.get(id)!.role !== 'assessor');
    this.#announceNewMembers(caseId, t, this.#db.addMembers(t.id, joining, now()));
  }

  list(who: Identity): ThreadSummary[] {
    this.ensureCaseThreads(who.caseId);
    const people = this.#peopleOf(who.caseId);
    return this.#db.threadsOf(who.participantId).filter((t) => t.case_id === who.caseId).map((t) => this.#summary(t, who.participantId, people));
  }

  history(who: Identity, threadId: string, beforeSeq: number | undefined, limit: number): ThreadMessage[] {
    const t = this.#memberThread(who, threadId);
    const people = this.#peopleOf(t.case_id);
    return this.#db
      .history(t.id, beforeSeq, limit)
      .filter((m) => !m.deleted_at || canSeeTombstone(who.role))
      .map((m) => this.#message(t, m, people));
  }

  send(who: Identity, threadId: string, body: string, clientId: string): ThreadMessage {
    const t = this.#memberThread(who, threadId);
    if (!canPostInThread(who.role, true)) throw new ParleyError(ErrorCode.Forbidden, 'Observers cannot post in this thread.');
    const { row, duplicate } = this.#db.insertMessage({
      id: newId(),
      thread_id: t.id,
      author_id: who.participantId,
      client_id: clientId,
      body_sealed: this.#cases.sealForCase(t.case_id, body),
      created_at: now(),
    });
    const msg = this.#message(t, row, this.#peopleOf(t.case_id));
    if (!duplicate) this.#people.toPeople(this.#db.members(t.id), 'message:posted', msg);
    return msg;
  }

  edit(who: Identity, messageId: string, body: string): ThreadMessage {
    const { t, m } = this.#memberMessage(who, messageId);
    if (!canEditMessage({ id: who.participantId }, { authorId: m.author_id, at: m.created_at, deletedAt: m.deleted_at })) {
      throw new ParleyError(ErrorCode.Forbidden, 'You can correct your own messages for 15 minutes after sending them.');
    }
    this.#db.editMessage(m.id, this.#cases.sealForCase(t.case_id, body), now());
    const msg = this.#message(t, this.#db.getMessage(m.id)!, this.#peopleOf(t.case_id));
    this.#people.toPeople(this.#db.members(t.id), 'message:updated', msg);
    return msg;
  }

  delete(who: Identity, messageId: string): void {
    const { t, m } = this.#memberMessage(who, messageId);
    if (!canDeleteMessage({ id: who.participantId, role: who.role }, { authorId: m.author_id, deletedAt: m.deleted_at })) {
      throw new ParleyError(ErrorCode.Forbidden, 'You can delete only your own messages.');
    }
    this.#db.deleteMessage(m.id, now());
    const people = this.#peopleOf(t.case_id);
    const tomb = this.#message(t, this.#db.getMessage(m.id)!, people);
    const members = this.#db.members(t.id);
    const mediators = members.filter((id) => canSeeTombstone(people.get(id)?.role ?? 'party'));
    this.#people.toPeople(mediators, 'message:updated', tomb);
    this.#people.toPeople(members.filter((id) => !mediators.includes(id)), 'message:removed', { threadId: t.id, messageId: m.id });
  }

  markRead(who: Identity, threadId: string, upToSeq: number): number {
    const t = this.#memberThread(who, threadId);
    this.#db.markRead(t.id, who.participantId, upToSeq);
    return this.#db.unread(t.id, who.participantId);
  }

  #announceNewMembers(caseId: string, t: ThreadRow, added: string[]): void {
    if (added.length === 0) return;
    const people = this.#peopleOf(caseId);
    for (const pid of added) this.#people.toPeople([pid], 'thread:added', this.#summary(t, pid, people));
  }

  #memberThread(who: Identity, threadId: string): ThreadRow {
    const t = this.#db.getThread(threadId);
    if (!t || t.case_id !== who.caseId || !this.#db.isMember(t.id, who.participantId)) throw new ParleyError(ErrorCode.NotFound, 'No such thread.');
    return t;
  }

  #memberMessage(who: Identity, messageId: string): { t: ThreadRow; m: MessageRow } {
    const m = this.#db.getMessage(messageId);
    if (!m) throw new ParleyError(ErrorCode.NotFound, 'No such message.');
    return { t: this.#memberThread(who, m.thread_id), m };
  }

  #peopleOf(caseId: string): Map<string, Person> {
    return new Map(this.#cases.people(caseId).map((p) => [p.id, { id: p.id, displayName: p.displayName, role: p.role }]));
  }

  #summary(t: ThreadRow, viewerId: string, people: Map<string, Person>): ThreadSummary {
    const members = this.#db.members(t.id).map((id) => people.get(id)).filter((p): p is Person => !!p);
    let title = 'Joint thread';
    if (t.kind === 'caucus') title = t.title_sealed ? `Caucus: ${this.#cases.openForCase(t.case_id, t.title_sealed)}` : 'Caucus';
    if (t.kind === 'private') {
      const other = people.get(t.key);
      const mediators = members.filter((p) => p.role === 'mediator').map((p) => p.displayName);
      const them = mediators.length === 0 ? 'the mediator' : mediators.length === 1 ? mediators[0] : `${mediators.slice(0, -1).join(', ')} and ${mediators[mediators.length - 1]}`;
      title = viewerId === t.key ? `Private: you and ${them}` : `Private: ${other?.displayName ?? 'participant'}`;
    }
    return { id: t.id, kind: t.kind, title, members, unread: this.#db.unread(t.id, viewerId), lastMessageAt: this.#db.lastMessage(t.id)?.created_at ?? null };
  }

  #message(t: ThreadRow, m: MessageRow, people: Map<string, Person>): ThreadMessage {
    const author = people.get(m.author_id) ?? { id: m.author_id, displayName: 'Former participant', role: 'party' as const };
    return {
      id: m.id,
      threadId: t.id,
      seq: m.seq,
      author,
      body: m.body_sealed ? this.#cases.openForCase(t.case_id, m.body_sealed) : null,
      at: m.created_at,
      editedAt: m.edited_at,
      deletedAt: m.deleted_at,
    };
  }
}
