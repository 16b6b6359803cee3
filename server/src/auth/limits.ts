/**
 * Every abuse limit of the server, in one place (the README's security section lists them).
 *
 * A "person" is one invitation (participant) or one mediator account; an "address" is the client's
 * IP as http/clientAddress.ts reads it (the peer, or what a trusted proxy forwarded). Per-person limits are shared by all of that person's connections, so opening
 * more connections buys no more budget (docs/threats.md #8); per-address limits bound what one machine can
 * do with several identities or none. Loopback is one address for every local test and every local
 * participant, so the address limits are deliberately generous multiples of the person limits.
 */
export interface Limits {
  signalling: {
    /** socket.io connections one person may hold at once (the session, a messages tab, a reload in flight). */
    connectionsPerPerson: number;
    connectionsPerAddress: number;
    /** Requests (known or unknown events) per second, sustained and burst, per person and per address. */
    perPerson: { perSecond: number; burst: number };
    perAddress: { perSecond: number; burst: number };
  };
  draft: {
    /** Draft WebSocket connections per person (agreement + notes, in two tabs, plus a reconnect). */
    connectionsPerPerson: number;
    connectionsPerAddress: number;
    /**
     * Yjs messages per second. Each keystroke is an update plus a presence message, and a pasting
     * or scripted client runs far faster than a person (60/s with a burst of 300 closed a
     * legitimate editor in e2e), so this only has to stop a flood. Over budget, the connection is
     * closed with 1013 rather than a message dropped (a dropped Yjs update would silently diverge the
     * documents); y-websocket reconnects and its sync handshake recovers everything unsent.
     */
    perPerson: { perSecond: number; burst: number };
    perAddress: { perSecond: number; burst: number };
  };
  /** New connections (socket.io handshakes and draft upgrades) per address. */
  handshakesPerAddress: { perSecond: number; burst: number };
  /** HTTP endpoints that anyone can call: sign-in and the two verify endpoints, per address. */
  signinPerAddress: { perSecond: number; burst: number };
  verifyPerAddress: { perSecond: number; burst: number };
  /**
   * The invitation endpoints (the link page's data, consent, the frozen agreement, the assessor's
   * pages): each call verifies a signed token, so an address flooding them with made-up links is
   * slowed down. Generous: a family or an office behind one address opens links together.
   */
  invitationPerAddress: { perSecond: number; burst: number };
}

export const DEFAULT_LIMITS: Limits = {
  signalling: {
    // A connection lost silently lingers until its ping times out (≤ 5 s): room for a few redials.
    connectionsPerPerson: 6,
    connectionsPerAddress: 64,
    perPerson: { perSecond: 40, burst: 80 },
    perAddress: { perSecond: 400, burst: 800 },
  },
  draft: {
    // Dead draft sockets linger until the 30 s ping notices them: room for several reconnects.
    connectionsPerPerson: 8,
    connectionsPerAddress: 96,
    perPerson: { perSecond: 200, burst: 2000 },
    perAddress: { perSecond: 1000, burst: 6000 },
  },
  handshakesPerAddress: { perSecond: 20, burst: 60 },
  signinPerAddress: { perSecond: 0.2, burst: 10 },
  verifyPerAddress: { perSecond: 0.5, burst: 20 },
  invitationPerAddress: { perSecond: 10, burst: 60 },
};
