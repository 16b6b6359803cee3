import { describe, expect, it } from 'vitest';
import { fallsAtNight, lengthWords, nextSession, ParticipantTimeZoneBody, ScheduleBody, sessionConcerns, TimeZone, zoneLabel } from './schedule.ts';

const body = (over: Record<string, unknown> = {}) => ({ date: '2031-01-16', time: '09:00', timeZone: 'Europe/Paris', purpose: 'joint', durationMinutes: 90, ...over });
const issues = (input: unknown) => {
  const r = ScheduleBody.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('TimeZone', () => {
  it('takes IANA names in any case and stores the runtime’s spelling', () => {
    expect(TimeZone.parse('Europe/Paris')).toBe('Europe/Paris');
    expect(TimeZone.parse('europe/london')).toBe('Europe/London');
    // Three parts; the runtime may spell it as its older alias (America/Buenos_Aires).
    expect(TimeZone.parse('America/Argentina/Buenos_Aires')).toMatch(/^America\/(Argentina\/)?Buenos_Aires$/);
    expect(TimeZone.parse('UTC')).toBe('UTC');
  });

  it('refuses bare offsets, unknown places and anything that is not a zone name', () => {
    for (const bad of ['+01:00', 'GMT+1:00', 'Europe/Atlantis', '', 'Europe/../etc', 'x'.repeat(65), '<script>']) expect(TimeZone.safeParse(bad).success, bad).toBe(false);
  });

  it('lets the mediator clear a zone with null, never with an empty string', () => {
    expect(ParticipantTimeZoneBody.parse({ timeZone: null })).toEqual({ timeZone: null });
    expect(ParticipantTimeZoneBody.safeParse({ timeZone: '' }).success).toBe(false);
  });
});

describe('ScheduleBody', () => {
  it('reads a joint session, a caucus with a side and a deadline; the note defaults to empty', () => {
    expect(ScheduleBody.parse(body())).toEqual({ ...body(), side: null, note: '' });
    expect(issues(body({ purpose: 'caucus', side: 'A', durationMinutes: 45, note: 'Bring the survey' }))).toEqual([]);
    expect(issues(body({ purpose: 'deadline', side: null, durationMinutes: 0 }))).toEqual([]);
  });

  it('says what is wrong: a caucus needs a side, a joint session has none, a deadline no length, a session at least 15 minutes', () => {
    expect(issues(body({ purpose: 'caucus' }))).toEqual(['side: choose the side for this caucus']);
    expect(issues(body({ side: 'A' }))).toEqual(['side: a joint session is for everyone']);
    expect(issues(body({ purpose: 'deadline', durationMinutes: 30 }))).toEqual(['durationMinutes: a deadline has no duration']);
    expect(issues(body({ durationMinutes: 10 }))).toEqual(['durationMinutes: a session lasts at least 15 minutes']);
  });

  it('refuses malformed dates and times, long or odd notes, and unknown fields', () => {
    for (const bad of [
      body({ date: '16/01/2031' }),
      body({ date: '2031-13-01' }),
      body({ time: '9:00' }),
      body({ time: '24:00' }),
      body({ durationMinutes: 481 }),
      body({ durationMinutes: 30.5 }),
      body({ note: 'x'.repeat(201) }),
      body({ note: 'bell\u0007' }),
      body({ purpose: 'party' }),
      body({ startsAt: '2031-01-16T08:00:00Z' }),
    ]) {
      expect(ScheduleBody.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('who a scheduled item concerns', () => {
  it('a party sees joint sessions, their own side’s caucuses and deadlines for everyone or their side; never the other side’s', () => {
    const ana = { role: 'party' as const, side: 'A' };
    expect(sessionConcerns(ana, { side: null })).toBe(true);
    expect(sessionConcerns(ana, { side: 'A' })).toBe(true);
    expect(sessionConcerns(ana, { side: 'B' })).toBe(false);
    expect(sessionConcerns({ role: 'advisor', side: 'B' }, { side: 'A' })).toBe(false);
  });

  it('the mediator and an assessor see everything', () => {
    expect(sessionConcerns({ role: 'mediator', side: null }, { side: 'B' })).toBe(true);
    expect(sessionConcerns({ role: 'assessor', side: null }, { side: 'B' })).toBe(true);
  });
});

describe('nextSession', () => {
  const s = (startsAt: string, over: Partial<{ durationMinutes: number; cancelledAt: string | null; purpose: 'joint' | 'deadline' }> = {}) => ({
    startsAt,
    durationMinutes: 60,
    cancelledAt: null,
    purpose: 'joint' as const,
    ...over,
  });
  it('is the earliest one not cancelled and not over; a session under way still counts', () => {
    const now = Date.parse('2031-01-16T08:30:00Z');
    const running = s('2031-01-16T08:00:00Z');
    const list = [s('2031-01-20T08:00:00Z'), s('2031-01-17T08:00:00Z', { cancelledAt: '2031-01-01T00:00:00Z' }), running, s('2031-01-15T08:00:00Z')];
    expect(nextSession(list, now)).toBe(running);
    expect(nextSession(list, Date.parse('2031-01-16T09:00:00Z'))?.startsAt).toBe('2031-01-20T08:00:00Z');
    expect(nextSession([s('2031-01-16T08:00:00Z', { purpose: 'deadline', durationMinutes: 0 })], now)).toBeNull();
  });
});

describe('fallsAtNight (22:00–07:00 in the person’s own time)', () => {
  const at = (startsAt: string, durationMinutes = 90) => ({ startsAt, durationMinutes });
  it('09:00 in Paris is fine in London (08:00) and Tokyo (17:00)', () => {
    expect(fallsAtNight(at('2031-01-16T08:00:00Z'), 'Europe/London')).toBe(false);
    expect(fallsAtNight(at('2031-01-16T08:00:00Z'), 'Asia/Tokyo')).toBe(false);
  });

  it('a session running past 22:00, or starting before 07:00, is at night', () => {
    // 14:00 Paris = 22:00 Tokyo.
    expect(fallsAtNight(at('2031-01-16T13:00:00Z'), 'Asia/Tokyo')).toBe(true);
    // 06:30 London.
    expect(fallsAtNight(at('2031-01-16T06:30:00Z', 60), 'Europe/London')).toBe(true);
    // 20:00–22:00 in Tokyo ends as night begins.
    expect(fallsAtNight(at('2031-01-16T11:00:00Z', 120), 'Asia/Tokyo')).toBe(false);
    expect(fallsAtNight(at('2031-01-16T11:00:00Z', 121), 'Asia/Tokyo')).toBe(true);
  });

  it('reads the local clock across a change of summer time', () => {
    // New York, 9 March 2031: clocks go from 02:00 to 03:00. 06:30 EDT (10:30Z) is night; 07:00 EDT (11:00Z) is not.
    expect(fallsAtNight(at('2031-03-09T10:30:00Z', 30), 'America/New_York')).toBe(true);
    expect(fallsAtNight(at('2031-03-09T11:00:00Z', 30), 'America/New_York')).toBe(false);
  });
});

describe('words', () => {
  it('names a zone by its place and the abbreviation in force', () => {
    expect(zoneLabel('Europe/London', '2031-01-16T08:00:00Z', 'en-GB')).toBe('London time (GMT)');
    expect(zoneLabel('Europe/London', '2031-07-16T08:00:00Z', 'en-GB')).toBe('London time (BST)');
    expect(zoneLabel('Asia/Tokyo', '2031-01-16T08:00:00Z', 'en-GB')).toBe('Tokyo time (GMT+9)');
    expect(zoneLabel('UTC', '2031-01-16T08:00:00Z', 'en-GB')).toBe('UTC');
    expect(zoneLabel('Not/AZone', '2031-01-16T08:00:00Z', 'en-GB')).toBe('UTC');
  });

  it('says how long', () => {
    expect([45, 60, 90, 120, 0].map(lengthWords)).toEqual(['45 minutes', '1 hour', '1 hour 30 minutes', '2 hours', '0 minutes']);
  });
});
