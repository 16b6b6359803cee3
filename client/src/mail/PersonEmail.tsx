import { useEffect, useId, useState, type FormEvent } from 'react';
import { OptionalEmail, type CaseMail, type PersonMail } from '@parley/shared';
import { messageOf } from '../api.ts';
import { capitalise } from '../format.ts';
import { mailApi } from './mailApi.ts';
import './mail.css';

/**
 * A person's e-mail address on their card, which the mediator can add or correct. Shown only where
 * the platform sends mail: an address nobody mails to is only something more to keep. Says when the
 * person turned mails off (only they can turn them on again).
 */
export function PersonEmail({ caseId, name, mail, onChanged }: { caseId: string; name: string; mail: PersonMail; onChanged: (next: CaseMail, announcement: string) => void }) {
  const uid = useId();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(mail.email ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!editing) setValue(mail.email ?? '');
  }, [mail.email, editing]);

  async function save(e: FormEvent) {
    e.preventDefault();
    const parsed = OptionalEmail.safeParse(value);
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'Please check the address.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await mailApi.setParticipantEmail(caseId, mail.participantId, parsed.data);
      setEditing(false);
      onChanged(next, parsed.data ? `The e-mail address of ${name} was saved.` : `The e-mail address of ${name} was removed.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="person-email">
      {editing ? (
        <form onSubmit={(e) => void save(e)} noValidate>
          <label htmlFor={`${uid}-email`}>E-mail address of {name}</label>
          <input
            id={`${uid}-email`}
            type="email"
            value={value}
            maxLength={254}
            autoComplete="off"
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${uid}-hint${error ? ` ${uid}-error` : ''}`}
          />
          <p className="muted" id={`${uid}-hint`}>
            Leave it empty to remove the address. A new address does not send the link again: use New link for that.
          </p>
          {error ? (
            <p className="field-error" id={`${uid}-error`} role="alert">
              {error}
            </p>
          ) : null}
          <div className="button-row">
            <button type="submit" className="button button-secondary" disabled={busy}>
              {busy ? 'Saving…' : 'Save address'}
            </button>
            <button type="button" className="button button-quiet" onClick={() => setEditing(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p>
          <span className="person-email-address">{mail.email ? `E-mail: ${mail.email}` : 'No e-mail address'}</span>{' '}
          <button type="button" className="button button-quiet" onClick={() => setEditing(true)}>
            {mail.email ? 'Change address' : 'Add address'}
          </button>
        </p>
      )}
      {!mail.mailsOn ? <p className="muted">{name} turned e-mails from Parley off. Only they can turn them on again.</p> : null}
    </div>
  );
}
