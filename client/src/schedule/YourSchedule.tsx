import { useId, useState } from 'react';
import { endsAt, lengthWords, nextSession, purposeLabel, zoneLabel, type InviteeSchedule, type ScheduledSession } from '@parley/shared';
import { isAbort, messageOf } from '../api.ts';
import { FieldError } from '../components/FieldError.tsx';
import { usePolling } from '../components/useLoad.tsx';
import { browserTimeZone, scheduleApi } from './scheduleApi.ts';
import { When } from './when.tsx';

/** Rescheduled sessions show up within a minute while the page is open. */
const POLL_MS = 60_000;

/**
 * The invitee's link page: their next session, in their own time with the zone named, the others to
 * come, and calendar files [issue 13; 2.8]. Shown before consent too: people plan their day around
 * it. On first sight it tells the server the zone of this device, so the mediator can choose an hour
 * that suits them; the text says so.
 */
export function YourSchedule({ token }: { token: string }) {
  const uid = useId();
  const deviceZone = browserTimeZone();
  const zone = deviceZone ?? 'UTC';
  const [data, setData] = useState<InviteeSchedule | null>(null);
  const [failed, setFailed] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  usePolling(
    async (signal) => {
      try {
        let next = await scheduleApi.mine(token, signal);
        // Unknown, or this device's zone changed since (a trip): tell it. A zone the mediator set stays.
        const known = next.timeZone;
        if (deviceZone && (!known || (known.source === 'browser' && known.zone !== zone))) next = await scheduleApi.reportZone(token, { timeZone: zone });
        setData(next);
        setFailed(false);
      } catch (e) {
        if (!isAbort(e)) setFailed(true);
      }
    },
    POLL_MS,
    token,
  );

  async function download(session: ScheduledSession | null) {
    setError(null);
    try {
      await scheduleApi.downloadMine(token, session?.id ?? null, session ? 'mediation-session.ics' : 'mediation-sessions.ics');
      setStatus('Calendar file downloaded. Open it to add it to your calendar.');
    } catch (e) {
      setError(messageOf(e));
    }
  }

  if (!data) return failed ? <p className="muted">We could not load the session times just now. We keep trying.</p> : null;

  const now = Date.now();
  const next = nextSession(data.sessions, now);
  const later = data.sessions.filter((s) => s !== next && s.cancelledAt === null && endsAt(s) > now);
  const cancelled = data.sessions.filter((s) => s.cancelledAt !== null && endsAt(s) > now);
  const heading = `${uid}-h`;
  const noted = data.timeZone;

  return (
    <section className="your-schedule" aria-labelledby={heading}>
      <h2 id={heading} className="h3">
        {next?.purpose === 'deadline' ? 'Next date to remember' : 'Your next session'}
      </h2>
      {next ? (
        <div className="next-session">
          <p className="next-when">
            <When session={next} zone={zone} />
          </p>
          <p>
            {purposeLabel(next)}
            {next.purpose === 'deadline' ? '' : ` · ${lengthWords(next.durationMinutes)}`}
          </p>
          {next.note ? <p className="session-note">{next.note}</p> : null}
          <button type="button" className="button button-secondary button-small" onClick={() => void download(next)}>
            Add this to my calendar (.ics)
          </button>
        </div>
      ) : (
        <p className="muted">No session is scheduled yet. When your mediator sets one, it shows here.</p>
      )}
      {later.length > 0 ? (
        <>
          <h3 className="h3">Later</h3>
          <ul className="session-lines">
            {later.map((s) => (
              <li key={s.id}>
                <When session={s} zone={zone} /> · {purposeLabel(s)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {cancelled.length > 0 ? (
        <ul className="session-lines session-cancelled">
          {cancelled.map((s) => (
            <li key={s.id}>
              Cancelled: {purposeLabel(s)} of <When session={s} zone={zone} />
            </li>
          ))}
        </ul>
      ) : null}
      {data.sessions.length > 1 ? (
        <p>
          <button type="button" className="button button-quiet button-small" onClick={() => void download(null)}>
            All my sessions (.ics)
          </button>
        </p>
      ) : null}
      <p className="muted small">
        {deviceZone ? `Times are in your time zone, ${zoneLabel(zone, next?.startsAt ?? new Date(now).toISOString())}, as set on this device. ` : 'This device does not say its time zone, so times are in UTC. '}
        {noted && noted.source === 'mediator' && noted.zone !== zone
          ? `Your mediator noted your time zone as ${zoneLabel(noted.zone, new Date(now).toISOString())}; tell them if that is wrong. `
          : deviceZone
            ? 'Your mediator sees this time zone, so that sessions can be set at a good hour for you. '
            : ''}
        Calendar files hold only the time and a neutral title, never your link.
      </p>
      <p className="copy-status" role="status" aria-live="polite">
        {status}
      </p>
      <FieldError message={error} />
    </section>
  );
}
