import type { MediaSource, NetworkSample, RequestName, RequestPayload, RequestResults, WireError } from '@parley/shared';
import type { MediaEngine } from './MediaEngine.ts';
import { serialisableState, type SessionStore } from './store.ts';

/**
 * `window.__parleyDebug`: what the real-browser tests read to prove media actually flows (frames
 * decoded, packets sent) rather than trusting the UI. The e2e suite depends on this exact shape.
 */

export interface InboundStat {
  consumerId: string;
  participantId: string;
  displayName: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  /** Cameras: the sender's label ("Camera", "Document camera"); null otherwise. */
  label: string | null;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  /** When the last packet came (ms since the epoch, the stats' clock); null before any. */
  lastPacketReceivedAt: number | null;
}

export interface OutboundStat {
  producerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  label: string | null;
  paused: boolean;
  packetsSent: number;
  bytesSent: number;
  framesEncoded: number;
}

/** The ICE candidate pair a transport is using now: whose candidates, over what. */
export interface SelectedPair {
  /** 'host', 'srflx', 'prflx' or 'relay' (TURN). */
  localType: string;
  /** How this browser reaches the TURN server ('udp', 'tcp', 'tls'); null when not relayed. */
  relayProtocol: string | null;
  remoteType: string;
  protocol: string;
}

/**
 * The network path one of my transports uses right now, from its selected ICE candidate pair, and
 * what that path costs: the round trip and the RTP packets lost on it.
 */
export interface TransportPath {
  direction: 'send' | 'recv';
  /** Candidate protocols of the selected pair ('udp' | 'tcp'); null before a pair is selected. */
  localProtocol: string | null;
  remoteProtocol: string | null;
  remoteAddress: string | null;
  remotePort: number | null;
  /** The pair's latest round trip (STUN consent checks), in milliseconds. */
  rttMs: number | null;
  /** The mean over every check answered on this pair: a delay on the path is its floor, a load spike barely moves it. */
  meanRttMs: number | null;
  /** recv: RTP packets lost and received over all inbound streams; send: what the server reports losing of ours, and what we sent. */
  packetsLost: number;
  packets: number;
  /** The SRTP protection profile DTLS negotiated ('SRTP_AEAD_AES_256_GCM'…); null before DTLS is up. */
  srtpCipher: string | null;
}

export interface ParleyDebug {
  inboundStats(): Promise<InboundStat[]>;
  /**
   * For each audio consumer, when its receiver last delivered sound to the track (epoch ms, from
   * RTCRtpReceiver.getSynchronizationSources(), which is live: getStats() may answer from a report
   * up to 50 ms old), or null before the first. Read synchronously: the caucus-move benchmark polls it.
   */
  audioDelivered(): Array<{ consumerId: string; displayName: string; deliveredAt: number | null }>;
  /** The selected candidate pair of the send and receive transports (null before one is chosen). */
  selectedPairs(): Promise<{ send: SelectedPair | null; recv: SelectedPair | null }>;
  /** The selected path and its losses, per transport (network tests read the protocol and round trip). */
  transportPaths(): Promise<TransportPath[]>;
  outboundStats(): Promise<OutboundStat[]>;
  state(): ReturnType<typeof serialisableState>;
  /** Performs one typed request as this person and returns its ack (tests and benchmarks). */
  request<K extends RequestName>(name: K, payload: RequestPayload<K>): Promise<DebugAck<RequestResults[K]>>;
  /** The room this person is in now, or null before joining. */
  roomId(): string | null;
  /**
   * Replace this person's measured network with `sample` on every measurement window (2 s) until
   * called with null: drives the audio-only rung deterministically.
   */
  simulateNetwork(sample: NetworkSample | null): void;
  /** Run the breakdown ladder's ICE-restart rung on this person's transports now. */
  restartIce(): void;
}

export type DebugAck<T> = { ok: true; data: T } | { ok: false; error: Pick<WireError, 'message'> & { code: string } };

/** True only in test builds of the client (PARLEY_TEST_HOOKS=1): whether to set window.__parleyDebug. */
export const testHooks: boolean = typeof __PARLEY_TEST_HOOKS__ === 'boolean' && __PARLEY_TEST_HOOKS__;

type Requester = <K extends RequestName>(name: K, payload: RequestPayload<K>) => Promise<RequestResults[K]>;

declare global {
  /** Replaced at build time by vite.config.ts `define`; undefined when not bundled (unit tests). */
  const __PARLEY_TEST_HOOKS__: boolean | undefined;
  interface Window {
    /** Test hook, set by the most recently started SessionClient. */
    __parleyDebug?: ParleyDebug;
    /**
     * Test builds only, set by a benchmark before the page runs: the pre-join screen does not
     * prepare a receive transport, so the join opens and connects one (e2e/bench/slow-link-join).
     */
    __parleyNoPrepareReceive?: boolean;
  }
}

/** Reads the engine's live producers and consumers at call time, so one hook serves every reconnect. */
export function debugApi(media: MediaEngine, store: SessionStore, request: Requester, simulateNetwork: (sample: NetworkSample | null) => void): ParleyDebug {
  return {
    inboundStats: async () => {
      const others = store.getSnapshot().others;
      const out: InboundStat[] = [];
      for (const consumer of media.consumers.values()) {
        const { participantId, source, label } = consumer.appData;
        const stats = await consumer.getStats().catch(() => null);
        const entry = stats ? pickRtp(stats, 'inbound-rtp', consumer.rtpParameters.encodings?.[0]?.ssrc) : undefined;
        out.push({
          consumerId: consumer.id,
          participantId,
          displayName: others.find((o) => o.id === participantId)?.displayName ?? '',
          kind: consumer.kind as 'audio' | 'video',
          source,
          label,
          framesDecoded: num(entry?.framesDecoded),
          packetsReceived: num(entry?.packetsReceived),
          bytesReceived: num(entry?.bytesReceived),
          lastPacketReceivedAt: typeof entry?.lastPacketReceivedTimestamp === 'number' ? entry.lastPacketReceivedTimestamp : null,
        });
      }
      return out;
    },
    audioDelivered: () => {
      const others = store.getSnapshot().others;
      return [...media.consumers.values()]
        .filter((c) => c.kind === 'audio' && !c.closed)
        .map((c) => {
          const sources = c.rtpReceiver?.getSynchronizationSources() ?? [];
          return {
            consumerId: c.id,
            displayName: others.find((o) => o.id === c.appData.participantId)?.displayName ?? '',
            deliveredAt: sources.length ? Math.max(...sources.map((s) => s.timestamp)) : null,
          };
        });
    },
    selectedPairs: async () => {
      const { send, recv } = await media.transportStats();
      return { send: send && selectedPair(send), recv: recv && selectedPair(recv) };
    },
    outboundStats: async () => {
      const out: OutboundStat[] = [];
      for (const producer of media.producers.values()) {
        const { source, label } = producer.appData;
        const stats = await producer.getStats().catch(() => null);
        const entry = stats ? pickRtp(stats, 'outbound-rtp', producer.rtpParameters.encodings?.[0]?.ssrc) : undefined;
        out.push({
          producerId: producer.id,
          kind: producer.kind as 'audio' | 'video',
          source,
          label,
          paused: producer.paused,
          packetsSent: num(entry?.packetsSent),
          bytesSent: num(entry?.bytesSent),
          framesEncoded: num(entry?.framesEncoded),
        });
      }
      return out;
    },
    transportPaths: async () => {
      const { send, recv } = await media.transportStats();
      const out: TransportPath[] = [];
      if (send) out.push(transportPath('send', send));
      if (recv) out.push(transportPath('recv', recv));
      return out;
    },
    state: () => serialisableState(store.getSnapshot()),
    request: async (name, payload) => {
      try {
        return { ok: true, data: await request(name, payload) };
      } catch (error) {
        const e = error as { code?: unknown; message?: unknown };
        return { ok: false, error: { code: typeof e.code === 'string' ? e.code : 'internal', message: String(e.message ?? error) } };
      }
    },
    roomId: () => store.getSnapshot().self?.roomId ?? null,
    simulateNetwork,
    restartIce: () => media.restartIceNow(),
  };
}

function selectedPair(report: RTCStatsReport): SelectedPair | null {
  const { local, remote } = selectedCandidates(report);
  if (!local || !remote) return null;
  return { localType: String(local.candidateType), relayProtocol: typeof local.relayProtocol === 'string' ? local.relayProtocol : null, remoteType: String(remote.candidateType), protocol: String(local.protocol) };
}

/** The candidate pair in use and its two candidates: the one the transport names, else the nominated, succeeded one. */
function selectedCandidates(report: RTCStatsReport): { all: Array<Record<string, unknown>>; pair?: Record<string, unknown>; local?: Record<string, unknown>; remote?: Record<string, unknown> } {
  const all: Array<Record<string, unknown>> = [];
  report.forEach((e: Record<string, unknown>) => all.push(e));
  const byId = new Map(all.map((e) => [e.id, e]));
  const transport = all.find((e) => e.type === 'transport' && typeof e.selectedCandidatePairId === 'string');
  const pair = transport ? byId.get(transport.selectedCandidatePairId) : all.find((e) => e.type === 'candidate-pair' && e.nominated === true && e.state === 'succeeded');
  return { all, pair, local: pair ? byId.get(pair.localCandidateId) : undefined, remote: pair ? byId.get(pair.remoteCandidateId) : undefined };
}

function transportPath(direction: 'send' | 'recv', report: RTCStatsReport): TransportPath {
  const { all, pair, local, remote } = selectedCandidates(report);
  let packetsLost = 0;
  let packets = 0;
  for (const e of all) {
    if (e.type === (direction === 'recv' ? 'inbound-rtp' : 'remote-inbound-rtp')) packetsLost += Math.max(0, num(e.packetsLost));
    if (direction === 'recv' && e.type === 'inbound-rtp') packets += num(e.packetsReceived);
    if (direction === 'send' && e.type === 'outbound-rtp') packets += num(e.packetsSent);
  }
  const rtt = typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null;
  const answered = num(pair?.responsesReceived);
  const transport = all.find((e) => e.type === 'transport');
  return {
    direction,
    localProtocol: typeof local?.protocol === 'string' ? local.protocol : null,
    remoteProtocol: typeof remote?.protocol === 'string' ? remote.protocol : null,
    remoteAddress: typeof remote?.address === 'string' ? remote.address : null,
    remotePort: typeof remote?.port === 'number' ? remote.port : null,
    rttMs: rtt,
    meanRttMs: answered > 0 ? (num(pair?.totalRoundTripTime) / answered) * 1000 : null,
    packetsLost,
    packets,
    srtpCipher: typeof transport?.srtpCipher === 'string' ? transport.srtpCipher : null,
  };
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * The RTP stats entry of one stream. A report can hold other receivers' entries (mediasoup-client
 * keeps a hidden "probator" receiver), so match on the SSRC; an audio inbound-rtp entry only
 * exists after the first packet, in which case there is nothing to pick and the caller reports 0.
 */
function pickRtp(report: RTCStatsReport, type: 'inbound-rtp' | 'outbound-rtp', ssrc: number | undefined): Record<string, unknown> | undefined {
  let match: Record<string, unknown> | undefined;
  report.forEach((entry: Record<string, unknown>) => {
    if (match || entry.type !== type) return;
    if (ssrc === undefined || entry.ssrc === ssrc) match = entry;
  });
  return match;
}
