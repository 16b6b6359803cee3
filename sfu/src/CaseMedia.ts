import type { types } from 'mediasoup';
import { CONSUMER_ACK_TIMEOUT_MS, ErrorCode, MAX_CAMERAS, ParleyError, receivesMediaFrom, type ConsumerCloseReason, type ConsumerOffer, type MediaSource } from '@parley/shared';
import { TypedEmitter } from './TypedEmitter.ts';
import { MediaPeer, type CaseRouter, type MediaTransport } from './MediaPeer.ts';
import { CaseTransports, type PreparedReceiveOptions, type TransportOptions, type TransportStateCause } from './CaseTransports.ts';
import { DEFAULT_CONSUMERS_PER_WORKER, MEDIA_CODECS, type SfuConfig } from './config.ts';
import type { MediaWorker } from './WorkerPool.ts';
import type { PathReadingCounts } from './StallDetector.ts';

export type { CaseRouter, PreparedReceiveOptions, TransportOptions, TransportStateCause };

/**
 * What a case needs from its SFU to grow onto another worker (Sfu provides it): how busy each
 * worker is over every case on it, and a spare worker to open another router on.
 */
export interface WorkerPlacement {
  /** Streams the worker forwards now, all cases together: what costs a worker its CPU. */
  loadOf(worker: MediaWorker): number;
  /**
   * The least-loaded worker outside `inUse` that is below the per-worker budget, acquired (the
   * caller releases it when its router closes); undefined when there is none.
   */
  acquireSpare(inUse: readonly MediaWorker[]): MediaWorker | undefined;
  release(worker: MediaWorker): void;
}

/** A pipe carrying one producer from its owner's router to a viewer's (see CaseMedia.#pipe). */
interface Pipe {
  from: CaseRouter;
  /** Its end on `from`'s worker: forwarding it costs that worker one stream. */
  consumer: types.Consumer;
}

type CaseMediaEvents = {
  /**
   * A consumer was created, paused, for this peer: its owner offers it to the client and calls
   * confirmConsumer (the client has it: resume) or refuseConsumer (it has not: close).
   */
  'consumer:added': [peerId: string, consumer: ConsumerOffer];
  'consumer:closed': [peerId: string, consumerId: string, reason: ConsumerCloseReason];
  'consumer:paused': [peerId: string, consumerId: string];
  'consumer:resumed': [peerId: string, consumerId: string];
  /**
   * A peer's WebRTC path broke ('lost': ICE disconnected or DTLS failed) or came back ('ok'). Lets
   * the live session tell others "their audio and video are not getting through" [3.6.13].
   */
  /** `cause` says which detector saw it: no bytes for a while (StallDetector), ICE consent, or DTLS. */
  'transport:state': [peerId: string, direction: 'send' | 'recv', state: 'ok' | 'lost', cause: TransportStateCause];
  /** The router is gone (closed by its owner or because its worker died). */
  close: [reason: 'closed' | 'worker-died'];
};

export interface ProducerSummary {
  producerId: string;
  source: MediaSource;
  label: string | null;
  kind: 'audio' | 'video';
  paused: boolean;
}

const KIND_OF: Record<MediaSource, 'audio' | 'video'> = { mic: 'audio', camera: 'video', screen: 'video', 'screen-audio': 'audio' };

/**
 * The media of one mediation case: a mediasoup router and the peers in it. It alone decides which
 * consumers exist, from room membership (`receivesMediaFrom` in shared/): clients can ask to be
 * ready, never to receive a particular producer.
 *
 * A case larger than one worker carries spreads over several: once every worker it uses forwards
 * its budget of streams (`SfuConfig.consumersPerWorker`, all cases together), a newcomer's
 * transports go to a router on a spare worker, and what others send reaches them through
 * `pipeToRouter`. Membership decides consumers the same way on every router.
 */
export class CaseMedia extends TypedEmitter<CaseMediaEvents> {
  readonly caseId: string;
  /** The case's first router: every router of a case has the same capabilities (MEDIA_CODECS). */
  readonly router: types.Router;
  readonly #media: MediaWorker;
  readonly #config: SfuConfig;
  readonly #placement: WorkerPlacement | undefined;
  /** The first router, then any opened on spare workers; a peer's transports are on one of them. */
  readonly #routers: CaseRouter[];
  /** Producers piped to another router of the case, by `${producerId} ${routerId}`. */
  readonly #pipes = new Map<string, Promise<Pipe>>();
  /** The pipes in place now (what they cost their source worker counts in its load). */
  readonly #openPipes = new Set<Pipe>();
  /** Placements one after another: two newcomers at once must not open two spare routers. */
  #placing: Promise<unknown> = Promise.resolve();
  readonly #peers = new Map<string, MediaPeer>();
  /** The peers' transports, and the receive transports prepared on the pre-join screen. */
  readonly #transports: CaseTransports;
  #closed = false;

  private constructor(caseId: string, media: MediaWorker, router: types.Router, config: SfuConfig, readings?: PathReadingCounts, placement?: WorkerPlacement) {
    super();
    this.caseId = caseId;
    this.#media = media;
    this.router = router;
    this.#config = config;
    this.#placement = placement;
    this.#routers = [{ router, media }];
    this.#transports = new CaseTransports({
      peers: this.#peers,
      peer: (peerId) => this.#peer(peerId),
      assertOpen: () => this.#assertOpen(),
      home: (peer) => this.#home(peer),
      place: () => this.#place(),
      onState: (peerId, direction, state, cause) => this.emit('transport:state', peerId, direction, state, cause),
    }, readings);
    router.on('workerclose', () => this.#shutdown('worker-died'));
  }

  /**
   * `readings`: where its paths' readings are tallied (the Sfu's, for metrics); its own if absent.
   * `placement`: how it finds a spare worker when it outgrows its own; without it the case stays on
   * `media`'s worker however large it grows.
   */
  static async create(caseId: string, media: MediaWorker, config: SfuConfig, readings?: PathReadingCounts, placement?: WorkerPlacement): Promise<CaseMedia> {
    const router = await newRouter(media, caseId);
    return new CaseMedia(caseId, media, router, config, readings, placement);
  }

  /** The worker of the case's first router. */
  get worker(): types.Worker {
    return this.#media.worker;
  }
  /** The port (UDP and TCP) every transport of this case uses: its worker's media port. */
  get mediaPort(): number {
    return this.#media.port;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }
  peerIds(): string[] {
    return [...this.#peers.keys()];
  }
  hasPeer(peerId: string): boolean {
    return this.#peers.has(peerId);
  }

  /** The router the peer's transports are on, placing the peer if it has none yet (plain transports). */
  async routerFor(peerId: string): Promise<types.Router> {
    return (await this.#home(this.#peer(peerId))).router;
  }

  /**
   * How many streams this case makes `worker` forward: the consumers of the peers whose transports
   * are on it, and the pipes that carry producers from it to another of the case's routers.
   */
  loadOn(worker: MediaWorker): number {
    let n = 0;
    for (const peer of this.#peers.values()) if (peer.home?.media === worker) n += peer.consumers.size;
    for (const pipe of this.#openPipes) if (pipe.from.media === worker) n++;
    return n;
  }

  /** For tests and diagnostics: each router of the case, its worker's pool index, and what it carries. */
  spread(): Array<{ worker: number; peers: string[]; consumers: number; pipesOut: number }> {
    return this.#routers.map((home) => ({
      worker: home.media.index,
      peers: [...this.#peers.values()].filter((p) => p.home === home).map((p) => p.id),
      consumers: [...this.#peers.values()].filter((p) => p.home === home).reduce((n, p) => n + p.consumers.size, 0),
      pipesOut: [...this.#openPipes].filter((p) => p.from === home).length,
    }));
  }

  addPeer(peerId: string, roomId: string): MediaPeer {
    this.#assertOpen();
    if (this.#peers.has(peerId)) throw new ParleyError(ErrorCode.Conflict, 'This person is already connected to the media server.');
    const peer = new MediaPeer(peerId, roomId);
    this.#peers.set(peerId, peer);
    return peer;
  }

  /** Closes everything the peer owns; the consumers others had of it close with their producers. */
  removePeer(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#peers.delete(peerId);
    peer.close();
  }

  // Transports (see CaseTransports): creating and connecting them, ICE restarts, the pre-join screen's.
  createWebRtcTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
    return this.#transports.createWebRtcTransport(peerId, direction);
  }
  prepareReceive(holderId: string): Promise<PreparedReceiveOptions> {
    return this.#transports.prepareReceive(holderId);
  }
  connectPrepared(holderId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    return this.#transports.connectPrepared(holderId, transportId, dtlsParameters);
  }
  dropPrepared(holderId: string): void {
    this.#transports.dropPrepared(holderId);
  }
  adoptPrepared(peerId: string, holderId: string, transportId: string): boolean {
    return this.#transports.adoptPrepared(peerId, holderId, transportId);
  }
  restartIce(peerId: string, transportId: string): Promise<types.IceParameters> {
    return this.#transports.restartIce(peerId, transportId);
  }
  connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    return this.#transports.connectTransport(peerId, transportId, dtlsParameters);
  }
  /** A transport made outside (a plain RTP one, PlainTransports.ts) joins the peer's. */
  attachTransport(peerId: string, direction: 'send' | 'recv', transport: MediaTransport): void {
    this.#transports.attachTransport(peerId, direction, transport);
  }

  /** No one is in the case's media and no one is preparing to join: the router may go. */
  get idle(): boolean {
    return this.#peers.size === 0 && this.#transports.preparedCount === 0;
  }

  /** The peer's device is loaded: from now on it receives everything it may receive. */
  async setReady(peerId: string, rtpCapabilities: types.RtpCapabilities): Promise<number> {
    const peer = this.#peer(peerId);
    if (!peer.recvTransport) throw new ParleyError(ErrorCode.Conflict, 'Create a receive transport before declaring ready.');
    peer.rtpCapabilities = rtpCapabilities;
    return this.#reconcile(peer);
  }

  async produce(
    peerId: string,
    args: { transportId: string; kind: 'audio' | 'video'; rtpParameters: types.RtpParameters; source: MediaSource; label?: string | undefined },
  ): Promise<string> {
    const peer = this.#peer(peerId);
    const t = this.#transports.get(peerId, args.transportId);
    if (t.direction !== 'send') throw new ParleyError(ErrorCode.BadRequest, 'Media can only be sent on a send transport.');
    if (args.kind !== KIND_OF[args.source]) throw new ParleyError(ErrorCode.BadRequest, `A ${args.source} must be ${KIND_OF[args.source]}.`);
    const same = [...peer.producers.values()].filter((p) => p.source === args.source);
    if (args.source === 'camera') {
      if (same.length >= MAX_CAMERAS) throw new ParleyError(ErrorCode.Conflict, `At most ${MAX_CAMERAS} cameras at once.`);
    } else if (same.length > 0) {
      throw new ParleyError(ErrorCode.Conflict, `You are already sending your ${args.source}.`);
    }
    let producer: types.Producer;
    try {
      producer = await t.transport.produce({ kind: args.kind, rtpParameters: args.rtpParameters, appData: { peerId, source: args.source } });
    } catch (cause) {
      throw new ParleyError(ErrorCode.BadRequest, 'The media parameters were not accepted.', { cause });
    }
    if (peer.closed) {
      producer.close();
      throw new ParleyError(ErrorCode.NotInSession, 'You left the session.');
    }
    // A held source starts paused: recreating the producer must not escape the mediator's mute.
    if (peer.held.has(args.source)) await producer.pause();
    const label = args.source === 'camera' ? (args.label ?? 'Camera') : null;
    peer.producers.set(producer.id, { producer, source: args.source, label });
    producer.observer.on('close', () => peer.producers.delete(producer.id));
    for (const other of this.#peers.values()) {
      if (other.canConsume && receivesMediaFrom(other, peer)) await this.#consume(other, peer, producer, args.source, label);
    }
    return producer.id;
  }

  closeProducer(peerId: string, producerId: string): void {
    const info = this.#producer(peerId, producerId);
    info.producer.close();
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const peer = this.#peer(peerId);
    const info = this.#producer(peerId, producerId);
    if (!paused && peer.held.has(info.source)) {
      throw new ParleyError(ErrorCode.Forbidden, 'The mediator muted you. They will ask you when you can unmute.');
    }
    if (paused) await info.producer.pause();
    else await info.producer.resume();
  }

  /**
   * Server-side mute: pauses every producer of that source and keeps it paused against the
   * person's own resume requests until released. Releasing does not resume anything.
   */
  async setHold(peerId: string, source: MediaSource, held: boolean): Promise<void> {
    const peer = this.#peer(peerId);
    if (!held) {
      peer.held.delete(source);
      return;
    }
    peer.held.add(source);
    for (const p of peer.producers.values()) if (p.source === source && !p.producer.paused) await p.producer.pause();
  }

  isHeld(peerId: string, source: MediaSource): boolean {
    return this.#peers.get(peerId)?.held.has(source) ?? false;
  }

  /** Closes a peer's producers of the given sources (e.g. ending a screen share). */
  closeSources(peerId: string, sources: MediaSource[]): string[] {
    const peer = this.#peers.get(peerId);
    if (!peer) return [];
    const closed: string[] = [];
    for (const p of [...peer.producers.values()]) {
      if (sources.includes(p.source)) {
        closed.push(p.producer.id);
        p.producer.close();
      }
    }
    return closed;
  }

  /**
   * Moves a peer to another room on the same transports: consumers that the new room does not
   * allow are closed first (old audio stops), then the ones it allows are created.
   */
  async movePeer(peerId: string, roomId: string): Promise<void> {
    const peer = this.#peer(peerId);
    if (peer.roomId === roomId) return;
    peer.roomId = roomId;
    // Close what may no longer flow, in both directions, before anything new is created.
    for (const c of [...peer.consumers.values()]) {
      const owner = this.#peers.get((c.appData as { ownerId: string }).ownerId);
      if (!owner || !receivesMediaFrom(peer, owner)) this.#closeConsumer(peer, c);
    }
    for (const other of this.#peers.values()) {
      if (other === peer) continue;
      for (const c of [...other.consumers.values()]) {
        if ((c.appData as { ownerId: string }).ownerId === peer.id && !receivesMediaFrom(other, peer)) this.#closeConsumer(other, c);
      }
    }
    // Everyone's new consumers side by side: the worker takes the requests in one go.
    const viewers = [...this.#peers.values()].filter((v) => v.canConsume && (v === peer || receivesMediaFrom(v, peer)));
    await settleAll(viewers.map((v) => this.#reconcile(v)));
  }

  /** Everything a peer publishes, for presence. */
  producersOf(peerId: string): ProducerSummary[] {
    const peer = this.#peers.get(peerId);
    if (!peer) return [];
    return [...peer.producers.values()].map((p) => ({
      producerId: p.producer.id,
      source: p.source,
      label: p.label,
      kind: p.producer.kind,
      paused: p.producer.paused,
    }));
  }

  /** Who owns a producer (any peer), for stage and moderation checks. */
  ownerOf(producerId: string): { peerId: string; source: MediaSource } | undefined {
    for (const peer of this.#peers.values()) {
      const p = peer.producers.get(producerId);
      if (p) return { peerId: peer.id, source: p.source };
    }
    return undefined;
  }

  /** How long the owner waits for a client's ack of a new consumer before refusing it. */
  get consumerAckTimeoutMs(): number {
    return this.#config.consumerAckTimeoutMs ?? CONSUMER_ACK_TIMEOUT_MS;
  }

  /**
   * The client built its side of a consumer this peer was offered: resume it now (sound already
   * flows; audio-only video stays paused). False when it is gone meanwhile (producer closed, room changed, peer
   * left) or was already confirmed: a late ack changes nothing.
   */
  async confirmConsumer(peerId: string, consumerId: string): Promise<boolean> {
    const peer = this.#peers.get(peerId);
    const consumer = peer?.consumers.get(consumerId);
    if (!peer || !consumer || !peer.unconfirmed.delete(consumerId)) return false;
    if (peer.audioOnly && consumer.kind === 'video') return true;
    if (consumer.paused) await consumer.resume();
    return true;
  }

  /**
   * The client did not take an offered consumer (it said so, its ack was not valid, or it never
   * came): close it and say so. A confirmed consumer is never closed this way.
   */
  refuseConsumer(peerId: string, consumerId: string): boolean {
    const peer = this.#peers.get(peerId);
    const consumer = peer?.consumers.get(consumerId);
    if (!peer || !consumer || !peer.unconfirmed.has(consumerId)) return false;
    this.#closeConsumer(peer, consumer, 'not-received');
    return true;
  }

  /**
   * The audio-only rung: stop (or restart) sending video to this peer, keeping every consumer so
   * that switching back needs no renegotiation.
   */
  async setAudioOnly(peerId: string, on: boolean): Promise<void> {
    const peer = this.#peer(peerId);
    peer.audioOnly = on;
    for (const c of peer.consumers.values()) {
      // Unconfirmed ones stay paused: the client's ack resumes them (confirmConsumer).
      if (c.kind !== 'video' || peer.unconfirmed.has(c.id)) continue;
      if (on) await c.pause();
      else await c.resume();
    }
  }

  isAudioOnly(peerId: string): boolean {
    return this.#peers.get(peerId)?.audioOnly ?? false;
  }

  /** For tests and diagnostics: ids of the producers whose media this peer currently receives. */
  consumedProducerIds(peerId: string): string[] {
    const peer = this.#peers.get(peerId);
    return peer ? [...peer.consumers.values()].map((c) => c.producerId) : [];
  }

  /** For tests and diagnostics: what this peer receives and whether each stream is paused on the server. */
  consumerStates(peerId: string): { consumerId: string; producerId: string; kind: 'audio' | 'video'; paused: boolean }[] {
    const peer = this.#peers.get(peerId);
    return peer ? [...peer.consumers.values()].map((c) => ({ consumerId: c.id, producerId: c.producerId, kind: c.kind, paused: c.paused })) : [];
  }

  close(): void {
    this.#shutdown('closed');
  }

  /**
   * Creates the consumers the peer may have and lacks. They are asked of the worker all at once
   * rather than one after another: on a join with two others sending, or a caucus move, the last
   * offer then goes out about one worker round trip after the first instead of four.
   */
  async #reconcile(peer: MediaPeer): Promise<number> {
    const creating: Array<Promise<boolean>> = [];
    for (const other of this.#peers.values()) {
      if (!receivesMediaFrom(peer, other)) continue;
      for (const info of other.producers.values()) {
        if (!peer.receives(info.producer.id)) creating.push(this.#consume(peer, other, info.producer, info.source, info.label));
      }
    }
    return (await settleAll(creating)).filter(Boolean).length;
  }

  async #consume(viewer: MediaPeer, owner: MediaPeer, producer: types.Producer, source: MediaSource, label: string | null): Promise<boolean> {
    const transport = viewer.recvTransport;
    const home = viewer.home;
    if (!transport || !home || !viewer.rtpCapabilities || producer.closed) return false;
    if (viewer.receives(producer.id)) return false;
    // Video is created paused and resumed only on the client's ack (confirmConsumer), so the key
    // frame it asks for comes exactly when the decoder is ready. Sound needs no key frame: it flows
    // at once, so the person hears the room as soon as their side is built (packets that come
    // before are dropped by the browser); an ack that never comes closes it all the same.
    viewer.consuming.add(producer.id);
    let consumer: types.Consumer;
    try {
      // Sent on another router of the case: it reaches the viewer's through a pipe (same producer id).
      if (owner.home && owner.home !== home && !(await this.#pipe(producer, owner.home, home))) return false;
      if (!home.router.canConsume({ producerId: producer.id, rtpCapabilities: viewer.rtpCapabilities })) return false;
      consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: viewer.rtpCapabilities,
        paused: producer.kind === 'video',
        appData: { peerId: viewer.id, ownerId: owner.id, source },
      });
    } finally {
      viewer.consuming.delete(producer.id);
    }
    // The room may have changed while the worker created it: never let media cross rooms.
    if (viewer.closed || !receivesMediaFrom(viewer, owner) || !this.#peers.has(owner.id)) {
      consumer.close();
      return false;
    }
    viewer.consumers.set(consumer.id, consumer);
    viewer.unconfirmed.add(consumer.id);
    const closeWith = (reason: 'producer-closed' | 'transport-closed') => {
      viewer.unconfirmed.delete(consumer.id);
      if (!viewer.consumers.delete(consumer.id)) return;
      if (!viewer.closed) this.emit('consumer:closed', viewer.id, consumer.id, reason);
    };
    consumer.on('producerclose', () => closeWith('producer-closed'));
    consumer.on('transportclose', () => closeWith('transport-closed'));
    consumer.on('producerpause', () => this.emit('consumer:paused', viewer.id, consumer.id));
    consumer.on('producerresume', () => this.emit('consumer:resumed', viewer.id, consumer.id));
    this.emit('consumer:added', viewer.id, {
      consumerId: consumer.id,
      transportId: transport.id,
      producerId: producer.id,
      participantId: owner.id,
      kind: consumer.kind,
      source,
      label,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    });
    return true;
  }

  #closeConsumer(viewer: MediaPeer, consumer: types.Consumer, reason: 'room-changed' | 'not-received' = 'room-changed'): void {
    viewer.unconfirmed.delete(consumer.id);
    if (!viewer.consumers.delete(consumer.id)) return;
    consumer.close();
    this.emit('consumer:closed', viewer.id, consumer.id, reason);
  }

  /** How much media this case carries now (metrics: counts only, nothing that names the case). */
  counts(): MediaCounts {
    const c: MediaCounts = { transports: 0, producers: 0, consumers: 0 };
    for (const peer of this.#peers.values()) {
      c.transports += peer.transports.size;
      c.producers += peer.producers.size;
      c.consumers += peer.consumers.size;
    }
    return c;
  }

  /** The peer's router, placing them now if they have none (their first transport). */
  async #home(peer: MediaPeer): Promise<CaseRouter> {
    if (peer.home) return peer.home;
    const home = await this.#place();
    // Adopting a prepared transport may have set it meanwhile.
    return (peer.home ??= home);
  }

  /**
   * Where a newcomer's transports go: the case's least-loaded router while its worker is below
   * the budget; otherwise a new router on a spare worker (the least loaded below the budget), or,
   * with none, the least-loaded router all the same (its worker's CPU then limits the video).
   */
  #place(): Promise<CaseRouter> {
    const placed = this.#placing.then(async () => {
      this.#assertOpen();
      const placement = this.#placement;
      const loadOf = (r: CaseRouter) => placement?.loadOf(r.media) ?? 0;
      const best = this.#routers.reduce((a, b) => (loadOf(b) < loadOf(a) ? b : a));
      if (!placement || loadOf(best) < (this.#config.consumersPerWorker ?? DEFAULT_CONSUMERS_PER_WORKER)) return best;
      const spare = placement.acquireSpare(this.#routers.map((r) => r.media));
      if (!spare) return best;
      let router: types.Router;
      try {
        router = await newRouter(spare, this.caseId);
      } catch {
        // That worker is dying or full: the case stays where it is rather than refuse the person.
        placement.release(spare);
        return best;
      }
      if (this.#closed) {
        router.close();
        placement.release(spare);
        this.#assertOpen();
      }
      const home: CaseRouter = { router, media: spare };
      this.#routers.push(home);
      router.on('workerclose', () => this.#shutdown('worker-died'));
      return home;
    });
    this.#placing = placed.catch(() => undefined);
    return placed;
  }

  /**
   * Carries `producer` from its owner's router to a viewer's, once per pair of routers however many
   * viewers there are; the pipe goes when the producer does, and pauses with it. Loopback only:
   * every worker is on this machine. False when the producer closed meanwhile.
   */
  async #pipe(producer: types.Producer, from: CaseRouter, to: CaseRouter): Promise<boolean> {
    const key = `${producer.id} ${to.router.id}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      const made = from.router.pipeToRouter({ producerId: producer.id, router: to.router, listenInfo: { protocol: 'udp', ip: '127.0.0.1' } }).then(({ pipeConsumer, pipeProducer }) => {
        // A producer (not a data producer) was asked for: both are there.
        if (!pipeConsumer || !pipeProducer) throw new Error('pipeToRouter returned no producer pipe');
        const open: Pipe = { from, consumer: pipeConsumer };
        this.#openPipes.add(open);
        pipeProducer.observer.once('close', () => {
          this.#openPipes.delete(open);
          if (this.#pipes.get(key) === made) this.#pipes.delete(key);
        });
        return open;
      });
      made.catch(() => {
        if (this.#pipes.get(key) === made) this.#pipes.delete(key);
      });
      this.#pipes.set(key, made);
      pipe = made;
    }
    try {
      await pipe;
      return true;
    } catch (err) {
      if (producer.closed || this.#closed) return false;
      throw err;
    }
  }

  #shutdown(reason: 'closed' | 'worker-died'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.#transports.close();
    this.#pipes.clear();
    this.#openPipes.clear();
    for (const [i, { router, media }] of this.#routers.entries()) {
      if (!router.closed) router.close();
      // The first router's worker is the Sfu's to release (it acquired it); the spares are ours.
      if (i > 0) this.#placement?.release(media);
    }
    this.emit('close', reason);
  }

  #assertOpen(): void {
    if (this.#closed) throw new ParleyError(ErrorCode.NotInSession, 'The media session has ended.');
  }

  #peer(peerId: string): MediaPeer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new ParleyError(ErrorCode.NotInSession, 'Join the session first.');
    return peer;
  }

  #producer(peerId: string, producerId: string) {
    const p = this.#peer(peerId).producers.get(producerId);
    if (!p) throw new ParleyError(ErrorCode.NotFound, 'No such outgoing media.');
    return p;
  }
}

/** Counts of mediasoup objects, summed over peers (see `CaseMedia.counts`). */
export interface MediaCounts {
  transports: number;
  producers: number;
  consumers: number;
}

function newRouter(media: MediaWorker, caseId: string): Promise<types.Router> {
  return media.worker.createRouter({ mediaCodecs: MEDIA_CODECS as unknown as types.RouterRtpCodecCapability[], appData: { caseId } });
}

/** Waits for all; the first failure (if any) is thrown once every one has settled. */
async function settleAll<T>(work: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}
