import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';
import { statement } from './statements.ts';
import type { Kysely } from 'kysely';
import { sqliteDatabase } from './database.ts';
import type { DB } from './schema.ts';

export interface CaseRow {
  id: string;
  mediator_id: string;
  wrapped_key: string;
  title_sealed: string;
  agreement_json: string;
  clause_set_hash: string;
  created_at: string;
  /** BreakdownSettings as JSON; null = the defaults. */
  breakdown_json?: string | null;
  /** 1 on, 0 off; null = the platform's default. */
  waiting_room?: number | null;
  /** The template version the agreement was written from; null = the built-in template. */
  template_version_id?: string | null;
}
export type CaseHead = Pick<CaseRow, 'id' | 'mediator_id' | 'wrapped_key' | 'clause_set_hash'>;
export interface ParticipantRow {
  id: string;
  case_id: string;
  display_name_sealed: string;
  role: 'mediator' | 'party' | 'advisor' | 'assessor';
  side: string | null;
  created_at: string;
  removed_at: string | null;
  /** A mediator's row: their account (the lead's or a co-mediator's, migration 13); null for everyone else. */
  mediator_id?: string | null;
}
export interface InvitationRow {
  jti: string;
  participant_id: string;
  case_id: string;
  issued_at: string;
  expires_at: string;
  revoked_at: string | null;
  opened_at: string | null;
}
export interface ConsentRow {
  participant_id: string;
  clause_set_hash: string;
  accepted_clause_ids: string;
  at: string;
}
export interface MediatorRow {
  id: string;
  display_name: string;
  created_at: string;
  /** 1: administers the platform (the first account; migration 12). */
  is_admin?: number;
  /** Set: the account was deactivated; it has no sessions and signs in no more. */
  deactivated_at?: string | null;
  organisation?: string;
  statement?: string;
  email_sealed?: string | null;
  email_hash?: string | null;
}

/**
 * The embedded SQLite store (node:sqlite). Synchronous by design: each call is one short
 * statement or one transaction, so no request observes another's half-done write.
 */
export class Store {
  readonly db: DatabaseSync;
  /**
   * The same connection through the typed query layer (issue 14): modules move to it one by one
   * (docs/scaling.md, step 1); the raw statements below go as they do.
   */
  readonly kysely: Kysely<DB>;
  readonly path: string;
  #closed = false;

  constructor(dbPath: string) {
    if (dbPath !== ':memory:') ownerOnly(dbPath);
    this.path = dbPath;
    this.db = new DatabaseSync(dbPath);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
    this.#migrate();
    this.kysely = sqliteDatabase(this.db).db;
  }

  #migrate(): void {
    const row = statement(this.db, 'PRAGMA user_version').get() as { user_version: number };
    for (let v = row.user_version; v < MIGRATIONS.length; v++) {
      this.tx(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
  }

  get schemaVersion(): number {
    return (statement(this.db, 'PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  tx<T>(fn: () => T): T {
    // While modules move to the typed layer (issue 14), a Kysely transaction on this connection can
    // be open between two of its awaits when a synchronous one starts here; BEGIN would then fail
    // ("cannot start a transaction within a transaction"). The synchronous one joins it as a
    // savepoint instead: still all or nothing by itself, committed with the transaction around it.
    if (this.db.isTransaction) return this.#savepoint(fn);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  #savepoint<T>(fn: () => T): T {
    this.db.exec('SAVEPOINT store_tx');
    try {
      const out = fn();
      this.db.exec('RELEASE store_tx');
      return out;
    } catch (e) {
      this.db.exec('ROLLBACK TO store_tx; RELEASE store_tx');
      throw e;
    }
  }

  // --- server keys
  getServerKey(id: string): { publicKey: string; sealedSecretKey: string } | undefined {
    const r = statement(this.db, 'SELECT public_key, sealed_secret_key FROM server_keys WHERE id = ?').get(id) as
      | { public_key: string; sealed_secret_key: string }
      | undefined;
    return r && { publicKey: r.public_key, sealedSecretKey: r.sealed_secret_key };
  }
  putServerKey(id: string, k: { publicKey: string; sealedSecretKey: string }): void {
    statement(this.db, 'INSERT INTO server_keys (id, public_key, sealed_secret_key, created_at) VALUES (?, ?, ?, ?)').run(id, k.publicKey, k.sealedSecretKey, now());
  }

  // --- mediators and their sign-in
  /** The account the console sign-in link is for: the oldest active administrator. */
  firstAdmin(): MediatorRow | undefined {
    return statement(this.db, 'SELECT * FROM mediators WHERE is_admin = 1 AND deactivated_at IS NULL ORDER BY created_at, rowid LIMIT 1').get() as MediatorRow | undefined;
  }
  getMediator(id: string): MediatorRow | undefined {
    return statement(this.db, 'SELECT * FROM mediators WHERE id = ?').get(id) as MediatorRow | undefined;
  }
  insertMediator(m: MediatorRow): void {
    statement(this.db, 'INSERT INTO mediators (id, display_name, created_at, is_admin, email_sealed, email_hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(m.id, m.display_name, m.created_at, m.is_admin ?? 0, m.email_sealed ?? null, m.email_hash ?? null);
  }
  /**
   * Renames the mediator account and, in the same transaction, replaces the sealed name of their
   * participant rows (one per case they lead or co-mediate, each sealed with that case's key by
   * the caller). Only this mediator's own rows are touched.
   */
  renameMediator(mediatorId: string, displayName: string, participants: Array<{ id: string; display_name_sealed: string }>): void {
    this.tx(() => {
      statement(this.db, 'UPDATE mediators SET display_name = ? WHERE id = ?').run(displayName, mediatorId);
      const seal = statement(this.db, "UPDATE participants SET display_name_sealed = ? WHERE id = ? AND role = 'mediator' AND mediator_id = ?");
      for (const p of participants) seal.run(p.display_name_sealed, p.id, mediatorId);
    });
  }
  /** Unused sign-in links of this mediator stop working when a new one is printed. */
  replaceSigninToken(mediatorId: string, tokenHash: string, expiresAt: string): void {
    this.tx(() => {
      statement(this.db, 'DELETE FROM signin_tokens WHERE mediator_id = ? AND used_at IS NULL').run(mediatorId);
      statement(this.db, 'INSERT INTO signin_tokens (token_hash, mediator_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(tokenHash, mediatorId, now(), expiresAt);
    });
  }
  /** Marks the token used and returns its mediator, or undefined if unknown, used or expired. */
  consumeSigninToken(tokenHash: string): string | undefined {
    return this.tx(() => {
      const r = statement(this.db, 'SELECT t.mediator_id, t.expires_at, t.used_at, m.deactivated_at FROM signin_tokens t JOIN mediators m ON m.id = t.mediator_id WHERE t.token_hash = ?').get(tokenHash) as
        | { mediator_id: string; expires_at: string; used_at: string | null; deactivated_at: string | null }
        | undefined;
      if (!r || r.used_at || r.expires_at <= now() || r.deactivated_at) return undefined;
      statement(this.db, 'UPDATE signin_tokens SET used_at = ? WHERE token_hash = ?').run(now(), tokenHash);
      return r.mediator_id;
    });
  }
  insertMediatorSession(tokenHash: string, mediatorId: string, expiresAt: string): void {
    statement(this.db, 'INSERT INTO mediator_sessions (token_hash, mediator_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(tokenHash, mediatorId, now(), expiresAt);
  }
  mediatorForSession(tokenHash: string): string | undefined {
    return this.mediatorSession(tokenHash)?.mediatorId;
  }
  /** A live (unexpired) mediator session of an active account: whose it is and when it ends. */
  mediatorSession(tokenHash: string): { mediatorId: string; expiresAt: string } | undefined {
    const r = statement(
      this.db,
      'SELECT s.mediator_id, s.expires_at FROM mediator_sessions s JOIN mediators m ON m.id = s.mediator_id WHERE s.token_hash = ? AND s.expires_at > ? AND m.deactivated_at IS NULL',
    ).get(tokenHash, now()) as
      | { mediator_id: string; expires_at: string }
      | undefined;
    return r && { mediatorId: r.mediator_id, expiresAt: r.expires_at };
  }
  deleteMediatorSession(tokenHash: string): void {
    statement(this.db, 'DELETE FROM mediator_sessions WHERE token_hash = ?').run(tokenHash);
  }

  // --- cases and participants
  insertCase(c: CaseRow, participants: ParticipantRow[]): void {
    this.tx(() => {
      statement(this.db, 'INSERT INTO cases (id, mediator_id, wrapped_key, title_sealed, agreement_json, clause_set_hash, created_at, waiting_room, template_version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(c.id, c.mediator_id, c.wrapped_key, c.title_sealed, c.agreement_json, c.clause_set_hash, c.created_at, c.waiting_room ?? null, c.template_version_id ?? null);
      for (const p of participants) this.insertParticipant(p);
    });
  }
  /** Replaces the case's protocol agreement; earlier consents stop being current (other hash). */
  setCaseAgreement(caseId: string, agreementJson: string, clauseSetHash: string): void {
    statement(this.db, 'UPDATE cases SET agreement_json = ?, clause_set_hash = ? WHERE id = ?').run(agreementJson, clauseSetHash, caseId);
  }
  /** The template version the case's agreement is now written from (null: the built-in template). */
  setCaseTemplate(caseId: string, versionId: string | null): void {
    statement(this.db, 'UPDATE cases SET template_version_id = ? WHERE id = ?').run(versionId, caseId);
  }
  setCaseWaitingRoom(caseId: string, on: boolean): void {
    statement(this.db, 'UPDATE cases SET waiting_room = ? WHERE id = ?').run(on ? 1 : 0, caseId);
  }

  setCaseBreakdown(caseId: string, breakdownJson: string): void {
    statement(this.db, 'UPDATE cases SET breakdown_json = ? WHERE id = ?').run(breakdownJson, caseId);
  }
  /** One more person on a case (on creation, or an assessor or co-mediator added later). */
  insertParticipant(p: ParticipantRow): void {
    statement(this.db, 'INSERT INTO participants (id, case_id, display_name_sealed, role, side, created_at, mediator_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(p.id, p.case_id, p.display_name_sealed, p.role, p.side, p.created_at, p.mediator_id ?? null);
  }
  getCase(id: string): CaseRow | undefined {
    return statement(this.db, 'SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
  }
  /** The columns every request's credential and consent check needs, without the agreement text and title. */
  getCaseHead(id: string): CaseHead | undefined {
    return statement(this.db, 'SELECT id, mediator_id, wrapped_key, clause_set_hash FROM cases WHERE id = ?').get(id) as CaseHead | undefined;
  }
  /** The cases this mediator leads or co-mediates (has a participant row on, not taken off), newest first. */
  casesOf(mediatorId: string): CaseRow[] {
    return statement(
      this.db,
      "SELECT c.* FROM cases c JOIN participants p ON p.case_id = c.id WHERE p.mediator_id = ? AND p.role = 'mediator' AND p.removed_at IS NULL ORDER BY c.created_at DESC, c.rowid DESC",
    ).all(mediatorId) as unknown as CaseRow[];
  }
  /** This mediator's own participant row on the case, if they lead or co-mediate it now. */
  mediatorParticipant(caseId: string, mediatorId: string): ParticipantRow | undefined {
    return statement(this.db, "SELECT * FROM participants WHERE case_id = ? AND mediator_id = ? AND role = 'mediator' AND removed_at IS NULL").get(caseId, mediatorId) as
      | ParticipantRow
      | undefined;
  }
  /** Active accounts other than this one, by name: whom a lead can ask to co-mediate. */
  colleaguesOf(mediatorId: string): MediatorRow[] {
    return statement(this.db, 'SELECT * FROM mediators WHERE id <> ? AND deactivated_at IS NULL ORDER BY display_name COLLATE NOCASE, created_at').all(mediatorId) as unknown as MediatorRow[];
  }
  participantsOf(caseId: string): ParticipantRow[] {
    return statement(this.db, 'SELECT * FROM participants WHERE case_id = ? AND removed_at IS NULL ORDER BY created_at, rowid').all(caseId) as unknown as ParticipantRow[];
  }
  getParticipant(id: string): ParticipantRow | undefined {
    return statement(this.db, 'SELECT * FROM participants WHERE id = ?').get(id) as ParticipantRow | undefined;
  }

  // --- invitations
  insertInvitation(i: InvitationRow): void {
    statement(this.db, 'INSERT INTO invitations (jti, participant_id, case_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(i.jti, i.participant_id, i.case_id, i.issued_at, i.expires_at);
  }
  getInvitation(jti: string): InvitationRow | undefined {
    return statement(this.db, 'SELECT * FROM invitations WHERE jti = ?').get(jti) as InvitationRow | undefined;
  }
  /** The newest invitation of a participant (the one the mediator sees). */
  latestInvitation(participantId: string): InvitationRow | undefined {
    return statement(this.db, 'SELECT * FROM invitations WHERE participant_id = ? ORDER BY issued_at DESC, rowid DESC LIMIT 1').get(participantId) as
      | InvitationRow
      | undefined;
  }
  /** The person is no longer on the case (the row stays: their messages and the record name them). */
  markParticipantRemoved(participantId: string): void {
    statement(this.db, 'UPDATE participants SET removed_at = ? WHERE id = ? AND removed_at IS NULL').run(now(), participantId);
  }
  revokeInvitations(participantId: string): void {
    statement(this.db, 'UPDATE invitations SET revoked_at = ? WHERE participant_id = ? AND revoked_at IS NULL').run(now(), participantId);
  }
  markInvitationOpened(jti: string): void {
    statement(this.db, 'UPDATE invitations SET opened_at = ? WHERE jti = ? AND opened_at IS NULL').run(now(), jti);
  }

  // --- consent
  insertConsent(c: ConsentRow & { case_id: string }): void {
    statement(this.db, 'INSERT INTO consents (participant_id, case_id, clause_set_hash, accepted_clause_ids, at) VALUES (?, ?, ?, ?, ?)')
      .run(c.participant_id, c.case_id, c.clause_set_hash, c.accepted_clause_ids, c.at);
  }
  /** The newest consent in force: a withdrawn one counts as none (the person may consent again). */
  latestConsent(participantId: string): ConsentRow | undefined {
    return statement(this.db, 'SELECT participant_id, clause_set_hash, accepted_clause_ids, at FROM consents WHERE participant_id = ? AND withdrawn_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(participantId) as ConsentRow | undefined;
  }
  /** Withdraws every consent of the person still in force; returns how many there were. */
  withdrawConsents(participantId: string, at: string): number {
    return Number(statement(this.db, 'UPDATE consents SET withdrawn_at = ? WHERE participant_id = ? AND withdrawn_at IS NULL').run(at, participantId).changes);
  }

  /** Readiness: the database answers a query (throws when it is closed or unreadable). */
  ping(): boolean {
    statement(this.db, 'SELECT 1').get();
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.db.close();
  }
}

export const now = (): string => new Date().toISOString();

/**
 * Only the service's user may read the database: it holds the sealed keys and, in the clear, who
 * was invited when. The folder is created 0700. The file is created 0600 before SQLite opens it
 * (SQLite would create it 0644, world-readable), and SQLite's unix VFS gives the -wal and -shm files
 * the database file's mode. Files left 0644 by an older version or a restored backup are tightened.
 * An existing folder is left as it is: PARLEY_DB_PATH may point into a shared one.
 */
function ownerOnly(dbPath: string): void {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(dbPath, 'a', 0o600)); // creates it if missing; never truncates
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o777) !== 0o600) fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`Cannot make ${f} readable by its owner only (${(err as NodeJS.ErrnoException).code}). Run Parley as the user who owns its data folder.`, { cause: err });
    }
  }
}
