import { useId, useState } from 'react';
import type { CaseDetail } from '@parley/shared';
import { api, messageOf } from '../api.ts';

/**
 * The case's waiting room [2.11, 3.7.1]: with it on, a party or advisor who opens the session
 * before the mediator lets them in waits alone, so nobody meets the other side unsupervised. A
 * change applies at once, also to a session going on now (off lets everyone waiting in).
 */
export function WaitingRoomSection({ c, onSaved }: { c: CaseDetail; onSaved: (next: CaseDetail, announcement: string) => void }) {
  const uid = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function change(on: boolean) {
    setBusy(true);
    setError(null);
    try {
      const next = await api.setWaitingRoom(c.id, { on });
      onSaved(next, on ? 'Waiting room turned on.' : 'Waiting room turned off.');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card case-waiting-room" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>Waiting room</h2>
      <label className="waiting-room-check">
        <input type="checkbox" checked={c.waitingRoom} disabled={busy} onChange={(e) => void change(e.target.checked)} aria-describedby={`${uid}-d`} />
        <span>Parties and advisors wait until I let them in</span>
      </label>
      <p id={`${uid}-d`} className="muted">
        {c.waitingRoom
          ? 'Whoever joins waits alone: they see and hear nobody, and nobody sees or hears them, until you let them in from the session. They can check their camera and microphone and write to you meanwhile.'
          : 'Off: parties and advisors go straight into the joint room when they join, even before you are there, and can see and hear each other.'}
      </p>
      {error ? (
        <p className="action-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
