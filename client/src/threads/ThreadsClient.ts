import {
  closeMessages,
  endsCredentials,
  isReplacedClose,
  isTerminalClose,
  MessageBody,
  canDeleteMessage,
  canEditMessage,
  type CloseCode,
  type Notifications,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ThreadMessage,
} from '@parley/shared';
import { errorCodeOf, isWireError, Signalling, type SessionCredentials } from '../session/Signalling.ts';
import { threadRequests } from '../session/actions.ts';
import {
  initialThreadsState,
  messagesOf,
  newestSeq,
  withHistory,
  withHistoryFailed,
  withHistoryLoading,
  withMessage,
  withMessageRemoved,
  withMessagesStale,
  withMessageUpdated,
  withOwnDeletion,
  withPendingAcked,
  withPendingAdded,
  withPendingDiscarded,
  withPendingStatus,
  withThreadAdded,
  withThreadList,
  withUnread,
  type ThreadsSelf,
  type ThreadsState,
} from './state.ts';
import { randomUuid } from '../randomUuid.ts';

const PAGE = 100;
const RETRY_AFTER_TIMEOUT_MS = 3_000;

/** Errors worth retrying on their own: the message is kept and resent. */
const TRANSIENT_ERRORS = new Set(['disconnected', 'timeout', 'internal', 'rate_limited', 'unavailable']);

const NOT_SENT = 'This message was not sent.';

/**
 * Threads of one case for one person: state in a small external store (see state.ts for its
 * shape), read with `useSyncExternalStore(client.subscribe, client.getSnapshot)`.
 *
 * Why its own socket, also during a live session: the server delivers thread notifications to a
 * personal channel that every connection of the person joins, and thread requests need no
 * `session:join`. The live session's socket, on the other hand, is dropped and replaced on
 * purpose (failed join, dead media transport, "Rejoin" makes a new SessionClient), and the
 * threads must outlive all of that, including the time between sessions. One socket owned here
 * gives one code path for every place the panel appears, at the cost of one idle WebSocket.
 */
export class ThreadsClient {
  private state: ThreadsState;
  private readonly listeners = new Set<() => void>();
  private signalling: Signalling | null = null;
  private finished = false;
  private views = 0;
  /** Highest seq we told the server we read, per thread (so an open thread is not re-marked in a loop). */
  private readonly readSent = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly onVisibility = () => this.afterChange();

  constructor(
    private readonly credentials: SessionCredentials,
    self: ThreadsSelf | null = null,
  ) {
    this.state = initialThreadsState(self);
  }

  // --- store ------------------------------------------------------------------------------------

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ThreadsState => this.state;

  private update(fn: (s: ThreadsState) => ThreadsState): void {
    const next = fn(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
    this.afterChange();
  }

  // --- lifecycle --------------------------------------------------------------------------------

  start(): void {
    if (this.signalling || this.finished) return;
    const signalling = new Signalling(this.credentials);
    this.signalling = signalling;
    const { socket } = signalling;
    socket.on('connect', () => void this.onConnected());
    // Signalling reconnects by itself after a drop or a failed attempt (its one reconnect policy).
    socket.on('disconnect', () => {
      if (this.finished) return;
      this.update((s) => (s.connection.status === 'closed' ? s : { ...s, connection: { status: 'reconnecting' } }));
    });
    socket.on('connect_error', (err) => {
      if (this.finished) return;
      const data = (err as Error & { data?: unknown }).data;
      if (isWireError(data) && endsCredentials(data.code)) return this.closeWith(data.message);
      this.update((s) => ({ ...s, connection: { status: s.threads ? 'reconnecting' : 'connecting' } }));
    });
    socket.on('session:closed', ({ code, message }) => {
      if (isTerminalClose(code) && !isReplacedClose(code)) this.closeWith(message || closeMessages[code as CloseCode]);
    });
    socket.on('message:posted', (m) => this.onPosted(m));
    socket.on('message:updated', (m) => this.update((s) => withMessageUpdated(s, m)));
    socket.on('message:removed', ({ threadId, messageId }: Notifications['message:removed']) => {
      this.update((s) => withMessageRemoved(s, threadId, messageId));
      // The unread count may have included it; the server's count is the truth.
      void this.refreshList();
    });
    socket.on('thread:added', (t) => this.update((s) => withThreadAdded(s, t)));
    document.addEventListener('visibilitychange', this.onVisibility);
    signalling.connect();
  }

  close(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.signalling?.close();
    this.listeners.clear();
  }

  setSelf(self: ThreadsSelf | null): void {
    if (self?.id === this.state.self?.id && self?.role === this.state.self?.role) return;
    this.update((s) => ({ ...s, self }));
  }

  private closeWith(message: string): void {
    this.update((s) => ({ ...s, connection: { status: 'closed', message } }));
    this.signalling?.close();
  }

  private async onConnected(): Promise<void> {
    if (this.finished) return;
    this.signalling?.resetBackoff();
    this.update((s) => withMessagesStale({ ...s, connection: { status: 'online' } }));
    // Anything written while offline goes first, with the clientId it was given when written.
    for (const p of this.state.pending) if (p.status === 'sending') void this.deliver(p.clientId);
    await this.refreshList();
    const open = this.state.openThreadId;
    if (open) await this.loadHistory(open, 'replace');
  }

  // --- requests ---------------------------------------------------------------------------------

  /** The thread requests by name (session/actions.ts). */
  private readonly api = threadRequests((name, payload) => this.request(name, payload));

  private request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<RequestResults[K]> {
    if (!this.signalling) return Promise.reject(new Error('not started'));
    return this.signalling.request(name, payload);
  }

  /** Handles errors that end this connection; returns the plain-words message for the others. */
  private problem(error: unknown): string {
    const code = errorCodeOf(error);
    const message = error instanceof Error ? error.message : 'Something went wrong.';
    if (endsCredentials(code)) this.closeWith(message);
    return message;
  }

  private async refreshList(): Promise<void> {
    try {
      const { threads } = await this.api.list();
      this.update((s) => withThreadList(s, threads));
    } catch (error) {
      if (errorCodeOf(error) !== 'disconnected') this.setNotice(this.problem(error));
    }
  }

  private async loadHistory(threadId: string, mode: 'replace' | 'earlier'): Promise<void> {
    const before = mode === 'earlier' ? messagesOf(this.state, threadId).items[0]?.seq : undefined;
    this.update((s) => withHistoryLoading(s, threadId));
    try {
      const { messages } = await this.api.history(threadId, PAGE, before);
      this.update((s) => withHistory(s, threadId, messages, mode, PAGE));
    } catch (error) {
      const code = errorCodeOf(error);
      this.update((s) => withHistoryFailed(s, threadId));
      if (code !== 'disconnected') this.setNotice(this.problem(error));
    }
  }

  // --- what the panel does ----------------------------------------------------------------------

  /** Show a thread (null: the list). Loads its messages when they are not loaded or out of date. */
  open(threadId: string | null): void {
    this.update((s) => ({ ...s, openThreadId: threadId, notice: null }));
    if (threadId && this.state.connection.status === 'online') {
      const m = messagesOf(this.state, threadId);
      if (m.status === 'idle' || m.status === 'error') void this.loadHistory(threadId, 'replace');
    }
  }

  loadEarlier(threadId: string): void {
    if (messagesOf(this.state, threadId).status !== 'loading') void this.loadHistory(threadId, 'earlier');
  }

  /** A panel on screen. Messages count as read only while at least one is attached and the tab is visible. */
  attachView(): () => void {
    this.views++;
    this.afterChange();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.views--;
    };
  }

  dismissNotice(): void {
    this.setNotice(null);
  }

  private setNotice(notice: string | null): void {
    this.update((s) => (s.notice === notice || s.connection.status === 'closed' ? s : { ...s, notice }));
  }

  /** Returns a problem with the text in plain words, or null when it was queued for sending. */
  send(threadId: string, body: string): string | null {
    const parsed = MessageBody.safeParse(body);
    if (!parsed.success) return parsed.error.issues[0]?.message ?? 'This message cannot be sent.';
    const clientId = randomUuid();
    this.update((s) => withPendingAdded(s, { clientId, threadId, body: parsed.data, createdAt: new Date().toISOString() }));
    void this.deliver(clientId);
    return null;
  }

  retry(clientId: string): void {
    this.update((s) => withPendingStatus(s, clientId, 'sending', null));
    void this.deliver(clientId);
  }

  discard(clientId: string): void {
    this.update((s) => withPendingDiscarded(s, clientId));
  }

  private async deliver(clientId: string): Promise<void> {
    const p = this.state.pending.find((x) => x.clientId === clientId);
    if (!p || this.inFlight.has(clientId) || !this.signalling?.connected) return; // sent on the next connect
    this.inFlight.add(clientId);
    try {
      const { message } = await this.api.send(p.threadId, p.body, clientId);
      this.update((s) => withPendingAcked(s, clientId, message));
    } catch (error) {
      const code = errorCodeOf(error) ?? 'internal';
      if (TRANSIENT_ERRORS.has(code)) {
        // Kept as 'sending': resent with the same clientId when the connection is back, or soon.
        if (code !== 'disconnected') this.scheduleRetry();
      } else {
        const message = this.problem(error);
        this.update((s) => withPendingStatus(s, clientId, 'failed', message || NOT_SENT));
      }
    } finally {
      this.inFlight.delete(clientId);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.finished) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      for (const p of this.state.pending) if (p.status === 'sending') void this.deliver(p.clientId);
    }, RETRY_AFTER_TIMEOUT_MS);
  }

  canEdit(m: ThreadMessage, now = Date.now()): boolean {
    const self = this.state.self;
    return !!self && m.body !== null && canEditMessage({ id: self.id }, { authorId: m.author.id, at: m.at, deletedAt: m.deletedAt }, now);
  }

  canDelete(m: ThreadMessage): boolean {
    const self = this.state.self;
    return !!self && canDeleteMessage(self, { authorId: m.author.id, deletedAt: m.deletedAt });
  }

  /** Resolves to a problem in plain words, or null when done. */
  async edit(messageId: string, body: string): Promise<string | null> {
    const parsed = MessageBody.safeParse(body);
    if (!parsed.success) return parsed.error.issues[0]?.message ?? 'This message cannot be saved.';
    try {
      const { message } = await this.api.edit(messageId, parsed.data);
      this.update((s) => withMessageUpdated(s, message));
      return null;
    } catch (error) {
      return errorCodeOf(error) === 'disconnected' ? 'You are offline. Try again when the connection is back.' : this.problem(error);
    }
  }

  async remove(threadId: string, messageId: string): Promise<string | null> {
    try {
      await this.api.remove(messageId);
      this.update((s) => withOwnDeletion(s, threadId, messageId, new Date().toISOString()));
      return null;
    } catch (error) {
      return errorCodeOf(error) === 'disconnected' ? 'You are offline. Try again when the connection is back.' : this.problem(error);
    }
  }

  // --- live updates and reading -----------------------------------------------------------------

  private viewing(threadId: string): boolean {
    return (
      this.views > 0 &&
      this.state.openThreadId === threadId &&
      typeof document !== 'undefined' &&
      document.visibilityState === 'visible'
    );
  }

  private onPosted(m: ThreadMessage): void {
    this.update((s) => withMessage(s, m, this.viewing(m.threadId)));
  }

  /** Marks the open thread read up to its newest message while someone is looking at it. */
  private afterChange(): void {
    const open = this.state.openThreadId;
    if (!open || !this.viewing(open) || this.state.connection.status !== 'online') return;
    if (messagesOf(this.state, open).status !== 'ready') return;
    const upToSeq = newestSeq(this.state, open);
    if (upToSeq <= (this.readSent.get(open) ?? 0)) {
      if (upToSeq > 0 && (this.state.threads?.find((t) => t.id === open)?.unread ?? 0) > 0) this.update((s) => withUnread(s, open, 0));
      return;
    }
    this.readSent.set(open, upToSeq);
    this.update((s) => withUnread(s, open, 0));
    this.api.markRead(open, upToSeq).then(
      ({ unread }) => this.update((s) => withUnread(s, open, unread)),
      () => {
        // Not recorded: try again on the next change.
        if (this.readSent.get(open) === upToSeq) this.readSent.delete(open);
      },
    );
  }
}
