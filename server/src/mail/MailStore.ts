import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';

/**
 * A person's mail settings. `digest_count`: thread messages for them since the last digest (0:
 * none waiting); `digest_since`: when the first of them arrived (the digest goes out one window later).
 */
export type RecipientRow = Selectable<DB['mail_recipients']>;
/** A mail waiting to go out: `mail_sealed` is an OutgoingMail as JSON, sealed with the case key. */
export type OutboxRow = Selectable<DB['mail_outbox']>;
/** A session that may be due for its reminder. */
export type DueSessionRow = Pick<Selectable<DB['scheduled_sessions']>, 'id' | 'case_id' | 'starts_at' | 'sequence' | 'updated_at'>;

/**
 * SQL for mail addresses, opt-outs, the outbox and sent reminders, on either engine
 * (store/database.ts). Everything confidential arrives sealed.
 */
export class MailStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /**
   * Runs `fn` in one transaction, with a MailStore on it (its body awaits only these queries);
   * within one already, in that one.
   */
  transaction<T>(fn: (within: MailStore) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    return this.#db.transaction().execute((trx) => fn(new MailStore(trx)));
  }

  recipient(participantId: string): Promise<RecipientRow | undefined> {
    return this.#db.selectFrom('mail_recipients').selectAll().where('participant_id', '=', participantId).executeTakeFirst();
  }

  recipientsOf(caseId: string): Promise<RecipientRow[]> {
    return this.#db.selectFrom('mail_recipients').selectAll().where('case_id', '=', caseId).orderBy('participant_id').execute();
  }

  byUnsubscribeHash(hash: string): Promise<RecipientRow | undefined> {
    return this.#db.selectFrom('mail_recipients').selectAll().where('unsubscribe_hash', '=', hash).executeTakeFirst();
  }

  /** The person's row, unless they have one already (it is kept as it is). */
  async insertRecipientIfMissing(r: RecipientRow): Promise<void> {
    await this.#db.insertInto('mail_recipients').values(r).onConflict((oc) => oc.column('participant_id').doNothing()).execute();
  }

  async setAddress(participantId: string, addressSealed: string | null): Promise<void> {
    await this.#db.updateTable('mail_recipients').set({ address_sealed: addressSealed }).where('participant_id', '=', participantId).execute();
  }

  /** Off also drops what was waiting for them: someone who said "no more mails" gets none. */
  setOptedOut(participantId: string, at: string | null): Promise<void> {
    return this.transaction(async (within) => {
      const trx = within.#db;
      await trx.updateTable('mail_recipients').set({ opted_out_at: at, digest_count: 0, digest_since: null }).where('participant_id', '=', participantId).execute();
      if (at) await trx.deleteFrom('mail_outbox').where('participant_id', '=', participantId).execute();
    });
  }

  async countMessage(participantId: string, at: string): Promise<void> {
    await this.#db
      .updateTable('mail_recipients')
      .set((eb) => ({ digest_count: eb('digest_count', '+', 1), digest_since: eb.fn.coalesce('digest_since', eb.val(at)) }))
      .where('participant_id', '=', participantId)
      .execute();
  }

  /** People whose first unmailed message is older than `before`. */
  digestsDue(before: string): Promise<RecipientRow[]> {
    return this.#db.selectFrom('mail_recipients').selectAll().where('digest_count', '>', 0).where('digest_since', '<=', before).execute();
  }

  /** Returns whether there was a digest waiting (of two passes at once, one takes it). */
  async clearDigest(participantId: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('mail_recipients')
      .set({ digest_count: 0, digest_since: null })
      .where('participant_id', '=', participantId)
      .where('digest_count', '>', 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async enqueue(r: OutboxRow): Promise<void> {
    await this.#db.insertInto('mail_outbox').values(r).execute();
  }

  due(at: string, limit: number): Promise<OutboxRow[]> {
    return this.#db.selectFrom('mail_outbox').selectAll().where('next_attempt_at', '<=', at).orderBy('next_attempt_at').orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  /**
   * Takes a due mail for this node to send: moves its next attempt to `until` only if nobody moved
   * it since it was read (`seenAt`). Several nodes read the same due rows; only one claim succeeds,
   * so a mail is handed to the SMTP server once. A node that dies while sending leaves the mail due
   * again at `until`, for another node to send.
   */
  async claim(id: string, seenAt: string, until: string): Promise<boolean> {
    const r = await this.#db.updateTable('mail_outbox').set({ next_attempt_at: until }).where('id', '=', id).where('next_attempt_at', '=', seenAt).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Sent or given up: the sealed mail is not kept (it holds a link). */
  async remove(id: string): Promise<void> {
    await this.#db.deleteFrom('mail_outbox').where('id', '=', id).execute();
  }

  async retryLater(id: string, attempts: number, nextAt: string): Promise<void> {
    await this.#db.updateTable('mail_outbox').set({ attempts, next_attempt_at: nextAt }).where('id', '=', id).execute();
  }

  /** Sessions not cancelled that start in (from, to] and were not reminded of in their current version. */
  remindersDue(from: string, to: string): Promise<DueSessionRow[]> {
    return this.#db
      .selectFrom('scheduled_sessions as s')
      .innerJoin('cases as c', 'c.id', 's.case_id')
      .select(['s.id', 's.case_id', 's.starts_at', 's.sequence', 's.updated_at'])
      .where('s.cancelled_at', 'is', null)
      // A concluded case holds no session: nobody is reminded of one.
      .where('c.state', '=', 'open')
      .where('s.starts_at', '>', from)
      .where('s.starts_at', '<=', to)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('mail_reminders as r').select('r.session_id').whereRef('r.session_id', '=', 's.id').whereRef('r.sequence', '=', 's.sequence'))),
      )
      .orderBy('s.starts_at')
      .orderBy('s.id')
      .execute();
  }

  /** Whether the session is still at this version and not cancelled. */
  async sessionAt(sessionId: string, sequence: number): Promise<boolean> {
    const r = await this.#db.selectFrom('scheduled_sessions').select('id').where('id', '=', sessionId).where('sequence', '=', sequence).where('cancelled_at', 'is', null).executeTakeFirst();
    return r !== undefined;
  }

  /** Returns whether this version of the session was not marked yet (of two passes at once, one marks it). */
  async markReminded(sessionId: string, sequence: number, at: string): Promise<boolean> {
    const r = await this.#db
      .insertInto('mail_reminders')
      .values({ session_id: sessionId, sequence, at })
      .onConflict((oc) => oc.columns(['session_id', 'sequence']).doNothing())
      .returning('session_id')
      .executeTakeFirst();
    return r !== undefined;
  }
}
