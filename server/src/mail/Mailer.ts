import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from './mailConfig.ts';

/** One mail as Parley writes it: plain text, an unsubscribe link, sometimes a calendar invitation. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** The person's page for turning mails off (also in the List-Unsubscribe header); none on a mail the reader asked for (a sign-in link). */
  unsubscribeUrl?: string;
  /** An iCalendar invitation or cancellation (METHOD REQUEST or CANCEL), attached as .ics. */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

/**
 * The SMTP connection (nodemailer), from PARLEY_SMTP_URL. Sends one mail and says whether it was
 * accepted; retrying and remembering what is waiting is the outbox's job (MailOutbox).
 */
export class Mailer {
  readonly #transport: Transporter;
  readonly #from: string;
  #closed = false;

  private constructor(transport: Transporter, from: string) {
    this.#transport = transport;
    this.#from = from;
  }

  /**
   * Does not connect yet: an SMTP server that is down at start must not keep the mediation platform
   * from starting; the outbox retries when it is back.
   */
  static async create(config: Pick<MailConfig, 'smtpUrl' | 'from'>): Promise<Mailer> {
    return new Mailer(nodemailer.createTransport(config.smtpUrl), config.from);
  }

  /** Throws when the server refuses the mail or cannot be reached (the error carries no address or text). */
  async send(mail: OutgoingMail): Promise<void> {
    if (this.#closed) throw new Error('the mailer is closed');
    await this.#transport.sendMail({
      from: this.#from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.unsubscribeUrl ? { list: { unsubscribe: mail.unsubscribeUrl } } : {}),
      ...(mail.calendar ? { icalEvent: { method: mail.calendar.method, filename: 'mediation-session.ics', content: mail.calendar.content } } : {}),
    });
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
  }
}
