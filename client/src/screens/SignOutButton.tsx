import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { navigate } from '../router.tsx';

/** Shown in the header of mediator pages: who is signed in, and a way out. */
export function SignOutButton({ name, onSignedOut }: { name: string; onSignedOut: () => void }) {
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
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    api.me(ac.signal).then(
      (me) => setName(me.mediator.displayName),
      () => undefined, // The page itself reports a lost sign-in; the header just stays empty.
    );
    return () => ac.abort();
  }, []);
  return name ? <SignOutButton name={name} onSignedOut={() => navigate('/')} /> : null;
}
