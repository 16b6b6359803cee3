import { EventEmitter } from 'node:events';
import type { MediaSource } from '@parley/shared';
import type { MediasoupTypes, ProducerSummary, TransportOptions } from '@parley/sfu';
import type { Logger } from '../logger.ts';
import type { LiveMedia, LiveMediaEvents, RouterMedia } from './LiveMedia.ts';

/** Every event of the inner media that the live case listens to, passed on as it is (except 'close'). */
const PASSED_ON = ['consumer:added', 'consumer:closed', 'consumer:paused', 'consumer:resumed', 'transport:state'] as const;

/**
 * A case's media that outlives the mediasoup worker carrying it. When that worker dies, its
 * router and every transport on it are gone: this says 'worker-lost' (the live case tells
 * everyone to connect their media again; their places, rooms and holds stay), asks `rebuild` for
 * an empty CaseMedia on a worker that is alive, and from then on every call goes there. Only when
 * no worker can be had does it say 'close' with 'worker-died', and the live case ends as before.
 *
 * The live case and its parts keep this one object for the case's life, so none of them has to
 * learn that the router under it changed.
 */
export class ReplaceableMedia implements LiveMedia {
  readonly #ee = new EventEmitter();
  readonly #rebuild: () => Promise<RouterMedia>;
  readonly #log: Logger;
  #inner: RouterMedia;
  #closed = false;
  /** Settles once a rebuild in progress has ended (either way); resolved when none is running. */
  #rebuilding: Promise<void> = Promise.resolve();

  constructor(first: RouterMedia, rebuild: () => Promise<RouterMedia>, log: Logger) {
    this.#rebuild = rebuild;
    this.#log = log;
    this.#inner = first;
    this.#attach(first);
  }

  on<K extends keyof LiveMediaEvents & string>(event: K, listener: (...args: LiveMediaEvents[K]) => void): this {
    this.#ee.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Resolves when no rebuild is running (for tests and diagnostics). */
  settled(): Promise<void> {
    return this.#rebuilding;
  }

  #attach(inner: RouterMedia): void {
    // Events of a media already replaced are dropped: they speak of transports nobody has any more.
    const current = () => this.#inner === inner && !this.#closed;
    for (const name of PASSED_ON) {
      inner.on(name, ((...args: unknown[]) => {
        if (current()) this.#ee.emit(name, ...args);
      }) as never);
    }
    inner.on('close', (reason) => {
      if (!current()) return;
      if (reason === 'worker-died') this.#rebuilding = this.#replace();
      else this.#end('closed');
    });
  }

  async #replace(): Promise<void> {
    this.#ee.emit('worker-lost');
    let next: RouterMedia;
    try {
      next = await this.#rebuild();
    } catch (err) {
      this.#log.error({ err }, 'no media worker could take the case over');
      this.#end('worker-died');
      return;
    }
    if (this.#closed) {
      next.close();
      return;
    }
    this.#inner = next;
    this.#attach(next);
    this.#ee.emit('worker-replaced');
  }

  #end(reason: 'closed' | 'worker-died'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ee.emit('close', reason);
  }

  close(): void {
    if (this.#closed) return;
    const inner = this.#inner;
    this.#end('closed');
    inner.close();
  }

  // Everything below is the inner media's, as it is now.
  get rtpCapabilities(): MediasoupTypes.RtpCapabilities {
    return this.#inner.rtpCapabilities;
  }
  get consumerAckTimeoutMs(): number {
    return this.#inner.consumerAckTimeoutMs;
  }
  hasPeer(peerId: string): boolean {
    return this.#inner.hasPeer(peerId);
  }
  addPeer(peerId: string, roomId: string): unknown {
    return this.#inner.addPeer(peerId, roomId);
  }
  removePeer(peerId: string): void {
    this.#inner.removePeer(peerId);
  }
  movePeer(peerId: string, roomId: string): Promise<void> {
    return this.#inner.movePeer(peerId, roomId);
  }
  producersOf(peerId: string): ProducerSummary[] {
    return this.#inner.producersOf(peerId);
  }
  ownerOf(producerId: string): { peerId: string; source: MediaSource } | undefined {
    return this.#inner.ownerOf(producerId);
  }
  closeProducer(peerId: string, producerId: string): void {
    this.#inner.closeProducer(peerId, producerId);
  }
  closeSources(peerId: string, sources: MediaSource[]): string[] {
    return this.#inner.closeSources(peerId, sources);
  }
  setHold(peerId: string, source: MediaSource, held: boolean): Promise<void> {
    return this.#inner.setHold(peerId, source, held);
  }
  isHeld(peerId: string, source: MediaSource): boolean {
    return this.#inner.isHeld(peerId, source);
  }
  setAudioOnly(peerId: string, on: boolean): Promise<void> {
    return this.#inner.setAudioOnly(peerId, on);
  }
  isAudioOnly(peerId: string): boolean {
    return this.#inner.isAudioOnly(peerId);
  }
  createWebRtcTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
    return this.#inner.createWebRtcTransport(peerId, direction);
  }
  connectTransport(peerId: string, transportId: string, dtlsParameters: MediasoupTypes.DtlsParameters): Promise<void> {
    return this.#inner.connectTransport(peerId, transportId, dtlsParameters);
  }
  adoptPrepared(peerId: string, holderId: string, transportId: string): boolean {
    return this.#inner.adoptPrepared(peerId, holderId, transportId);
  }
  restartIce(peerId: string, transportId: string): Promise<MediasoupTypes.IceParameters> {
    return this.#inner.restartIce(peerId, transportId);
  }
  setReady(peerId: string, rtpCapabilities: MediasoupTypes.RtpCapabilities): Promise<number> {
    return this.#inner.setReady(peerId, rtpCapabilities);
  }
  produce(
    peerId: string,
    args: { transportId: string; kind: 'audio' | 'video'; rtpParameters: MediasoupTypes.RtpParameters; source: MediaSource; label?: string | undefined },
  ): Promise<string> {
    return this.#inner.produce(peerId, args);
  }
  setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    return this.#inner.setProducerPaused(peerId, producerId, paused);
  }
  confirmConsumer(peerId: string, consumerId: string): Promise<boolean> {
    return this.#inner.confirmConsumer(peerId, consumerId);
  }
  refuseConsumer(peerId: string, consumerId: string): boolean {
    return this.#inner.refuseConsumer(peerId, consumerId);
  }
}
