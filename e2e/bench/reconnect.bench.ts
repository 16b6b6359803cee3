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
import { frameStepTable, spreadOfPresent, stepsAfter, type FrameRound } from '../../server/src/bench/join-steps.ts';
import { run, writeResult } from '../../server/src/bench/results.ts';
import { addProbe, framesAfter, readProbe, waitForFrames, type ProbeOptions } from './frame-probe.ts';
import { benchPlatform, join, longGrace } from './support.ts';

const ROUNDS = Number(process.env.BENCH_RECONNECT_ROUNDS ?? 12);
const PROBE: ProbeOptions = { button: 'Join session', videoPrefix: 'Video of ' };
const KNOWN_STEPS = ['socket-connected', 'join-ack', 'device-loaded', 'recv-transport-created', 'media-ready-ack', 'consumer-built', 'recv-transport-connected', 'send-transport-connected', 'producer-created'];

/** Waits until `expression` (evaluated in the page, may await) is true. */
function until(page: Page, expression: string, timeoutMs = 45_000): Promise<unknown> {
  return page.waitForFunction(
    async (body) => (await (new Function(`return (async () => (${body}))()`) as () => Promise<boolean>)()),
    expression,
    { polling: 50, timeout: timeoutMs },
  );
}

const connectionOf = (name: string) => `window.__parleyDebug.state().others.find((p) => p.displayName === ${JSON.stringify(name)})?.connection`;

async function main() {
  const platform = await benchPlatform({ name: 'bench-reconnect' });
  try {
    const { detail, links } = await platform.createCase(longGrace(platform));
    // bypassCSP: `until` compiles its expression in the page (new Function), which our CSP forbids.
    const m = await (await platform.context({ mediator: true, bypassCSP: true })).newPage();
    const b = await (await platform.context()).newPage();
    const aCtx = await platform.context({ bypassCSP: true });
    await addProbe(aCtx, PROBE);
    const a = await aCtx.newPage();
    await join(m, `${platform.url}/cases/${detail.id}/session`);
    await join(b, links['Party B']!);
    await join(a, links['Party A']!);
    await waitForFrames(a, 0, 2);

    const rounds: FrameRound[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await aCtx.setOffline(true);
      // Long enough for the drop to be real on both sides: A's client and the server have seen it.
      await until(a, `window.__parleyDebug.state().connection.status !== 'joined'`);
      await until(m, `${connectionOf('Party A')} === 'reconnecting'`);
      const before = (await readProbe(a, 'parley:')).onlineAt.length;
      await aCtx.setOffline(false);
      await until(a, `window.__frameProbe.onlineAt.length > ${before}`);
      const onlineAt = (await readProbe(a, 'parley:')).onlineAt[before]!;
      await waitForFrames(a, onlineAt, 2, 45_000);
      await a.waitForFunction((f) => (window as any).__frameProbe.packetWatches.some((w: { from: number; at: number | null }) => w.from === f && w.at !== null), onlineAt, { polling: 20, timeout: 5_000 }).catch(() => undefined);
      const reading = await readProbe(a, 'parley:');
      const steps = [...new Set([...KNOWN_STEPS, ...Object.keys(reading.marks).filter((s) => s !== 'prejoin-ready' && s !== 'join-click')])];
      rounds.push({ ...framesAfter(reading, onlineAt, 2), steps: stepsAfter(reading.marks, onlineAt, steps) });
      console.error(`round ${i + 1}/${ROUNDS}: ${rounds.at(-1)!.firstFrame?.toFixed(0)} ms`);
      // Start the next drop from a settled session: A joined, and the others see A connected again.
      await until(a, `window.__parleyDebug.state().connection.status === 'joined'`);
      await until(m, `${connectionOf('Party A')} === 'connected'`);
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
