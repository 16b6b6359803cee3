/**
 * Benchmark: what TURN costs a person joining, in real Chromium through the real SFU on loopback.
 * Two platforms run side by side: one direct (no TURN), one relay-only (PARLEY_ICE_TRANSPORT_POLICY
 * =relay) through a real coturn. In each round, on each platform, the mediator is in the session
 * sending video; party A clicks "Join session" and we time until A's page has decoded the first
 * frame of the mediator's video (framesDecoded > 0 in getStats, polled every ~5 ms in the page).
 * Rounds alternate between the platforms so both see the same machine load.
 * Results: bench/results/turn-join.json.
 */
import type { Page } from '@playwright/test';
import { run, spread, writeResult } from '../../server/src/bench/results.ts';
import { startCoturn } from '../../server/src/test/coturn.ts';
import { benchPlatform, join, waitInPage, type BenchPlatform } from './support.ts';

const ROUNDS = Number(process.env.BENCH_TURN_JOINS ?? 8);

/** In the page: epoch ms of the first decoded frame of `from`'s video (0 if none within 30 s). */
function firstFrame(page: Page, from: string): Promise<number> {
  return page.evaluate(async (name) => {
    const now = () => performance.timeOrigin + performance.now();
    const deadline = now() + 30_000;
    while (now() < deadline) {
      const dbg = (window as any).__parleyDebug;
      const stats: Array<{ displayName: string; kind: string; framesDecoded: number }> = dbg ? await dbg.inboundStats() : [];
      if (stats.some((s) => s.displayName === name && s.kind === 'video' && s.framesDecoded > 0)) return now();
      await new Promise((r) => setTimeout(r, 5));
    }
    return 0;
  }, from);
}

/** One join of party A while the mediator is in the session: ms from the click to the first decoded frame, and A's local candidate type. */
async function oneJoin(platform: BenchPlatform): Promise<{ ms: number; localType: string }> {
  const { detail, links } = await platform.createCase();
  const mCtx = await platform.context({ mediator: true });
  const aCtx = await platform.context();
  try {
    const m = await mCtx.newPage();
    await join(m, `${platform.url}/cases/${detail.id}/session`);
    // The mediator's camera is being sent before A joins: only A's path is measured.
    // waitInPage, not waitForFunction: Playwright takes a returned promise for a true answer.
    await waitInPage(m, async () => ((await (window as any).__parleyDebug.outboundStats()) as Array<{ kind: string; framesEncoded: number }>).some((s) => s.kind === 'video' && s.framesEncoded > 0), undefined, 'the mediator sends video');
    const a = await aCtx.newPage();
    await a.goto(links['Party A']!);
    const button = a.getByRole('button', { name: 'Join session' });
    await button.waitFor();
    const watching = a.waitForFunction(() => !!(window as any).__parleyDebug, undefined, { timeout: 30_000 }).then(() => firstFrame(a, 'Mediator'));
    const clickedAt: number = await a.evaluate(() => performance.timeOrigin + performance.now());
    await button.click();
    const frameAt = await watching;
    if (!frameAt) throw new Error('no frame from the mediator within 30 s');
    const pairs = await a.evaluate(() => (window as any).__parleyDebug.selectedPairs());
    return { ms: frameAt - clickedAt, localType: pairs.recv?.localType ?? 'none' };
  } finally {
    await Promise.all([mCtx.close(), aCtx.close()]);
  }
}

async function main() {
  const coturn = await startCoturn();
  const direct = await benchPlatform({ name: 'bench-direct' });
  const relay = await benchPlatform({
    name: 'bench-relay',
    env: { PARLEY_TURN_URLS: `turn:${coturn.host}:${coturn.port}?transport=udp`, PARLEY_TURN_SECRET: coturn.secret, PARLEY_ICE_TRANSPORT_POLICY: 'relay' },
  });
  try {
    const times = { direct: [] as number[], relay: [] as number[] };
    const types = { direct: new Set<string>(), relay: new Set<string>() };
    // One unmeasured join each: the first page load compiles and caches the client.
    await oneJoin(direct);
    await oneJoin(relay);
    for (let i = 0; i < ROUNDS; i++) {
      for (const [mode, platform] of [['direct', direct], ['relay', relay]] as const) {
        const r = await oneJoin(platform);
        times[mode].push(r.ms);
        types[mode].add(r.localType);
      }
    }
    writeResult('turn-join', {
      at: new Date().toISOString(),
      what: 'join → first decoded remote video frame for a party, real Chromium + real SFU (+ real coturn for relay) on loopback',
      rounds: ROUNDS,
      directMs: spread(times.direct),
      relayOnlyTurnUdpMs: spread(times.relay),
      selectedLocalCandidate: { direct: [...types.direct], relay: [...types.relay] },
      note: 'from the click on "Join session" to framesDecoded > 0 of the mediator\'s video on the party\'s page; includes loading the session, transports, ICE (+ TURN allocation and permission for relay), DTLS and the first key frame',
    });
  } finally {
    await Promise.all([direct.close(), relay.close()]);
    await coturn.stop();
  }
}

run(main);
