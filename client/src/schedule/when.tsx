import { clockInZone, dayInZone, endsAt, formatInZone, zoneLabel, type ScheduledSession } from '@parley/shared';

/**
 * Times as people read them: the viewer's locale, a named zone, always with the zone named. Every
 * conversion is Intl's (shared/src/schedule.ts); nothing here adds or subtracts hours.
 */

/** Every zone the browser knows, for the pickers; at least the given ones (older browsers list none). */
export function knownZones(...mustHave: Array<string | null | undefined>): string[] {
  let all: string[] = [];
  try {
    all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    all = [];
  }
  return [...new Set([...all, 'UTC', ...mustHave.filter((z): z is string => !!z)])].sort();
}

/** "Europe/Paris" → "Europe / Paris" for a picker, so the list reads like places. */
export const zoneOption = (zone: string): string => zone.replace(/_/g, ' ').replace(/\//g, ' / ');

/** The options of a zone picker: every zone the browser knows, `yours` marked. */
export function ZoneOptions({ include, yours }: { include: Array<string | null | undefined>; yours?: string }) {
  return (
    <>
      {knownZones(...include).map((z) => (
        <option key={z} value={z}>
          {zoneOption(z)}
          {z === yours ? ' (yours)' : ''}
        </option>
      ))}
    </>
  );
}

/** The start (and end, for a session) in a zone: "Thursday 16 January 2031, 08:00–09:30". */
export function whenText(s: Pick<ScheduledSession, 'startsAt' | 'durationMinutes' | 'purpose'>, zone: string): string {
  const start = `${dayInZone(s.startsAt, zone)}, ${clockInZone(s.startsAt, zone)}`;
  if (s.purpose === 'deadline') return start;
  const end = new Date(endsAt(s)).toISOString();
  // A session that ends on another day there says so.
  const sameDay = dayInZone(end, zone) === dayInZone(s.startsAt, zone);
  return `${start}–${sameDay ? clockInZone(end, zone) : `${formatInZone(end, zone, { weekday: 'short' })} ${clockInZone(end, zone)}`}`;
}

/** The date and time fields of the form, as the instant reads in `zone` (to edit a session where it was set). */
export function fieldsInZone(iso: string, zone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** A time with its zone named, for one reader: the time strong, the zone beside it. */
export function When({ session, zone }: { session: Pick<ScheduledSession, 'startsAt' | 'durationMinutes' | 'purpose'>; zone: string }) {
  return (
    <>
      <strong>{whenText(session, zone)}</strong> <span className="zone-name">{zoneLabel(zone, session.startsAt)}</span>
    </>
  );
}
