/**
 * Benchmark: reconnect to first frame after a network drop, in real Chromium through the real SFU
 * (issue 12, scope 3). Mediator, party A and party B are in the session with camera and microphone.
 * Each round, A's browser context goes offline (Playwright `setOffline`) and stays offline until
 * the server has seen A's socket drop (the mediator's page shows A "reconnecting"), then comes
 * back online. Measured on A's page, from its `online` event (frame-probe.ts):
 *   - reconnect: the first frame of a new remote video track presented (requestVideoFrameCallback);
 *   - all frames: new frames from both remote cameras;
 *   - first packet: the first RTP packet of a video stream that had none before the event;
 *   - steps: the first "parley:<step>" mark after the event (socket-connected, join-ack, …).
 *
 * Why setOffline and not closing the socket from the page: it is what a person's browser sees when
 * the Wi-Fi goes (offline and online events, socket.io dropping its connection, attempts failing
 * until the network is back), so the client's own way back (reconnect at once on `online`) is what
 * is measured. Chromium's offline emulation does not cut WebRTC media, but the client closes its
 * transports when the socket drops and builds new ones after rejoining, so every frame counted is
 * from a track created after the network came back; the old tracks' frames are never counted.
 * Results: bench/results/reconnect.json. BENCH_RECONNECT_ROUNDS shortens the run (default 12).
 */
import os from 'node:os';
import type { Page } from '@playwright/test';
import { frameStepTable, markedStepsAfter, spreadOfPresent, type FrameRound } from '../../server/src/bench/join-steps.ts';
import { run, writeResult } from '../../server/src/bench/results.ts';
import { addProbe, framesAfter, readProbe, settlePacketWatch, waitForFrames, type ProbeOptions } from './frame-probe.ts';
import { benchPlatform, join, longGrace, mediatorAndPartyB, waitInPage } from './support.ts';

const ROUNDS = Number(process.env.BENCH_RECONNECT_ROUNDS ?? 12);
const PROBE: ProbeOptions = { button: 'Join session', videoPrefix: 'Video of ' };
const KNOWN_STEPS = ['socket-connected', 'join-ack', 'device-loaded', 'recv-transport-created', 'media-ready-ack', 'consumer-built', 'recv-transport-connected', 'send-transport-connected', 'producer-created'];

/** Party `name`'s connection as `page`'s client sees it (from the server's presence updates). */
function connectionOf(page: Page, name: string, is: 'reconnecting' | 'connected'): Promise<void> {
  return waitInPage(page, ([n, c]) => (window as any).__parleyDebug.state().others.find((p: { displayName: string }) => p.displayName === n)?.connection === c, [name, is] as const, `${name} ${is}`, 45_000);
}

/** Whether `page`'s own client is joined (or, with false, has left the joined state). */
function joined(page: Page, yes: boolean): Promise<void> {
  return waitInPage(page, (y) => ((window as any).__parleyDebug.state().connection.status === 'joined') === y, yes, yes ? 'joined' : 'no longer joined', 45_000);
}

async function main() {
  const platform = await benchPlatform({ name: 'bench-reconnect' });
  try {
    const { links, mediator: m } = await mediatorAndPartyB(platform, longGrace(platform));
    const aCtx = await platform.context();
    await addProbe(aCtx, PROBE);
    const a = await aCtx.newPage();
    await join(a, links['Party A']!);
    await waitForFrames(a, 0, 2);

    const rounds: FrameRound[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await aCtx.setOffline(true);
      // Long enough for the drop to be real on both sides: A's client and the server have seen it.
      await joined(a, false);
      await connectionOf(m, 'Party A', 'reconnecting');
      const before = (await readProbe(a, 'parley:')).onlineAt.length;
      await aCtx.setOffline(false);
      await waitInPage(a, (n) => (window as any).__frameProbe.onlineAt.length > n, before, 'the online event');
      const onlineAt = (await readProbe(a, 'parley:')).onlineAt[before]!;
      await waitForFrames(a, onlineAt, 2, 45_000);
      await settlePacketWatch(a, onlineAt);
      const reading = await readProbe(a, 'parley:');
      rounds.push({ ...framesAfter(reading, onlineAt, 2), steps: markedStepsAfter(reading.marks, onlineAt, KNOWN_STEPS, ['prejoin-ready', 'join-click']) });
      console.error(`round ${i + 1}/${ROUNDS}: ${rounds.at(-1)!.firstFrame?.toFixed(0)} ms`);
      // Start the next drop from a settled session: A joined, and the others see A connected again.
      await joined(a, true);
      await connectionOf(m, 'Party A', 'connected');
    }
    const first = spreadOfPresent(rounds.map((r) => r.firstFrame));
    writeResult('reconnect', {
      at: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', loadavg1: os.loadavg()[0] },
      what: 'a party in a three-person session loses the network (Playwright setOffline until the server has seen the drop) and gets it back: online event → first new decoded remote frame; real Chromium, real SFU, loopback',
      rounds: ROUNDS,
      reconnect_p50_ms: first.p50,
      reconnect_p95_ms: first.p95,
      firstFrameMs: first,
      allFramesMs: spreadOfPresent(rounds.map((r) => r.allFrames)),
      firstFrameReceivedMs: spreadOfPresent(rounds.map((r) => r.firstFrameReceived)),
      firstPacketMs: spreadOfPresent(rounds.map((r) => r.firstPacket)),
      steps: frameStepTable(rounds),
      perRound: rounds,
      note: 'times are A\'s page performance.now() from its online event; a frame counts only if its track had presented no frame before (the client rebuilds its media after a socket drop); first packet from getStats polled every 5 ms; steps are the first "parley:<step>" mark after the event, ordered by p50, null where not marked.',
    });
  } finally {
    await platform.close();
  }
}

run(main);
