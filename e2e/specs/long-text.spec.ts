import { expect, test, type Page } from '@playwright/test';
import {
  createCaseInUi,
  createCaucusInUi,
  joinFromPrejoin,
  mediatorContext,
  moveSelectedInUi,
  openThread,
  partyContext,
  passConsentGate,
  server,
} from '../support/flows.ts';
import { DESKTOP, fitsTheScreen, PHONE, screenshot } from '../support/screens.ts';

/**
 * Text as long as the platform allows (case title 140, names 80, caucus name 60 characters), and
 * in one unbroken word: a reference number, a pasted address, a name in a script without spaces.
 * No page may become wider than the screen, and every field cut at a limit says so as you type.
 * Screenshots land in .cache/screens/long-text-*.png for people to look at.
 */
const desktop = DESKTOP;
const phone = PHONE;
const shot = (page: Page, name: string) => screenshot(page, `long-text-${name}`);

/** `n` characters with no place to break a line. */
const unbroken = (start: string, n: number) => (start + 'W'.repeat(n)).slice(0, n);
const TITLE = unbroken('LongTitle', 140);
const ANA = unbroken('Anastasia', 80);
const BEN = unbroken('Benedikt', 80);
const CAUCUS = unbroken('Caucus', 60);

/** The element's box lies within its nearest list (not clipped by the rounded case list). */
async function insideItsList(page: Page, name: string) {
  const link = page.getByRole('link', { name, exact: true });
  await expect(link).toBeVisible();
  const inside = await link.evaluate((a) => {
    const r = a.getBoundingClientRect();
    const box = a.closest('ul')!.getBoundingClientRect();
    return r.left >= box.left - 1 && r.right <= box.right + 1;
  });
  expect.soft(inside, 'the case title fits inside the case list').toBe(true);
}

test('the longest title, names and caucus name fit on desktop and phone, and each field shows its limit', async ({ browser }) => {
  const mCtx = await mediatorContext(browser, desktop);
  const m = await mCtx.newPage();

  // The new-case form counts as you type and says when the limit is reached.
  await m.goto(server().url);
  const title = m.getByLabel('Case title');
  await expect(title).toHaveAccessibleDescription('0 of 140 characters');
  await title.fill(TITLE.slice(0, 132));
  await expect(m.getByText('132 / 140', { exact: true })).toBeVisible();
  await title.fill(TITLE);
  await expect(m.getByText('140 / 140 · limit reached', { exact: true })).toBeVisible();
  await expect(title).toHaveAccessibleDescription('140 of 140 characters');
  const name = m.getByLabel('Name', { exact: true }).first();
  await name.fill(ANA);
  await expect(name).toHaveAccessibleDescription('80 of 80 characters');
  await fitsTheScreen(m, 'new case form, desktop');
  await shot(m, 'new-case-desktop');

  const { caseUrl, links } = await createCaseInUi(m, TITLE, [
    { name: ANA, side: 'A' },
    { name: BEN, side: 'B' },
  ]);
  await expect(m.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  await fitsTheScreen(m, 'case page, desktop');
  await shot(m, 'case-desktop');

  // The composer of the case's messages counts too.
  await m.getByRole('link', { name: 'Open messages' }).click();
  await openThread(m, 'Joint thread');
  const composer = m.getByRole('region', { name: 'Messages' }).getByLabel('Message to Joint thread');
  await composer.fill('Hello');
  await expect(composer).toHaveAccessibleDescription(/5 of 4,000 characters/);
  await expect(m.getByText('5 / 4,000', { exact: true })).toBeVisible();
  await fitsTheScreen(m, 'messages, desktop');
  await shot(m, 'messages-desktop');

  await m.goto(server().url);
  await insideItsList(m, TITLE);
  await fitsTheScreen(m, 'case list, desktop');
  await shot(m, 'home-desktop');

  // The mediator on a phone: case list, case page, then the live session with a caucus.
  const mpCtx = await mediatorContext(browser, phone);
  const mp = await mpCtx.newPage();
  await mp.goto(server().url);
  await insideItsList(mp, TITLE);
  await fitsTheScreen(mp, 'case list, phone');
  await shot(mp, 'home-phone');
  await mp.goto(caseUrl);
  await expect(mp.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  await fitsTheScreen(mp, 'case page, phone');
  await shot(mp, 'case-phone');

  const aCtx = await partyContext(browser, phone);
  const a = await aCtx.newPage();
  await a.goto(links[ANA]!);
  await expect(a.getByRole('heading', { name: 'Protocol agreement' })).toBeVisible();
  await fitsTheScreen(a, 'consent gate, phone');
  await shot(a, 'gate-party-phone');
  await passConsentGate(a, links[ANA]!);
  await expect(a.getByRole('button', { name: 'Join session' })).toBeVisible();
  await fitsTheScreen(a, 'pre-join, phone');
  await mp.getByRole('link', { name: 'Open session' }).click();
  await joinFromPrejoin(mp);
  await joinFromPrejoin(a);
  await expect(mp.getByRole('region', { name: 'Participants' }).getByText(ANA)).toBeVisible();

  // The caucus name field counts, then a caucus with the longest name, and Ana and the mediator in it.
  await mp.getByRole('button', { name: 'New caucus' }).click();
  const caucusName = mp.getByLabel('Caucus name');
  await caucusName.fill(CAUCUS);
  await expect(caucusName).toHaveAccessibleDescription('60 of 60 characters');
  await expect(mp.getByText('60 / 60 · limit reached', { exact: true })).toBeVisible();
  await fitsTheScreen(mp, 'new caucus form, phone');
  await mp.getByRole('button', { name: 'Cancel', exact: true }).click();
  await createCaucusInUi(mp, CAUCUS);
  await fitsTheScreen(mp, 'session with a caucus, phone');
  await moveSelectedInUi(mp, [ANA, 'Mediator'], CAUCUS);
  await expect(a.getByText(`You are in the caucus “${CAUCUS}”`, { exact: false })).toBeVisible();
  await expect(mp.getByText(`You are in the caucus “${CAUCUS}”`, { exact: false })).toBeVisible();
  for (const button of [`Start timer for ${CAUCUS}`, `Close ${CAUCUS}`, 'Leave session']) {
    const b = mp.getByRole('button', { name: button });
    await b.scrollIntoViewIfNeeded();
    await expect(b, `${button} is on screen`).toBeInViewport({ ratio: 1 });
  }
  await fitsTheScreen(mp, 'mediator in the caucus, phone');
  await shot(mp, 'session-mediator-phone');
  await fitsTheScreen(a, 'party in the caucus, phone');
  await shot(a, 'session-party-phone');

  // Name once: the mediator is still called "Mediator", and their tile does not say it twice.
  const mediatorTile = a.locator('figure.tile').filter({ has: a.locator('.tile-name', { hasText: /^Mediator$/ }) });
  await expect(mediatorTile).toHaveCount(1);
  await expect(mediatorTile.locator('figcaption')).not.toContainText('Mediator · Mediator');
  await expect(mediatorTile.locator('.tile-role')).toHaveCount(0);
  const mediatorRow = a.getByRole('region', { name: 'Participants' }).getByRole('listitem').filter({ hasText: /^Mediator/ });
  await expect(mediatorRow.locator('.panel-role')).toHaveCount(0);

  await Promise.all([mCtx.close(), mpCtx.close(), aCtx.close()]);
});

test('the mediator sets the name everyone sees; the case page shows it', async ({ browser }) => {
  const mCtx = await mediatorContext(browser, desktop);
  const m = await mCtx.newPage();
  const { caseUrl } = await createCaseInUi(m, 'Rent arrears', [
    { name: 'Carla Costa', side: 'A' },
    { name: 'Dev Dutta', side: 'B' },
  ]);
  await expect(m.getByRole('heading', { name: 'Mediator', level: 3 })).toBeVisible();
  try {
    await m.goto(server().url);
    const section = m.getByRole('region', { name: 'Your name' });
    const field = section.getByLabel('Name shown to participants');
    await expect(field).toHaveValue('Mediator');
    await field.fill('   ');
    await section.getByRole('button', { name: 'Save name' }).click();
    await expect(section.getByText('A name is required')).toBeVisible();
    await expect(field).toBeFocused();
    await field.fill('  Dr. Maria Mendes ');
    await section.getByRole('button', { name: 'Save name' }).click();
    await expect(section.getByRole('status')).toHaveText('Saved. You are now called Dr. Maria Mendes on all your cases.');
    await expect(field).toHaveValue('Dr. Maria Mendes');
    await expect(m.getByText('Signed in as Dr. Maria Mendes')).toBeVisible();
    await fitsTheScreen(m, 'home with the name form, desktop');
    await shot(m, 'your-name-desktop');

    // The case made before the change shows the new name too.
    await m.goto(caseUrl);
    await expect(m.getByRole('heading', { name: 'Dr. Maria Mendes', level: 3 })).toBeVisible();
    await expect(m.getByRole('heading', { name: 'Mediator', level: 3 })).toHaveCount(0);
    await shot(m, 'your-name-case-desktop');
  } finally {
    // Every other spec of this run expects the mediator to be called "Mediator".
    await m.goto(server().url);
    const status = await m.evaluate(async () => (await fetch('/api/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Mediator' }) })).status);
    expect.soft(status, "the name is back to Mediator for the other specs").toBe(200);
    await mCtx.close();
  }
});
