import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { Candidate, Connection } from 'werift-ice';
import { Sfu } from './Sfu.ts';
import type { CaseMedia, TransportOptions } from './CaseMedia.ts';
import { MediaPortError, WorkerPool, type MediaWorker } from './WorkerPool.ts';
import type { SfuConfig } from './config.ts';

/**
 * One media port per worker (mediasoup WebRtcServer), with real workers on loopback: what the
 * transports offer, which port each worker listens on, that a replaced worker takes its port back,
 * and that ICE over TCP really connects on that port when UDP is not offered.
 */
const base: Omit<SfuConfig, 'mediaPort' | 'workers'> = { listenIp: '127.0.0.1', ...(process.env.MEDIASOUP_WORKER_BIN ? { workerBin: process.env.MEDIASOUP_WORKER_BIN } : {}) };
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function sfuWith(config: Partial<SfuConfig> & { workers: number; mediaPort: number }): Promise<Sfu> {
  const sfu = await Sfu.create({ ...base, ...config });
  cleanup.push(() => sfu.close());
  return sfu;
}

/** Binds `port` for TCP or UDP on loopback; resolves false when something else holds it. */
async function bindable(port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = protocol === 'tcp' ? net.createServer() : dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    const done = () => (socket instanceof net.Server ? socket.close(() => resolve(true)) : socket.close(() => resolve(true)));
    if (socket instanceof net.Server) socket.listen(port, '127.0.0.1', done);
    else socket.bind(port, '127.0.0.1', done);
  });
}

/** A first port such that it and the `count - 1` after it are free for TCP and UDP right now. */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const first = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    if (first + count - 1 > 65535) continue;
    let free = true;
    for (let p = first; p < first + count && free; p++) free = (await bindable(p, 'tcp')) && (await bindable(p, 'udp'));
    if (free) return first;
  }
  throw new Error(`no ${count} free consecutive ports found`);
}

/** Waits until `check` holds (a closed worker process gives its ports back when it has exited). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

async function transportOf(media: CaseMedia, peerId: string): Promise<{ offer: TransportOptions; transport: types.WebRtcTransport }> {
  media.addPeer(peerId, 'joint');
  const created = new Promise<types.WebRtcTransport>((resolve) => media.router.observer.once('newtransport', (t) => resolve(t as types.WebRtcTransport)));
  const offer = await media.createWebRtcTransport(peerId, 'send');
  return { offer, transport: await created };
}

const candidatesOf = (offer: TransportOptions) => offer.iceCandidates.map((c) => `${c.protocol} ${c.address}:${c.port}`).sort();

/**
 * An independent ICE agent (werift-ice, controlling, as a browser is) given only the transport's
 * TCP candidate, as a browser on a network that drops UDP would end up: it must connect.
 */
async function connectIceOverTcp(offer: TransportOptions): Promise<Connection> {
  const agent = new Connection(true, {
    useTcp: true,
    useIpv6: false,
    // Only loopback pairs (werift gathers no loopback address of its own): the media server listens on 127.0.0.1 here.
    additionalHostAddresses: ['127.0.0.1'],
    filterCandidatePair: (pair) => pair.localCandidate.host === '127.0.0.1',
  });
  cleanup.push(() => agent.close());
  await agent.gatherCandidates();
  agent.setRemoteParams({ iceLite: offer.iceParameters.iceLite ?? true, usernameFragment: offer.iceParameters.usernameFragment, password: offer.iceParameters.password });
  const tcp = offer.iceCandidates.find((c) => c.protocol === 'tcp');
  if (!tcp) throw new Error('the transport offers no TCP candidate');
  await agent.addRemoteCandidate(new Candidate(tcp.foundation, 1, 'tcp', tcp.priority, tcp.address, tcp.port, 'host', undefined, undefined, tcp.tcpType));
  await agent.addRemoteCandidate(undefined);
  await agent.connect();
  return agent;
}

/** Resolves when the transport's ICE is connected (or at once if it already is). */
function iceConnected(transport: types.WebRtcTransport): Promise<void> {
  return new Promise((resolve) => {
    if (transport.iceState === 'connected' || transport.iceState === 'completed') return resolve();
    transport.on('icestatechange', (s) => (s === 'connected' || s === 'completed') && resolve());
  });
}

// Real workers and a real ICE agent: generous on a loaded 2-core machine (each test waits on state, not on time).
describe('placing cases on workers', { timeout: 90_000 }, () => {
  it('puts a new case on the worker whose cases consume the fewest streams, not the one with the fewest routers', async () => {
    const sfu = await sfuWith({ workers: 2, mediaPort: 0 });
    const large = await sfu.caseMedia('case-large');
    const small = await sfu.caseMedia('case-small');
    expect(small.worker).not.toBe(large.worker);
    // The large case's room: eight people each receiving the others (the streams it makes its worker forward).
    large.loadOn = (w) => (w.worker === large.worker ? 112 : 0);
    const next = await sfu.caseMedia('case-next');
    const after = await sfu.caseMedia('case-after');
    expect([next.worker, after.worker]).toEqual([small.worker, small.worker]);
    // Without consumers anywhere, the fewest routers decide (an empty pool spreads evenly).
    large.loadOn = () => 0;
    expect((await sfu.caseMedia('case-last')).worker).toBe(large.worker);
  });
});

describe('one media port per worker', { timeout: 90_000 }, () => {
  it('worker i listens on the first port + i, and every candidate of a case uses its worker’s port, UDP and TCP', async () => {
    const first = await freePortRun(2);
    const sfu = await sfuWith({ workers: 2, mediaPort: first });
    expect(sfu.pool.ports()).toEqual([
      { worker: 0, port: first, pid: expect.any(Number), listening: true },
      { worker: 1, port: first + 1, pid: expect.any(Number), listening: true },
    ]);
    // Two cases go to the two workers (least loaded first): each uses its own port.
    const a = await sfu.caseMedia('case-a');
    const b = await sfu.caseMedia('case-b');
    expect([a.mediaPort, b.mediaPort].sort()).toEqual([first, first + 1]);
    for (const media of [a, b]) {
      const { offer: send } = await transportOf(media, 'p1');
      const recv = await media.createWebRtcTransport('p1', 'recv');
      const port = media.mediaPort;
      expect(candidatesOf(send)).toEqual([`tcp 127.0.0.1:${port}`, `udp 127.0.0.1:${port}`]);
      expect(candidatesOf(recv)).toEqual([`tcp 127.0.0.1:${port}`, `udp 127.0.0.1:${port}`]);
      expect(send.iceCandidates.find((c) => c.protocol === 'tcp')?.tcpType).toBe('passive');
    }
  });

  it('announces the configured address in every candidate, on the worker’s port', async () => {
    const sfu = await sfuWith({ workers: 1, mediaPort: 0, announcedAddress: '203.0.113.7' });
    const media = await sfu.caseMedia('case-announced');
    const { offer } = await transportOf(media, 'p1');
    const port = sfu.pool.ports()[0]!.port;
    expect(candidatesOf(offer)).toEqual([`tcp 203.0.113.7:${port}`, `udp 203.0.113.7:${port}`]);
  });

  it('any-free-port mode (0) gives each worker one port for both UDP and TCP, different per worker', async () => {
    const sfu = await sfuWith({ workers: 2, mediaPort: 0 });
    const [w0, w1] = sfu.pool.ports();
    expect(w0!.port).toBeGreaterThan(0);
    expect(w1!.port).toBeGreaterThan(0);
    expect(w0!.port).not.toBe(w1!.port);
    for (const { port } of [w0!, w1!]) {
      // Held by the worker for both protocols: nothing else can bind it.
      expect(await bindable(port, 'tcp')).toBe(false);
      expect(await bindable(port, 'udp')).toBe(false);
    }
  });

  it('ICE over TCP connects on the worker’s port when only the TCP candidate is used', async () => {
    const sfu = await sfuWith({ workers: 1, mediaPort: 0 });
    const media = await sfu.caseMedia('case-tcp');
    const { offer, transport } = await transportOf(media, 'p1');
    const lost = new Set<string>();
    const ok = new Promise<void>((resolve) => media.on('transport:state', (peer, dir, state) => (state === 'ok' ? resolve() : lost.add(`${peer} ${dir}`))));
    await connectIceOverTcp(offer);
    await iceConnected(transport);
    await ok; // CaseMedia saw the path come up, as it would for a browser.
    expect(transport.iceSelectedTuple).toMatchObject({ protocol: 'tcp', localPort: media.mediaPort, localAddress: '127.0.0.1' });
    expect(lost.size).toBe(0);
  });

  it('a worker that dies is replaced on the same port, and new transports use it (ICE over TCP connects again)', async () => {
    const sfu = await sfuWith({ workers: 1, mediaPort: 0 });
    const [before] = sfu.pool.ports();
    const old = await sfu.caseMedia('case-before');
    const closed = new Promise<string>((resolve) => old.once('close', resolve));
    const replaced = new Promise<MediaWorker>((resolve) => sfu.pool.once('workerReplaced', resolve));
    process.kill(before!.pid!, 'SIGKILL');
    expect(await closed).toBe('worker-died');
    const fresh = await replaced;
    expect(fresh.port).toBe(before!.port);
    expect(fresh.worker.pid).not.toBe(before!.pid);
    expect(sfu.pool.ports()).toEqual([{ worker: 0, port: before!.port, pid: fresh.worker.pid, listening: true }]);
    const media = await sfu.caseMedia('case-after');
    expect(media.mediaPort).toBe(before!.port);
    const { offer, transport } = await transportOf(media, 'p1');
    expect(candidatesOf(offer)).toEqual([`tcp 127.0.0.1:${before!.port}`, `udp 127.0.0.1:${before!.port}`]);
    await connectIceOverTcp(offer);
    await iceConnected(transport);
    expect(transport.iceSelectedTuple).toMatchObject({ protocol: 'tcp', localPort: before!.port });
  });

  it('refuses to start when a worker’s port is taken, for TCP or for UDP, and leaves no worker running', async () => {
    const first = await freePortRun(2);
    for (const protocol of ['tcp', 'udp'] as const) {
      // Something else holds the second worker's port.
      const holder = protocol === 'tcp' ? net.createServer() : dgram.createSocket('udp4');
      await new Promise<void>((r) => (holder instanceof net.Server ? holder.listen(first + 1, '127.0.0.1', r) : holder.bind(first + 1, '127.0.0.1', r)));
      try {
        const started = WorkerPool.create({ ...base, workers: 2, mediaPort: first });
        await expect(started).rejects.toBeInstanceOf(MediaPortError);
        await expect(started).rejects.toMatchObject({ code: 'media_port_unavailable', worker: 1, port: first + 1, ip: '127.0.0.1', reason: expect.stringMatching(new RegExp(`${protocol}.*address already in use`)) });
      } finally {
        await new Promise<void>((r) => holder.close(() => r()));
      }
      // The first worker's port is given back: nothing of the failed pool stays listening.
      await until(async () => (await bindable(first, 'tcp')) && (await bindable(first, 'udp')));
    }
  });
});
