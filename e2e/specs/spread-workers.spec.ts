import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  createCaseInUi, createCaucusInUi, expectNothingFrom, expectReceivingFrom, joinFromPrejoin, mediatorContext, moveSelectedInUi, partyContext, passConsentGate, pinGoodNetwork, signInMediator,
} from '../support/flows.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

/**
 * A case larger than one worker carries, made small: the platform has two workers and lets each
 * forward two streams. The mediator and Ana fill the first worker (each receives the other's sound
 * and camera); Ben, who comes last, is put on a router on the second worker, and everyone's media
 * crosses between the two through pipes. Everyone sees and hears everyone, and a caucus stays
 * private across the two workers.
 */
const METRICS_TOKEN = 'spread-workers-spec-metrics-token-0123456789';

/** Routers on each worker, as an operator reads them in /metrics (pid → count). */
async function routersPerWorker(url: string): Promise<number[]> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return [...text.matchAll(/^parley_mediasoup_worker_routers\{pid="\d+"\} (\d+)$/gm)].map((m) => Number(m[1]));
}

test('a case that outgrows its worker goes on across two, and everyone still sees and hears everyone', async ({ browser }) => {
  test.setTimeout(300_000);
  const { info, child } = await startPlatform({ name: 'spread-workers', env: { PARLEY_WORKERS: '2', PARLEY_STREAMS_PER_WORKER: '2', PARLEY_METRICS_TOKEN: METRICS_TOKEN } });
  try {
    const platform = await signInMediator(browser, info.signinUrl, path.join(repoRoot, '.cache', 'e2e', 'spread-workers-mediator.json'));
    const mediatorCtx = await mediatorContext(browser, undefined, platform);
    const mediator = await mediatorCtx.newPage();
    const { caseUrl, links } = await createCaseInUi(mediator, 'Orchard boundary', [
      { name: 'Ana Alves', side: 'A' },
      { name: 'Ben Brown', side: 'B' },
    ], { platform });
    await mediator.goto(caseUrl);
    await mediator.getByRole('link', { name: 'Open session' }).click();
    await joinFromPrejoin(mediator);
    await pinGoodNetwork(mediator);

    // Ana joins: she and the mediator receive each other's sound and camera, four streams on one worker.
    const a = await (await partyContext(browser)).newPage();
    await passConsentGate(a, links['Ana Alves']!);
    await joinFromPrejoin(a);
    await pinGoodNetwork(a);
    await expectReceivingFrom(a, ['Mediator']);
    await expectReceivingFrom(mediator, ['Ana Alves']);
    expect(await routersPerWorker(info.url)).toEqual(expect.arrayContaining([1, 0]));

    // Ben comes when that worker is past its two: the case opens a router on the other worker for him.
    const b = await (await partyContext(browser)).newPage();
    await passConsentGate(b, links['Ben Brown']!);
    await joinFromPrejoin(b);
    await pinGoodNetwork(b);
    await expect.poll(() => routersPerWorker(info.url), { message: 'one router of the case on each worker', timeout: 30_000 }).toEqual([1, 1]);
    await expectReceivingFrom(b, ['Mediator', 'Ana Alves']);
    await expectReceivingFrom(a, ['Mediator', 'Ben Brown']);
    await expectReceivingFrom(mediator, ['Ana Alves', 'Ben Brown']);

    // A caucus across the workers: the mediator and Ana leave the joint room, and Ben gets nothing of theirs.
    await createCaucusInUi(mediator, 'Caucus with Ana');
    await moveSelectedInUi(mediator, ['Ana Alves', 'Mediator'], 'Caucus with Ana');
    await expect(a.getByText(/You are in the caucus “Caucus with Ana”/)).toBeVisible();
    await expectReceivingFrom(a, ['Mediator']);
    await expectNothingFrom(b, ['Ana Alves', 'Mediator']);
    await mediatorCtx.close();
  } finally {
    child.kill('SIGTERM');
  }
});
