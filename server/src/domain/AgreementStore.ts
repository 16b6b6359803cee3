import type { DatabaseSync } from 'node:sqlite';
import { statement } from '../store/statements.ts';

export interface TemplateVersionRow {
  id: string;
  template_id: string;
  version: number;
  name: string;
  clauses_json: string;
  created_at: string;
}
/** A version together with the mediator who owns its template: every read is filtered by owner. */
export type OwnedVersionRow = TemplateVersionRow & { mediator_id: string };

export interface ConsentAnswerRow {
  id: string;
  case_id: string;
  participant_id: string;
  kind: 'declined' | 'question' | 'withdrawn';
  text_sealed: string | null;
  clause_set_hash: string;
  at: string;
  answered_at: string | null;
}

/** SQL for protocol agreement templates (immutable versions) and consent answers. Answer text arrives sealed. */
export class AgreementStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  insertTemplate(t: { id: string; mediator_id: string; created_at: string }, first: TemplateVersionRow): void {
    statement(this.#db, 'INSERT INTO agreement_templates (id, mediator_id, created_at) VALUES (?, ?, ?)').run(t.id, t.mediator_id, t.created_at);
    this.insertVersion(first);
  }

  insertVersion(v: TemplateVersionRow): void {
    statement(this.#db, 'INSERT INTO agreement_template_versions (id, template_id, version, name, clauses_json, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(v.id, v.template_id, v.version, v.name, v.clauses_json, v.created_at);
  }

  /** The mediator's templates, each as its newest version, newest first. */
  latestVersionsOf(mediatorId: string): OwnedVersionRow[] {
    return statement(
      this.#db,
      `SELECT v.*, t.mediator_id FROM agreement_template_versions v JOIN agreement_templates t ON t.id = v.template_id
       WHERE t.mediator_id = ? AND v.version = (SELECT MAX(version) FROM agreement_template_versions WHERE template_id = v.template_id)
       ORDER BY v.created_at DESC, v.rowid DESC`,
    ).all(mediatorId) as unknown as OwnedVersionRow[];
  }

  /** Every version of one template, oldest first. */
  versionsOf(templateId: string): OwnedVersionRow[] {
    return statement(
      this.#db,
      'SELECT v.*, t.mediator_id FROM agreement_template_versions v JOIN agreement_templates t ON t.id = v.template_id WHERE v.template_id = ? ORDER BY v.version',
    ).all(templateId) as unknown as OwnedVersionRow[];
  }

  getVersion(versionId: string): OwnedVersionRow | undefined {
    return statement(this.#db, 'SELECT v.*, t.mediator_id FROM agreement_template_versions v JOIN agreement_templates t ON t.id = v.template_id WHERE v.id = ?').get(versionId) as
      | OwnedVersionRow
      | undefined;
  }

  templateOwner(templateId: string): string | undefined {
    return (statement(this.#db, 'SELECT mediator_id FROM agreement_templates WHERE id = ?').get(templateId) as { mediator_id: string } | undefined)?.mediator_id;
  }

  /** How many of the mediator's cases use any version of each template. */
  caseCounts(mediatorId: string): Map<string, number> {
    const rows = statement(
      this.#db,
      `SELECT v.template_id AS template_id, COUNT(*) AS n FROM cases c JOIN agreement_template_versions v ON v.id = c.template_version_id
       WHERE c.mediator_id = ? GROUP BY v.template_id`,
    ).all(mediatorId) as Array<{ template_id: string; n: number }>;
    return new Map(rows.map((r) => [r.template_id, Number(r.n)]));
  }

  // --- consent answers

  insertAnswer(a: ConsentAnswerRow): void {
    statement(this.#db, 'INSERT INTO consent_answers (id, case_id, participant_id, kind, text_sealed, clause_set_hash, at, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(a.id, a.case_id, a.participant_id, a.kind, a.text_sealed, a.clause_set_hash, a.at, a.answered_at);
  }

  answersOfCase(caseId: string, limit: number): ConsentAnswerRow[] {
    return statement(this.#db, 'SELECT * FROM consent_answers WHERE case_id = ? ORDER BY at DESC, rowid DESC LIMIT ?').all(caseId, limit) as unknown as ConsentAnswerRow[];
  }

  answersOf(participantId: string, limit: number): ConsentAnswerRow[] {
    return statement(this.#db, 'SELECT * FROM consent_answers WHERE participant_id = ? ORDER BY at DESC, rowid DESC LIMIT ?').all(participantId, limit) as unknown as ConsentAnswerRow[];
  }

  countAnswers(participantId: string): number {
    return Number((statement(this.#db, 'SELECT COUNT(*) AS n FROM consent_answers WHERE participant_id = ?').get(participantId) as { n: number }).n);
  }

  /** Marks a question of this case answered; false when there is no such open question. */
  markAnswered(caseId: string, answerId: string, at: string): boolean {
    const r = statement(this.#db, "UPDATE consent_answers SET answered_at = ? WHERE id = ? AND case_id = ? AND kind = 'question' AND answered_at IS NULL").run(at, answerId, caseId);
    return Number(r.changes) > 0;
  }

  getAnswer(answerId: string): ConsentAnswerRow | undefined {
    return statement(this.#db, 'SELECT * FROM consent_answers WHERE id = ?').get(answerId) as ConsentAnswerRow | undefined;
  }
}
