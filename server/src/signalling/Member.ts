import type { Socket } from 'socket.io';
import type { ClientToServerEvents, Presence, ServerToClientEvents } from '@parley/shared';
import type { Identity } from '../domain/CaseService.ts';

export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  identity: Identity;
  /** The invitation token presented at handshake (invitees only), re-checked on join. */
  token?: string;
  /** Set once `session:join` succeeded on this socket. */
  member?: Member;
}

/** A person present in a live case: their identity, their current socket and room. */
export class Member {
  readonly identity: Identity;
  socket: ParleySocket;
  roomId: string;
  readonly joinedAt = Date.now();

  constructor(identity: Identity, socket: ParleySocket, roomId: string) {
    this.identity = identity;
    this.socket = socket;
    this.roomId = roomId;
  }

  get id(): string {
    return this.identity.participantId;
  }

  presence(sources: Map<string, { paused: boolean }>): Presence {
    const state = (s: string) => {
      const p = sources.get(s);
      return p ? (p.paused ? 'off' : 'on') : 'none';
    };
    return {
      id: this.id,
      displayName: this.identity.displayName,
      role: this.identity.role,
      side: this.identity.side as Presence['side'],
      roomId: this.roomId as Presence['roomId'],
      mic: state('mic'),
      camera: state('camera'),
    };
  }
}
