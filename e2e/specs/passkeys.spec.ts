import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { joinFromPrejoin } from '../support/flows.ts';
import { DESKTOP, PHONE, screenPath, screenshot } from '../support/screens.ts';
import { startPlatform, stopPlatform } from '../support/server.ts';

/**
 * A mediator adds a passkey while signed in by the one-time link, signs out, and signs in again
 * with the passkey, on Chromium's virtual authenticator (a platform authenticator with a screen
 * lock that always says yes). Then, in the live session, a sign-out from another tab ends the
 * session's connection: the session page says they were signed out. A platform of its own, opened
 * at http://localhost: WebAuthn takes no IP address as a site, and the shared platform's one-time
 * link is already used.
 */

/** A CTAP2 authenticator built into this page's "device", holding discoverable passkeys. */
async function virtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
}

test('a mediator signs in with a passkey, and a sign-out from another tab ends their live session', async ({ browser }) => {
  test.setTimeout(240_000);
  const { info } = await startPlatform({ name: 'passkeys' });
  try {
    const local = (url: string) => url.replace('//127.0.0.1:', '//localhost:');
    const base = local(info.url);
    const ctx = await browser.newContext({ viewport: DESKTOP, permissions: ['camera', 'microphone'] });
    const page = await ctx.newPage();
    await virtualAuthenticator(page);

    await page.goto(local(info.signinUrl));
    await expect(page.getByRole('heading', { name: 'Your cases' })).toBeVisible({ timeout: 30_000 });

    // Add a passkey, named after the device.
    const section = page.getByRole('region', { name: 'Passkeys' });
    await expect(section.getByText('You have no passkeys yet.')).toBeVisible();
    await section.getByLabel('Name of this device').fill('Laptop');
    await section.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(section.getByRole('status')).toContainText('Passkey “Laptop” added');
    await expect(section.getByRole('listitem')).toHaveCount(1);
    await expect(section.getByRole('listitem')).toContainText('Laptop');
    await expect(section.getByRole('listitem')).toContainText('not used yet');
    await expectAccessible(page, 'cases page with the passkeys section');
    await section.screenshot({ path: screenPath('passkeys-section-desktop') });
    await page.setViewportSize(PHONE);
    await section.screenshot({ path: screenPath('passkeys-section-phone') });
    await page.setViewportSize(DESKTOP);

    // Sign out; the sign-in page offers the passkey.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    const withPasskey = page.getByRole('button', { name: 'Sign in with a passkey' });
    await expect(withPasskey).toBeVisible();
    await expectAccessible(page, 'sign-in page');
    await screenshot(page, 'signin-passkey-desktop');
    await page.setViewportSize(PHONE);
    await expectAccessible(page, 'sign-in page (phone)');
    await screenshot(page, 'signin-passkey-phone');
    await page.setViewportSize(DESKTOP);

    // Usernameless: no name typed, the authenticator offers the passkey it holds for this site.
    await withPasskey.click();
    await expect(page.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    await expect(section.getByRole('listitem')).toContainText('last used');

    // The mediator opens a case's live session in this tab.
    const created = await page.request.post(`${base}/api/cases`, {
      data: { title: 'Shared driveway', participants: [{ displayName: 'Ana Alves', role: 'party', side: 'A' }], waitingRoom: false },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await page.goto(`${base}/cases/${id}/session`);
    await joinFromPrejoin(page);

    // …and signs out from another tab: the session's connection is closed, and the page says why.
    const other = await ctx.newPage();
    await other.goto(base);
    await expect(other.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    await other.getByRole('button', { name: 'Sign out' }).click();
    await expect(other.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'The session ended for you' })).toBeVisible();
    await expect(page.getByText('You were signed out. Sign in again to continue.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Leave session' })).toHaveCount(0);

    // The passkey signs in again (its counter moved on), and can be removed: the link stays a way in.
    await page.goto(base);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(page.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await section.getByRole('button', { name: 'Remove the passkey Laptop' }).click();
    await expect(section.getByText('You have no passkeys yet.')).toBeVisible();
    expect(question).toContain('You can still sign in with a one-time link');
    await ctx.close();
  } finally {
    await stopPlatform(info.pid);
  }
});
