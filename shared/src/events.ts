import { z } from 'zod';
import type { Role, Side } from './domain.ts';
import { CameraLabel, CaseConsentAnswer, Id, MediaSource, Presence, RoomId, RoomInfo, RoomName, SessionEndReason } from './domain.ts';
import { MessageBody, MessageSeq, type ThreadMessage, type ThreadSummary } from './threads.ts';
import { DtlsParameters, RtpCapabilities, RtpParameters, type IceConfigWire, type TransportOptionsWire } from './media.ts';
import type { Ack } from './errors.ts';
import type { CloseCode } from './close-codes.ts';
import { BreakdownSettings, type SessionPause } from './breakdown.ts';
import type { AgreementStatus } from './signoff.ts';
import { named, notification, request, typed, type HandlerGroupName } from './protocol-define.ts';

/**
 * The whole signalling protocol in one place. Requests are verbs and always get an ack
 * (`Ack<Response>`); notifications are past tense and flow server → client only.
 * Each message is one entry below; the schemas, result types, handler groups and the socket
 * section of docs/protocol.md are derived from it (protocol-doc.test.ts keeps the doc current).
 * Bump PROTOCOL_VERSION on any incompatible change; the handshake carries it.
 */
export const PROTOCOL_VERSION = 1;

/** mediasoup object ids (transports, producers, consumers) are UUIDs. */
const MsId = named(z.uuid(), 'MsId');
named(Id, 'Id');
named(RoomId, 'RoomId');
named(RoomName, 'RoomName');
named(SessionEndReason, 'SessionEndReason');
named(CameraLabel, 'CameraLabel');
named(MessageBody, 'MessageBody');
named(MessageSeq, 'MessageSeq');
named(DtlsParameters, 'DtlsParameters');
named(RtpCapabilities, 'RtpCapabilities');
named(RtpParameters, 'RtpParameters');
named(RoomInfo, 'RoomInfo');
named(Presence, 'Presence');
named(BreakdownSettings, 'BreakdownSettings');

const Nothing = z.object({}).strict();
const Message = typed<ThreadMessage>('ThreadMessage');
const Pause = typed<SessionPause>('SessionPause');
const RoomResult = z.object({ room: RoomInfo });

export interface PersonRef {
  id: string;
  displayName: string;
}
const Person = typed<PersonRef>('PersonRef');

/** A mediator's message to everyone in every room. */
export interface Announcement {
  id: string;
  text: string;
  from: PersonRef;
  at: string;
}

/** How many of a live session's announcements the server keeps and a client shows. */
export const MAX_ANNOUNCEMENTS = 50;

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
  /**
   * Mediators only (empty for everyone else): each person's newest decline, open question or
   * withdrawal on the current agreement that no later consent settled, so that a mediator who
   * joins after it was sent sees it too (`consent:answered` brings the later ones).
   */
  consentAnswers: CaseConsentAnswer[];
  /**
   * Present when the join asked to `receive`: the receive transport the server opened, and how many
   * consumers it created for this person (each offered in a `consumer:receive` request, which may
   * arrive before this ack).
   */
  receive: {
    /** The new receive transport; null when the one prepared on the pre-join screen (`transportId`) became it. */
    transport: TransportOptionsWire | null;
    offers: number;
  } | null;
}

/**
 * What `session:prepare` answers. `receive`, when asked for: a receive transport opened before the
 * join, with a data channel (`probe`, never used for data) whose only purpose is that the browser
 * connects the transport (ICE, DTLS) while the person is still on the pre-join screen.
 */
export interface PrepareResult {
  routerRtpCapabilities: unknown;
  receive: {
    transport: TransportOptionsWire;
    probe: { id: string; dataProducerId: string; sctpStreamParameters: unknown; label: string; protocol: string };
  } | null;
}

/**
 * `session:join` may bring the client's receive capabilities: joining then also opens the receive
 * side in the same round trip, on the transport prepared before (`transportId`) when it is still there.
 */
const JoinAsk = z.object({ receive: z.object({ rtpCapabilities: RtpCapabilities, transportId: MsId.optional() }).strict().optional() }).strict();

export const requests = {
  // --- joining and the media plumbing of one person
  'session:prepare': request({
    group: 'session', who: 'anyone consented', payload: z.object({ receive: z.literal(true).optional() }).strict(), result: typed<PrepareResult>('PrepareResult'),
    doc: "Before joining (the pre-join screen): what the SFU's routers can send, so the client loads its device while the person checks their camera. With `receive`, also a receive transport for this connection and a data channel to connect it with (one per connection; asking again replaces it; closed when the connection goes); `session:join` adopts it. The person is not in the session yet: nobody learns of them, and nothing is received on it before the join.",
  }),
  'session:join': request({
    group: 'session', who: 'anyone consented', payload: JoinAsk, result: typed<JoinResult>('JoinResult'),
    doc: 'Enter the live session of the case the credentials belong to: everything needed to show it (`announcements`: newest first, at most 50). Refused with `consent_required` until the person agreed to the current protocol agreement. With `receive` (the device loaded on the pre-join screen), it is also `transport:create` (recv) and `media:ready` in one: `receive.transport` is the new receive transport (null when the prepared `receive.transportId` was adopted instead), and the consumer offers follow as `consumer:receive` (possibly before this ack); a client must hold them until it knows which transport the join settled on.',
  }),
  'session:leave': request({
    group: 'session', who: 'joined', payload: Nothing, result: z.object({ left: z.literal(true) }),
    doc: 'Leave the live session; every transport, producer and consumer of this person is closed at once → `participant:left`.',
  }),
  'transport:create': request({
    group: 'session', who: 'joined (observers: recv only)', payload: z.object({ direction: z.enum(['send', 'recv']) }).strict(), result: typed<TransportOptionsWire>('TransportOptionsWire'),
    doc: 'Open a send or receive WebRTC transport; with TURN configured, fresh TURN credentials (`iceServers`) and the ICE transport policy come with it.',
  }),
  'transport:connect': request({
    group: 'session', who: 'joined; or consented, for the transport it prepared', payload: z.object({ transportId: MsId, dtlsParameters: DtlsParameters }).strict(), result: z.object({ connected: z.literal(true) }),
    doc: "Finish a transport's DTLS handshake (from mediasoup-client's `connect` event); before the join, only that of the receive transport this connection prepared.",
  }),
  'transport:restart-ice': request({
    group: 'session', who: 'joined', payload: z.object({ transportId: MsId, renewal: z.literal(true).optional() }).strict(), result: typed<{ iceParameters: unknown } & IceConfigWire>('IceRestart'),
    doc: 'First rung of the breakdown ladder: new ICE credentials for a transport whose path broke, and fresh TURN credentials. With `renewal`, the client renews TURN credentials before they expire (not a breakdown, not recorded).',
  }),
  'media:ready': request({
    group: 'session', who: 'joined', payload: z.object({ rtpCapabilities: RtpCapabilities }).strict(), result: z.object({ consumers: z.number() }),
    doc: "The client's device is loaded: the server creates a consumer for every producer of the others in the same room (video paused, sound flowing) and offers each in a `consumer:receive` request (before this ack); the client's ack resumes the video.",
  }),
  'media:audio-only': request({
    group: 'session', who: 'joined', payload: z.object({ on: z.boolean(), reason: z.string().trim().min(1).max(200) }).strict(), result: z.object({ audioOnly: z.boolean() }),
    doc: "The audio-only rung: this person's measured network is poor (or fine again). The server stops (or resumes) sending them video → `participant:updated` (`audioOnly`).",
  }),
  'producer:create': request({
    group: 'session', who: 'joined, not an observer',
    payload: z
      .object({
        transportId: MsId,
        kind: z.enum(['audio', 'video']),
        rtpParameters: RtpParameters,
        source: MediaSource,
        /** Cameras only: what this camera shows ("Face", "Document camera"). */
        label: CameraLabel.optional(),
      })
      .strict(),
    result: z.object({ producerId: z.string() }),
    doc: 'Send a microphone, camera (up to 4, each with a `label`), screen or screen sound; one mic and one screen per person.',
  }),
  'producer:close': request({
    group: 'session', who: 'joined', payload: z.object({ producerId: MsId }).strict(), result: z.object({ closed: z.literal(true) }),
    doc: 'Stop sending one source → `consumer:closed` to those who received it.',
  }),
  'producer:set-paused': request({
    group: 'session', who: 'joined', payload: z.object({ producerId: MsId, paused: z.boolean() }).strict(), result: z.object({ paused: z.boolean() }),
    doc: 'Self mute/unmute or camera off/on; unmuting a microphone held by the mediator is refused (`forbidden`).',
  }),

  // --- breakdown procedure (mediator) [3.6.13, 3.7.17]
  'session:pause': request({
    group: 'session', who: 'mediator', payload: Nothing, result: z.object({ pause: Pause }),
    doc: "Pause the joint session by hand (parties' microphones in the joint room held) → `session:paused`.",
  }),
  'session:resume': request({
    group: 'session', who: 'mediator', payload: Nothing, result: z.object({ resumed: z.boolean() }),
    doc: "Resume; also the mediator's decision to go on although someone is still missing → `session:resumed`.",
  }),

  // --- rooms (mediator) [2.10, 2.11-iii]
  'room:create': request({
    group: 'rooms', who: 'mediator', payload: z.object({ name: RoomName }).strict(), result: RoomResult,
    doc: 'New caucus → `room:updated` (mediator).',
  }),
  'room:close': request({
    group: 'rooms', who: 'mediator', payload: z.object({ roomId: RoomId }).strict(), result: z.object({ closed: z.literal(true) }),
    doc: 'Occupants go back to the joint room → `room:closed`.',
  }),
  'room:move': request({
    group: 'rooms', who: 'mediator', payload: z.object({ participantIds: z.array(Id).min(1).max(20), roomId: RoomId }).strict(), result: z.object({ moved: z.number() }),
    doc: 'Move one or several people (the mediator included): consumers closed/created on the same transports (old media stops first), screen shares of movers end → `consumer:closed`/`consumer:receive`, `participant:updated` (redacted per viewer), `room:updated` to the movers.',
  }),
  'room:admit': request({
    group: 'rooms', who: 'mediator', payload: z.object({ participantIds: z.array(Id).min(1).max(20) }).strict(), result: z.object({ admitted: z.number() }),
    doc: 'Let people waiting in the waiting room into the joint room (a `room:move` from their waiting place). Refused with `conflict` for someone not waiting.',
  }),
  'room:open-joint': request({
    group: 'rooms', who: 'mediator', payload: z.object({}).strict(), result: z.object({ admitted: z.number() }),
    doc: 'Everyone waiting comes into the joint room, and whoever joins later in this live session goes straight in.',
  }),
  'session:end': request({
    group: 'session', who: 'mediator',
    payload: z.object({ to: z.enum(['waiting-room', 'out']), reason: SessionEndReason }).strict(),
    result: z.object({ affected: z.number() }),
    doc: 'End the session for everyone, with a reason they are told. `waiting-room`: every party and advisor goes back to a waiting place of their own (as `room:move`) and whoever joins later waits until let in → `session:ended`. `out`: every connection, the caller\'s included, is closed with `session:closed` code 4420 and the reason.',
  }),
  'room:set-timer': request({
    group: 'rooms', who: 'mediator',
    payload: z.object({ roomId: RoomId, minutes: z.number().min(0.05).max(180).nullable(), warnSeconds: z.number().int().min(5).max(600).default(60) }).strict(),
    result: RoomResult,
    doc: 'Countdown for a room (null clears it) → `room:timer-warning`, then `room:timer-expired` and everyone in it returns to the joint room.',
  }),
  'room:set-share-policy': request({
    group: 'rooms', who: 'mediator', payload: z.object({ roomId: RoomId, allowMultipleShares: z.boolean() }).strict(), result: RoomResult,
    doc: 'One screen share per room unless allowed → `room:updated`.',
  }),
  'announcement:send': request({
    group: 'rooms', who: 'mediator', payload: z.object({ text: z.string().trim().min(1).max(500) }).strict(), result: z.object({ sent: z.literal(true) }),
    doc: '`announcement:made` to everyone in every room; kept (last 50) for the `session:join` of whoever comes or comes back later in this live session.',
  }),

  // --- asking for the mediator
  'assistance:request': request({
    group: 'rooms', who: 'anyone not with the mediator', payload: Nothing, result: z.object({ requestId: z.string() }),
    doc: "`assistance:requested` (mediator); answered by `assistance:resolve` or the mediator's arrival → `assistance:resolved`.",
  }),
  'assistance:resolve': request({
    group: 'rooms', who: 'mediator', payload: z.object({ requestId: Id }).strict(), result: z.object({ resolved: z.literal(true) }),
    doc: 'Close a request for the mediator → `assistance:resolved`.',
  }),

  // --- moderation (mediator) [2.11-v]
  'moderation:mute': request({
    group: 'moderation', who: 'mediator', payload: z.object({ participantIds: z.union([z.array(Id).min(1).max(50), z.literal('all')]) }).strict(), result: z.object({ muted: z.number() }),
    doc: "The server pauses the microphone and holds it (`micHeldBy` in presence); the person's own resume is refused (`forbidden`), a recreated microphone starts paused.",
  }),
  'moderation:ask-unmute': request({
    group: 'moderation', who: 'mediator', payload: z.object({ participantId: Id }).strict(), result: z.object({ asked: z.literal(true) }),
    doc: 'Lifts the hold and sends `moderation:unmute-requested` to the person; nothing is unmuted.',
  }),
  'moderation:stop-share': request({
    group: 'moderation', who: 'mediator', payload: z.object({ participantId: Id }).strict(), result: z.object({ stopped: z.number() }),
    doc: 'Closes their screen (+ its sound) → `moderation:share-stopped` to them.',
  }),

  // --- control of the shared stage [2.11-iv]
  'control:give': request({
    group: 'moderation', who: 'mediator', payload: z.object({ roomId: RoomId, participantId: Id }).strict(), result: RoomResult,
    doc: "Sets the room's `controllerId` → `room:updated`.",
  }),
  'control:take': request({
    group: 'moderation', who: 'mediator', payload: z.object({ roomId: RoomId }).strict(), result: RoomResult,
    doc: 'Clears the room\'s `controllerId` → `room:updated`.',
  }),
  'control:request': request({
    group: 'moderation', who: 'anyone but observers', payload: Nothing, result: z.object({ requested: z.literal(true) }),
    doc: '`control:requested` (mediator).',
  }),
  'stage:set': request({
    group: 'moderation', who: 'controller of the room', payload: z.object({ producerId: MsId.nullable() }).strict(), result: RoomResult,
    doc: 'Which share or camera is the main stage of their room (null = automatic) → `room:updated`; others get `forbidden`.',
  }),
  'stage:pointer': request({
    group: 'moderation', who: 'controller of the room', payload: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }).strict().nullable(), result: z.object({ sent: z.literal(true) }),
    doc: "Pointer over the stage, as fractions of its width and height (null hides it) → `stage:pointer-moved` to the room's occupants.",
  }),

  // --- threads (any consented person, also outside a live session) [2.10]
  'thread:list': request({
    group: 'threads', who: 'anyone consented', payload: Nothing, result: z.object({ threads: z.array(typed<ThreadSummary>('ThreadSummary')) }),
    doc: 'The threads this person is a member of.',
  }),
  'thread:history': request({
    group: 'threads', who: 'thread member',
    payload: z.object({ threadId: Id, beforeSeq: MessageSeq.min(1).optional(), limit: z.number().int().min(1).max(200).default(100) }).strict(),
    result: z.object({ messages: z.array(Message) }),
    doc: 'One page of messages, older than `beforeSeq`.',
  }),
  'message:send': request({
    group: 'threads', who: 'thread member', payload: z.object({ threadId: Id, body: MessageBody, clientId: z.uuid() }).strict(), result: z.object({ message: Message }),
    doc: '`clientId` makes a resend after a dropped connection idempotent → `message:posted` to every member.',
  }),
  'message:edit': request({
    group: 'threads', who: 'author, within 15 minutes', payload: z.object({ messageId: Id, body: MessageBody }).strict(), result: z.object({ message: Message }),
    doc: '→ `message:updated`.',
  }),
  'message:delete': request({
    group: 'threads', who: 'author or mediator', payload: z.object({ messageId: Id }).strict(), result: z.object({ deleted: z.literal(true) }),
    doc: '→ `message:removed` (the mediator gets a tombstone as `message:updated`).',
  }),
  'thread:read': request({
    group: 'threads', who: 'thread member', payload: z.object({ threadId: Id, upToSeq: MessageSeq }).strict(), result: z.object({ unread: z.number() }),
    doc: 'Marks the thread read up to a message.',
  }),
} as const;

export type RequestName = keyof typeof requests;
/** The payload schema of every request, as the server validates it. */
export const requestSchemas = Object.fromEntries(Object.entries(requests).map(([name, def]) => [name, def.payload])) as {
  [K in RequestName]: (typeof requests)[K]['payload'];
};
/** What a client sends (defaults may be omitted). */
export type RequestPayload<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
/** What a handler receives after validation (defaults filled in). */
export type RequestParsed<K extends RequestName> = z.infer<(typeof requestSchemas)[K]>;
/** What the ack of each request carries on success. */
export type RequestResults = { [K in RequestName]: z.output<(typeof requests)[K]['result']> };
/** The requests one handler file answers, e.g. `RequestsOf<'moderation'>`. */
export type RequestsOf<G extends HandlerGroupName> = { [K in RequestName]: (typeof requests)[K]['group'] extends G ? K : never }[RequestName];
export const requestNames = Object.keys(requests) as RequestName[];

const RoomRef = z.object({ roomId: z.string() });
const ConsumerRef = z.object({ consumerId: z.string() });
/** Why a consumer ended; 'not-received': its viewer did not confirm its `consumer:receive` in time, or refused it. */
export const ConsumerCloseReason = z.enum(['producer-closed', 'room-changed', 'transport-closed', 'not-received']);
export type ConsumerCloseReason = z.infer<typeof ConsumerCloseReason>;

export const notifications = {
  'participant:joined': notification({ doc: 'Someone entered the live session (redacted per viewer).', payload: Presence }),
  'participant:updated': notification({ doc: "Someone's presence changed: room, media, connection, hold (redacted per viewer).", payload: Presence }),
  'participant:left': notification({
    doc: 'Someone left, was disconnected past the grace period, replaced by a newer connection, or removed.',
    payload: z.object({ participantId: z.string(), reason: z.enum(['left', 'disconnected', 'replaced', 'removed']) }),
  }),
  'consumer:closed': notification({ doc: "A consumer ended; 'not-received': the client did not confirm its `consumer:receive` in time, or refused it.", payload: ConsumerRef.extend({ reason: ConsumerCloseReason }) }),
  'consumer:paused': notification({ doc: 'Its producer paused (mute, camera off).', payload: ConsumerRef }),
  'consumer:resumed': notification({ doc: 'Its producer resumed.', payload: ConsumerRef }),
  'room:updated': notification({ doc: 'A room this person may know about changed (created, timer, controller, stage, policy).', payload: RoomInfo }),
  'room:closed': notification({ doc: 'A caucus closed; its occupants are back in the joint room.', payload: RoomRef }),
  'room:timer-warning': notification({ doc: "A room's countdown is about to end.", payload: RoomRef.extend({ secondsLeft: z.number() }) }),
  'room:timer-expired': notification({ doc: "A room's countdown ended; everyone in it returns to the joint room.", payload: RoomRef }),
  'announcement:made': notification({ doc: 'To everyone, in every room.', payload: typed<Announcement>('Announcement') }),
  'assistance:requested': notification({
    doc: 'To the mediator: someone asks for them.',
    payload: z.object({ requestId: z.string(), from: Person, roomId: z.string(), roomName: z.string(), at: z.string() }),
  }),
  'assistance:resolved': notification({ doc: 'To the mediator and the person who asked.', payload: z.object({ requestId: z.string() }) }),
  'moderation:unmute-requested': notification({ doc: 'To the person only: the mediator asks them to unmute (they decide).', payload: z.object({ by: Person }) }),
  'participant:link-reused': notification({
    doc: "To the mediators: a person's invitation link was opened in another browser or on another device while they were connected, and that earlier connection was closed.",
    payload: z.object({ participant: Person, at: z.string() }),
  }),
  'consent:answered': notification({
    doc: 'To the mediator: someone declined the protocol agreement, asked about it, or withdrew their consent, with their words (also on the case page).',
    payload: CaseConsentAnswer,
  }),
  'moderation:share-stopped': notification({ doc: 'To the person only: the mediator stopped their screen share.', payload: z.object({ by: Person }) }),
  'control:requested': notification({ doc: 'To the mediator: someone asks for control of the stage.', payload: z.object({ from: Person, roomId: z.string() }) }),
  'stage:pointer-moved': notification({
    doc: "To the room's occupants: the controller's pointer (null = hidden).",
    payload: z.union([
      z.object({ participantId: z.string(), x: z.number(), y: z.number() }),
      z.object({ participantId: z.string(), x: z.null(), y: z.null() }),
    ]),
  }),
  'message:posted': notification({ doc: 'To every member of the thread, connected anywhere (live session or not).', payload: Message }),
  'message:updated': notification({ doc: 'An edit, or a deletion as seen by the mediator (tombstone).', payload: Message }),
  'message:removed': notification({ doc: 'A deletion as seen by everyone but the mediator.', payload: z.object({ threadId: z.string(), messageId: z.string() }) }),
  'thread:added': notification({ doc: 'The person was added to a thread (e.g. placed in a caucus) or one was created for them.', payload: typed<ThreadSummary>('ThreadSummary') }),
  'session:paused': notification({ doc: 'To everyone: the joint session paused (a party missing past the grace period, or by hand).', payload: Pause }),
  'session:resumed': notification({
    doc: 'To everyone: it goes on; `by` is the mediator when they resumed with someone still missing.',
    payload: z.object({ by: Person.nullable(), pausedSeconds: z.number() }),
  }),
  'agreement:updated': notification({
    doc: 'To everyone in the live session of the case: a version of the agreement was frozen, signed by someone, or withdrawn (an edit of the draft). `current` is the newest version, without its text.',
    payload: z.object({ current: typed<AgreementStatus>('AgreementStatus').nullable() }),
  }),
  'session:ended': notification({
    doc: 'To everyone in the live session: the mediator ended the joint session and parties and advisors are back in the waiting room, with the reason.',
    payload: z.object({ to: z.literal('waiting-room'), reason: z.string(), by: Person }),
  }),
  'session:closed': notification({
    doc: 'Sent just before the server ends the connection; 44xx codes are terminal (do not reconnect).',
    payload: z.object({ code: typed<CloseCode>('CloseCode'), message: z.string() }),
  }),
} as const;

export type NotificationName = keyof typeof notifications;
export type Notifications = { [K in NotificationName]: z.output<(typeof notifications)[K]['payload']> };

// --- server → client requests -----------------------------------------------------------------
// The server asks, the client answers in the ack. The ack crosses a trust boundary: the server
// validates it with the schema below before acting on it.

/**
 * `consumer:receive`: the server created a consumer for this person (video paused, sound flowing).
 * The client builds its local consumer, then acks; only a `{ ok: true }` ack makes the server
 * resume video, so the first keyframe is asked for exactly when the decoder is ready (sound needs
 * none: packets before the client's side exists are dropped, and the ack confirms it). Without
 * a valid ack in time (CONSUMER_ACK_TIMEOUT_MS by default) the server closes it (`consumer:closed`,
 * reason 'not-received'); the next `media:ready` or rejoin offers it again.
 */
export const ConsumerOffer = z.object({
  consumerId: MsId,
  /** The receive transport it was made on: the client builds it there, or declines it if that transport is not (or no longer) its own. */
  transportId: MsId,
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
