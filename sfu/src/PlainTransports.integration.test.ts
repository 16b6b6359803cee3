import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { ErrorCode } from '@parley/shared';
import { Sfu } from './Sfu.ts';
import { createPlainTransport } from './PlainTransports.ts';

/**
 * createPlainTransport on a CaseMedia, the path the SFU cost benchmark drives (server/src/bench/
 * sfu-cost.bench.ts), with a real worker on loopback: a plain send transport feeds produce(), the
 * consumer that room membership creates for a ready viewer is resumed by confirmConsumer, and its
 * packets reach the viewer's UDP sink SRTP-protected.
 */
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const IP = '127.0.0.1';
const SSRC = 0x5150;
const PAYLOAD = 60;

function opusRtp(seq: number): Buffer {
  const buf = Buffer.alloc(12 + PAYLOAD, 0x33);
  buf[0] = 0x80;
  buf[1] = 100;
  buf.writeUInt16BE(seq, 2);
  buf.writeUInt32BE(seq * 960, 4);
  buf.writeUInt32BE(SSRC, 8);
  return buf;
}

async function udp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, IP, r));
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

describe('CaseMedia plain RTP transports', () => {
  it('a plain producer reaches a ready viewer through the room-driven consumer, SRTP-encrypted', async () => {
    const bin = process.env.MEDIASOUP_WORKER_BIN;
    const sfu = await Sfu.create({ workers: 1, mediaPort: 0, listenIp: IP, ...(bin ? { workerBin: bin } : {}) });
    cleanup.push(() => sfu.close());
    const media = await sfu.caseMedia('plain-case');
    const offers: Array<{ peerId: string; consumerId: string; ssrc: number }> = [];
    media.on('consumer:added', (peerId, offer) => {
      offers.push({ peerId, consumerId: offer.consumerId, ssrc: (offer.rtpParameters as types.RtpParameters).encodings![0]!.ssrc! });
    });

    media.addPeer('ana', 'joint');
    const send = await createPlainTransport(media, 'ana', 'send', { listenIp: IP });
    const rtpParameters: types.RtpParameters = {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc: SSRC }],
    };
    await media.produce('ana', { transportId: send.id, kind: 'audio', rtpParameters, source: 'mic' });

    const sink = await udp();
    const received: Buffer[] = [];
    sink.on('message', (m) => received.push(m));
    media.addPeer('ben', 'joint');
    const recv = await createPlainTransport(media, 'ben', 'recv', { listenIp: IP, remote: { ip: IP, port: sink.address().port }, srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80' });
    expect(media.counts()).toEqual({ transports: 2, producers: 1, consumers: 0 });
    expect(await media.setReady('ben', media.rtpCapabilities)).toBe(1);
    expect(offers).toHaveLength(1);
    expect(offers[0]!.peerId).toBe('ben');
    expect(await media.confirmConsumer('ben', offers[0]!.consumerId)).toBe(true);

    const sender = await udp();
    const isRtp = (m: Buffer) => m.length >= 12 && (m[1]! < 192 || m[1]! > 223);
    for (let seq = 1; !received.some((m) => isRtp(m) && m.readUInt32BE(8) === offers[0]!.ssrc); seq++) {
      if (seq > 500) throw new Error('no packet reached the sink after 10 s of sending');
      sender.send(opusRtp(seq), send.localPort, IP);
      await new Promise((r) => setTimeout(r, 20));
    }
    const packet = received.find((m) => isRtp(m) && m.readUInt32BE(8) === offers[0]!.ssrc)!;
    // The consumer may add header extensions (the router's, e.g. mid): the payload starts after them.
    const start = 12 + 4 * (packet[0]! & 0x0f) + (packet[0]! & 0x10 ? 4 + 4 * packet.readUInt16BE(14 + 4 * (packet[0]! & 0x0f)) : 0);
    // SRTP: the payload is encrypted and followed by the 80-bit authentication tag.
    expect(packet.length).toBe(start + PAYLOAD + 10);
    expect(packet.subarray(start, start + PAYLOAD).equals(Buffer.alloc(PAYLOAD, 0x33))).toBe(false);

    // The WebRTC-only requests (ICE restart, DTLS connect) treat a plain transport as unknown.
    await expect(media.restartIce('ana', send.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(media.connectTransport('ben', recv.id, { role: 'client', fingerprints: [] })).rejects.toMatchObject({ code: ErrorCode.NotFound });
    // One transport per direction, as for a browser: a second one is refused and closed.
    await expect(createPlainTransport(media, 'ben', 'recv', { listenIp: IP, remote: { ip: IP, port: sink.address().port } })).rejects.toMatchObject({ code: ErrorCode.Conflict });
    expect(media.counts()).toEqual({ transports: 2, producers: 1, consumers: 1 });

    // Bookkeeping as for a browser's transports: leaving closes them and forgets them.
    media.removePeer('ben');
    expect(media.counts()).toEqual({ transports: 1, producers: 1, consumers: 0 });
  });
});
