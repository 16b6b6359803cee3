import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startCoturn, type Coturn } from '../../server/src/test/coturn.ts';
import { expectReceivingFrom, signInMediator, threeInSession, type PlatformRef } from '../support/flows.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

/**
 * TURN end to end: a platform of its own with PARLEY_ICE_TRANSPORT_POLICY=relay and a real coturn
 * on loopback (configured like the shipped one: shared secret, only the media server's address
 * allowed as a peer). The mediator and two parties join; every transport of every page has a relay
 * candidate as its selected local candidate, and each page decodes the others' video. Once with
 * TURN over UDP, once over TCP (the URL allows nothing else).
 */
interface SelectedPair {
  localType: string;
  relayProtocol: string | null;
}
const selectedPairs = (page: Page) =>
  page.evaluate(() => (window as unknown as { __parleyDebug: { selectedPairs(): Promise<{ send: SelectedPair | null; recv: SelectedPair | null }> } }).__parleyDebug.selectedPairs());

for (const transport of ['udp', 'tcp'] as const) {
  test.describe(`relay only, over TURN/${transport.toUpperCase()}`, () => {
    let coturn: Coturn;
    let child: ChildProcess;
    let platform: PlatformRef;
    let logFile: string;

    test.beforeAll(async ({ browser }) => {
      test.setTimeout(120_000);
      coturn = await startCoturn();
      const started = await startPlatform({
        env: { PARLEY_TURN_URLS: `turn:${coturn.host}:${coturn.port}?transport=${transport}`, PARLEY_TURN_SECRET: coturn.secret, PARLEY_ICE_TRANSPORT_POLICY: 'relay' },
        name: `turn-${transport}`,
      });
      child = started.child;
      logFile = started.info.logFile;
      platform = await signInMediator(browser, started.info.signinUrl, path.join(repoRoot, '.cache', 'e2e', `turn-${transport}-mediator.json`));
    });

    test.afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await coturn?.stop();
    });

    test('mediator and two parties see and hear each other only through the relay', async ({ browser }) => {
      test.setTimeout(180_000);
      const s = await threeInSession(browser, `Relay over ${transport}`, ['Ana Relay', 'Ben Relay'], { platform });
      try {
        const everyone = { Mediator: s.mediator, 'Ana Relay': s.a, 'Ben Relay': s.b };
        for (const [name, page] of Object.entries(everyone)) {
          await expectReceivingFrom(page, Object.keys(everyone).filter((n) => n !== name));
          const pairs = await selectedPairs(page);
          for (const direction of ['send', 'recv'] as const) {
            expect(pairs[direction], `${name} ${direction}`).toMatchObject({ localType: 'relay', relayProtocol: transport });
          }
        }
        // coturn saw the allocations: the usernames Parley signed, one per transport (six).
        expect(coturn.log().match(/ALLOCATE processed, success/g)?.length ?? 0).toBeGreaterThanOrEqual(6);
        // An ICE restart (the breakdown ladder's first rung, also how credentials are renewed)
        // allocates again on coturn with the fresh credentials it brings, and media keeps flowing.
        const allocations = () => coturn.log().match(/ALLOCATE processed, success/g)?.length ?? 0;
        const before = allocations();
        await s.a.evaluate(() => (window as unknown as { __parleyDebug: { restartIce(): void } }).__parleyDebug.restartIce());
        await expect.poll(allocations, { timeout: 30_000 }).toBeGreaterThan(before);
        await expectReceivingFrom(s.a, ['Mediator', 'Ben Relay']);
        expect((await selectedPairs(s.a)).recv).toMatchObject({ localType: 'relay', relayProtocol: transport });
        // The server says which TURN servers it hands out, never the secret it signs with.
        const log = fs.readFileSync(logFile, 'utf8');
        expect(log).toContain(`turn:${coturn.host}:${coturn.port}?transport=${transport}`);
        expect(log).not.toContain(coturn.secret);
      } finally {
        await s.close();
      }
    });
  });
}
