import { z } from 'zod';

/**
 * The e-mail settings of config.ts, kept beside the mail code. Without PARLEY_SMTP_URL Parley sends
 * no e-mail at all, and every page says so instead of promising mails that never leave.
 */
export interface MailConfig {
  /** nodemailer's SMTP URL, credentials included (smtp:// with STARTTLS, smtps:// with TLS from the start). Never logged. */
  smtpUrl: string;
  /** The From header: an address, optionally with a name (`Parley <mediation@example.org>`). */
  from: string;
  /** At most one "you have new messages" mail per person in this window. */
  digestMs: number;
  /** How long before a session its reminder goes out. */
  reminderLeadMs: number;
}

/** "Name <address>" or a bare address. */
const FROM_PATTERN = /^(?:[^<>]*<([^<>\s]+)>|([^<>\s]+))$/;

export const MAIL_VARIABLES = {
  /** smtp://user:password@host:587 or smtps://…:465; unset: no e-mail. */
  PARLEY_SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().optional()),
  PARLEY_MAIL_FROM: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().optional()),
  /** Minutes; fractions are for tests. */
  PARLEY_MAIL_DIGEST_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(30),
  PARLEY_MAIL_REMINDER_HOURS: z.coerce.number().positive().max(14 * 24).default(24),
};

type MailVariables = { PARLEY_SMTP_URL?: string | undefined; PARLEY_MAIL_FROM?: string | undefined; PARLEY_MAIL_DIGEST_MINUTES: number; PARLEY_MAIL_REMINDER_HOURS: number };

/** Problems with the mail settings, added to the config's issues (the SMTP URL itself is never quoted: it may hold a password). */
export function mailProblems(c: MailVariables, ctx: z.RefinementCtx): void {
  if (c.PARLEY_SMTP_URL === undefined) {
    if (c.PARLEY_MAIL_FROM !== undefined) ctx.addIssue({ code: 'custom', path: ['PARLEY_SMTP_URL'], message: 'PARLEY_MAIL_FROM is set but no SMTP server: set PARLEY_SMTP_URL too, or remove PARLEY_MAIL_FROM' });
    return;
  }
  let protocol = '';
  try {
    protocol = new URL(c.PARLEY_SMTP_URL).protocol;
  } catch {
    // protocol stays empty: reported below
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') ctx.addIssue({ code: 'custom', path: ['PARLEY_SMTP_URL'], message: 'must be an smtp:// or smtps:// URL (e.g. smtp://user:password@mail.example.org:587)' });
  const from = c.PARLEY_MAIL_FROM === undefined ? null : FROM_PATTERN.exec(c.PARLEY_MAIL_FROM);
  const address = from?.[1] ?? from?.[2];
  if (!address || !z.email().safeParse(address).success) {
    ctx.addIssue({ code: 'custom', path: ['PARLEY_MAIL_FROM'], message: 'set the sender of Parley’s mails: an address, optionally with a name (e.g. Parley <mediation@example.org>)' });
  }
}

export function mailConfig(c: MailVariables): MailConfig | undefined {
  if (c.PARLEY_SMTP_URL === undefined || c.PARLEY_MAIL_FROM === undefined) return undefined;
  return { smtpUrl: c.PARLEY_SMTP_URL, from: c.PARLEY_MAIL_FROM, digestMs: c.PARLEY_MAIL_DIGEST_MINUTES * 60_000, reminderLeadMs: c.PARLEY_MAIL_REMINDER_HOURS * 3600_000 };
}

/** The bare address of a From header, for calendar invitations' ORGANIZER. */
export function fromAddress(from: string): string {
  const m = FROM_PATTERN.exec(from);
  return m?.[1] ?? m?.[2] ?? from;
}
