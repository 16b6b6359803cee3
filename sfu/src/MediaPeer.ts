import type { types } from 'mediasoup';
import type { MediaSource } from '@parley/shared';
import type { MediaWorker } from './WorkerPool.ts';

export interface ProducerInfo {
  producer: types.Producer;
  source: MediaSource;
  /** Cameras: the sender's label ("Face", "Document camera"); null for other sources. */
  label: string | null;
}

/**
 * A peer's transport: WebRTC for browsers; plain RTP for server-side senders and receivers
 * (PlainTransports.ts, driven by the SFU cost benchmark). Both produce and consume alike.
 */
export type MediaTransport = types.WebRtcTransport | types.PlainTransport;

/**
 * One of a case's routers and the worker it runs on. A case has one until it outgrows what a
 * worker carries; then its newcomers go to a router on another worker (CaseMedia's placement).
 */
export interface CaseRouter {
  readonly router: types.Router;
  readonly media: MediaWorker;
}

/**
 * The media side of one participant inside a case router: their transports, producers and
 * consumers, and the room they are in. Owned by CaseMedia; holds no policy of its own.
 */
export class MediaPeer {
  readonly id: string;
  roomId: string;
  /**
   * The router the peer's transports are on, chosen with their first transport (CaseMedia's
   * placement); what others send reaches it through a pipe when their router is another.
   */
  home: CaseRouter | undefined;
  rtpCapabilities: types.RtpCapabilities | undefined;
  readonly transports = new Map<string, { transport: MediaTransport; direction: 'send' | 'recv' }>();
  readonly producers = new Map<string, ProducerInfo>();
  /** consumerId → consumer; appData.producerId tells which producer it mirrors. */
  readonly consumers = new Map<string, types.Consumer>();
  /**
   * Producers whose consumer for this peer the worker is creating right now: consumers are created
   * side by side (CaseMedia.#reconcile), and a second reconcile meanwhile must not make another.
   */
  readonly consuming = new Set<string>();
  /** Consumers offered to the client and not yet confirmed by its ack: they stay paused. */
  readonly unconfirmed = new Set<string>();
  /** Sources the mediator holds paused; the person cannot resume them (server-side mute). */
  readonly held = new Set<MediaSource>();
  /** Receives no video (weak network): video consumers stay paused. */
  audioOnly = false;
  closed = false;

  constructor(id: string, roomId: string) {
    this.id = id;
    this.roomId = roomId;
  }

  get recvTransport(): MediaTransport | undefined {
    for (const t of this.transports.values()) if (t.direction === 'recv') return t.transport;
    return undefined;
  }

  /** Ready to receive: has told us its capabilities and has a receive transport. */
  get canConsume(): boolean {
    return !this.closed && this.rtpCapabilities !== undefined && this.recvTransport !== undefined;
  }

  consumerOf(producerId: string): types.Consumer | undefined {
    for (const c of this.consumers.values()) if (c.producerId === producerId) return c;
    return undefined;
  }

  /** Whether this peer has, or is getting, a consumer of the producer. */
  receives(producerId: string): boolean {
    return this.consuming.has(producerId) || this.consumerOf(producerId) !== undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Closing a transport closes its producers and consumers in the worker.
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.consuming.clear();
    this.unconfirmed.clear();
  }
}
