import { useEffect, useRef, useState } from 'react';
import type { Presence } from '@parley/shared';
import type { SessionCredentials } from '../session/Signalling.ts';
import { useThreadsClient, useThreadsState } from './hooks.ts';
import { totalUnread } from './state.ts';
import type { ThreadsClient } from './ThreadsClient.ts';
import { ThreadsPanel } from './ThreadsPanel.tsx';

const SESSION_MESSAGES_ID = 'session-messages';

export interface SessionThreads {
  client: ThreadsClient | null;
  open: boolean;
  setOpen: (open: boolean) => void;
  toggleRef: { current: HTMLButtonElement | null };
}

/** The longest the threads wait for the join before connecting anyway (they are the fallback when media fails). */
const THREADS_START_MAX_MS = 3_000;

/**
 * The threads during a live session: their own connection (see ThreadsClient), open or folded away.
 * The connection starts once the person has joined (`joined`), or after THREADS_START_MAX_MS: while
 * they join, the browser and the server are busy getting the others' sound and picture to them.
 */
export function useSessionThreads(credentials: SessionCredentials, self: Presence | null, joined: boolean): SessionThreads {
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setWaited(true), THREADS_START_MAX_MS);
    return () => clearTimeout(t);
  }, []);
  const client = useThreadsClient(credentials, self ? { id: self.id, role: self.role } : null, joined || waited);
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement | null>(null);
  return { client, open, setOpen, toggleRef };
}

/** "Messages, 3 unread": in the session header, always at hand. */
export function MessagesToggle({ threads }: { threads: SessionThreads }) {
  if (!threads.client) return null;
  return <Toggle client={threads.client} threads={threads} />;
}

function Toggle({ client, threads }: { client: ThreadsClient; threads: SessionThreads }) {
  const s = useThreadsState(client);
  const unread = totalUnread(s);
  const { open, setOpen, toggleRef } = threads;
  return (
    <button
      ref={toggleRef}
      type="button"
      className={open ? 'button button-small messages-toggle messages-toggle-open' : 'button button-small messages-toggle'}
      aria-expanded={open}
      aria-controls={open ? SESSION_MESSAGES_ID : undefined}
      aria-label={unread > 0 ? `Messages, ${unread} unread` : 'Messages'}
      onClick={() => setOpen(!open)}
    >
      Messages
      {unread > 0 ? (
        <span className="threads-badge" aria-hidden="true">
          {unread}
        </span>
      ) : null}
    </button>
  );
}

/** The panel beside the stage (below it on a phone), while open. */
export function SessionMessagesPanel({ threads }: { threads: SessionThreads }) {
  const { client, open, setOpen, toggleRef } = threads;
  if (!client || !open) return null;
  return (
    <ThreadsPanel
      id={SESSION_MESSAGES_ID}
      client={client}
      className="threads-in-session"
      focusOnMount
      onClose={() => {
        setOpen(false);
        requestAnimationFrame(() => toggleRef.current?.focus());
      }}
    />
  );
}
