import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';
import { lockRow } from '../store/database.ts';

export type TemplateVersionRow = Selectable<DB['agreement_template_versions']>;
/** A version together with the mediator who owns its template: every read is filtered by owner. */
export type OwnedVersionRow = TemplateVersionRow & { mediator_id: string };
export type ConsentAnswerRow = Selectable<DB['consent_answers']>;

/**
 * SQL for protocol agreement templates (immutable versions) and consent answers, on either engine
 * (store/database.ts). Answer text arrives sealed.
 */
export class AgreementStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Runs `fn` in one transaction; its body may await only this store's calls (see store/database.ts). */
  transaction<T>(fn: (sql: AgreementStore) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => fn(new AgreementStore(trx)));
  }

  /** The template and its first version, in one transaction. */
  insertTemplate(t: Selectable<DB['agreement_templates']>, first: Omit<TemplateVersionRow, 'row_order'>): Promise<void> {
    return this.transaction(async (sql) => {
      await sql.#db.insertInto('agreement_templates').values(t).execute();
      await sql.insertVersion(first);
    });
  }

  /** Inside `transaction`: the mediator's templates change one save at a time (lockRow). */
  lockMediator(mediatorId: string): Promise<void> {
    return lockRow(this.#db, 'mediators', mediatorId);
  }

  async insertVersion(v: Omit<TemplateVersionRow, 'row_order'>): Promise<void> {
    await this.#db.insertInto('agreement_template_versions').values(v).execute();
  }

  #versions() {
    return this.#db
      .selectFrom('agreement_template_versions as v')
      .innerJoin('agreement_templates as t', 't.id', 'v.template_id')
      .selectAll('v')
      .select('t.mediator_id');
  }

  /** The mediator's templates, each as its newest version, newest first. */
  latestVersionsOf(mediatorId: string): Promise<OwnedVersionRow[]> {
    return this.#versions()
      .where('t.mediator_id', '=', mediatorId)
      .where('v.version', '=', (eb) => eb.selectFrom('agreement_template_versions as w').select((w) => w.fn.max('w.version').as('newest')).whereRef('w.template_id', '=', 'v.template_id'))
      .orderBy('v.created_at', 'desc')
      .orderBy('v.row_order', 'desc')
      .execute();
  }

  /** Every version of one template, oldest first. */
  versionsOf(templateId: string): Promise<OwnedVersionRow[]> {
    return this.#versions().where('v.template_id', '=', templateId).orderBy('v.version').execute();
  }

  getVersion(versionId: string): Promise<OwnedVersionRow | undefined> {
    return this.#versions().where('v.id', '=', versionId).executeTakeFirst();
  }

  async templateOwner(templateId: string): Promise<string | undefined> {
    return (await this.#db.selectFrom('agreement_templates').select('mediator_id').where('id', '=', templateId).executeTakeFirst())?.mediator_id;
  }

  /** How many of the mediator's cases use any version of each template. */
  async caseCounts(mediatorId: string): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('cases as c')
      .innerJoin('agreement_template_versions as v', 'v.id', 'c.template_version_id')
      .select((eb) => ['v.template_id', eb.fn.countAll<number>().as('n')])
      .where('c.mediator_id', '=', mediatorId)
      .groupBy('v.template_id')
      .execute();
    return new Map(rows.map((r) => [r.template_id, Number(r.n)]));
  }

  // --- consent answers

  async insertAnswer(a: Omit<ConsentAnswerRow, 'row_order'>): Promise<void> {
    await this.#db.insertInto('consent_answers').values(a).execute();
  }

  /** Newest first (ties in `at`: the one written last first). */
  answersOfCase(caseId: string, limit: number): Promise<ConsentAnswerRow[]> {
    return this.#db.selectFrom('consent_answers').selectAll().where('case_id', '=', caseId).orderBy('at', 'desc').orderBy('row_order', 'desc').limit(limit).execute();
  }

  answersOf(participantId: string, limit: number): Promise<ConsentAnswerRow[]> {
    return this.#db.selectFrom('consent_answers').selectAll().where('participant_id', '=', participantId).orderBy('at', 'desc').orderBy('row_order', 'desc').limit(limit).execute();
  }

  async countAnswers(participantId: string): Promise<number> {
    const r = await this.#db.selectFrom('consent_answers').select((eb) => eb.fn.countAll<number>().as('n')).where('participant_id', '=', participantId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Marks a question of this case answered; false when there is no such open question. */
  async markAnswered(caseId: string, answerId: string, at: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('consent_answers')
      .set({ answered_at: at })
      .where('id', '=', answerId)
      .where('case_id', '=', caseId)
      .where('kind', '=', 'question')
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  getAnswer(answerId: string): Promise<ConsentAnswerRow | undefined> {
    return this.#db.selectFrom('consent_answers').selectAll().where('id', '=', answerId).executeTakeFirst();
  }

  /**
   * Withdraws every consent of the person still in force (here so that it joins the
   * transaction that records the withdrawal); returns how many there were.
   */
  async withdrawConsents(participantId: string, at: string): Promise<number> {
    const r = await this.#db.updateTable('consents').set({ withdrawn_at: at }).where('participant_id', '=', participantId).where('withdrawn_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
