import { useId, useState, type FormEvent } from 'react';
import { zoneLabel, type PersonTimeZone } from '@parley/shared';
import { messageOf } from '../api.ts';
import { FieldError } from '../components/FieldError.tsx';
import { ZoneOptions } from './when.tsx';

const BROWSER = '';

/**
 * Everyone's time zone as the platform knows it: from their own browser when they opened their link,
 * or as the mediator set it (someone travelling, a browser set wrong). Setting it back to "their
 * browser's" lets the browser tell it again.
 */
export function TimeZonesForm({ people, onSave }: { people: PersonTimeZone[]; onSave: (participantId: string, timeZone: string | null) => Promise<void> }) {
  const uid = useId();
  const id = (k: string) => `${uid}-${k}`;
  const [who, setWho] = useState(people[0]?.participantId ?? '');
  const person = people.find((p) => p.participantId === who);
  const [zone, setZone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = zone ?? (person?.source === 'mediator' ? person.timeZone ?? BROWSER : BROWSER);
  const now = new Date().toISOString();

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!person || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSave(person.participantId, chosen === BROWSER ? null : chosen);
      setZone(null);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  if (people.length === 0) return null;
  return (
    <div className="time-zones">
      <h3 id={id('h')}>Everyone’s time zone</h3>
      <ul className="zone-list" aria-labelledby={id('h')}>
        {people.map((p) => (
          <li key={p.participantId}>
            <strong>{p.displayName}</strong>:{' '}
            {p.timeZone ? `${zoneLabel(p.timeZone, now)}${p.source === 'mediator' ? ', set by you' : ', from their browser'}` : 'not known yet (filled in when they open their link)'}
          </li>
        ))}
      </ul>
      <form className="zone-form" onSubmit={(e) => void save(e)} aria-label="Set someone’s time zone">
        <div className="field">
          <label htmlFor={id('who')}>Person</label>
          <select
            id={id('who')}
            value={who}
            onChange={(e) => {
              setWho(e.target.value);
              setZone(null);
            }}
          >
            {people.map((p) => (
              <option key={p.participantId} value={p.participantId}>
                {p.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={id('zone')}>Their time zone</label>
          <select id={id('zone')} value={chosen} onChange={(e) => setZone(e.target.value)}>
            <option value={BROWSER}>As their browser says</option>
            <ZoneOptions include={[person?.timeZone]} />
          </select>
        </div>
        <button type="submit" className="button button-secondary" disabled={busy || !person}>
          Save time zone
        </button>
        <FieldError message={error} />
      </form>
    </div>
  );
}
