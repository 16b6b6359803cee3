import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startPostgres, type RunningPostgres } from '../../server/src/test/postgres.ts';
import { startRedis, type RunningRedis } from '../../server/src/test/redis.ts';
import { freePort } from '../../server/src/test/ports.ts';
import { createCaseInUi, createCaucusInUi, expectReceivingFrom, joinFromPrejoin, mediatorContext, moveSelectedInUi, partyContext, passConsentGate, signInMediator } from '../support/flows.ts';
import { PHONE, screenshot } from '../support/screens.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

/**
 * Two Parley nodes on one Postgres and one Redis (issue 14), in real Chromium. The mediator opens
 * the session on node 1, which then runs the case. Ana opens her link on node 2 (as a load
 * balancer might send her): her page is sent on to node 1 and she is in the session with the
 * mediator, sound and picture both ways. The mediator puts her in a caucus. Then node 1 is killed
 * (SIGKILL): Ana's page tries again through node 2, which takes the case over once node 1's lease
 * runs out, and she is back in the caucus by herself; the mediator reopens the session on node 2,
 * brings her back to the joint room, and they see and hear each other again.
 */
const LEASE_SECONDS = 3;
const origin = (port: number) => `http://127.0.0.1:${port}`;

test('a session runs on the node that holds its case, and moves to the other node when that one dies', async ({ browser }) => {
  test.setTimeout(300_000);
  let pg: RunningPostgres | undefined;
  let redis: RunningRedis | undefined;
  const started: Array<Awaited<ReturnType<typeof startPlatform>>['child']> = [];
  try {
    pg = await startPostgres();
    redis = await startRedis();
    const ports = [await freePort(), await freePort()] as const;
    const shared = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      PARLEY_MASTER_KEY: randomBytes(32).toString('base64url'),
      PARLEY_CASE_LEASE_SECONDS: String(LEASE_SECONDS),
      // Pages of either node open sockets on the other (a public address would be allowed by default).
      PARLEY_ALLOWED_ORIGINS: ports.map(origin).join(','),
    };
    const node = async (i: 0 | 1) => {
      const s = await startPlatform({ name: `node-${i + 1}`, env: { ...shared, PARLEY_PORT: String(ports[i]), PARLEY_NODE_URL: origin(ports[i]) } });
      started.push(s.child);
      return s;
    };
    const one = await node(0);
    // Signed in before node 2 starts: each start prints a new one-time link.
    const platform = await signInMediator(browser, one.info.signinUrl, path.join(repoRoot, '.cache', 'e2e', 'two-nodes-mediator.json'));
    await node(1);
    const onNode2 = (url: string) => url.replace(origin(ports[0]), origin(ports[1]));

    const mediatorCtx = await mediatorContext(browser, undefined, platform);
    const mediator = await mediatorCtx.newPage();
    const { caseUrl, links } = await createCaseInUi(mediator, 'Shared driveway', [
      { name: 'Ana Node', side: 'A' },
      { name: 'Ben Node', side: 'B' },
    ], { platform });
    await mediator.goto(caseUrl);
    await mediator.getByRole('link', { name: 'Open session' }).click();
    await joinFromPrejoin(mediator);

    const anaCtx = await partyContext(browser, PHONE);
    const ana = await anaCtx.newPage();
    await passConsentGate(ana, onNode2(links['Ana Node']!));
    await joinFromPrejoin(ana);
    expect(new URL(ana.url()).origin).toBe(origin(ports[1]));
    await expectReceivingFrom(mediator, ['Ana Node']);
    await expectReceivingFrom(ana, ['Mediator']);
    await createCaucusInUi(mediator, 'Ana alone');
    await moveSelectedInUi(mediator, ['Ana Node'], 'Ana alone');
    const inCaucus = ana.getByText(/You are in the caucus “Ana alone”/);
    await expect(inCaucus).toBeVisible();

    started[0]!.kill('SIGKILL');
    const banner = ana.getByRole('region', { name: 'Your connection' });
    await expect(banner).toBeVisible();
    // Back by herself, on node 2, in the caucus she was in.
    await expect(banner).toHaveCount(0, { timeout: 120_000 });
    await expect(inCaucus).toBeVisible();
    await screenshot(ana, 'party-after-node-takeover-phone');

    // The mediator's page was node 1's: reopened through node 2.
    await mediator.goto(onNode2(caseUrl));
    await mediator.getByRole('link', { name: 'Open session' }).click();
    await joinFromPrejoin(mediator);
    await expect(mediator.getByRole('region', { name: 'Rooms' }).getByRole('group', { name: 'Ana alone' })).toContainText('Ana Node');
    await moveSelectedInUi(mediator, ['Ana Node'], 'Joint room');
    await expect(ana.getByText(/You are in the joint room/)).toBeVisible();
    await expectReceivingFrom(mediator, ['Ana Node']);
    await expectReceivingFrom(ana, ['Mediator']);
    await anaCtx.close();
    await mediatorCtx.close();
  } finally {
    for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
    await redis?.stop();
    await pg?.stop();
  }
});
