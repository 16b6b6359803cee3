import { z } from 'zod';
import { MAX_ASSESSORS } from './assessment.ts';
import { BreakdownSettings } from './breakdown.ts';
import { DRAFT_LIMITS } from './draft.ts';
import { OptionalEmail } from './mail.ts';
import { CaseTitle, ConsentAnswer, DisplayName, Id, ProtocolAgreement, Role, Side } from './domain.ts';
import { DisclosureStatement, MediatorProfile, Organisation } from './accounts.ts';
import { CaseLifecycle } from './lifecycle.ts';

/** Bodies and answers of the HTTP API. Every handler parses its body with one of these. */

/**
 * A person the mediator invites. Parties and advisors belong to a side; an assessor (ODR-QAP
 * observer of the mediator) belongs to none, so their side is null.
 */
export const NewParticipant = z
  .object({
    displayName: DisplayName,
    role: z.enum(['party', 'advisor', 'assessor']),
    side: Side.nullable().default(null),
    /** Where Parley mails their link and the schedule (mail.ts); left out or empty: no e-mail. */
    email: OptionalEmail.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.role === 'assessor' && p.side !== null) ctx.addIssue({ code: 'custom', path: ['side'], message: 'an assessor belongs to no side' });
    if (p.role !== 'assessor' && p.side === null) ctx.addIssue({ code: 'custom', path: ['side'], message: 'choose a side for this person' });
  });
export type NewParticipant = z.infer<typeof NewParticipant>;

/** POST /api/cases/:caseId/participants: one more person on an existing case (e.g. an assessor). */
export const AddParticipantBody = NewParticipant;
export type AddParticipantBody = z.infer<typeof AddParticipantBody>;

export const CreateCaseBody = z
  .object({
    title: CaseTitle,
    participants: z.array(NewParticipant).min(1, 'add at least one party').max(20, 'at most 20 participants'),
    /** Whether parties and advisors wait to be let in (issue 13); absent: the platform's default, on. */
    waitingRoom: z.boolean().optional(),
    /** One of the mediator's template versions; left out or null: the built-in template. */
    templateVersionId: Id.nullable().optional(),
  })
  .refine((b) => b.participants.some((p) => p.role === 'party'), {
    message: 'a case needs at least one party',
    path: ['participants'],
  })
  .refine((b) => b.participants.filter((p) => p.role === 'assessor').length <= MAX_ASSESSORS, {
    message: `a case has at most ${MAX_ASSESSORS} assessors`,
    path: ['participants'],
  });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

export const ConsentBody = z.object({
  /** Every required clause id of the agreement, plus the optional clauses the person accepted (3.6.10). */
  acceptedClauseIds: z.array(z.string().max(40)).min(1).max(40),
  /** The clause set the person read: refused if the mediator changed it meanwhile. */
  clauseSetHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ConsentBody = z.infer<typeof ConsentBody>;

/** Free text a person writes to the mediator instead of agreeing: sealed with the case key at rest. */
export const CONSENT_TEXT_MAX = 2000;
const ConsentText = z
  .string()
  .trim()
  .max(CONSENT_TEXT_MAX, `at most ${CONSENT_TEXT_MAX} characters`)
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'the text contains control characters');

/** POST /api/invitation/consent/decline: not agreeing, optionally saying why. */
export const DeclineBody = z.strictObject({ reason: ConsentText.optional() });
export type DeclineBody = z.infer<typeof DeclineBody>;
/** POST /api/invitation/consent/question: a question to the mediator before agreeing. */
export const QuestionBody = z.strictObject({ question: ConsentText.pipe(z.string().min(1, 'write your question')) });
export type QuestionBody = z.infer<typeof QuestionBody>;
/** POST /api/invitation/consent/withdraw: taking back a consent given earlier, optionally saying why. */
export const WithdrawConsentBody = z.strictObject({ reason: ConsentText.optional() });
export type WithdrawConsentBody = z.infer<typeof WithdrawConsentBody>;

export const SigninBody = z.object({ token: z.string().min(10).max(200) });

/** What a person holding an invitation link sees before joining. */
export const InvitationView = z.object({
  caseId: Id,
  caseTitle: z.string(),
  participant: z.object({ id: Id, displayName: z.string(), role: Role, side: Side.nullable() }),
  invitedBy: z.string(),
  /** The mediator as they describe themselves, shown before consent [3.6.14]. */
  mediator: MediatorProfile,
  /** Colleagues who mediate the case with them, each in their own words [3.6.14]. */
  coMediators: z.array(MediatorProfile),
  expiresAt: z.string(),
  agreement: ProtocolAgreement,
  clauseSetHash: z.string(),
  consent: z.object({ at: z.string(), current: z.boolean() }).nullable(),
  /** This person's own declines, questions and withdrawals, newest first. */
  answers: z.array(ConsentAnswer),
  others: z.array(z.object({ displayName: z.string(), role: Role, side: Side.nullable() })),
  /** Whether the mediation is open or concluded (and until when this person may read it). */
  lifecycle: CaseLifecycle,
});
export type InvitationView = z.infer<typeof InvitationView>;

export const Health = z.object({
  status: z.literal('ok'),
  node: z.string(),
  mediasoup: z.string(),
  workers: z.number().int(),
  uptimeSeconds: z.number(),
});
export type Health = z.infer<typeof Health>;

/**
 * GET /api/ready: whether this instance can serve a mediation now (200), or which check failed
 * (503). Each check has a fixed name and, when it fails, a short reason in words: never a path,
 * an address or a secret, since anyone may ask.
 */
export const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string().optional() })),
});
export type Readiness = z.infer<typeof Readiness>;

/** The signed-in mediator's account: their profile, and whether they administer the platform. */
export const Me = z.object({
  mediator: MediatorProfile.extend({
    id: Id,
    isAdmin: z.boolean(),
    /** Where a sign-in link can be mailed (never shown to anyone else); null: none. */
    email: z.string().nullable(),
  }),
});
export type Me = z.infer<typeof Me>;

/**
 * PUT /api/me: the name the signed-in mediator goes by (trimmed, 1–80 characters). It is sealed
 * into the mediator participant of new cases and of the mediator's existing cases. Organisation
 * and statement are shown to the people they invite [3.6.14]; left out: unchanged.
 */
export const UpdateMeBody = z.object({ displayName: DisplayName, organisation: Organisation.optional(), statement: DisclosureStatement.optional(), email: OptionalEmail.optional() });
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

/** PUT /api/cases/:caseId/breakdown: the case's breakdown procedure; rewrites the agreement clause. */
export const BreakdownSettingsBody = BreakdownSettings;

/** PUT /api/cases/:caseId/waiting-room: parties and advisors wait until the mediator lets them in. */
export const WaitingRoomBody = z.object({ on: z.boolean() }).strict();
export type WaitingRoomBody = z.infer<typeof WaitingRoomBody>;

// --- Uploads to the public verify endpoints -------------------------------------------------------

/**
 * The files anyone may upload to the two public verify endpoints (POST /api/agreement/verify,
 * POST /api/record/verify) and `npm run verify`. The schemas check only the shape the verifiers
 * rely on (which fields exist and their JSON types), so a damaged or crafted file is reported as
 * "not a Parley file" instead of crashing them. Whether the content is genuine is the signatures'
 * and hashes' job, which give the precise reason; so values are not constrained here, and objects
 * are loose: the verifiers keep working on the parsed JSON as uploaded, never on a stripped copy
 * (extra or reordered fields must still fail the hash and re-render checks).
 */

/** The current agreement export format (AgreementExportFile). */
export const AGREEMENT_EXPORT_FORMAT = 'parley.agreement-export/2';

/** One signature record in an agreement export (see SignatureRecord in signoff.ts). */
export const SignatureRecordFile = z.looseObject({
  v: z.literal(1),
  type: z.literal('parley.agreement-signature'),
  caseId: z.string(),
  versionId: z.string(),
  version: z.number(),
  textHash: z.string(),
  participantId: z.string(),
  displayName: z.string(),
  role: z.string(),
  signedAt: z.string(),
});

/**
 * The signed data embedded in an agreement export (ExportData in server/src/signoff/exportHtml.ts).
 * Format 2 adds the seal: everyone who had to sign, the platform's verify page, and the server's
 * signature over the export's manifest, so that the status and the list of who has not signed cannot
 * be changed unnoticed. Format 1 files had no seal and are no longer accepted.
 */
export const AgreementExportFile = z.looseObject({
  format: z.literal(AGREEMENT_EXPORT_FORMAT),
  caseTitle: z.string(),
  version: z.number(),
  frozenAt: z.string(),
  text: z.string(),
  textHash: z.string(),
  publicKey: z.string(),
  status: z.enum(['awaiting-signatures', 'signed', 'voided']),
  unsigned: z.array(z.string()),
  signatures: z.array(z.looseObject({ record: SignatureRecordFile, signature: z.string() })),
  signers: z.array(z.looseObject({ participantId: z.string(), displayName: z.string(), role: z.string() })),
  verifyUrl: z.string(),
  serverSignature: z.string(),
});
export type AgreementExportFile = z.infer<typeof AgreementExportFile>;

/** Values an entry's `data` may hold (RecordBody['data'] in record.ts). */
const RecordDataValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

/**
 * One entry of a session record export (RecordEntry in record.ts). `type` and `role` are any text:
 * a record from a newer platform may carry event types this one does not know, and its signatures
 * still decide whether it is genuine.
 */
export const RecordEntryFile = z.looseObject({
  v: z.literal(1),
  caseId: z.string(),
  seq: z.number(),
  at: z.string(),
  type: z.string(),
  actor: z.looseObject({ id: z.string(), displayName: z.string(), role: z.string() }).nullable(),
  data: z.record(z.string(), RecordDataValue),
  prevHash: z.string(),
  hash: z.string(),
  signature: z.string(),
});

/** A session record export (RecordExport in record.ts), as uploaded. */
export const RecordExportFile = z.looseObject({
  format: z.literal('parley.session-record/1'),
  caseId: z.string(),
  caseTitle: z.string(),
  exportedAt: z.string(),
  publicKey: z.string(),
  entries: z.array(RecordEntryFile),
});
export type RecordExportFile = z.infer<typeof RecordExportFile>;

/** The first thing that does not fit, in words a person can pass on ("entries.3.seq: expected number"). */
export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'unknown';
  const where = i.path.map(String).join('.');
  return where ? `${where}: ${i.message}` : i.message;
}

export const VERIFY_UPLOAD_LIMITS = {
  /**
   * The largest agreement export the platform can produce, so that every genuine file can be
   * checked. The frozen text is at most DRAFT_LIMITS.maxDocumentBytes of UTF-8 (the draft document
   * stores every character of it at least once) and the export holds it twice: HTML-escaped in the
   * page, where `<` becomes `&lt;` (4 bytes), and in the JSON of the signed data, where `<` becomes
   * `\u003c` (6 bytes). So at worst 10 bytes per byte of text (a typical text is closer to 2). The
   * rest is at worst about 2 KB per signer (an 80-character name escaped in the table, the status line
   * and the JSON, plus the signed record) and 4 KB for title and template: the 256 KiB allowance
   * covers over a hundred signers (server/src/http/public-limits.integration.test.ts renders it).
   */
  agreementBytes: 10 * DRAFT_LIMITS.maxDocumentBytes + 256 * 1024,
  /**
   * The session record has no fixed length, so this is the largest realistic one rather than the
   * largest possible. An entry takes about 0.6 KB in the exported (pretty-printed) file, 1.7 KB for
   * a 500-character announcement and 2.7 KB for a move of 20 named people. A long mediation (several
   * sittings over days, with frequent reconnects and breakdown events) logs a few thousand entries;
   * 10 MiB holds about 16,000 typical ones.
   */
  recordBytes: 10 * 1024 * 1024,
} as const;
