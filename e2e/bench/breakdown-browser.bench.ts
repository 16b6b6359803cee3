/**
 * Benchmark: a party's network drops and comes back, in real Chromium through the real SFU
 * (issue 5; IMI 3.6.13). The party's browser context goes offline (Playwright `setOffline`), stays
 * offline until the mediator's page shows them reconnecting, then 2 s more, and comes back. Per run:
 *   - detectMs: offline → the mediator's page shows the party "reconnecting";
 *   - rejoinMs: back online → the party's page is back in the session (status joined);
 *   - mediaMs:  back online → the mediator receives the party's audio again (packets > 0).
 * Clocks: every page and this process read the same machine's wall clock (Date.now()).
 * Results: bench/results/breakdown-browser.json.
 */
import type { Page } from '@playwright/test';
import { run, spread, writeResult } from '../../server/src/bench/results.ts';
import { benchPlatform, join, longGrace } from './support.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 12);

/** Polls `fn` in the page until it returns true; the page's Date.now() when it did. */
function until(page: Page, fn: string, timeoutMs = 30_000): Promise<number> {
  return page.evaluate(
    async ([body, limit]) => {
      const test = new Function(`return (async () => (${body}))()`) as () => Promise<boolean>;
      const deadline = Date.now() + limit;
      while (Date.now() < deadline) {
        if (await test()) return Date.now();
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`not within ${limit} ms: ${body}`);
    },
    [fn, timeoutMs] as const,
  );
}

const connectionOf = (name: string) => `window.__parleyDebug.state().others.find((p) => p.displayName === ${JSON.stringify(name)})?.connection`;

async function main() {
  const platform = await benchPlatform();
  try {
    const { detail, links } = await platform.createCase(longGrace(platform));
    // bypassCSP: the probes below are compiled in the page (new Function), which our CSP forbids.
    const m = await (await platform.context({ mediator: true, bypassCSP: true })).newPage();
    const aCtx = await platform.context({ bypassCSP: true });
    const a = await aCtx.newPage();
    await join(m, `${platform.url}/cases/${detail.id}/session`);
    await join(a, links['Party A']!);
    const hearsA = `(await window.__parleyDebug.inboundStats()).some((s) => s.displayName === 'Party A' && s.kind === 'audio' && s.packetsReceived > 0)`;
    await until(m, hearsA);

    const detect: number[] = [];
    const rejoin: number[] = [];
    const media: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await a.waitForTimeout(500 + Math.random() * 2000); // cut at a random point of the heartbeat
      const seen = until(m, `${connectionOf('Party A')} === 'reconnecting'`);
      const cutAt = Date.now();
      await aCtx.setOffline(true);
      detect.push((await seen) - cutAt);
      await a.waitForTimeout(2000);
      const back = until(a, `window.__parleyDebug.state().connection.status === 'joined'`);
      const heard = until(m, `${connectionOf('Party A')} === 'connected' && ${hearsA}`);
      const onAt = Date.now();
      await aCtx.setOffline(false);
      rejoin.push((await back) - onAt);
      media.push((await heard) - onAt);
    }
    const result = {
      at: new Date().toISOString(),
      what: 'a party offline (Playwright setOffline) until the mediator sees them reconnecting, then back: real Chromium + real SFU on loopback',
      runs: RUNS,
      detectMs: spread(detect),
      rejoinMs: spread(rejoin),
      mediaBackMs: spread(media),
      note: 'detect includes the page noticing (10 ms polling); rejoin = socket reconnect + session:join + transports + produce + media:ready; mediaBack adds ICE/DTLS and the first RTP packet at the mediator',
    };
    writeResult('breakdown-browser', result);
  } finally {
    await platform.close();
  }
}

run(main);
