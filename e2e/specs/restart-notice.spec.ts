import { expect, test } from '@playwright/test';
import { agreementEditor, joinFromPrejoin, openThread, passConsentGate, partyContext, writeInSession } from '../support/flows.ts';
import { PHONE, screenshot } from '../support/screens.ts';
import { startPlatform } from '../support/server.ts';

const MESSAGE = 'I can be there on Saturday morning.';
const DRAFT = 'Ben trims the hedge twice a year.';

/**
 * A party in a live session, on a phone, when the operator stops the platform (SIGTERM, as
 * `docker compose stop` does): the page says the service is restarting and that they will be
 * reconnected. When it starts again on the same data folder and port, her page comes back into
 * the session by itself, and what she sent before (a message, a line in the draft) is there. A
 * platform of its own, since this one is stopped.
 */
test('a party is told the service is restarting when the platform stops, and is back with nothing lost when it starts again', async ({ browser }) => {
  test.setTimeout(240_000);
  const { info, child } = await startPlatform({ name: 'restart-notice' });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let again: Awaited<ReturnType<typeof startPlatform>>['child'] | undefined;
  try {
    const desk = await browser.newPage();
    await desk.goto(info.signinUrl);
    await expect(desk.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    const created = await desk.request.post(`${info.url}/api/cases`, {
      // No waiting room: Ana joins before anyone could let her in.
      data: { title: 'Garden wall', participants: [{ displayName: 'Ana Alves', role: 'party', side: 'A' }, { displayName: 'Ben Brown', role: 'party', side: 'B' }], waitingRoom: false },
    });
    expect(created.status()).toBe(201);
    const detail = (await created.json()) as { id: string; participants: Array<{ displayName: string; invitation?: { url: string } }> };
    const link = detail.participants.find((p) => p.displayName === 'Ana Alves')!.invitation!.url;

    const ctx = await partyContext(browser, PHONE);
    const ana = await ctx.newPage();
    await passConsentGate(ana, link);
    await joinFromPrejoin(ana);

    // Before the stop: a message the server acknowledged, and a line in the draft the mediator sees.
    await writeInSession(ana, MESSAGE, DRAFT);
    const caseUrl = `${info.url}/cases/${detail.id}`;
    await desk.goto(caseUrl);
    await desk.getByRole('link', { name: 'Agreement draft' }).click();
    await expect(agreementEditor(desk)).toContainText(DRAFT);

    child.kill('SIGTERM');
    // Said as what it is: the service restarts, her connection did not drop.
    const banner = ana.getByRole('region', { name: 'Your connection' });
    await expect(banner.locator('.notice-title')).toContainText('The service is restarting. You will be reconnected.');
    await expect(banner).not.toContainText('Your connection dropped');
    expect(await exited).toBe(0);
    await screenshot(ana, 'party-service-restarting-phone');

    // Started again on the same data folder and port: Ana's page comes back by itself.
    ({ child: again } = await startPlatform({ name: 'restart-notice', dataDir: info.dataDir, env: { PARLEY_PORT: new URL(info.url).port } }));
    await expect(banner).toHaveCount(0, { timeout: 120_000 });
    await expect(ana.locator('.room-line')).toContainText('You are in the joint room');
    await expect(ana.getByRole('button', { name: 'Leave session' })).toBeVisible();
    // What was acknowledged before the stop is still there, read afresh from the restarted platform.
    await desk.goto(caseUrl);
    await desk.getByRole('link', { name: 'Agreement draft' }).click();
    await expect(agreementEditor(desk)).toContainText(DRAFT);
    await desk.goto(caseUrl);
    await desk.getByRole('link', { name: 'Open messages' }).click();
    await openThread(desk, 'Joint thread');
    await expect(desk.getByRole('log', { name: 'Messages in Joint thread' }).getByText(MESSAGE, { exact: true })).toBeVisible();
    await ctx.close();
    await desk.close();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    again?.kill('SIGKILL');
  }
});
