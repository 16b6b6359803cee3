import { useState } from 'react';
import { api } from '../api.ts';

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
