/**
 * The bare mediasoup app the first-frame benchmark compares Parley with: what a minimal mediasoup
 * application does, and nothing more. One worker (the same MEDIASOUP_WORKER_BIN as the product),
 * one router with the product's codecs (sfu/src/config.ts MEDIA_CODECS), one WebRtcServer on
 * 127.0.0.1 (UDP and TCP, as the product's worker pool), WebRTC transports with the product's
 * options, socket.io signalling over WebSocket only (as the product's client), and a static page
 * bundled by esbuild in production mode (page.ts). No rooms, no auth, no records.
 *
 * Run: `node --import tsx e2e/bench/bare/server.ts`; prints `BARE_URL <url>` once it listens.
 * The sending page (`/?send`) produces the fake camera; every other page receives it on "Join".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import * as mediasoup from 'mediasoup';
import { Server } from 'socket.io';
import { z } from 'zod';
import { MEDIA_CODECS } from '../../../sfu/src/config.ts';

const IP = '127.0.0.1';

const TransportAsk = z.object({ direction: z.enum(['send', 'recv']) });
const ConnectAsk = z.object({ transportId: z.string(), dtlsParameters: z.looseObject({}) });
const ProduceAsk = z.object({ transportId: z.string(), kind: z.literal('video'), rtpParameters: z.looseObject({}) });
const ConsumeAsk = z.object({ transportId: z.string(), rtpCapabilities: z.looseObject({}) });
const ResumeAsk = z.object({ consumerId: z.string() });

/** A request the server refused, with why: the page shows it, and the benchmark fails on it. */
class BareError extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found' | 'no-producer' | 'media',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BareError';
  }
}

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(import.meta.dirname, 'page.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bare mediasoup</title></head>
<body>
<button id="join" type="button" disabled>Join</button>
<p id="status" role="status"></p>
<video id="remote" aria-label="Video of the sender" autoplay playsinline muted></video>
<script type="module" src="/bare.js"></script>
</body></html>`;

async function main(): Promise<void> {
  const js = await bundle();
  const worker = await mediasoup.createWorker({ logLevel: 'warn', ...(process.env.MEDIASOUP_WORKER_BIN ? { workerBin: process.env.MEDIASOUP_WORKER_BIN } : {}) });
  worker.on('died', (e) => {
    console.error('bare: mediasoup worker died', e);
    process.exit(1);
  });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS as unknown as mediasoup.types.RouterRtpCodecCapability[] });
  const webRtcServer = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: IP }, { protocol: 'tcp', ip: IP }] });
  const transports = new Map<string, mediasoup.types.WebRtcTransport>();
  const consumers = new Map<string, mediasoup.types.Consumer>();
  let producer: mediasoup.types.Producer | null = null;

  const httpServer = http.createServer((req, res) => {
    if (req.url === '/bare.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  const io = new Server(httpServer, { transports: ['websocket'] });

  io.on('connection', (socket) => {
    const mine = new Set<string>();
    /** One request: parse, run, ack `{ ok, data }` or `{ ok: false, error }`; never throws into socket.io. */
    const handle = <S extends z.ZodType, R>(name: string, schema: S, run: (ask: z.infer<S>) => Promise<R> | R) => {
      socket.on(name, async (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        try {
          const parsed = schema.safeParse(payload);
          if (!parsed.success) throw new BareError('bad-request', `${name}: ${parsed.error.message}`, { cause: parsed.error });
          ack({ ok: true, data: await run(parsed.data) });
        } catch (cause) {
          const error = cause instanceof BareError ? cause : new BareError('media', `${name} failed`, { cause });
          console.error(`bare: ${name} refused (${error.code}): ${error.message}`, error.cause ?? '');
          ack({ ok: false, error: { code: error.code, message: error.message } });
        }
      });
    };
    const transportOf = (id: string) => {
      const t = mine.has(id) ? transports.get(id) : undefined;
      if (!t) throw new BareError('not-found', `no transport ${id}`);
      return t;
    };

    handle('caps', z.undefined().or(z.object({})), () => router.rtpCapabilities);
    handle('transport', TransportAsk, async ({ direction }) => {
      const t = await router.createWebRtcTransport({ webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true, initialAvailableOutgoingBitrate: 800_000, appData: { direction } });
      transports.set(t.id, t);
      mine.add(t.id);
      return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
    });
    handle('connect-transport', ConnectAsk, async ({ transportId, dtlsParameters }) => {
      await transportOf(transportId).connect({ dtlsParameters: dtlsParameters as unknown as mediasoup.types.DtlsParameters });
      return {};
    });
    handle('produce', ProduceAsk, async ({ transportId, kind, rtpParameters }) => {
      const p = await transportOf(transportId).produce({ kind, rtpParameters: rtpParameters as unknown as mediasoup.types.RtpParameters });
      producer?.close();
      producer = p;
      return { id: p.id };
    });
    // As mediasoup-demo does: the consumer starts paused and is resumed once the page has built its side.
    handle('consume', ConsumeAsk, async ({ transportId, rtpCapabilities }) => {
      const p = producer;
      if (!p || p.closed) throw new BareError('no-producer', 'nobody is sending');
      const caps = rtpCapabilities as unknown as mediasoup.types.RtpCapabilities;
      if (!router.canConsume({ producerId: p.id, rtpCapabilities: caps })) throw new BareError('media', 'cannot consume with these capabilities');
      const c = await transportOf(transportId).consume({ producerId: p.id, rtpCapabilities: caps, paused: true });
      consumers.set(c.id, c);
      c.observer.on('close', () => consumers.delete(c.id));
      return { id: c.id, producerId: p.id, kind: c.kind, rtpParameters: c.rtpParameters };
    });
    handle('resume', ResumeAsk, async ({ consumerId }) => {
      const c = consumers.get(consumerId);
      if (!c) throw new BareError('not-found', `no consumer ${consumerId}`);
      await c.resume();
      return {};
    });

    socket.on('disconnect', () => {
      for (const id of mine) {
        transports.get(id)?.close();
        transports.delete(id);
      }
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, IP, resolve));
  const { port } = httpServer.address() as AddressInfo;
  console.log(`BARE_URL http://${IP}:${port}`);
  const stop = () => {
    io.close();
    worker.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
