import { describe, expect, it } from 'vitest';
import type { ScheduledSession } from '@parley/shared';
import { calendarFile } from './calendar.ts';
import { parseCalendar } from '../test/calendar.ts';

const session = (over: Partial<ScheduledSession> = {}): ScheduledSession => ({
  id: 'sess0000abcd',
  startsAt: '2031-01-16T08:00:00.000Z',
  durationMinutes: 90,
  purpose: 'joint',
  side: null,
  setInTimeZone: 'Europe/Paris',
  sequence: 0,
  cancelledAt: null,
  note: 'Bring the survey of the Arden fence',
  ...over,
});

describe('calendarFile', () => {
  it('is one VCALENDAR with a VEVENT per session: start in UTC, its length, a stable UID and the sequence', () => {
    const { lines, events } = parseCalendar(calendarFile([session(), session({ id: 'sess0000efgh', sequence: 2, startsAt: '2031-01-20T13:30:00.000Z', durationMinutes: 45, purpose: 'caucus', side: 'A' })]));
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ UID: 'sess0000abcd@parley', DTSTART: '20310116T080000Z', DURATION: 'PT90M', SEQUENCE: '0', STATUS: 'CONFIRMED', SUMMARY: 'Mediation session (joint)' });
    expect(events[1]).toMatchObject({ UID: 'sess0000efgh@parley', DTSTART: '20310120T133000Z', DURATION: 'PT45M', SEQUENCE: '2', SUMMARY: 'Mediation session (private meeting\\, side A)' });
  });

  it('marks a cancelled session CANCELLED under the same UID, so a calendar that has it drops it', () => {
    const { events } = parseCalendar(calendarFile([session({ sequence: 1, cancelledAt: '2031-01-02T00:00:00.000Z' })]));
    expect(events[0]).toMatchObject({ UID: 'sess0000abcd@parley', STATUS: 'CANCELLED', SEQUENCE: '1' });
  });

  it('a deadline is a moment: no length, and it does not block time', () => {
    const { events } = parseCalendar(calendarFile([session({ purpose: 'deadline', durationMinutes: 0, side: 'B' })]));
    expect(events[0]).toMatchObject({ SUMMARY: 'Mediation deadline (side B)', TRANSP: 'TRANSPARENT' });
    expect(events[0]).not.toHaveProperty('DURATION');
    expect(events[0]).not.toHaveProperty('DTEND');
  });

  it('holds no note, no zone and no link: only a neutral summary and the time', () => {
    const text = calendarFile([session()]);
    for (const secret of ['survey', 'Arden', 'Paris', '/join', '#t=']) expect(text).not.toContain(secret);
  });
});
