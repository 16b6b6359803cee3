import { useId, useState, type FormEvent } from 'react';
import { SCHEDULE_LIMITS, type ScheduleBody, type ScheduledSession, type SessionPurpose } from '@parley/shared';
import { messageOf } from '../api.ts';
import { FieldError } from '../components/FieldError.tsx';
import { fieldsInZone, ZoneOptions } from './when.tsx';

type Body = Pick<ScheduleBody, 'date' | 'time' | 'timeZone' | 'purpose' | 'side' | 'durationMinutes' | 'note'>;

const LENGTHS = [30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 480];

/** What the "What" select offers: a joint session, a caucus per side, a deadline for all or per side. */
function purposeChoices(sides: string[]): Array<{ value: string; label: string }> {
  return [
    { value: 'joint:', label: 'Joint session (everyone)' },
    ...sides.map((s) => ({ value: `caucus:${s}`, label: `Caucus with side ${s}` })),
    { value: 'deadline:', label: 'Deadline for everyone' },
    ...sides.map((s) => ({ value: `deadline:${s}`, label: `Deadline for side ${s}` })),
  ];
}

/**
 * Adding or moving a session: the date and time as the mediator means them, in a zone they name
 * (their browser's by default). The server turns it into one instant; this form does no zone
 * arithmetic, so what it sends is exactly what was typed.
 */
export function ScheduleForm({
  sides,
  defaultZone,
  editing,
  onSubmit,
  onClose,
}: {
  sides: string[];
  defaultZone: string;
  /** The session being moved; null to add one. */
  editing: ScheduledSession | null;
  onSubmit: (body: Body) => Promise<void>;
  onClose?: () => void;
}) {
  const uid = useId();
  const id = (k: string) => `${uid}-${k}`;
  const start = editing ? { ...fieldsInZone(editing.startsAt, editing.setInTimeZone), timeZone: editing.setInTimeZone } : { date: '', time: '', timeZone: defaultZone };
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [timeZone, setTimeZone] = useState(start.timeZone);
  const [what, setWhat] = useState(editing ? `${editing.purpose}:${editing.side ?? ''}` : 'joint:');
  const [length, setLength] = useState(editing && editing.purpose !== 'deadline' ? editing.durationMinutes : 90);
  const [note, setNote] = useState(editing?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [purpose, side] = what.split(':') as [SessionPurpose, string];
  const lengths = LENGTHS.includes(length) ? LENGTHS : [...LENGTHS, length].sort((a, b) => a - b);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!date || !time) {
      setError('Choose a date and a time.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ date, time, timeZone, purpose, side: side || null, durationMinutes: purpose === 'deadline' ? 0 : length, note: note.trim() });
      if (!editing) {
        setDate('');
        setTime('');
        setNote('');
      }
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="schedule-form" onSubmit={(e) => void submit(e)} aria-label={editing ? 'New time for this session' : 'Schedule a session'}>
      <div className="field">
        <label htmlFor={id('what')}>What</label>
        <select id={id('what')} value={what} onChange={(e) => setWhat(e.target.value)}>
          {purposeChoices(sides).map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div className="schedule-when">
        <div className="field">
          <label htmlFor={id('date')}>Date</label>
          <input id={id('date')} type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={id('time')}>{purpose === 'deadline' ? 'Time (the deadline)' : 'Start time'}</label>
          <input id={id('time')} type="time" value={time} onChange={(e) => setTime(e.target.value)} required />
        </div>
        {purpose === 'deadline' ? null : (
          <div className="field">
            <label htmlFor={id('length')}>Length</label>
            <select id={id('length')} value={length} onChange={(e) => setLength(Number(e.target.value))}>
              {lengths.map((m) => (
                <option key={m} value={m}>
                  {m < 60 ? `${m} minutes` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={id('zone')}>Time zone of this date and time</label>
        <select id={id('zone')} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} aria-describedby={id('zone-hint')}>
          <ZoneOptions include={[defaultZone, timeZone]} yours={defaultZone} />
        </select>
        <small id={id('zone-hint')} className="muted">
          Everyone sees the session in their own time zone, with the zone named.
        </small>
      </div>
      <div className="field">
        <label htmlFor={id('note')}>Note for the people concerned (optional)</label>
        <input id={id('note')} type="text" maxLength={SCHEDULE_LIMITS.noteChars} value={note} onChange={(e) => setNote(e.target.value)} aria-describedby={id('note-hint')} />
        <small id={id('note-hint')} className="muted">
          Shown only after they agreed to the protocol agreement. Never put in calendar files.
        </small>
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {editing ? 'Save the new time' : purpose === 'deadline' ? 'Set deadline' : 'Schedule session'}
        </button>
        {onClose ? (
          <button type="button" className="button button-quiet" onClick={onClose} disabled={busy}>
            Keep the old time
          </button>
        ) : null}
      </div>
      <FieldError message={error} />
    </form>
  );
}
