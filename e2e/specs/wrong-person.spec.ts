import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { expectAccessible } from '../support/axe.ts';
import { createCaseInUi, mediatorContext, partyContext, passConsentGate, server } from '../support/flows.ts';
import { DESKTOP, PHONE, screenshot } from '../support/screens.ts';

/**
 * Someone on a page that is not theirs learns whose page it is and what to do instead, before
 * anything asks for their camera. Screenshots: .cache/screens/wrong-person-*.png.
 */
const SIZES = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;

/** Counts getUserMedia calls in every page of the context (a fresh count per document). */
async function countCameraRequests(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const w = window as unknown as { __cameraRequests: number };
    w.__cameraRequests = 0;
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) return;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = (constraints) => {
      w.__cameraRequests++;
      return original(constraints);
    };
  });
}
const cameraRequests = (page: Page) => page.evaluate(() => (window as unknown as { __cameraRequests: number }).__cameraRequests);

async function look(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: no sideways scrolling`).toBe(true);
  await screenshot(page, `wrong-person-${name}`);
}

const NO_PLATFORM_SIGNIN = /one-time|printed|terminal|server log/i;

test('a party on the mediator’s pages reads they are the mediator’s, with no camera; a withdrawn link says to ask for a new one', async ({ browser }) => {
  const mCtx = await mediatorContext(browser);
  const m = await mCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(m, 'Wrong page, right person', [
    { name: 'Rosa Ruiz', side: 'A' },
    { name: 'Sven Sand', side: 'B' },
  ]);

  for (const [viewport, size] of SIZES) {
    const pCtx = await partyContext(browser, size);
    await countCameraRequests(pCtx);
    const p = await pCtx.newPage();
    // The party has their invitation in this tab (agreed, so the camera check was up once)...
    if (viewport === 'desktop') await passConsentGate(p, links['Rosa Ruiz']!);
    else await p.goto(links['Rosa Ruiz']!); // agreed already
    await expect(p.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
    await expect.poll(() => cameraRequests(p)).toBeGreaterThan(0); // the count sees a real camera check

    // ...then opens the address the mediator uses for the session.
    await p.goto(`${caseUrl}/session`);
    await expect(p.getByRole('heading', { name: 'This page is for the mediator' })).toBeVisible();
    await expect(p.getByText('Open the personal link from your invitation: the e-mail or message the mediator sent you.')).toBeVisible();
    await expect(p.locator('main')).not.toContainText(NO_PLATFORM_SIGNIN);
    await expect(p.getByRole('heading', { name: 'Check your camera and microphone' })).toHaveCount(0);
    await expect(p.locator('video')).toHaveCount(0);
    expect(await cameraRequests(p)).toBe(0);
    await look(p, `party-on-session-page-${viewport}`);

    // The same on the case page; from this tab, one click back to the invitation.
    await p.goto(caseUrl);
    await expect(p.getByRole('heading', { name: 'This page is for the mediator' })).toBeVisible();
    await expect(p.locator('main')).not.toContainText(NO_PLATFORM_SIGNIN);
    await p.getByRole('link', { name: 'Go to your invitation' }).click();
    await expect(p.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();

    // A new tab has no invitation to go back to: the text alone says what to do.
    const fresh = await pCtx.newPage();
    await fresh.goto(`${caseUrl}/session`);
    await expect(fresh.getByRole('heading', { name: 'This page is for the mediator' })).toBeVisible();
    await expect(fresh.getByRole('link', { name: 'Go to your invitation' })).toHaveCount(0);
    expect(await cameraRequests(fresh)).toBe(0);
    await pCtx.close();
  }

  // The mediator withdraws Sven's link; Sven opening it reads to ask for a new one.
  m.once('dialog', (d) => void d.accept());
  await m.getByRole('button', { name: 'Withdraw link' }).nth(1).click();
  await expect(m.getByText('Link withdrawn')).toBeVisible();
  for (const [viewport, size] of SIZES) {
    const sCtx = await partyContext(browser, size);
    const s = await sCtx.newPage();
    await s.goto(links['Sven Sand']!);
    await expect(s.getByRole('heading', { name: 'This link has been withdrawn' })).toBeVisible();
    await expect(s.getByText('Ask your mediator to send you a new link.')).toBeVisible();
    await look(s, `withdrawn-link-${viewport}`);
    await sCtx.close();
  }
  await mCtx.close();
});

test('a mediator opening a case that is not theirs reads so, with a way to their cases, and no camera', async ({ browser }) => {
  for (const [viewport, size] of SIZES) {
    const mCtx = await mediatorContext(browser, size);
    await countCameraRequests(mCtx);
    const m = await mCtx.newPage();
    // The API answers the same for someone else's case and no case at all: neither is the mediator's.
    await m.goto(`${server().url}/cases/NotOneOfMine123/session`);
    await expect(m.getByRole('heading', { name: 'This is not one of your cases' })).toBeVisible();
    expect(await cameraRequests(m)).toBe(0);
    await expect(m.locator('video')).toHaveCount(0);
    await look(m, `not-your-case-${viewport}`);
    await m.getByRole('link', { name: 'Go to your cases' }).click();
    await expect(m.getByRole('heading', { name: 'Your cases' })).toBeVisible();
    await mCtx.close();
  }
});
