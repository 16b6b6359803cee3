import type { types } from 'mediasoup';
import { ErrorCode, ParleyError } from '@parley/shared';
import type { CaseRouter } from './MediaPeer.ts';

/** What a person on the pre-join screen gets: a receive transport, and a data channel that makes the browser connect it now. */
export interface PreparedTransport {
  transport: types.WebRtcTransport;
  /** Consumes the router's probe; its SCTP stream is all the browser needs to run ICE and DTLS before there is any media. */
  probe: types.DataConsumer;
  /** The case's router it is on: whoever adopts it has their transports there. */
  home: CaseRouter;
}

/**
 * Receive transports opened for people still on the pre-join screen, one per holder (a signalling
 * connection), on one of the case's routers (the one placement chose for the holder). A browser only runs ICE and DTLS once it has something to
 * receive, so each also consumes a data channel from the router's probe (a DirectTransport's
 * DataProducer that never sends anything). By the time the person presses Join the path is up, and
 * the join adopts the transport as the person's receive transport: the others' media flows as soon
 * as their consumers are built, without waiting for ICE and DTLS.
 *
 * A prepared transport carries no media and belongs to no peer: nothing is consumed on it until it
 * is adopted by someone who joined, so it changes nothing about who sees or hears what.
 */
export class PreparedReceive {
  readonly #open: (home: CaseRouter) => Promise<types.WebRtcTransport>;
  readonly #byHolder = new Map<string, PreparedTransport>();
  /** Each router's probe, made once. */
  readonly #probes = new Map<types.Router, Promise<types.DataProducer>>();

  /** `open`: a WebRTC transport on that router, with SCTP enabled. */
  constructor(open: (home: CaseRouter) => Promise<types.WebRtcTransport>) {
    this.#open = open;
  }

  get size(): number {
    return this.#byHolder.size;
  }

  /** A fresh prepared transport for `holderId` on `home`; one it already had is closed first. */
  async prepare(holderId: string, home: CaseRouter): Promise<PreparedTransport> {
    this.drop(holderId);
    const producer = await this.#probeProducer(home.router);
    const transport = await this.#open(home);
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
    const prepared = { transport, probe, home };
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
  take(holderId: string, transportId: string): PreparedTransport | undefined {
    const prepared = this.peek(holderId, transportId);
    if (!prepared) return undefined;
    this.#byHolder.delete(holderId);
    return prepared;
  }

  /** What `take` would hand over, left in place. */
  peek(holderId: string, transportId: string): PreparedTransport | undefined {
    const prepared = this.#byHolder.get(holderId);
    if (!prepared || prepared.transport.id !== transportId || prepared.transport.closed) return undefined;
    return prepared;
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
    this.#probes.clear();
  }

  /** The router's probe, made once: a data producer on a DirectTransport that never sends. */
  #probeProducer(router: types.Router): Promise<types.DataProducer> {
    let probe = this.#probes.get(router);
    if (!probe) {
      probe = (async () => {
        const direct = await router.createDirectTransport();
        return direct.produceData({ label: 'parley-prepare' });
      })();
      this.#probes.set(router, probe);
      // A failed attempt is not kept: the next prepare tries again.
      probe.catch(() => this.#probes.delete(router));
    }
    return probe;
  }
}
