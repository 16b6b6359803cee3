import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  agreementEditor,
  createCaseInUi,
  freezeAgreementInUi,
  mediatorContext,
  partyContext,
  passConsentGate,
  server,
  signAgreementAsParty,
} from '../support/flows.ts';
import { expectAccessible } from '../support/axe.ts';
import { screenshot } from '../support/screens.ts';

const LINE_1 = 'Ana keeps the boat; Ben keeps the mooring.';
const LINE_2 = 'Each side bears its own costs.';
const TITLE = 'Settlement agreement';

/**
 * The frozen text on the review page is the document as drafted: the title a heading, the clauses
 * a numbered list whose numbers come from the list alone (each appears once, none in the text).
 */
async function expectDocument(page: Page, last: string): Promise<void> {
  const doc = page.locator('section.agreement-text');
  await expect(doc.getByRole('heading', { name: TITLE })).toBeVisible();
  await expect(doc.getByRole('list')).toHaveCount(1);
  await expect(doc.getByRole('listitem')).toHaveText([LINE_1, last]);
  expect(await doc.locator('ol').evaluate((ol) => getComputedStyle(ol).listStyleType)).toBe('decimal');
  await expect(doc).not.toContainText(/#|\d\./);
}

/** IMI 3.8.1/3.8.2: freeze the exact text, informed sign-off by each party, edits withdraw, the file verifies. */
test('freeze, sign, an edit withdraws the version, re-freeze, everyone signs, the download verifies and a changed copy does not', async ({ browser }) => {
  const mediatorCtx = await mediatorContext(browser);
  const mediator = await mediatorCtx.newPage();
  const { caseUrl, links } = await createCaseInUi(mediator, 'Boat and mooring', [
    { name: 'Ana Alvarez', side: 'A' },
    { name: 'Ben Brooks', side: 'B' },
  ]);
  const aCtx = await partyContext(browser, { width: 1280, height: 900 });
  const ana = await aCtx.newPage();
  await passConsentGate(ana, links['Ana Alvarez']!);
  const bCtx = await partyContext(browser, { width: 390, height: 844 });
  const ben = await bCtx.newPage();
  await passConsentGate(ben, links['Ben Brooks']!);
  for (const p of [ana, ben]) {
    await expect(p.getByRole('heading', { name: 'Check your camera and microphone' })).toBeVisible();
    await expect(p.getByText(/^No agreement to sign yet/)).toBeVisible();
  }

  // The mediator writes a title and two numbered clauses (the editor's own shortcuts) and freezes them.
  await mediator.goto(caseUrl);
  await mediator.getByRole('link', { name: 'Agreement draft' }).click();
  const signoff = mediator.getByRole('region', { name: 'Sign-off' });
  await expect(signoff.getByRole('status')).toHaveText('No version frozen yet');
  await expect(mediator.getByRole('region', { name: 'Agreement draft' }).getByText('Saved on the server')).toBeVisible();
  await agreementEditor(mediator).click();
  await mediator.keyboard.type(`# ${TITLE}`);
  await mediator.keyboard.press('Enter');
  await mediator.keyboard.type(`1. ${LINE_1}`);
  await mediator.keyboard.press('Enter');
  await mediator.keyboard.type(LINE_2);
  await expect(agreementEditor(mediator).locator('ol > li')).toHaveCount(2);
  await freezeAgreementInUi(mediator);
  await expect(signoff.getByRole('status')).toHaveText(/^Version 1 frozen at .+ — waiting for: Ana Alvarez and Ben Brooks$/);
  await expect(signoff.getByText(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/)).toBeVisible();

  // Ana reviews exactly that text and signs.
  await ana.getByRole('button', { name: 'Review and sign the agreement' }).click();
  await expect(ana.getByRole('heading', { name: 'Review the agreement' })).toBeVisible();
  await expectDocument(ana, LINE_2);
  await signAgreementAsParty(ana, 1);
  await expect(signoff.getByRole('status')).toHaveText(/waiting for: Ben Brooks$/, { timeout: 10_000 });
  await expect(signoff.getByRole('listitem').filter({ hasText: 'Ana Alvarez' })).toContainText('signed at');

  // One more character in the draft withdraws version 1, for the mediator and on Ana's page.
  // (At the end of the last clause: after a list the editor keeps an empty paragraph, where Control+End would land.)
  await agreementEditor(mediator).locator('ol > li').last().click();
  await mediator.keyboard.press('End');
  await mediator.keyboard.type('!');
  await expect(signoff.getByRole('status')).toHaveText('Version 1 was withdrawn: the draft was edited after it was frozen', { timeout: 10_000 });
  await expect(ana.getByText('Version 1 was withdrawn: the draft was edited after it was frozen.')).toBeVisible({ timeout: 10_000 });
  await expect(ana.getByText('Your signature on it no longer counts.')).toBeVisible();
  await expect(ana.getByRole('button', { name: 'Review the new version' })).toBeDisabled();

  // Version 2: both sign.
  await freezeAgreementInUi(mediator);
  await expect(signoff.getByRole('status')).toHaveText(/^Version 2 frozen at /);
  await ana.getByRole('button', { name: 'Review the new version' }).click();
  await expectDocument(ana, `${LINE_2}!`);
  // The date in words (the reader's language and order) and the name of the reader's time zone.
  await expect(ana.getByText(/^Boat and mooring · Version 2, frozen on (\d{1,2} )?[A-Z][a-z]+ (\d{1,2}, )?\d{4}\D+\d{1,2}:\d{2}(\s[AP]M)?\s(UTC|GMT|[A-Z]{2,5})\S*\./)).toBeVisible();
  await screenshot(ana, 'signoff-review-desktop');
  await signAgreementAsParty(ana, 2);
  await ben.getByRole('button', { name: 'Review and sign the agreement' }).click();
  await expectDocument(ben, `${LINE_2}!`);
  await expect(ben.getByText(/^Ana Alvarez \(Party, signed /)).toBeVisible();
  await screenshot(ben, 'signoff-review-phone');
  expect(await ben.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await signAgreementAsParty(ben, 2);
  await expect(ben.getByText('Every party has signed: this is the agreement.')).toBeVisible();
  const [partyCopy] = await Promise.all([ben.waitForEvent('download'), ben.getByRole('button', { name: 'Download a copy' }).click()]);
  expect(partyCopy.suggestedFilename()).toBe('agreement-v2.html');
  await expect(signoff.getByRole('status')).toHaveText('Signed by every party', { timeout: 10_000 });

  // The mediator downloads the file; the verify page finds it intact, and a one-character change is caught.
  const [download] = await Promise.all([mediator.waitForEvent('download'), signoff.getByRole('link', { name: 'Download the agreement (HTML)' }).click()]);
  expect(download.suggestedFilename()).toBe('agreement-v2.html');
  const html = fs.readFileSync(await download.path(), 'utf8');
  expect(html).toContain(`<h2>${TITLE}</h2><ol><li>${LINE_1}</li><li>${LINE_2}!</li></ol>`);
  expect(html).not.toContain('npm run');
  expect(html).toContain('/verify</a> and choose this file.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-signoff-'));
  const good = path.join(dir, 'agreement-v2.html');
  const bad = path.join(dir, 'agreement-v2-changed.html');
  fs.writeFileSync(good, html);
  fs.writeFileSync(bad, html.replace(`own costs.!</li>`, `own cost5.!</li>`));
  expect(fs.readFileSync(bad, 'utf8')).not.toBe(html);

  await signoff.getByRole('link', { name: 'Check a downloaded file' }).click();
  await expect(mediator).toHaveURL(/\/verify$/);
  await checkFile(mediator, good);
  await expect(mediator.getByText('This agreement is intact and signed by every party')).toBeVisible();
  await expect(mediator.getByText(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/).first()).toBeVisible();
  await checkFile(mediator, bad);
  await expect(mediator.getByText('This file is not an intact, fully signed agreement')).toBeVisible();
  await expect(mediator.getByText(/The document was altered/)).toBeVisible();
  await expect(mediator.getByText('This agreement is intact and signed by every party')).toHaveCount(0);

  // The case list says where the agreement stands.
  await mediator.goto(server().url);
  const row = mediator.getByRole('listitem').filter({ has: mediator.getByRole('link', { name: 'Boat and mooring' }) });
  await expect(row.getByText('Agreement signed (version 2)')).toBeVisible();
  await expectAccessible(mediator, 'mediator home, agreement signed');
  await screenshot(mediator, 'mediator-home-signed-desktop');

  fs.rmSync(dir, { recursive: true, force: true });
  await Promise.all([mediatorCtx.close(), aCtx.close(), bCtx.close()]);
});

/** Picks a file through the browser's file chooser on the verify page and checks it. */
async function checkFile(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByLabel('Agreement file (HTML)').click()]);
  await chooser.setFiles(file);
  await page.getByRole('button', { name: 'Check this file' }).click();
  await expect(page.getByRole('heading', { name: `Result for ${path.basename(file)}` })).toBeVisible();
}
