import { z } from 'zod';

/**
 * E-mail notifications [issue 13]: an optional address per person, their own opt-out, and what the
 * mediator and the person see of it. Mails never carry mediation content (docs/email.md).
 */

/** An e-mail address as people type it: trimmed, at most 254 characters (RFC 5321's path limit). */
export const Email = z.string().trim().max(254, 'an e-mail address has at most 254 characters').pipe(z.email('this is not an e-mail address'));
export type Email = z.infer<typeof Email>;

/** An address field as a form sends it: empty means "no address". */
export const OptionalEmail = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), Email.nullable());

/** One person's mail settings as their mediator sees them. */
export const PersonMail = z.object({
  participantId: z.string(),
  email: z.string().nullable(),
  /** False once the person turned mails off (on their page or with an unsubscribe link); only they turn them on again. */
  mailsOn: z.boolean(),
});
export type PersonMail = z.infer<typeof PersonMail>;

export const CaseMail = z.object({
  /** Whether this platform sends e-mail at all (an SMTP server is configured). */
  available: z.boolean(),
  people: z.array(PersonMail),
});
export type CaseMail = z.infer<typeof CaseMail>;

/** PUT /api/cases/:caseId/participants/:pid/email */
export const ParticipantEmailBody = z.object({ email: OptionalEmail });
export type ParticipantEmailBody = z.infer<typeof ParticipantEmailBody>;

/** What a person sees of their own mail settings on their link page. */
export const MyMail = z.object({ available: z.boolean(), email: z.string().nullable(), mailsOn: z.boolean() });
export type MyMail = z.infer<typeof MyMail>;

/** PUT /api/invitation/mail: the person's own address and whether they want mails; each left out stays as it is. */
export const MyMailBody = z.object({ email: OptionalEmail.optional(), mailsOn: z.boolean().optional() });
export type MyMailBody = z.infer<typeof MyMailBody>;

/** POST /api/mail/unsubscribe: the token of an unsubscribe link (never in a URL the server sees: it is in the fragment). */
export const UnsubscribeBody = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an unsubscribe link') });
export type UnsubscribeBody = z.infer<typeof UnsubscribeBody>;
