import type { Socket } from 'socket.io-client';
import {
  canPublish,
  closeMessages,
  isTerminalClose,
  type CloseCode,
  type ConsumerAdded,
  type MediaSource,
  type Notifications,
  type Presence,
  type RequestName,
  type RequestPayload,
  type RequestResults,
} from '@parley/shared';
import { debugApi } from './debug-hook.ts';
import { openLocalMedia, type DeviceChoice } from './local-media.ts';
import { MediaEngine, type Direction, type ProduceItem, type Stale } from './MediaEngine.ts';
import { MESSAGES } from './messages.ts';
import {
  REQUEST_TIMEOUT_MS,
  SessionRequestError,
  Signalling,
  errorCodeOf,
  isFinalError,
  isWireError,
  type SessionCredentials,
} from './Signalling.ts';
import { Store, initialSessionState, type ClosedReason, type RemoteMedia, type SessionState } from './store.ts';
import {
  afterJoin,
  closedState,
  leftAnnouncement,
  withPerson,
  withRemote,
  withRemotePaused,
  withSourceEnded,
  withSourcePaused,
  withoutPerson,
  withoutRemote,
} from './transitions.ts';

export type { DeviceChoice } from './local-media.ts';
export { SessionRequestError, type RequestErrorCode, type SessionCredentials } from './Signalling.ts';

const LEAVE_TIMEOUT_MS = 2_000;

/**
 * One live session of one person: runs the join flow over `Signalling`, drives the `MediaEngine`,
 * and is the only writer of `store`.
 *
 * Lifecycle: `new SessionClient(credentials, devices)` → `start()` → … → `leave()`.
 * A non-terminal drop tears the media down and, once socket.io is back, runs the whole join flow
 * again (the server closes everything of a person who disconnects, docs/protocol.md step 7).
 * A 44xx `session:closed`, a refused handshake or `leave()` end the client for good.
 */
export class SessionClient {
  readonly store = new Store<SessionState>(initialSessionState);

  private signalling: Signalling | null = null;
  private readonly media = new MediaEngine({
    request: (name, payload) => this.request(name, payload),
    transportFailed: (direction) => this.onTransportFailed(direction),
    trackEnded: (source) => void this.onTrackEnded(source),
    consumerGone: (consumerId) => this.dropConsumer(consumerId),
  });

  /** Bumped whenever the connection drops: work started for an older generation is abandoned. */
  private generation = 0;
  private finished = false;
  private hasJoined = false;
  private mediaRequested = false;
  private connectFailures = 0;
  private pendingServerMessage: string | null = null;
  private announcementId = 0;

  constructor(
    private readonly credentials: SessionCredentials,
    private readonly devices: DeviceChoice,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Public API

  start(): void {
    if (this.signalling || this.finished) return;
    window.__parleyDebug = debugApi(this.media, this.store);
    this.setConnection({ status: 'connecting' });

    const signalling = new Signalling(this.credentials);
    this.signalling = signalling;
    const { socket } = signalling;

    socket.on('connect', () => void this.onConnected());
    socket.on('disconnect', (reason) => this.onDisconnected(reason));
    socket.on('connect_error', (err) => this.onConnectError(err));

    socket.on('participant:joined', (p) => this.onParticipantJoined(p));
    socket.on('participant:updated', (p) => this.store.update((s) => withPerson(s, p)));
    socket.on('participant:left', (e) => this.onParticipantLeft(e));
    socket.on('consumer:added', (c) => void this.onConsumerAdded(c));
    socket.on('consumer:closed', ({ consumerId }) => this.onConsumerClosed(consumerId));
    socket.on('consumer:paused', ({ consumerId }) => this.onConsumerPaused(consumerId, true));
    socket.on('consumer:resumed', ({ consumerId }) => this.onConsumerPaused(consumerId, false));
    socket.on('session:closed', (e) => this.onSessionClosed(e));

    signalling.connect();
  }

  /** Leave on purpose: tell the server, then close everything. Safe to call more than once. */
  async leave(): Promise<void> {
    if (this.finished) return;
    if (this.signalling?.connected) {
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

  /** See Signalling.request; rejects with 'disconnected' before start(). */
  request<K extends RequestName>(name: K, payload: RequestPayload<K>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<RequestResults[K]> {
    if (!this.signalling) return Promise.reject(new SessionRequestError(name, 'disconnected', 'Not connected.'));
    return this.signalling.request(name, payload, timeoutMs);
  }

  // ---------------------------------------------------------------------------------------------
  // Connection lifecycle

  private async onConnected(): Promise<void> {
    if (this.finished) return;
    const generation = ++this.generation;
    this.media.closeAll();
    try {
      await this.join(this.staleAfter(generation));
    } catch (error) {
      if (generation !== this.generation || this.finished) return;
      this.onJoinFailed(error);
    }
  }

  private async join(stale: Stale): Promise<void> {
    const joined = await this.request('session:join', {});
    if (stale()) return;
    this.store.update((s) => afterJoin(s, joined));

    if (!this.media.loaded) {
      await this.media.load(joined.routerRtpCapabilities);
      if (stale()) return;
    }

    const role = joined.self.role;
    const publishes = canPublish(role, 'mic') || canPublish(role, 'camera');
    if (publishes) {
      await this.media.openTransport('send', stale);
      if (stale()) return;
    }
    await this.media.openTransport('recv', stale);
    if (stale()) return;

    if (publishes) {
      await this.ensureLocalTracks();
      if (stale()) return;
      await this.media.produce(this.producePlan(role), stale);
      if (stale()) return;
    }

    await this.request('media:ready', { rtpCapabilities: this.media.recvRtpCapabilities() });
    if (stale()) return;

    const wasJoined = this.hasJoined;
    this.hasJoined = true;
    this.signalling?.resetBackoff();
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
    if (isFinalError(code)) {
      this.finish({ why: 'refused', message: (error as Error).message, code, canRejoin: false });
      return;
    }
    console.warn('[parley] joining failed, trying again', error);
    // Start from a clean slate on the server: drop the socket and connect again after a pause.
    this.setConnection({ status: 'reconnecting', message: MESSAGES.retryingJoin });
    this.signalling?.disconnect();
  }

  private onDisconnected(reason: Socket.DisconnectReason): void {
    if (this.finished) return;
    this.generation++;
    this.media.closeAll();
    this.store.update((s) => ({ ...s, remote: [] }));
    const message = this.pendingServerMessage ?? MESSAGES.reconnecting;
    this.setConnection(this.hasJoined ? { status: 'reconnecting', message } : { status: 'connecting' });
    // socket.io retries by itself after network drops, but not after a disconnect that either side
    // asked for (server restart 4503, a failed join, a dead media transport): reconnect ourselves.
    if (reason === 'io server disconnect' || reason === 'io client disconnect') this.signalling?.scheduleReconnect();
  }

  private onConnectError(err: Error): void {
    if (this.finished) return;
    const data = (err as Error & { data?: unknown }).data;
    if (isWireError(data) && isFinalError(data.code)) {
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
    if (this.signalling && !this.signalling.active) this.signalling.scheduleReconnect();
  }

  private onTransportFailed(direction: Direction): void {
    // ICE/DTLS gave up (network changed, long outage). The protocol has no ICE restart yet, so
    // start over: dropping the socket makes the server close this person's media, then we rejoin.
    console.warn('[parley] media transport failed, rejoining', { direction });
    this.setConnection({ status: 'reconnecting', message: MESSAGES.reconnecting });
    this.signalling?.disconnect();
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
    this.media.closeAll();
    const { micTrack, cameraTrack } = this.store.getSnapshot().local;
    micTrack?.stop();
    cameraTrack?.stop();
    this.signalling?.close();
    this.store.update((s) => closedState(s, reason));
  }

  private staleAfter(generation: number): Stale {
    return () => generation !== this.generation || this.finished;
  }

  // ---------------------------------------------------------------------------------------------
  // Local media

  /**
   * Open the chosen camera and microphone, once per client: the tracks survive reconnects and are
   * produced again on every join. A device that stops later is reported by onTrackEnded.
   */
  private async ensureLocalTracks(): Promise<void> {
    if (this.mediaRequested) return;
    this.mediaRequested = true;
    const local = await openLocalMedia(this.devices);
    if (this.finished) {
      local.micTrack?.stop();
      local.cameraTrack?.stop();
      return;
    }
    this.store.update((s) => ({ ...s, local }));
  }

  private producePlan(role: Presence['role']): ProduceItem[] {
    const local = this.store.getSnapshot().local;
    const plan: ProduceItem[] = [
      { source: 'mic', track: local.micTrack, paused: local.mic === 'off' },
      { source: 'camera', track: local.cameraTrack, paused: local.camera === 'off' },
    ];
    return plan.filter(({ source }) => canPublish(role, source));
  }

  private async onTrackEnded(source: MediaSource): Promise<void> {
    const producer = this.media.closeProducer(source);
    this.store.update((s) => withSourceEnded(s, source, source === 'mic' ? MESSAGES.micEnded : MESSAGES.cameraEnded));
    if (producer && this.signalling?.connected) {
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
    this.store.update((s) => withSourcePaused(s, source, paused));

    const producerId = this.media.setProducerPaused(source, paused);
    if (producerId === null) return; // applied when we produce again after a reconnect
    try {
      await this.request('producer:set-paused', { producerId, paused });
    } catch (error) {
      // Offline: the state is re-sent when the join flow runs again. Otherwise the local pause
      // already keeps this person private; others may briefly see a stale icon.
      console.warn('[parley] producer:set-paused failed', { source, paused, code: errorCodeOf(error) });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Notifications

  private async onConsumerAdded(added: ConsumerAdded): Promise<void> {
    if (this.finished) return;
    const built = await this.media.consume(added, this.staleAfter(this.generation));
    if (!built) return;
    const { consumer, producerPaused } = built;
    const media: RemoteMedia = {
      consumerId: consumer.id,
      producerId: added.producerId,
      participantId: added.participantId,
      kind: added.kind,
      source: added.source,
      track: consumer.track,
      producerPaused,
    };
    this.store.update((s) => withRemote(s, media));

    try {
      await this.request('consumer:resume', { consumerId: consumer.id });
    } catch (error) {
      console.warn('[parley] consumer:resume failed', { consumerId: consumer.id, code: errorCodeOf(error) });
    }
  }

  private onConsumerClosed(consumerId: string): void {
    if (this.media.consumerClosed(consumerId)) this.store.update((s) => withoutRemote(s, consumerId));
  }

  private dropConsumer(consumerId: string): void {
    this.media.closeConsumer(consumerId);
    this.store.update((s) => withoutRemote(s, consumerId));
  }

  private onConsumerPaused(consumerId: string, paused: boolean): void {
    if (!this.media.consumerPaused(consumerId, paused)) return;
    this.store.update((s) => withRemotePaused(s, consumerId, paused));
  }

  private onParticipantJoined(p: Presence): void {
    const { self, others } = this.store.getSnapshot();
    const isNew = !(self && p.id === self.id) && !others.some((o) => o.id === p.id);
    this.store.update((s) => withPerson(s, p));
    if (isNew && (!self || p.roomId === self.roomId)) this.announce(`${p.displayName} joined the room.`);
  }

  private onParticipantLeft({ participantId, reason }: Notifications['participant:left']): void {
    const s = this.store.getSnapshot();
    const person = s.others.find((o) => o.id === participantId);
    if (!person) return;
    for (const m of s.remote) if (m.participantId === participantId) this.dropConsumer(m.consumerId);
    this.store.update((st) => withoutPerson(st, participantId));
    const text = leftAnnouncement(person, reason);
    if (text) this.announce(text);
  }

  // ---------------------------------------------------------------------------------------------
  // Store helpers not covered by transitions.ts

  private setConnection(connection: SessionState['connection']): void {
    this.store.update((s) => ({ ...s, connection }));
  }

  private announce(text: string): void {
    const id = ++this.announcementId;
    this.store.update((s) => ({ ...s, announcement: { id, text } }));
  }
}
