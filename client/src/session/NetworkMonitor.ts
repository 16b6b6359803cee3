import type { NetworkSample } from '@parley/shared';

/**
 * Measures this person's connection for the audio-only rung [3.6.13]: every 2 s it reads the send
 * and receive connections' statistics into one NetworkSample (bandwidth estimate, loss, delay).
 * What the sample means is decided elsewhere (classifyNetwork, nextAudioOnly).
 */

export const SAMPLE_MS = 2_000;
/** Windows ignored after each join: the bandwidth estimate starts low and ramps up. */
export const WARM_UP_WINDOWS = 3;

/** Fewer packets than this in a window are too few to measure loss on. */
const MIN_PACKETS = 50;

type Stat = Record<string, unknown>;

/**
 * Cumulative receive counters of the previous window, per inbound stream (by stats id), to turn
 * totals into per-window loss.
 */
export type ReceiveCounters = ReadonlyMap<string, { lost: number; received: number }>;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function entries(report: RTCStatsReport | null): Stat[] {
  const out: Stat[] = [];
  report?.forEach((e: Stat) => out.push(e));
  return out;
}

/** The candidate pair in use: the one the transport names, else the nominated, succeeded one. */
function selectedPair(stats: Stat[]): Stat | undefined {
  const byId = new Map(stats.map((e) => [e.id, e]));
  for (const e of stats) {
    if (e.type === 'transport' && typeof e.selectedCandidatePairId === 'string') {
      const pair = byId.get(e.selectedCandidatePairId);
      if (pair) return pair;
    }
  }
  return stats.find((e) => e.type === 'candidate-pair' && e.state === 'succeeded' && e.nominated === true);
}

/**
 * One window from the two reports. Loss is the worse of what the server reports losing from us
 * (remote-inbound-rtp) and what we lost receiving since the previous window (inbound-rtp, the
 * least lossy stream: see below).
 * Bandwidth counts only while we send video: with audio alone the estimate stays low on purpose.
 */
export function sampleFromStats(
  send: RTCStatsReport | null,
  recv: RTCStatsReport | null,
  previous: ReceiveCounters | null,
  sendingVideo: boolean,
): { sample: NetworkSample; counters: ReceiveCounters } {
  const sendStats = entries(send);
  const recvStats = entries(recv);
  const sendPair = selectedPair(sendStats);
  const recvPair = selectedPair(recvStats);

  const rtts = [num(sendPair?.currentRoundTripTime), num(recvPair?.currentRoundTripTime)].filter((v): v is number => v !== null);
  for (const e of sendStats) if (e.type === 'remote-inbound-rtp' && rtts.length === 0) {
    const rtt = num(e.roundTripTime);
    if (rtt !== null) rtts.push(rtt);
  }
  const rttMs = rtts.length ? Math.max(...rtts) * 1000 : null;

  let sendLoss: number | null = null;
  for (const e of sendStats) {
    if (e.type !== 'remote-inbound-rtp') continue;
    const f = num(e.fractionLost);
    if (f !== null) sendLoss = Math.max(sendLoss ?? 0, f);
  }

  // Receive loss is the least lossy stream's. The media server forwards each sender's uplink losses
  // to everyone as gaps, so one party on a bad network makes every stream *from them* lossy for
  // all; only a loss that every sender's streams show is this person's own downlink. (With one
  // other person sending, the two cannot be told apart, and their loss counts.)
  const counters = new Map<string, { lost: number; received: number }>();
  let recvLoss: number | null = null;
  for (const [i, e] of recvStats.entries()) {
    if (e.type !== 'inbound-rtp') continue;
    const l = num(e.packetsLost);
    const r = num(e.packetsReceived);
    if (l === null || r === null) continue;
    const key = typeof e.id === 'string' ? e.id : `#${i}`;
    counters.set(key, { lost: Math.max(0, l), received: r });
    const before = previous?.get(key);
    if (!before) continue;
    const dl = Math.max(0, l) - before.lost;
    const dr = r - before.received;
    // Counters restart when consumers are replaced (a move, a rejoin): skip that stream this window.
    // A handful of packets (a quiet stream) says nothing about the network.
    if (dl < 0 || dr < 0 || dl + dr < MIN_PACKETS) continue;
    recvLoss = Math.min(recvLoss ?? 1, dl / (dl + dr));
  }

  const loss = sendLoss === null && recvLoss === null ? null : Math.max(sendLoss ?? 0, recvLoss ?? 0);
  const bps = num(sendPair?.availableOutgoingBitrate);
  const availableKbps = sendingVideo && bps !== null ? bps / 1000 : null;
  return { sample: { rttMs, loss, availableKbps }, counters };
}

export interface NetworkMonitorDeps {
  stats(): Promise<{ send: RTCStatsReport | null; recv: RTCStatsReport | null }>;
  sendingVideo(): boolean;
  /** Only while joined with media: an outage is the ladder's other rungs' business. */
  measuring(): boolean;
  onSample(sample: NetworkSample): void;
}

export class NetworkMonitor {
  private timer: ReturnType<typeof setInterval> | null = null;
  private previous: ReceiveCounters | null = null;
  private warmUp = WARM_UP_WINDOWS;
  /** Set by tests (window.__parleyDebug.simulateNetwork): replaces what is measured. */
  private simulated: NetworkSample | null = null;
  private busy = false;

  constructor(private readonly deps: NetworkMonitorDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), SAMPLE_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** After every join: fresh transports, fresh counters, and a new warm-up. */
  restart(): void {
    this.previous = null;
    this.warmUp = WARM_UP_WINDOWS;
  }

  simulate(sample: NetworkSample | null): void {
    this.simulated = sample;
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.deps.measuring()) return;
    if (this.simulated) {
      this.deps.onSample(this.simulated);
      return;
    }
    this.busy = true;
    try {
      const { send, recv } = await this.deps.stats();
      const { sample, counters } = sampleFromStats(send, recv, this.previous, this.deps.sendingVideo());
      this.previous = counters;
      if (this.warmUp > 0) {
        this.warmUp--;
        return;
      }
      if (this.deps.measuring()) this.deps.onSample(sample);
    } catch (error) {
      console.warn('[parley] could not read connection statistics', error);
    } finally {
      this.busy = false;
    }
  }
}
