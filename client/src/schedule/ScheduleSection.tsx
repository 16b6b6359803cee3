import { useId, useState } from 'react';
import {
  endsAt,
  fallsAtNight,
  lengthWords,
  NIGHT,
  purposeLabel,
  roleLabel,
  sessionConcerns,
  zoneLabel,
  type CaseSchedule,
  type PersonTimeZone,
  type ScheduledSession,
} from '@parley/shared';
import { messageOf } from '../api.ts';
import { FieldError } from '../components/FieldError.tsx';
import { useLoad } from '../components/useLoad.tsx';
import { listNames } from '../format.ts';
import { browserTimeZone, scheduleApi } from './scheduleApi.ts';
import { ScheduleForm } from './ScheduleForm.tsx';
import { TimeZonesForm } from './TimeZonesForm.tsx';
import { When, whenText } from './when.tsx';
import './schedule.css';

const POLL_MS = 15_000;
const two = (h: number) => String(h).padStart(2, '0');
const NIGHT_WORDS = `${two(NIGHT.fromHour)}:00–${two(NIGHT.untilHour)}:00`;

/** One row of the side-by-side times: the mediator (this browser's zone) or a person of the case. */
interface Row {
  key: string;
  name: string;
  /** Role and side, after the name in the table. */
  detail: string;
  zone: string | null;
}

/**
 * The case's sessions and deadlines [issue 13; IMI Annex 2 item 2.8]: schedule, move and cancel
 * them, see each at once in everyone's own time, side by side, with a warning where it falls at
 * night for someone; calendar files per session and for the case.
 */
export function ScheduleSection({ caseId, sides }: { caseId: string; sides: string[] }) {
  const uid = useId();
  const { state, set } = useLoad<CaseSchedule>((signal) => scheduleApi.forCase(caseId, signal), { key: caseId, pollMs: POLL_MS });
  const [editing, setEditing] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [error, setError] = useState<string | null>(null);
  const myZone = browserTimeZone() ?? 'UTC';
  const heading = `${uid}-h`;

  if (state.kind !== 'ready') {
    return (
      <section className="schedule-section" aria-labelledby={heading}>
        <h2 id={heading}>Sessions and deadlines</h2>
        <p className="muted">{state.kind === 'loading' ? 'Loading the schedule…' : 'We could not load the schedule. We keep trying.'}</p>
      </section>
    );
  }
  const { sessions, people } = state.data;
  const now = Date.now();
  const upcoming = sessions.filter((s) => s.cancelledAt === null && endsAt(s) > now);
  const past = sessions.filter((s) => s.cancelledAt === null && endsAt(s) <= now);
  const cancelled = sessions.filter((s) => s.cancelledAt !== null);

  async function change(run: () => Promise<CaseSchedule>, said: string) {
    setError(null);
    const next = await run();
    set(next);
    setAnnouncement(said);
  }

  async function cancel(s: ScheduledSession) {
    const when = whenText(s, myZone);
    if (!window.confirm(`Cancel the ${purposeLabel(s).toLowerCase()} of ${when}?\n\nThe people concerned see that it was cancelled, and calendar files remove it.`)) return;
    try {
      await change(() => scheduleApi.cancel(caseId, s.id), `The ${purposeLabel(s).toLowerCase()} of ${when} was cancelled.`);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <section className="schedule-section" aria-labelledby={heading}>
      <h2 id={heading}>Sessions and deadlines</h2>
      <p className="muted">
        Set a time in any time zone: everyone sees it in their own time, with their zone named. Here you see it in everyone’s
        time side by side. A time between {NIGHT_WORDS} in someone’s own time is marked as night for them.
      </p>
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <FieldError message={error} />

      {upcoming.length === 0 ? <p>Nothing is scheduled yet.</p> : null}
      <ul className="session-cards">
        {upcoming.map((s) => (
          <li key={s.id}>
            <SessionCard
              caseId={caseId}
              session={s}
              rows={rowsFor(s, people, myZone)}
              editing={editing === s.id}
              sides={sides}
              myZone={myZone}
              onEdit={() => setEditing(s.id)}
              onCloseEdit={() => setEditing(null)}
              onReschedule={async (body) => {
                await change(() => scheduleApi.reschedule(caseId, s.id, body), 'The new time was saved. Calendar files now show it.');
                setEditing(null);
              }}
              onCancel={() => void cancel(s)}
            />
          </li>
        ))}
      </ul>
      {sessions.length > 0 ? (
        <p>
          <a className="button button-quiet button-small" href={scheduleApi.caseCalendarUrl(caseId)} download="mediation-sessions.ics">
            All sessions of this case (.ics)
          </a>
        </p>
      ) : null}
      {past.length + cancelled.length > 0 ? (
        <details className="schedule-past">
          <summary>Past and cancelled ({past.length + cancelled.length})</summary>
          <ul className="session-lines">
            {[...past, ...cancelled].map((s) => (
              <li key={s.id}>
                {s.cancelledAt ? 'Cancelled: ' : ''}
                {purposeLabel(s)} · <When session={s} zone={myZone} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <h3>Schedule a session or a deadline</h3>
      <ScheduleForm
        sides={sides}
        defaultZone={myZone}
        editing={null}
        onSubmit={(body) => change(() => scheduleApi.add(caseId, body), 'Scheduled. The people concerned see it on their invitation page.')}
      />

      <TimeZonesForm
        people={people}
        onSave={(participantId, timeZone) => change(() => scheduleApi.setZone(caseId, participantId, { timeZone }), 'The time zone was saved.')}
      />
    </section>
  );
}

/** The mediator first, then the people the session concerns (another side's caucus leaves the other side out). */
function rowsFor(s: ScheduledSession, people: PersonTimeZone[], myZone: string): Row[] {
  return [
    { key: 'me', name: 'You', detail: '', zone: myZone },
    ...people
      .filter((p) => sessionConcerns(p, s))
      .map((p) => ({ key: p.participantId, name: p.displayName, detail: `${roleLabel[p.role].toLowerCase()}${p.side ? `, side ${p.side}` : ''}`, zone: p.timeZone })),
  ];
}

function SessionCard(props: {
  caseId: string;
  session: ScheduledSession;
  rows: Row[];
  editing: boolean;
  sides: string[];
  myZone: string;
  onEdit: () => void;
  onCloseEdit: () => void;
  onReschedule: (body: Parameters<typeof scheduleApi.reschedule>[2]) => Promise<void>;
  onCancel: () => void;
}) {
  const { session: s, rows } = props;
  const uid = useId();
  const atNight = rows.filter((r) => r.zone && fallsAtNight(s, r.zone));
  const unknown = rows.filter((r) => !r.zone);
  return (
    <article className={atNight.length ? 'session-card session-card-night' : 'session-card'} aria-labelledby={`${uid}-h`}>
      <h4 id={`${uid}-h`}>
        {purposeLabel(s)}
        {s.purpose === 'deadline' ? '' : ` · ${lengthWords(s.durationMinutes)}`}
      </h4>
      <p className="muted small">
        Set as {whenText(s, s.setInTimeZone)} {zoneLabel(s.setInTimeZone, s.startsAt)}
        {s.sequence > 0 ? ' · moved or changed since first set' : ''}
      </p>
      {atNight.length ? (
        <p className="night-warning" role="note">
          <strong>At night for {listNames(atNight.map((r) => r.name))}</strong> (between {NIGHT_WORDS} in their own time). Consider
          another time, or ask them whether it suits them.
        </p>
      ) : null}
      <table className="local-times">
        <caption className="sr-only">Everyone’s own time for this {s.purpose === 'deadline' ? 'deadline' : 'session'}</caption>
        <thead>
          <tr>
            <th scope="col">Who</th>
            <th scope="col">Their time zone</th>
            <th scope="col">Their time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.zone && fallsAtNight(s, r.zone) ? 'row-night' : undefined}>
              <th scope="row">
                {r.name}
                {r.detail ? <span className="muted"> ({r.detail})</span> : null}
              </th>
              <td>{r.zone ? zoneLabel(r.zone, s.startsAt) : 'Not known yet'}</td>
              <td>
                {r.zone ? whenText(s, r.zone) : '—'}
                {r.zone && fallsAtNight(s, r.zone) ? <span className="night-tag"> · at night</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {unknown.length ? (
        <p className="muted small">
          {listNames(unknown.map((r) => r.name))}: time zone not known yet. It is filled in when they open their link, or you
          can set it below.
        </p>
      ) : null}
      {s.note ? <p className="session-note">Note: {s.note}</p> : null}
      {props.editing ? (
        <ScheduleForm sides={props.sides} defaultZone={props.myZone} editing={s} onSubmit={props.onReschedule} onClose={props.onCloseEdit} />
      ) : (
        <div className="button-row">
          <button type="button" className="button button-secondary button-small" onClick={props.onEdit}>
            Change time
          </button>
          <a className="button button-quiet button-small" href={scheduleApi.sessionCalendarUrl(props.caseId, s.id)} download="mediation-session.ics">
            Calendar file (.ics)
          </a>
          <button type="button" className="button button-quiet button-small" onClick={props.onCancel}>
            Cancel {s.purpose === 'deadline' ? 'deadline' : 'session'}
          </button>
        </div>
      )}
    </article>
  );
}
