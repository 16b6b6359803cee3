import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';

/**
 * One stored passkey (migration 10): a public key and its counter, never a secret. `credential_id`
 * is base64url as the browser names the credential, `public_key` the COSE key in base64url, and
 * `transports_json` a JSON array of transport hints ("internal", "hybrid", …).
 */
export type PasskeyRow = Selectable<DB['passkeys']>;

/**
 * SQL for the mediators' passkeys, on either engine (store/database.ts). Every read and change of
 * a mediator's list is filtered by that mediator.
 */
export class PasskeyStore {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  async insert(row: PasskeyRow): Promise<void> {
    await this.#db.insertInto('passkeys').values(row).execute();
  }

  ofMediator(mediatorId: string): Promise<PasskeyRow[]> {
    return this.#db.selectFrom('passkeys').selectAll().where('mediator_id', '=', mediatorId).orderBy('created_at').orderBy('id').execute();
  }

  byCredentialId(credentialId: string): Promise<PasskeyRow | undefined> {
    return this.#db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  }

  /** Removes one of this mediator's passkeys; false if they have none with this id. */
  async remove(mediatorId: string, id: string): Promise<boolean> {
    const r = await this.#db.deleteFrom('passkeys').where('id', '=', id).where('mediator_id', '=', mediatorId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /**
   * Records a sign-in: the new counter and when. Only if the stored counter is still below it (or
   * the authenticator keeps no counter, 0 then and now), so that of two sign-ins racing with the
   * same counter value only one is taken; false for the other.
   */
  async markUsed(id: string, counter: number, at: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('passkeys')
      .set({ counter, last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('counter', '<', counter), ...(counter === 0 ? [eb('counter', '=', 0)] : [])]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
