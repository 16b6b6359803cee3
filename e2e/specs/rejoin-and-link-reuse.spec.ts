import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { joinFromPrejoin, partyContext, threeInSession } from '../support/flows.ts';
import { DESKTOP, PHONE, screenPath } from '../support/screens.ts';


/** The screen at desktop and phone width (no sideways scrolling on the phone), each checked by axe-core. */
async function shoot(page: Page, name: string, focus?: () => Promise<void>): Promise<void> {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    if (focus) await focus();
    if (size === 'phone') expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no sideways scrolling on a phone`).toBe(true);
    await page.screenshot({ path: screenPath(`${name}-${size}`) });
    await expectAccessible(page, `${name}-${size}`);
  }
  await page.setViewportSize(DESKTOP);
}

test('a party who reloads the page still finds the mediator’s announcements in the panel', async ({ browser }) => {
  test.slow(); // three browsers with media, a reload and two screen sizes on a small machine
  const { mediator, a, close } = await threeInSession(browser, 'Announcements kept', ['Irene Ito', 'Jonas Jung']);
  await mediator.getByLabel('Announcement to all rooms').fill('We take a 10-minute break. Please stay in the session.');
  await mediator.getByRole('button', { name: 'Send announcement' }).click();
  const log = (page: Page) => page.getByRole('log', { name: 'Announcements' });
  await expect(log(a).getByText('We take a 10-minute break. Please stay in the session.')).toBeVisible();

  await a.reload();
  await joinFromPrejoin(a);
  await expect(log(a).getByText('We take a 10-minute break. Please stay in the session.')).toBeVisible();
  await expect(a.getByText('No announcements yet.')).toHaveCount(0);
  // History, not news: the reload does not pop the old announcement up again as a toast.
  await expect(a.getByText('Announcement from Mediator: We take a 10-minute break.', { exact: false })).toHaveCount(0);
  await shoot(a, 'announcements-after-reload', () => log(a).scrollIntoViewIfNeeded());
  await close();
});

test('a link opened in another browser: the first window says so truthfully and the mediator is told', async ({ browser }) => {
  test.slow(); // four browsers with media on a small machine
  const { mediator, a, links, close } = await threeInSession(browser, 'Link opened twice', ['Karin Kahn', 'Lars Lund']);
  // Another browser (its own storage, so its own browser id) opens Karin's link.
  const otherCtx = await partyContext(browser);
  const other = await otherCtx.newPage();
  await other.goto(links['Karin Kahn']!);
  await joinFromPrejoin(other);

  await expect(a.getByRole('heading', { name: 'Your link was opened somewhere else' })).toBeVisible();
  await expect(
    a.getByText('Your link was opened in another browser or device, so this window was disconnected. If that was not you, tell your mediator.'),
  ).toBeVisible();
  const notice = mediator.getByRole('alert').filter({ hasText: 'Karin Kahn’s link was opened in another browser or device; the earlier connection was closed.' });
  await expect(notice).toBeVisible();
  await expect(notice.getByText(/If that was not Karin Kahn, create a new link for them on the case page/)).toBeVisible();
  // Still one Karin for the mediator, now on the other browser.
  await expect(mediator.getByRole('region', { name: 'Participants' }).getByText('Karin Kahn')).toHaveCount(1);

  await shoot(a, 'link-reused-party');
  await shoot(mediator, 'link-reused-mediator', () => notice.scrollIntoViewIfNeeded());
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
  await Promise.all([close(), otherCtx.close()]);
});
