import { useState, type FormEvent } from 'react';
import type { SessionClient } from '../../session/SessionClient.ts';
import type { Broadcast } from '../../session/store.ts';
import { useAction, useNow } from './hooks.ts';
import { Section } from '../../components/Section.tsx';
import { ActionError } from './ActionError.tsx';

/** How long an announcement stays on screen as a toast; it stays in the log after that. */
export const TOAST_MS = 20_000;

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** The latest announcements over the stage, read out politely, each for TOAST_MS or until dismissed. */
export function AnnouncementToasts({ announcements }: { announcements: Broadcast[] }) {
  const now = useNow();
  const [dismissed, setDismissed] = useState<string[]>([]);
  const shown = announcements.filter((a) => now - a.receivedAt < TOAST_MS && !dismissed.includes(a.id)).slice(0, 3);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {shown.map((a) => (
        <div key={a.id} className="toast">
          <p>
            Announcement from {a.from.displayName}: {a.text}
          </p>
          <button type="button" className="toast-close" aria-label="Dismiss announcement" onClick={() => setDismissed([...dismissed, a.id])}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** Every announcement of this session, newest first. */
export function AnnouncementLog({ announcements }: { announcements: Broadcast[] }) {
  return (
    <Section title="Announcements" className="panel-announcements">
      {announcements.length === 0 ? (
        <p className="hint">No announcements yet.</p>
      ) : (
        // The log role on a wrapper: on the list itself it would hide that the items are a list.
        <div role="log" aria-label="Announcements">
          <ol className="announcement-log">
            {announcements.map((a) => (
              <li key={a.id}>
                <time dateTime={a.at}>{time.format(new Date(a.at))}</time> <strong>{a.from.displayName}</strong>
                <span className="announcement-text">{a.text}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </Section>
  );
}

/** Mediator: one message to every room at once ("Back in 2 minutes"). */
export function AnnouncementForm({ client }: { client: SessionClient }) {
  const [text, setText] = useState('');
  const act = useAction();
  const sent = text.trim();
  async function send(e: FormEvent) {
    e.preventDefault();
    if (!sent) return;
    if (await act.run(() => client.announcements.send(sent))) setText('');
  }
  return (
    <Section title="Announcement">
      <form className="inline-form" onSubmit={(e) => void send(e)}>
        <label className="field-inline">
          <span>Announcement to all rooms</span>
          <textarea rows={2} maxLength={500} value={text} onChange={(e) => setText(e.target.value)} placeholder="For example: Back in 2 minutes." />
        </label>
        <div className="row-actions">
          <button type="submit" className="button button-small button-primary" disabled={!sent || act.busy}>
            Send announcement
          </button>
          <span className="hint">Everyone sees it, in every room.</span>
        </div>
        <ActionError act={act} />
      </form>
    </Section>
  );
}
