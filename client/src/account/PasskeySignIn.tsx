import { useState } from 'react';
import { Notice } from '../components/Page.tsx';
import { passkeyErrorMessage, passkeysUnavailable, signInWithPasskey } from './passkeyCeremony.ts';
import './account.css';

/**
 * "Sign in with a passkey" on the sign-in page: no name to type, the browser offers the passkeys
 * it holds for this site. On success the server has set the same session cookie as the one-time
 * link, and `onSignedIn` shows the mediator's cases.
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unavailable = passkeysUnavailable();
  if (unavailable) return <p className="muted">{unavailable}</p>;

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      await signInWithPasskey();
      onSignedIn();
    } catch (err) {
      setError(passkeyErrorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div className="passkey-signin">
      <button type="button" className="button button-primary" onClick={() => void signIn()} disabled={busy}>
        {busy ? 'Waiting for your device…' : 'Sign in with a passkey'}
      </button>
      <p className="muted">If you added a passkey on this device, use it to sign in with your screen lock.</p>
      <div role="alert">
        {error ? (
          <Notice tone="error">
            <p>{error}</p>
          </Notice>
        ) : null}
      </div>
    </div>
  );
}
