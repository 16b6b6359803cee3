import type { DatabaseSync } from 'node:sqlite';

export interface AssessmentRow {
  case_id: string;
  assessor_id: string;
  ratings_sealed: string;
  released_at: string | null;
  updated_at: string;
}
export interface NoteRow {
  id: string;
  case_id: string;
  assessor_id: string;
  note_sealed: string;
  created_at: string;
}

/** SQL for scorecards and notes. Everything confidential arrives here already sealed. */
export class AssessmentStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(caseId: string, assessorId: string): AssessmentRow | undefined {
    return this.#db.prepare('SELECT * FROM assessments WHERE case_id = ? AND assessor_id = ?').get(caseId, assessorId) as AssessmentRow | undefined;
  }

  /** Every scorecard of the case that its assessor released to the mediator. */
  released(caseId: string): AssessmentRow[] {
    return this.#db.prepare('SELECT * FROM assessments WHERE case_id = ? AND released_at IS NOT NULL ORDER BY released_at').all(caseId) as unknown as AssessmentRow[];
  }

  /** Creates the assessor's scorecard row on first use; an existing one is left as it is. */
  ensure(caseId: string, assessorId: string, emptyRatingsSealed: string, at: string): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO assessments (case_id, assessor_id, ratings_sealed, released_at, updated_at) VALUES (?, ?, ?, NULL, ?)')
      .run(caseId, assessorId, emptyRatingsSealed, at);
  }

  putRatings(caseId: string, assessorId: string, ratingsSealed: string, at: string): void {
    this.#db
      .prepare(
        `INSERT INTO assessments (case_id, assessor_id, ratings_sealed, released_at, updated_at) VALUES (?, ?, ?, NULL, ?)
         ON CONFLICT (case_id, assessor_id) DO UPDATE SET ratings_sealed = excluded.ratings_sealed, updated_at = excluded.updated_at`,
      )
      .run(caseId, assessorId, ratingsSealed, at);
  }

  setReleased(caseId: string, assessorId: string, releasedAt: string | null): void {
    this.#db.prepare('UPDATE assessments SET released_at = ? WHERE case_id = ? AND assessor_id = ?').run(releasedAt, caseId, assessorId);
  }

  touch(caseId: string, assessorId: string, at: string): void {
    this.#db.prepare('UPDATE assessments SET updated_at = ? WHERE case_id = ? AND assessor_id = ?').run(at, caseId, assessorId);
  }

  notes(caseId: string, assessorId: string): NoteRow[] {
    return this.#db
      .prepare('SELECT * FROM assessment_notes WHERE case_id = ? AND assessor_id = ? ORDER BY created_at, rowid')
      .all(caseId, assessorId) as unknown as NoteRow[];
  }

  getNote(id: string): NoteRow | undefined {
    return this.#db.prepare('SELECT * FROM assessment_notes WHERE id = ?').get(id) as NoteRow | undefined;
  }

  insertNote(n: NoteRow): void {
    this.#db
      .prepare('INSERT INTO assessment_notes (id, case_id, assessor_id, note_sealed, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(n.id, n.case_id, n.assessor_id, n.note_sealed, n.created_at);
  }

  updateNote(id: string, noteSealed: string): void {
    this.#db.prepare('UPDATE assessment_notes SET note_sealed = ? WHERE id = ?').run(noteSealed, id);
  }

  /** Erased, not flagged: unlike a thread message, a note needs no tombstone. */
  deleteNote(id: string): void {
    this.#db.prepare('DELETE FROM assessment_notes WHERE id = ?').run(id);
  }
}
