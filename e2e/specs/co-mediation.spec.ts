import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createCaseInUi, expectReceivingFrom, joinFromPrejoin, joinFromPrejoinToWaiting, mediatorContext, onPhone, partyContext, passConsentGate, signInMediator, type PlatformRef } from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { DESKTOP, fitsTheScreen, PHONE, screenshot } from '../support/screens.ts';
import { repoRoot, startPlatform, stopPlatform } from '../support/server.ts';

test.setTimeout(360_000);

/**
 * Co-mediation [issue 13; 3.6.10, 3.6.14]: the lead asks a colleague on the platform to
 * co-mediate; the colleague finds the case in their list; a party reads who both mediators are
 * and agrees to the agreement that names the co-mediator; the co-mediator runs the session alone
 * (lets the waiting party in and is seen and heard); the lead takes them off and their session
 * ends at once. On a platform of its own, so the shared one keeps a single mediator.
 */
test('a co-mediator finds the case, lets the waiting party in, and loses the case when the lead takes them off', async ({ browser }) => {
  const { info, child } = await startPlatform({ name: 'co-mediation' });
  const contexts: Array<{ close: () => Promise<void> }> = [];
  try {
    const admin = await signInMediator(browser, info.signinUrl, path.join(repoRoot, '.cache', 'e2e', 'co-mediation-lead.json'));
    const mCtx = await mediatorContext(browser, DESKTOP, admin);
    contexts.push(mCtx);
    const lead = await mCtx.newPage();

    // The lead's name, and a colleague invited to the platform, who creates her account.
    await lead.goto(`${admin.url}/account`);
    await lead.getByLabel('Name shown to participants').fill('Maria Mendes');
    await lead.getByRole('button', { name: 'Save profile' }).click();
    await expect(lead.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    await lead.goto(`${admin.url}/mediators`);
    await lead.getByLabel('Their name').fill('Bea Brandt');
    await lead.getByRole('button', { name: 'Invite a mediator' }).click();
    const link = await lead.getByRole('region', { name: 'Invitation link for Bea Brandt' }).getByRole('textbox').inputValue();
    const bCtx = await partyContext(browser, DESKTOP);
    contexts.push(bCtx);
    const bea = await bCtx.newPage();
    await bea.goto(link);
    await bea.getByRole('button', { name: 'Create my account' }).click();
    await expect(bea.getByRole('heading', { name: 'Your cases', level: 1 })).toBeVisible();
    const beaRef: PlatformRef = { url: admin.url, storageState: path.join(repoRoot, '.cache', 'e2e', 'co-mediation-bea.json') };
    await bCtx.storageState({ path: beaRef.storageState });

    // The lead creates a case with the waiting room on and asks Bea to co-mediate it.
    const { caseUrl, links } = await createCaseInUi(lead, 'Shared driveway', [{ name: 'Ana Alves', side: 'A' }, { name: 'Ben Brown', side: 'B' }], { platform: admin, waitingRoom: true });
    const mediators = lead.getByRole('region', { name: 'Mediators' });
    await expect(mediators.getByText('Leads this case')).toBeVisible();
    await mediators.getByLabel('Ask a colleague to co-mediate').selectOption({ label: 'Bea Brandt' });
    await mediators.getByRole('button', { name: 'Add as co-mediator' }).click();
    await expect(mediators.locator('.mediator-item').filter({ hasText: 'Bea Brandt' })).toContainText('Co-mediator');
    await expect(lead.getByRole('status').filter({ hasText: 'Bea Brandt now co-mediates this case.' })).toHaveCount(1);
    await expect(mediators.getByText(/^Every other mediator on this platform already co-mediates this case\./)).toBeVisible();
    await expect(lead.getByRole('article', { name: 'Bea Brandt' }).getByText('Co-mediator', { exact: true })).toBeVisible();
    await mediators.scrollIntoViewIfNeeded();
    await fitsTheScreen(lead, 'case page with a co-mediator');
    await screenshot(lead, 'case-co-mediator-desktop');
    await expectAccessible(lead, 'case page with a co-mediator');
    await onPhone(browser, admin, caseUrl, (p) => expect(p.getByRole('region', { name: 'Mediators' }).getByText('Co-mediator', { exact: true })).toBeVisible(), 'case-co-mediator');

    // Bea finds it in her list, marked as co-mediated, and reads who leads it.
    await bea.goto(admin.url);
    const item = bea.locator('.case-item').filter({ hasText: 'Shared driveway' });
    await expect(item.getByText('You co-mediate')).toBeVisible();
    await screenshot(bea, 'co-mediator-cases-desktop');
    await expectAccessible(bea, 'the co-mediator’s case list');
    await item.getByRole('link', { name: 'Shared driveway' }).click();
    await expect(bea.getByRole('region', { name: 'Mediators' })).toContainText('You co-mediate this case with Maria Mendes');
    await expect(bea.getByRole('button', { name: 'Use this template' })).toHaveCount(0);
    await screenshot(bea, 'co-mediator-case-desktop');
    await expectAccessible(bea, 'the case page of a co-mediator');
    await onPhone(browser, beaRef, caseUrl, (p) => expect(p.getByRole('region', { name: 'Mediators' })).toContainText('You co-mediate this case'), 'co-mediator-case');

    // Ana reads who both mediators are, and the clause that names Bea, before agreeing.
    const aCtx = await partyContext(browser, PHONE);
    contexts.push(aCtx);
    const ana = await aCtx.newPage();
    await ana.goto(links['Ana Alves']!);
    const yours = ana.getByRole('region', { name: 'Your mediators' });
    await expect(yours).toContainText('Maria Mendes');
    await expect(yours).toContainText('Bea Brandt · co-mediator');
    await expect(ana.getByText(/^Bea Brandt mediates this case together with Maria Mendes/)).toBeVisible();
    await screenshot(ana, 'party-two-mediators-phone');
    await expectAccessible(ana, 'the link page with two mediators');

    // Bea opens the session alone; Ana waits; Bea lets her in and they see and hear each other.
    await bea.getByRole('link', { name: 'Open session' }).click();
    await joinFromPrejoin(bea);
    await passConsentGate(ana, links['Ana Alves']!);
    await joinFromPrejoinToWaiting(ana);
    const waiting = bea.getByRole('region', { name: 'Waiting to be let in' });
    await waiting.getByRole('button', { name: 'Let Ana Alves in' }).click();
    await expectReceivingFrom(ana, ['Bea Brandt']);
    await expectReceivingFrom(bea, ['Ana Alves']);
    await expect(ana.locator('.room-line')).toContainText('You are in the joint room');

    // The lead takes Bea off: her session ends at once, and the case leaves her list.
    await lead.reload();
    lead.once('dialog', (d) => void d.accept());
    await lead.getByRole('region', { name: 'Mediators' }).getByRole('button', { name: 'Take Bea Brandt off' }).click();
    await expect(lead.getByRole('region', { name: 'Mediators' }).locator('.mediator-item').filter({ hasText: 'Bea Brandt' })).toHaveCount(0);
    await expect(bea.getByText('The mediator removed you from this case.')).toBeVisible({ timeout: 30_000 });
    await bea.goto(admin.url);
    await expect(bea.getByRole('heading', { name: 'Your cases', level: 1 })).toBeVisible();
    await expect(bea.getByRole('link', { name: 'Shared driveway' })).toHaveCount(0);
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await stopPlatform(child.pid!);
  }
});
