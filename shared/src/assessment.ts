import { z } from 'zod';
import { Id, type ProtocolAgreement, type ProtocolClause } from './domain.ts';
import { assessableItems, imiItem, type ImiItem } from './imi-criteria.ts';

export * from './assessment-events.ts';

/**
 * The ODR-QAP assessor: an observer invited by the mediator who scores the mediator against IMI
 * Annex 2 (items 2.1–2.11 and 3.1–3.9) while watching. They assess the mediator, never the parties,
 * cannot speak, share or edit, and are disclosed to everyone in the protocol agreement [3.6.10,
 * 3.6.14]. Everything here is shared by server and client: the scale, the scorecard's shape, the
 * request bodies and the agreement clauses that disclose the assessor.
 */

/** Two assessors is already a crowd for the parties; a QAP assessment needs one, a moderation two. */
export const MAX_ASSESSORS = 2;

// -------------------------------------------------------------------------------------------------
// The protocol-agreement clauses that disclose the assessor [3.6.10, 3.6.14]

export const ASSESSOR_CLAUSE_ID = 'assessor';
/** Optional: a party or advisor may decline it and still take part [3.6.10]. */
export const ASSESSOR_CAUCUS_CLAUSE_ID = 'assessor-caucuses';

/**
 * Assessors' names are confidential (sealed at rest), but agreement_json is stored in the clear.
 * So the clauses carry a token naming the assessor's participant id, and the name is filled in
 * from the sealed column when the agreement is shown (CaseService). The clause set hash is taken
 * over the stored text, tokens included: a different assessor is a different id, so a different
 * hash, and everyone consents again; the hash never covers a guessable plaintext name.
 */
export const assessorToken = (participantId: string): string => `{{assessor:${participantId}}}`;
const TOKEN = /\{\{assessor:([A-Za-z0-9_-]{8,64})\}\}/g;

function nameList(ids: readonly string[]): string {
  const t = ids.map(assessorToken);
  return t.length <= 1 ? (t[0] ?? '') : `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
}

/** The two clauses for a case with these assessors (participant ids, in invitation order). */
export function assessorClauses(assessorIds: readonly string[]): ProtocolClause[] {
  if (assessorIds.length === 0) return [];
  const one = assessorIds.length === 1;
  const who = one ? `An assessor, ${nameList(assessorIds)}, takes` : `Two assessors, ${nameList(assessorIds)}, take`;
  const they = one ? 'The assessor' : 'The assessors';
  return [
    {
      id: ASSESSOR_CLAUSE_ID,
      title: one ? 'An assessor observes the mediator' : 'Assessors observe the mediator',
      body:
        `${who} part to assess the mediator’s skills against the IMI e-mediation criteria, for the mediator’s ` +
        `professional accreditation. ${they} assess${one ? 'es' : ''} the mediator, not the parties: their notes ` +
        'are about how the mediator runs the mediation, are stored encrypted, and reach the mediator only if ' +
        `${one ? 'the assessor shares them' : 'an assessor shares them'}. ${they} watch${one ? 'es' : ''} and ` +
        `listen${one ? 's' : ''} in the room the mediator is in and can read the joint messages and the agreement ` +
        'draft, but cannot speak, share a screen, write messages or edit anything. Everyone sees them listed as ' +
        `“Assessor (observing)”. ${they} keep${one ? 's' : ''} everything seen and heard in the mediation ` +
        'confidential, like everyone else.',
      imi: ['1', '3.6.10', '3.6.14'],
    },
    {
      id: ASSESSOR_CAUCUS_CLAUSE_ID,
      title: `${they} in your private meetings (your choice)`,
      body:
        `${they} may also follow the mediator into private meetings (caucuses) you are in. This is your choice, ` +
        `and you can take part either way: if you say no, ${one ? 'the assessor does' : 'the assessors do'} not ` +
        'follow the mediator into any private meeting you are in. If anyone in a private meeting says no, ' +
        `${one ? 'the assessor stays' : 'the assessors stay'} out of it.`,
      imi: ['3.6.5', '3.6.10'],
      optional: true,
    },
  ];
}

/**
 * The agreement with the assessor clauses for exactly these assessors: replaced where they are,
 * otherwise inserted after "Who may be present" (which announces them), else appended. No
 * assessors: no clauses. Other clauses are kept as they are.
 */
export function withAssessorClauses(agreement: ProtocolAgreement, assessorIds: readonly string[]): ProtocolAgreement {
  const fresh = assessorClauses(assessorIds);
  const ours = new Set([ASSESSOR_CLAUSE_ID, ASSESSOR_CAUCUS_CLAUSE_ID]);
  const rest = agreement.clauses.filter((c) => !ours.has(c.id));
  const at = agreement.clauses.findIndex((c) => ours.has(c.id));
  let insertAt: number;
  if (at >= 0) insertAt = agreement.clauses.slice(0, at).filter((c) => !ours.has(c.id)).length;
  else {
    const presence = rest.findIndex((c) => c.id === 'presence');
    insertAt = presence >= 0 ? presence + 1 : rest.length;
  }
  return { ...agreement, clauses: [...rest.slice(0, insertAt), ...fresh, ...rest.slice(insertAt)] };
}

/** Fills assessor tokens with names (an unknown id reads "the assessor"). */
export function renderAssessorNames(agreement: ProtocolAgreement, nameOf: (participantId: string) => string | undefined): ProtocolAgreement {
  return {
    ...agreement,
    clauses: agreement.clauses.map((c) => (c.body.includes('{{assessor:') ? { ...c, body: c.body.replace(TOKEN, (_m, id: string) => nameOf(id) ?? 'the assessor') } : c)),
  };
}

export const requiredClauseIds = (a: ProtocolAgreement): string[] => a.clauses.filter((c) => !c.optional).map((c) => c.id);

// -------------------------------------------------------------------------------------------------
// The rating scale

/**
 * A four-point competence scale as used in skills assessments: "not observed" keeps an item the
 * session gave no occasion for apart from a weak one. An item with no rating yet is simply absent.
 */
export const RATINGS = ['not-observed', 'not-yet', 'competent', 'strong'] as const;
export const ItemRating = z.enum(RATINGS);
export type ItemRating = z.infer<typeof ItemRating>;

export const RATING_SCALE: Record<ItemRating, { label: string; description: string }> = {
  'not-observed': { label: 'Not observed', description: 'The session gave no occasion to see this skill.' },
  'not-yet': { label: 'Not yet competent', description: 'Seen, but below the standard expected.' },
  competent: { label: 'Competent', description: 'Meets the standard expected.' },
  strong: { label: 'Strong', description: 'Exceeds the standard; could serve as an example.' },
};

// -------------------------------------------------------------------------------------------------
// The scorecard's items, grouped as in Annex 2

export interface ScorecardSection {
  /** The heading item: '2', '2.11', '3', '3.6', … */
  id: string;
  title: string;
  items: ImiItem[];
}

/** Assessable items grouped under their heading, in document order (2.1–2.10, 2.11 i–vii, 3.1–3.5, 3.6.x …). */
export function scorecardSections(): ScorecardSection[] {
  const sections: ScorecardSection[] = [];
  for (const item of assessableItems()) {
    const parent = item.parent ?? item.id;
    let s = sections.find((x) => x.id === parent);
    if (!s) {
      s = { id: parent, title: imiItem(parent)?.title ?? parent, items: [] };
      sections.push(s);
    }
    s.items.push(item);
  }
  return sections;
}

const ASSESSABLE_IDS: ReadonlySet<string> = new Set(assessableItems().map((i) => i.id));
export const AssessableItemId = z.string().refine((id) => ASSESSABLE_IDS.has(id), 'not an item of the scorecard');

// -------------------------------------------------------------------------------------------------
// Scorecard, notes and request bodies

export const NoteText = z.string().trim().min(1, 'a note cannot be empty').max(2000, 'notes are at most 2,000 characters');

export const NoteLinkSchema = z.object({
  seq: z.number().int().positive(),
  type: z.string(),
  at: z.string(),
  summary: z.string(),
});

export const AssessmentNote = z.object({
  id: Id,
  itemId: AssessableItemId.nullable(),
  text: NoteText,
  /** Wall time the note is about (when the assessor started writing it), ISO. */
  at: z.string(),
  editedAt: z.string().nullable(),
  /** Seconds into the sitting it was written in; null outside a sitting (see sessionSecondsAt). */
  sessionSeconds: z.number().int().min(0).nullable(),
  /** The session-record events nearest in time (see linkNearestEvents). */
  links: z.array(NoteLinkSchema).max(20),
});
export type AssessmentNote = z.infer<typeof AssessmentNote>;

export const Scorecard = z.object({
  ratings: z.record(z.string(), ItemRating),
  notes: z.array(AssessmentNote),
  releasedToMediator: z.boolean(),
  releasedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type Scorecard = z.infer<typeof Scorecard>;

/** PUT /api/invitation/assessment/rating — null clears the item's rating. */
export const SetRatingBody = z.object({ itemId: AssessableItemId, rating: ItemRating.nullable() }).strict();
export type SetRatingBody = z.infer<typeof SetRatingBody>;

/** POST /api/invitation/assessment/notes */
export const NewNoteBody = z
  .object({
    text: NoteText,
    itemId: AssessableItemId.nullable().default(null),
    /**
     * When the assessor started typing: what the note is about happened then, not when "Add" was
     * pressed. The server accepts it only within the last ten minutes and never in the future.
     */
    observedAt: z.iso.datetime().optional(),
  })
  .strict();
export type NewNoteBody = z.input<typeof NewNoteBody>;

/** PATCH /api/invitation/assessment/notes/:noteId */
export const EditNoteBody = z
  .object({ text: NoteText.optional(), itemId: AssessableItemId.nullable().optional() })
  .strict()
  .refine((b) => b.text !== undefined || b.itemId !== undefined, 'nothing to change');
export type EditNoteBody = z.infer<typeof EditNoteBody>;

/** POST /api/invitation/assessment/release — share with the mediator, or take it back. */
export const ReleaseBody = z.object({ released: z.boolean() }).strict();
export type ReleaseBody = z.infer<typeof ReleaseBody>;

export interface PersonName {
  id: string;
  displayName: string;
}

/** What the assessor's scorecard page loads. */
export interface AssessmentView {
  caseId: string;
  caseTitle: string;
  mediatorName: string;
  assessor: PersonName;
  scorecard: Scorecard;
}

/**
 * GET /api/cases/:caseId/assessment — only scorecards their assessors released. Always 200 for the
 * case's mediator: `assessments` is empty while no assessor has shared one (the normal state).
 */
export interface ReleasedAssessments {
  caseTitle: string;
  /** Empty until an assessor releases their scorecard to the mediator. */
  assessments: Array<{ assessor: PersonName; scorecard: Scorecard }>;
}

/** The JSON export: self-describing, so it can be read without Parley. */
export interface AssessmentExport {
  format: 'parley.assessment/1';
  caseId: string;
  caseTitle: string;
  mediatorName: string;
  assessor: PersonName;
  exportedAt: string;
  criteria: string;
  scale: Array<{ rating: ItemRating; label: string; description: string }>;
  items: Array<{ id: string; section: string; title: string; text: string; rating: ItemRating | null }>;
  notes: AssessmentNote[];
  releasedToMediator: boolean;
  releasedAt: string | null;
}

/** "12:05" or "1:02:05" for a session time. */
export function formatSessionTime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
