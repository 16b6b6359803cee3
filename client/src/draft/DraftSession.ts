import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { CloseCode, closeMessages, DraftAccessAnswer, draftDocName, DRAFT_PATH_PREFIX, httpRoutes, pathOf, isTerminalClose, presenceColour, type DraftAccess, type DraftDocKind, type Role, sendOwnPresenceOnly } from '@parley/shared';

/**
 * One open draft document: the Y.Doc, y-websocket's provider and a small store of what the screen
 * shows. Store shape (read with useSyncExternalStore):
 *
 *   status    'connecting' | 'synced' | 'reconnecting' | 'closed'
 *   closed    { code, message } | null   a final close from the server (44xx, 1009…): no retry
 *   people    { clientId, name, color, role }[]   everyone else with the document open, as the server
 *             vouches for them (it writes the `user` field of every presence)
 */
export interface DraftPerson {
  clientId: number;
  name: string;
  color: string;
  role: Role | undefined;
}

export interface DraftSnapshot {
  status: 'connecting' | 'synced' | 'reconnecting' | 'closed';
  closed: { code: number; message: string } | null;
  people: DraftPerson[];
}

export interface DraftSelf {
  participantId: string;
  name: string;
  role: Role;
}

/** Closes after which reconnecting would fail again the same way. */
const FINAL_WS_CODES = new Set([1003, 1007, 1009]);

/** The draft WebSocket address on a server (`origin`: http(s)://host[:port]). */
function draftServer(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}${DRAFT_PATH_PREFIX.replace(/\/$/, '')}`;
}

function closeMessage(code: number): string {
  if (code === 1009) return 'That change is too large to save. Reload the page; your last change was not kept.';
  if (code in closeMessages) return closeMessages[code as CloseCode];
  return 'The connection to the draft was closed. Reload the page to open it again.';
}

export class DraftSession {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly access: Exclude<DraftAccess, 'none'>;
  readonly user: { name: string; color: string; role: Role };
  #snapshot: DraftSnapshot = { status: 'connecting', closed: null, people: [] };
  #everSynced = false;
  #openedSinceCheck = false;
  #checking = false;
  /** The page's own server's draft address (several nodes: the provider may be sent to another). */
  #home = '';
  readonly #listeners = new Set<() => void>();

  constructor(opts: { caseId: string; kind: DraftDocKind; token?: string; self: DraftSelf; access: Exclude<DraftAccess, 'none'> }) {
    this.access = opts.access;
    this.user = { name: opts.self.name, color: presenceColour(opts.self.participantId), role: opts.self.role };
    const base = draftServer(window.location.origin);
    this.#home = base;
    // The invitee's token goes in the query (a WebSocket cannot carry an Authorization header); the
    // mediator's session cookie travels by itself.
    this.provider = new WebsocketProvider(base, draftDocName(opts.caseId, opts.kind), this.doc, {
      params: opts.token ? { token: opts.token } : {},
      disableBc: true,
      maxBackoffTime: 5_000,
      shouldReconnect: (e) => !isTerminalClose(e.code) && !FINAL_WS_CODES.has(e.code),
    });
    // Not everyone's carets back to the server each time they arrive: only this person's.
    sendOwnPresenceOnly(this.provider, encodeAwarenessUpdate);
    this.provider.awareness.setLocalStateField('user', this.user);
    this.provider.on('sync', (synced: boolean) => {
      if (synced) this.#everSynced = true;
      this.#update();
    });
    this.provider.on('status', () => this.#update());
    this.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') this.#openedSinceCheck = true;
    });
    this.provider.on('connection-close', (event) => {
      const code = event?.code;
      if (code !== undefined && (isTerminalClose(code) || FINAL_WS_CODES.has(code))) this.#finish(code);
      else {
        // The server refuses a connection before the upgrade (withdrawn link, stale consent…), which
        // a browser only sees as 1006: ask in HTTP whether retrying can ever work.
        if (code === 1006 && !this.#openedSinceCheck) void this.#checkAccess(opts);
        this.#openedSinceCheck = false;
        this.#update();
      }
    });
    this.provider.awareness.on('change', () => this.#set({ people: this.#people() }));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): DraftSnapshot => this.#snapshot;

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
    this.#listeners.clear();
  }

  #finish(code: number): void {
    this.provider.shouldConnect = false;
    this.provider.disconnect();
    this.#set({ status: 'closed', closed: { code, message: closeMessage(code) } });
  }

  /** One access check at a time; a terminal answer stops the reconnect loop for good. */
  async #checkAccess(opts: { caseId: string; kind: DraftDocKind; token?: string }): Promise<void> {
    if (this.#checking || this.#snapshot.status === 'closed') return;
    this.#checking = true;
    try {
      const res = await fetch(pathOf(httpRoutes.draftAccess, { docName: draftDocName(opts.caseId, opts.kind) }), {
        credentials: 'include',
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      });
      const answer = DraftAccessAnswer.safeParse(await res.json().catch(() => null));
      if (!answer.success) return;
      const a = answer.data;
      if ('closeCode' in a && isTerminalClose(a.closeCode)) this.#finish(a.closeCode);
      // Several nodes: the draft is written where its case runs; the next attempt goes there,
      // and back to the page's own server once that one runs it (the other may have died).
      else if ('closeCode' in a && a.closeCode === CloseCode.Moved && a.moveTo) this.provider.serverUrl = draftServer(a.moveTo);
      else if ('access' in a) this.provider.serverUrl = this.#home;
    } catch {
      // Offline or the server is restarting: y-websocket keeps retrying, and so do we on the next failure.
    } finally {
      this.#checking = false;
    }
  }

  #update(): void {
    if (this.#snapshot.status === 'closed') return;
    const p = this.provider;
    const status: DraftSnapshot['status'] = p.wsconnected && p.synced ? 'synced' : this.#everSynced ? 'reconnecting' : 'connecting';
    this.#set({ status });
  }

  #people(): DraftPerson[] {
    const out: DraftPerson[] = [];
    const seen = new Set<string>();
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      if (clientId === this.doc.clientID) continue;
      const u = (state as { user?: { name?: unknown; color?: unknown; role?: unknown } }).user;
      if (!u || typeof u.name !== 'string') continue;
      const key = `${u.name}|${String(u.role)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ clientId, name: u.name, color: typeof u.color === 'string' ? u.color : '#444444', role: u.role as Role | undefined });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  #set(patch: Partial<DraftSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const l of this.#listeners) l();
  }
}
