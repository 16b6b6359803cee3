import type { DatabaseSync } from 'node:sqlite';
import { statement } from '../store/statements.ts';
import { now, type MediatorRow, type Store } from '../store/Store.ts';

export interface MediatorInvitationRow {
  id: string;
  token_hash: string;
  invited_by: string;
  display_name: string;
  email_sealed: string | null;
  email_hash: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  withdrawn_at: string | null;
  mediator_id: string | null;
}

/** SQL for mediator accounts and the administrator's invitations (migration 12). Links arrive hashed, addresses sealed. */
export class AccountStore {
  readonly #db: DatabaseSync;
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    this.#db = store.db;
  }

  mediators(): Array<Required<MediatorRow>> {
    return statement(this.#db, 'SELECT * FROM mediators ORDER BY created_at, rowid').all() as unknown as Array<Required<MediatorRow>>;
  }

  activeAdminCount(): number {
    return (statement(this.#db, 'SELECT COUNT(*) AS n FROM mediators WHERE is_admin = 1 AND deactivated_at IS NULL').get() as { n: number }).n;
  }

  /** Whether an active account, or an invitation still open, holds this e-mail address (by its keyed hash). */
  /** Whether an active account (other than `exceptId`) or an open invitation has this address. */
  emailTaken(emailHash: string, exceptId = ''): boolean {
    const r = statement(
      this.#db,
      `SELECT 1 FROM mediators WHERE email_hash = ? AND deactivated_at IS NULL AND id <> ?
       UNION ALL SELECT 1 FROM mediator_invitations WHERE email_hash = ? AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > ? LIMIT 1`,
    ).get(emailHash, exceptId, emailHash, now());
    return r !== undefined;
  }

  /** The active account with this address, if any. */
  activeByEmail(emailHash: string): { id: string; email_sealed: string } | undefined {
    return statement(this.#db, 'SELECT id, email_sealed FROM mediators WHERE email_hash = ? AND deactivated_at IS NULL AND email_sealed IS NOT NULL LIMIT 1').get(emailHash) as
      | { id: string; email_sealed: string }
      | undefined;
  }

  setEmail(id: string, email: { sealed: string; hash: string } | null): void {
    statement(this.#db, 'UPDATE mediators SET email_sealed = ?, email_hash = ? WHERE id = ?').run(email?.sealed ?? null, email?.hash ?? null, id);
  }

  setProfile(id: string, p: { organisation?: string | undefined; statement?: string | undefined }): void {
    statement(this.#db, 'UPDATE mediators SET organisation = COALESCE(?, organisation), statement = COALESCE(?, statement) WHERE id = ?').run(p.organisation ?? null, p.statement ?? null, id);
  }

  insertInvitation(i: Omit<MediatorInvitationRow, 'used_at' | 'withdrawn_at' | 'mediator_id'>): void {
    statement(this.#db, 'INSERT INTO mediator_invitations (id, token_hash, invited_by, display_name, email_sealed, email_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(i.id, i.token_hash, i.invited_by, i.display_name, i.email_sealed, i.email_hash, i.created_at, i.expires_at);
  }

  invitationByToken(tokenHash: string): MediatorInvitationRow | undefined {
    return statement(this.#db, 'SELECT * FROM mediator_invitations WHERE token_hash = ?').get(tokenHash) as MediatorInvitationRow | undefined;
  }

  pendingInvitations(): MediatorInvitationRow[] {
    return statement(this.#db, 'SELECT * FROM mediator_invitations WHERE used_at IS NULL AND withdrawn_at IS NULL AND expires_at > ? ORDER BY created_at, rowid').all(now()) as unknown as MediatorInvitationRow[];
  }

  /** Returns whether an open invitation was withdrawn. */
  withdrawInvitation(id: string): boolean {
    return Number(statement(this.#db, 'UPDATE mediator_invitations SET withdrawn_at = ? WHERE id = ? AND used_at IS NULL AND withdrawn_at IS NULL').run(now(), id).changes) === 1;
  }

  /**
   * Uses the invitation and creates the account in one transaction. Returns false when the
   * invitation was used or withdrawn meanwhile (two tabs accepting at once: one wins).
   */
  acceptInvitation(invitationId: string, m: MediatorRow): boolean {
    return this.#store.tx(() => {
      const used = statement(this.#db, 'UPDATE mediator_invitations SET used_at = ? WHERE id = ? AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > ?').run(now(), invitationId, now());
      if (Number(used.changes) !== 1) return false;
      statement(this.#db, 'INSERT INTO mediators (id, display_name, created_at, is_admin, email_sealed, email_hash) VALUES (?, ?, ?, 0, ?, ?)').run(m.id, m.display_name, m.created_at, m.email_sealed ?? null, m.email_hash ?? null);
      statement(this.#db, 'UPDATE mediator_invitations SET mediator_id = ? WHERE id = ?').run(m.id, invitationId);
      return true;
    });
  }

  /**
   * Deactivates the account: its sessions and unused sign-in links are deleted in the same
   * transaction. Returns the hashes of the sessions that ended (their connections are closed next).
   */
  deactivate(id: string): string[] {
    return this.#store.tx(() => {
      statement(this.#db, 'UPDATE mediators SET deactivated_at = ? WHERE id = ? AND deactivated_at IS NULL').run(now(), id);
      const sessions = statement(this.#db, 'SELECT token_hash FROM mediator_sessions WHERE mediator_id = ?').all(id) as Array<{ token_hash: string }>;
      statement(this.#db, 'DELETE FROM mediator_sessions WHERE mediator_id = ?').run(id);
      statement(this.#db, 'DELETE FROM signin_tokens WHERE mediator_id = ? AND used_at IS NULL').run(id);
      return sessions.map((s) => s.token_hash);
    });
  }

  /** The account may sign in again (it has no session until it does). */
  reactivate(id: string): void {
    statement(this.#db, 'UPDATE mediators SET deactivated_at = NULL WHERE id = ?').run(id);
  }
}
