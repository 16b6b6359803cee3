import type { CaseService } from '../domain/CaseService.ts';
import type { Keyring } from '../crypto/Keyring.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/Store.ts';
import type { MailConfig } from './mailConfig.ts';
import { Mailer } from './Mailer.ts';
import { MailNotices } from './MailNotices.ts';
import { MailOutbox, type OutboxOptions } from './MailOutbox.ts';
import { MailRecipients } from './MailRecipients.ts';
import { MailStore } from './MailStore.ts';

export interface RunningMail {
  recipients: MailRecipients;
  /** Undefined when no SMTP server is configured: nothing is ever mailed. */
  notices: MailNotices | undefined;
  /** The SMTP connection, for mails that belong to no case (a mediator's sign-in link); undefined without one. */
  mailer: Mailer | undefined;
  close(): Promise<void>;
}

/**
 * E-mail as the server wires it: addresses and opt-outs always (the pages say honestly when this
 * platform sends no mail), and with PARLEY_SMTP_URL the mailer, the outbox and the notices.
 */
export async function startMail(
  config: MailConfig | undefined,
  d: { store: Store; cases: CaseService; keys: Keyring; bus: EventBus; logger: Logger; baseUrl: () => string; outbox?: OutboxOptions },
): Promise<RunningMail> {
  const recipients = new MailRecipients(d.store, d.cases, d.keys, d.logger, { available: config !== undefined, baseUrl: d.baseUrl });
  recipients.subscribe(d.bus);
  if (!config) return { recipients, notices: undefined, mailer: undefined, close: async () => {} };
  const mailer = await Mailer.create(config);
  const outbox = new MailOutbox(new MailStore(d.store.kysely), mailer, d.cases, d.logger, d.outbox);
  const notices = new MailNotices(d.store, d.cases, recipients, outbox, d.logger, { from: config.from, digestMs: config.digestMs, reminderLeadMs: config.reminderLeadMs });
  notices.subscribe(d.bus);
  notices.start();
  // Mails left waiting by the last run go out now.
  void outbox.kick();
  let closed: Promise<void> | undefined;
  return {
    recipients,
    notices,
    mailer,
    close() {
      closed ??= (async () => {
        notices.stop();
        // What reacts to the bus or ticks now writes its mails before the store closes.
        await notices.settled();
        await outbox.close();
        await mailer.close();
      })();
      return closed;
    },
  };
}
