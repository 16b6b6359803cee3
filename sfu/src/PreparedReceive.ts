import type { types } from 'mediasoup';
import { ErrorCode, ParleyError } from '@parley/shared';

/** What a person on the pre-join screen gets: a receive transport, and a data channel that makes the browser connect it now. */
export interface PreparedTransport {
  transport: types.WebRtcTransport;
  /** Consumes the router's probe; its SCTP stream is all the browser needs to run ICE and DTLS before there is any media. */
  probe: types.DataConsumer;
}

/**
 * Receive transports opened for people still on the pre-join screen, one per holder (a signalling
 * connection), on the case's router. A browser only runs ICE and DTLS once it has something to
 * receive, so each also consumes a data channel from the router's probe (a DirectTransport's
 * DataProducer that never sends anything). By the time the person presses Join the path is up, and
 * the join adopts the transport as the person's receive transport: the others' media flows as soon
 * as their consumers are built, without waiting for ICE and DTLS.
 *
 * A prepared transport carries no media and belongs to no peer: nothing is consumed on it until it
 * is adopted by someone who joined, so it changes nothing about who sees or hears what.
 */
export class PreparedReceive {
  readonly #router: types.Router;
  readonly #open: () => Promise<types.WebRtcTransport>;
  readonly #byHolder = new Map<string, PreparedTransport>();
  #probe: Promise<types.DataProducer> | null = null;

  /** `open`: a WebRTC transport on the router, with SCTP enabled. */
  constructor(router: types.Router, open: () => Promise<types.WebRtcTransport>) {
    this.#router = router;
    this.#open = open;
  }

  get size(): number {
    return this.#byHolder.size;
  }

  /** A fresh prepared transport for `holderId`; one it already had is closed first. */
  async prepare(holderId: string): Promise<PreparedTransport> {
    this.drop(holderId);
    const producer = await this.#probeProducer();
    const transport = await this.#open();
    let probe: types.DataConsumer;
    try {
      probe = await transport.consumeData({ dataProducerId: producer.id });
    } catch (e) {
      transport.close();
      throw e;
    }
    // A path that failed before the join is not worth adopting: the join then opens a new one.
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') transport.close();
    });
    // Two prepares of one holder at once: the later one wins, the earlier transport is not kept.
    this.drop(holderId);
    const prepared = { transport, probe };
    this.#byHolder.set(holderId, prepared);
    transport.observer.once('close', () => {
      if (this.#byHolder.get(holderId) === prepared) this.#byHolder.delete(holderId);
    });
    return prepared;
  }

  /** The holder's own prepared transport with this id, or a typed refusal (someone else's is unknown). */
  get(holderId: string, transportId: string): types.WebRtcTransport {
    const prepared = this.#byHolder.get(holderId);
    if (!prepared || prepared.transport.id !== transportId || prepared.transport.closed) throw new ParleyError(ErrorCode.NotFound, 'No such transport.');
    return prepared.transport;
  }

  /**
   * Hands the holder's prepared transport over (to the peer who just joined): it is no longer
   * prepared, and closing it is its new owner's business. Undefined when it is gone (the holder
   * prepared again, the router closed, a worker died) or the id is not theirs.
   */
  take(holderId: string, transportId: string): types.WebRtcTransport | undefined {
    const prepared = this.#byHolder.get(holderId);
    if (!prepared || prepared.transport.id !== transportId || prepared.transport.closed) return undefined;
    this.#byHolder.delete(holderId);
    return prepared.transport;
  }

  /** Closes the holder's prepared transport, if any (they left the pre-join screen or disconnected). */
  drop(holderId: string): void {
    const prepared = this.#byHolder.get(holderId);
    if (!prepared) return;
    this.#byHolder.delete(holderId);
    prepared.transport.close();
  }

  close(): void {
    for (const { transport } of this.#byHolder.values()) transport.close();
    this.#byHolder.clear();
  }

  /** The router's probe, made once: a data producer on a DirectTransport that never sends. */
  #probeProducer(): Promise<types.DataProducer> {
    this.#probe ??= (async () => {
      const direct = await this.#router.createDirectTransport();
      return direct.produceData({ label: 'parley-prepare' });
    })();
    // A failed attempt is not kept: the next prepare tries again.
    this.#probe.catch(() => {
      this.#probe = null;
    });
    return this.#probe;
  }
}
