/**
 * Presence (carets) from a y-websocket provider: only this editor's own.
 *
 * y-websocket's WebsocketProvider sends the server every presence change it applies, other
 * people's included: each caret batch the server relays to N editors came back N times, and the
 * server dropped every copy (an id belongs to the connection that announced it, see
 * server/src/draft/DraftConnection.ts). On a phone that is an upload per batch for nothing; with
 * 25 editors, sending the copies was about a fifth of the editor processes' CPU time while people
 * typed (CPU profile of the yjs-editors benchmark). The browser (client/src/draft/DraftSession.ts) and the benchmark's
 * editors (server/src/bench/yjs-editor.ts) both call this, so the benchmark measures what the
 * browser does.
 *
 * Structural types: shared depends on no Yjs package; callers pass y-protocols' encoder.
 */
export interface PresenceChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

/** What is used of y-protocols' Awareness. */
export interface PresenceAwareness {
  clientID: number;
  on(name: 'update', f: (changes: PresenceChanges, origin: unknown) => void): void;
  off(name: 'update', f: (changes: PresenceChanges, origin: unknown) => void): void;
}

/** What is used of y-websocket's WebsocketProvider (its handler is a public field there). */
export interface PresenceProvider<A extends PresenceAwareness> {
  awareness: A;
  wsconnected: boolean;
  ws: { send(data: Uint8Array): void } | null;
  _awarenessUpdateHandler: (changes: PresenceChanges, origin: unknown) => void;
}

/** y-websocket's message type for presence (the payload is one length-prefixed awareness update). */
const MESSAGE_AWARENESS = 1;

/** lib0's varUint: 7 bits a byte, lowest first, high bit set while more follow. */
function varUint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/**
 * Replaces the provider's presence sender with one that sends a change only when it concerns this
 * editor's own state (a caret move, the 30 s renewal, leaving), and then only that state. What
 * the provider sends on connecting (its own state) is unchanged; the provider's destroy() removes
 * this sender as it removed its own.
 */
export function sendOwnPresenceOnly<A extends PresenceAwareness>(provider: PresenceProvider<A>, encode: (awareness: A, clients: number[]) => Uint8Array): void {
  const { awareness } = provider;
  awareness.off('update', provider._awarenessUpdateHandler);
  provider._awarenessUpdateHandler = ({ added, updated, removed }) => {
    const self = awareness.clientID;
    if (!added.includes(self) && !updated.includes(self) && !removed.includes(self)) return;
    if (!provider.wsconnected || !provider.ws) return;
    const update = encode(awareness, [self]);
    const head = [MESSAGE_AWARENESS, ...varUint(update.length)];
    const msg = new Uint8Array(head.length + update.length);
    msg.set(head);
    msg.set(update, head.length);
    provider.ws.send(msg);
  };
  awareness.on('update', provider._awarenessUpdateHandler);
}
