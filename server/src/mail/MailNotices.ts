import { sessionConcerns, type ThreadMessage } from '@parley/shared';
import type { CaseService } from '../domain/CaseService.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { ServerEvents } from '../events/events.ts';
import type { Logger } from '../logger.ts';
import { calendarFile } from '../schedule/calendar.ts';
import { ScheduleStore, type ScheduledRow, type SealedDetails } from '../schedule/ScheduleStore.ts';
import type { Store } from '../store/Store.ts';
import { ThreadStore } from '../threads/ThreadStore.ts';
import { fromAddress } from './mailConfig.ts';
import type { OutgoingMail } from './Mailer.ts';
import type { MailOutbox } from './MailOutbox.ts';
import type { Deliverable, MailRecipients } from './MailRecipients.ts';
import { MailStore, type OutboxRow } from './MailStore.ts';
import { digestText, footer, invitationText, reminderText, scheduleText, type MailWords } from './mailText.ts';

export interface NoticeOptions {
  /** From address (the calendar invitation's organizer). */
  from: string;
  digestMs: number;
  reminderLeadMs: number;
  now?: () => number;
}

/**
 * What Parley mails, and when [issue 13]: the invitation link when it is made (the server keeps no
 * way to mail it later), each change of the schedule with its calendar entry, a reminder before a
 * session, and a digest that only counts new messages. Every mail goes through the outbox.
 */
export class MailNotices {
  readonly #db: MailStore;
  readonly #schedule: ScheduleStore;
  readonly #threads: ThreadStore;
  readonly #cases: CaseService;
  readonly #recipients: MailRecipients;
  readonly #outbox: MailOutbox;
  readonly #logger: Logger;
  readonly #opts: Required<NoticeOptions>;
  #timer: NodeJS.Timeout | undefined;
  /** Reactions to the bus, one after the other: a session's mails go out in the order it changed. */
  #reactions: Promise<void> = Promise.resolve();
  #ticking: Promise<void> | undefined;

  constructor(store: Store, cases: CaseService, recipients: MailRecipients, outbox: MailOutbox, logger: Logger, opts: NoticeOptions) {
    this.#db = new MailStore(store.kysely);
    this.#schedule = new ScheduleStore(store.kysely);
    this.#threads = new ThreadStore(store.kysely);
    this.#cases = cases;
    this.#recipients = recipients;
    this.#outbox = outbox;
    this.#logger = logger;
    this.#opts = { now: Date.now, ...opts };
  }

  subscribe(bus: EventBus): () => void {
    return bus.onEach({
      'invitation.issued': (e) => this.#react(e.caseId, () => this.#invitation(e)),
      'session.changed': (e) => this.#react(e.caseId, () => this.#sessionChanged(e)),
    });
  }

  /** Resolves when every reaction to the bus so far and the pass under way are done (a failure is logged, never thrown). */
  async settled(): Promise<void> {
    await Promise.all([this.#reactions, this.#ticking]);
  }

  #react(caseId: string, work: () => Promise<void>): void {
    this.#reactions = this.#reactions.then(work).catch((err: unknown) => this.#logger.error({ err, caseId }, 'mail notice failed'));
  }

  /** Checks for due digests, reminders and retries every so often (a fraction of the digest window). */
  start(): void {
    const every = Math.min(60_000, Math.max(250, this.#opts.digestMs / 4));
    this.#timer = setInterval(() => void this.tick(), every);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * A thread message reached these people (the thread's members: who may read it). Each one with
   * mail on is counted for their next digest; the author is not told of their own message. Never
   * rejects: a failure is logged.
   */
  async messagePosted(memberIds: readonly string[], msg: ThreadMessage): Promise<void> {
    const at = new Date(this.#opts.now()).toISOString();
    try {
      for (const id of memberIds) if (id !== msg.author.id && (await this.#recipients.deliverable(id))) await this.#db.countMessage(id, at);
    } catch (err) {
      this.#logger.error({ err, threadId: msg.threadId }, 'message not counted for the mail digest');
    }
  }

  /** One pass over digests and reminders (a call while one runs waits for that one); never rejects. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    try {
      await this.#digests();
      await this.#reminders();
    } catch (err) {
      this.#logger.error({ err }, 'mail notices failed');
    }
    void this.#outbox.kick();
  }

  async #invitation(e: ServerEvents['invitation.issued']): Promise<void> {
    // The address given with the person first (MailRecipients stores it on the same event).
    await this.#recipients.stored();
    const to = await this.#recipients.deliverable(e.participantId);
    if (!to) return;
    await this.#send(to, invitationText({ mediator: await this.#mediator(e.caseId), url: e.url, expiresAt: e.expiresAt, zone: await this.#zoneOf(to) }));
  }

  async #sessionChanged(e: ServerEvents['session.changed']): Promise<void> {
    const row = await this.#schedule.get(e.caseId, e.sessionId);
    if (!row) return;
    const details = await this.#details(row);
    const session = { id: row.id, startsAt: row.starts_at, durationMinutes: row.duration_minutes, purpose: row.purpose, side: row.side, setInTimeZone: details.timeZone, sequence: row.sequence, cancelledAt: row.cancelled_at, note: null };
    const method = e.change === 'cancelled' ? 'CANCEL' : 'REQUEST';
    const mediator = await this.#mediator(e.caseId);
    for (const to of await this.#concerned(row)) {
      const zone = (await this.#zoneOf(to)) ?? details.timeZone;
      const previous = e.previous && { ...e.previous, purpose: row.purpose };
      const words = scheduleText({ kind: e.change, mediator, session, previous, zone });
      const calendar = calendarFile([session], { method, organizer: fromAddress(this.#opts.from), attendee: to.address });
      await this.#send(to, words, { method, content: calendar });
    }
  }

  /** One mail per person whose first waiting message is a window old, counting what they have not read by now. */
  async #digests(): Promise<void> {
    const before = new Date(this.#opts.now() - this.#opts.digestMs).toISOString();
    for (const r of await this.#db.digestsDue(before)) {
      // Taken by another pass (another node) meanwhile: that one mails it.
      if (!(await this.#db.clearDigest(r.participant_id))) continue;
      const to = await this.#recipients.deliverable(r.participant_id);
      if (!to) continue;
      // Read in the meantime (they were online): nothing to tell.
      let count = 0;
      for (const t of await this.#threads.threadsOf(r.participant_id)) count += await this.#threads.unread(t.id, r.participant_id);
      if (count > 0) await this.#send(to, digestText({ count }));
    }
  }

  /**
   * Once per version of a session (a move makes a new one), persisted with the mails in one
   * transaction so a restart neither loses nor repeats it. A session set or moved within the
   * reminder window needs none: its schedule mail has just gone out. The mails are written before
   * they are sent (after the commit).
   */
  async #reminders(): Promise<void> {
    const now = this.#opts.now();
    const lead = this.#opts.reminderLeadMs;
    for (const s of await this.#db.remindersDue(new Date(now).toISOString(), new Date(now + lead).toISOString())) {
      const mails: OutboxRow[] = [];
      if (Date.parse(s.updated_at) < Date.parse(s.starts_at) - lead) {
        const row = await this.#schedule.get(s.case_id, s.id);
        // Moved or cancelled since it was found due: the next pass sees it as it is now.
        if (!row || row.sequence !== s.sequence || row.cancelled_at) continue;
        const mediator = await this.#mediator(s.case_id);
        const setIn = (await this.#details(row)).timeZone;
        for (const to of await this.#concerned(row)) {
          const words = reminderText({ mediator, session: { startsAt: row.starts_at, durationMinutes: row.duration_minutes, purpose: row.purpose }, zone: (await this.#zoneOf(to)) ?? setIn });
          mails.push(await this.#outbox.seal(to.caseId, to.participantId, this.#mail(to, words)));
        }
      }
      const marked = await this.#db.transaction(async (db) => {
        if (!(await db.sessionAt(s.id, s.sequence))) return false;
        if (!(await db.markReminded(s.id, s.sequence, new Date(now).toISOString()))) return false;
        for (const m of mails) await db.enqueue(m);
        return true;
      });
      if (marked && mails.length > 0) void this.#outbox.kick();
    }
  }

  #send(to: Deliverable, words: MailWords, calendar?: { method: 'REQUEST' | 'CANCEL'; content: string }): Promise<void> {
    return this.#outbox.enqueue(to.caseId, to.participantId, this.#mail(to, words, calendar));
  }

  #mail(to: Deliverable, words: MailWords, calendar?: { method: 'REQUEST' | 'CANCEL'; content: string }): OutgoingMail {
    return {
      to: to.address,
      subject: words.subject,
      text: `${words.text}\n${footer(to.unsubscribeUrl)}`,
      unsubscribeUrl: to.unsubscribeUrl,
      ...(calendar ? { calendar } : {}),
    };
  }

  /** Whom a session concerns (shared sessionConcerns: a caucus only its side) and whom a mail can reach. */
  async #concerned(row: ScheduledRow): Promise<Deliverable[]> {
    return (await this.#recipients.deliverablesOf(row.case_id)).filter((to) => sessionConcerns(to, row));
  }

  async #mediator(caseId: string): Promise<string> {
    const lead = await this.#cases.mediatorParticipantId(caseId);
    return (await this.#cases.people(caseId)).find((p) => p.id === lead)?.displayName ?? 'Your mediator';
  }

  async #zoneOf(to: Deliverable): Promise<string | null> {
    const z = await this.#schedule.zoneOf(to.participantId);
    return z ? this.#cases.openForCase(to.caseId, z.zone_sealed) : null;
  }

  async #details(row: ScheduledRow): Promise<SealedDetails> {
    return JSON.parse(await this.#cases.openForCase(row.case_id, row.details_sealed)) as SealedDetails;
  }
}
