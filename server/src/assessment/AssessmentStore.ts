import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';
import { lockRow } from '../store/database.ts';

export type AssessmentRow = Selectable<DB['assessments']>;
export type NoteRow = Selectable<DB['assessment_notes']>;

/**
 * SQL for scorecards and notes, on either engine (store/database.ts). Everything confidential
 * arrives here already sealed.
 */
export class AssessmentStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Inside `transaction`, first: the case's changes here run one at a time, on any node (lockRow). */
  lockCase(caseId: string): Promise<void> {
    return lockRow(this.#db, 'cases', caseId);
  }

  /** Runs `fn` in one transaction, with a store on it (its body awaits only this store's calls). */
  transaction<T>(fn: (db: AssessmentStore) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => fn(new AssessmentStore(trx)));
  }

  get(caseId: string, assessorId: string): Promise<AssessmentRow | undefined> {
    return this.#db.selectFrom('assessments').selectAll().where('case_id', '=', caseId).where('assessor_id', '=', assessorId).executeTakeFirst();
  }

  /** Every scorecard of the case that its assessor released to the mediator. */
  released(caseId: string): Promise<AssessmentRow[]> {
    return this.#db
      .selectFrom('assessments')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('released_at', 'is not', null)
      .orderBy('released_at')
      .orderBy('assessor_id')
      .execute();
  }

  /** Creates the assessor's scorecard row on first use; an existing one is left as it is. */
  async ensure(caseId: string, assessorId: string, emptyRatingsSealed: string, at: string): Promise<void> {
    await this.#db
      .insertInto('assessments')
      .values({ case_id: caseId, assessor_id: assessorId, ratings_sealed: emptyRatingsSealed, released_at: null, updated_at: at })
      .onConflict((oc) => oc.columns(['case_id', 'assessor_id']).doNothing())
      .execute();
  }

  async putRatings(caseId: string, assessorId: string, ratingsSealed: string, at: string): Promise<void> {
    await this.#db
      .insertInto('assessments')
      .values({ case_id: caseId, assessor_id: assessorId, ratings_sealed: ratingsSealed, released_at: null, updated_at: at })
      .onConflict((oc) => oc.columns(['case_id', 'assessor_id']).doUpdateSet((eb) => ({ ratings_sealed: eb.ref('excluded.ratings_sealed'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  async setReleased(caseId: string, assessorId: string, releasedAt: string | null): Promise<void> {
    await this.#db.updateTable('assessments').set({ released_at: releasedAt }).where('case_id', '=', caseId).where('assessor_id', '=', assessorId).execute();
  }

  async touch(caseId: string, assessorId: string, at: string): Promise<void> {
    await this.#db.updateTable('assessments').set({ updated_at: at }).where('case_id', '=', caseId).where('assessor_id', '=', assessorId).execute();
  }

  /** In time order; notes about the same instant in the order they were written. */
  notes(caseId: string, assessorId: string): Promise<NoteRow[]> {
    return this.#db
      .selectFrom('assessment_notes')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('assessor_id', '=', assessorId)
      .orderBy('created_at')
      .orderBy('row_order')
      .execute();
  }

  async noteCount(caseId: string, assessorId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('assessment_notes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('case_id', '=', caseId)
      .where('assessor_id', '=', assessorId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  getNote(id: string): Promise<NoteRow | undefined> {
    return this.#db.selectFrom('assessment_notes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertNote(n: Omit<NoteRow, 'row_order'>): Promise<void> {
    await this.#db.insertInto('assessment_notes').values(n).execute();
  }

  async updateNote(id: string, noteSealed: string): Promise<void> {
    await this.#db.updateTable('assessment_notes').set({ note_sealed: noteSealed }).where('id', '=', id).execute();
  }

  /** Erased, not flagged: unlike a thread message, a note needs no tombstone. */
  async deleteNote(id: string): Promise<void> {
    await this.#db.deleteFrom('assessment_notes').where('id', '=', id).execute();
  }
}
