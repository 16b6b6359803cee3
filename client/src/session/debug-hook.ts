import type { MediaSource } from '@parley/shared';
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
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
}

export interface OutboundStat {
  producerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  packetsSent: number;
  bytesSent: number;
  framesEncoded: number;
}

export interface ParleyDebug {
  inboundStats(): Promise<InboundStat[]>;
  outboundStats(): Promise<OutboundStat[]>;
  state(): ReturnType<typeof serialisableState>;
}

declare global {
  interface Window {
    /** Test hook, set by the most recently started SessionClient. */
    __parleyDebug?: ParleyDebug;
  }
}

/** Reads the engine's live producers and consumers at call time, so one hook serves every reconnect. */
export function debugApi(media: MediaEngine, store: SessionStore): ParleyDebug {
  return {
    inboundStats: async () => {
      const others = store.getSnapshot().others;
      const out: InboundStat[] = [];
      for (const consumer of media.consumers.values()) {
        const { participantId, source } = consumer.appData;
        const stats = await consumer.getStats().catch(() => null);
        const entry = stats ? pickRtp(stats, 'inbound-rtp', consumer.rtpParameters.encodings?.[0]?.ssrc) : undefined;
        out.push({
          consumerId: consumer.id,
          participantId,
          displayName: others.find((o) => o.id === participantId)?.displayName ?? '',
          kind: consumer.kind as 'audio' | 'video',
          source,
          framesDecoded: num(entry?.framesDecoded),
          packetsReceived: num(entry?.packetsReceived),
          bytesReceived: num(entry?.bytesReceived),
        });
      }
      return out;
    },
    outboundStats: async () => {
      const out: OutboundStat[] = [];
      for (const [source, producer] of media.producers) {
        const stats = await producer.getStats().catch(() => null);
        const entry = stats ? pickRtp(stats, 'outbound-rtp', producer.rtpParameters.encodings?.[0]?.ssrc) : undefined;
        out.push({
          producerId: producer.id,
          kind: producer.kind as 'audio' | 'video',
          source,
          paused: producer.paused,
          packetsSent: num(entry?.packetsSent),
          bytesSent: num(entry?.bytesSent),
          framesEncoded: num(entry?.framesEncoded),
        });
      }
      return out;
    },
    state: () => serialisableState(store.getSnapshot()),
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
