import { useId, useState, type FormEvent } from 'react';
import { OptionalEmail, type MyMail } from '@parley/shared';
import { messageOf } from '../api.ts';
import { LoadStatus, useLoad } from '../components/useLoad.tsx';
import { capitalise } from '../format.ts';
import { mailApi } from './mailApi.ts';

/**
 * On a person's own link page: the address Parley mails to, and whether they want mails at all.
 * Where the platform sends no mail it says so in one line and asks for nothing.
 */
export function YourMail({ token }: { token: string }) {
  const uid = useId();
  const { state, set, reload } = useLoad<MyMail>((signal) => mailApi.myMail(token, signal), { key: token });
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  if (state.kind !== 'ready') return state.kind === 'loading' ? null : <LoadStatus state={state} what="your e-mail settings" onRetry={() => void reload()} />;
  const mail = state.data;
  if (!mail.available) return <p className="muted your-mail">Parley does not send e-mail on this platform: your mediator tells you about sessions and messages.</p>;
  const address = value ?? mail.email ?? '';

  async function change(body: Parameters<typeof mailApi.setMyMail>[1], done: string) {
    setBusy(true);
    setError(null);
    try {
      set(await mailApi.setMyMail(token, body));
      setValue(null);
      setStatus(done);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function saveAddress(e: FormEvent) {
    e.preventDefault();
    const parsed = OptionalEmail.safeParse(address);
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'Please check the address.'));
      return;
    }
    void change({ email: parsed.data }, parsed.data ? 'Your address was saved.' : 'Your address was removed.');
  }

  return (
    <details className="your-mail">
      <summary>E-mails from Parley{mail.mailsOn && mail.email ? '' : ': off'}</summary>
      <p className="muted">
        Parley can e-mail you your link, the times of sessions and when there are new messages for you. An e-mail never
        contains what is said in your mediation.
      </p>
      <label className="mail-check">
        <input type="checkbox" checked={mail.mailsOn} disabled={busy} onChange={(e) => void change({ mailsOn: e.target.checked }, e.target.checked ? 'E-mails are on.' : 'E-mails are off.')} />
        <span>Send me e-mails about this mediation</span>
      </label>
      <form onSubmit={saveAddress} noValidate>
        <label htmlFor={`${uid}-email`}>Your e-mail address</label>
        <input id={`${uid}-email`} type="email" value={address} maxLength={254} autoComplete="email" onChange={(e) => setValue(e.target.value)} aria-invalid={error ? true : undefined} />
        <div className="button-row">
          <button type="submit" className="button button-secondary" disabled={busy}>
            Save address
          </button>
        </div>
      </form>
      <p role="status" aria-live="polite" className="muted">
        {status}
      </p>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </details>
  );
}
