import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../store/schema.ts';
import { now } from '../store/Store.ts';
import { lockNamed, type Engine } from '../store/database.ts';

export type MediatorInvitationRow = Selectable<DB['mediator_invitations']>;
export type MediatorAccountRow = Selectable<DB['mediators']>;

/**
 * SQL for mediator accounts and the administrator's invitations (migration 12), on either engine
 * (store/database.ts). Links arrive hashed, addresses sealed.
 */
export class AccountStore {
  readonly #db: Kysely<DB>;
  readonly #engine: Engine;

  constructor(db: Kysely<DB>, engine: Engine) {
    this.#db = db;
    this.#engine = engine;
  }

  mediators(): Promise<MediatorAccountRow[]> {
    return this.#db.selectFrom('mediators').selectAll().orderBy('created_at').orderBy('row_order').execute();
  }

  /** Whether an active account (other than `exceptId`) or an open invitation has this address (by its keyed hash). */
  async emailTaken(emailHash: string, exceptId = ''): Promise<boolean> {
    const account = await this.#db
      .selectFrom('mediators')
      .select('id')
      .where('email_hash', '=', emailHash)
      .where('deactivated_at', 'is', null)
      .where('id', '<>', exceptId)
      .executeTakeFirst();
    if (account) return true;
    const invitation = await this.#db
      .selectFrom('mediator_invitations')
      .select('id')
      .where('email_hash', '=', emailHash)
      .where('used_at', 'is', null)
      .where('withdrawn_at', 'is', null)
      .where('expires_at', '>', now())
      .executeTakeFirst();
    return invitation !== undefined;
  }

  /** The active account with this address, if any. */
  async activeByEmail(emailHash: string): Promise<{ id: string; email_sealed: string } | undefined> {
    const r = await this.#db
      .selectFrom('mediators')
      .select(['id', 'email_sealed'])
      .where('email_hash', '=', emailHash)
      .where('deactivated_at', 'is', null)
      .where('email_sealed', 'is not', null)
      .executeTakeFirst();
    return r && r.email_sealed !== null ? { id: r.id, email_sealed: r.email_sealed } : undefined;
  }

  async setEmail(id: string, email: { sealed: string; hash: string } | null): Promise<void> {
    await this.#db.updateTable('mediators').set({ email_sealed: email?.sealed ?? null, email_hash: email?.hash ?? null }).where('id', '=', id).execute();
  }

  /** Changes only what is given. */
  async setProfile(id: string, p: { organisation?: string | undefined; statement?: string | undefined }): Promise<void> {
    const change = { ...(p.organisation !== undefined ? { organisation: p.organisation } : {}), ...(p.statement !== undefined ? { statement: p.statement } : {}) };
    if (Object.keys(change).length > 0) await this.#db.updateTable('mediators').set(change).where('id', '=', id).execute();
  }

  async insertInvitation(i: Omit<MediatorInvitationRow, 'used_at' | 'withdrawn_at' | 'mediator_id' | 'row_order'>): Promise<void> {
    await this.#db.insertInto('mediator_invitations').values({ ...i, used_at: null, withdrawn_at: null, mediator_id: null }).execute();
  }

  invitationByToken(tokenHash: string): Promise<MediatorInvitationRow | undefined> {
    return this.#db.selectFrom('mediator_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  pendingInvitations(): Promise<MediatorInvitationRow[]> {
    return this.#db
      .selectFrom('mediator_invitations')
      .selectAll()
      .where('used_at', 'is', null)
      .where('withdrawn_at', 'is', null)
      .where('expires_at', '>', now())
      .orderBy('created_at')
      .orderBy('row_order')
      .execute();
  }

  /** Returns whether an open invitation was withdrawn. */
  async withdrawInvitation(id: string): Promise<boolean> {
    const r = await this.#db.updateTable('mediator_invitations').set({ withdrawn_at: now() }).where('id', '=', id).where('used_at', 'is', null).where('withdrawn_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Uses the invitation and creates the account in one transaction. Returns false when the
   * invitation was used or withdrawn meanwhile (two tabs accepting at once: one wins).
   */
  acceptInvitation(invitationId: string, m: { id: string; display_name: string; created_at: string; email_sealed: string | null; email_hash: string | null }): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const at = now();
      const used = await trx
        .updateTable('mediator_invitations')
        .set({ used_at: at })
        .where('id', '=', invitationId)
        .where('used_at', 'is', null)
        .where('withdrawn_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) return false;
      await trx.insertInto('mediators').values({ ...m, is_admin: 0, deactivated_at: null }).execute();
      // After the account exists: the column refers to it.
      await trx.updateTable('mediator_invitations').set({ mediator_id: m.id }).where('id', '=', invitationId).execute();
      return true;
    });
  }

  /**
   * Deactivates the account: its sessions and unused sign-in links are deleted in the same
   * transaction. Returns the hashes of the sessions that ended (their connections are closed next),
   * or 'last-admin' and changes nothing when it is the last active administrator.
   */
  deactivate(id: string): Promise<string[] | 'last-admin'> {
    return this.#db.transaction().execute(async (trx) => {
      // Two administrators deactivating each other at the same moment (on two nodes, say) run one
      // after the other here, so the second sees the first's change and at least one stays.
      await lockNamed(trx, this.#engine, 'parley.administrators');
      const m = await trx.selectFrom('mediators').select(['is_admin', 'deactivated_at']).where('id', '=', id).executeTakeFirst();
      if (m?.is_admin === 1 && !m.deactivated_at) {
        const admins = await trx.selectFrom('mediators').select((eb) => eb.fn.countAll<number>().as('n')).where('is_admin', '=', 1).where('deactivated_at', 'is', null).executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) return 'last-admin';
      }
      await trx.updateTable('mediators').set({ deactivated_at: now() }).where('id', '=', id).where('deactivated_at', 'is', null).execute();
      const sessions = await trx.deleteFrom('mediator_sessions').where('mediator_id', '=', id).returning('token_hash').execute();
      await trx.deleteFrom('signin_tokens').where('mediator_id', '=', id).where('used_at', 'is', null).execute();
      return sessions.map((s) => s.token_hash);
    });
  }

  /** The account may sign in again (it has no session until it does). */
  async reactivate(id: string): Promise<void> {
    await this.#db.updateTable('mediators').set({ deactivated_at: null }).where('id', '=', id).execute();
  }
}

