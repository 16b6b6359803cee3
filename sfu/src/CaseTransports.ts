import type { types } from 'mediasoup';
import { ErrorCode, ParleyError } from '@parley/shared';
import type { CaseRouter, MediaPeer, MediaTransport } from './MediaPeer.ts';
import { StallDetector, type PathReadingCounts } from './StallDetector.ts';
import { PreparedReceive } from './PreparedReceive.ts';

/** Which detector saw a transport's path break or come back (named in the session record). */
export type TransportStateCause = 'no-packets' | 'ice' | 'dtls';

export interface TransportOptions {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
  /** Prepared receive transports only: they carry the probe's data channel. */
  sctpParameters?: types.SctpParameters;
}

/** A receive transport for the pre-join screen, and the data channel the browser consumes to connect it. */
export interface PreparedReceiveOptions {
  transport: TransportOptions;
  probe: { id: string; dataProducerId: string; sctpStreamParameters: types.SctpStreamParameters; label: string; protocol: string };
}

/** What the transports need of the case's media that owns them (CaseMedia). */
export interface TransportHost {
  /** Every peer of the case, for the stall check. */
  readonly peers: ReadonlyMap<string, MediaPeer>;
  /** The peer, or the typed refusal (the media ended, or they did not join). */
  peer(peerId: string): MediaPeer;
  /** Throws the typed refusal once the case's media has ended. */
  assertOpen(): void;
  /** The router the peer's transports go on (placing them with their first one). */
  home(peer: MediaPeer): Promise<CaseRouter>;
  /** A router for someone not yet a peer (the pre-join screen), chosen as for a peer. */
  place(): Promise<CaseRouter>;
  /** A peer's WebRTC path broke or came back (CaseMedia's 'transport:state'). */
  onState(peerId: string, direction: 'send' | 'recv', state: 'ok' | 'lost', cause: TransportStateCause): void;
}

/**
 * The transports of one case's peers, on its router: creating, attaching and connecting WebRTC
 * ones, ICE restarts, the receive transports prepared on the pre-join screen, and watching every
 * connected path for breaks. Owned by CaseMedia, which keeps the peers and decides what flows.
 */
export class CaseTransports {
  readonly #host: TransportHost;
  readonly #stalls: StallDetector;
  /** Receive transports of people on the pre-join screen, adopted when they join. */
  readonly #prepared: PreparedReceive;
  readonly #stallTimer: ReturnType<typeof setInterval>;

  /** `readings`: the server-wide tally of path readings (metrics), added to every 2 s. */
  constructor(host: TransportHost, readings?: PathReadingCounts) {
    this.#stalls = new StallDetector(undefined, undefined, readings);
    this.#host = host;
    this.#prepared = new PreparedReceive((home) => this.#newWebRtcTransport(home, { prepared: true }, true));
    this.#stallTimer = setInterval(() => void this.#checkStalls(), 2_000);
    this.#stallTimer.unref();
  }

  /** Every connected transport is read every 2 s: silence means its path is gone (StallDetector). */
  async #checkStalls(): Promise<void> {
    const seen = new Set<string>();
    for (const peer of [...this.#host.peers.values()]) {
      for (const { transport, direction } of [...peer.transports.values()]) {
        // Only browsers' (WebRTC) transports are watched: a plain one has no client to warn.
        if (transport.closed || transport.type !== 'webrtc' || transport.dtlsState !== 'connected') continue;
        seen.add(transport.id);
        try {
          const [stats] = await transport.getStats();
          const change = stats ? this.#stalls.sample(transport.id, stats.bytesReceived, Date.now(), expectsTraffic(peer, direction)) : null;
          if (change && !peer.closed) this.#host.onState(peer.id, direction, change, 'no-packets');
        } catch {
          // Closed while we asked: nothing to report.
        }
      }
    }
    this.#stalls.retain(seen);
  }

  /** How many people on the pre-join screen hold a prepared receive transport. */
  get preparedCount(): number {
    return this.#prepared.size;
  }

  async createWebRtcTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
    const peer = this.#host.peer(peerId);
    this.#assertNoTransport(peer, direction);
    const transport = await this.#newWebRtcTransport(await this.#host.home(peer), { peerId, direction }, false);
    if (peer.closed) {
      transport.close();
      throw new ParleyError(ErrorCode.NotInSession, 'You left the session.');
    }
    this.#attach(peer, transport, direction);
    return optionsOf(transport);
  }

  /**
   * A receive transport for someone on the pre-join screen (`holderId`: their connection), with the
   * data channel that makes their browser connect it now; see PreparedReceive. Not a peer: nothing
   * is consumed on it until `adoptPrepared`.
   */
  async prepareReceive(holderId: string): Promise<PreparedReceiveOptions> {
    this.#host.assertOpen();
    const { transport, probe } = await this.#prepared.prepare(holderId, await this.#host.place());
    return {
      transport: optionsOf(transport),
      probe: { id: probe.id, dataProducerId: probe.dataProducerId, sctpStreamParameters: probe.sctpStreamParameters!, label: probe.label, protocol: probe.protocol },
    };
  }

  /** The DTLS handshake of a prepared transport (the browser's `connect`), before its holder joined. */
  async connectPrepared(holderId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    this.#host.assertOpen();
    await connectOnce(this.#prepared.get(holderId, transportId), dtlsParameters);
  }

  dropPrepared(holderId: string): void {
    this.#prepared.drop(holderId);
  }

  /**
   * The peer who just joined takes the receive transport they prepared as `holderId`: it becomes
   * their receive transport, already connected. False when it is gone (the case's media was
   * closed or rebuilt meanwhile, or it was never theirs), or when the peer's transports are on
   * another of the case's routers: the peer then gets a new one.
   */
  adoptPrepared(peerId: string, holderId: string, transportId: string): boolean {
    const peer = this.#host.peer(peerId);
    this.#assertNoTransport(peer, 'recv');
    const found = this.#prepared.peek(holderId, transportId);
    if (!found || (peer.home && peer.home !== found.home)) return false;
    const { transport, home } = this.#prepared.take(holderId, transportId)!;
    peer.home = home;
    transport.appData = { peerId, direction: 'recv' };
    this.#attach(peer, transport, 'recv');
    return true;
  }

  #assertNoTransport(peer: MediaPeer, direction: 'send' | 'recv'): void {
    for (const t of peer.transports.values()) {
      if (t.direction === direction) throw new ParleyError(ErrorCode.Conflict, `A ${direction} transport already exists.`);
    }
  }

  #newWebRtcTransport(home: CaseRouter, appData: Record<string, unknown>, sctp: boolean): Promise<types.WebRtcTransport> {
    this.#host.assertOpen();
    // Every transport of this worker shares its one media port, UDP and TCP (the worker pool's
    // WebRtcServer), so a firewall needs one rule per protocol and per worker, not a port range.
    return home.router.createWebRtcTransport({
      webRtcServer: home.media.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 800_000,
      ...(sctp ? { enableSctp: true } : {}),
      appData,
    });
  }

  /** The transport is the peer's from now on: its path's breaks are theirs, and it goes with them. */
  #attach(peer: MediaPeer, transport: types.WebRtcTransport, direction: 'send' | 'recv'): void {
    peer.transports.set(transport.id, { transport, direction });
    transport.on('icestatechange', (state) => {
      if (state === 'disconnected') this.#host.onState(peer.id, direction, 'lost', 'ice');
      else if (state === 'connected' || state === 'completed') this.#host.onState(peer.id, direction, 'ok', 'ice');
    });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        if (!peer.closed) this.#host.onState(peer.id, direction, 'lost', 'dtls');
        transport.close();
      }
    });
    transport.observer.on('close', () => {
      peer.transports.delete(transport.id);
    });
  }

  /** New ICE credentials: the client restarts ICE on the same transport (first rung of the ladder). */
  async restartIce(peerId: string, transportId: string): Promise<types.IceParameters> {
    return this.#webRtcTransport(peerId, transportId).restartIce();
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await connectOnce(this.#webRtcTransport(peerId, transportId), dtlsParameters);
  }

  /**
   * Keeps a transport made outside this class on the peer's router (a plain RTP one, see
   * PlainTransports.ts) with the peer's transports, so produce(), setReady() and the consumers
   * room membership creates treat it as they treat a browser's. Closes it if the peer is gone or
   * already has a transport of that direction.
   */
  attachTransport(peerId: string, direction: 'send' | 'recv', transport: MediaTransport): void {
    let peer: MediaPeer;
    try {
      peer = this.#host.peer(peerId);
      if ([...peer.transports.values()].some((t) => t.direction === direction)) throw new ParleyError(ErrorCode.Conflict, `A ${direction} transport already exists.`);
    } catch (err) {
      transport.close();
      throw err;
    }
    peer.transports.set(transport.id, { transport, direction });
    // Either kind's observer is a transport observer ('close' is common to both).
    const observer: types.TransportObserver = transport.observer;
    observer.on('close', () => peer.transports.delete(transport.id));
  }

  /** One of the peer's transports, any kind (produce() checks its direction). */
  get(peerId: string, transportId: string): { transport: MediaTransport; direction: 'send' | 'recv' } {
    const t = this.#host.peer(peerId).transports.get(transportId);
    // Someone else's transport id is treated as unknown: no hint that it exists.
    if (!t) throw new ParleyError(ErrorCode.NotFound, 'No such transport.');
    return t;
  }

  /** ICE restart and DTLS connect exist only on WebRTC transports: any other is unknown to them. */
  #webRtcTransport(peerId: string, transportId: string): types.WebRtcTransport {
    const { transport } = this.get(peerId, transportId);
    if (transport.type !== 'webrtc') throw new ParleyError(ErrorCode.NotFound, 'No such transport.');
    return transport;
  }

  /** Stops watching and closes the prepared transports; the peers' go with the peers (CaseMedia). */
  close(): void {
    clearInterval(this.#stallTimer);
    this.#prepared.close();
  }
}

/** Transports whose DTLS parameters were given: mediasoup takes them once per transport. */
const connecting = new WeakSet<types.WebRtcTransport>();

/**
 * The browser's DTLS parameters, once per transport. A second connect (a retry, a modified client)
 * is a typed conflict, and parameters the worker refuses a typed bad request, not an internal error.
 */
async function connectOnce(transport: types.WebRtcTransport, dtlsParameters: types.DtlsParameters): Promise<void> {
  if (connecting.has(transport)) throw new ParleyError(ErrorCode.Conflict, 'This transport is already connected.');
  connecting.add(transport);
  try {
    await transport.connect({ dtlsParameters });
  } catch (cause) {
    // Refused parameters leave the transport unconnected: the client may send good ones.
    connecting.delete(transport);
    if (transport.closed) throw new ParleyError(ErrorCode.NotFound, 'No such transport.', { cause });
    throw new ParleyError(ErrorCode.BadRequest, 'The connection parameters were not accepted.', { cause });
  }
}

function optionsOf(transport: types.WebRtcTransport): TransportOptions {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
    ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
  };
}

/**
 * Whether the browser has something to send on this peer's transport now: RTP of a producer that
 * is not paused, or RTCP feedback about a consumer whose media flows to it. Without either an idle
 * path is quiet for long stretches, which is not a break (StallDetector).
 */
function expectsTraffic(peer: MediaPeer, direction: 'send' | 'recv'): boolean {
  if (direction === 'send') return [...peer.producers.values()].some(({ producer }) => !producer.closed && !producer.paused);
  return [...peer.consumers.values()].some((c) => !c.closed && !c.paused && !c.producerPaused);
}
