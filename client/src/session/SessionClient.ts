import { Device } from 'mediasoup-client';
import type { types as ms } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  canPublish,
  closeMessages,
  isTerminalClose,
  type Ack,
  type ClientToServerEvents,
  type CloseCode,
  type ConsumerAdded,
  type ErrorCode,
  type MediaSource,
  type Notifications,
  type Presence,
  type RequestName,
  type RequestPayload,
  type RequestResults,
  type ServerToClientEvents,
  type WireError,
} from '@parley/shared';
import { Store, initialSessionState, serialisableState, type ClosedReason, type RemoteMedia, type SessionState } from './store.ts';

/**
 * One live session of one person. Owns the socket.io connection and every mediasoup-client object
 * (Device, send/recv transports, producers, consumers) and reports everything into `store`.
 *
 * Lifecycle: `new SessionClient(credentials, devices)` → `start()` → … → `leave()`.
 * A non-terminal drop tears the media down and, once socket.io is back, runs the whole join flow
 * again (the server closes everything of a person who disconnects, docs/protocol.md step 7).
 * A 44xx `session:closed`, a refused handshake or `leave()` end the client for good.
 */

export type SessionCredentials = { kind: 'invitee'; token: string } | { kind: 'mediator'; caseId: string };

/** Chosen in pre-join. `null` means "do not use"; '' means "the browser's default device". */
export interface DeviceChoice {
  micDeviceId: string | null;
  cameraDeviceId: string | null;
}

export type RequestErrorCode = ErrorCode | 'timeout' | 'disconnected';

export class SessionRequestError extends Error {
  readonly code: RequestErrorCode;
  readonly request: RequestName;
  constructor(request: RequestName, code: RequestErrorCode, message: string) {
    super(message);
    this.name = 'SessionRequestError';
    this.request = request;
    this.code = code;
  }
}

export interface InboundStat {
  consumerId: string;
  participantId: string;
  displayName: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
}

export interface OutboundStat {
  producerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  packetsSent: number;
  bytesSent: number;
  framesEncoded: number;
}

export interface ParleyDebug {
  inboundStats(): Promise<InboundStat[]>;
  outboundStats(): Promise<OutboundStat[]>;
  state(): ReturnType<typeof serialisableState>;
}

declare global {
  interface Window {
    /** Test hook, set by the most recently started SessionClient. */
    __parleyDebug?: ParleyDebug;
  }
}

type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ConsumerAppData = { participantId: string; source: MediaSource };

const REQUEST_TIMEOUT_MS = 10_000;
const LEAVE_TIMEOUT_MS = 2_000;

/** Wire errors after which trying again cannot help: the person needs a new link or consent. */
const FINAL_ERRORS = new Set<string>([
  'unauthorised',
  'forbidden',
  'not_found',
  'consent_required',
  'link_expired',
  'link_revoked',
  'link_invalid',
  'bad_request',
]);

const MESSAGES = {
  reconnecting: 'Your connection dropped. Trying to reconnect… You will come back to the same room.',
  stillConnecting: 'Still trying to reach the session. Check your internet connection; we keep trying.',
  retryingJoin: 'We could not enter the session. Trying again…',
  unsupported:
    'This browser cannot take part in video sessions. Please open your link in a recent version of Chrome, Edge, Firefox or Safari.',
  left: 'You left the session.',
  noMedia: 'We could not start your camera or microphone. Others cannot see or hear you, but you can still follow the session.',
  noCamera: 'We could not start your camera. Others can hear you but not see you.',
  noMic: 'We could not start your microphone. Others can see you but not hear you.',
  micEnded: 'Your microphone stopped working. Others cannot hear you. Check that it is plugged in, then rejoin.',
  cameraEnded: 'Your camera stopped working. Others cannot see you. Check that it is connected, then rejoin.',
} as const;

function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

function errorCodeOf(error: unknown): string | null {
  if (error instanceof SessionRequestError) return error.code;
  return null;
}

function isLive(track: MediaStreamTrack | null): track is MediaStreamTrack {
  return track !== null && track.readyState === 'live';
}

export class SessionClient {
  readonly store = new Store<SessionState>(initialSessionState);

  private socket: TypedSocket | null = null;
  private device: Device | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private readonly producers = new Map<MediaSource, ms.Producer>();
  private readonly consumers = new Map<string, ms.Consumer<ConsumerAppData>>();
  /** consumer:closed / paused / resumed that arrived while the consumer was still being built. */
  private readonly earlyClosed = new Set<string>();
  private readonly earlyPaused = new Map<string, boolean>();

  /** Bumped whenever the connection drops: work started for an older generation is abandoned. */
  private generation = 0;
  private finished = false;
  private hasJoined = false;
  private mediaRequested = false;
  private reconnectAttempts = 0;
  private connectFailures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pendingServerMessage: string | null = null;
  private announcementId = 0;

  constructor(
    private readonly credentials: SessionCredentials,
    private readonly devices: DeviceChoice,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Public API

  start(): void {
    if (this.socket || this.finished) return;
    window.__parleyDebug = this.debugApi();
    this.setConnection({ status: 'connecting' });

    const auth =
      this.credentials.kind === 'invitee'
        ? { protocol: PROTOCOL_VERSION, token: this.credentials.token }
        : { protocol: PROTOCOL_VERSION, caseId: this.credentials.caseId };

    // Same origin: the cookie of a signed-in mediator travels with the WebSocket upgrade.
    const socket: TypedSocket = io({
      path: '/socket.io',
      transports: ['websocket'],
      auth,
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
      timeout: 10_000,
    });
    this.socket = socket;

    socket.on('connect', () => void this.onConnected());
    socket.on('disconnect', (reason) => this.onDisconnected(reason));
    socket.on('connect_error', (err) => this.onConnectError(err));

    socket.on('participant:joined', (p) => this.onParticipantJoined(p));
    socket.on('participant:updated', (p) => this.onParticipantUpdated(p));
    socket.on('participant:left', (e) => this.onParticipantLeft(e));
    socket.on('consumer:added', (c) => void this.onConsumerAdded(c));
    socket.on('consumer:closed', ({ consumerId }) => this.onConsumerClosed(consumerId));
    socket.on('consumer:paused', ({ consumerId }) => this.onConsumerPaused(consumerId, true));
    socket.on('consumer:resumed', ({ consumerId }) => this.onConsumerPaused(consumerId, false));
    socket.on('session:closed', (e) => this.onSessionClosed(e));

    socket.connect();
  }

  /** Leave on purpose: tell the server, then close everything. Safe to call more than once. */
  async leave(): Promise<void> {
    if (this.finished) return;
    if (this.socket?.connected) {
      try {
        await this.request('session:leave', {}, LEAVE_TIMEOUT_MS);
      } catch {
        // The server closes everything of a person who disconnects anyway.
      }
    }
    this.finish({ why: 'left', message: MESSAGES.left, code: null, canRejoin: true });
  }

  setMicOn(on: boolean): Promise<void> {
    return this.setSourcePaused('mic', !on);
  }

  setCameraOn(on: boolean): Promise<void> {
    return this.setSourcePaused('camera', !on);
  }

  /**
   * Send one request and wait for its ack. Rejects with a SessionRequestError carrying the wire
   * error code on `{ ok: false }`, 'timeout' when no ack came in time, 'disconnected' when offline.
   */
  request<K extends RequestName>(name: K, payload: RequestPayload<K>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<RequestResults[K]> {
    const socket = this.socket;
    if (!socket || !socket.connected) {
      return Promise.reject(new SessionRequestError(name, 'disconnected', 'Not connected.'));
    }
    return new Promise<RequestResults[K]>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new SessionRequestError(name, 'timeout', 'The server did not answer in time.'));
      }, timeoutMs);
      const ack = (res: Ack<RequestResults[K]>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (res && res.ok) resolve(res.data);
        else if (res && isWireError(res.error)) reject(new SessionRequestError(name, res.error.code, res.error.message));
        else reject(new SessionRequestError(name, 'internal', 'The server sent an answer we could not read.'));
      };
      // socket.io's typed emit cannot follow a generic event name through the mapped type.
      (socket as unknown as { emit(ev: K, p: RequestPayload<K>, a: typeof ack): void }).emit(name, payload, ack);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Connection lifecycle

  private async onConnected(): Promise<void> {
    if (this.finished) return;
    const generation = ++this.generation;
    this.teardownMedia();
    try {
      await this.join(generation);
    } catch (error) {
      if (generation !== this.generation || this.finished) return;
      this.onJoinFailed(error);
    }
  }

  private async join(generation: number): Promise<void> {
    const stale = () => generation !== this.generation || this.finished;

    const joined = await this.request('session:join', {});
    if (stale()) return;
    this.store.update((s) => ({
      ...s,
      caseId: joined.caseId,
      caseTitle: joined.caseTitle,
      self: joined.self,
      others: joined.participants.filter((p) => p.id !== joined.self.id),
    }));

    if (!this.device) {
      const device = await Device.factory();
      await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as ms.RtpCapabilities });
      this.device = device;
      if (stale()) return;
    }

    const publishes = canPublish(joined.self.role, 'mic') || canPublish(joined.self.role, 'camera');
    if (publishes) {
      this.sendTransport = await this.createTransport('send', generation);
      if (stale()) return;
    }
    this.recvTransport = await this.createTransport('recv', generation);
    if (stale()) return;

    if (publishes) {
      await this.ensureLocalTracks();
      if (stale()) return;
      await this.produceLocal(joined.self.role, generation);
      if (stale()) return;
    }

    // mediasoup-client's RtpCapabilities is wider than the wire schema (e.g. `parameters: any`);
    // the server validates it with the shared schema.
    const rtpCapabilities = this.device.recvRtpCapabilities as unknown as RequestPayload<'media:ready'>['rtpCapabilities'];
    await this.request('media:ready', { rtpCapabilities });
    if (stale()) return;

    const wasJoined = this.hasJoined;
    this.hasJoined = true;
    this.reconnectAttempts = 0;
    this.connectFailures = 0;
    this.pendingServerMessage = null;
    this.setConnection({ status: 'joined' });
    if (wasJoined) this.announce('You are back in the session.');
  }

  private onJoinFailed(error: unknown): void {
    const code = errorCodeOf(error);
    if (code === null && error instanceof Error && error.name === 'UnsupportedError') {
      this.finish({ why: 'failed', message: MESSAGES.unsupported, code: 'unsupported', canRejoin: false });
      return;
    }
    if (code !== null && FINAL_ERRORS.has(code)) {
      this.finish({ why: 'refused', message: (error as Error).message, code, canRejoin: false });
      return;
    }
    console.warn('[parley] joining failed, trying again', error);
    // Start from a clean slate on the server: drop the socket and connect again after a pause.
    this.setConnection({ status: 'reconnecting', message: MESSAGES.retryingJoin });
    this.socket?.disconnect();
  }

  private onDisconnected(reason: Socket.DisconnectReason): void {
    if (this.finished) return;
    this.generation++;
    this.teardownMedia();
    this.store.update((s) => ({ ...s, remote: [] }));
    const message = this.pendingServerMessage ?? MESSAGES.reconnecting;
    this.setConnection(this.hasJoined ? { status: 'reconnecting', message } : { status: 'connecting' });
    // socket.io retries by itself after network drops, but not after a disconnect that either side
    // asked for (server restart 4503, a failed join, a dead media transport): reconnect ourselves.
    if (reason === 'io server disconnect' || reason === 'io client disconnect') this.scheduleReconnect();
  }

  private onConnectError(err: Error): void {
    if (this.finished) return;
    const data = (err as Error & { data?: unknown }).data;
    if (isWireError(data) && FINAL_ERRORS.has(data.code)) {
      // The handshake was refused (bad link, no consent, wrong case): retrying cannot help.
      this.finish({ why: 'refused', message: data.message, code: data.code, canRejoin: false });
      return;
    }
    this.connectFailures++;
    if (this.connectFailures >= 3) {
      const message = MESSAGES.stillConnecting;
      this.setConnection(this.hasJoined ? { status: 'reconnecting', message } : { status: 'connecting', message });
    }
    // A refusal by server middleware leaves the socket inactive: socket.io will not retry it.
    if (!this.socket?.active) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.finished || this.reconnectTimer) return;
    const attempt = this.reconnectAttempts++;
    const base = Math.min(15_000, 1_000 * 2 ** Math.min(attempt, 4));
    const delay = base * (0.5 + Math.random()); // jitter: many clients must not come back at once
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.finished && this.socket && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  private onSessionClosed({ code, message }: Notifications['session:closed']): void {
    if (this.finished) return;
    const text = message || closeMessages[code as CloseCode] || 'The session ended.';
    if (isTerminalClose(code)) {
      // 44xx: final. Show why and never reconnect (a revoked link retried forever is a retry storm).
      this.finish({ why: 'terminal', message: text, code, canRejoin: code === 4409 });
    } else {
      // e.g. 4503 server restart: the disconnect follows; we reconnect from onDisconnected.
      this.pendingServerMessage = text;
      this.setConnection({ status: 'reconnecting', message: text });
    }
  }

  /** End for good: close every media object, stop the camera and microphone, drop the socket. */
  private finish(reason: ClosedReason): void {
    if (this.finished) return;
    this.finished = true;
    this.generation++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.teardownMedia();
    const { micTrack, cameraTrack } = this.store.getSnapshot().local;
    micTrack?.stop();
    cameraTrack?.stop();
    const socket = this.socket;
    if (socket) {
      socket.io.reconnection(false);
      socket.disconnect();
    }
    this.store.update((s) => ({
      ...s,
      connection: { status: 'closed', reason },
      others: [],
      remote: [],
      local: { ...s.local, micTrack: null, cameraTrack: null },
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Transports and local media

  private async createTransport(direction: 'send' | 'recv', generation: number): Promise<ms.Transport> {
    const device = this.device;
    if (!device) throw new Error('device not loaded');
    const options = await this.request('transport:create', { direction });
    const transportOptions: ms.TransportOptions = {
      id: options.id,
      iceParameters: options.iceParameters as ms.IceParameters,
      iceCandidates: options.iceCandidates as ms.IceCandidate[],
      dtlsParameters: options.dtlsParameters as ms.DtlsParameters,
    };
    const transport =
      direction === 'send' ? device.createSendTransport(transportOptions) : device.createRecvTransport(transportOptions);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData.source as MediaSource;
        this.request('producer:create', {
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as RequestPayload<'producer:create'>['rtpParameters'],
          source,
        }).then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }

    transport.on('connectionstatechange', (state) => {
      if (state !== 'failed' || generation !== this.generation || this.finished) return;
      // ICE/DTLS gave up (network changed, long outage). The protocol has no ICE restart yet, so
      // start over: dropping the socket makes the server close this person's media, then we rejoin.
      console.warn('[parley] media transport failed, rejoining', { direction });
      this.setConnection({ status: 'reconnecting', message: MESSAGES.reconnecting });
      this.socket?.disconnect();
    });

    if (generation !== this.generation) transport.close();
    return transport;
  }

  /**
   * Open the chosen camera and microphone, once per client: the tracks survive reconnects and are
   * produced again on every join. A device that stops later is reported by onTrackEnded.
   */
  private async ensureLocalTracks(): Promise<void> {
    if (this.mediaRequested) return;
    this.mediaRequested = true;
    const wantMic = this.devices.micDeviceId !== null;
    const wantCamera = this.devices.cameraDeviceId !== null;
    const { mic, camera } = await acquireTracks(this.devices.micDeviceId, this.devices.cameraDeviceId);
    if (this.finished) {
      mic?.stop();
      camera?.stop();
      return;
    }
    let warning: string | null = null;
    if (wantMic && !mic && wantCamera && !camera) warning = MESSAGES.noMedia;
    else if (wantMic && !mic) warning = MESSAGES.noMic;
    else if (wantCamera && !camera) warning = MESSAGES.noCamera;
    this.store.update((s) => ({
      ...s,
      local: { mic: mic ? 'on' : 'none', camera: camera ? 'on' : 'none', micTrack: mic, cameraTrack: camera, warning },
    }));
  }

  private async produceLocal(role: Presence['role'], generation: number): Promise<void> {
    const transport = this.sendTransport;
    const device = this.device;
    if (!transport || !device) return;
    const local = this.store.getSnapshot().local;

    const plan: Array<{ source: MediaSource; track: MediaStreamTrack | null; paused: boolean }> = [
      { source: 'mic', track: local.micTrack, paused: local.mic === 'off' },
      { source: 'camera', track: local.cameraTrack, paused: local.camera === 'off' },
    ];
    for (const { source, track, paused } of plan) {
      if (!isLive(track) || !canPublish(role, source)) continue;
      const kind = track.kind as 'audio' | 'video';
      if (!device.canProduce(kind)) continue;
      track.enabled = !paused;
      const producer = await transport.produce({
        track,
        stopTracks: false, // the tracks outlive a reconnect; finish() stops them
        appData: { source },
        ...(kind === 'audio'
          ? { codecOptions: { opusStereo: false, opusFec: true } }
          : { encodings: [{ maxBitrate: 700_000 }], codecOptions: { videoGoogleStartBitrate: 300 } }),
      });
      if (generation !== this.generation || this.finished) {
        producer.close();
        return;
      }
      this.producers.set(source, producer);
      producer.on('trackended', () => void this.onTrackEnded(source));
      if (paused) {
        producer.pause();
        await this.request('producer:set-paused', { producerId: producer.id, paused: true });
      }
    }
  }

  private async onTrackEnded(source: MediaSource): Promise<void> {
    const producer = this.producers.get(source);
    this.producers.delete(source);
    producer?.close();
    this.store.update((s) => ({
      ...s,
      local: {
        ...s.local,
        ...(source === 'mic' ? { mic: 'none' as const, micTrack: null } : { camera: 'none' as const, cameraTrack: null }),
        warning: source === 'mic' ? MESSAGES.micEnded : MESSAGES.cameraEnded,
      },
    }));
    if (producer && this.socket?.connected) {
      await this.request('producer:close', { producerId: producer.id }).catch(() => undefined);
    }
  }

  private async setSourcePaused(source: MediaSource, paused: boolean): Promise<void> {
    if (this.finished) return;
    const local = this.store.getSnapshot().local;
    const current = source === 'mic' ? local.mic : local.camera;
    if (current === 'none') return;
    const track = source === 'mic' ? local.micTrack : local.cameraTrack;
    // Local first: muting must take effect at once, even while offline.
    if (track) track.enabled = !paused;
    const value = paused ? ('off' as const) : ('on' as const);
    this.store.update((s) => ({ ...s, local: { ...s.local, [source]: value } }));

    const producer = this.producers.get(source);
    if (!producer || producer.closed) return; // applied when we produce again after a reconnect
    if (paused) producer.pause();
    else producer.resume();
    try {
      await this.request('producer:set-paused', { producerId: producer.id, paused });
    } catch (error) {
      // Offline: the state is re-sent when the join flow runs again. Otherwise the local pause
      // already keeps this person private; others may briefly see a stale icon.
      console.warn('[parley] producer:set-paused failed', { source, paused, code: errorCodeOf(error) });
    }
  }

  /** Close transports (which closes their producers and consumers). Local tracks stay open. */
  private teardownMedia(): void {
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.earlyClosed.clear();
    this.earlyPaused.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
  }

  // ---------------------------------------------------------------------------------------------
  // Notifications

  private async onConsumerAdded(added: ConsumerAdded): Promise<void> {
    const transport = this.recvTransport;
    const generation = this.generation;
    if (!transport || transport.closed || this.finished) return;
    let consumer: ms.Consumer<ConsumerAppData>;
    try {
      consumer = await transport.consume<ConsumerAppData>({
        id: added.consumerId,
        producerId: added.producerId,
        kind: added.kind,
        rtpParameters: added.rtpParameters as ms.RtpParameters,
        // One stream per person and kind of source keeps their audio and video in sync.
        streamId: `${added.participantId}-${added.source === 'mic' || added.source === 'camera' ? 'av' : added.source}`,
        appData: { participantId: added.participantId, source: added.source },
      });
    } catch (error) {
      console.warn('[parley] could not receive media', { consumerId: added.consumerId, error });
      return;
    }
    if (generation !== this.generation || this.finished || this.earlyClosed.has(consumer.id)) {
      this.earlyClosed.delete(consumer.id);
      consumer.close();
      return;
    }
    this.consumers.set(consumer.id, consumer);
    const producerPaused = this.earlyPaused.get(consumer.id) ?? added.producerPaused;
    this.earlyPaused.delete(consumer.id);
    const media: RemoteMedia = {
      consumerId: consumer.id,
      producerId: added.producerId,
      participantId: added.participantId,
      kind: added.kind,
      source: added.source,
      track: consumer.track,
      producerPaused,
    };
    this.store.update((s) => ({ ...s, remote: [...s.remote.filter((m) => m.consumerId !== consumer.id), media] }));
    consumer.on('transportclose', () => this.dropConsumer(consumer.id));
    consumer.on('trackended', () => this.dropConsumer(consumer.id));

    try {
      await this.request('consumer:resume', { consumerId: consumer.id });
    } catch (error) {
      console.warn('[parley] consumer:resume failed', { consumerId: consumer.id, code: errorCodeOf(error) });
    }
  }

  private onConsumerClosed(consumerId: string): void {
    if (!this.consumers.has(consumerId)) {
      this.earlyClosed.add(consumerId);
      return;
    }
    this.dropConsumer(consumerId);
  }

  private dropConsumer(consumerId: string): void {
    const consumer = this.consumers.get(consumerId);
    this.consumers.delete(consumerId);
    if (consumer && !consumer.closed) consumer.close();
    this.store.update((s) =>
      s.remote.some((m) => m.consumerId === consumerId) ? { ...s, remote: s.remote.filter((m) => m.consumerId !== consumerId) } : s,
    );
  }

  private onConsumerPaused(consumerId: string, paused: boolean): void {
    if (!this.consumers.has(consumerId)) {
      this.earlyPaused.set(consumerId, paused);
      return;
    }
    this.store.update((s) => ({
      ...s,
      remote: s.remote.map((m) => (m.consumerId === consumerId ? { ...m, producerPaused: paused } : m)),
    }));
  }

  private onParticipantJoined(p: Presence): void {
    const self = this.store.getSnapshot().self;
    if (self && p.id === self.id) {
      this.store.update((s) => ({ ...s, self: p }));
      return;
    }
    const known = this.store.getSnapshot().others.some((o) => o.id === p.id);
    this.store.update((s) => ({ ...s, others: known ? s.others.map((o) => (o.id === p.id ? p : o)) : [...s.others, p] }));
    if (!known && (!self || p.roomId === self.roomId)) this.announce(`${p.displayName} joined the room.`);
  }

  private onParticipantUpdated(p: Presence): void {
    this.store.update((s) => {
      if (s.self && s.self.id === p.id) return { ...s, self: p };
      const known = s.others.some((o) => o.id === p.id);
      return { ...s, others: known ? s.others.map((o) => (o.id === p.id ? p : o)) : [...s.others, p] };
    });
  }

  private onParticipantLeft({ participantId, reason }: Notifications['participant:left']): void {
    const s = this.store.getSnapshot();
    const person = s.others.find((o) => o.id === participantId);
    if (!person) return;
    for (const m of s.remote) if (m.participantId === participantId) this.dropConsumer(m.consumerId);
    this.store.update((st) => ({ ...st, others: st.others.filter((o) => o.id !== participantId) }));
    if (reason === 'disconnected') this.announce(`${person.displayName} lost their connection.`);
    else if (reason !== 'replaced') this.announce(`${person.displayName} left the room.`);
  }

  // ---------------------------------------------------------------------------------------------
  // Store helpers and test hook

  private setConnection(connection: SessionState['connection']): void {
    this.store.update((s) => ({ ...s, connection }));
  }

  private announce(text: string): void {
    const id = ++this.announcementId;
    this.store.update((s) => ({ ...s, announcement: { id, text } }));
  }

  private debugApi(): ParleyDebug {
    return {
      inboundStats: async () => {
        const others = this.store.getSnapshot().others;
        const out: InboundStat[] = [];
        for (const consumer of this.consumers.values()) {
          const { participantId, source } = consumer.appData;
          const stats = await consumer.getStats().catch(() => null);
          const entry = stats ? pickRtp(stats, 'inbound-rtp', consumer.rtpParameters.encodings?.[0]?.ssrc) : undefined;
          out.push({
            consumerId: consumer.id,
            participantId,
            displayName: others.find((o) => o.id === participantId)?.displayName ?? '',
            kind: consumer.kind as 'audio' | 'video',
            source,
            framesDecoded: num(entry?.framesDecoded),
            packetsReceived: num(entry?.packetsReceived),
            bytesReceived: num(entry?.bytesReceived),
          });
        }
        return out;
      },
      outboundStats: async () => {
        const out: OutboundStat[] = [];
        for (const [source, producer] of this.producers) {
          const stats = await producer.getStats().catch(() => null);
          const entry = stats ? pickRtp(stats, 'outbound-rtp', producer.rtpParameters.encodings?.[0]?.ssrc) : undefined;
          out.push({
            producerId: producer.id,
            kind: producer.kind as 'audio' | 'video',
            source,
            paused: producer.paused,
            packetsSent: num(entry?.packetsSent),
            bytesSent: num(entry?.bytesSent),
            framesEncoded: num(entry?.framesEncoded),
          });
        }
        return out;
      },
      state: () => serialisableState(this.store.getSnapshot()),
    };
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * The RTP stats entry of one stream. A report can hold other receivers' entries (mediasoup-client
 * keeps a hidden "probator" receiver), so match on the SSRC; an audio inbound-rtp entry only
 * exists after the first packet, in which case there is nothing to pick and the caller reports 0.
 */
function pickRtp(report: RTCStatsReport, type: 'inbound-rtp' | 'outbound-rtp', ssrc: number | undefined): Record<string, unknown> | undefined {
  let match: Record<string, unknown> | undefined;
  report.forEach((entry: Record<string, unknown>) => {
    if (match || entry.type !== type) return;
    if (ssrc === undefined || entry.ssrc === ssrc) match = entry;
  });
  return match;
}

/**
 * getUserMedia for the chosen devices. Tries both at once (one permission prompt), then each on
 * its own so a broken camera does not also cost the microphone. A chosen device that vanished
 * falls back to the browser's default one.
 */
export async function acquireTracks(
  micDeviceId: string | null,
  cameraDeviceId: string | null,
): Promise<{ mic: MediaStreamTrack | null; camera: MediaStreamTrack | null }> {
  if (!navigator.mediaDevices?.getUserMedia || (micDeviceId === null && cameraDeviceId === null)) {
    return { mic: null, camera: null };
  }
  const audio = (id: string | null, exact: boolean): MediaTrackConstraints | false =>
    id === null
      ? false
      : { ...(id && exact ? { deviceId: { exact: id } } : {}), echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  const video = (id: string | null, exact: boolean): MediaTrackConstraints | false =>
    id === null
      ? false
      : {
          ...(id && exact ? { deviceId: { exact: id } } : {}),
          width: { ideal: 640 },
          height: { ideal: 360 },
          frameRate: { ideal: 24, max: 30 },
        };

  const get = async (constraints: MediaStreamConstraints): Promise<MediaStream | null> => {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch {
      return null;
    }
  };

  let stream = await get({ audio: audio(micDeviceId, true), video: video(cameraDeviceId, true) });
  if (stream) {
    return { mic: stream.getAudioTracks()[0] ?? null, camera: stream.getVideoTracks()[0] ?? null };
  }
  let mic: MediaStreamTrack | null = null;
  let camera: MediaStreamTrack | null = null;
  if (micDeviceId !== null) {
    stream = (await get({ audio: audio(micDeviceId, true) })) ?? (await get({ audio: audio(micDeviceId, false) }));
    mic = stream?.getAudioTracks()[0] ?? null;
  }
  if (cameraDeviceId !== null) {
    stream = (await get({ video: video(cameraDeviceId, true) })) ?? (await get({ video: video(cameraDeviceId, false) }));
    camera = stream?.getVideoTracks()[0] ?? null;
  }
  return { mic, camera };
}
