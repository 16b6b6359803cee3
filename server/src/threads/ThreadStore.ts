import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';

export type ThreadRow = Selectable<DB['threads']>;
export type MessageRow = Selectable<DB['messages']>;
/** A member of a thread and when they were added (the order members are shown in). */
export type MemberRow = Pick<Selectable<DB['thread_members']>, 'participant_id' | 'added_at'>;

/**
 * SQL for threads, members and messages, on either engine (store/database.ts). Bodies arrive here
 * already sealed. A message's `seq` is the table's own identity (autoincrement), unique across
 * threads and growing: concurrent sends never compute it, so two of them cannot get the same one.
 */
export class ThreadStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Creates the thread if missing (unique per case, kind and key) and returns it. */
  async ensureThread(t: Omit<ThreadRow, 'row_order'>): Promise<ThreadRow> {
    await this.#db.insertInto('threads').values(t).onConflict((oc) => oc.columns(['case_id', 'kind', 'key']).doNothing()).execute();
    return this.#db.selectFrom('threads').selectAll().where('case_id', '=', t.case_id).where('kind', '=', t.kind).where('key', '=', t.key).executeTakeFirstOrThrow();
  }

  /** Adds members; returns those who were not members before. */
  async addMembers(threadId: string, participantIds: string[], at: string): Promise<string[]> {
    const ids = [...new Set(participantIds)];
    if (ids.length === 0) return [];
    const added = await this.#db
      .insertInto('thread_members')
      .values(ids.map((participant_id) => ({ thread_id: threadId, participant_id, added_at: at })))
      .onConflict((oc) => oc.columns(['thread_id', 'participant_id']).doNothing())
      .returning('participant_id')
      .execute();
    const isNew = new Set(added.map((r) => r.participant_id));
    return ids.filter((id) => isNew.has(id));
  }

  getThread(id: string): Promise<ThreadRow | undefined> {
    return this.#db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** In the order they were made. */
  threadsOfCase(caseId: string, kind: ThreadRow['kind']): Promise<ThreadRow[]> {
    return this.#db.selectFrom('threads').selectAll().where('case_id', '=', caseId).where('kind', '=', kind).orderBy('created_at').orderBy('row_order').execute();
  }

  /**
   * In the order they were made; made at the same moment (a case's first list), as they were
   * written: the joint thread, then the private ones in the case's order of people.
   */
  threadsOf(participantId: string): Promise<ThreadRow[]> {
    return this.#db
      .selectFrom('threads as t')
      .innerJoin('thread_members as m', 'm.thread_id', 't.id')
      .selectAll('t')
      .where('m.participant_id', '=', participantId)
      .orderBy('t.created_at')
      .orderBy('t.row_order')
      .execute();
  }

  /** In the order they were added (people added together: in the order given, the case's). */
  members(threadId: string): Promise<MemberRow[]> {
    return this.#db.selectFrom('thread_members').select(['participant_id', 'added_at']).where('thread_id', '=', threadId).orderBy('added_at').orderBy('row_order').execute();
  }

  async isMember(threadId: string, participantId: string): Promise<boolean> {
    const r = await this.#db.selectFrom('thread_members').select('thread_id').where('thread_id', '=', threadId).where('participant_id', '=', participantId).executeTakeFirst();
    return r !== undefined;
  }

  /** Inserts a message; a resend with the same client id returns the stored one instead. */
  async insertMessage(m: Omit<MessageRow, 'seq' | 'edited_at' | 'deleted_at'>): Promise<{ row: MessageRow; duplicate: boolean }> {
    const inserted = await this.#db
      .insertInto('messages')
      .values({ ...m, edited_at: null, deleted_at: null })
      .onConflict((oc) => oc.columns(['author_id', 'client_id']).doNothing())
      .returning('seq')
      .executeTakeFirst();
    const row = await this.#db.selectFrom('messages').selectAll().where('author_id', '=', m.author_id).where('client_id', '=', m.client_id).executeTakeFirstOrThrow();
    return { row, duplicate: inserted === undefined };
  }

  getMessage(id: string): Promise<MessageRow | undefined> {
    return this.#db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async history(threadId: string, beforeSeq: number | undefined, limit: number): Promise<MessageRow[]> {
    let q = this.#db.selectFrom('messages').selectAll().where('thread_id', '=', threadId);
    if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
    const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
    return rows.reverse();
  }

  async editMessage(id: string, bodySealed: string, at: string): Promise<void> {
    await this.#db.updateTable('messages').set({ body_sealed: bodySealed, edited_at: at }).where('id', '=', id).execute();
  }

  /** The body is erased, not kept: a tombstone records only who deleted what when. */
  async deleteMessage(id: string, at: string): Promise<void> {
    await this.#db.updateTable('messages').set({ body_sealed: null, deleted_at: at }).where('id', '=', id).execute();
  }

  async unread(threadId: string, participantId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('thread_id', '=', threadId)
      .where('deleted_at', 'is', null)
      .where('author_id', '<>', participantId)
      .where('seq', '>', (eb) =>
        eb.selectFrom('thread_members').select('thread_members.last_read_seq').where('thread_members.thread_id', '=', threadId).where('thread_members.participant_id', '=', participantId),
      )
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * What a list of threads shows of each, for one viewer, in three queries whatever the number of
   * threads: the members (in the order added), the viewer's unread count, and when the newest
   * message was written (a thread list used to ask three queries per thread).
   */
  async summariesOf(threadIds: readonly string[], viewerId: string): Promise<Map<string, { members: MemberRow[]; unread: number; lastMessageAt: string | null }>> {
    const out = new Map(threadIds.map((id) => [id, { members: [] as MemberRow[], unread: 0, lastMessageAt: null as string | null }]));
    if (threadIds.length === 0) return out;
    const ids = [...threadIds];
    const [members, unread, last] = await Promise.all([
      this.#db.selectFrom('thread_members').select(['thread_id', 'participant_id', 'added_at']).where('thread_id', 'in', ids).orderBy('added_at').orderBy('row_order').execute(),
      this.#db
        .selectFrom('messages as m')
        .innerJoin('thread_members as tm', (j) => j.onRef('tm.thread_id', '=', 'm.thread_id').on('tm.participant_id', '=', viewerId))
        .select(['m.thread_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('m.thread_id', 'in', ids)
        .where('m.deleted_at', 'is', null)
        .where('m.author_id', '<>', viewerId)
        .whereRef('m.seq', '>', 'tm.last_read_seq')
        .groupBy('m.thread_id')
        .execute(),
      this.#db
        .selectFrom('messages as m')
        .innerJoin(
          (eb) => eb.selectFrom('messages').select(['thread_id', (x) => x.fn.max('seq').as('seq')]).where('thread_id', 'in', ids).groupBy('thread_id').as('newest'),
          (j) => j.onRef('newest.thread_id', '=', 'm.thread_id').onRef('newest.seq', '=', 'm.seq'),
        )
        .select(['m.thread_id', 'm.created_at'])
        .execute(),
    ]);
    for (const m of members) out.get(m.thread_id)!.members.push({ participant_id: m.participant_id, added_at: m.added_at });
    for (const u of unread) out.get(u.thread_id)!.unread = Number(u.n);
    for (const l of last) out.get(l.thread_id)!.lastMessageAt = l.created_at;
    return out;
  }

  /** Never moves the mark back (a late or repeated read of older messages). */
  async markRead(threadId: string, participantId: string, upToSeq: number): Promise<void> {
    await this.#db
      .updateTable('thread_members')
      .set({ last_read_seq: upToSeq })
      .where('thread_id', '=', threadId)
      .where('participant_id', '=', participantId)
      .where('last_read_seq', '<', upToSeq)
      .execute();
  }
}
