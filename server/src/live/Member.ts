import type { Socket } from 'socket.io';
import type { ClientToServerEvents, PersonRef, Presence, ServerToClientEvents } from '@parley/shared';
import type { ProducerSummary } from '@parley/sfu';
import type { Identity } from '../domain/CaseService.ts';
import type { Principal } from '../auth/AccessGate.ts';
import type { Connection } from '../auth/Connections.ts';

export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  identity: Identity;
  /** What the socket was opened with (re-checked on delivery and at expiry). */
  principal?: Principal;
  /** This socket in the connection registry (per-person limits, closing by person or session). */
  connection?: Connection;
  /** The browser's own random id from the handshake (see DeviceId), if it sent one. */
  device?: string;
  /** The case whose router holds a receive transport this socket prepared before joining (`session:prepare`). */
  preparedIn?: string;
  /** Set once `session:join` succeeded on this socket. */
  member?: Member;
}

/** A person present in a live case: their identity, their current socket and room. */
export class Member {
  readonly identity: Identity;
  socket: ParleySocket;
  /** The browser of the current connection (see DeviceId); null when it did not say. */
  device: string | null;
  roomId: string;
  readonly joinedAt = Date.now();
  /** Breakdown ladder state [3.6.13]; see BreakdownLadder. */
  connection: Presence['connection'] = 'connected';
  /** Since when the person has been reconnecting (epoch ms), while the grace period runs. */
  awaySince: number | null = null;
  /** Which of their WebRTC transports the server sees broken (ICE disconnected, DTLS failed). */
  readonly lostTransports = new Set<'send' | 'recv'>();
  mediaLostAt: number | null = null;

  constructor(identity: Identity, socket: ParleySocket, roomId: string) {
    this.identity = identity;
    this.socket = socket;
    this.device = socket.data.device ?? null;
    this.roomId = roomId;
  }

  get id(): string {
    return this.identity.participantId;
  }
  get role() {
    return this.identity.role;
  }
  get ref(): PersonRef {
    return { id: this.id, displayName: this.identity.displayName };
  }
  get actor() {
    return { id: this.id, role: this.identity.role, roomId: this.roomId };
  }

  /** Full presence (before per-viewer redaction), from what the SFU says this person publishes. */
  presence(producers: ProducerSummary[], micHeldBy: PersonRef | null, audioOnly: boolean): Presence {
    const state = (ps: ProducerSummary[]) => (ps.length === 0 ? 'none' : ps.some((p) => !p.paused) ? 'on' : 'off');
    const cams = producers.filter((p) => p.source === 'camera');
    return {
      id: this.id,
      displayName: this.identity.displayName,
      role: this.identity.role,
      side: this.identity.side as Presence['side'],
      roomId: this.roomId as Presence['roomId'],
      mic: state(producers.filter((p) => p.source === 'mic')),
      micHeldBy,
      camera: state(cams),
      cameras: cams.map((c) => ({ producerId: c.producerId, label: c.label ?? 'Camera', state: c.paused ? 'off' : 'on' })),
      sharing: producers.some((p) => p.source === 'screen'),
      connection: this.connection,
      awaySince: this.awaySince === null ? null : new Date(this.awaySince).toISOString(),
      audioOnly,
    };
  }
}
