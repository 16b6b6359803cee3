import { z } from 'zod';
import { MAX_ASSESSORS } from './assessment.ts';
import { BreakdownSettings } from './breakdown.ts';
import { CaseTitle, DisplayName, Id, ProtocolAgreement, Role, Side } from './domain.ts';

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

export const SigninBody = z.object({ token: z.string().min(10).max(200) });

/** What a person holding an invitation link sees before joining. */
export const InvitationView = z.object({
  caseId: Id,
  caseTitle: z.string(),
  participant: z.object({ id: Id, displayName: z.string(), role: Role, side: Side.nullable() }),
  invitedBy: z.string(),
  expiresAt: z.string(),
  agreement: ProtocolAgreement,
  clauseSetHash: z.string(),
  consent: z.object({ at: z.string(), current: z.boolean() }).nullable(),
  others: z.array(z.object({ displayName: z.string(), role: Role, side: Side.nullable() })),
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

export const Me = z.object({ mediator: z.object({ id: Id, displayName: z.string() }) });
export type Me = z.infer<typeof Me>;

/** PUT /api/cases/:caseId/breakdown: the case's breakdown procedure; rewrites the agreement clause. */
export const BreakdownSettingsBody = BreakdownSettings;
