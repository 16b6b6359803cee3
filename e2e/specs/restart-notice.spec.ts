import { expect, test } from '@playwright/test';
import { joinFromPrejoin, passConsentGate, partyContext } from '../support/flows.ts';
import { PHONE, screenshot } from '../support/screens.ts';
import { startPlatform } from '../support/server.ts';

/**
 * A party in a live session, on a phone, when the operator stops the platform (SIGTERM, as
 * `docker compose stop` does): the page says the service is restarting and that they will be
 * reconnected. A platform of its own, since this one is stopped.
 */
test('a party is told the service is restarting when the platform stops', async ({ browser }) => {
  const { info, child } = await startPlatform({ name: 'restart-notice' });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const desk = await browser.newPage();
    await desk.goto(info.signinUrl);
    await expect(desk.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    const created = await desk.request.post(`${info.url}/api/cases`, {
      data: { title: 'Garden wall', participants: [{ displayName: 'Ana Alves', role: 'party', side: 'A' }, { displayName: 'Ben Brown', role: 'party', side: 'B' }] },
    });
    expect(created.status()).toBe(201);
    const detail = (await created.json()) as { participants: Array<{ displayName: string; invitation?: { url: string } }> };
    const link = detail.participants.find((p) => p.displayName === 'Ana Alves')!.invitation!.url;

    const ctx = await partyContext(browser, PHONE);
    const ana = await ctx.newPage();
    await passConsentGate(ana, link);
    await joinFromPrejoin(ana);

    child.kill('SIGTERM');
    // Said as what it is: the service restarts, her connection did not drop.
    const banner = ana.getByRole('region', { name: 'Your connection' });
    await expect(banner.locator('.notice-title')).toContainText('The service is restarting. You will be reconnected.');
    await expect(banner).not.toContainText('Your connection dropped');
    expect(await exited).toBe(0);
    await screenshot(ana, 'party-service-restarting-phone');
    await ctx.close();
    await desk.close();
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
