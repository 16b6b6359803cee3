import type { DatabaseSync } from 'node:sqlite';
import { statement } from '../store/statements.ts';

/** One stored passkey (migration 10): a public key and its counter, never a secret. */
export interface PasskeyRow {
  id: string;
  mediator_id: string;
  /** base64url, as the browser names the credential. */
  credential_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of transport hints ("internal", "hybrid", …). */
  transports_json: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** SQL for the mediators' passkeys. Every read and change of a mediator's list is filtered by that mediator. */
export class PasskeyStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  insert(row: PasskeyRow): void {
    statement(this.#db, 'INSERT INTO passkeys (id, mediator_id, credential_id, public_key, counter, transports_json, name, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.mediator_id, row.credential_id, row.public_key, row.counter, row.transports_json, row.name, row.created_at, row.last_used_at);
  }

  ofMediator(mediatorId: string): PasskeyRow[] {
    return statement(this.#db, 'SELECT * FROM passkeys WHERE mediator_id = ? ORDER BY created_at, rowid').all(mediatorId) as unknown as PasskeyRow[];
  }

  byCredentialId(credentialId: string): PasskeyRow | undefined {
    return statement(this.#db, 'SELECT * FROM passkeys WHERE credential_id = ?').get(credentialId) as PasskeyRow | undefined;
  }

  /** Removes one of this mediator's passkeys; false if they have none with this id. */
  remove(mediatorId: string, id: string): boolean {
    return Number(statement(this.#db, 'DELETE FROM passkeys WHERE id = ? AND mediator_id = ?').run(id, mediatorId).changes) === 1;
  }

  /**
   * Records a sign-in: the new counter and when. Only if the stored counter is still below it (or
   * the authenticator keeps no counter, 0 then and now), so that of two sign-ins racing with the
   * same counter value only one is taken; false for the other.
   */
  markUsed(id: string, counter: number, at: string): boolean {
    const r = statement(this.#db, 'UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ? AND (counter < ? OR (counter = 0 AND ? = 0))').run(counter, at, id, counter, counter);
    return Number(r.changes) === 1;
  }
}
