import type { Role, ThreadKind, ThreadMessage, ThreadSummary } from '@parley/shared';
import { listNames } from '../format.ts';

/**
 * Thread state and its pure transitions. ThreadsClient owns one ThreadsState and replaces it
 * through these functions only, so everything here is testable without a socket or a DOM.
 *
 * Shape (immutable; every transition returns a new object):
 *   self          who is reading: id and role (null until known; own-message tools need it)
 *   connection    connecting → online ⇄ reconnecting; closed is final (link withdrawn, signed out)
 *   threads       the summaries from `thread:list` (+ `thread:added`), sorted joint → caucus →
 *                 private; `unread` is kept up to date locally between list refreshes. null until
 *                 the first list arrives.
 *   messages      per thread id: messages ordered by seq, unique by id, plus load status
 *   pending       messages written but not yet acknowledged (resent with the same clientId after a
 *                 reconnect, so the server stores them once); 'failed' ones wait for Try again
 *   openThreadId  the thread shown in the panel (kept while the panel is closed)
 *   notice        the last problem with an action, in plain words (null when none)
 */

export interface ThreadsSelf {
  id: string;
  role: Role;
  /** Why nothing can be written here any more (a concluded case): shown instead of the composer. */
  readOnly?: string;
}

export type ThreadsConnection =
  | { status: 'connecting' }
  | { status: 'online' }
  | { status: 'reconnecting' }
  | { status: 'closed'; message: string };

export interface PendingMessage {
  clientId: string;
  threadId: string;
  body: string;
  createdAt: string;
  status: 'sending' | 'failed';
  error: string | null;
}

export interface ThreadMessages {
  items: ThreadMessage[];
  /** idle: not loaded (or out of date after a reconnect); loading; ready; error. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The server may hold older messages than the first one here. */
  hasEarlier: boolean;
}

export interface ThreadsState {
  self: ThreadsSelf | null;
  connection: ThreadsConnection;
  threads: ThreadSummary[] | null;
  messages: Readonly<Record<string, ThreadMessages>>;
  pending: PendingMessage[];
  openThreadId: string | null;
  notice: string | null;
}

export function initialThreadsState(self: ThreadsSelf | null = null): ThreadsState {
  return { self, connection: { status: 'connecting' }, threads: null, messages: {}, pending: [], openThreadId: null, notice: null };
}

const KIND_ORDER: Record<ThreadKind, number> = { joint: 0, caucus: 1, private: 2 };

export function sortThreads(threads: ThreadSummary[]): ThreadSummary[] {
  return [...threads].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.title.localeCompare(b.title));
}

/** Merge by id (the newer copy wins), ordered by seq. */
export function mergeMessages(existing: ThreadMessage[], incoming: ThreadMessage[]): ThreadMessage[] {
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

const EMPTY: ThreadMessages = { items: [], status: 'idle', hasEarlier: false };

export function messagesOf(s: ThreadsState, threadId: string): ThreadMessages {
  return s.messages[threadId] ?? EMPTY;
}

function withThreadMessages(s: ThreadsState, threadId: string, next: ThreadMessages): ThreadsState {
  return { ...s, messages: { ...s.messages, [threadId]: next } };
}

function mapThread(s: ThreadsState, threadId: string, fn: (t: ThreadSummary) => ThreadSummary): ThreadsState {
  if (!s.threads?.some((t) => t.id === threadId)) return s;
  return { ...s, threads: s.threads.map((t) => (t.id === threadId ? fn(t) : t)) };
}

/** A fresh list from the server: its unread counts are authoritative. */
export function withThreadList(s: ThreadsState, threads: ThreadSummary[]): ThreadsState {
  const ids = new Set(threads.map((t) => t.id));
  return { ...s, threads: sortThreads(threads), openThreadId: s.openThreadId && ids.has(s.openThreadId) ? s.openThreadId : null };
}

export function withThreadAdded(s: ThreadsState, thread: ThreadSummary): ThreadsState {
  const others = (s.threads ?? []).filter((t) => t.id !== thread.id);
  return { ...s, threads: sortThreads([...others, thread]) };
}

export function withHistoryLoading(s: ThreadsState, threadId: string): ThreadsState {
  return withThreadMessages(s, threadId, { ...messagesOf(s, threadId), status: 'loading' });
}

export function withHistoryFailed(s: ThreadsState, threadId: string): ThreadsState {
  return withThreadMessages(s, threadId, { ...messagesOf(s, threadId), status: 'error' });
}

/**
 * The latest page (`replace`: what was loaded before may be out of date, e.g. deletions while
 * offline) or an earlier page (`earlier`: merged in front). `limit` tells whether more may exist.
 */
export function withHistory(s: ThreadsState, threadId: string, page: ThreadMessage[], mode: 'replace' | 'earlier', limit: number): ThreadsState {
  const current = messagesOf(s, threadId);
  const fresh = mergeMessages([], page);
  if (mode === 'earlier') {
    return withThreadMessages(s, threadId, { items: mergeMessages(current.items, fresh), status: 'ready', hasEarlier: page.length >= limit });
  }
  // Live messages that arrived while the page was on its way are newer than it: keep them.
  const newest = fresh.at(-1)?.seq ?? 0;
  const arrivedMeanwhile = current.items.filter((m) => m.seq > newest);
  return withThreadMessages(s, threadId, { items: mergeMessages(fresh, arrivedMeanwhile), status: 'ready', hasEarlier: page.length >= limit });
}

/** Loaded pages are kept on screen, but reloaded the next time the thread is opened. */
export function withMessagesStale(s: ThreadsState): ThreadsState {
  const messages: Record<string, ThreadMessages> = {};
  for (const [id, m] of Object.entries(s.messages)) messages[id] = { ...m, status: m.status === 'ready' ? 'idle' : m.status };
  return { ...s, messages };
}

/**
 * A new message (`message:posted`) or an own message acknowledged. `viewing` is true when the
 * viewer has this thread open and visible: then nothing becomes unread.
 */
export function withMessage(s: ThreadsState, msg: ThreadMessage, viewing: boolean): ThreadsState {
  const current = messagesOf(s, msg.threadId);
  const known = current.items.some((m) => m.id === msg.id);
  let next = withThreadMessages(s, msg.threadId, { ...current, items: mergeMessages(current.items, [msg]) });
  // The server announces an own message just before it acknowledges it: show it once, not twice.
  if (!known && msg.author.id === s.self?.id) {
    const twin = s.pending.find((p) => p.threadId === msg.threadId && p.status === 'sending' && p.body === msg.body);
    if (twin) next = { ...next, pending: next.pending.filter((p) => p !== twin) };
  }
  next = mapThread(next, msg.threadId, (t) => ({
    ...t,
    lastMessageAt: !t.lastMessageAt || t.lastMessageAt < msg.at ? msg.at : t.lastMessageAt,
    unread: !known && !viewing && !msg.deletedAt && msg.author.id !== s.self?.id ? t.unread + 1 : t.unread,
  }));
  return next;
}

/** An edit, or (mediator only) a deletion shown as a tombstone. */
export function withMessageUpdated(s: ThreadsState, msg: ThreadMessage): ThreadsState {
  const current = messagesOf(s, msg.threadId);
  return withThreadMessages(s, msg.threadId, { ...current, items: mergeMessages(current.items, [msg]) });
}

/** A deletion as seen by everyone but the mediator: the message goes. */
export function withMessageRemoved(s: ThreadsState, threadId: string, messageId: string): ThreadsState {
  const current = messagesOf(s, threadId);
  if (!current.items.some((m) => m.id === messageId)) return s;
  return withThreadMessages(s, threadId, { ...current, items: current.items.filter((m) => m.id !== messageId) });
}

/** Own deletion acknowledged: a tombstone for the mediator, gone for everyone else. */
export function withOwnDeletion(s: ThreadsState, threadId: string, messageId: string, at: string): ThreadsState {
  if (s.self?.role !== 'mediator') return withMessageRemoved(s, threadId, messageId);
  const current = messagesOf(s, threadId);
  const items = current.items.map((m) => (m.id === messageId ? { ...m, body: null, deletedAt: m.deletedAt ?? at } : m));
  return withThreadMessages(s, threadId, { ...current, items });
}

export function withUnread(s: ThreadsState, threadId: string, unread: number): ThreadsState {
  return mapThread(s, threadId, (t) => (t.unread === unread ? t : { ...t, unread }));
}

export function withPendingAdded(s: ThreadsState, p: Omit<PendingMessage, 'status' | 'error'>): ThreadsState {
  return { ...s, pending: [...s.pending.filter((x) => x.clientId !== p.clientId), { ...p, status: 'sending', error: null }] };
}

/** The server stored it: the pending copy gives way to the real message. */
export function withPendingAcked(s: ThreadsState, clientId: string, msg: ThreadMessage): ThreadsState {
  const next = { ...s, pending: s.pending.filter((p) => p.clientId !== clientId) };
  return withMessage(next, msg, true);
}

export function withPendingStatus(s: ThreadsState, clientId: string, status: PendingMessage['status'], error: string | null): ThreadsState {
  return { ...s, pending: s.pending.map((p) => (p.clientId === clientId ? { ...p, status, error } : p)) };
}

export function withPendingDiscarded(s: ThreadsState, clientId: string): ThreadsState {
  return { ...s, pending: s.pending.filter((p) => p.clientId !== clientId) };
}

export function totalUnread(s: ThreadsState): number {
  return (s.threads ?? []).reduce((n, t) => n + t.unread, 0);
}

/** The newest seq loaded for a thread (0 when none): what "read up to here" means. */
export function newestSeq(s: ThreadsState, threadId: string): number {
  return messagesOf(s, threadId).items.at(-1)?.seq ?? 0;
}

/** "Joint thread, 2 unread": the accessible name of a thread in the list. */
export function threadButtonName(t: Pick<ThreadSummary, 'title' | 'unread'>): string {
  return t.unread > 0 ? `${t.title}, ${t.unread} unread` : t.title;
}

/** Plain words for who can read a thread, naming its members (the viewer as "you"). */
export function audienceText(t: Pick<ThreadSummary, 'kind' | 'members'>, selfId: string | null): string {
  const others = t.members.filter((m) => m.id !== selfId).map((m) => m.displayName);
  const isMember = t.members.some((m) => m.id === selfId);
  const names = listNames(isMember ? [...others, 'you'] : others);
  if (t.kind === 'private') return `Only ${listNames(isMember ? ['you', ...others] : others)} can read this.`;
  if (t.kind === 'joint') return names ? `Everyone on the case can read this: ${names}.` : 'Everyone on the case can read this.';
  return names ? `Everyone in this caucus can read this: ${names}.` : 'Everyone in this caucus can read this.';
}
