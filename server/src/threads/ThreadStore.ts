import type { DatabaseSync } from 'node:sqlite';
import { statement } from '../store/statements.ts';

export interface ThreadRow {
  id: string;
  case_id: string;
  kind: 'joint' | 'caucus' | 'private';
  key: string;
  title_sealed: string | null;
  created_at: string;
}
export interface MessageRow {
  seq: number;
  id: string;
  thread_id: string;
  author_id: string;
  client_id: string;
  body_sealed: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

/** SQL for threads, members and messages. Bodies arrive here already sealed. */
export class ThreadStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Creates the thread if missing (unique per case, kind and key) and returns it. */
  ensureThread(t: ThreadRow): ThreadRow {
    statement(this.#db, 'INSERT OR IGNORE INTO threads (id, case_id, kind, key, title_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(t.id, t.case_id, t.kind, t.key, t.title_sealed, t.created_at);
    return statement(this.#db, 'SELECT * FROM threads WHERE case_id = ? AND kind = ? AND key = ?').get(t.case_id, t.kind, t.key) as unknown as ThreadRow;
  }

  /** Adds members; returns those who were not members before. */
  addMembers(threadId: string, participantIds: string[], at: string): string[] {
    const ins = statement(this.#db, 'INSERT OR IGNORE INTO thread_members (thread_id, participant_id, added_at) VALUES (?, ?, ?)');
    return participantIds.filter((pid) => Number(ins.run(threadId, pid, at).changes) > 0);
  }

  getThread(id: string): ThreadRow | undefined {
    return statement(this.#db, 'SELECT * FROM threads WHERE id = ?').get(id) as ThreadRow | undefined;
  }

  threadsOfCase(caseId: string, kind: ThreadRow['kind']): ThreadRow[] {
    return statement(this.#db, 'SELECT * FROM threads WHERE case_id = ? AND kind = ? ORDER BY created_at, rowid').all(caseId, kind) as unknown as ThreadRow[];
  }

  threadsOf(participantId: string): ThreadRow[] {
    return statement(this.#db, 'SELECT t.* FROM threads t JOIN thread_members m ON m.thread_id = t.id WHERE m.participant_id = ? ORDER BY t.created_at, t.rowid')
      .all(participantId) as unknown as ThreadRow[];
  }

  members(threadId: string): string[] {
    return (statement(this.#db, 'SELECT participant_id FROM thread_members WHERE thread_id = ? ORDER BY added_at, rowid').all(threadId) as Array<{ participant_id: string }>).map(
      (r) => r.participant_id,
    );
  }

  isMember(threadId: string, participantId: string): boolean {
    return !!statement(this.#db, 'SELECT 1 FROM thread_members WHERE thread_id = ? AND participant_id = ?').get(threadId, participantId);
  }

  /** Inserts a message; a resend with the same client id returns the stored one instead. */
  insertMessage(m: Omit<MessageRow, 'seq' | 'edited_at' | 'deleted_at'>): { row: MessageRow; duplicate: boolean } {
    const r = statement(this.#db, 'INSERT OR IGNORE INTO messages (id, thread_id, author_id, client_id, body_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(m.id, m.thread_id, m.author_id, m.client_id, m.body_sealed, m.created_at);
    const row = statement(this.#db, 'SELECT * FROM messages WHERE author_id = ? AND client_id = ?').get(m.author_id, m.client_id) as unknown as MessageRow;
    return { row, duplicate: Number(r.changes) === 0 };
  }

  getMessage(id: string): MessageRow | undefined {
    return statement(this.#db, 'SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
  }

  history(threadId: string, beforeSeq: number | undefined, limit: number): MessageRow[] {
    const rows = statement(this.#db, 'SELECT * FROM messages WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?')
      .all(threadId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as unknown as MessageRow[];
    return rows.reverse();
  }

  editMessage(id: string, bodySealed: string, at: string): void {
    statement(this.#db, 'UPDATE messages SET body_sealed = ?, edited_at = ? WHERE id = ?').run(bodySealed, at, id);
  }

  /** The body is erased, not kept: a tombstone records only who deleted what when. */
  deleteMessage(id: string, at: string): void {
    statement(this.#db, 'UPDATE messages SET body_sealed = NULL, deleted_at = ? WHERE id = ?').run(at, id);
  }

  lastMessage(threadId: string): MessageRow | undefined {
    return statement(this.#db, 'SELECT * FROM messages WHERE thread_id = ? ORDER BY seq DESC LIMIT 1').get(threadId) as MessageRow | undefined;
  }

  unread(threadId: string, participantId: string): number {
    const r = statement(
      this.#db,
      `SELECT COUNT(*) AS n FROM messages WHERE thread_id = ? AND deleted_at IS NULL AND author_id <> ?
       AND seq > (SELECT last_read_seq FROM thread_members WHERE thread_id = ? AND participant_id = ?)`,
    ).get(threadId, participantId, threadId, participantId) as { n: number };
    return r.n;
  }

  markRead(threadId: string, participantId: string, upToSeq: number): void {
    statement(this.#db, 'UPDATE thread_members SET last_read_seq = MAX(last_read_seq, ?) WHERE thread_id = ? AND participant_id = ?')
      .run(upToSeq, threadId, participantId);
  }
}
