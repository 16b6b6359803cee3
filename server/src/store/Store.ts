import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { MIGRATIONS } from './migrations.ts';
import { statement } from './statements.ts';
import { lockRow, migrate, postgresDatabase, sqliteDatabase, type Database, type Engine } from './database.ts';
import type { DB } from './schema.ts';

export type CaseRow = Selectable<DB['cases']>;
export type CaseHead = Pick<CaseRow, 'id' | 'mediator_id' | 'wrapped_key' | 'clause_set_hash' | 'state' | 'party_access_until'>;
/** Where a case stands at its end (lifecycle/CaseLifecycle.ts): the columns migration 0017 added. */
export type CaseLifecycleRow = Pick<CaseRow, 'state' | 'concluded_at' | 'outcome' | 'reason_sealed' | 'party_access_until' | 'archived_at'>;
/** The lifecycle columns take their defaults on a new case. */
type NewCase = Omit<CaseRow, 'breakdown_json' | 'row_order' | keyof CaseLifecycleRow> & { breakdown_json?: string | null };
export type ParticipantRow = Selectable<DB['participants']>;
export type InvitationRow = Selectable<DB['invitations']>;
export type ConsentRow = Pick<Selectable<DB['consents']>, 'participant_id' | 'clause_set_hash' | 'accepted_clause_ids' | 'at'>;
export type MediatorRow = Selectable<DB['mediators']>;
/** A new account: what the platform does not default. */
export type NewMediator = Pick<MediatorRow, 'id' | 'display_name' | 'created_at'> & Partial<Pick<MediatorRow, 'is_admin' | 'email_sealed' | 'email_hash'>>;
/** A new participant row; a mediator's names their account. */
export type NewParticipant = Omit<ParticipantRow, 'mediator_id' | 'row_order'> & { mediator_id?: string | null };

/**
 * The queries on cases, people, links, consents and mediator sign-in, on either engine. Every
 * method is one statement or one transaction; `Store.transaction` runs several as one.
 */
export class StoreQueries {
  protected readonly q: Kysely<DB>;

  constructor(q: Kysely<DB>) {
    this.q = q;
  }

  // --- server keys
  async getServerKey(id: string): Promise<{ publicKey: string; sealedSecretKey: string } | undefined> {
    const r = await this.q.selectFrom('server_keys').select(['public_key', 'sealed_secret_key']).where('id', '=', id).executeTakeFirst();
    return r && { publicKey: r.public_key, sealedSecretKey: r.sealed_secret_key };
  }
  async putServerKey(id: string, k: { publicKey: string; sealedSecretKey: string }): Promise<void> {
    await this.q.insertInto('server_keys').values({ id, public_key: k.publicKey, sealed_secret_key: k.sealedSecretKey, created_at: now() }).execute();
  }

  // --- mediators and their sign-in
  /** The account the console sign-in link is for: the oldest active administrator. */
  firstAdmin(): Promise<MediatorRow | undefined> {
    return this.q.selectFrom('mediators').selectAll().where('is_admin', '=', 1).where('deactivated_at', 'is', null).orderBy('created_at').orderBy('row_order').limit(1).executeTakeFirst();
  }
  getMediator(id: string): Promise<MediatorRow | undefined> {
    return this.q.selectFrom('mediators').selectAll().where('id', '=', id).executeTakeFirst();
  }
  async insertMediator(m: NewMediator): Promise<void> {
    await this.q
      .insertInto('mediators')
      .values({ id: m.id, display_name: m.display_name, created_at: m.created_at, is_admin: m.is_admin ?? 0, deactivated_at: null, email_sealed: m.email_sealed ?? null, email_hash: m.email_hash ?? null })
      .execute();
  }
  /**
   * Renames the mediator account and, in the same transaction, replaces the sealed name of their
   * participant rows (one per case they lead or co-mediate, each sealed with that case's key by
   * the caller). Only this mediator's own rows are touched.
   */
  renameMediator(mediatorId: string, displayName: string, participants: Array<{ id: string; display_name_sealed: string }>): Promise<void> {
    return this.#inTransaction(async (q) => {
      await q.updateTable('mediators').set({ display_name: displayName }).where('id', '=', mediatorId).execute();
      for (const p of participants) {
        await q.updateTable('participants').set({ display_name_sealed: p.display_name_sealed }).where('id', '=', p.id).where('role', '=', 'mediator').where('mediator_id', '=', mediatorId).execute();
      }
    });
  }
  /** Unused sign-in links of this mediator stop working when a new one is printed. */
  replaceSigninToken(mediatorId: string, tokenHash: string, expiresAt: string): Promise<void> {
    return this.#inTransaction(async (q) => {
      await q.deleteFrom('signin_tokens').where('mediator_id', '=', mediatorId).where('used_at', 'is', null).execute();
      await q.insertInto('signin_tokens').values({ token_hash: tokenHash, mediator_id: mediatorId, created_at: now(), expires_at: expiresAt, used_at: null }).execute();
    });
  }
  /** Marks the token used and returns its mediator, or undefined if unknown, used or expired. */
  async consumeSigninToken(tokenHash: string): Promise<string | undefined> {
    const at = now();
    // One conditional update decides: two tabs using one link at once, one wins.
    const used = await this.q
      .updateTable('signin_tokens')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .where(({ exists, selectFrom }) => exists(selectFrom('mediators').select('id').whereRef('mediators.id', '=', 'signin_tokens.mediator_id').where('deactivated_at', 'is', null)))
      .returning('mediator_id')
      .executeTakeFirst();
    return used?.mediator_id;
  }
  async insertMediatorSession(tokenHash: string, mediatorId: string, expiresAt: string): Promise<void> {
    await this.q.insertInto('mediator_sessions').values({ token_hash: tokenHash, mediator_id: mediatorId, created_at: now(), expires_at: expiresAt }).execute();
  }
  /** A live (unexpired) mediator session of an active account: whose it is and when it ends. */
  async mediatorSession(tokenHash: string): Promise<{ mediatorId: string; expiresAt: string } | undefined> {
    const r = await this.q
      .selectFrom('mediator_sessions as s')
      .innerJoin('mediators as m', 'm.id', 's.mediator_id')
      .select(['s.mediator_id', 's.expires_at'])
      .where('s.token_hash', '=', tokenHash)
      .where('s.expires_at', '>', now())
      .where('m.deactivated_at', 'is', null)
      .executeTakeFirst();
    return r && { mediatorId: r.mediator_id, expiresAt: r.expires_at };
  }
  async deleteMediatorSession(tokenHash: string): Promise<void> {
    await this.q.deleteFrom('mediator_sessions').where('token_hash', '=', tokenHash).execute();
  }

  // --- cases and participants
  insertCase(c: NewCase, participants: NewParticipant[]): Promise<void> {
    return this.#inTransaction(async (q) => {
      await q.insertInto('cases').values({ ...c, breakdown_json: c.breakdown_json ?? null }).execute();
      for (const p of participants) await new StoreQueries(q).insertParticipant(p);
    });
  }
  /** Replaces the case's protocol agreement; earlier consents stop being current (other hash). */
  async setCaseAgreement(caseId: string, agreementJson: string, clauseSetHash: string): Promise<void> {
    await this.q.updateTable('cases').set({ agreement_json: agreementJson, clause_set_hash: clauseSetHash }).where('id', '=', caseId).execute();
  }
  /** The template version the case's agreement is now written from (null: the built-in template). */
  async setCaseTemplate(caseId: string, versionId: string | null): Promise<void> {
    await this.q.updateTable('cases').set({ template_version_id: versionId }).where('id', '=', caseId).execute();
  }
  /**
   * Moves the case to another state if it is still in `from` (one statement: two mediators
   * concluding at once conclude it once). True when this call moved it.
   */
  async setCaseLifecycle(caseId: string, from: CaseRow['state'], to: CaseLifecycleRow): Promise<boolean> {
    const r = await this.q.updateTable('cases').set(to).where('id', '=', caseId).where('state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async setCaseWaitingRoom(caseId: string, on: boolean): Promise<void> {
    await this.q.updateTable('cases').set({ waiting_room: on ? 1 : 0 }).where('id', '=', caseId).execute();
  }
  /** The breakdown procedure and, when its clause changed with it, the agreement: one statement. */
  async setCaseBreakdown(caseId: string, breakdownJson: string, agreement?: { json: string; clauseSetHash: string }): Promise<void> {
    await this.q
      .updateTable('cases')
      .set({ breakdown_json: breakdownJson, ...(agreement ? { agreement_json: agreement.json, clause_set_hash: agreement.clauseSetHash } : {}) })
      .where('id', '=', caseId)
      .execute();
  }
  /** One more person on a case (on creation, or an assessor or co-mediator added later). */
  async insertParticipant(p: NewParticipant): Promise<void> {
    await this.q
      .insertInto('participants')
      .values({ id: p.id, case_id: p.case_id, display_name_sealed: p.display_name_sealed, role: p.role, side: p.side, created_at: p.created_at, removed_at: p.removed_at, mediator_id: p.mediator_id ?? null })
      .execute();
  }
  getCase(id: string): Promise<CaseRow | undefined> {
    return this.q.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** The columns every request's credential and consent check needs, without the agreement text and title. */
  getCaseHead(id: string): Promise<CaseHead | undefined> {
    return this.q.selectFrom('cases').select(['id', 'mediator_id', 'wrapped_key', 'clause_set_hash', 'state', 'party_access_until']).where('id', '=', id).executeTakeFirst();
  }
  /** The cases this mediator leads or co-mediates (has a participant row on, not taken off), newest first. */
  casesOf(mediatorId: string): Promise<CaseRow[]> {
    return this.q
      .selectFrom('cases as c')
      .innerJoin('participants as p', 'p.case_id', 'c.id')
      .selectAll('c')
      .where('p.mediator_id', '=', mediatorId)
      .where('p.role', '=', 'mediator')
      .where('p.removed_at', 'is', null)
      .orderBy('c.created_at', 'desc')
      .orderBy('c.row_order', 'desc')
      .execute();
  }
  /** This mediator's own participant row on the case, if they lead or co-mediate it now. */
  mediatorParticipant(caseId: string, mediatorId: string): Promise<ParticipantRow | undefined> {
    return this.q.selectFrom('participants').selectAll().where('case_id', '=', caseId).where('mediator_id', '=', mediatorId).where('role', '=', 'mediator').where('removed_at', 'is', null).executeTakeFirst();
  }
  /** Active accounts other than this one, by name (case-blind): whom a lead can ask to co-mediate. */
  colleaguesOf(mediatorId: string): Promise<MediatorRow[]> {
    return this.q
      .selectFrom('mediators')
      .selectAll()
      .where('id', '<>', mediatorId)
      .where('deactivated_at', 'is', null)
      .orderBy((eb) => eb.fn('lower', ['display_name']))
      .orderBy('created_at')
      .execute();
  }
  participantsOf(caseId: string): Promise<ParticipantRow[]> {
    return this.q.selectFrom('participants').selectAll().where('case_id', '=', caseId).where('removed_at', 'is', null).orderBy('created_at').orderBy('row_order').execute();
  }
  getParticipant(id: string): Promise<ParticipantRow | undefined> {
    return this.q.selectFrom('participants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  // --- invitations
  async insertInvitation(i: Omit<InvitationRow, 'row_order'>): Promise<void> {
    await this.q.insertInto('invitations').values(i).execute();
  }
  getInvitation(jti: string): Promise<InvitationRow | undefined> {
    return this.q.selectFrom('invitations').selectAll().where('jti', '=', jti).executeTakeFirst();
  }
  /** The newest invitation of a participant (the one the mediator sees). */
  latestInvitation(participantId: string): Promise<InvitationRow | undefined> {
    return this.q.selectFrom('invitations').selectAll().where('participant_id', '=', participantId).orderBy('issued_at', 'desc').orderBy('row_order', 'desc').limit(1).executeTakeFirst();
  }
  /** The person is no longer on the case (the row stays: their messages and the record name them). */
  async markParticipantRemoved(participantId: string): Promise<void> {
    await this.q.updateTable('participants').set({ removed_at: now() }).where('id', '=', participantId).where('removed_at', 'is', null).execute();
  }
  async revokeInvitations(participantId: string): Promise<void> {
    await this.q.updateTable('invitations').set({ revoked_at: now() }).where('participant_id', '=', participantId).where('revoked_at', 'is', null).execute();
  }
  async markInvitationOpened(jti: string): Promise<void> {
    await this.q.updateTable('invitations').set({ opened_at: now() }).where('jti', '=', jti).where('opened_at', 'is', null).execute();
  }

  // --- consent
  async insertConsent(c: ConsentRow & { case_id: string }): Promise<void> {
    await this.q.insertInto('consents').values({ participant_id: c.participant_id, case_id: c.case_id, clause_set_hash: c.clause_set_hash, accepted_clause_ids: c.accepted_clause_ids, at: c.at, withdrawn_at: null }).execute();
  }
  /** The newest consent in force: a withdrawn one counts as none (the person may consent again). */
  latestConsent(participantId: string): Promise<ConsentRow | undefined> {
    return this.q
      .selectFrom('consents')
      .select(['participant_id', 'clause_set_hash', 'accepted_clause_ids', 'at'])
      .where('participant_id', '=', participantId)
      .where('withdrawn_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
  /** Every consent the person gave, oldest first, withdrawn ones included (their data download). */
  consentsOf(participantId: string): Promise<Array<ConsentRow & { withdrawn_at: string | null }>> {
    return this.q
      .selectFrom('consents')
      .select(['participant_id', 'clause_set_hash', 'accepted_clause_ids', 'at', 'withdrawn_at'])
      .where('participant_id', '=', participantId)
      .orderBy('id')
      .execute();
  }
  /** Runs `fn` in a transaction of its own, or in the one this runs in already. */
  #inTransaction<T>(fn: (q: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.q.isTransaction ? fn(this.q) : this.q.transaction().execute(fn);
  }
}

/**
 * The database: the embedded SQLite file `npm start` uses, or Postgres when `DATABASE_URL` names
 * one (docs/scaling.md). Modules with tables of their own run their queries on `kysely`.
 */
export class Store extends StoreQueries {
  readonly engine: Engine;
  readonly kysely: Kysely<DB>;
  /** The SQLite file, or the Postgres server's address without its password. */
  readonly path: string;
  readonly #database: Database;
  readonly #sqlite: DatabaseSync | null;
  #closed = false;

  private constructor(database: Database, where: string, sqlite: DatabaseSync | null) {
    super(database.db);
    this.engine = database.engine;
    this.kysely = database.db;
    this.#database = database;
    this.path = where;
    this.#sqlite = sqlite;
  }

  /**
   * Opens and migrates the database. A SQLite file is created owner-only; its fourteen older
   * migrations run first (migrations.ts), then the ones both engines share (database.ts).
   */
  static async open(o: { dbPath: string; databaseUrl?: string | undefined }): Promise<Store> {
    let store: Store;
    if (o.databaseUrl) {
      const url = new URL(o.databaseUrl);
      url.password = '';
      store = new Store(postgresDatabase(o.databaseUrl), url.toString(), null);
    } else {
      if (o.dbPath !== ':memory:') ownerOnly(o.dbPath);
      const conn = new DatabaseSync(o.dbPath);
      try {
        conn.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;');
        migrateSqlite(conn);
      } catch (err) {
        conn.close();
        throw err;
      }
      store = new Store(sqliteDatabase(conn), o.dbPath, conn);
    }
    try {
      await migrate(store.#database);
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** The SQLite connection itself, for tests that look at the file's rows (SQLite only). */
  get db(): DatabaseSync {
    if (!this.#sqlite) throw new Error('Raw SQLite access on a Postgres store.');
    return this.#sqlite;
  }

  /** Runs `fn` as one transaction: everything it does through the queries it is given, or nothing. */
  transaction<T>(fn: (q: StoreQueries, trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute((trx) => fn(new StoreQueries(trx), trx));
  }

  /**
   * A transaction that first locks the case's row (lockRow): a read-then-write of the case (its
   * agreement, its people, its limits) runs after any other one in progress, on any node.
   */
  caseTransaction<T>(caseId: string, fn: (q: StoreQueries, trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.transaction(async (q, trx) => {
      await lockRow(trx, 'cases', caseId);
      return fn(q, trx);
    });
  }

  /** Readiness: the database answers a query (rejects when it is closed or unreachable). */
  async ping(): Promise<boolean> {
    await this.kysely.selectFrom('server_keys').select('id').limit(1).execute();
    return true;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#database.close();
    this.#sqlite?.close();
  }
}

/** The SQLite migrations from before the typed layer, by `PRAGMA user_version`. */
function migrateSqlite(db: DatabaseSync): void {
  const version = (): number => (statement(db, 'PRAGMA user_version').statement.get() as { user_version: number }).user_version;
  for (let v = version(); v < MIGRATIONS.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
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
