import { useEffect, useState } from 'react';
import type { Me } from '@parley/shared';
import { api } from '../api.ts';
import { Link, navigate } from '../router.tsx';

/**
 * Shown in the header of mediator pages: who is signed in, their profile page, the administrator's
 * "Mediators" page (administrator only; the server refuses anyone else), and a way out.
 */
export function SignOutButton({ name, isAdmin = false, onSignedOut }: { name: string; isAdmin?: boolean; onSignedOut: () => void }) {
  const [busy, setBusy] = useState(false);
  async function signOut() {
    setBusy(true);
    try {
      await api.signout();
    } catch {
      // Signed out or not, the next page load asks the server again.
    }
    setBusy(false);
    onSignedOut();
  }
  return (
    <>
      <span className="who">Signed in as {name}</span>
      <nav aria-label="Your account" className="account-links">
        <Link to="/account">Your profile</Link>
        {isAdmin ? <Link to="/mediators">Mediators</Link> : null}
      </nav>
      <button type="button" className="button button-quiet button-small" onClick={signOut} disabled={busy}>
        Sign out
      </button>
    </>
  );
}

/**
 * The header of a mediator page that does not load the account itself (the case page): asks the
 * server who is signed in, then shows the same name and sign-out as the case list.
 */
export function MediatorAccount() {
  const [me, setMe] = useState<Me['mediator'] | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    api.me(ac.signal).then(
      (r) => setMe(r.mediator),
      () => undefined, // The page itself reports a lost sign-in; the header just stays empty.
    );
    return () => ac.abort();
  }, []);
  return me ? <SignOutButton name={me.displayName} isAdmin={me.isAdmin} onSignedOut={() => navigate('/')} /> : null;
}
