import type { Logger } from '../logger.ts';
import { randomId } from '../crypto/randomId.ts';
import type { Mailer, OutgoingMail } from './Mailer.ts';
import type { MailStore, OutboxRow } from './MailStore.ts';

/** Seals and opens a mail with its case's key (CaseService.sealForCase / openForCase). */
export interface CaseSealer {
  sealForCase(caseId: string, text: string): Promise<string>;
  openForCase(caseId: string, sealed: string): Promise<string>;
}

export interface OutboxOptions {
  /** Wait before the first retry; each next one waits three times longer. */
  retryBaseMs?: number;
  /** Attempts before a mail is given up (logged as an error). */
  maxAttempts?: number;
  now?: () => number;
}

/** How long a claimed mail is this node's to send before another node may take it (a node that died while sending). */
const CLAIM_MS = 5 * 60_000;

/**
 * Mails waiting to go out, kept in the database (sealed: they hold links that are keys to the
 * mediation) so a restart or an SMTP server that is down loses none. A refused mail is tried again
 * later, waiting longer each time, and after the last attempt dropped with an error in the log;
 * nothing here ever throws into the rest of the server.
 */
export class MailOutbox {
  readonly #db: MailStore;
  readonly #mailer: Mailer;
  readonly #sealer: CaseSealer;
  readonly #logger: Logger;
  readonly #retryBaseMs: number;
  readonly #maxAttempts: number;
  readonly #now: () => number;
  #draining: Promise<void> | undefined;
  #again = false;
  #closed = false;
  /** Retries waiting for their time. */
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(db: MailStore, mailer: Mailer, sealer: CaseSealer, logger: Logger, opts: OutboxOptions = {}) {
    this.#db = db;
    this.#mailer = mailer;
    this.#sealer = sealer;
    this.#logger = logger;
    this.#retryBaseMs = opts.retryBaseMs ?? 30_000;
    this.#maxAttempts = opts.maxAttempts ?? 6;
    this.#now = opts.now ?? Date.now;
  }

  /** Stores the mail and starts sending it; the caller waits for the write, not for the SMTP server. */
  async enqueue(caseId: string, participantId: string, mail: OutgoingMail): Promise<void> {
    await this.#db.enqueue(await this.seal(caseId, participantId, mail));
    void this.kick();
  }

  /**
   * The outbox row of a mail, for a caller that writes it in its own transaction (MailStore.enqueue
   * on it) and calls `kick` once that is committed: a mail is never sent from a write that is then
   * rolled back.
   */
  async seal(caseId: string, participantId: string, mail: OutgoingMail): Promise<OutboxRow> {
    const mailSealed = await this.#sealer.sealForCase(caseId, JSON.stringify(mail));
    const at = new Date(this.#now()).toISOString();
    return { id: randomId(), case_id: caseId, participant_id: participantId, mail_sealed: mailSealed, attempts: 0, next_attempt_at: at, created_at: at };
  }

  /** Sends whatever is due; one pass at a time (a call during a pass asks for another one after it). */
  kick(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = (async () => {
      try {
        do {
          this.#again = false;
          await this.#pass();
        } while (this.#again && !this.#closed);
      } catch (err) {
        this.#logger.error({ err }, 'mail outbox failed');
      } finally {
        this.#draining = undefined;
      }
    })();
    return this.#draining;
  }

  async #pass(): Promise<void> {
    for (const row of await this.#db.due(new Date(this.#now()).toISOString(), 20)) {
      if (this.#closed) return;
      // Another node (or an earlier pass of this one) may have taken it since it was read.
      if (!(await this.#db.claim(row.id, row.next_attempt_at, new Date(this.#now() + CLAIM_MS).toISOString()))) continue;
      const mail = JSON.parse(await this.#sealer.openForCase(row.case_id, row.mail_sealed)) as OutgoingMail;
      try {
        await this.#mailer.send(mail);
        await this.#db.remove(row.id);
        this.#logger.info({ caseId: row.case_id, participantId: row.participant_id, attempts: row.attempts + 1 }, 'mail sent');
      } catch (err) {
        const attempts = row.attempts + 1;
        // Only the SMTP answer: never the address, the subject or the text.
        const reason = err instanceof Error ? err.message : String(err);
        if (attempts >= this.#maxAttempts) {
          await this.#db.remove(row.id);
          this.#logger.error({ caseId: row.case_id, participantId: row.participant_id, attempts, reason }, 'mail given up after its last attempt');
        } else {
          const wait = this.#retryBaseMs * 3 ** (attempts - 1);
          await this.#db.retryLater(row.id, attempts, new Date(this.#now() + wait).toISOString());
          this.#later(wait);
          this.#logger.warn({ caseId: row.case_id, participantId: row.participant_id, attempts, retryInMs: wait, reason }, 'mail not accepted; will try again');
        }
      }
    }
  }

  #later(ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void this.kick();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  /** Idempotent; waits for a mail being handed to the server, and sends nothing after. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await this.#draining;
  }
}
