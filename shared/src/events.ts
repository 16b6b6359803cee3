import { z } from 'zod';
import type { Presence, Role, Side, MediaSource as MediaSourceT } from './domain.ts';
import { MediaSource } from './domain.ts';
import { DtlsParameters, RtpCapabilities, RtpParameters, type TransportOptionsWire } from './media.ts';
import type { Ack } from './errors.ts';
import type { CloseCode } from './close-codes.ts';

/**
 * The whole signalling protocol in one place. Requests are verbs and always get an ack
 * (`Ack<Response>`); notifications are past tense and flow server → client only.
 * Bump PROTOCOL_VERSION on any incompatible change; the handshake carries it.
 */
export const PROTOCOL_VERSION = 1;

const MsId = z.uuid(); // mediasoup object ids (transports, producers, consumers) are UUIDs

export const requestSchemas = {
  /** Enter the live session of the case the credentials belong to. Refused without consent. */
  'session:join': z.object({}).strict(),
  /** Leave the live session; every transport, producer and consumer of this person is closed. */
  'session:leave': z.object({}).strict(),
  'transport:create': z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  'transport:connect': z.object({ transportId: MsId, dtlsParameters: DtlsParameters }).strict(),
  /** The client's device is loaded: the server may now create consumers for it. */
  'media:ready': z.object({ rtpCapabilities: RtpCapabilities }).strict(),
  'producer:create': z
    .object({ transportId: MsId, kind: z.enum(['audio', 'video']), rtpParameters: RtpParameters, source: MediaSource })
    .strict(),
  'producer:close': z.object({ producerId: MsId }).strict(),
  /** Self mute/unmute or camera off/on. */
  'producer:set-paused': z.object({ producerId: MsId, paused: z.boolean() }).strict(),
  'consumer:resume': z.object({ consumerId: MsId }).strict(),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestPayload<K extends RequestName> = z.infer<(typeof requestSchemas)[K]>;

export interface JoinResult {
  self: Presence;
  caseId: string;
  caseTitle: string;
  routerRtpCapabilities: unknown;
  participants: Presence[];
}

export interface RequestResults {
  'session:join': JoinResult;
  'session:leave': { left: true };
  'transport:create': TransportOptionsWire;
  'transport:connect': { connected: true };
  'media:ready': { consumers: number };
  'producer:create': { producerId: string };
  'producer:close': { closed: true };
  'producer:set-paused': { paused: boolean };
  'consumer:resume': { resumed: true };
}

export interface ConsumerAdded {
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  source: MediaSourceT;
  rtpParameters: unknown;
  producerPaused: boolean;
}

export interface Notifications {
  'participant:joined': Presence;
  'participant:updated': Presence;
  'participant:left': { participantId: string; reason: 'left' | 'disconnected' | 'replaced' | 'removed' };
  'consumer:added': ConsumerAdded;
  'consumer:closed': { consumerId: string; reason: 'producer-closed' | 'room-changed' | 'transport-closed' };
  'consumer:paused': { consumerId: string };
  'consumer:resumed': { consumerId: string };
  /** Sent just before the server ends the connection; 44xx codes are terminal. */
  'session:closed': { code: CloseCode; message: string };
}

/** socket.io typing for both ends. */
export type ClientToServerEvents = {
  [K in RequestName]: (payload: RequestPayload<K>, ack: (res: Ack<RequestResults[K]>) => void) => void;
};
export type ServerToClientEvents = { [K in keyof Notifications]: (payload: Notifications[K]) => void };

/** Handshake: a party presents their invitation token; a mediator's cookie is read by the server. */
export const HandshakeAuth = z.object({
  token: z.string().min(10).max(2048).optional(),
  caseId: z.string().max(64).optional(),
  protocol: z.literal(PROTOCOL_VERSION),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

export type { Role, Side };
