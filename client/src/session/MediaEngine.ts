import { Device } from 'mediasoup-client';
import type { types as ms } from 'mediasoup-client';
import type { ConsumerAdded, MediaSource, RequestName, RequestPayload, RequestResults } from '@parley/shared';
import { isLive } from './local-media.ts';

export type ConsumerAppData = { participantId: string; source: MediaSource };
export type Direction = 'send' | 'recv';

/**
 * True once the connection the work was started for has dropped: every await below may resume
 * after a reconnect, and objects made for an old connection must be closed, not kept.
 */
export type Stale = () => boolean;

export interface MediaEngineHooks {
  request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<RequestResults[K]>;
  /** ICE/DTLS of a current transport gave up. */
  transportFailed(direction: Direction): void;
  /** The camera or microphone behind a producer stopped (unplugged, revoked). */
  trackEnded(source: MediaSource): void;
  /** A consumer closed by itself (its transport closed, or its track ended). */
  consumerGone(consumerId: string): void;
}

export interface ProduceItem {
  source: MediaSource;
  track: MediaStreamTrack | null;
  paused: boolean;
}

/**
 * Every mediasoup-client object of one session: the Device (loaded once, kept across reconnects),
 * the send and receive transports, and their producers and consumers. It reaches the server only
 * through `hooks.request` and leaves the session state to its owner.
 */
export class MediaEngine {
  private device: Device | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private readonly producerMap = new Map<MediaSource, ms.Producer>();
  private readonly consumerMap = new Map<string, ms.Consumer<ConsumerAppData>>();
  /** consumer:closed / paused / resumed that arrived while the consumer was still being built. */
  private readonly earlyClosed = new Set<string>();
  private readonly earlyPaused = new Map<string, boolean>();

  constructor(private readonly hooks: MediaEngineHooks) {}

  get loaded(): boolean {
    return this.device !== null;
  }

  get producers(): ReadonlyMap<MediaSource, ms.Producer> {
    return this.producerMap;
  }

  get consumers(): ReadonlyMap<string, ms.Consumer<ConsumerAppData>> {
    return this.consumerMap;
  }

  /** Throws mediasoup-client's UnsupportedError when this browser cannot do WebRTC with the SFU. */
  async load(routerRtpCapabilities: unknown): Promise<void> {
    const device = await Device.factory();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
    this.device = device;
  }

  recvRtpCapabilities(): RequestPayload<'media:ready'>['rtpCapabilities'] {
    if (!this.device) throw new Error('device not loaded');
    // mediasoup-client's RtpCapabilities is wider than the wire schema (e.g. `parameters: any`);
    // the server validates it with the shared schema.
    return this.device.recvRtpCapabilities as unknown as RequestPayload<'media:ready'>['rtpCapabilities'];
  }

  async openTransport(direction: Direction, stale: Stale): Promise<void> {
    const device = this.device;
    if (!device) throw new Error('device not loaded');
    const options = await this.hooks.request('transport:create', { direction });
    const transportOptions: ms.TransportOptions = {
      id: options.id,
      iceParameters: options.iceParameters as ms.IceParameters,
      iceCandidates: options.iceCandidates as ms.IceCandidate[],
      dtlsParameters: options.dtlsParameters as ms.DtlsParameters,
    };
    const transport =
      direction === 'send' ? device.createSendTransport(transportOptions) : device.createRecvTransport(transportOptions);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.hooks.request('transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData.source as MediaSource;
        this.hooks
          .request('producer:create', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as RequestPayload<'producer:create'>['rtpParameters'],
            source,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }

    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && !stale()) this.hooks.transportFailed(direction);
    });

    if (stale()) transport.close();
    if (direction === 'send') this.sendTransport = transport;
    else this.recvTransport = transport;
  }

  /**
   * Produce each live track the device can send, in order, paused ones paused on both ends.
   * Stops at the first producer that turns out stale.
   */
  async produce(items: ProduceItem[], stale: Stale): Promise<void> {
    const transport = this.sendTransport;
    const device = this.device;
    if (!transport || !device) return;
    for (const { source, track, paused } of items) {
      // Checked per item: a device may stop while the one before it is being produced.
      if (!isLive(track)) continue;
      const kind = track.kind as 'audio' | 'video';
      if (!device.canProduce(kind)) continue;
      track.enabled = !paused;
      const producer = await transport.produce({
        track,
        stopTracks: false, // the tracks outlive a reconnect; the owner stops them when it finishes
        appData: { source },
        ...(kind === 'audio'
          ? { codecOptions: { opusStereo: false, opusFec: true } }
          : { encodings: [{ maxBitrate: 700_000 }], codecOptions: { videoGoogleStartBitrate: 300 } }),
      });
      if (stale()) {
        producer.close();
        return;
      }
      this.producerMap.set(source, producer);
      producer.on('trackended', () => this.hooks.trackEnded(source));
      if (paused) {
        producer.pause();
        await this.hooks.request('producer:set-paused', { producerId: producer.id, paused: true });
      }
    }
  }

  /** Pause or resume locally; returns the producer's id for telling the server, or null if none is live. */
  setProducerPaused(source: MediaSource, paused: boolean): string | null {
    const producer = this.producerMap.get(source);
    if (!producer || producer.closed) return null;
    if (paused) producer.pause();
    else producer.resume();
    return producer.id;
  }

  /** Forget and close the producer of `source`; returns it so the server can be told. */
  closeProducer(source: MediaSource): ms.Producer | undefined {
    const producer = this.producerMap.get(source);
    this.producerMap.delete(source);
    producer?.close();
    return producer;
  }

  /**
   * Build the consumer the server announced. Null when there is nothing to show: no open receive
   * transport, consume failed, the connection dropped meanwhile, or the server already closed it.
   */
  async consume(added: ConsumerAdded, stale: Stale): Promise<{ consumer: ms.Consumer<ConsumerAppData>; producerPaused: boolean } | null> {
    const transport = this.recvTransport;
    if (!transport || transport.closed) return null;
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
      return null;
    }
    if (stale() || this.earlyClosed.has(consumer.id)) {
      this.earlyClosed.delete(consumer.id);
      consumer.close();
      return null;
    }
    this.consumerMap.set(consumer.id, consumer);
    const producerPaused = this.earlyPaused.get(consumer.id) ?? added.producerPaused;
    this.earlyPaused.delete(consumer.id);
    consumer.on('transportclose', () => this.hooks.consumerGone(consumer.id));
    consumer.on('trackended', () => this.hooks.consumerGone(consumer.id));
    return { consumer, producerPaused };
  }

  /** The server closed a consumer. False when it is still being built: consume() then drops it. */
  consumerClosed(consumerId: string): boolean {
    if (!this.consumerMap.has(consumerId)) {
      this.earlyClosed.add(consumerId);
      return false;
    }
    this.closeConsumer(consumerId);
    return true;
  }

  /** The sender paused or resumed. False when the consumer is still being built: consume() applies it. */
  consumerPaused(consumerId: string, paused: boolean): boolean {
    if (!this.consumerMap.has(consumerId)) {
      this.earlyPaused.set(consumerId, paused);
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
    this.earlyClosed.clear();
    this.earlyPaused.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
  }
}
