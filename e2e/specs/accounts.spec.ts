import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createCaseInUi, mediatorContext, onPhone, partyContext, signInMediator } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { DESKTOP, fitsTheScreen, PHONE, screenshot } from '../support/screens.ts';
import { repoRoot, startPlatform, stopPlatform } from '../support/server.ts';

test.setTimeout(300_000);

const STATEMENT = 'Accredited family mediator since 2015. Paid by the hour, half by each party.\nNo ties to either side’s lawyers.';

async function shoot(page: Page, name: string): Promise<void> {
  await fitsTheScreen(page, name);
  await screenshot(page, `${name}-desktop`);
  await expectAccessible(page, name);
}

/**
 * Mediator accounts [issue 13; 3.6.14]: the administrator (the first account) writes their
 * profile, which a party reads before agreeing; invites a second mediator, who opens the link in
 * their own browser, confirms their name and is signed in; the second mediator sees none of the
 * first one's cases, not even by its address; the administrator deactivates them and their open
 * page ends up signed out. On a platform of its own, so the shared one keeps a single mediator.
 */
test('a second mediator cannot see the first one’s cases; deactivating them signs them out', async ({ browser }) => {
  const { info, child } = await startPlatform({ name: 'accounts' });
  const contexts: Array<{ close: () => Promise<void> }> = [];
  try {
    const admin = await signInMediator(browser, info.signinUrl, path.join(repoRoot, '.cache', 'e2e', 'accounts-admin.json'));
    const aCtx = await mediatorContext(browser, DESKTOP, admin);
    contexts.push(aCtx);
    const a = await aCtx.newPage();

    // The administrator's profile, in their own words.
    await a.goto(`${admin.url}/account`);
    await expect(a.getByRole('heading', { name: 'Your profile', level: 1 })).toBeVisible();
    await a.getByLabel('Name shown to participants').fill('Maria Mendes');
    await a.getByLabel('Organisation (optional)').fill('Mendes Mediation');
    await a.getByLabel(/^About you/).fill(STATEMENT);
    await a.getByRole('button', { name: 'Save profile' }).click();
    await expect(a.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    await expect(a.getByRole('region', { name: 'Your mediator' })).toContainText('Mendes Mediation');
    await shoot(a, 'account');
    await onPhone(browser, admin, `${admin.url}/account`, 'Your profile', 'account');

    // A case; its party reads "Your mediator" before agreeing to anything [3.6.14].
    const { caseUrl, links } = await createCaseInUi(a, 'Fence between gardens', [{ name: 'Ana Alves', side: 'A' }, { name: 'Ben Brown', side: 'B' }], { platform: admin });
    const pCtx = await partyContext(browser, DESKTOP);
    contexts.push(pCtx);
    const party = await pCtx.newPage();
    await party.goto(links['Ana Alves']!);
    const yours = party.getByRole('region', { name: 'Your mediator' });
    await expect(yours).toContainText('Maria Mendes');
    await expect(yours).toContainText('Mendes Mediation');
    await expect(yours).toContainText('No ties to either side’s lawyers.');
    await expect(party.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
    await screenshot(party, 'your-mediator-desktop');

    // The administrator invites a second mediator: the link is shown once, to pass on by hand.
    await a.goto(`${admin.url}/mediators`);
    await expect(a.getByRole('heading', { name: 'Mediators', level: 1 })).toBeVisible();
    await a.getByLabel('Their name').fill('Bea Brandt');
    await a.getByLabel('Their e-mail address (optional)').fill('bea@example.org');
    await a.getByRole('button', { name: 'Invite a mediator' }).click();
    const shown = a.getByRole('region', { name: 'Invitation link for Bea Brandt' });
    await expect(shown).toContainText('Send this link to Bea Brandt yourself');
    const link = await shown.getByRole('textbox').inputValue();
    expect(link).toMatch(/\/welcome#token=/);
    await expect(a.getByRole('heading', { name: 'Bea Brandt', level: 3 })).toBeVisible(); // open invitations
    await shoot(a, 'mediators');
    await onPhone(browser, admin, `${admin.url}/mediators`, 'Mediators', 'mediators');

    // Bea opens it in her own browser, sees who invited her, confirms her name.
    const phoneWelcome = await partyContext(browser, PHONE);
    contexts.push(phoneWelcome);
    const bCtx = await partyContext(browser, DESKTOP);
    contexts.push(bCtx);
    const b = await bCtx.newPage();
    await b.goto(link);
    await expect(b.getByRole('heading', { name: 'Welcome to Parley', level: 1 })).toBeVisible();
    await expect(b.getByText('Maria Mendes invited you to mediate on this platform.', { exact: false })).toBeVisible();
    await expect(b.getByLabel('Your name, as the people you invite will see it')).toHaveValue('Bea Brandt');
    await shoot(b, 'welcome');
    await onPhone(browser, null, link, 'Welcome to Parley', 'welcome');
    await b.getByRole('button', { name: 'Create my account' }).click();
    await expect(b.getByRole('heading', { name: 'Your cases', level: 1 })).toBeVisible();
    await expect(b.getByText('Signed in as Bea Brandt')).toBeVisible();
    await expect(b.getByText('You have no cases yet.', { exact: false })).toBeVisible();
    await expect(b.getByRole('link', { name: 'Fence between gardens' })).toHaveCount(0);
    await expect(b.getByRole('link', { name: 'Mediators' })).toHaveCount(0);

    // The link is dead now.
    const again = await phoneWelcome.newPage();
    await again.goto(link);
    await expect(again.getByRole('heading', { name: 'This invitation link does not work', level: 1 })).toBeVisible();

    // Maria's case by its address: a plain "not yours" page, nothing of the case.
    await b.goto(caseUrl);
    await expect(b.getByRole('heading', { name: 'This is not one of your cases', level: 1 })).toBeVisible();
    await expect(b.getByText('Ana Alves')).toHaveCount(0);
    await b.goto(`${caseUrl}/session`);
    await expect(b.getByRole('heading', { name: 'This is not one of your cases', level: 1 })).toBeVisible();

    // The administrator deactivates Bea while her case list is open: it ends up signed out.
    await b.goto(admin.url);
    await expect(b.getByRole('heading', { name: 'Your cases', level: 1 })).toBeVisible();
    await a.reload();
    a.once('dialog', (d) => void d.accept());
    await a.getByRole('button', { name: 'Deactivate Bea Brandt' }).click();
    await expect(a.locator('.account-item').filter({ hasText: 'Bea Brandt' }).getByText('Deactivated')).toBeVisible();
    await expect(b.getByRole('heading', { name: 'Sign in to Parley', level: 1 })).toBeVisible({ timeout: 30_000 });
    // And a fresh load of any of her pages says so too.
    await b.reload();
    await expect(b.getByRole('heading', { name: 'Sign in to Parley', level: 1 })).toBeVisible();

    // Reactivated, she signs in again with a new link from the administrator.
    await a.getByRole('button', { name: 'Reactivate Bea Brandt' }).click();
    const bea = a.locator('.account-item').filter({ hasText: 'Bea Brandt' });
    await expect(bea.getByRole('button', { name: 'New sign-in link' })).toBeVisible();
    await expect(bea.getByText('Deactivated')).toHaveCount(0);
    await screenshot(a, 'mediators-reactivated-desktop');
    await expectAccessible(a, 'mediators page after a reactivation');
    await bea.getByRole('button', { name: 'New sign-in link' }).click();
    const signin = await a.getByRole('region', { name: 'Sign-in link for Bea Brandt' }).getByRole('textbox').inputValue();
    await b.goto(signin);
    await expect(b.getByRole('heading', { name: 'Your cases', level: 1 })).toBeVisible();
    await expect(b.getByText('Signed in as Bea Brandt')).toBeVisible();
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await stopPlatform(child.pid!);
  }
});
