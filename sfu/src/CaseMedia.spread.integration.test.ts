import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { Sfu } from './Sfu.ts';
import { createPlainTransport } from './PlainTransports.ts';
import type { CaseMedia } from './CaseMedia.ts';

/**
 * A case larger than its worker carries: with a budget of one stream per worker, the third person
 * lands on a router on the other worker, and what Ana sends reaches them through a pipe between
 * the two workers. Real workers on loopback, real RTP through plain transports.
 */
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const IP = '127.0.0.1';
const SSRC = 0x7a7a;
const OPUS: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  encodings: [{ ssrc: SSRC }],
};

async function udp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, IP, r));
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

async function sfuWith(workers: number, consumersPerWorker: number): Promise<Sfu> {
  const bin = process.env.MEDIASOUP_WORKER_BIN;
  const sfu = await Sfu.create({ workers, consumersPerWorker, mediaPort: 0, listenIp: IP, ...(bin ? { workerBin: bin } : {}) });
  cleanup.push(() => sfu.close());
  return sfu;
}

type Offer = { peerId: string; consumerId: string; ssrc: number };

/** Ana sends her microphone; Ben and then Cara join with a receive transport each and are ready. */
async function anaBenCara(sfu: Sfu) {
  const media = await sfu.caseMedia('large-case');
  const offers: Offer[] = [];
  media.on('consumer:added', (peerId, offer) => {
    offers.push({ peerId, consumerId: offer.consumerId, ssrc: (offer.rtpParameters as types.RtpParameters).encodings![0]!.ssrc! });
  });
  media.addPeer('ana', 'joint');
  const send = await createPlainTransport(media, 'ana', 'send', { listenIp: IP });
  await media.produce('ana', { transportId: send.id, kind: 'audio', rtpParameters: OPUS, source: 'mic' });
  const sinks: Record<string, Buffer[]> = {};
  for (const id of ['ben', 'cara']) {
    const sink = await udp();
    const got: Buffer[] = (sinks[id] = []);
    sink.on('message', (m) => got.push(m));
    media.addPeer(id, 'joint');
    await createPlainTransport(media, id, 'recv', { listenIp: IP, remote: { ip: IP, port: sink.address().port } });
    expect(await media.setReady(id, media.rtpCapabilities)).toBe(1);
  }
  for (const o of offers) expect(await media.confirmConsumer(o.peerId, o.consumerId)).toBe(true);
  return { media, send, offers, sinks };
}

/** Sends Ana's RTP until every named sink has had a packet with its consumer's SSRC. */
async function pumpUntilHeard(media: CaseMedia, sendPort: number, offers: Offer[], sinks: Record<string, Buffer[]>, who: string[]) {
  const sender = await udp();
  const heard = (id: string) => {
    const ssrc = offers.find((o) => o.peerId === id)!.ssrc;
    return sinks[id]!.some((m) => m.length >= 12 && m[1]! < 192 && m.readUInt32BE(8) === ssrc);
  };
  for (let seq = 1; !who.every(heard); seq++) {
    if (seq > 500) throw new Error(`not heard by ${who.filter((id) => !heard(id)).join(', ')} after 10 s of sending`);
    const buf = Buffer.alloc(12 + 40, 0x33);
    buf[0] = 0x80;
    buf[1] = 100;
    buf.writeUInt16BE(seq, 2);
    buf.writeUInt32BE(seq * 960, 4);
    buf.writeUInt32BE(SSRC, 8);
    sender.send(buf, sendPort, IP);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(media.closed).toBe(false);
}

describe('a case larger than one worker', () => {
  it('puts the newcomer on a router on a spare worker and pipes the sound to them', async () => {
    const sfu = await sfuWith(2, 1);
    const { media, send, offers, sinks } = await anaBenCara(sfu);
    // Ben's consumer filled the first worker's budget: Cara is on the other, fed by one pipe.
    const [first, second] = media.spread();
    expect(first).toMatchObject({ peers: ['ana', 'ben'], consumers: 1, pipesOut: 1 });
    expect(second).toMatchObject({ peers: ['cara'], consumers: 1, pipesOut: 0 });
    expect(second!.worker).not.toBe(first!.worker);
    await pumpUntilHeard(media, send.localPort, offers, sinks, ['ben', 'cara']);
  });

  it('a mute hold and the end of the producer reach the viewer on the other worker', async () => {
    const sfu = await sfuWith(2, 1);
    const { media, offers } = await anaBenCara(sfu);
    const cara = offers.find((o) => o.peerId === 'cara')!;
    const paused = new Promise<string>((resolve) => media.on('consumer:paused', (peerId, consumerId) => peerId === 'cara' && resolve(consumerId)));
    await media.setHold('ana', 'mic', true);
    expect(await paused).toBe(cara.consumerId);

    const closed = new Promise<[string, string]>((resolve) => media.on('consumer:closed', (peerId, consumerId, reason) => peerId === 'cara' && resolve([consumerId, reason])));
    media.closeSources('ana', ['mic']);
    expect(await closed).toEqual([cara.consumerId, 'producer-closed']);
    expect(media.spread().map((r) => r.pipesOut)).toEqual([0, 0]);
  });

  it('room membership rules across workers: a move to a caucus closes the piped consumer', async () => {
    const sfu = await sfuWith(2, 1);
    const { media, offers } = await anaBenCara(sfu);
    const cara = offers.find((o) => o.peerId === 'cara')!;
    const closed = new Promise<[string, string]>((resolve) => media.on('consumer:closed', (peerId, consumerId, reason) => peerId === 'cara' && resolve([consumerId, reason])));
    await media.movePeer('cara', 'caucus-cara');
    expect(await closed).toEqual([cara.consumerId, 'room-changed']);
    expect(media.consumedProducerIds('cara')).toEqual([]);
  });

  it('with no spare worker below its budget the case stays on its router and still carries everyone', async () => {
    const sfu = await sfuWith(1, 1);
    const { media, send, offers, sinks } = await anaBenCara(sfu);
    expect(media.spread()).toEqual([{ worker: 0, peers: ['ana', 'ben', 'cara'], consumers: 2, pipesOut: 0 }]);
    await pumpUntilHeard(media, send.localPort, offers, sinks, ['ben', 'cara']);
  });

  it('a receive transport prepared before joining is placed like a person and adopted where it is', async () => {
    const sfu = await sfuWith(2, 1);
    const { media } = await anaBenCara(sfu);
    // Both workers are at their budget and none is spare: Dan's prepared transport goes to the
    // router whose worker forwards less (Cara's: her consumer; Ana's worker: Ben's and the pipe),
    // and joining keeps him there.
    const prepared = await media.prepareReceive('dan-connection');
    media.addPeer('dan', 'joint');
    expect(media.adoptPrepared('dan', 'dan-connection', prepared.transport.id)).toBe(true);
    expect(media.spread().map((r) => r.peers)).toEqual([['ana', 'ben'], ['cara', 'dan']]);
  });
});
