import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  agreementEditor, createCaucusInUi, expectNothingFrom, expectReceivingFrom, inboundStats, moveSelectedInUi, signInMediator, threeInSession, writeInSession,
} from '../support/flows.ts';
import { repoRoot, startPlatform } from '../support/server.ts';

/**
 * The mediasoup worker carrying a live session is killed (SIGKILL, as the kernel's out-of-memory
 * killer would) while the mediator is in a caucus with one party. Nobody reloads or clicks: the
 * case moves to the platform's other worker, every page rejoins by itself, each person is back
 * where they were (the caucus stays private) and sees and hears the others again; the messages and
 * the agreement draft are as they were. A platform of its own, with two workers.
 */
const METRICS_TOKEN = 'worker-crash-spec-metrics-token-0123456789';
const MESSAGE = 'Before anything breaks: the fence stays where it is.';
const DRAFT = 'Ana and Ben share the cost of the new fence.';

/**
 * The pid of the worker carrying the case, as an operator finds it: /metrics counts routers (one
 * per live case) on each worker, and this platform has one live case.
 */
async function caseWorkerPid(url: string): Promise<number> {
  let pid = 0;
  await expect
    .poll(async () => {
      const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const carrying = [...text.matchAll(/^parley_mediasoup_worker_routers\{pid="(\d+)"\} 1$/gm)].map((m) => Number(m[1]));
      pid = carrying.length === 1 ? carrying[0]! : 0;
      return pid;
    }, { timeout: 15_000 })
    .toBeGreaterThan(0);
  return pid;
}

const consumerIds = async (page: Page) => new Set((await inboundStats(page)).map((s) => s.consumerId));

/** Media from `names` on new consumers (the old ones died with their worker), and flowing. */
async function expectMediaBackFrom(page: Page, names: string[], before: Set<string>): Promise<void> {
  await expect
    .poll(async () => {
      const fresh = (await inboundStats(page)).filter((s) => names.includes(s.displayName) && !before.has(s.consumerId));
      return names.every((n) => fresh.some((s) => s.displayName === n && s.kind === 'video') && fresh.some((s) => s.displayName === n && s.kind === 'audio'));
    }, { message: `new media from ${names.join(', ')}`, timeout: 60_000, intervals: [500] })
    .toBe(true);
  await expectReceivingFrom(page, names);
}

test('a media worker dies mid-session: everyone gets media back by themselves, in the room they were in', async ({ browser }) => {
  test.setTimeout(420_000); // three browsers, a crash and two room moves on a busy 2-core machine
  const { info, child } = await startPlatform({ name: 'worker-crash', env: { PARLEY_WORKERS: '2', PARLEY_METRICS_TOKEN: METRICS_TOKEN } });
  try {
    const platform = await signInMediator(browser, info.signinUrl, path.join(repoRoot, '.cache', 'e2e', 'worker-crash-mediator.json'));
    const { mediator, a, b, close } = await threeInSession(browser, 'Fence line', ['Ana Alves', 'Ben Brown'], { platform });
    await expectReceivingFrom(a, ['Mediator', 'Ben Brown']);
    await expectReceivingFrom(mediator, ['Ana Alves', 'Ben Brown']);

    // Before the crash: Ben writes in the joint thread and the draft, and the mediator sees the draft line.
    await writeInSession(b, MESSAGE, DRAFT);
    await mediator.getByRole('button', { name: 'Agreement draft' }).click();
    await expect(agreementEditor(mediator)).toContainText(DRAFT);

    // The mediator takes Ana into a caucus.
    await createCaucusInUi(mediator, 'Caucus with Ana');
    await moveSelectedInUi(mediator, ['Ana Alves', 'Mediator'], 'Caucus with Ana');
    await expect(a.getByText(/You are in the caucus “Caucus with Ana”/)).toBeVisible();
    await expectReceivingFrom(a, ['Mediator']);
    await expectNothingFrom(b, ['Ana Alves', 'Mediator']);

    const before = { a: await consumerIds(a), mediator: await consumerIds(mediator) };
    const pid = await caseWorkerPid(info.url);
    process.kill(pid, 'SIGKILL');

    // With no click, each page rejoins by itself, into the same rooms: Ana and the mediator in the
    // caucus, seeing and hearing each other on new streams; Ben in the joint room, receiving nothing from them.
    await expectMediaBackFrom(a, ['Mediator'], before.a);
    await expectMediaBackFrom(mediator, ['Ana Alves'], before.mediator);
    await expect(a.locator('.room-line')).toContainText('You are in the caucus “Caucus with Ana”');
    await expect(b.locator('.room-line')).toContainText('You are in the joint room');
    await expect(mediator.getByRole('region', { name: 'Rooms' }).getByRole('group', { name: 'Caucus with Ana' }).getByText('Ana Alves')).toBeVisible();
    // Ben is back too (his own outage banner is gone), and still receives nothing from the caucus.
    await expect(b.locator('.banner-outage')).toHaveCount(0, { timeout: 60_000 });
    await expectNothingFrom(b, ['Ana Alves', 'Mediator']);
    // A live worker carries the case now.
    expect(await caseWorkerPid(info.url)).not.toBe(pid);

    // The draft and the thread are untouched (the draft took the messages' place beside Ben's stage).
    await expect(agreementEditor(b)).toContainText(DRAFT);
    await expect(agreementEditor(mediator)).toContainText(DRAFT);
    // Ben's messages stayed open on the joint thread through the crash (their own connection).
    await expect(b.getByRole('log', { name: 'Messages in Joint thread' }).getByText(MESSAGE, { exact: true })).toBeVisible();

    // Back in the joint room, each of the three sees and hears both others.
    await moveSelectedInUi(mediator, ['Ana Alves', 'Mediator'], 'Joint room');
    await expectReceivingFrom(a, ['Mediator', 'Ben Brown']);
    await expectReceivingFrom(b, ['Mediator', 'Ana Alves']);
    await expectReceivingFrom(mediator, ['Ana Alves', 'Ben Brown']);
    await close();
  } finally {
    child.kill('SIGKILL');
  }
});
