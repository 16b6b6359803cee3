import { z } from 'zod';
import { BreakdownSettings } from './breakdown.ts';
import { CaseConsentAnswer, Id, Role } from './domain.ts';
import type { AgreementStatus } from './signoff.ts';
import { CaseState } from './lifecycle.ts';

/**
 * What one Parley node tells the others over Redis (several nodes, issue 14; docs/scaling.md).
 * A change made through the HTTP API of one node must reach the connections and the live case of
 * the node that runs the case: a withdrawn link, a removed person, a withdrawn consent, a
 * sign-out, a rewritten protocol agreement, a changed breakdown procedure or waiting room, a new
 * agreement version, a consent answer. Only these travel; everything that writes to the store
 * (the session record, mail, threads) happens once, on the node where the change was made.
 * Written and read back through these schemas (unknown fields are dropped on the way out): a
 * message that does not parse is logged and dropped.
 */

/** Who made a change or whose consent changed, as the server knows them. */
const Identity = z.object({
  caseId: Id,
  participantId: Id,
  role: Role,
  displayName: z.string().max(200),
  side: z.string().max(80).nullable(),
  jti: z.string().max(200).optional(),
  expiresAt: z.number().optional(),
  // Where the case stood when the identity was read; nothing decides access from a relayed one.
  phase: z.object({ state: CaseState, partyAccessUntil: z.string().nullable() }).default({ state: 'open', partyAccessUntil: null }),
});

const Signer = z.object({ participantId: z.string(), displayName: z.string(), role: Role, signedAt: z.string().nullable() });
const AgreementStatusSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    textHash: z.string(),
    frozenAt: z.string(),
    status: z.enum(['awaiting-signatures', 'signed', 'voided']),
    voidedAt: z.string().nullable(),
    voidReason: z.string().nullable(),
    signers: z.array(Signer),
  }) satisfies z.ZodType<AgreementStatus>;

const CaseAndPerson = z.object({ caseId: Id, participantId: Id });

/** Each bus event that crosses nodes, with its payload: the names are the server's bus events. */
export const RelayedEvents = {
  'invitation.revoked': CaseAndPerson,
  'participant.removed': CaseAndPerson,
  'consent.withdrawn': z.object({ identity: Identity }),
  'mediator.signed-out': z.object({ sessionHash: z.string().min(1).max(200) }),
  'protocol.changed': z.object({ caseId: Id }),
  'breakdown.changed': z.object({ caseId: Id, settings: BreakdownSettings, by: Identity }),
  'waiting-room.changed': z.object({ caseId: Id, on: z.boolean(), by: Identity }),
  'agreement.changed': z.object({ caseId: Id, current: AgreementStatusSchema.nullable() }),
  'consent.answered': z.object({ caseId: Id, answer: CaseConsentAnswer }),
  'case.concluded': z.object({ caseId: Id }),
  'case.archived': z.object({ caseId: Id }),
} as const;
export type RelayedEventName = keyof typeof RelayedEvents;
export const relayedEventNames = Object.keys(RelayedEvents) as RelayedEventName[];

/** One message on the Redis channel: which node sent it (a node ignores its own), the event and its payload. */
export const ClusterMessage = z.discriminatedUnion(
  'event',
  relayedEventNames.map((event) => z.object({ from: z.string().min(1).max(200), event: z.literal(event), payload: RelayedEvents[event] })) as unknown as [
    z.ZodObject<{ from: z.ZodString; event: z.ZodLiteral<RelayedEventName>; payload: z.ZodType }>,
  ],
);
export type ClusterMessage = { [K in RelayedEventName]: { from: string; event: K; payload: z.infer<(typeof RelayedEvents)[K]> } }[RelayedEventName];
