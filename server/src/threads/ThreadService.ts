import { randomId } from '../crypto/randomId.ts';
import {
  canDeleteMessage, canEditMessage, canPostInThread, canSeeTombstone, ErrorCode, JOINT_ROOM, ParleyError, type Role, type ThreadMessage,
  type ThreadSummary,
} from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { Store } from '../store/Store.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Logger } from '../logger.ts';
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
  readonly #logger: Logger;

  /** The roster each case's threads were last ensured for (ensureCaseThreads). */
  readonly #ensured = new Map<string, string>();
  /** Reactions to the bus, one after the other in the order of the events (a caucus opens before anyone joins it). */
  #reactions: Promise<void> = Promise.resolve();

  constructor(store: Store, cases: CaseService, people: PeopleNotifier, logger: Logger) {
    this.#db = new ThreadStore(store.kysely);
    this.#cases = cases;
    this.#people = people;
    this.#logger = logger;
  }

  /** Caucus rooms of the live session have their written thread: opened with the room, joined on being placed there. */
  subscribe(bus: EventBus): () => void {
    return bus.onEach({
      'room.created': ({ caseId, roomId, name }) => this.#react(caseId, () => this.caucusOpened(caseId, roomId, name)),
      'room.placed': ({ caseId, roomId, participantIds }) => {
        if (roomId !== JOINT_ROOM) this.#react(caseId, () => this.placedInCaucus(caseId, roomId, participantIds));
      },
    });
  }

  /** Resolves when every reaction to the bus so far is done (a failed one is logged, never thrown). */
  settled(): Promise<void> {
    return this.#reactions;
  }

  #react(caseId: string, work: () => Promise<void>): void {
    this.#reactions = this.#reactions.then(work).catch((err: unknown) => this.#logger.error({ err, caseId }, 'caucus thread not updated'));
  }

  /** The joint thread and one private thread per participant; idempotent, also for later additions. */
  async ensureCaseThreads(caseId: string): Promise<void> {
    const people = await this.#cases.roster(caseId);
    // Every thread:list used to redo this (a statement or two per person, each time). Threads and
    // memberships are never deleted, so the same roster as last time needs nothing new.
    const signature = people.map((p) => `${p.role}:${p.id}`).join(',');
    if (this.#ensured.get(caseId) === signature) return;
    await this.#ensureThreads(caseId, people);
    this.#ensured.set(caseId, signature);
  }

  /**
   * Every mediator of the case (the lead and any co-mediator) is in every private and caucus
   * thread: a co-mediator added later reads what the mediators read, as the agreement tells
   * everyone (the co-mediation clause).
   */
  async #ensureThreads(caseId: string, people: Array<{ id: string; role: Role }>): Promise<void> {
    const mediators = people.filter((p) => p.role === 'mediator').map((p) => p.id);
    const joint = await this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'joint', key: 'joint', title_sealed: null, created_at: now() });
    await this.#db.addMembers(joint.id, people.map((p) => p.id), now());
    if (mediators.length === 0) return;
    for (const p of people) {
      if (p.role === 'mediator' || p.role === 'assessor') continue;
      const t = await this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'private', key: p.id, title_sealed: null, created_at: now() });
      await this.#db.addMembers(t.id, [...mediators, p.id], now());
    }
    for (const t of await this.#db.threadsOfCase(caseId, 'caucus')) await this.#db.addMembers(t.id, mediators, now());
  }

  /** A caucus gets its own thread when it opens, with every mediator in it; whoever is placed in it joins the thread. */
  async caucusOpened(caseId: string, roomId: string, name: string): Promise<void> {
    const mediators = (await this.#cases.roster(caseId)).filter((p) => p.role === 'mediator').map((p) => p.id);
    const t = await this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'caucus', key: roomId, title_sealed: await this.#cases.sealForCase(caseId, name), created_at: now() });
    await this.#announceNewMembers(caseId, t, await this.#db.addMembers(t.id, mediators, now()));
  }

  async placedInCaucus(caseId: string, roomId: string, participantIds: string[]): Promise<void> {
    const t = await this.#db.ensureThread({ id: newId(), case_id: caseId, kind: 'caucus', key: roomId, title_sealed: null, created_at: now() });
    const people = new Map((await this.#cases.people(caseId)).map((p) => [p.id, p]));
    // Observers follow rooms but never join a party's written caucus.
    const joining = participantIds.filter((id) => people.get(id) && people.get(id)!.role !== 'assessor');
    await this.#announceNewMembers(caseId, t, await this.#db.addMembers(t.id, joining, now()));
  }

  async list(who: Identity): Promise<ThreadSummary[]> {
    await this.ensureCaseThreads(who.caseId);
    const people = await this.#peopleOf(who.caseId);
    const threads = (await this.#db.threadsOf(who.participantId)).filter((t) => t.case_id === who.caseId);
    return this.#summaries(threads, who.participantId, people);
  }

  async history(who: Identity, threadId: string, beforeSeq: number | undefined, limit: number): Promise<ThreadMessage[]> {
    const t = await this.#memberThread(who, threadId);
    const people = await this.#peopleOf(t.case_id);
    const rows = (await this.#db.history(t.id, beforeSeq, limit)).filter((m) => !m.deleted_at || canSeeTombstone(who.role));
    return Promise.all(rows.map((m) => this.#message(t, m, people)));
  }

  async send(who: Identity, threadId: string, body: string, clientId: string): Promise<ThreadMessage> {
    const t = await this.#memberThread(who, threadId);
    if (!canPostInThread(who.role, true)) throw new ParleyError(ErrorCode.Forbidden, 'Observers cannot post in this thread.');
    const { row, duplicate } = await this.#db.insertMessage({
      id: newId(),
      thread_id: t.id,
      author_id: who.participantId,
      client_id: clientId,
      body_sealed: await this.#cases.sealForCase(t.case_id, body),
      created_at: now(),
    });
    const msg = await this.#message(t, row, await this.#peopleOf(t.case_id));
    if (!duplicate) this.#people.toPeople(await this.#memberIds(t.id), 'message:posted', msg);
    return msg;
  }

  async edit(who: Identity, messageId: string, body: string): Promise<ThreadMessage> {
    const { t, m } = await this.#memberMessage(who, messageId);
    if (!canEditMessage({ id: who.participantId }, { authorId: m.author_id, at: m.created_at, deletedAt: m.deleted_at })) {
      throw new ParleyError(ErrorCode.Forbidden, 'You can correct your own messages for 15 minutes after sending them.');
    }
    await this.#db.editMessage(m.id, await this.#cases.sealForCase(t.case_id, body), now());
    const msg = await this.#message(t, (await this.#db.getMessage(m.id))!, await this.#peopleOf(t.case_id));
    this.#people.toPeople(await this.#memberIds(t.id), 'message:updated', msg);
    return msg;
  }

  async delete(who: Identity, messageId: string): Promise<void> {
    const { t, m } = await this.#memberMessage(who, messageId);
    if (!canDeleteMessage({ id: who.participantId, role: who.role }, { authorId: m.author_id, deletedAt: m.deleted_at })) {
      throw new ParleyError(ErrorCode.Forbidden, 'You can delete only your own messages.');
    }
    await this.#db.deleteMessage(m.id, now());
    const people = await this.#peopleOf(t.case_id);
    const tomb = await this.#message(t, (await this.#db.getMessage(m.id))!, people);
    const members = await this.#memberIds(t.id);
    const mediators = members.filter((id) => canSeeTombstone(people.get(id)?.role ?? 'party'));
    this.#people.toPeople(mediators, 'message:updated', tomb);
    this.#people.toPeople(members.filter((id) => !mediators.includes(id)), 'message:removed', { threadId: t.id, messageId: m.id });
  }

  async markRead(who: Identity, threadId: string, upToSeq: number): Promise<number> {
    const t = await this.#memberThread(who, threadId);
    await this.#db.markRead(t.id, who.participantId, upToSeq);
    return this.#db.unread(t.id, who.participantId);
  }

  async #announceNewMembers(caseId: string, t: ThreadRow, added: string[]): Promise<void> {
    if (added.length === 0) return;
    const people = await this.#peopleOf(caseId);
    for (const pid of added) this.#people.toPeople([pid], 'thread:added', (await this.#summaries([t], pid, people))[0]!);
  }

  async #memberThread(who: Identity, threadId: string): Promise<ThreadRow> {
    const t = await this.#db.getThread(threadId);
    if (!t || t.case_id !== who.caseId || !(await this.#db.isMember(t.id, who.participantId))) throw new ParleyError(ErrorCode.NotFound, 'No such thread.');
    return t;
  }

  async #memberMessage(who: Identity, messageId: string): Promise<{ t: ThreadRow; m: MessageRow }> {
    const m = await this.#db.getMessage(messageId);
    if (!m) throw new ParleyError(ErrorCode.NotFound, 'No such message.');
    return { t: await this.#memberThread(who, m.thread_id), m };
  }

  async #peopleOf(caseId: string): Promise<Map<string, Person>> {
    return new Map((await this.#cases.people(caseId)).map((p) => [p.id, { id: p.id, displayName: p.displayName, role: p.role }]));
  }

  async #memberIds(threadId: string): Promise<string[]> {
    return (await this.#db.members(threadId)).map((m) => m.participant_id);
  }

  async #summaries(threads: ThreadRow[], viewerId: string, people: Map<string, Person>): Promise<ThreadSummary[]> {
    const facts = await this.#db.summariesOf(threads.map((t) => t.id), viewerId);
    return Promise.all(threads.map((t) => this.#summary(t, viewerId, people, facts.get(t.id)!)));
  }

  async #summary(t: ThreadRow, viewerId: string, people: Map<string, Person>, facts: { members: Array<{ participant_id: string }>; unread: number; lastMessageAt: string | null }): Promise<ThreadSummary> {
    const { unread, lastMessageAt } = facts;
    const members = facts.members.map((m) => people.get(m.participant_id)).filter((p): p is Person => !!p);
    let title = 'Joint thread';
    if (t.kind === 'caucus') title = t.title_sealed ? `Caucus: ${await this.#cases.openForCase(t.case_id, t.title_sealed)}` : 'Caucus';
    if (t.kind === 'private') {
      const other = people.get(t.key);
      const mediators = members.filter((p) => p.role === 'mediator').map((p) => p.displayName);
      const them = mediators.length === 0 ? 'the mediator' : mediators.length === 1 ? mediators[0] : `${mediators.slice(0, -1).join(', ')} and ${mediators[mediators.length - 1]}`;
      title = viewerId === t.key ? `Private: you and ${them}` : `Private: ${other?.displayName ?? 'participant'}`;
    }
    return { id: t.id, kind: t.kind, title, members, unread, lastMessageAt };
  }

  async #message(t: ThreadRow, m: MessageRow, people: Map<string, Person>): Promise<ThreadMessage> {
    const author = people.get(m.author_id) ?? { id: m.author_id, displayName: 'Former participant', role: 'party' as const };
    return {
      id: m.id,
      threadId: t.id,
      seq: m.seq,
      author,
      body: m.body_sealed ? await this.#cases.openForCase(t.case_id, m.body_sealed) : null,
      at: m.created_at,
      editedAt: m.edited_at,
      deletedAt: m.deleted_at,
    };
  }
}
