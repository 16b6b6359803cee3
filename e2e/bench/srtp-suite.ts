/**
 * Which SRTP protection profile a real browser gets on Parley's WebRTC transports, as Chromium
 * itself reports it (RTCTransportStats.srtpCipher, through the test client's
 * `__parleyDebug.transportPaths()`). The SFU cost benchmark (server/src/bench/sfu-cost.bench.ts)
 * encrypts its consumers' RTP with the suite browsers really get, so this is the evidence for its
 * default; run it again after a mediasoup or Chromium upgrade (takes the shared browser lock):
 *
 *   flock /tmp/e2e.lock nice -n 10 node --import tsx e2e/bench/srtp-suite.ts
 *
 * Prints the mediator's send and receive transports, with party B in the session so that both
 * carry media; exits non-zero if either reports no cipher.
 */
import type { Page } from '@playwright/test';
import type { TransportPath } from '../../client/src/session/debug-hook.ts';
import { benchPlatform, mediatorAndPartyB, waitInPage } from './support.ts';

const paths = (page: Page): Promise<TransportPath[]> =>
  page.evaluate(() => (window as unknown as { __parleyDebug: { transportPaths(): Promise<never> } }).__parleyDebug.transportPaths());

async function main() {
  const platform = await benchPlatform({ name: 'bench-srtp-suite' });
  try {
    const { mediator } = await mediatorAndPartyB(platform);
    await waitInPage(
      mediator,
      async () => {
        const all = await (window as unknown as { __parleyDebug: { transportPaths(): Promise<Array<{ packets: number; srtpCipher: string | null }>> } }).__parleyDebug.transportPaths();
        return all.length === 2 && all.every((p) => p.packets > 0 && p.srtpCipher !== null);
      },
      undefined,
      "the mediator's send and receive transports carry media over SRTP",
      60_000,
      250,
    );
    const browser = `Chromium ${platform.browser.version()}`;
    for (const p of await paths(mediator)) console.log(JSON.stringify({ browser, direction: p.direction, srtpCipher: p.srtpCipher, protocol: p.localProtocol }));
  } finally {
    await platform.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
