import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediasoupTypes } from '@parley/sfu';
import { connect, consentedCase, joinWithMedia, must, signIn, startTestServer, type ClientSocket } from '../test/harness.ts';
import { until } from '../test/yjs.ts';

/**
 * Cases spread over several workers: three live cases at once on a server with three mediasoup
 * workers. Each case's router lands on a worker of its own (least-loaded assignment, sfu/src/
 * WorkerPool.ts); media flows through each router; when one case closes, the others keep
 * forwarding, and the worker it freed takes the next case.
 *
 * The media: raw clients cannot finish DTLS, so their WebRTC transports carry nothing. Real RTP is
 * pushed instead through each case's own router (the one Parley created for it, on its worker):
 * an Opus producer on a DirectTransport, and a consumer of it whose packets are counted.
 */
const WORKERS = 3;
let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie: string;
const sockets: ClientSocket[] = [];
const pumps: Array<ReturnType<typeof setInterval>> = [];

beforeAll(async () => {
  server = await startTestServer({ PARLEY_WORKERS: String(WORKERS) });
  cookie = await signIn(server);
}, 60_000);
afterAll(async () => {
  for (const p of pumps) clearInterval(p);
  for (const s of sockets) s.close();
  await server?.close();
});

/** A live case with the mediator and Ana in it, each publishing a microphone and a camera. */
async function liveCase(ssrcBase: number) {
  const { detail, tA } = await consentedCase(server, cookie);
  const m = await connect(server, { caseId: detail.id }, { cookie });
  const a = await connect(server, { token: tA });
  sockets.push(m, a);
  await joinWithMedia(m, ssrcBase);
  await joinWithMedia(a, ssrcBase + 100);
  const media = server.sfu.getCase(detail.id)!;
  return { id: detail.id, m, a, media, pid: media.worker.pid };
}

/** RTP through the case's router: an Opus packet every 10 ms in, every forwarded one counted. */
async function pumpThrough(router: MediasoupTypes.Router, ssrc: number) {
  const transport = await router.createDirectTransport();
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] },
  });
  const sink = await router.createDirectTransport();
  const consumer = await sink.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  const counted = { packets: 0 };
  consumer.on('rtp', () => counted.packets++);
  let seq = 0;
  const packet = () => {
    const b = Buffer.alloc(12 + 40, 0x5a);
    b[0] = 0x80;
    b[1] = 111;
    b.writeUInt16BE(seq & 0xffff, 2);
    b.writeUInt32BE((seq * 960) >>> 0, 4);
    b.writeUInt32BE(ssrc, 8);
    seq++;
    return b;
  };
  const pump = setInterval(() => {
    if (!producer.closed) producer.send(packet());
  }, 10);
  pumps.push(pump);
  return { counted, consumer, stop: () => clearInterval(pump) };
}

describe('cases spread over several workers', { timeout: 120_000 }, () => {
  it('three live cases use three workers, media flows in each, and closing one leaves the others forwarding', async () => {
    const workerPids = server.sfu.pool.ports().map((p) => p.pid);
    expect(workerPids).toHaveLength(WORKERS);
    const cases = [await liveCase(1000), await liveCase(2000), await liveCase(3000)];
    // Least loaded first: each case on its own worker, together on all of them.
    expect(new Set(cases.map((c) => c.pid)).size).toBe(WORKERS);
    expect(new Set(cases.map((c) => c.pid))).toEqual(new Set(workerPids));
    const flows = await Promise.all(cases.map((c, i) => pumpThrough(c.media.router, 0x1000 + i)));
    await until(() => flows.every((f) => f.counted.packets >= 20), 20_000, 'packets forwarded in every case');

    // The first case ends: everyone leaves, its router closes.
    const [ending, ...others] = cases as [(typeof cases)[0], ...typeof cases];
    const closedMedia = new Promise((resolve) => ending.media.once('close', resolve));
    await must(ending.m, 'session:leave', {});
    await must(ending.a, 'session:leave', {});
    await closedMedia;
    expect(ending.media.closed).toBe(true);
    expect(flows[0]!.consumer.closed).toBe(true);

    // The others are untouched: still open, their people still there, and packets keep coming.
    const after = flows.slice(1).map((f) => f.counted.packets);
    await until(() => flows.slice(1).every((f, i) => f.counted.packets >= after[i]! + 20), 20_000, 'packets still forwarded in the other cases');
    for (const c of others) {
      expect(c.media.closed).toBe(false);
      expect(server.live.get(c.id)?.members()).toHaveLength(2);
      expect(c.media.worker.pid).toBe(c.pid);
    }

    // The worker the closed case freed is now the least loaded one: the next case goes there.
    const next = await liveCase(4000);
    expect(next.pid).toBe(ending.pid);
    const flow = await pumpThrough(next.media.router, 0x2000);
    await until(() => flow.counted.packets >= 20, 20_000, 'packets forwarded in the new case');
  });
});
