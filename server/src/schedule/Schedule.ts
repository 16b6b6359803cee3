import { DateTime } from 'luxon';
import {
  ErrorCode,
  ParleyError,
  SCHEDULE_LIMITS,
  sessionConcerns,
  type CaseSchedule,
  type InviteeSchedule,
  type PersonTimeZone,
  type RecordActor,
  type RecordData,
  type ScheduleBody,
  type ScheduledSession,
  type TimeZoneSource,
} from '@parley/shared';
import type { CaseService, Identity } from '../domain/CaseService.ts';
import type { EventBus } from '../events/EventBus.ts';
import type { RecordEntryEvent } from '../events/events.ts';
import { randomId } from '../crypto/randomId.ts';
import type { Store } from '../store/Store.ts';
import { ScheduleStore, type ScheduledRow, type SealedDetails } from './ScheduleStore.ts';

/** The session-record entries the schedule writes, each type with its own data. */
type ScheduleEntryType = 'session.scheduled' | 'session.rescheduled' | 'session.cancelled';
type ScheduleEntry = { [T in ScheduleEntryType]: { type: T; data: RecordData<T> } }[ScheduleEntryType];

/** Where the schedule asks whether an invitee may read case content (the mediator's note): AccessGate.consentCurrent. */
export type ConsentCheck = (identity: Identity) => boolean | Promise<boolean>;

/**
 * The wall-clock time `date` `time` in `zone` as a UTC instant. Refuses a date that does not exist
 * (31 February) and a local time that does not exist in that zone on that day: when clocks go
 * forward, 02:30 in Paris is skipped, and luxon would silently move it to 03:30. A time that happens
 * twice when clocks go back is taken as the second of the two (luxon's choice: winter time); every
 * page shows the resulting instant, so nobody is left guessing which.
 */
export function wallTimeToUtc(date: string, time: string, zone: string): Date {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) throw new ParleyError(ErrorCode.BadRequest, `${date} is not a date in the calendar.`, { details: [{ path: 'date', message: 'no such date' }] });
  if (dt.toFormat('yyyy-MM-dd') !== date || dt.toFormat('HH:mm') !== time) {
    throw new ParleyError(ErrorCode.BadRequest, `${time} does not exist in ${zone} on ${date}: the clocks go forward then. Choose another time.`, {
      details: [{ path: 'time', message: 'skipped when the clocks go forward' }],
    });
  }
  return dt.toJSDate();
}

/**
 * Sessions and deadlines of a case, set by the mediator at a wall-clock time in a named zone and
 * kept as one UTC instant [issue 13; IMI Annex 2 item 2.8]; and each person's time zone, from their
 * browser or set by the mediator. A reschedule keeps the session's id (the calendar UID) and raises
 * its sequence, so calendar programs replace the old time instead of adding a second event; a
 * cancellation is kept, marked, for the same reason. Each change goes on the session record.
 * The zone a session was set in, the note and everyone's zone are sealed with the case key.
 */
export class Schedule {
  readonly #db: ScheduleStore;
  readonly #cases: CaseService;
  readonly #bus: EventBus;
  readonly #consentCurrent: ConsentCheck;
  readonly #now: () => number;

  constructor(store: Store, cases: CaseService, bus: EventBus, opts: { consentCurrent: ConsentCheck; now?: () => number }) {
    this.#db = new ScheduleStore(store.kysely);
    this.#cases = cases;
    this.#bus = bus;
    this.#consentCurrent = opts.consentCurrent;
    this.#now = opts.now ?? Date.now;
  }

  // --- the mediator ------------------------------------------------------------------------------

  /** Every session of the mediator's case, and everyone's zone. Another mediator's case is "not found". */
  async forMediator(mediatorId: string, caseId: string): Promise<CaseSchedule> {
    await this.#cases.mediatorIdentity(mediatorId, caseId);
    return this.#caseSchedule(caseId);
  }

  async add(mediatorId: string, caseId: string, body: ScheduleBody): Promise<{ schedule: CaseSchedule; session: ScheduledSession }> {
    const by = await this.#cases.mediatorIdentity(mediatorId, caseId);
    const full = () => new ParleyError(ErrorCode.Conflict, `A case holds at most ${SCHEDULE_LIMITS.perCase} scheduled sessions and deadlines.`);
    if ((await this.#db.count(caseId)) >= SCHEDULE_LIMITS.perCase) throw full();
    await this.#checkSide(caseId, body);
    const startsAt = this.#futureInstant(body);
    const at = this.#iso();
    const row: ScheduledRow = {
      id: randomId(),
      case_id: caseId,
      starts_at: startsAt,
      duration_minutes: body.durationMinutes,
      purpose: body.purpose,
      side: body.side,
      details_sealed: await this.#seal(caseId, { timeZone: body.timeZone, note: body.note }),
      sequence: 0,
      cancelled_at: null,
      created_at: at,
      updated_at: at,
    };
    // Counted again with the insert: two added at once cannot pass the limit together.
    if (!(await this.#db.insertUnlessFull(row, SCHEDULE_LIMITS.perCase))) throw full();
    this.#bus.emit('session.changed', { caseId, sessionId: row.id, change: 'scheduled', previous: null });
    this.#record(by, { type: 'session.scheduled', data: { purpose: row.purpose, side: row.side, startsAt, durationMinutes: row.duration_minutes, timeZone: body.timeZone } });
    return { schedule: await this.#caseSchedule(caseId), session: await this.#view(row, true) };
  }

  /** A new time (and possibly length, purpose or note) for the same session: same id, sequence + 1. */
  async reschedule(mediatorId: string, caseId: string, sessionId: string, body: ScheduleBody): Promise<CaseSchedule> {
    const by = await this.#cases.mediatorIdentity(mediatorId, caseId);
    await this.#live(caseId, sessionId);
    await this.#checkSide(caseId, body);
    const startsAt = this.#futureInstant(body);
    const details = await this.#seal(caseId, { timeZone: body.timeZone, note: body.note });
    const { row, next } = await this.#change(caseId, sessionId, (r) => ({
      ...r,
      starts_at: startsAt,
      duration_minutes: body.durationMinutes,
      purpose: body.purpose,
      side: body.side,
      details_sealed: details,
      sequence: r.sequence + 1,
      updated_at: this.#iso(),
    }));
    this.#bus.emit('session.changed', { caseId, sessionId, change: 'rescheduled', previous: { startsAt: row.starts_at, durationMinutes: row.duration_minutes } });
    this.#record(by, {
      type: 'session.rescheduled',
      data: { purpose: next.purpose, side: next.side, startsAt, durationMinutes: next.duration_minutes, timeZone: body.timeZone, previousStartsAt: row.starts_at },
    });
    return this.#caseSchedule(caseId);
  }

  /** Marked cancelled, not deleted: a calendar that has it learns of the cancellation (STATUS:CANCELLED). */
  async cancel(mediatorId: string, caseId: string, sessionId: string): Promise<CaseSchedule> {
    const by = await this.#cases.mediatorIdentity(mediatorId, caseId);
    const at = this.#iso();
    const { row } = await this.#change(caseId, sessionId, (r) => ({ ...r, cancelled_at: at, sequence: r.sequence + 1, updated_at: at }));
    this.#bus.emit('session.changed', { caseId, sessionId, change: 'cancelled', previous: null });
    const { timeZone } = await this.#open(row);
    this.#record(by, { type: 'session.cancelled', data: { purpose: row.purpose, side: row.side, startsAt: row.starts_at, timeZone } });
    return this.#caseSchedule(caseId);
  }

  /**
   * The case concluded: every session still to come is cancelled, as the mediator would one by
   * one (recorded, and the people concerned get the cancellation for their calendars).
   */
  async cancelUpcoming(mediatorId: string, caseId: string): Promise<number> {
    const now = this.#now();
    const upcoming = (await this.#db.sessionsOf(caseId)).filter((r) => !r.cancelled_at && Date.parse(r.starts_at) > now);
    for (const r of upcoming) await this.cancel(mediatorId, caseId, r.id);
    return upcoming.length;
  }

  /** The mediator sets or corrects a person's zone (null: unknown again, so their browser may tell it). */
  async setParticipantZone(mediatorId: string, caseId: string, participantId: string, zone: string | null): Promise<CaseSchedule> {
    await this.#cases.mediatorIdentity(mediatorId, caseId);
    const person = (await this.#cases.roster(caseId)).find((p) => p.id === participantId);
    if (!person || person.role === 'mediator') throw new ParleyError(ErrorCode.NotFound, 'No such participant.');
    if (zone === null) await this.#db.clearZone(participantId);
    else await this.#putZone(caseId, participantId, zone, 'mediator');
    return this.#caseSchedule(caseId);
  }

  // --- the invitee -------------------------------------------------------------------------------

  /**
   * What concerns this person (sessionConcerns): the times before consent, since people plan their
   * day around them; the mediator's note only with a current consent, as it is case content.
   */
  async forInvitee(who: Identity): Promise<InviteeSchedule> {
    const withNote = await this.#consentCurrent(who);
    const sessions = await Promise.all((await this.#db.sessionsOf(who.caseId)).filter((r) => sessionConcerns(who, r)).map((r) => this.#view(r, withNote)));
    const z = await this.#db.zoneOf(who.participantId);
    return { sessions, timeZone: z ? { zone: await this.#cases.openForCase(who.caseId, z.zone_sealed), source: z.source } : null };
  }

  /** The zone the person's browser is in; a zone the mediator set is kept (they know better, e.g. someone travelling). */
  async reportZone(who: Identity, zone: string): Promise<InviteeSchedule> {
    await this.#putZone(who.caseId, who.participantId, zone, 'browser');
    return this.forInvitee(who);
  }

  // --- inside ------------------------------------------------------------------------------------

  async #caseSchedule(caseId: string): Promise<CaseSchedule> {
    const zones = new Map((await this.#db.zonesOf(caseId)).map((z) => [z.participant_id, z]));
    const people: PersonTimeZone[] = [];
    for (const p of await this.#cases.people(caseId)) {
      if (p.role === 'mediator') continue;
      const z = zones.get(p.id);
      people.push({
        participantId: p.id,
        displayName: p.displayName,
        role: p.role,
        side: p.side,
        timeZone: z ? await this.#cases.openForCase(caseId, z.zone_sealed) : null,
        source: z?.source ?? null,
      });
    }
    return { sessions: await Promise.all((await this.#db.sessionsOf(caseId)).map((r) => this.#view(r, true))), people };
  }

  async #view(r: ScheduledRow, withNote: boolean): Promise<ScheduledSession> {
    const d = await this.#open(r);
    return {
      id: r.id,
      startsAt: r.starts_at,
      durationMinutes: r.duration_minutes,
      purpose: r.purpose,
      side: r.side,
      setInTimeZone: d.timeZone,
      sequence: r.sequence,
      cancelledAt: r.cancelled_at,
      note: withNote && d.note ? d.note : null,
    };
  }

  /** A session that can still be changed: it exists in this case and is not cancelled. */
  async #live(caseId: string, sessionId: string): Promise<ScheduledRow> {
    const row = await this.#db.get(caseId, sessionId);
    if (!row) throw new ParleyError(ErrorCode.NotFound, 'No such session.');
    if (row.cancelled_at) throw new ParleyError(ErrorCode.Conflict, 'This session was cancelled. Schedule a new one instead.');
    return row;
  }

  /**
   * Writes the next version of a live session, made from the stored one. The write holds only if
   * nobody changed the session in between (its sequence); otherwise it is made again from the
   * newer one, as if the two changes had come one after the other.
   */
  async #change(caseId: string, sessionId: string, make: (row: ScheduledRow) => ScheduledRow): Promise<{ row: ScheduledRow; next: ScheduledRow }> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.#live(caseId, sessionId);
      const next = make(row);
      if (await this.#db.update(next, row.sequence)) return { row, next };
      if (attempt >= 5) throw new ParleyError(ErrorCode.Conflict, 'This session is being changed by someone else. Try again.');
    }
  }

  /** A caucus or a deadline for a side that nobody on the case belongs to is a mistake. */
  async #checkSide(caseId: string, body: ScheduleBody): Promise<void> {
    if (body.side === null) return;
    if (!(await this.#cases.people(caseId)).some((p) => p.role === 'party' && p.side === body.side)) {
      throw new ParleyError(ErrorCode.BadRequest, `No party of this case is on side ${body.side}.`, { details: [{ path: 'side', message: 'no party on this side' }] });
    }
  }

  #futureInstant(body: ScheduleBody): string {
    const at = wallTimeToUtc(body.date, body.time, body.timeZone);
    if (at.getTime() <= this.#now()) {
      throw new ParleyError(ErrorCode.BadRequest, 'That time has already passed. Choose a time in the future.', { details: [{ path: 'date', message: 'in the past' }] });
    }
    return at.toISOString();
  }

  /** A zone from the browser never replaces one the mediator set. */
  async #putZone(caseId: string, participantId: string, zone: string, source: TimeZoneSource): Promise<void> {
    const row = { participant_id: participantId, case_id: caseId, zone_sealed: await this.#cases.sealForCase(caseId, zone), source, updated_at: this.#iso() };
    return this.#db.putZone(row, { keepMediators: source === 'browser' });
  }

  #seal(caseId: string, d: SealedDetails): Promise<string> {
    return this.#cases.sealForCase(caseId, JSON.stringify(d));
  }

  async #open(r: ScheduledRow): Promise<SealedDetails> {
    return JSON.parse(await this.#cases.openForCase(r.case_id, r.details_sealed)) as SealedDetails;
  }

  #record(by: Identity, e: ScheduleEntry): void {
    const actor: RecordActor = { id: by.participantId, displayName: by.displayName, role: by.role };
    this.#bus.emit('record.entry', { caseId: by.caseId, actor, ...e } as RecordEntryEvent); // each member of ScheduleEntry keeps its type with its data
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}
