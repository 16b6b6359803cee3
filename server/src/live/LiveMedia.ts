import type { ConsumerCloseReason, ConsumerOffer, MediaSource } from '@parley/shared';
import type { MediasoupTypes, ProducerSummary, TransportOptions, TransportStateCause } from '@parley/sfu';
export type { TransportStateCause };
import type { ConsumerMedia } from './ConsumerDelivery.ts';

/** What the media of a case tells the live session (see CaseMedia in sfu/ for when each fires). */
export type RouterMediaEvents = {
  /** A consumer was created (video paused); it is offered to its viewer, and resumed on their ack. */
  'consumer:added': [peerId: string, consumer: ConsumerOffer];
  'consumer:closed': [peerId: string, consumerId: string, reason: ConsumerCloseReason];
  'consumer:paused': [peerId: string, consumerId: string];
  'consumer:resumed': [peerId: string, consumerId: string];
  /** A person's WebRTC path broke ('lost') or came back ('ok') while their signalling stayed up; `cause`: which detector saw it. */
  'transport:state': [peerId: string, direction: 'send' | 'recv', state: 'ok' | 'lost', cause: TransportStateCause];
  /** The media is gone (closed by its owner or because its worker died). */
  close: [reason: 'closed' | 'worker-died'];
};

/** What the live session hears of its media: the router's events, and the worker being replaced under it. */
export type LiveMediaEvents = RouterMediaEvents & {
  /**
   * The worker carrying the case died: every transport, producer and consumer is gone and the
   * media is being rebuilt, empty, on a worker that is alive (ReplaceableMedia). Everyone must
   * connect their media again; who is in the session, and where, is untouched.
   */
  'worker-lost': [];
  /** The rebuilt media is ready: people connecting their media again get it. */
  'worker-replaced': [];
};

/**
 * The media of one case as the live session uses it: the operations of the SFU's CaseMedia that
 * the live model and its handlers call, and the events of a ReplaceableMedia around it (which
 * LiveSessions hands in; CaseMedia is a RouterMedia as it is, and the compiler checks that there).
 * The unit tests hand in a fake without a mediasoup worker.
 */
export interface LiveMedia extends MediaOperations {
  on<K extends keyof LiveMediaEvents & string>(event: K, listener: (...args: LiveMediaEvents[K]) => void): unknown;
}

/** One router's media, as CaseMedia is: what ReplaceableMedia keeps and replaces when its worker dies. */
export interface RouterMedia extends MediaOperations {
  on<K extends keyof RouterMediaEvents & string>(event: K, listener: (...args: RouterMediaEvents[K]) => void): unknown;
}

/** What the live model and its handlers call on a case's media. */
export interface MediaOperations extends ConsumerMedia {
  close(): void;

  // --- who is connected to the media and where they are ---
  hasPeer(peerId: string): boolean;
  addPeer(peerId: string, roomId: string): unknown;
  removePeer(peerId: string): void;
  /** Re-wires a person to another room: what they receive follows the room. */
  movePeer(peerId: string, roomId: string): Promise<void>;

  // --- what people send, and the mediator's holds on it ---
  producersOf(peerId: string): ProducerSummary[];
  ownerOf(producerId: string): { peerId: string; source: MediaSource } | undefined;
  closeProducer(peerId: string, producerId: string): void;
  /** Closes the person's producers of these sources; returns the ids that closed. */
  closeSources(peerId: string, sources: MediaSource[]): string[];
  setHold(peerId: string, source: MediaSource, held: boolean): Promise<void>;
  isHeld(peerId: string, source: MediaSource): boolean;
  setAudioOnly(peerId: string, on: boolean): Promise<void>;
  isAudioOnly(peerId: string): boolean;

  // --- one person's transports and streams (the handlers' media plumbing) ---
  readonly rtpCapabilities: MediasoupTypes.RtpCapabilities;
  createWebRtcTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions>;
  connectTransport(peerId: string, transportId: string, dtlsParameters: MediasoupTypes.DtlsParameters): Promise<void>;
  /** The receive transport this person prepared on the pre-join screen (as `holderId`) becomes theirs; false when it is gone. */
  adoptPrepared(peerId: string, holderId: string, transportId: string): boolean;
  restartIce(peerId: string, transportId: string): Promise<MediasoupTypes.IceParameters>;
  setReady(peerId: string, rtpCapabilities: MediasoupTypes.RtpCapabilities): Promise<number>;
  produce(
    peerId: string,
    args: { transportId: string; kind: 'audio' | 'video'; rtpParameters: MediasoupTypes.RtpParameters; source: MediaSource; label?: string | undefined },
  ): Promise<string>;
  setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void>;
}
