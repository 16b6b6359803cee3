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
import type { MailOutbox } from './MailOutbox.ts';
import type { Deliverable, MailRecipients } from './MailRecipients.ts';
import { MailStore } from './MailStore.ts';
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
  readonly #store: Store;
  readonly #schedule: ScheduleStore;
  readonly #threads: ThreadStore;
  readonly #cases: CaseService;
  readonly #recipients: MailRecipients;
  readonly #outbox: MailOutbox;
  readonly #logger: Logger;
  readonly #opts: Required<NoticeOptions>;
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store, cases: CaseService, recipients: MailRecipients, outbox: MailOutbox, logger: Logger, opts: NoticeOptions) {
    this.#db = new MailStore(store.db);
    this.#store = store;
    this.#schedule = new ScheduleStore(store.db);
    this.#threads = new ThreadStore(store.db);
    this.#cases = cases;
    this.#recipients = recipients;
    this.#outbox = outbox;
    this.#logger = logger;
    this.#opts = { now: Date.now, ...opts };
  }

  subscribe(bus: EventBus): () => void {
    return bus.onEach({
      'invitation.issued': (e) => this.#invitation(e),
      'session.changed': (e) => this.#sessionChanged(e),
    });
  }

  /** Checks for due digests, reminders and retries every so often (a fraction of the digest window). */
  start(): void {
    const every = Math.min(60_000, Math.max(250, this.#opts.digestMs / 4));
    this.#timer = setInterval(() => this.tick(), every);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * A thread message reached these people (the thread's members: who may read it). Each one with
   * mail on is counted for their next digest; the author is not told of their own message.
   */
  messagePosted(memberIds: readonly string[], msg: ThreadMessage): void {
    const at = new Date(this.#opts.now()).toISOString();
    for (const id of memberIds) if (id !== msg.author.id && this.#recipients.deliverable(id)) this.#db.countMessage(id, at);
  }

  tick(): void {
    try {
      this.#digests();
      this.#reminders();
    } catch (err) {
      this.#logger.error({ err }, 'mail notices failed');
    }
    void this.#outbox.kick();
  }

  #invitation(e: ServerEvents['invitation.issued']): void {
    const to = this.#recipients.deliverable(e.participantId);
    if (!to) return;
    this.#send(to, invitationText({ mediator: this.#mediator(e.caseId), url: e.url, expiresAt: e.expiresAt, zone: this.#zoneOf(to) }));
  }

  #sessionChanged(e: ServerEvents['session.changed']): void {
    const row = this.#schedule.get(e.caseId, e.sessionId);
    if (!row) return;
    const details = this.#details(row);
    const session = { id: row.id, startsAt: row.starts_at, durationMinutes: row.duration_minutes, purpose: row.purpose, side: row.side, setInTimeZone: details.timeZone, sequence: row.sequence, cancelledAt: row.cancelled_at, note: null };
    const method = e.change === 'cancelled' ? 'CANCEL' : 'REQUEST';
    const mediator = this.#mediator(e.caseId);
    for (const to of this.#concerned(row)) {
      const zone = this.#zoneOf(to) ?? details.timeZone;
      const previous = e.previous && { ...e.previous, purpose: row.purpose };
      const words = scheduleText({ kind: e.change, mediator, session, previous, zone });
      const calendar = calendarFile([session], { method, organizer: fromAddress(this.#opts.from), attendee: to.address });
      this.#send(to, words, { method, content: calendar });
    }
  }

  /** One mail per person whose first waiting message is a window old, counting what they have not read by now. */
  #digests(): void {
    const before = new Date(this.#opts.now() - this.#opts.digestMs).toISOString();
    for (const r of this.#db.digestsDue(before)) {
      this.#db.clearDigest(r.participant_id);
      const to = this.#recipients.deliverable(r.participant_id);
      if (!to) continue;
      // Read in the meantime (they were online): nothing to tell.
      const count = this.#threads.threadsOf(r.participant_id).reduce((n, t) => n + this.#threads.unread(t.id, r.participant_id), 0);
      if (count > 0) this.#send(to, digestText({ count }));
    }
  }

  /**
   * Once per version of a session (a move makes a new one), persisted with the mails in one
   * transaction so a restart neither loses nor repeats it. A session set or moved within the
   * reminder window needs none: its schedule mail has just gone out.
   */
  #reminders(): void {
    const now = this.#opts.now();
    const lead = this.#opts.reminderLeadMs;
    for (const s of this.#db.remindersDue(new Date(now).toISOString(), new Date(now + lead).toISOString())) {
      this.#store.tx(() => {
        this.#db.markReminded(s.id, s.sequence, new Date(now).toISOString());
        if (Date.parse(s.updated_at) >= Date.parse(s.starts_at) - lead) return;
        const row = this.#schedule.get(s.case_id, s.id)!;
        const mediator = this.#mediator(s.case_id);
        const setIn = this.#details(row).timeZone;
        for (const to of this.#concerned(row)) this.#send(to, reminderText({ mediator, session: { startsAt: row.starts_at, durationMinutes: row.duration_minutes, purpose: row.purpose }, zone: this.#zoneOf(to) ?? setIn }));
      });
    }
  }

  #send(to: Deliverable, words: MailWords, calendar?: { method: 'REQUEST' | 'CANCEL'; content: string }): void {
    this.#outbox.enqueue(to.caseId, to.participantId, {
      to: to.address,
      subject: words.subject,
      text: `${words.text}\n${footer(to.unsubscribeUrl)}`,
      unsubscribeUrl: to.unsubscribeUrl,
      ...(calendar ? { calendar } : {}),
    });
  }

  /** Whom a session concerns (shared sessionConcerns: a caucus only its side) and whom a mail can reach. */
  #concerned(row: ScheduledRow): Deliverable[] {
    return this.#recipients.deliverablesOf(row.case_id).filter((to) => sessionConcerns(to, row));
  }

  #mediator(caseId: string): string {
    const lead = this.#cases.mediatorParticipantId(caseId);
    return this.#cases.people(caseId).find((p) => p.id === lead)?.displayName ?? 'Your mediator';
  }

  #zoneOf(to: Deliverable): string | null {
    const z = this.#schedule.zoneOf(to.participantId);
    return z ? this.#cases.openForCase(to.caseId, z.zone_sealed) : null;
  }

  #details(row: ScheduledRow): SealedDetails {
    return JSON.parse(this.#cases.openForCase(row.case_id, row.details_sealed)) as SealedDetails;
  }
}
