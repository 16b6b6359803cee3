import type { Kysely, Selectable } from 'kysely';
import { mustSign } from '@parley/shared';
import type { DB } from '../store/schema.ts';
import { lockRow } from '../store/database.ts';

export type VersionRow = Selectable<DB['agreement_versions']>;
export type SignatureRow = Selectable<DB['agreement_signatures']>;

/**
 * SQL for frozen agreement versions and their signatures, on either engine (store/database.ts).
 * The text and the signature records arrive sealed.
 */
export class SignoffStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Runs `fn` in one transaction, with a store on it (its body awaits only this store's calls). */
  transaction<T>(fn: (db: SignoffStore) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => fn(new SignoffStore(trx)));
  }

  /** Inside `transaction`, first: the case's changes here run one at a time, on any node (lockRow). */
  lockCase(caseId: string): Promise<void> {
    return lockRow(this.#db, 'cases', caseId);
  }

  /** The case's newest version. */
  current(caseId: string): Promise<VersionRow | undefined> {
    return this.#currentQuery(caseId).executeTakeFirst();
  }

  /** The versions this person signed, oldest first. */
  signedBy(participantId: string): Promise<Array<{ version: number; signed_at: string; text_hash: string }>> {
    return this.#db
      .selectFrom('agreement_signatures as s')
      .innerJoin('agreement_versions as v', 'v.id', 's.version_id')
      .select(['v.version', 's.signed_at', 'v.text_hash'])
      .where('s.participant_id', '=', participantId)
      .orderBy('s.signed_at')
      .execute();
  }
  signatures(versionId: string): Promise<SignatureRow[]> {
    return this.#signaturesQuery(versionId).execute();
  }

  /** Adds the case's next version (numbered after its newest) and returns its number. */
  async insertNext(v: Omit<VersionRow, 'version' | 'voided_at' | 'void_reason'>): Promise<number> {
    const r = await this.#db
      .selectFrom('agreement_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('case_id', '=', v.case_id)
      .executeTakeFirst();
    const version = Number(r?.v ?? 0) + 1;
    await this.#db.insertInto('agreement_versions').values({ ...v, version, voided_at: null, void_reason: null }).execute();
    return version;
  }

  /** Returns whether this call voided it (false: it was voided already). */
  async void(versionId: string, reason: string, at: string): Promise<boolean> {
    const r = await this.#db.updateTable('agreement_versions').set({ voided_at: at, void_reason: reason }).where('id', '=', versionId).where('voided_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Returns false when this person had signed this version already. */
  async insertSignature(s: SignatureRow): Promise<boolean> {
    const r = await this.#db
      .insertInto('agreement_signatures')
      .values(s)
      .onConflict((oc) => oc.columns(['version_id', 'participant_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Who must sign the case's agreement now (the parties on the case), in the case's order. */
  async signerIds(caseId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('participants')
      .select(['id', 'role'])
      .where('case_id', '=', caseId)
      .where('removed_at', 'is', null)
      .orderBy('created_at')
      .orderBy('row_order')
      .execute();
    return rows.filter((p) => mustSign(p.role)).map((p) => p.id);
  }

  #currentQuery(caseId: string) {
    return this.#db.selectFrom('agreement_versions').selectAll().where('case_id', '=', caseId).orderBy('version', 'desc').limit(1);
  }

  #signaturesQuery(versionId: string) {
    return this.#db.selectFrom('agreement_signatures').selectAll().where('version_id', '=', versionId).orderBy('signed_at').orderBy('participant_id');
  }
}
