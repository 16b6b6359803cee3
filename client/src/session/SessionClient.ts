import {
  canPublish,
  closeMessages,
  isReplacedClose,
  isTerminalClose,
  CloseCode,
  type Notifications,
  type RequestName,
  type RequestPayload,
  type RequestResults,
} from '@parley/shared';
import { liveActions } from './actions.ts';
import { Breakdown } from './Breakdown.ts';
import { afterJoinBreakdown, withOutage, withRecovered } from './breakdown-transitions.ts';
import { debugApi, testHooks } from './debug-hook.ts';
import type { DeviceChoice } from './local-media.ts';
import { LiveRoom } from './LiveRoom.ts';
import { LocalSources, type SourceDeps } from './LocalSources.ts';
import { MediaEngine, type Direction, type Stale } from './MediaEngine.ts';
import { MESSAGES, OUTAGE_TITLES } from './messages.ts';
import { withSnapshotBroadcasts } from './room-transitions.ts';
import { NetworkMonitor } from './NetworkMonitor.ts';
import { Others } from './Others.ts';
import { ScreenShare, isScreenKey } from './ScreenShare.ts';
import { withNotice, withoutProducerIds } from './source-transitions.ts';
import type { SourceKey } from './sources.ts';
import {
  REQUEST_TIMEOUT_MS,
  SessionRequestError,
  Signalling,
  errorCodeOf,
  isFinalError,
  isWireError,
  type SessionCredentials,
} from './Signalling.ts';
import { Store, initialSessionState, type ClosedReason, type OutageStep, type SessionState } from './store.ts';
import { afterJoin, closedState } from './transitions.ts';
import { markStep } from './timeline.ts';
import { atMost, delay, drawnFrames, flowing } from './waits.ts';

export type { DeviceChoice } from './local-media.ts';
export { SessionRequestError, type RequestErrorCode, type SessionCredentials } from './Signalling.ts';

const LEAVE_TIMEOUT_MS = 2_000;
/** The longest our own camera and microphone wait for the others' media to start flowing at join. */
const RECEIVE_FIRST_MAX_MS = 1_500;
/** The longest an offered consumer being built holds back redrawing the screen (Store.hold). */
const SCREEN_HOLD_MAX_MS = 250;
/**
 * The longest a join waits for the consumers offered with it to be built: the whole session
 * screen (after a first join) and our own send transport wait for them (see joinFlow).
 */
const OFFERS_BUILT_MAX_MS = 400;
/**
 * After a first join, the longest the light joining view waits (once the offered media is built)
 * for the others' pictures to arrive before the whole session screen is drawn.
 */
const FIRST_PICTURES_MAX_MS = 600;
/** …and, once they arrive, for the page to show them (two drawn frames; never more than this). */
const FIRST_FRAMES_DRAWN_MAX_MS = 100;

/**
 * One live session of one person: runs the join flow over `Signalling`, drives the `MediaEngine`,
 * and owns `store`. The helpers it creates, one per concept, write to that store only through the
 * `update` function it hands them, and only with the pure transitions of *-transitions.ts:
 * `sources` (microphone, cameras), `screen` (screen share), `others` (other people and their
 * media) and `room` (rooms, moderation, requests, stage). Nothing else writes to it.
 *
 * Lifecycle: `new SessionClient(credentials)` → `start()` (on the pre-join screen: connects and loads
 * the device, nothing changes on the server) → `join(devices)` → … → `leave()`. `join` alone also
 * starts.
 * A non-terminal drop tears the media down and, once Signalling has reconnected, runs the whole join flow
 * again (the server closes everything of a person who disconnects, docs/protocol.md step 7).
 * A 44xx `session:closed`, a refused handshake or `leave()` end the client for good.
 */
export class SessionClient {
  readonly store = new Store<SessionState>(initialSessionState);

  private signalling: Signalling | null = null;
  /** What every helper below gets: the server, and the store to read and (through transitions) write. */
  private readonly core = {
    request: <K extends RequestName>(name: K, payload: RequestPayload<K>) => this.request(name, payload),
    read: () => this.store.getSnapshot(),
    update: (change: (s: SessionState) => SessionState) => this.store.update(change),
  };
  /** What screens do, by name (actions.ts): components never spell a wire message name. */
  private readonly actions = liveActions(this.core.request);
  readonly rooms = this.actions.rooms;
  readonly moderation = this.actions.moderation;
  readonly control = this.actions.control;
  readonly stage = this.actions.stage;
  readonly announcements = this.actions.announcements;
  readonly session = this.actions.session;
  private readonly media = new MediaEngine({
    request: this.core.request,
    transportFailed: (direction) => this.onTransportFailed(direction),
    mediaTrouble: (direction) => {
      this.mediaTroubled.add(direction);
      if (this.hasJoined) this.markOutage('repairing-media');
    },
    mediaRestored: (direction, restarted) => this.onMediaRestored(direction, restarted),
    trackEnded: (key) => void this.onTrackEnded(key),
    consumerGone: (consumerId) => this.others.dropConsumer(consumerId),
  });
  private readonly sourceDeps: SourceDeps = {
    media: this.media,
    ...this.core,
    notice: (text) => this.notice(text),
    stale: () => this.staleAfter(this.generation),
    finished: () => this.finished,
  };
  /** Microphone, primary and extra cameras. */
  readonly sources = new LocalSources(this.sourceDeps);
  /** The screen share. */
  readonly screen = new ScreenShare(this.sourceDeps);
  /** The other people and the media received from them. */
  private readonly others: Others = new Others({
    media: this.media,
    ...this.core,
    announce: (text) => this.announce(text),
    stale: () => this.staleAfter(this.generation),
    finished: () => this.finished,
    selfChanged: (before, now) => this.room.afterSelfChanged(before, now),
    otherChanged: (p) => this.room.afterOtherChanged(p),
    holdScreen: () => this.store.hold(SCREEN_HOLD_MAX_MS),
  });
  /** Rooms, moderation, requests and the stage, as this person lives them. */
  readonly room = new LiveRoom({
    ...this.core,
    announce: (text) => this.announce(text),
    notice: (text) => this.notice(text),
    holdMic: () => this.sources.holdMic(),
    unmute: () => this.sources.unmuteAfterAsk(),
    stopSharing: () => this.screen.stop(),
    connected: () => !!this.signalling?.connected,
  });
  /** The paused joint session and the audio-only rung [3.6.13, 3.7.17]. */
  readonly breakdown = new Breakdown({
    ...this.core,
    announce: (text) => this.announce(text),
    setCamerasForAudioOnly: (on) => this.sources.setAudioOnly(on),
    connected: () => !!this.signalling?.connected,
  });
  private readonly network = new NetworkMonitor({
    stats: () => this.media.transportStats(),
    sendingVideo: () => this.media.sendingVideo,
    measuring: () => this.store.getSnapshot().connection.status === 'joined' && !this.store.getSnapshot().outage,
    onSample: (sample) => this.breakdown.onSample(sample),
  });

  /** Transports being repaired with an ICE restart; my media is back when none is left. */
  private readonly mediaTroubled = new Set<Direction>();
  /** Bumped whenever the connection drops: work started for an older generation is abandoned. */
  private generation = 0;
  private finished = false;
  private hasJoined = false;
  private connectFailures = 0;
  /** Set by join(): from then on every (re)connection joins. Before it, connecting only prepares. */
  private devices: DeviceChoice | null = null;
  /** Loading the device on the pre-join screen; a join that starts meanwhile waits for it. */
  private preparing: Promise<void> | null = null;
  /** Whether `preparing` has settled: the join then goes out within the click itself (no await first). */
  private prepared = false;
  private pendingServerMessage: string | null = null;
  private announcementId = 0;
  private noticeId = 0;

  constructor(private readonly credentials: SessionCredentials) {}

  /** True once the client ended for good (left, refused, closed by the server). */
  get ended(): boolean {
    return this.finished;
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  start(): void {
    if (this.signalling || this.finished) return;
    // Dead code in production builds: the bundler drops the hook and everything only it uses.
    if (testHooks) window.__parleyDebug = debugApi(this.media, this.store, (name, payload) => this.request(name, payload), (sample) => this.network.simulate(sample));
    this.setConnection({ status: 'connecting' });
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);

    const signalling = new Signalling(this.credentials);
    this.signalling = signalling;
    const { socket } = signalling;

    socket.on('connect', () => void this.onConnected());
    socket.on('disconnect', () => this.onDisconnected());
    socket.on('connect_error', (err) => this.onConnectError(err));

    socket.on('session:closed', (e) => this.onSessionClosed(e));
    this.others.listen(socket);
    this.room.listen(socket);
    this.breakdown.listen(socket);

    signalling.connect();
  }

  /**
   * Resolves once the others' media can flow to this page (the receive transport connected, or
   * failed, or none), at most `maxMs` from now: what the screen draws after the stage waits for
   * it, so that drawing does not compete with connecting.
   */
  receiving(maxMs: number): Promise<void> {
    return this.media.recvConnected(maxMs);
  }

  /** Join the session with these devices (the pre-join screen's choice); once per client. */
  join(devices: DeviceChoice): void {
    if (this.finished || this.devices) return;
    this.devices = devices;
    if (!this.signalling) this.start();
    else if (this.signalling.connected) void this.runJoin(this.generation);
    // Otherwise onConnected joins when the connection is (back) up.
  }

  /** Leave on purpose: tell the server, then close everything. Safe to call more than once. */
  async leave(): Promise<void> {
    if (this.finished) return;
    // Someone who never pressed Join is not in the session: closing the connection is enough.
    if (this.devices && this.signalling?.connected) {
      try {
        await this.request('session:leave', {}, LEAVE_TIMEOUT_MS);
      } catch {
        // The server closes everything of a person who disconnects anyway.
      }
    }
    this.finish({ why: 'left', message: MESSAGES.left, code: null, canRejoin: true });
  }

  setMicOn(on: boolean): Promise<void> {
    return this.sources.setMicOn(on);
  }

  setCameraOn(on: boolean): Promise<void> {
    return this.sources.setCameraOn(on);
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
    markStep('socket-connected');
    this.media.closeAll();
    this.mediaTroubled.clear();
    if (this.devices) await this.runJoin(generation);
    else {
      this.prepared = false;
      this.preparing = this.prepare(this.staleAfter(generation)).finally(() => {
        this.prepared = true;
      });
    }
  }

  /**
   * On the pre-join screen: load the device with the SFU's capabilities, so that pressing Join
   * does not wait for it. A failure here is not shown: the join loads the device itself and
   * reports what goes wrong then.
   */
  private async prepare(stale: Stale): Promise<void> {
    try {
      const withReceive = !(testHooks && window.__parleyNoPrepareReceive);
      const { routerRtpCapabilities, receive } = await this.request('session:prepare', withReceive ? { receive: true } : {});
      if (stale()) return;
      if (!this.media.loadedFor(routerRtpCapabilities)) {
        await this.media.load(routerRtpCapabilities);
        markStep('device-loaded');
        if (stale()) return;
      }
      // Not awaited: the receive side connects while the person checks their camera; Join need not wait for it.
      if (receive) void this.media.prepareReceive(receive, stale);
    } catch (error) {
      console.info('[parley] could not prepare the media device before joining', error);
    }
  }

  private async runJoin(generation: number): Promise<void> {
    try {
      await this.joinFlow(this.staleAfter(generation));
    } catch (error) {
      if (generation !== this.generation || this.finished) return;
      this.onJoinFailed(error);
    }
  }

  /**
   * Join and receive in one request when the device is loaded (it is, after the pre-join screen):
   * the server opens the receive transport and offers the others' media at once. Our own camera and
   * microphone open meanwhile, but are sent only once the others' media can flow (or after
   * RECEIVE_FIRST_MAX_MS): on a busy phone, encoding our camera would otherwise delay the first
   * picture of the others. Who sees and hears what is the server's decision either way.
   */
  private async joinFlow(stale: Stale): Promise<void> {
    const devices = this.devices!;
    if (!this.prepared) await this.preparing;
    if (stale()) return;
    const askedWith = this.media.loaded ? this.media.recvRtpCapabilities() : null;
    // The receive transport connected on the pre-join screen, for the server to adopt.
    const preparedId = askedWith ? this.media.preparedRecvId() : null;
    markStep('join-sent');
    const joined = await this.request('session:join', askedWith ? { receive: { rtpCapabilities: askedWith, ...(preparedId ? { transportId: preparedId } : {}) } } : {});
    markStep('join-ack');
    if (stale()) return;
    // Loaded on the pre-join screen for the SFU's capabilities; loaded again only if they changed.
    const reloaded = !this.media.loadedFor(joined.routerRtpCapabilities);
    // Our side of the receive transport before anything else: the offers waiting for it start
    // building (the browser negotiates them off this thread) while the screen renders the join.
    const receiveOpened = !!joined.receive && !reloaded;
    /** Our side of the join's receive transport: the prepared one if the server adopted it, else the new one. */
    const takeReceive = (receive: NonNullable<typeof joined.receive>) => {
      if (receive.transport) this.media.useTransport('recv', receive.transport, stale);
      else this.media.adoptPrepared();
      markStep('recv-transport-created');
    };
    if (receiveOpened) takeReceive(joined.receive!);
    const before = this.store.getSnapshot().self;
    const rejoined = this.hasJoined;
    this.store.update((s) => withSnapshotBroadcasts(afterJoinBreakdown(afterJoin(s, joined), joined, Date.now()), joined.announcements, rejoined, Date.now()));
    this.room.afterSelfChanged(before, joined.self);
    /** Everything offered with the join is built (or OFFERS_BUILT_MAX_MS passed). */
    const offersBuilt = receiveOpened && joined.receive!.offers > 0 ? this.media.consumersBuilt(OFFERS_BUILT_MAX_MS) : Promise.resolve();
    /** A first join's whole screen is drawn (showSessionAfterPictures); at once on a rejoin. */
    const shown = this.store.getSnapshot().arriving ? this.showSessionAfterPictures(offersBuilt, stale) : Promise.resolve();

    if (reloaded) {
      await this.media.load(joined.routerRtpCapabilities);
      markStep('device-loaded');
      if (stale()) return;
    }

    const role = joined.self.role;
    const publishes = canPublish(role, 'mic') || canPublish(role, 'camera');
    /** How many consumers the server offered us. */
    const receiving = async (): Promise<number> => {
      if (receiveOpened) return joined.receive!.offers;
      if (joined.receive) {
        // A device loaded afresh declares its new capabilities below (offers made for the old
        // ones that cannot be built are declined, and offered again by media:ready).
        takeReceive(joined.receive);
      } else {
        await this.media.openTransport('recv', stale);
        markStep('recv-transport-created');
      }
      if (stale()) return 0;
      const { consumers } = await this.request('media:ready', { rtpCapabilities: this.media.recvRtpCapabilities() });
      markStep('media-ready-ack');
      return consumers;
    };
    const sending = async (received: Promise<number>) => {
      // The camera and microphone open while we receive (getUserMedia may wait for the person to
      // allow it); those the pre-join screen hands over are taken once the others' pictures are
      // shown, as their own picture would take the page's thread meanwhile. The send transport (a
      // second peer connection, costly to set up on a phone) once what was offered is built and
      // shown, so that it does not compete with receiving.
      const opened = devices.preview ? shown.then(() => (stale() ? undefined : this.sources.open(devices))) : this.sources.open(devices);
      // Awaited below; this only keeps a return in between from leaving a failure unhandled.
      opened.catch(() => undefined);
      const offered = await received;
      // Offers that came with media:ready (no receive in the join) are being built by now too.
      if (offered > 0) await (receiveOpened ? offersBuilt : this.media.consumersBuilt(OFFERS_BUILT_MAX_MS));
      // On a first join, not before the others' pictures are shown either (at most about a second):
      // building the send side takes the page's thread just when the browser starts showing them.
      await shown;
      if (stale()) return;
      await Promise.all([this.media.openTransport('send', stale), opened]);
      if (stale()) return;
      if (offered > 0) await this.media.recvConnected(RECEIVE_FIRST_MAX_MS);
      if (stale()) return;
      const failures = await this.media.produce([...this.sources.plan(role), ...this.screen.plan()], stale);
      if (stale()) return;
      this.sources.afterProduce(failures);
      this.screen.afterProduce(failures);
    };
    const received = receiving();
    await Promise.all([received, publishes ? sending(received) : undefined]);
    if (stale()) return;

    const wasJoined = this.hasJoined;
    this.hasJoined = true;
    this.signalling?.resetBackoff();
    this.connectFailures = 0;
    this.pendingServerMessage = null;
    this.setConnection({ status: 'joined' });
    this.store.update((s) => withRecovered(s, Date.now()));
    if (wasJoined) this.announce('You are back in the session.');
    this.network.restart();
    this.network.start();
    this.breakdown.afterJoin(joined);
  }

  /**
   * The first join: the light joining view (the stage and a way out, SessionScreen) shows the
   * others' pictures as they come; the whole session screen is drawn once they are shown. Drawing
   * it takes the page's main thread for tens of milliseconds (more on a busy phone), which the
   * browser needs first to build the offered media, then to start showing each new picture. So it
   * waits for everything offered with the join to be built (`offersBuilt`, at most
   * OFFERS_BUILT_MAX_MS), then for the pictures of the others' cameras to arrive (at most
   * FIRST_PICTURES_MAX_MS: a camera may be off, or send nothing) and be drawn. The store is up to
   * date meanwhile.
   */
  private async showSessionAfterPictures(offersBuilt: Promise<void>, stale: Stale): Promise<void> {
    await offersBuilt;
    // A task later: the acks of the consumers just built go out first.
    await delay(0);
    if (stale() || this.finished) return;
    const pictures = this.store.getSnapshot().remote.filter((m) => m.kind === 'video' && !m.producerPaused);
    if (pictures.length > 0) {
      await atMost(Promise.all(pictures.map((m) => flowing(m.track))).then(() => undefined), FIRST_PICTURES_MAX_MS);
      await atMost(drawnFrames(2), FIRST_FRAMES_DRAWN_MAX_MS);
    }
    if (stale() || this.finished) return;
    this.store.update((s) => (s.arriving ? { ...s, arriving: false } : s));
    markStep('session-shown');
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

  private onDisconnected(): void {
    if (this.finished) return;
    this.generation++;
    this.media.closeAll();
    this.mediaTroubled.clear();
    this.store.update((s) => withoutProducerIds({ ...s, remote: [] }));
    const message = this.pendingServerMessage ?? MESSAGES.reconnecting;
    this.setConnection(this.hasJoined ? { status: 'reconnecting', message } : { status: 'connecting' });
    if (this.hasJoined) this.markOutage(this.store.getSnapshot().outage?.step === 'rejoining' ? 'rejoining' : 'reconnecting');
    // Whatever the reason, Signalling's reconnect policy brings the socket back (or, after a
    // terminal close, does not); the join flow then runs again from onConnected.
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
      // While the server restarts, attempts fail: what it said still explains why.
      const message = this.pendingServerMessage ?? MESSAGES.stillConnecting;
      this.setConnection(this.hasJoined ? { status: 'reconnecting', message } : { status: 'connecting', message });
    }
    // Signalling's reconnect policy tries again after its pause.
  }

  private onTransportFailed(direction: Direction): void {
    // The ladder's last automatic rung: an ICE restart did not bring the path back (or could not
    // be asked for). Start over: dropping the socket makes the server close this person's media
    // and hold their place for the grace period, then we rejoin into the same room.
    console.warn('[parley] media transport failed, rejoining', { direction });
    if (this.hasJoined) this.markOutage('rejoining');
    this.setConnection({ status: 'reconnecting', message: MESSAGES.reconnecting });
    this.signalling?.disconnect();
  }

  private onMediaRestored(direction: Direction, restarted: boolean): void {
    if (restarted) console.info('[parley] media path repaired with an ICE restart', { direction });
    this.mediaTroubled.delete(direction);
    if (this.mediaTroubled.size > 0 || this.store.getSnapshot().outage?.step !== 'repairing-media' || !this.signalling?.connected) return;
    this.store.update((s) => withRecovered(s, Date.now()));
    this.announce('Your audio and video are getting through again.');
  }

  /**
   * The device says it lost the network: say so at once, without waiting for the socket to time
   * out (socket.io also drops its connection on this event and starts retrying).
   */
  private readonly onOffline = (): void => {
    if (this.finished || !this.hasJoined) return;
    this.markOutage('offline');
  };

  /** Back online: try at once rather than after a backoff that grew while nothing could work. */
  private readonly onOnline = (): void => {
    if (this.finished) return;
    if (this.store.getSnapshot().outage?.step === 'offline') this.markOutage('reconnecting');
    if (!this.signalling?.connected) this.signalling?.reconnectNow();
  };

  /** The next rung of my own outage; a device that reports no network is always "offline". */
  private markOutage(step: OutageStep): void {
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    const next = offline && step !== 'repairing-media' ? 'offline' : step;
    if (this.store.getSnapshot().outage?.step === next) return;
    this.store.update((s) => withOutage(s, next, Date.now()));
    // The banner's counter stays out of live regions; each new rung is read out once, here. When
    // the server said why (it is restarting), that is what happened, not a dropped connection.
    const serverSaid = next === 'reconnecting' || next === 'rejoining' ? this.pendingServerMessage : null;
    this.announce(serverSaid ?? OUTAGE_TITLES[next]);
  }

  private onSessionClosed({ code, message }: Notifications['session:closed']): void {
    if (this.finished) return;
    const text = message || closeMessages[code as CloseCode] || 'The session ended.';
    if (isTerminalClose(code)) {
      // 44xx: final. Show why and never reconnect (a revoked link retried forever is a retry storm).
      // Ended by the mediator: the link still holds, so joining again (later) is allowed.
      this.finish({ why: 'terminal', message: text, code, canRejoin: isReplacedClose(code) || code === CloseCode.SessionEnded });
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
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.network.stop();
    this.media.closeAll();
    this.sources.stopAll();
    this.screen.stopAll();
    this.signalling?.close();
    this.store.update((s) => closedState(s, reason));
  }

  private staleAfter(generation: number): Stale {
    return () => generation !== this.generation || this.finished;
  }

  private onTrackEnded(key: SourceKey): void {
    if (isScreenKey(key)) this.screen.trackEnded(key);
    else void this.sources.trackEnded(key);
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

  private notice(text: string): void {
    const id = ++this.noticeId;
    this.store.update((s) => withNotice(s, id, text));
  }
}
