import { ErrorCode, ParleyError } from '@parley/shared';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mail/Mailer.ts';
import type { MediatorAccounts } from '../domain/MediatorAccounts.ts';
import { SIGNIN_TTL_MS, type MediatorAuth } from '../domain/MediatorAuth.ts';

/** One mail per account in this time at most: asking again and again does not flood the mediator's inbox. */
export const EMAIL_LINK_INTERVAL_MS = 60_000;
/** Accounts remembered for that limit; past it the oldest are forgotten (memory stays bounded). */
const REMEMBERED = 1_000;

/**
 * The fallback to a passkey [issue 13]: a one-time sign-in link mailed to the address on the
 * mediator's own account. Whoever asks gets the same answer whether or not an account has that
 * address, at once: the mail goes out afterwards, so not even the time taken tells. The link is
 * the same kind as the printed one (MediatorAuth.newSigninToken): a newer link replaces an older
 * unused one, it works once, and only its hash is kept.
 */
export class EmailSignIn {
  readonly #accounts: MediatorAccounts;
  readonly #auth: MediatorAuth;
  readonly #mailer: Mailer | undefined;
  readonly #baseUrl: () => string;
  readonly #logger: Logger;
  readonly #lastSent = new Map<string, number>();

  constructor(d: { accounts: MediatorAccounts; auth: MediatorAuth; mailer: Mailer | undefined; baseUrl: () => string; logger: Logger }) {
    this.#accounts = d.accounts;
    this.#auth = d.auth;
    this.#mailer = d.mailer;
    this.#baseUrl = d.baseUrl;
    this.#logger = d.logger;
  }

  /** Whether this platform can mail links at all (an SMTP server is configured). */
  get available(): boolean {
    return this.#mailer !== undefined;
  }

  /** Mails a link if an active account has this address; says nothing either way. */
  async request(email: string): Promise<void> {
    const mailer = this.#mailer;
    if (!mailer) throw new ParleyError(ErrorCode.Conflict, 'This platform sends no e-mail. Ask the administrator for a sign-in link.');
    const account = await this.#accounts.activeByEmail(email);
    if (!account) {
      this.#logger.info('e-mail sign-in link asked for an address no active account has');
      return;
    }
    const last = this.#lastSent.get(account.mediatorId);
    if (last !== undefined && Date.now() - last < EMAIL_LINK_INTERVAL_MS) {
      this.#logger.info({ mediatorId: account.mediatorId }, 'e-mail sign-in link not sent again so soon');
      return;
    }
    this.#remember(account.mediatorId);
    const { token } = await this.#auth.newSigninToken(account.mediatorId);
    void mailer.send({ to: account.email, subject: 'Your sign-in link for Parley', text: signinMailText(`${this.#baseUrl()}/signin#token=${token}`) }).then(
      () => this.#logger.info({ mediatorId: account.mediatorId }, 'e-mail sign-in link sent'),
      (err: unknown) => this.#logger.warn({ mediatorId: account.mediatorId, err: (err as Error).message }, 'e-mail sign-in link could not be sent'),
    );
  }

  #remember(mediatorId: string): void {
    this.#lastSent.delete(mediatorId);
    this.#lastSent.set(mediatorId, Date.now());
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.#lastSent.size > REMEMBERED) this.#lastSent.delete(this.#lastSent.keys().next().value!);
  }
}

function signinMailText(url: string): string {
  const hours = Math.round(SIGNIN_TTL_MS / 3600_000);
  return [
    'Hello,',
    '',
    'Someone, most likely you, asked for a link to sign in to Parley as a mediator. To sign in, open:',
    '',
    url,
    '',
    `The link works once, within ${hours} hours. Asking for another link makes this one stop working.`,
    'If you did not ask for it, you can ignore this mail: nobody can sign in without the link.',
    '',
  ].join('\n');
}
