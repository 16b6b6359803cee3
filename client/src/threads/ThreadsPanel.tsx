import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { canPostInThread, MessageBody, roleLabel, type ThreadMessage, type ThreadSummary } from '@parley/shared';
import { CharCount, limitOf } from '../components/CharCount.tsx';
import type { ThreadsClient } from './ThreadsClient.ts';
import { useThreadsState } from './hooks.ts';
import { audienceText, messagesOf, threadButtonName, type PendingMessage, type ThreadsState } from './state.ts';
import './threads.css';

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** In the viewer's own time zone; the date only when it is not today. */
export function formatMessageTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toDateString() === now.toDateString() ? timeOnly.format(d) : dateAndTime.format(d);
}

/**
 * The messaging panel: the person's threads, the open thread's messages and a composer. Works the
 * same in the live session, between sessions and on the mediator's case pages. On a narrow
 * container (a phone, the session side panel) it shows either the list or the open thread.
 */
export function ThreadsPanel({
  client,
  onClose,
  className,
  id,
  focusOnMount = false,
}: {
  client: ThreadsClient;
  /** Shows a "Close messages" button (the live session's toggle). */
  onClose?: () => void;
  className?: string;
  id?: string;
  /** Move focus to the "Messages" heading when the panel appears (it was opened by a button). */
  focusOnMount?: boolean;
}) {
  const s = useThreadsState(client);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusThreadHeading = useRef(false);

  useEffect(() => client.attachView(), [client]);
  useEffect(() => {
    if (focusOnMount) headingRef.current?.focus();
    // Only when the panel appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Keep loading the open thread when the panel appears again (or the client reconnected).
  useEffect(() => {
    if (s.openThreadId) client.open(s.openThreadId);
    // Once per mount; later openings go through openThread().
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);

  const open = s.threads?.find((t) => t.id === s.openThreadId) ?? null;

  function openThread(id: string) {
    focusThreadHeading.current = true;
    client.open(id);
  }

  function backToList() {
    const previous = s.openThreadId;
    client.open(null);
    requestAnimationFrame(() => {
      const button = previous ? document.querySelector<HTMLButtonElement>(`[data-thread-id="${CSS.escape(previous)}"]`) : null;
      (button ?? headingRef.current)?.focus();
    });
  }

  return (
    <section id={id} className={`threads ${open ? 'threads-has-open' : ''} ${className ?? ''}`} aria-labelledby={headingId}>
      <div className="threads-head">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="threads-title">
          Messages
        </h2>
        {onClose ? (
          <button type="button" className="button button-small button-quiet" onClick={onClose}>
            Close messages
          </button>
        ) : null}
      </div>
      <ConnectionLine s={s} />
      {s.notice ? (
        <div className="threads-notice" role="alert">
          <p>{s.notice}</p>
          <button type="button" className="button button-small button-quiet" onClick={() => client.dismissNotice()}>
            OK
          </button>
        </div>
      ) : null}
      {/* Closed means access ended (link withdrawn or expired, consent needed, signed out): the threads go too. */}
      {s.threads && s.connection.status !== 'closed' ? (
        <div className="threads-layout">
          <nav className="threads-list" aria-label="Threads">
            {s.threads.length === 0 ? <p className="muted">No threads yet.</p> : null}
            <ul>
              {s.threads.map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    className="threads-item"
                    data-thread-id={t.id}
                    aria-current={t.id === s.openThreadId ? 'true' : undefined}
                    onClick={() => openThread(t.id)}
                  >
                    {/* Its name is its visible title and, for screen readers, the unread count (threadButtonName). */}
                    <span className="sr-only">{threadButtonName(t)}</span>
                    <span className="threads-item-title" aria-hidden="true">
                      {t.title}
                    </span>
                    {t.unread > 0 ? (
                      <span className="threads-badge" aria-hidden="true">
                        {t.unread}
                      </span>
                    ) : null}
                    {/* The time is shown beside the title; the thread itself reads it out with each message. */}
                    {t.lastMessageAt ? (
                      <span className="threads-item-time" aria-hidden="true">
                        {formatMessageTime(t.lastMessageAt)}
                      </span>
                    ) : null}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {open ? (
            <ThreadView key={open.id} client={client} s={s} thread={open} focusHeading={focusThreadHeading} onBack={backToList} />
          ) : (
            <p className="threads-choose muted">Choose a thread to read and write messages.</p>
          )}
        </div>
      ) : null}
    </section>
  );
}

function ConnectionLine({ s }: { s: ThreadsState }) {
  const c = s.connection;
  let text: string | null = null;
  if (c.status === 'connecting') text = 'Connecting to your messages…';
  else if (c.status === 'reconnecting') text = 'Reconnecting… What you write is sent when the connection is back.';
  return (
    <>
      <p className={text ? 'threads-status' : 'threads-status threads-status-empty'} role="status">
        {text ? <span className="spinner" aria-hidden="true" /> : null} {text}
      </p>
      {c.status === 'closed' ? (
        <div className="threads-notice threads-notice-error" role="alert">
          <p>{c.message}</p>
        </div>
      ) : null}
    </>
  );
}

function ThreadView({
  client,
  s,
  thread,
  focusHeading,
  onBack,
}: {
  client: ThreadsClient;
  s: ThreadsState;
  thread: ThreadSummary;
  focusHeading: { current: boolean };
  onBack: () => void;
}) {
  const uid = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const stick = useRef(true);
  const [now, setNow] = useState(() => Date.now());
  const m = messagesOf(s, thread.id);
  const pending = s.pending.filter((p) => p.threadId === thread.id);
  const selfId = s.self?.id ?? null;
  const isMember = thread.members.some((p) => p.id === selfId);
  const readOnly = s.self?.readOnly;
  const canPost = !!s.self && !readOnly && canPostInThread(s.self.role, isMember);
  const closed = s.connection.status === 'closed';

  // The edit window closes by itself: re-check who may edit now and then.
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!focusHeading.current) return;
    focusHeading.current = false;
    headingRef.current?.focus();
  }, [focusHeading]);

  // Follow new messages when the reader is at the bottom; leave them alone when they scrolled up.
  useLayoutEffect(() => {
    const log = logRef.current;
    if (log && stick.current) log.scrollTop = log.scrollHeight;
  }, [m.items.length, pending.length, m.items.at(-1)?.id]);

  function onScroll() {
    const log = logRef.current;
    if (log) stick.current = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  const empty = m.items.length === 0 && pending.length === 0;

  return (
    <div className="thread" aria-labelledby={`${uid}-title`} role="group">
      <div className="thread-head">
        <button type="button" className="button button-small button-quiet thread-back" onClick={onBack}>
          <span aria-hidden="true">←</span> All threads
        </button>
        <h3 id={`${uid}-title`} ref={headingRef} tabIndex={-1} className="thread-title">
          {thread.title}
        </h3>
        <p className="thread-audience">{audienceText(thread, selfId)}</p>
      </div>
      {m.hasEarlier ? (
        <button type="button" className="button button-small button-quiet thread-earlier" onClick={() => client.loadEarlier(thread.id)} disabled={m.status === 'loading'}>
          Show earlier messages
        </button>
      ) : null}
      <div
        ref={logRef}
        className="thread-log"
        role="log"
        aria-live="polite"
        aria-relevant="additions text"
        aria-label={`Messages in ${thread.title}`}
        tabIndex={0}
        onScroll={onScroll}
      >
        {m.status === 'loading' && m.items.length === 0 ? <p className="muted thread-empty">Loading messages…</p> : null}
        {m.status === 'error' && m.items.length === 0 ? <p className="muted thread-empty">The messages could not be loaded. They load again when the connection is back.</p> : null}
        {m.status === 'ready' && empty ? <p className="muted thread-empty">No messages yet.</p> : null}
        <ol className="thread-messages">
          {m.items.map((msg) => (
            <MessageItem key={msg.id} client={client} msg={msg} own={msg.author.id === selfId} now={now} composerRef={composerRef} frozen={!!readOnly} />
          ))}
          {pending.map((p) => (
            <PendingItem key={p.clientId} client={client} p={p} online={s.connection.status === 'online'} />
          ))}
        </ol>
      </div>
      {canPost && !closed ? (
        <Composer client={client} thread={thread} composerRef={composerRef} onSent={() => (stick.current = true)} />
      ) : readOnly ? (
        <p className="muted thread-readonly">{readOnly}</p>
      ) : !canPost && s.self ? (
        <p className="muted thread-readonly">{s.self.role === 'assessor' ? 'Observers can read but not write in this thread.' : 'You can read but not write in this thread.'}</p>
      ) : null}
    </div>
  );
}

function MessageItem({
  client,
  msg,
  own,
  now,
  composerRef,
  frozen,
}: {
  client: ThreadsClient;
  msg: ThreadMessage;
  own: boolean;
  now: number;
  composerRef: { current: HTMLTextAreaElement | null };
  /** The case is concluded: messages are read, not edited or deleted. */
  frozen: boolean;
}) {
  const uid = useId();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(msg.body ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const deleted = msg.deletedAt !== null || msg.body === null;

  if (deleted) {
    return (
      <li className="msg msg-deleted">
        <p className="msg-meta">
          <span className="msg-author">{msg.author.displayName}</span> <span className="msg-role">{roleLabel[msg.author.role]}</span>{' '}
          <time dateTime={msg.at}>{formatMessageTime(msg.at)}</time>
        </p>
        <p className="msg-body msg-tombstone">
          Message deleted{msg.deletedAt ? <> · <time dateTime={msg.deletedAt}>{formatMessageTime(msg.deletedAt)}</time></> : null}
        </p>
      </li>
    );
  }

  const canEdit = !frozen && own && client.canEdit(msg, now);
  const canDelete = !frozen && client.canDelete(msg);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const problem = await client.edit(msg.id, draft);
    setBusy(false);
    if (problem) return setError(problem);
    setEditing(false);
    requestAnimationFrame(() => editRef.current?.focus());
  }

  async function remove() {
    const question = own
      ? 'Delete this message?\n\nThe others in this thread will no longer see it.'
      : `Delete this message from ${msg.author.displayName}?\n\nThe others in this thread will no longer see it.`;
    if (!window.confirm(question)) return;
    setBusy(true);
    setError(null);
    const problem = await client.remove(msg.threadId, msg.id);
    setBusy(false);
    if (problem) return setError(problem);
    requestAnimationFrame(() => composerRef.current?.focus());
  }

  return (
    <li className={own ? 'msg msg-own' : 'msg'}>
      <p className="msg-meta" id={`${uid}-meta`}>
        <span className="msg-author">
          {msg.author.displayName}
          {own ? ' (you)' : ''}
        </span>{' '}
        <span className="msg-role">{roleLabel[msg.author.role]}</span> <time dateTime={msg.at}>{formatMessageTime(msg.at)}</time>
        {msg.editedAt ? <span className="msg-edited"> · edited</span> : null}
      </p>
      {editing ? (
        <form className="msg-edit" onSubmit={(e) => void save(e)}>
          <label htmlFor={`${uid}-edit`} className="sr-only">
            Edit your message
          </label>
          <textarea
            id={`${uid}-edit`}
            value={draft}
            maxLength={4000}
            rows={3}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                setEditing(false);
                requestAnimationFrame(() => editRef.current?.focus());
              }
            }}
          />
          <div className="button-row">
            <button type="submit" className="button button-small button-primary" disabled={busy || !draft.trim()}>
              Save
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => {
                setEditing(false);
                requestAnimationFrame(() => editRef.current?.focus());
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p className="msg-body" id={`${uid}-body`}>
          {msg.body}
        </p>
      )}
      {!editing && (canEdit || canDelete) ? (
        <div className="msg-tools">
          {canEdit ? (
            <button
              ref={editRef}
              type="button"
              className="button button-small button-quiet"
              aria-describedby={`${uid}-meta ${uid}-body`}
              onClick={() => {
                setDraft(msg.body ?? '');
                setError(null);
                setEditing(true);
              }}
            >
              Edit
            </button>
          ) : null}
          {canDelete ? (
            <button type="button" className="button button-small button-quiet" aria-describedby={`${uid}-meta ${uid}-body`} onClick={() => void remove()} disabled={busy}>
              Delete
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function PendingItem({ client, p, online }: { client: ThreadsClient; p: PendingMessage; online: boolean }) {
  return (
    <li className="msg msg-own msg-pending">
      <p className="msg-meta">
        <span className="msg-author">You</span>{' '}
        <span className="msg-state">{p.status === 'failed' ? 'Not sent' : online ? 'Sending…' : 'Waiting for the connection to send…'}</span>
      </p>
      <p className="msg-body">{p.body}</p>
      {p.status === 'failed' ? (
        <>
          <p className="field-error" role="alert">
            {p.error}
          </p>
          <div className="msg-tools">
            <button type="button" className="button button-small button-secondary" onClick={() => client.retry(p.clientId)}>
              Try again
            </button>
            <button type="button" className="button button-small button-quiet" onClick={() => client.discard(p.clientId)}>
              Discard
            </button>
          </div>
        </>
      ) : null}
    </li>
  );
}

const MESSAGE_MAX = limitOf(MessageBody);

/** Drafts survive switching threads (and closing the panel) for as long as the page is open. */
const drafts = new Map<string, string>();

function Composer({
  client,
  thread,
  composerRef,
  onSent,
}: {
  client: ThreadsClient;
  thread: ThreadSummary;
  composerRef: { current: HTMLTextAreaElement | null };
  onSent: () => void;
}) {
  const uid = useId();
  const [text, setText] = useState(() => drafts.get(thread.id) ?? '');
  const [error, setError] = useState<string | null>(null);

  function change(value: string) {
    setText(value);
    drafts.set(thread.id, value);
    if (error) setError(null);
  }

  function send(e?: FormEvent) {
    e?.preventDefault();
    if (!text.trim()) return;
    const problem = client.send(thread.id, text);
    if (problem) return setError(problem);
    onSent();
    change('');
    composerRef.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  return (
    <form className="composer" onSubmit={send}>
      <label htmlFor={`${uid}-text`} className="composer-label">
        Message to {thread.title}
      </label>
      <div className="composer-row">
        <textarea
          ref={composerRef}
          id={`${uid}-text`}
          value={text}
          rows={2}
          maxLength={MESSAGE_MAX}
          aria-describedby={`${uid}-hint ${uid}-count${error ? ` ${uid}-error` : ''}`}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button button-primary" disabled={!text.trim()}>
          Send
        </button>
      </div>
      <div className="composer-foot">
        <p id={`${uid}-hint`} className="composer-hint">
          Enter sends. Shift+Enter starts a new line.
        </p>
        <CharCount id={`${uid}-count`} value={text} max={MESSAGE_MAX} />
      </div>
      {error ? (
        <p id={`${uid}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
