import { randomId } from '../crypto/randomId.ts';
import {
  AssessableItemId, assessableItems, ErrorCode, IMI_SOURCE, ItemRating, LINK_AFTER_MS, linkNearestEvents, ParleyError, RATING_SCALE, RATINGS,
  sessionSecondsAt, type AssessmentExport, type AssessmentNote, type AssessmentView, type EditNoteBody, type ItemRating as Rating,
  type NewNoteBody, type PersonName, type RecordEntry, type ReleasedAssessments, type Scorecard, type SetRatingBody,
} from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { Store } from '../store/Store.ts';
import { AssessmentStore, type AssessmentRow, type NoteRow } from './AssessmentStore.ts';

/** Where notes find the session events they are linked to (the SessionRecord). */
export interface RecordReader {
  entries(caseId: string): RecordEntry[] | Promise<RecordEntry[]>;
}

/** A note as sealed at rest: what the assessor sees, plus when its links were last worked out. */
interface StoredNote extends AssessmentNote {
  linkedAt: string;
}

/** An "observed at" time older than this is taken as a mistake (a stale page), not an observation. */
const MAX_OBSERVED_AGO_MS = 10 * 60_000;
const MAX_NOTES = 1000;

/**
 * The assessor's scorecard [ODR-QAP; IMI Annex 2 items 2.1–2.11 and 3.1–3.9]: ratings per item and
 * time-stamped notes linked to the session record. Only the case's assessor reads or writes their
 * own scorecard; the mediator sees it only once the assessor releases it. Ratings and every note are
 * sealed with the case key; nothing the assessor writes is stored in plaintext.
 */
export class AssessmentService {
  readonly #db: AssessmentStore;
  readonly #cases: CaseService;
  readonly #record: RecordReader;
  readonly #now: () => number;

  constructor(store: Store, cases: CaseService, record: RecordReader, opts: { now?: () => number } = {}) {
    this.#db = new AssessmentStore(store.kysely);
    this.#cases = cases;
    this.#record = record;
    this.#now = opts.now ?? Date.now;
  }

  async view(who: Identity): Promise<AssessmentView> {
    await this.#requireAssessor(who);
    return {
      caseId: who.caseId,
      caseTitle: await this.#cases.caseTitle(who.caseId),
      mediatorName: await this.#mediatorName(who.caseId),
      assessor: { id: who.participantId, displayName: who.displayName },
      scorecard: await this.#scorecard(who.caseId, who.participantId),
    };
  }

  async setRating(who: Identity, body: SetRatingBody): Promise<Scorecard> {
    await this.#requireAssessor(who);
    // Read, change and write in one transaction under the case's lock: two ratings set at once both
    // count. The case key is read first: opening and sealing in the body then read nothing (it
    // awaits only its queries).
    await this.#cases.caseKey(who.caseId);
    await this.#db.transaction(async (db) => {
      await db.lockCase(who.caseId);
      const ratings = await this.#ratings(who.caseId, who.participantId, db);
      if (body.rating === null) delete ratings[body.itemId];
      else ratings[body.itemId] = body.rating;
      await db.putRatings(who.caseId, who.participantId, await this.#cases.sealForCase(who.caseId, JSON.stringify(ratings)), this.#iso());
    });
    return this.#scorecard(who.caseId, who.participantId);
  }

  /**
   * Stamps the note with the wall time it is about and the session time, and links it to the
   * nearest session-record events the assessor could have perceived (never a caucus they stayed
   * out of; shared/src/assessment-events.ts says which and why).
   */
  async addNote(who: Identity, body: NewNoteBody): Promise<AssessmentNote> {
    await this.#requireAssessor(who);
    const now = this.#now();
    const observed = body.observedAt ? Date.parse(body.observedAt) : now;
    const atMs = Math.min(now, Math.max(now - MAX_OBSERVED_AGO_MS, observed));
    const entries = await this.#record.entries(who.caseId);
    const note: StoredNote = {
      id: randomId(12),
      itemId: body.itemId ?? null,
      text: body.text,
      at: new Date(atMs).toISOString(),
      editedAt: null,
      sessionSeconds: sessionSecondsAt(entries, atMs),
      links: linkNearestEvents(entries, atMs, { excludeActorId: who.participantId, observer: who }),
      linkedAt: new Date(now).toISOString(),
    };
    const sealed = await this.#seal(who.caseId, note);
    const emptyRatings = await this.#cases.sealForCase(who.caseId, '{}');
    await this.#db.transaction(async (db) => {
      if ((await db.noteCount(who.caseId, who.participantId)) >= MAX_NOTES) {
        throw new ParleyError(ErrorCode.Conflict, `A scorecard holds at most ${MAX_NOTES} notes.`);
      }
      await db.ensure(who.caseId, who.participantId, emptyRatings, this.#iso());
      await db.insertNote({ id: note.id, case_id: who.caseId, assessor_id: who.participantId, note_sealed: sealed, created_at: note.at });
      await db.touch(who.caseId, who.participantId, this.#iso());
    });
    return publicNote(note);
  }

  async editNote(who: Identity, noteId: string, body: EditNoteBody): Promise<AssessmentNote> {
    await this.#requireAssessor(who);
    // The case key first, as in setRating: the body opens and seals without reading anything else.
    await this.#cases.caseKey(who.caseId);
    return this.#db.transaction(async (db) => {
      const row = await this.#ownNote(who, noteId, db);
      const note = await this.#open(row);
      const next: StoredNote = {
        ...note,
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.itemId !== undefined ? { itemId: body.itemId } : {}),
        editedAt: this.#iso(),
      };
      await db.updateNote(row.id, await this.#seal(who.caseId, next));
      await db.touch(who.caseId, who.participantId, this.#iso());
      return publicNote(next);
    });
  }

  async deleteNote(who: Identity, noteId: string): Promise<void> {
    await this.#requireAssessor(who);
    await this.#db.transaction(async (db) => {
      await db.deleteNote((await this.#ownNote(who, noteId, db)).id);
      await db.touch(who.caseId, who.participantId, this.#iso());
    });
  }

  /** Shares the scorecard with the mediator, or takes it back (the assessor decides when). */
  async release(who: Identity, released: boolean): Promise<Scorecard> {
    await this.#requireAssessor(who);
    const emptyRatings = await this.#cases.sealForCase(who.caseId, '{}');
    await this.#db.transaction(async (db) => {
      await db.ensure(who.caseId, who.participantId, emptyRatings, this.#iso());
      await db.setReleased(who.caseId, who.participantId, released ? this.#iso() : null);
    });
    return this.#scorecard(who.caseId, who.participantId);
  }

  async exportFor(who: Identity): Promise<AssessmentExport> {
    await this.#requireAssessor(who);
    return this.#export(who.caseId, { id: who.participantId, displayName: who.displayName }, await this.#scorecard(who.caseId, who.participantId));
  }

  /** The mediator's view: released scorecards only; an empty list while none is released (the normal state, not an error). */
  async released(mediatorId: string, caseId: string): Promise<ReleasedAssessments> {
    // The assessors assess the lead mediator: what they share reaches the lead, not a co-mediator.
    await this.#cases.ledCase(mediatorId, caseId, 'read what the assessors shared about them');
    const me = await this.#cases.mediatorIdentity(mediatorId, caseId);
    const names = new Map((await this.#cases.people(me.caseId)).map((p) => [p.id, p.displayName]));
    const assessments: ReleasedAssessments['assessments'] = [];
    for (const r of await this.#db.released(me.caseId)) {
      assessments.push({ assessor: { id: r.assessor_id, displayName: names.get(r.assessor_id) ?? 'Assessor' }, scorecard: await this.#scorecard(me.caseId, r.assessor_id) });
    }
    return { caseTitle: await this.#cases.caseTitle(me.caseId), assessments };
  }

  /** The report's content: there is no report of nothing, so none released reads as "not found". */
  async releasedExports(mediatorId: string, caseId: string): Promise<AssessmentExport[]> {
    const r = await this.released(mediatorId, caseId);
    if (r.assessments.length === 0) throw new ParleyError(ErrorCode.NotFound, 'No assessor has shared an assessment with you for this case.');
    return Promise.all(r.assessments.map((a) => this.#export(caseId, a.assessor, a.scorecard)));
  }

  // ---------------------------------------------------------------------------------------------

  async #requireAssessor(who: Identity): Promise<void> {
    // Parties, advisors and the mediator never reach the scorecard through these calls.
    if (who.role !== 'assessor') throw new ParleyError(ErrorCode.Forbidden, 'Only the assessor of this case can open the assessment.');
    if (!(await this.#cases.consent.hasAny(who))) throw new ParleyError(ErrorCode.ConsentRequired, 'Please read and agree to the protocol agreement first.');
  }

  async #ratings(caseId: string, assessorId: string, db = this.#db): Promise<Record<string, Rating>> {
    return this.#ratingsOf(caseId, await db.get(caseId, assessorId));
  }

  async #ratingsOf(caseId: string, row: AssessmentRow | undefined): Promise<Record<string, Rating>> {
    if (!row) return {};
    const raw = JSON.parse(await this.#cases.openForCase(caseId, row.ratings_sealed)) as Record<string, unknown>;
    const out: Record<string, Rating> = {};
    for (const [id, v] of Object.entries(raw)) {
      const r = ItemRating.safeParse(v);
      if (r.success && AssessableItemId.safeParse(id).success) out[id] = r.data;
    }
    return out;
  }

  async #scorecard(caseId: string, assessorId: string): Promise<Scorecard> {
    const row = await this.#db.get(caseId, assessorId);
    return {
      ratings: await this.#ratingsOf(caseId, row),
      notes: (await this.#notes(caseId, assessorId)).map(publicNote),
      releasedToMediator: !!row?.released_at,
      releasedAt: row?.released_at ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  }

  /**
   * Notes in time order. A note written less than 30 s ago may still gain links to events that
   * happen just after it; once that window has passed, its links are worked out a last time and kept.
   */
  async #notes(caseId: string, assessorId: string): Promise<StoredNote[]> {
    const now = this.#now();
    let entries: RecordEntry[] | undefined;
    let observer: { displayName: string } | undefined;
    const out: StoredNote[] = [];
    for (const row of await this.#db.notes(caseId, assessorId)) {
      const note = await this.#open(row);
      const windowEnd = Date.parse(note.at) + LINK_AFTER_MS;
      if (Date.parse(note.linkedAt) >= windowEnd) {
        out.push(note);
        continue;
      }
      entries ??= await this.#record.entries(caseId);
      observer ??= { displayName: (await this.#cases.people(caseId)).find((p) => p.id === assessorId)?.displayName ?? '' };
      const links = linkNearestEvents(entries, Date.parse(note.at), { excludeActorId: assessorId, observer });
      const next: StoredNote = { ...note, links, linkedAt: new Date(now).toISOString() };
      if (now >= windowEnd) await this.#db.updateNote(row.id, await this.#seal(caseId, next));
      out.push(next);
    }
    return out;
  }

  async #ownNote(who: Identity, noteId: string, db = this.#db): Promise<NoteRow> {
    const row = await db.getNote(noteId);
    if (!row || row.case_id !== who.caseId || row.assessor_id !== who.participantId) throw new ParleyError(ErrorCode.NotFound, 'No such note.');
    return row;
  }

  async #open(row: NoteRow): Promise<StoredNote> {
    return JSON.parse(await this.#cases.openForCase(row.case_id, row.note_sealed)) as StoredNote;
  }

  #seal(caseId: string, note: StoredNote): Promise<string> {
    return this.#cases.sealForCase(caseId, JSON.stringify(note));
  }

  async #mediatorName(caseId: string): Promise<string> {
    const lead = await this.#cases.mediatorParticipantId(caseId);
    return (await this.#cases.people(caseId)).find((p) => p.id === lead)?.displayName ?? 'The mediator';
  }

  async #export(caseId: string, assessor: PersonName, card: Scorecard): Promise<AssessmentExport> {
    const items = assessableItems();
    return {
      format: 'parley.assessment/1',
      caseId,
      caseTitle: await this.#cases.caseTitle(caseId),
      mediatorName: await this.#mediatorName(caseId),
      assessor,
      exportedAt: this.#iso(),
      criteria: IMI_SOURCE.document,
      scale: RATINGS.map((r) => ({ rating: r, ...RATING_SCALE[r] })),
      items: items.map((i) => ({ id: i.id, section: i.parent ?? i.id, title: i.title, text: i.text, rating: card.ratings[i.id] ?? null })),
      notes: card.notes,
      releasedToMediator: card.releasedToMediator,
      releasedAt: card.releasedAt,
    };
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}

function publicNote(n: StoredNote): AssessmentNote {
  const { linkedAt: _internal, ...rest } = n;
  return rest;
}
