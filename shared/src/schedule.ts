import { z } from 'zod';
import { Id, Role, Side } from './domain.ts';

/**
 * Scheduling across time zones [issue 13; IMI Annex 2 item 2.8]: the mediator sets a session at a
 * wall-clock time in a named time zone; the server turns it into one UTC instant; everyone sees it
 * in their own zone, the zone named. The zone arithmetic happens once, on the server (luxon); the
 * rules here only read a time in a zone through `Intl`, which every browser and Node have.
 */

export const SCHEDULE_LIMITS = {
  /** A session shorter than this is a mistake rather than a meeting. */
  minSessionMinutes: 15,
  /** A working day; a longer sitting is two sessions. */
  maxSessionMinutes: 8 * 60,
  noteChars: 200,
  /** Sessions, deadlines and cancelled ones together: bounds the case page and the calendar file. */
  perCase: 100,
} as const;

/**
 * Night, for the mediator's warning: a session with any minute between 22:00 and 07:00 in someone's
 * own time. A person asked to negotiate at 23:00 or 06:00 is not at their best, and the other side
 * may not notice (2.8: the impact of time zones on the dynamics of the communication).
 */
export const NIGHT = { fromHour: 22, untilHour: 7 } as const;

/** Whether the runtime knows this IANA time zone (aliases such as Europe/Kiev included). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The runtime's own spelling of a zone ("europe/paris" → "Europe/Paris"). */
export function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * An IANA time zone name ("Europe/Paris", "America/Argentina/Buenos_Aires", "UTC"), stored in the
 * runtime's spelling. Bare offsets ("+01:00") are refused: they do not follow summer time, so a
 * session set in one would drift by an hour for half the year.
 */
export const TimeZone = z
  .string()
  .trim()
  .min(1, 'choose a time zone')
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/, 'not a time zone name (e.g. Europe/Paris)')
  .refine(isTimeZone, 'not a time zone we know (e.g. Europe/Paris)')
  .transform(canonicalTimeZone);
export type TimeZone = z.infer<typeof TimeZone>;

/** A calendar date as typed in a date field: 2031-01-16. The server checks it exists (no 31 February). */
export const LocalDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date is written 2031-01-16');
/** A wall-clock time as typed in a time field: 09:00 (24-hour). */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is written 09:00');

/**
 * What is scheduled: a joint session with everyone, a caucus with one side (the mediator with that
 * side's party and advisors), or a deadline between sessions (for everyone, or for one side).
 */
export const SessionPurpose = z.enum(['joint', 'caucus', 'deadline']);
export type SessionPurpose = z.infer<typeof SessionPurpose>;

/**
 * POST /api/cases/:caseId/schedule and PUT …/schedule/:sessionId (reschedule): the wall-clock time
 * in the zone the mediator typed it in. The client never converts zones; the server does, and
 * refuses a time that does not exist in that zone (the hour skipped when clocks go forward).
 */
export const ScheduleBody = z
  .object({
    date: LocalDate,
    time: LocalTime,
    timeZone: TimeZone,
    purpose: SessionPurpose,
    /** The caucus's side; for a deadline, the side it is for (null: everyone); none for a joint session. */
    side: Side.nullable().default(null),
    /** 0 for a deadline (a moment, not a meeting). */
    durationMinutes: z.number().int().min(0).max(SCHEDULE_LIMITS.maxSessionMinutes),
    /** A short note to the people concerned ("bring the surveyor's report"): sealed at rest. */
    note: z
      .string()
      .trim()
      .max(SCHEDULE_LIMITS.noteChars, `notes are at most ${SCHEDULE_LIMITS.noteChars} characters`)
      .refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'notes cannot contain control characters')
      .default(''),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.purpose === 'caucus' && b.side === null) ctx.addIssue({ code: 'custom', path: ['side'], message: 'choose the side for this caucus' });
    if (b.purpose === 'joint' && b.side !== null) ctx.addIssue({ code: 'custom', path: ['side'], message: 'a joint session is for everyone' });
    if (b.purpose === 'deadline' && b.durationMinutes !== 0) ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: 'a deadline has no duration' });
    if (b.purpose !== 'deadline' && b.durationMinutes < SCHEDULE_LIMITS.minSessionMinutes) {
      ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: `a session lasts at least ${SCHEDULE_LIMITS.minSessionMinutes} minutes` });
    }
  });
export type ScheduleBody = z.infer<typeof ScheduleBody>;

/** PUT /api/invitation/time-zone: the zone the invitee's browser is set to. */
export const MyTimeZoneBody = z.object({ timeZone: TimeZone }).strict();
export type MyTimeZoneBody = z.infer<typeof MyTimeZoneBody>;

/** PUT /api/cases/:caseId/participants/:pid/time-zone: the mediator sets or corrects it (null: unknown again). */
export const ParticipantTimeZoneBody = z.object({ timeZone: TimeZone.nullable() }).strict();
export type ParticipantTimeZoneBody = z.infer<typeof ParticipantTimeZoneBody>;

/** Where a person's zone came from: their own browser, or the mediator (who knows better, e.g. a person travelling). */
export const TimeZoneSource = z.enum(['browser', 'mediator']);
export type TimeZoneSource = z.infer<typeof TimeZoneSource>;

/** A scheduled session or deadline as people see it. */
export const ScheduledSession = z.object({
  id: Id,
  /** The UTC instant it starts (ISO 8601, Z). */
  startsAt: z.string(),
  durationMinutes: z.number().int(),
  purpose: SessionPurpose,
  side: Side.nullable(),
  /** The zone the mediator set it in, so the mediator can read back what they typed. */
  setInTimeZone: z.string(),
  /** 0 when first set, +1 at every reschedule or cancellation (the calendar file's SEQUENCE). */
  sequence: z.number().int().nonnegative(),
  cancelledAt: z.string().nullable(),
  /** The mediator's note; null when there is none, or for an invitee before they consented (case content). */
  note: z.string().nullable(),
});
export type ScheduledSession = z.infer<typeof ScheduledSession>;

/** One person of the case with the zone the platform knows for them (the mediator's side-by-side view). */
export const PersonTimeZone = z.object({
  participantId: Id,
  displayName: z.string(),
  role: Role,
  side: Side.nullable(),
  timeZone: z.string().nullable(),
  source: TimeZoneSource.nullable(),
});
export type PersonTimeZone = z.infer<typeof PersonTimeZone>;

/** GET /api/cases/:caseId/schedule: every session of the case, and everyone's time zone. */
export const CaseSchedule = z.object({ sessions: z.array(ScheduledSession), people: z.array(PersonTimeZone) });
export type CaseSchedule = z.infer<typeof CaseSchedule>;

/**
 * GET /api/invitation/schedule: the sessions that concern this person (never another side's
 * caucus), and the zone known for them. Nobody else's time zone: where the other side lives is not
 * theirs to learn.
 */
export const InviteeSchedule = z.object({
  sessions: z.array(ScheduledSession),
  timeZone: z.object({ zone: z.string(), source: TimeZoneSource }).nullable(),
});
export type InviteeSchedule = z.infer<typeof InviteeSchedule>;

// --- rules -------------------------------------------------------------------------------------

/**
 * Whether a scheduled item concerns a person. Parties and advisors: joint sessions, their own
 * side's caucuses, deadlines for everyone or their side; another side's caucus is not theirs to
 * know of. The mediator and assessors (who follow the mediator) see everything.
 */
export function sessionConcerns(viewer: { role: Role; side: string | null }, s: Pick<ScheduledSession, 'side'>): boolean {
  if (viewer.role === 'mediator' || viewer.role === 'assessor') return true;
  return s.side === null || s.side === viewer.side;
}

export function endsAt(s: Pick<ScheduledSession, 'startsAt' | 'durationMinutes'>): number {
  return Date.parse(s.startsAt) + s.durationMinutes * 60_000;
}

/** The next item that is not cancelled and not over yet, or null. */
export function nextSession<S extends Pick<ScheduledSession, 'startsAt' | 'durationMinutes' | 'cancelledAt' | 'purpose'>>(sessions: readonly S[], nowMs: number): S | null {
  const upcoming = sessions.filter((s) => s.cancelledAt === null && (s.purpose === 'deadline' ? Date.parse(s.startsAt) : endsAt(s)) > nowMs);
  return upcoming.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))[0] ?? null;
}

/** "Joint session", "Caucus with side A", "Deadline for side B". */
export function purposeLabel(s: Pick<ScheduledSession, 'purpose' | 'side'>): string {
  if (s.purpose === 'joint') return 'Joint session';
  if (s.purpose === 'caucus') return `Caucus with side ${s.side ?? '?'}`;
  return s.side ? `Deadline for side ${s.side}` : 'Deadline';
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
function clockIn(zone: string): Intl.DateTimeFormat {
  let f = clockFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(zone, f);
  }
  return f;
}

/** Minutes since local midnight of an instant in a zone, read through Intl (no offset arithmetic). */
export function localMinuteOfDay(ms: number, zone: string): number {
  const parts = clockIn(zone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

function isNightMinute(m: number): boolean {
  return m >= NIGHT.fromHour * 60 || m < NIGHT.untilHour * 60;
}

/**
 * Whether any minute of the item falls in someone's night (NIGHT) in their zone. Sampled every 15
 * minutes and at the last minute: night starts and ends on the hour, so no night is stepped over,
 * and reading the local clock at each sample stays right across a change of summer time.
 */
export function fallsAtNight(s: Pick<ScheduledSession, 'startsAt' | 'durationMinutes'>, zone: string): boolean {
  const start = Date.parse(s.startsAt);
  const last = start + Math.max(0, s.durationMinutes - 1) * 60_000;
  for (let t = start; t < last; t += 15 * 60_000) if (isNightMinute(localMinuteOfDay(t, zone))) return true;
  return isNightMinute(localMinuteOfDay(last, zone));
}

// --- words -------------------------------------------------------------------------------------

/** A zone that can be shown: one that Intl does not know (a damaged record) reads as UTC rather than throwing. */
const shownZone = (zone: string): string => (isTimeZone(zone) ? zone : 'UTC');

/**
 * An instant in a zone, in a locale's words (the browser's own by default): the viewer's date and
 * clock, never a converted offset written by hand.
 */
export function formatInZone(iso: string, zone: string, options: Intl.DateTimeFormatOptions, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: shownZone(zone) }).format(d);
}

/** "Thursday 16 January 2031" (in the locale's order). */
export const dayInZone = (iso: string, zone: string, locale?: string): string => formatInZone(iso, zone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, locale);
/** "08:00", or "8:00 AM" where the locale says so. */
export const clockInZone = (iso: string, zone: string, locale?: string): string => formatInZone(iso, zone, { hour: '2-digit', minute: '2-digit' }, locale);

/**
 * The zone named for people: "London time (GMT)", "Tokyo time (GMT+9)", "New York time (GMT-5)";
 * a zone without a place ("UTC", "Etc/GMT+5") by its abbreviation alone. The abbreviation is the
 * one in force at `iso` (summer or winter time).
 */
export function zoneLabel(zone: string, iso: string, locale?: string): string {
  const z = shownZone(zone);
  const d = new Date(iso);
  const short = new Intl.DateTimeFormat(locale, { timeZone: z, timeZoneName: 'short' }).formatToParts(Number.isNaN(d.getTime()) ? new Date(0) : d).find((p) => p.type === 'timeZoneName')?.value ?? z;
  const place = z.includes('/') && !z.startsWith('Etc/') ? z.slice(z.lastIndexOf('/') + 1).replace(/_/g, ' ') : null;
  return place ? `${place} time (${short})` : short;
}

/** "Thursday 16 January 2031, 09:00 Paris time (CET)": the record's words, in the zone the mediator set it in. */
export function whenInZone(iso: string, zone: string, locale = 'en-GB'): string {
  return `${dayInZone(iso, zone, locale)}, ${clockInZone(iso, zone, locale)} ${zoneLabel(zone, iso, locale)}`;
}

/** "45 minutes", "1 hour", "1 hour 30 minutes". */
export function lengthWords(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h ? `${h} hour${h === 1 ? '' : 's'}` : '';
  const mins = m || !h ? `${m} minute${m === 1 ? '' : 's'}` : '';
  return [hours, mins].filter(Boolean).join(' ');
}
