import { z } from 'zod';
import type { Presence, Role, RoomInfo, Side } from './domain.ts';
import { CameraLabel, Id, MediaSource, RoomId, RoomName } from './domain.ts';
import { MessageBody, type ThreadMessage, type ThreadSummary } from './threads.ts';
import { DtlsParameters, RtpCapabilities, RtpParameters, type TransportOptionsWire } from './media.ts';
import type { Ack } from './errors.ts';
import type { CloseCode } from './close-codes.ts';
import type { BreakdownSettings, SessionPause } from './breakdown.ts';
import type { AgreementStatus } from './signoff.ts';

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
    .object({
      transportId: MsId,
      kind: z.enum(['audio', 'video']),
      rtpParameters: RtpParameters,
      source: MediaSource,
      /** Cameras only: what this camera shows ("Face", "Document camera"). */
      label: CameraLabel.optional(),
    })
    .strict(),
  'producer:close': z.object({ producerId: MsId }).strict(),
  /** Self mute/unmute or camera off/on. */
  'producer:set-paused': z.object({ producerId: MsId, paused: z.boolean() }).strict(),
  /** First rung of the breakdown ladder: new ICE credentials for a transport whose path broke. */
  'transport:restart-ice': z.object({ transportId: MsId }).strict(),
  /**
   * The audio-only rung: this person's measured network is poor (or fine again). The server stops
   * (or resumes) sending them video and tells others why their video is off.
   */
  'media:audio-only': z.object({ on: z.boolean(), reason: z.string().trim().min(1).max(200) }).strict(),

  // --- breakdown procedure (mediator) [3.6.13, 3.7.17]
  /** Pause the joint session by hand (parties' microphones in the joint room held). */
  'session:pause': z.object({}).strict(),
  /** Resume: also the mediator's decision to go on although someone is still missing. */
  'session:resume': z.object({}).strict(),

  // --- rooms (mediator) [2.10, 2.11-iii]
  'room:create': z.object({ name: RoomName }).strict(),
  'room:close': z.object({ roomId: RoomId }).strict(),
  /** Move one or several people (the mediator included) into a room. */
  'room:move': z.object({ participantIds: z.array(Id).min(1).max(20), roomId: RoomId }).strict(),
  /** Countdown for a room; when it ends everyone in it returns to the joint room. null clears it. */
  'room:set-timer': z
    .object({ roomId: RoomId, minutes: z.number().min(0.05).max(180).nullable(), warnSeconds: z.number().int().min(5).max(600).default(60) })
    .strict(),
  'room:set-share-policy': z.object({ roomId: RoomId, allowMultipleShares: z.boolean() }).strict(),
  'announcement:send': z.object({ text: z.string().trim().min(1).max(500) }).strict(),

  // --- asking for the mediator (anyone not with the mediator)
  'assistance:request': z.object({}).strict(),
  'assistance:resolve': z.object({ requestId: Id }).strict(),

  // --- moderation (mediator) [2.11-v]
  /** Server-side mute: pauses the microphone and holds it until the mediator asks to unmute. */
  'moderation:mute': z.object({ participantIds: z.union([z.array(Id).min(1).max(50), z.literal('all')]) }).strict(),
  /** Lifts the hold and asks the person to unmute; never unmutes them. */
  'moderation:ask-unmute': z.object({ participantId: Id }).strict(),
  'moderation:stop-share': z.object({ participantId: Id }).strict(),

  // --- control of the shared stage [2.11-iv]
  'control:give': z.object({ roomId: RoomId, participantId: Id }).strict(),
  'control:take': z.object({ roomId: RoomId }).strict(),
  'control:request': z.object({}).strict(),
  /** Controller only: which share or camera is the main stage of their room (null = automatic). */
  'stage:set': z.object({ producerId: MsId.nullable() }).strict(),
  /** Controller only: pointer over the stage, as fractions of its width and height. */
  'stage:pointer': z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).strict().nullable(),

  // --- threads (any consented person, also outside a live session) [2.10]
  'thread:list': z.object({}).strict(),
  'thread:history': z.object({ threadId: Id, beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(200).default(100) }).strict(),
  /** clientId makes a resend after a dropped connection idempotent. */
  'message:send': z.object({ threadId: Id, body: MessageBody, clientId: z.uuid() }).strict(),
  'message:edit': z.object({ messageId: Id, body: MessageBody }).strict(),
  'message:delete': z.object({ messageId: Id }).strict(),
  'thread:read': z.object({ threadId: Id, upToSeq: z.number().int().nonnegative() }).strict(),
} as const;

export type RequestName = keyof typeof requestSchemas;
/** What a client sends (defaults may be omitted). */
export type RequestPayload<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
/** What a handler receives after validation (defaults filled in). */
export type RequestParsed<K extends RequestName> = z.infer<(typeof requestSchemas)[K]>;

export interface JoinResult {
  self: Presence;
  caseId: string;
  caseTitle: string;
  routerRtpCapabilities: unknown;
  participants: Presence[];
  /** The rooms this person may know about (all for the mediator, their own otherwise). */
  rooms: RoomInfo[];
  /** Set while the joint session is paused by the breakdown procedure. */
  pause: SessionPause | null;
  breakdown: BreakdownSettings;
  /** The agreement version frozen for signature, if any (without its text). */
  agreement: AgreementStatus | null;
  /**
   * The announcements of this live session this person may hear, newest first (at most
   * MAX_ANNOUNCEMENTS): someone who reloads or joins late reads what was said before.
   */
  announcements: Announcement[];
}

/** How many of a live session's announcements the server keeps and a client shows. */
export const MAX_ANNOUNCEMENTS = 50;

/** A mediator's message to everyone in every room. */
export interface Announcement {
  id: string;
  text: string;
  from: PersonRef;
  at: string;
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
  'transport:restart-ice': { iceParameters: unknown };
  'media:audio-only': { audioOnly: boolean };
  'session:pause': { pause: SessionPause };
  'session:resume': { resumed: boolean };
  'room:create': { room: RoomInfo };
  'room:close': { closed: true };
  'room:move': { moved: number };
  'room:set-timer': { room: RoomInfo };
  'room:set-share-policy': { room: RoomInfo };
  'announcement:send': { sent: true };
  'assistance:request': { requestId: string };
  'assistance:resolve': { resolved: true };
  'moderation:mute': { muted: number };
  'moderation:ask-unmute': { asked: true };
  'moderation:stop-share': { stopped: number };
  'control:give': { room: RoomInfo };
  'control:take': { room: RoomInfo };
  'control:request': { requested: true };
  'stage:set': { room: RoomInfo };
  'stage:pointer': { sent: true };
  'thread:list': { threads: ThreadSummary[] };
  'thread:history': { messages: ThreadMessage[] };
  'message:send': { message: ThreadMessage };
  'message:edit': { message: ThreadMessage };
  'message:delete': { deleted: true };
  'thread:read': { unread: number };
}

export interface PersonRef {
  id: string;
  displayName: string;
}

export interface Notifications {
  'participant:joined': Presence;
  'participant:updated': Presence;
  'participant:left': { participantId: string; reason: 'left' | 'disconnected' | 'replaced' | 'removed' };
  /** 'not-received': the client did not confirm it in time, or refused it (see ConsumerOffer). */
  'consumer:closed': { consumerId: string; reason: 'producer-closed' | 'room-changed' | 'transport-closed' | 'not-received' };
  'consumer:paused': { consumerId: string };
  'consumer:resumed': { consumerId: string };
  /** A room this person may know about changed (created, timer, controller, stage, policy). */
  'room:updated': RoomInfo;
  'room:closed': { roomId: string };
  'room:timer-warning': { roomId: string; secondsLeft: number };
  'room:timer-expired': { roomId: string };
  /** To everyone, in every room. */
  'announcement:made': Announcement;
  /** To the mediator. */
  'assistance:requested': { requestId: string; from: PersonRef; roomId: string; roomName: string; at: string };
  /** To the mediator and the person who asked. */
  'assistance:resolved': { requestId: string };
  /** To the person only: the mediator asks them to unmute (they decide). */
  'moderation:unmute-requested': { by: PersonRef };
  /**
   * To the mediators: a person's invitation link was opened in another browser or on another
   * device while they were connected, and that earlier connection was closed.
   */
  'participant:link-reused': { participant: PersonRef; at: string };
  /** To the person only: the mediator stopped their screen share. */
  'moderation:share-stopped': { by: PersonRef };
  /** To the mediator: someone asks for control of the stage. */
  'control:requested': { from: PersonRef; roomId: string };
  /** To the room's occupants: the controller's pointer (null = hidden). */
  'stage:pointer-moved': { participantId: string; x: number; y: number } | { participantId: string; x: null; y: null };
  /** To every member of the thread, connected anywhere (live session or not). */
  'message:posted': ThreadMessage;
  /** An edit, or a deletion as seen by the mediator (tombstone). */
  'message:updated': ThreadMessage;
  /** A deletion as seen by everyone but the mediator. */
  'message:removed': { threadId: string; messageId: string };
  /** The person was added to a thread (e.g. placed in a caucus) or one was created for them. */
  'thread:added': ThreadSummary;
  /** To everyone: the joint session paused (a party missing past the grace period, or by hand). */
  'session:paused': SessionPause;
  /** To everyone: it goes on; `by` is the mediator when they resumed with someone still missing. */
  'session:resumed': { by: PersonRef | null; pausedSeconds: number };
  /**
   * To everyone in the live session of the case: a version of the agreement was frozen, signed by
   * someone, or withdrawn (an edit of the draft). `current` is the newest version, without its text.
   */
  'agreement:updated': { current: AgreementStatus | null };
  /** Sent just before the server ends the connection; 44xx codes are terminal. */
  'session:closed': { code: CloseCode; message: string };
}

// --- server → client requests -----------------------------------------------------------------
// The server asks, the client answers in the ack. The ack crosses a trust boundary: the server
// validates it with the schema below before acting on it.

/**
 * `consumer:receive`: the server created a consumer for this person, paused. The client builds its
 * local consumer, then acks; only a `{ ok: true }` ack makes the server resume it, so no early
 * packets are lost and the first keyframe is asked for exactly when the decoder is ready. Without
 * a valid ack in time (CONSUMER_ACK_TIMEOUT_MS by default) the server closes it (`consumer:closed`,
 * reason 'not-received'); the next `media:ready` or rejoin offers it again.
 */
export const ConsumerOffer = z.object({
  consumerId: MsId,
  producerId: MsId,
  /** Who sends it. */
  participantId: z.string(),
  kind: z.enum(['audio', 'video']),
  source: MediaSource,
  /** Cameras: the label the sender gave it; null for other sources. */
  label: z.string().nullable(),
  /** mediasoup's consumer parameters, read only by mediasoup-client. */
  rtpParameters: z.unknown(),
  producerPaused: z.boolean(),
});
export type ConsumerOffer = z.infer<typeof ConsumerOffer>;

/** The client's answer to `consumer:receive`; `reason` is for the server's log only. */
export const ConsumerOfferAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }).strict(),
  z.object({ ok: z.literal(false), reason: z.string().max(200) }).strict(),
]);
export type ConsumerOfferAck = z.infer<typeof ConsumerOfferAck>;

/** How long the server waits for the ack of `consumer:receive` before closing the consumer. */
export const CONSUMER_ACK_TIMEOUT_MS = 10_000;

export interface ServerRequests {
  'consumer:receive': { payload: ConsumerOffer; ack: ConsumerOfferAck };
}

/** socket.io typing for both ends. */
export type ClientToServerEvents = {
  [K in RequestName]: (payload: RequestPayload<K>, ack: (res: Ack<RequestResults[K]>) => void) => void;
};
export type ServerToClientEvents = { [K in keyof Notifications]: (payload: Notifications[K]) => void } & {
  [K in keyof ServerRequests]: (payload: ServerRequests[K]['payload'], ack: (res: ServerRequests[K]['ack']) => void) => void;
};

/**
 * A random id one browser keeps for itself (not a fingerprint: it says nothing about the device).
 * Two connections of one person with the same id are a reload or a second tab; with different
 * ids (or none) the link was opened somewhere else, which the mediator is told about.
 */
export const DeviceId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

/** Handshake: a party presents their invitation token; a mediator's cookie is read by the server. */
export const HandshakeAuth = z.object({
  token: z.string().min(10).max(2048).optional(),
  caseId: z.string().max(64).optional(),
  device: DeviceId.optional(),
  protocol: z.literal(PROTOCOL_VERSION),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

export type { Role, Side };
