import type { DatabaseSync } from 'node:sqlite';
import { statement } from '../store/statements.ts';

export interface RecipientRow {
  participant_id: string;
  case_id: string;
  address_sealed: string | null;
  opted_out_at: string | null;
  unsubscribe_sealed: string;
  unsubscribe_hash: string;
  /** Thread messages for this person since the last digest (0: none waiting). */
  digest_count: number;
  /** When the first of them arrived: the digest goes out one window later. */
  digest_since: string | null;
}

export interface OutboxRow {
  id: string;
  case_id: string;
  participant_id: string;
  /** An OutgoingMail as JSON, sealed with the case key. */
  mail_sealed: string;
  attempts: number;
  next_attempt_at: string;
  created_at: string;
}

/** A session that may be due for its reminder. */
export interface DueSessionRow {
  id: string;
  case_id: string;
  starts_at: string;
  sequence: number;
  updated_at: string;
}

/** SQL for mail addresses, opt-outs, the outbox and sent reminders. Everything confidential arrives sealed. */
export class MailStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  recipient(participantId: string): RecipientRow | undefined {
    return statement(this.#db, 'SELECT * FROM mail_recipients WHERE participant_id = ?').get(participantId) as RecipientRow | undefined;
  }

  recipientsOf(caseId: string): RecipientRow[] {
    return statement(this.#db, 'SELECT * FROM mail_recipients WHERE case_id = ?').all(caseId) as unknown as RecipientRow[];
  }

  byUnsubscribeHash(hash: string): RecipientRow | undefined {
    return statement(this.#db, 'SELECT * FROM mail_recipients WHERE unsubscribe_hash = ?').get(hash) as RecipientRow | undefined;
  }

  insertRecipient(r: RecipientRow): void {
    statement(
      this.#db,
      `INSERT INTO mail_recipients (participant_id, case_id, address_sealed, opted_out_at, unsubscribe_sealed, unsubscribe_hash, digest_count, digest_since)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.participant_id, r.case_id, r.address_sealed, r.opted_out_at, r.unsubscribe_sealed, r.unsubscribe_hash, r.digest_count, r.digest_since);
  }

  setAddress(participantId: string, addressSealed: string | null): void {
    statement(this.#db, 'UPDATE mail_recipients SET address_sealed = ? WHERE participant_id = ?').run(addressSealed, participantId);
  }

  /** Off also drops what was waiting for them: someone who said "no more mails" gets none. */
  setOptedOut(participantId: string, at: string | null): void {
    statement(this.#db, 'UPDATE mail_recipients SET opted_out_at = ?, digest_count = 0, digest_since = NULL WHERE participant_id = ?').run(at, participantId);
    if (at) statement(this.#db, 'DELETE FROM mail_outbox WHERE participant_id = ?').run(participantId);
  }

  countMessage(participantId: string, at: string): void {
    statement(this.#db, 'UPDATE mail_recipients SET digest_count = digest_count + 1, digest_since = COALESCE(digest_since, ?) WHERE participant_id = ?').run(at, participantId);
  }

  /** People whose first unmailed message is older than `before`. */
  digestsDue(before: string): RecipientRow[] {
    return statement(this.#db, 'SELECT * FROM mail_recipients WHERE digest_count > 0 AND digest_since <= ?').all(before) as unknown as RecipientRow[];
  }

  clearDigest(participantId: string): void {
    statement(this.#db, 'UPDATE mail_recipients SET digest_count = 0, digest_since = NULL WHERE participant_id = ?').run(participantId);
  }

  enqueue(r: OutboxRow): void {
    statement(this.#db, 'INSERT INTO mail_outbox (id, case_id, participant_id, mail_sealed, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      r.id,
      r.case_id,
      r.participant_id,
      r.mail_sealed,
      r.attempts,
      r.next_attempt_at,
      r.created_at,
    );
  }

  due(at: string, limit: number): OutboxRow[] {
    return statement(this.#db, 'SELECT * FROM mail_outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?').all(at, limit) as unknown as OutboxRow[];
  }

  /** Sent or given up: the sealed mail is not kept (it holds a link). */
  remove(id: string): void {
    statement(this.#db, 'DELETE FROM mail_outbox WHERE id = ?').run(id);
  }

  retryLater(id: string, attempts: number, nextAt: string): void {
    statement(this.#db, 'UPDATE mail_outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?').run(attempts, nextAt, id);
  }

  /** Sessions not cancelled that start in (from, to] and were not reminded of in their current version. */
  remindersDue(from: string, to: string): DueSessionRow[] {
    return statement(
      this.#db,
      `SELECT s.id, s.case_id, s.starts_at, s.sequence, s.updated_at FROM scheduled_sessions s
       WHERE s.cancelled_at IS NULL AND s.starts_at > ? AND s.starts_at <= ?
       AND NOT EXISTS (SELECT 1 FROM mail_reminders r WHERE r.session_id = s.id AND r.sequence = s.sequence)`,
    ).all(from, to) as unknown as DueSessionRow[];
  }

  markReminded(sessionId: string, sequence: number, at: string): void {
    statement(this.#db, 'INSERT OR IGNORE INTO mail_reminders (session_id, sequence, at) VALUES (?, ?, ?)').run(sessionId, sequence, at);
  }
}
