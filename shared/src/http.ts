import { z } from 'zod';
import { CaseTitle, DisplayName, Id, ProtocolAgreement, Role, Side } from './domain.ts';

/** Bodies and answers of the HTTP API. Every handler parses its body with one of these. */

export const NewParticipant = z.object({
  displayName: DisplayName,
  role: z.enum(['party', 'advisor']),
  side: Side,
});
export type NewParticipant = z.infer<typeof NewParticipant>;

export const CreateCaseBody = z
  .object({
    title: CaseTitle,
    participants: z.array(NewParticipant).min(1, 'add at least one party').max(20, 'at most 20 participants'),
  })
  .refine((b) => b.participants.some((p) => p.role === 'party'), {
    message: 'a case needs at least one party',
    path: ['participants'],
  });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

export const ConsentBody = z.object({
  /** Every clause id of the agreement, each one ticked. */
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
