/**
 * The two sides of the SFU cost benchmark, each building the same load on its own worker (same
 * binary): participants sending Opus + VP8 into plain transports, viewers receiving every producer
 * over a plain transport with SRTP towards a UDP sink.
 *  A (bare): mediasoup directly: createWorker with its defaults, one router with Parley's codecs,
 *    consumers created unpaused.
 *  B (parley): Parley's media layer: Sfu → WorkerPool (its worker settings and WebRtcServer) →
 *    CaseMedia (router, peers in the joint room, produce(), setReady() creating the consumers paused,
 *    each resumed by confirmConsumer as the client's ack does, and the 2 s stall timer).
 */
import { JOINT_ROOM } from '@parley/shared';
import { createPlainTransport, MEDIA_CODECS, Sfu, type MediasoupTypes as types } from '@parley/sfu';
import * as mediasoup from 'mediasoup';
import { OPUS_PT, VP8_PT } from './rtp.ts';

export const LISTEN_IP = '127.0.0.1';

/** What a side built for one load step; `close()` removes it all (the worker stays). */
export interface Room {
  /** One per participant: the producers' transport port, and the SSRCs to send. */
  targets: Array<{ port: number; audioSsrc: number; videoSsrc: number }>;
  /** Every consumer's SSRC and what it carries ("participant-3 video"): the sinks must see all of them before measuring. */
  consumers: Array<{ ssrc: number; of: string }>;
  close(): void;
}

export interface Side {
  readonly name: 'A' | 'B';
  readonly workerPid: number;
  build(step: { participants: number; sinkPorts: number[]; srtpCryptoSuite: types.SrtpCryptoSuite; round: number }): Promise<Room>;
  close(): void;
}

const audioSsrc = (p: number) => 0x10000 + 2 * p;
const videoSsrc = (p: number) => 0x10000 + 2 * p + 1;

/** The RTP parameters of participant p's two producers, as a browser would declare them (no header extensions). */
export function producerParameters(p: number): { audio: types.RtpParameters; video: types.RtpParameters } {
  const rtcp = { cname: `participant-${p}`, reducedSize: true };
  return {
    audio: {
      codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
      encodings: [{ ssrc: audioSsrc(p) }],
      rtcp,
    },
    video: {
      codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
      encodings: [{ ssrc: videoSsrc(p) }],
      rtcp,
    },
  };
}

/**
 * The viewers' capabilities: the router's, without transport-wide congestion control and
 * abs-send-time. The sinks send no feedback, and a bandwidth estimator starved of it would make
 * the two sides' numbers depend on how it reacts rather than on forwarding.
 */
export function viewerCapabilities(router: types.RtpCapabilities): types.RtpCapabilities {
  return {
    codecs: (router.codecs ?? []).map((c) => ({ ...c, rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type !== 'transport-cc' && f.type !== 'goog-remb') })),
    headerExtensions: (router.headerExtensions ?? []).filter((h) => !/transport-wide-cc|abs-send-time/.test(h.uri)),
  };
}

const workerBin = () => process.env.MEDIASOUP_WORKER_BIN;

/** A: mediasoup directly, as a minimal script would use it. */
export async function bareSide(): Promise<Side> {
  const bin = workerBin();
  const worker = await mediasoup.createWorker(bin ? { workerBin: bin } : {});
  return {
    name: 'A',
    workerPid: worker.pid,
    async build({ participants, sinkPorts, srtpCryptoSuite }) {
      const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS as unknown as types.RouterRtpCodecCapability[] });
      const caps = viewerCapabilities(router.rtpCapabilities);
      const targets: Room['targets'] = [];
      const producers: types.Producer[] = [];
      for (let p = 0; p < participants; p++) {
        const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN_IP }, rtcpMux: true, comedia: true });
        const params = producerParameters(p);
        producers.push(await t.produce({ kind: 'audio', rtpParameters: params.audio }), await t.produce({ kind: 'video', rtpParameters: params.video }));
        targets.push({ port: t.tuple.localPort, audioSsrc: audioSsrc(p), videoSsrc: videoSsrc(p) });
      }
      const consumers: Room['consumers'] = [];
      for (const port of sinkPorts) {
        const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LISTEN_IP }, rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite });
        await t.connect({ ip: LISTEN_IP, port, srtpParameters: { cryptoSuite: srtpCryptoSuite, keyBase64: t.srtpParameters!.keyBase64 } });
        for (const [i, producer] of producers.entries()) {
          const c = await t.consume({ producerId: producer.id, rtpCapabilities: caps });
          consumers.push({ ssrc: c.rtpParameters.encodings![0]!.ssrc!, of: `participant-${Math.floor(i / 2)} ${producer.kind}` });
        }
      }
      return { targets, consumers, close: () => router.close() };
    },
    close: () => worker.close(),
  };
}

/** B: the same load through Parley's Sfu and CaseMedia. */
export async function parleySide(): Promise<Side> {
  const bin = workerBin();
  const sfu = await Sfu.create({ workers: 1, mediaPort: 0, listenIp: LISTEN_IP, ...(bin ? { workerBin: bin } : {}) });
  const pid = sfu.pool.ports()[0]!.pid!;
  return {
    name: 'B',
    workerPid: pid,
    async build({ participants, sinkPorts, srtpCryptoSuite, round }) {
      const media = await sfu.caseMedia(`sfu-cost-${round}`);
      const confirmations: Promise<boolean>[] = [];
      const consumers: Room['consumers'] = [];
      // What the server's ConsumerDelivery does once the client acks an offered consumer.
      media.on('consumer:added', (peerId, offer) => {
        // The offer carries the consumer's RTP parameters as mediasoup made them (unknown to shared/).
        consumers.push({ ssrc: (offer.rtpParameters as types.RtpParameters).encodings![0]!.ssrc!, of: `${offer.participantId} ${offer.kind}` });
        confirmations.push(media.confirmConsumer(peerId, offer.consumerId));
      });
      const targets: Room['targets'] = [];
      for (let p = 0; p < participants; p++) {
        const peerId = `participant-${p}`;
        media.addPeer(peerId, JOINT_ROOM);
        const t = await createPlainTransport(media, peerId, 'send', { listenIp: LISTEN_IP });
        const params = producerParameters(p);
        await media.produce(peerId, { transportId: t.id, kind: 'audio', rtpParameters: params.audio, source: 'mic' });
        await media.produce(peerId, { transportId: t.id, kind: 'video', rtpParameters: params.video, source: 'camera', label: 'Face' });
        targets.push({ port: t.localPort, audioSsrc: audioSsrc(p), videoSsrc: videoSsrc(p) });
      }
      const caps = viewerCapabilities(media.rtpCapabilities);
      for (const [v, port] of sinkPorts.entries()) {
        const peerId = `viewer-${v}`;
        media.addPeer(peerId, JOINT_ROOM);
        await createPlainTransport(media, peerId, 'recv', { listenIp: LISTEN_IP, remote: { ip: LISTEN_IP, port }, srtpCryptoSuite });
        await media.setReady(peerId, caps);
      }
      const confirmed = await Promise.all(confirmations);
      if (confirmed.some((ok) => !ok)) throw new Error('a consumer could not be resumed');
      return { targets, consumers, close: () => media.close() };
    },
    close: () => sfu.close(),
  };
}
