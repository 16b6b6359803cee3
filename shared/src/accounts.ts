import { z } from 'zod';
import { Email } from './mail.ts';
import { DisplayName, Id } from './domain.ts';

/**
 * Mediator accounts (issue 13): several mediators on one platform, each seeing only their own
 * cases; the first account is the administrator, who invites the others. What a mediator says
 * about themselves (name, organisation, a short statement) is shown to the people they invite
 * before those people agree to anything [IMI Annex 2, 3.6.14].
 */

const noControl = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);

export const ORGANISATION_MAX = 120;
export const STATEMENT_MAX = 1000;

/** The organisation the mediator works for or through; empty: none shown. One line. */
export const Organisation = z
  .string()
  .trim()
  .max(ORGANISATION_MAX, `at most ${ORGANISATION_MAX} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'one line, without control characters');

/**
 * The mediator's own short disclosure statement (qualifications, affiliations, how they are paid,
 * anything that could affect their impartiality). Line breaks are kept; empty: none shown.
 */
export const DisclosureStatement = z.string().trim().max(STATEMENT_MAX, `at most ${STATEMENT_MAX} characters`).refine(noControl, 'the text contains control characters');


/** What the people a mediator invites see about them, in the mediator's own words [3.6.14]. */
export const MediatorProfile = z.object({
  displayName: z.string(),
  organisation: z.string(),
  statement: z.string(),
});
export type MediatorProfile = z.infer<typeof MediatorProfile>;

/** One account as the administrator's "Mediators" page lists it. */
export const MediatorAccountView = z.object({
  id: Id,
  displayName: z.string(),
  organisation: z.string(),
  isAdmin: z.boolean(),
  active: z.boolean(),
  createdAt: z.string(),
  /** Whether an e-mail address is on file (the address itself is sealed and not listed). */
  hasEmail: z.boolean(),
});
export type MediatorAccountView = z.infer<typeof MediatorAccountView>;

/** An invitation not yet used, withdrawn or expired. */
export const PendingMediatorInvitation = z.object({
  id: Id,
  displayName: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type PendingMediatorInvitation = z.infer<typeof PendingMediatorInvitation>;

export const MediatorList = z.object({
  mediators: z.array(MediatorAccountView),
  invitations: z.array(PendingMediatorInvitation),
});
export type MediatorList = z.infer<typeof MediatorList>;

/** POST /api/mediators/invitations: who the administrator invites. */
export const InviteMediatorBody = z.strictObject({
  displayName: DisplayName,
  /** Optional; stored sealed, with a keyed hash for finding the account by it later. */
  email: z.union([z.literal(''), Email]).optional(),
});
export type InviteMediatorBody = z.infer<typeof InviteMediatorBody>;

/** The one-time link, shown to the administrator once: only its hash is stored. */
export const MediatorInvitationCreated = z.object({
  invitation: PendingMediatorInvitation,
  url: z.string(),
});
export type MediatorInvitationCreated = z.infer<typeof MediatorInvitationCreated>;

/** How long a mediator invitation link works. */
export const MEDIATOR_INVITATION_TTL_MS = 7 * 24 * 3600_000;

/** The token of a mediator invitation or sign-in link, sent in the body (never in a URL the server sees). */
export const LinkToken = z.string().min(10).max(200);

/** POST /api/mediator-invitation: what the invitation link says, before accepting it. */
export const MediatorInvitationBody = z.strictObject({ token: LinkToken });
export const MediatorInvitationView = z.object({
  displayName: z.string(),
  invitedBy: z.string(),
  expiresAt: z.string(),
});
export type MediatorInvitationView = z.infer<typeof MediatorInvitationView>;

/** POST /api/mediator-invitation/accept: the invitee confirms their name and is signed in. */
export const AcceptMediatorInvitationBody = z.strictObject({ token: LinkToken, displayName: DisplayName });
export type AcceptMediatorInvitationBody = z.infer<typeof AcceptMediatorInvitationBody>;

/** A new one-time sign-in link for an existing account (the administrator passes it on). */
export const SigninLinkCreated = z.object({ url: z.string(), expiresAt: z.string() });
export type SigninLinkCreated = z.infer<typeof SigninLinkCreated>;

/** POST /api/auth/email-link: a mediator asks for a one-time sign-in link at their account's address. */
export const EmailSigninBody = z.strictObject({ email: Email });
export type EmailSigninBody = z.infer<typeof EmailSigninBody>;

/** GET /api/auth/methods: how a mediator can sign in on this platform, for the sign-in page. */
export const SigninMethods = z.object({
  /** An SMTP server is configured: a sign-in link can be mailed to an account's address. */
  emailLink: z.boolean(),
});
export type SigninMethods = z.infer<typeof SigninMethods>;
