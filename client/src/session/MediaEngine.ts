import { Device } from 'mediasoup-client';
import type { types as ms } from 'mediasoup-client';
import type { ConsumerOffer, IceConfigWire, MediaSource, PrepareResult, RequestName, RequestPayload, RequestResults, TransportOptionsWire } from '@parley/shared';
import { isLive } from './local-media.ts';
import { isPrimaryCamera, type SourceKey } from './sources.ts';
import { markStep } from './timeline.ts';
import { TransportWatch } from './TransportWatch.ts';
// The join's waits for media are for speed, never conditions: each is bounded.
import { atMost } from './waits.ts';

export type ConsumerAppData = { participantId: string; source: MediaSource; label: string | null };
export type ProducerAppData = { key: SourceKey; source: MediaSource; label: string | null };
export type Direction = 'send' | 'recv';

/** How long the side of a consumer the server closed stays before it is closed here (see consumerClosed). */
const RETIRE_AFTER_MS = 500;

/**
 * True once the connection the work was started for has dropped: every await below may resume
 * after a reconnect, and objects made for an old connection must be closed, not kept.
 */
export type Stale = () => boolean;

export interface MediaEngineHooks {
  request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<RequestResults[K]>;
  /** ICE/DTLS of a current transport gave up, and restarting ICE did not bring it back. */
  transportFailed(direction: Direction): void;
  /** Media stopped getting through on a transport; an ICE restart is being tried. */
  mediaTrouble(direction: Direction): void;
  /** Media flows again on that transport. */
  mediaRestored(direction: Direction, restarted: boolean): void;
  /** The device or share behind a producer stopped (unplugged, revoked, "Stop sharing"). */
  trackEnded(key: SourceKey): void;
  /** A consumer closed by itself (its transport closed, or its track ended). */
  consumerGone(consumerId: string): void;
}

/**
 * When to renew TURN credentials expiring at `expiresAt`: a tenth of their remaining life before,
 * and at least a minute before. coturn refuses the allocation's refreshes once its username has
 * expired, so a long session renews them by an ICE restart with fresh ones while the old still work.
 */
export function renewalDelay(expiresAt: number, now: number): number {
  const left = expiresAt - now;
  return Math.max(0, left - Math.max(60_000, left / 10));
}

export interface ProduceItem {
  key: SourceKey;
  source: MediaSource;
  /** Cameras only. */
  label?: string;
  track: MediaStreamTrack | null;
  paused: boolean;
  /**
   * The join goes on if this one is refused (a second screen share in the room, an extra camera
   * the server will not take): produce() reports it instead of throwing.
   */
  optional?: boolean;
}

export interface ProduceFailure {
  key: SourceKey;
  error: unknown;
}

/**
 * Every mediasoup-client object of one session: the Device (loaded once, kept across reconnects),
 * the send and receive transports, and their producers and consumers. It reaches the server only
 * through `hooks.request` and leaves the session state to its owner.
 */
export class MediaEngine {
  private device: Device | null = null;
  /** The router capabilities the device was loaded with, as sent (to compare with a later offer). */
  private loadedWith: string | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private readonly watches = new Map<ms.Transport, TransportWatch>();
  /**
   * The receive transport opened on the pre-join screen (see prepareReceive) until the join adopts
   * it: not yet watched (there is nothing to repair before the join), and replaced if the join
   * opens another.
   */
  private preparedRecv: { options: TransportOptionsWire; stale: Stale } | null = null;
  /** The pending TURN credential renewal of each open transport. */
  private readonly renewals = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly producerMap = new Map<SourceKey, ms.Producer<ProducerAppData>>();
  private readonly consumerMap = new Map<string, ms.Consumer<ConsumerAppData>>();
  /** Offers whose consumer is being built right now. */
  private readonly building = new Set<string>();
  /** consumer:closed / paused / resumed that arrived while the consumer was still being built. */
  private readonly earlyClosed = new Set<string>();
  private readonly earlyPaused = new Map<string, boolean>();
  /**
   * Offers that came before the receive transport (a join with `receive` may deliver them ahead of
   * its ack): each waits here for the transport, or for null once everything is closed.
   */
  private recvWaiters: Array<(transport: ms.Transport | null) => void> = [];
  /** Consumers the server closed, whose side here closes a moment later (consumerClosed). */
  private readonly retiring = new Set<ms.Consumer<ConsumerAppData>>();
  private retireTimer: ReturnType<typeof setTimeout> | null = null;
  /** Waiting for the receive transport to connect (ICE and DTLS done), or for it to go. */
  private recvConnectWaiters: Array<() => void> = [];
  /** Waiting until no offered consumer is being built. */
  private builtWaiters: Array<() => void> = [];

  constructor(private readonly hooks: MediaEngineHooks) {}

  get loaded(): boolean {
    return this.device !== null;
  }

  get producers(): ReadonlyMap<SourceKey, ms.Producer<ProducerAppData>> {
    return this.producerMap;
  }

  get consumers(): ReadonlyMap<string, ms.Consumer<ConsumerAppData>> {
    return this.consumerMap;
  }

  /** Whether the device is loaded with exactly these router capabilities. */
  loadedFor(routerRtpCapabilities: unknown): boolean {
    return this.device !== null && this.loadedWith === JSON.stringify(routerRtpCapabilities);
  }

  /** Throws mediasoup-client's UnsupportedError when this browser cannot do WebRTC with the SFU. */
  async load(routerRtpCapabilities: unknown): Promise<void> {
    const device = await Device.factory();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
    this.device = device;
    this.loadedWith = JSON.stringify(routerRtpCapabilities);
  }

  recvRtpCapabilities(): RequestPayload<'media:ready'>['rtpCapabilities'] {
    if (!this.device) throw new Error('device not loaded');
    // mediasoup-client's RtpCapabilities is wider than the wire schema (e.g. `parameters: any`);
    // the server validates it with the shared schema.
    return this.device.recvRtpCapabilities as unknown as RequestPayload<'media:ready'>['rtpCapabilities'];
  }

  /** Ask the server for a transport and build our side of it. */
  async openTransport(direction: Direction, stale: Stale): Promise<void> {
    if (!this.device) throw new Error('device not loaded');
    const options = await this.hooks.request('transport:create', { direction });
    this.useTransport(direction, options, stale);
  }

  /** Build our side of a transport the server opened (`transport:create`, or a join with `receive`). */
  useTransport(direction: Direction, options: TransportOptionsWire, stale: Stale): void {
    // A join that did not adopt the prepared receive transport brings its own: the prepared one goes.
    if (direction === 'recv' && this.recvTransport) this.dropRecvTransport();
    const transport = this.buildTransport(direction, options, stale);
    if (stale()) transport.close();
    if (direction === 'send') this.sendTransport = transport;
    else this.recvTransport = transport;
    this.supervise(transport, direction, options, stale);
    if (direction === 'recv') this.recvArrived(transport);
  }

  /**
   * On the pre-join screen: build our side of the receive transport the server prepared, and take
   * its data channel, which is what makes the browser run ICE and DTLS now rather than once media
   * is offered. Joining then adopts it (adoptPrepared) and the others' media flows as soon as it
   * is built. A failure here is not shown: the join opens a new transport instead.
   */
  async prepareReceive(prepared: NonNullable<PrepareResult['receive']>, stale: Stale): Promise<void> {
    if (this.recvTransport || stale()) return;
    const transport = this.buildTransport('recv', prepared.transport, stale);
    this.recvTransport = transport;
    this.preparedRecv = { options: prepared.transport, stale };
    try {
      const { probe } = prepared;
      await transport.consumeData({ id: probe.id, dataProducerId: probe.dataProducerId, sctpStreamParameters: probe.sctpStreamParameters as ms.SctpStreamParameters, label: probe.label, protocol: probe.protocol });
    } catch (error) {
      console.info('[parley] could not connect the receive side before joining', error);
      if (this.recvTransport === transport) this.dropRecvTransport();
    }
  }

  /** The prepared receive transport's id while it is worth adopting (not failed or closed); null otherwise. */
  preparedRecvId(): string | null {
    const t = this.recvTransport;
    if (!this.preparedRecv || !t || t.closed || t.connectionState === 'failed' || t.connectionState === 'closed') return null;
    return t.id;
  }

  /** The join adopted the prepared receive transport: from now on it is watched and renewed like any other. */
  adoptPrepared(): void {
    const prepared = this.preparedRecv;
    const transport = this.recvTransport;
    if (!prepared || !transport) return;
    this.preparedRecv = null;
    this.supervise(transport, 'recv', prepared.options, prepared.stale);
    this.watches.get(transport)?.onState(transport.connectionState);
    this.recvArrived(transport);
  }

  private dropRecvTransport(): void {
    const t = this.recvTransport;
    if (!t) return;
    this.watches.get(t)?.stop();
    this.watches.delete(t);
    clearTimeout(this.renewals.get(t.id));
    this.renewals.delete(t.id);
    t.close();
    this.recvTransport = null;
    this.preparedRecv = null;
  }

  private recvArrived(transport: ms.Transport): void {
    const waiters = this.recvWaiters;
    this.recvWaiters = [];
    for (const w of waiters) w(transport.closed ? null : transport);
  }

  /** Our side of a server transport: signalling for DTLS (and producing), and the steps it marks. */
  private buildTransport(direction: Direction, options: TransportOptionsWire, stale: Stale): ms.Transport {
    const device = this.device;
    if (!device) throw new Error('device not loaded');
    const transportOptions: ms.TransportOptions = {
      id: options.id,
      iceParameters: options.iceParameters as ms.IceParameters,
      iceCandidates: options.iceCandidates as ms.IceCandidate[],
      dtlsParameters: options.dtlsParameters as ms.DtlsParameters,
      ...(options.sctpParameters ? { sctpParameters: options.sctpParameters as ms.SctpParameters } : {}),
      // TURN servers with their short-lived credentials, and `relay` when the operator allows nothing else.
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy,
    };
    const transport =
      direction === 'send' ? device.createSendTransport(transportOptions) : device.createRecvTransport(transportOptions);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      // Our answer is made: from here on the transport's own ICE and DTLS set-up is what remains.
      if (direction === 'recv') markStep('recv-transport-connecting');
      this.hooks.request('transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const { source, label } = appData as ProducerAppData;
        this.hooks
          .request('producer:create', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as RequestPayload<'producer:create'>['rtpParameters'],
            source,
            ...(source === 'camera' && label ? { label } : {}),
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }

    transport.on('connectionstatechange', (state) => {
      if (state === 'connected') markStep(direction === 'send' ? 'send-transport-connected' : 'recv-transport-connected');
      if (direction === 'recv' && (state === 'connected' || state === 'failed' || state === 'closed')) this.flushRecvConnectWaiters();
      const watch = this.watches.get(transport);
      if (!watch) return;
      if (stale()) watch.stop();
      else watch.onState(state);
    });
    return transport;
  }

  /** The ladder's first rung on this transport (ICE restart before starting over), and its TURN renewals. */
  private supervise(transport: ms.Transport, direction: Direction, options: TransportOptionsWire, stale: Stale): void {
    // An ICE restart always gathers with fresh TURN credentials: the old ones may have expired.
    const restart = async (renewal: boolean) => {
      const fresh = await this.hooks.request('transport:restart-ice', { transportId: transport.id, ...(renewal ? { renewal: true as const } : {}) });
      if (stale() || transport.closed) throw new Error('transport replaced');
      if (fresh.iceServers.length > 0) await transport.updateIceServers({ iceServers: fresh.iceServers });
      await transport.restartIce({ iceParameters: fresh.iceParameters as ms.IceParameters });
      this.scheduleRenewal(transport, fresh, restart);
    };
    this.scheduleRenewal(transport, options, restart);
    const watch = new TransportWatch({
      restartIce: () => restart(false),
      trouble: () => {
        if (!stale()) this.hooks.mediaTrouble(direction);
      },
      restored: (restarted) => {
        if (!stale()) this.hooks.mediaRestored(direction, restarted);
      },
      giveUp: () => {
        if (!stale()) this.hooks.transportFailed(direction);
      },
      currentState: () => transport.connectionState,
    });
    this.watches.set(transport, watch);
  }

  /**
   * Resolves once the receive transport is connected (media can flow), or failed, or is gone;
   * at once when there is none; at the latest after `maxMs`. The join sends its own camera only
   * after this, so the first picture of the others does not compete with opening and encoding ours.
   */
  recvConnected(maxMs: number): Promise<void> {
    const t = this.recvTransport;
    if (!t || t.closed || t.connectionState === 'connected' || t.connectionState === 'failed') return Promise.resolve();
    return atMost(new Promise((resolve) => this.recvConnectWaiters.push(resolve)), maxMs);
  }

  private flushRecvConnectWaiters(): void {
    const waiters = this.recvConnectWaiters;
    this.recvConnectWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * The receive transport an offer was made on. A join may deliver offers ahead of its ack: they
   * wait for the transport the ack brings (the prepared one, adopted, or a new one). Null when the
   * offer's transport is not ours: one we no longer have, or not the one the join settled on.
   */
  private async receiveTransport(transportId: string, stale: Stale): Promise<ms.Transport | null> {
    let t = this.recvTransport;
    // No transport yet, or only the prepared one, which the join may or may not adopt: wait for
    // its ack. Even an offer for the prepared one waits: the offers that come with a join all
    // arrive just before its ack, and built together they take one negotiation instead of two
    // (the first one built alone held up the others by a whole round).
    if (!t || this.preparedRecv) {
      if (stale()) return null;
      t = await new Promise<ms.Transport | null>((resolve) => this.recvWaiters.push(resolve));
    }
    return t && !t.closed && t.id === transportId ? t : null;
  }

  /** Renew the transport's TURN credentials (an ICE restart with fresh ones) before they expire. */
  private scheduleRenewal(transport: ms.Transport, ice: IceConfigWire, restart: (renewal: boolean) => Promise<void>): void {
    clearTimeout(this.renewals.get(transport.id));
    if (ice.iceServersExpireAt === null || transport.closed) return;
    const timer = setTimeout(() => {
      this.renewals.delete(transport.id);
      // A failed renewal leaves the path as it is; if it breaks later, the watch restarts ICE.
      if (!transport.closed) restart(true).catch(() => undefined);
    }, renewalDelay(ice.iceServersExpireAt, Date.now()));
    this.renewals.set(transport.id, timer);
  }

  /** Run the ICE-restart rung on every open transport now (window.__parleyDebug.restartIce). */
  restartIceNow(): void {
    for (const w of this.watches.values()) w.restartNow();
  }

  /** The send and receive connections' statistics, for the network monitor (null where there is none). */
  async transportStats(): Promise<{ send: RTCStatsReport | null; recv: RTCStatsReport | null }> {
    const read = (t: ms.Transport | null) => (t && !t.closed ? t.getStats().catch(() => null) : Promise.resolve(null));
    const [send, recv] = await Promise.all([read(this.sendTransport), read(this.recvTransport)]);
    return { send, recv };
  }

  /** Whether any camera or screen is being sent right now (only then is the send bandwidth meaningful). */
  get sendingVideo(): boolean {
    for (const p of this.producerMap.values()) if (p.kind === 'video' && !p.closed && !p.paused) return true;
    return false;
  }

  get canSend(): boolean {
    return !!this.sendTransport && !this.sendTransport.closed;
  }

  /**
   * Produce each live track the device can send, in order, paused ones paused on both ends.
   * Stops at the first producer that turns out stale. A refused optional item is reported, not thrown.
   */
  async produce(items: ProduceItem[], stale: Stale): Promise<ProduceFailure[]> {
    const failures: ProduceFailure[] = [];
    for (const item of items) {
      if (stale()) break;
      try {
        await this.produceOne(item, stale);
      } catch (error) {
        if (!item.optional || stale()) throw error;
        failures.push({ key: item.key, error });
      }
    }
    return failures;
  }

  /** Produce one track now; null when there is nothing to send it with or the work went stale. */
  async produceOne({ key, source, label, track, paused }: ProduceItem, stale: Stale): Promise<ms.Producer<ProducerAppData> | null> {
    const transport = this.sendTransport;
    const device = this.device;
    // Checked per item: a device may stop while the one before it is being produced.
    if (!transport || transport.closed || !device || !isLive(track)) return null;
    const kind = track.kind as 'audio' | 'video';
    if (!device.canProduce(kind)) return null;
    track.enabled = !paused;
    const appData: ProducerAppData = { key, source, label: label ?? null };
    const producer = await transport.produce<ProducerAppData>({
      track,
      stopTracks: false, // the tracks outlive a reconnect; the owner stops them when it finishes
      appData,
      ...(kind === 'audio'
        ? { codecOptions: { opusStereo: source === 'screen-audio', opusFec: true } }
        : source === 'screen'
          ? { encodings: [{ maxBitrate: 1_500_000, maxFramerate: 15 }], codecOptions: { videoGoogleStartBitrate: 1000 } }
          : { encodings: [{ maxBitrate: 700_000 }], codecOptions: { videoGoogleStartBitrate: 300 } }),
    });
    if (stale()) {
      producer.close();
      return null;
    }
    this.producerMap.get(key)?.close();
    this.producerMap.set(key, producer);
    markStep('producer-created');
    producer.on('trackended', () => this.hooks.trackEnded(key));
    if (paused) {
      producer.pause();
      await this.hooks.request('producer:set-paused', { producerId: producer.id, paused: true });
    }
    return producer;
  }

  producerId(key: SourceKey): string | null {
    const producer = this.producerMap.get(key);
    return producer && !producer.closed ? producer.id : null;
  }

  /** Pause or resume locally; returns the producer's id for telling the server, or null if none is live. */
  setProducerPaused(key: SourceKey, paused: boolean): string | null {
    const producer = this.producerMap.get(key);
    if (!producer || producer.closed) return null;
    if (paused) producer.pause();
    else producer.resume();
    return producer.id;
  }

  /** Forget and close the producer of `key`; returns it so the server can be told. */
  closeProducer(key: SourceKey): ms.Producer<ProducerAppData> | undefined {
    const producer = this.producerMap.get(key);
    this.producerMap.delete(key);
    producer?.close();
    return producer;
  }

  /**
   * Build the consumer the server offered (paused on its side until this is acknowledged). Null
   * when there is nothing to show: no open receive transport, consume failed, the connection
   * dropped meanwhile, or the server already closed it.
   */
  async consume(offer: ConsumerOffer, stale: Stale): Promise<{ consumer: ms.Consumer<ConsumerAppData>; producerPaused: boolean } | null> {
    // Tracked from now: a close or pause may come while we wait for the transport or build.
    this.building.add(offer.consumerId);
    const transport = await this.receiveTransport(offer.transportId, stale);
    if (!transport || transport.closed || stale()) {
      this.forgetEarly(offer.consumerId);
      return null;
    }
    let consumer: ms.Consumer<ConsumerAppData>;
    try {
      consumer = await transport.consume<ConsumerAppData>({
        id: offer.consumerId,
        producerId: offer.producerId,
        kind: offer.kind,
        rtpParameters: offer.rtpParameters as ms.RtpParameters,
        // One stream per person and pair of sources keeps the sound and picture that belong
        // together in sync: microphone + primary camera, screen + its sound; extra cameras alone.
        streamId: `${offer.participantId}-${streamGroup(offer)}`,
        appData: { participantId: offer.participantId, source: offer.source, label: offer.label ?? null },
      });
    } catch (error) {
      console.warn('[parley] could not receive media', { consumerId: offer.consumerId, error });
      this.forgetEarly(offer.consumerId);
      return null;
    }
    const closedEarly = this.earlyClosed.has(consumer.id);
    const producerPaused = this.earlyPaused.get(consumer.id) ?? offer.producerPaused;
    this.forgetEarly(consumer.id);
    if (stale() || closedEarly) {
      consumer.close();
      return null;
    }
    this.consumerMap.set(consumer.id, consumer);
    markStep('consumer-built');
    consumer.on('transportclose', () => this.hooks.consumerGone(consumer.id));
    consumer.on('trackended', () => this.hooks.consumerGone(consumer.id));
    return { consumer, producerPaused };
  }

  /** Resolves once no offered consumer is being built (at once when none is, or everything closed); at the latest after `maxMs`. */
  consumersBuilt(maxMs: number): Promise<void> {
    if (this.building.size === 0) return Promise.resolve();
    return atMost(new Promise((resolve) => this.builtWaiters.push(resolve)), maxMs);
  }

  private forgetEarly(consumerId: string): void {
    this.building.delete(consumerId);
    if (this.building.size === 0 && this.builtWaiters.length) {
      const waiters = this.builtWaiters;
      this.builtWaiters = [];
      for (const w of waiters) w();
    }
    this.earlyClosed.delete(consumerId);
    this.earlyPaused.delete(consumerId);
  }

  /** The server closed a consumer. False when it is still being built: consume() then drops it. */
  consumerClosed(consumerId: string): boolean {
    if (!this.consumerMap.has(consumerId)) {
      // Remembered only while it is being built; one this client never took needs nothing.
      if (this.building.has(consumerId)) this.earlyClosed.add(consumerId);
      return false;
    }
    // The server has stopped sending on it already. Closing our side renegotiates the receive
    // transport; it waits a moment so that what the server offers next (a caucus move closes the
    // old room's consumers and offers the new room's right after) is built first.
    const consumer = this.consumerMap.get(consumerId)!;
    this.consumerMap.delete(consumerId);
    this.retire(consumer);
    return true;
  }

  private retire(consumer: ms.Consumer<ConsumerAppData>): void {
    this.retiring.add(consumer);
    this.retireTimer ??= setTimeout(() => this.closeRetired(), RETIRE_AFTER_MS);
  }

  /**
   * Closes our side of the retired consumers, unless offered media is being built right now (the
   * next move came within RETIRE_AFTER_MS): closing renegotiates the same receive transport, and
   * the new room's media goes first. Then it waits for that, at most RETIRE_AFTER_MS more.
   */
  private closeRetired(force = false): void {
    if (this.retireTimer) clearTimeout(this.retireTimer);
    this.retireTimer = null;
    if (this.retiring.size === 0) return;
    if (!force && this.building.size > 0) {
      this.retireTimer = setTimeout(() => this.closeRetired(true), RETIRE_AFTER_MS);
      void this.consumersBuilt(RETIRE_AFTER_MS).then(() => {
        if (this.retireTimer) this.closeRetired(true);
      });
      return;
    }
    for (const c of this.retiring) if (!c.closed) c.close();
    this.retiring.clear();
  }

  /** The sender paused or resumed. False when the consumer is still being built: consume() applies it. */
  consumerPaused(consumerId: string, paused: boolean): boolean {
    if (!this.consumerMap.has(consumerId)) {
      if (this.building.has(consumerId)) this.earlyPaused.set(consumerId, paused);
      return false;
    }
    return true;
  }

  closeConsumer(consumerId: string): void {
    const consumer = this.consumerMap.get(consumerId);
    this.consumerMap.delete(consumerId);
    if (consumer && !consumer.closed) consumer.close();
  }

  /** Close transports (which closes their producers and consumers). The Device and local tracks stay. */
  closeAll(): void {
    for (const p of this.producerMap.values()) p.close();
    this.producerMap.clear();
    for (const c of this.consumerMap.values()) c.close();
    this.consumerMap.clear();
    this.closeRetired(true);
    this.building.clear();
    const built = this.builtWaiters;
    this.builtWaiters = [];
    for (const w of built) w();
    this.earlyClosed.clear();
    this.earlyPaused.clear();
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    this.preparedRecv = null;
    for (const t of this.renewals.values()) clearTimeout(t);
    this.renewals.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    // Offers waiting for a receive transport of the old connection are declined.
    const waiters = this.recvWaiters;
    this.recvWaiters = [];
    for (const w of waiters) w(null);
    this.flushRecvConnectWaiters();
  }
}

function streamGroup({ source, label, producerId }: ConsumerOffer): string {
  if (source === 'mic' || isPrimaryCamera(source, label)) return 'av';
  if (source === 'screen' || source === 'screen-audio') return 'screen';
  return producerId;
}
