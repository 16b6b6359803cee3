import { useEffect, useId, useState, type FormEvent } from 'react';
import { EmailSigninBody } from '@parley/shared';
import { api, messageOf } from '../api.ts';
import { capitalise } from '../format.ts';
import { TextField } from '../components/TextField.tsx';

/**
 * "E-mail me a sign-in link": the fallback to a passkey, shown only where the platform sends
 * e-mail. The answer is the same whether or not an account has the address, so the page says what
 * happens if it does.
 */
export function EmailLinkSignIn() {
  const uid = useId();
  const [available, setAvailable] = useState(false);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    api.signinMethods(ctl.signal).then(
      (m) => setAvailable(m.emailLink),
      () => setAvailable(false),
    );
    return () => ctl.abort();
  }, []);
  if (!available) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = EmailSigninBody.safeParse({ email });
    if (!parsed.success) {
      setError(capitalise(parsed.error.issues[0]?.message ?? 'this is not an e-mail address'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.emailSigninLink(parsed.data.email);
      setSentTo(parsed.data.email);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="email-link-signin" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>No passkey here? Get a sign-in link by e-mail</h2>
      <TextField
        id={`${uid}-email`}
        label="The e-mail address on your mediator account"
        type="email"
        autoComplete="email"
        value={email}
        error={error}
        onValue={(v) => {
          setEmail(v);
          setError(null);
        }}
      />
      <button type="submit" className="button button-secondary" disabled={busy}>
        {busy ? 'Sending…' : 'E-mail me a sign-in link'}
      </button>
      <p role="status">
        {sentTo
          ? `If a mediator account here has the address ${sentTo}, a sign-in link is on its way to it. It works once, within 24 hours. Nothing arrived? Check the spam folder, or ask the administrator.`
          : ''}
      </p>
    </form>
  );
}
