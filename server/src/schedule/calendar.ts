import { createEvents, type EventAttributes } from 'ics';
import { ErrorCode, ParleyError, type ScheduledSession } from '@parley/shared';

/**
 * Calendar files (iCalendar, RFC 5545) of scheduled sessions, written with the `ics` package.
 *
 * What is NOT in them, on purpose: the invitation link or its token, the case title, anyone's name,
 * the mediator's note. Calendars are synced to third parties (Google, Microsoft, Apple, a phone's
 * backup) and shared with assistants and family; a link in an event is a key to the mediation, and
 * a title or a name says who is in dispute with whom. So each event carries only a neutral summary,
 * the time and where to go in words. The start is in UTC (…Z): every calendar program shows it in
 * its own user's zone, so nobody's zone needs to be named in the file either.
 */

/** Stable across reschedules (the session's id never changes), so calendars replace the event. */
export const uidOf = (s: Pick<ScheduledSession, 'id'>): string => `${s.id}@parley`;

const SUMMARY: Record<ScheduledSession['purpose'], (s: ScheduledSession) => string> = {
  joint: () => 'Mediation session (joint)',
  caucus: (s) => `Mediation session (private meeting, side ${s.side ?? '?'})`,
  deadline: (s) => (s.side ? `Mediation deadline (side ${s.side})` : 'Mediation deadline'),
};

const DESCRIPTION =
  'Join from the personal invitation link your mediator sent you. The link is not in this calendar entry on purpose: calendars are often shared or synced, and the link is your key to the mediation.';

/** A calendar invitation sent by e-mail (RFC 5546): from Parley's address, to the person's own. */
export interface CalendarInvitation {
  method: 'REQUEST' | 'CANCEL';
  organizer: string;
  attendee: string;
}

function eventOf(s: ScheduledSession, invitation?: CalendarInvitation): EventAttributes {
  const base = {
    ...(invitation ? { organizer: { name: 'Parley', email: invitation.organizer }, attendees: [{ email: invitation.attendee, rsvp: false }] } : {}),
    uid: uidOf(s),
    // Raised at every reschedule and at the cancellation: a calendar keeps the newest.
    sequence: s.sequence,
    start: Date.parse(s.startsAt),
    startInputType: 'utc' as const,
    startOutputType: 'utc' as const,
    title: SUMMARY[s.purpose](s),
    description: DESCRIPTION,
    status: s.cancelledAt ? ('CANCELLED' as const) : ('CONFIRMED' as const),
  };
  // A deadline is a moment: no end (RFC 5545 3.6.1: it then ends when it starts) and no busy time.
  if (s.purpose === 'deadline') return { ...base, transp: 'TRANSPARENT' } as EventAttributes;
  return { ...base, duration: { minutes: s.durationMinutes }, busyStatus: 'BUSY' };
}

/**
 * One VCALENDAR with a VEVENT per session (cancelled ones included, marked, so calendars drop them).
 * With `invitation` (a mail): METHOD REQUEST or CANCEL, so a mail program offers to add, update or
 * remove the event; the same UID and a higher SEQUENCE replace the earlier version.
 */
export function calendarFile(sessions: readonly ScheduledSession[], invitation?: CalendarInvitation): string {
  const { error, value } = createEvents(
    sessions.map((s) => eventOf(s, invitation)),
    { productId: '-//Parley//Mediation schedule//EN', method: invitation?.method ?? 'PUBLISH', calName: 'Mediation' },
  );
  if (error || !value) throw new ParleyError(ErrorCode.Internal, 'The calendar file could not be written.', { cause: error });
  return value;
}
