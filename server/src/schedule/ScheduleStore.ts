import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';
import { lockRow } from '../store/database.ts';

/**
 * A scheduled session: `starts_at` is UTC, ISO 8601 with Z; `details_sealed` is SealedDetails as
 * JSON, sealed with the case key.
 */
export type ScheduledRow = Selectable<DB['scheduled_sessions']>;
export type TimeZoneRow = Selectable<DB['participant_time_zones']>;

/** What is sealed of a scheduled session: the zone the mediator set it in, and their note. */
export interface SealedDetails {
  timeZone: string;
  note: string;
}

/**
 * SQL for scheduled sessions and people's time zones, on either engine (store/database.ts).
 * Everything confidential arrives here already sealed.
 */
export class ScheduleStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  sessionsOf(caseId: string): Promise<ScheduledRow[]> {
    return this.#db.selectFrom('scheduled_sessions').selectAll().where('case_id', '=', caseId).orderBy('starts_at').orderBy('created_at').orderBy('id').execute();
  }

  async count(caseId: string): Promise<number> {
    const r = await this.#db.selectFrom('scheduled_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  get(caseId: string, id: string): Promise<ScheduledRow | undefined> {
    return this.#db.selectFrom('scheduled_sessions').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
  }

  /** Inserts the session unless the case already holds `max` of them; returns whether it did. */
  insertUnlessFull(r: ScheduledRow, max: number): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      // Counted and written under the case's lock: two additions at once cannot pass the limit together.
      await lockRow(trx, 'cases', r.case_id);
      const { n } = await trx
        .selectFrom('scheduled_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('case_id', '=', r.case_id)
        .executeTakeFirstOrThrow();
      if (Number(n) >= max) return false;
      await trx.insertInto('scheduled_sessions').values(r).execute();
      return true;
    });
  }

  /**
   * A reschedule or a cancellation: the whole row as it is now (the sequence already raised by the
   * caller), written only if the session is still at `fromSequence` and not cancelled. Returns
   * whether it was: two changes at once cannot both take the same next sequence.
   */
  async update(r: ScheduledRow, fromSequence: number): Promise<boolean> {
    const res = await this.#db
      .updateTable('scheduled_sessions')
      .set({
        starts_at: r.starts_at,
        duration_minutes: r.duration_minutes,
        purpose: r.purpose,
        side: r.side,
        details_sealed: r.details_sealed,
        sequence: r.sequence,
        cancelled_at: r.cancelled_at,
        updated_at: r.updated_at,
      })
      .where('case_id', '=', r.case_id)
      .where('id', '=', r.id)
      .where('sequence', '=', fromSequence)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  zonesOf(caseId: string): Promise<TimeZoneRow[]> {
    return this.#db.selectFrom('participant_time_zones').selectAll().where('case_id', '=', caseId).execute();
  }

  zoneOf(participantId: string): Promise<TimeZoneRow | undefined> {
    return this.#db.selectFrom('participant_time_zones').selectAll().where('participant_id', '=', participantId).executeTakeFirst();
  }

  /** Sets the person's zone; with `keepMediators`, a zone the mediator set stays as it is (in the same statement). */
  async putZone(r: TimeZoneRow, opts: { keepMediators?: boolean } = {}): Promise<void> {
    await this.#db
      .insertInto('participant_time_zones')
      .values(r)
      .onConflict((oc) => {
        const update = oc.column('participant_id').doUpdateSet((eb) => ({
          zone_sealed: eb.ref('excluded.zone_sealed'),
          source: eb.ref('excluded.source'),
          updated_at: eb.ref('excluded.updated_at'),
        }));
        return opts.keepMediators ? update.where('participant_time_zones.source', '<>', 'mediator') : update;
      })
      .execute();
  }

  async clearZone(participantId: string): Promise<void> {
    await this.#db.deleteFrom('participant_time_zones').where('participant_id', '=', participantId).execute();
  }
}
